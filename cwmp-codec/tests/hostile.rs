//! Hostile input: malformed XML refused in both modes, strict round trips of what the writer
//! writes, nothing dropped unseen past the warning cap, no credential printed from unknown
//! content, messages that cannot forge log lines, and memory and output proportional to the
//! input.
//!
//! The allocation counter is global and sees every thread, so the tests take turns.
#![allow(missing_docs)]

use std::alloc::System;
use std::path::Path;

use cwmp_codec::{Body, Envelope, ErrorKind, Message, ReadOptions, WarningKind};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Held by every test, so that the allocation counts of one are not another's.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn regression(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fuzz_regressions")
            .join(name),
    )
    .unwrap()
}

const ROOT: &str = r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">"#;

/// An envelope with `header` in its Header and `body` in its Body.
fn envelope(header: &str, body: &str) -> String {
    format!(
        "{ROOT}<SOAP-ENV:Header><cwmp:ID SOAP-ENV:mustUnderstand=\"1\">1</cwmp:ID>{header}</SOAP-ENV:Header><SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
}

/// A SetParameterValuesResponse-free body carrying one parameter value `text`.
fn gpv_response(value_text: &str) -> String {
    format!(
        "<cwmp:GetParameterValuesResponse><ParameterList SOAP-ENC:arrayType=\"cwmp:ParameterValueStruct[1]\"><ParameterValueStruct><Name>A.B</Name><Value xsi:type=\"xsd:string\">{value_text}</Value></ParameterValueStruct></ParameterList></cwmp:GetParameterValuesResponse>"
    )
}

fn refused_in_both_modes(name: &str, input: &[u8]) -> cwmp_codec::ParseError {
    let strict = Message::parse_with(input, &ReadOptions::strict());
    assert!(strict.is_err(), "{name}: accepted in strict mode");
    match Message::parse_with(input, &ReadOptions::lenient()) {
        Ok(m) => panic!(
            "{name}: accepted leniently, written as {}",
            String::from_utf8_lossy(&m.value.to_vec())
        ),
        Err(e) => e,
    }
}

/// One test per finding in `tests/fuzz_regressions/not-well-formed-*.xml`: refused in both
/// modes, with the kind of error that names the fault, inside the header that holds it.
macro_rules! not_well_formed {
    ($($test:ident: $file:literal => $kind:pat,)*) => {$(
        #[test]
        fn $test() {
            let _serial = serial();
            let e = refused_in_both_modes($file, &regression($file));
            assert!(matches!(e.kind(), $kind), "{}: {e}", $file);
            assert!(e.location().starts_with("Envelope/Header"), "{}: {e}", $file);
        }
    )*};
}

not_well_formed! {
    a_duplicate_attribute_is_refused: "not-well-formed-attr-duplicate.xml" =>
        ErrorKind::DuplicateAttribute(_),
    an_undefined_entity_in_an_attribute_is_refused: "not-well-formed-attr-undefined-entity.xml" =>
        ErrorKind::UnknownEntity(_),
    an_invalid_element_name_is_refused: "not-well-formed-child-invalid-name.xml" =>
        ErrorKind::InvalidName(_),
    a_nul_in_a_comment_is_refused: "not-well-formed-comment-with-nul.xml" =>
        ErrorKind::IllegalCharacter(0),
    a_cdata_end_in_text_is_refused: "not-well-formed-text-cdata-close-sequence.xml" =>
        ErrorKind::CDataEndInText,
}

/// The text-size limit covers attribute values and unknown content kept raw, not only text.
#[test]
fn the_text_limit_covers_attributes_and_raw_content() {
    let _serial = serial();
    let mut opts = ReadOptions::lenient();
    opts.limits.max_text_bytes = 64;
    let long = "v".repeat(100);
    for input in [
        envelope(
            &format!("<x:H xmlns:x=\"urn:x\" a=\"{long}\"/>"),
            "<cwmp:GetRPCMethods/>",
        ),
        envelope(
            &format!("<x:H xmlns:x=\"urn:x\"><a/>{}</x:H>", "<b/>".repeat(20)),
            "<cwmp:GetRPCMethods/>",
        ),
        envelope(
            "",
            &format!("<v:M xmlns:v=\"urn:v\">{}</v:M>", "<b/>".repeat(20)),
        ),
    ] {
        let e = Message::parse_with(input.as_bytes(), &opts).unwrap_err();
        assert!(
            matches!(
                e.kind(),
                ErrorKind::LimitExceeded {
                    limit: cwmp_codec::Limit::MaxTextBytes,
                    ..
                }
            ),
            "{e}"
        );
    }
}

/// More of each class than the findings show, in unknown content (kept raw and written back)
/// and in known elements, so both lanes of the reader meet them.
#[test]
fn malformed_xml_of_every_class_is_refused() {
    let _serial = serial();
    let header = |h: &str| envelope(h, "<cwmp:GetRPCMethods/>");
    let value = |t: &str| envelope("", &gpv_response(t));
    let cases = [
        (
            "bare & in attribute",
            header(r#"<x:H xmlns:x="urn:x" a="1 & 2"/>"#),
        ),
        (
            "< in attribute",
            header(r#"<x:H xmlns:x="urn:x" a="1 < 2"/>"#),
        ),
        (
            "NUL reference in attribute",
            header(r#"<x:H xmlns:x="urn:x" a="&#0;"/>"#),
        ),
        (
            "FFFE reference in attribute",
            header(r#"<x:H xmlns:x="urn:x" a="&#xFFFE;"/>"#),
        ),
        (
            "U+FFFF in attribute",
            header("<x:H xmlns:x=\"urn:x\" a=\"\u{FFFF}\"/>"),
        ),
        (
            "attributes without space",
            header(r#"<x:H xmlns:x="urn:x" a="1"b="2"/>"#),
        ),
        (
            "duplicate by namespace",
            header(r#"<x:H xmlns:x="urn:x" xmlns:y="urn:x" x:a="1" y:a="2"/>"#),
        ),
        (
            "unbound attribute prefix",
            header(r#"<x:H xmlns:x="urn:x" q:a="1"/>"#),
        ),
        (
            "invalid attribute name",
            header(r#"<x:H xmlns:x="urn:x" 1a="1"/>"#),
        ),
        ("undeclaring a prefix", header(r#"<x:H xmlns:x=""/>"#)),
        (
            "binding xmlns",
            header(r#"<x:H xmlns:x="urn:x" xmlns:xmlns="urn:y"/>"#),
        ),
        (
            "binding xml elsewhere",
            header(r#"<x:H xmlns:x="urn:x" xmlns:xml="urn:y"/>"#),
        ),
        (
            "NUL in a processing instruction",
            header("<x:H xmlns:x=\"urn:x\"><?p a\0?></x:H>"),
        ),
        (
            "reserved processing instruction",
            header(r#"<x:H xmlns:x="urn:x"><?XmL a?></x:H>"#),
        ),
        (
            "double hyphen in a comment",
            header(r#"<x:H xmlns:x="urn:x"><!-- a -- b --></x:H>"#),
        ),
        (
            "comment ending in a hyphen",
            header(r#"<x:H xmlns:x="urn:x"><!-- a ---></x:H>"#),
        ),
        (
            "]]> in raw text",
            header(r#"<x:H xmlns:x="urn:x"><y>]]></y></x:H>"#),
        ),
        (
            "U+FFFE in raw text",
            header("<x:H xmlns:x=\"urn:x\">\u{FFFE}</x:H>"),
        ),
        (
            "undefined entity in raw text",
            header(r#"<x:H xmlns:x="urn:x">&xxe;</x:H>"#),
        ),
        (
            "invalid element name deep in raw",
            header(r#"<x:H xmlns:x="urn:x"><a><-b/></a></x:H>"#),
        ),
        ("]]> in a value", value("a ]]> b")),
        ("U+FFFE in a value", value("a \u{FFFE} b")),
        ("U+FFFF reference in a value", value("&#xFFFF;")),
        ("NUL in a comment of a value", value("a<!--\0-->b")),
        (
            "invalid name of a known child",
            envelope("", "<cwmp:GetRPCMethods><.a/></cwmp:GetRPCMethods>"),
        ),
        (
            "invalid method name",
            envelope("", "<cwmp:Get+RPCMethods/>"),
        ),
        (
            "bidi override in a name",
            envelope("", "<cwmp:Get\u{202e}RPCMethods/>"),
        ),
        (
            "non-name character in a raw name",
            header("<x:H xmlns:x=\"urn:x\"><a\u{37E}/></x:H>"),
        ),
        (
            "declaration after a comment",
            format!(
                "<!-- c --><?xml version=\"1.0\"?>{}",
                envelope("", "<cwmp:GetRPCMethods/>")
            ),
        ),
        (
            "second declaration",
            format!(
                "<?xml version=\"1.0\"?><?xml version=\"1.0\"?>{}",
                envelope("", "<cwmp:GetRPCMethods/>")
            ),
        ),
    ];
    for (name, input) in &cases {
        refused_in_both_modes(name, input.as_bytes());
        // Every prefix of the input is refused too or read as a valid envelope; none panics.
        for cut in 0..input.len() {
            let _ = Message::parse(&input.as_bytes()[..cut]);
        }
    }
}

/// Characters the writer cannot carry are replaced, so its output is always XML.
#[test]
fn the_writer_replaces_characters_xml_cannot_carry() {
    let _serial = serial();
    let input = envelope("", &gpv_response("ok"));
    let mut msg = Message::parse(input.as_bytes()).unwrap();
    let Body::GetParameterValuesResponse(r) = &mut msg.envelopes[0].body else {
        panic!()
    };
    r.parameter_list[0].value.text = "a\u{FFFE}b\u{FFFF}c\u{1}d]]>e".into();
    let out = msg.to_vec();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(
        text.contains("a\u{FFFD}b\u{FFFD}c\u{FFFD}d]]&gt;e"),
        "{text}"
    );
    Message::parse_with(&out, &ReadOptions::strict()).unwrap();
}

/// The writer's output of valid typed data reads back strictly: an empty header is left out,
/// and a raw header carries only the declarations it uses.
#[test]
fn strict_reading_accepts_what_the_writer_writes() {
    let _serial = serial();
    for name in [
        "strict-roundtrip-empty-header.xml",
        "strict-roundtrip-noncanonical-prefix-added-to-unknown-header.xml",
    ] {
        let input = regression(name);
        let msg = Message::parse(&input).unwrap();
        let out = msg.to_vec();
        let strict = Message::parse_with(&out, &ReadOptions::strict())
            .unwrap_or_else(|e| panic!("{name}: {e}\n{}", String::from_utf8_lossy(&out)));
        assert_eq!(strict.value.to_vec(), out, "{name}");
    }
}

/// The fuzz finding: a raw element that relies on many declarations made outside it. Its
/// canonical form reads back, under the same limits.
#[test]
fn writing_what_was_read_reads_back_under_the_binding_limit() {
    let _serial = serial();
    let input = regression("cwmp-emit-exceeds-binding-limit.xml");
    let Ok(msg) = Message::parse(&input) else {
        return;
    };
    let out = msg.to_vec();
    let again =
        Message::parse(&out).unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&out)));
    assert_eq!(
        Message::parse(&again.to_vec()).unwrap().to_vec(),
        again.to_vec()
    );

    // The same family, built: 31 extra declarations under non-canonical prefixes for the
    // well-known namespaces and others, all used by a raw header.
    let decls: String = (0..27)
        .map(|i| format!(" xmlns:p{i}=\"urn:p{i}\""))
        .collect();
    let uses: String = (0..27).map(|i| format!(" p{i}:a=\"1\"")).collect();
    let input = format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:c=\"urn:dslforum-org:cwmp-1-0\" xmlns:d=\"http://www.w3.org/2001/XMLSchema\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"{decls}><s:Header><p0:H s:mustUnderstand=\"1\" i:type=\"d:string\"{}/></s:Header><s:Body><c:GetRPCMethods/></s:Body></s:Envelope>",
        &uses[8..]
    );
    let msg = Message::parse(input.as_bytes()).unwrap();
    let out = msg.to_vec();
    Message::parse(&out).unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&out)));
}

#[test]
fn warnings_past_the_cap_are_counted() {
    let _serial = serial();
    let input = regression("warning-cap-silent-drop.xml");
    let parsed = Message::parse_with(&input, &ReadOptions::lenient()).unwrap();
    assert_eq!(parsed.warnings.len(), 1024);
    assert!(parsed.dropped_warnings > 0);
    let Body::GetParameterValuesResponse(r) = &parsed.value.envelopes[0].body else {
        panic!()
    };
    let items = String::from_utf8_lossy(&input)
        .matches("<ParameterValueStruct>")
        .count();
    // Every item is either kept or behind a warning, counted if not recorded.
    let recorded_drops = parsed
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::MissingValue)
        .count();
    assert!(r.parameter_list.len() + recorded_drops + parsed.dropped_warnings >= items);
    assert!(recorded_drops < items - r.parameter_list.len());
}

#[test]
fn credentials_in_unknown_content_are_never_printed() {
    let _serial = serial();
    let input = regression("secret-download-unknown-namespace.xml");
    let msg = Message::parse(&input).unwrap();
    let Body::Unknown(m) = &msg.envelopes[0].body else {
        panic!("{:?}", msg.envelopes[0].body)
    };
    assert_eq!(m.name, "Download");
    let debug = format!("{msg:?}");
    let json = serde_json::to_string(&msg).unwrap();
    for shown in [&debug, &json] {
        assert!(!shown.contains("Hunter2"), "{shown}");
        assert!(!shown.contains("user"), "{shown}");
        assert!(shown.contains("<Password>…</Password>"), "{shown}");
    }
    assert!(m.raw.expose().contains("Hunter2-S3cret"));
    assert!(String::from_utf8_lossy(&msg.to_vec()).contains("Hunter2-S3cret"));

    // A password in an unknown header's attribute is hidden too.
    let input = envelope(
        r#"<x:Auth xmlns:x="urn:x" token="T0ken-Secret">pw</x:Auth>"#,
        "<cwmp:GetRPCMethods/>",
    );
    let msg = Message::parse(input.as_bytes()).unwrap();
    let shown = format!("{msg:?}{}", serde_json::to_string(&msg).unwrap());
    assert!(
        !shown.contains("T0ken") && !shown.contains(">pw<"),
        "{shown}"
    );
    assert!(
        shown.contains(r#"<x:Auth xmlns:x=\"urn:x\" token=\"…\">…</x:Auth>"#),
        "{shown}"
    );
}

/// Messages quote input escaped and cut: one line each, no terminal control, bounded length.
#[test]
fn messages_cannot_forge_log_lines() {
    let _serial = serial();
    let e = refused_in_both_modes("log", &regression("log-injection-end-tag.xml"));
    let shown = e.to_string();
    assert!(!shown.contains('\n'), "{shown}");
    assert!(shown.contains("\\nwarning: forged"), "{shown}");

    let long = "a".repeat(10 << 20);
    let escape = format!("<cwmp:GetRPCMethods></cwmp:{long}\u{1b}[31m\u{202e}>");
    for input in [
        envelope(
            "",
            "<cwmp:GetRPCMethods></cwmp:x\u{1b}[2J\u{202e}></cwmp:GetRPCMethods>",
        ),
        envelope("", &escape),
        envelope(
            "",
            &format!("<cwmp:GetRPCMethods><{long}>1</{long}x></cwmp:GetRPCMethods>"),
        ),
        envelope(
            "",
            &format!("<cwmp:GetRPCMethods><a>&{long};</a></cwmp:GetRPCMethods>"),
        ),
    ] {
        let mut opts = ReadOptions::lenient();
        opts.limits.max_input_bytes = 64 << 20;
        let e = Message::parse_with(input.as_bytes(), &opts).unwrap_err();
        let shown = e.to_string();
        assert!(
            shown.len() < 512,
            "{} bytes: {}",
            shown.len(),
            &shown[..512]
        );
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{shown}"
        );
    }

    // A warning's path quotes element names, which are cut too.
    let input = envelope(
        "",
        &format!("<cwmp:GetRPCMethods><{long}/></cwmp:GetRPCMethods>"),
    );
    let mut opts = ReadOptions::lenient();
    opts.limits.max_input_bytes = 64 << 20;
    let parsed = Message::parse_with(input.as_bytes(), &opts).unwrap();
    let w = &parsed.warnings[0];
    assert!(w.to_string().len() < 256, "{w}");
}

// ------------------------------------------------------------------------- amplification

/// The findings' generator (`amplification-gen.py`): `headers` unknown headers, each `header`,
/// under an envelope declaring 26 namespaces with `uri_len`-byte URIs.
fn amplification(uri_len: usize, header: &str, headers: usize, body: &str) -> String {
    let extra: String = (0..26u8)
        .map(|i| {
            let c = char::from(b'a' + i);
            format!(" xmlns:n{i}=\"urn:{}\"", c.to_string().repeat(uri_len))
        })
        .collect();
    format!(
        "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:cwmp=\"urn:dslforum-org:cwmp-1-0\"{extra}><SOAP-ENV:Header>{}</SOAP-ENV:Header><SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>",
        header.repeat(headers)
    )
}

/// What reading, writing and printing an input cost: bytes allocated in all (an upper bound
/// of the peak), canonical output and JSON.
struct Cost {
    allocated: usize,
    written: usize,
    json: usize,
}

fn cost(input: &[u8]) -> Result<Cost, cwmp_codec::ParseError> {
    let region = Region::new(GLOBAL);
    let parsed = Message::parse_with(input, &ReadOptions::lenient())?;
    let written = parsed.value.to_vec();
    let json = serde_json::to_vec(&parsed).unwrap();
    let debug = format!("{parsed:?}");
    let allocated = region.change().bytes_allocated;
    // What was written reads back.
    Message::parse(&written).unwrap_or_else(|e| panic!("{e}"));
    Ok(Cost {
        allocated,
        written: written.len(),
        json: json.len().max(debug.len()),
    })
}

/// The stated bound ([`cwmp_codec::Limits`]): reading an input, writing it and printing it as
/// JSON or `Debug` each cost at most 64 times the input plus a fixed 8 MiB (the warnings
/// recorded, and `max_raw_bytes` of unknown content, counted at each use).
#[test]
fn memory_and_output_stay_proportional_to_the_input() {
    let _serial = serial();
    let bound = |input: usize| 64 * input + (8 << 20);
    let raw_method = |n: usize| {
        let inner: String = (0..n)
            .map(|i| format!("<n{}:e n{}:a=\"1\"/>", i % 26, (i + 1) % 26))
            .collect();
        format!("<v:Vendor xmlns:v=\"urn:v\">{inner}</v:Vendor>")
    };
    let some_prefixes = |n: usize| -> String { (0..n).map(|i| format!(" n{i}:a=\"\"")).collect() };
    let families = [
        (
            "the finding",
            amplification(10_000, "<h/>", 3_000, "<cwmp:GetRPCMethods/>"),
        ),
        // Each header relies on a long declaration: refused past max_raw_bytes.
        (
            "prefixed headers, long URIs",
            amplification(10_000, "<n0:h/>", 3_000, "<cwmp:GetRPCMethods/>"),
        ),
        (
            "prefixed headers, short URIs",
            amplification(40, "<n0:h/>", 3_000, "<cwmp:GetRPCMethods/>"),
        ),
        (
            "more prefixed headers",
            amplification(40, "<n0:h/>", 20_000, "<cwmp:GetRPCMethods/>"),
        ),
        (
            "headers using many prefixes",
            amplification(
                100,
                &format!("<h{}/>", some_prefixes(12)),
                500,
                "<cwmp:GetRPCMethods/>",
            ),
        ),
        (
            "headers using every prefix",
            amplification(
                2_000,
                &format!("<h{}/>", some_prefixes(26)),
                200,
                "<cwmp:GetRPCMethods/>",
            ),
        ),
        (
            "unknown header attributes",
            amplification(
                100,
                &format!("<n1:h{} b=\"x\" c=\"y\"/>", some_prefixes(8)),
                500,
                "<cwmp:GetRPCMethods/>",
            ),
        ),
        (
            "nested unknown headers",
            amplification(
                20,
                "<n1:h><n2:i><n3:j n4:a=\"\"/></n2:i></n1:h>",
                1_000,
                "<cwmp:GetRPCMethods/>",
            ),
        ),
        (
            "nested unknown elements in a method",
            amplification(10_000, "", 0, &raw_method(5_000)),
        ),
        (
            "unknown elements in a known method",
            amplification(
                10_000,
                "",
                0,
                &format!(
                    "<cwmp:GetRPCMethods>{}</cwmp:GetRPCMethods>",
                    "<n2:x/>".repeat(20_000)
                ),
            ),
        ),
        (
            "many envelopes with unknown methods",
            amplification(100, "<n3:h/>", 10, &raw_method(20)).repeat(60),
        ),
    ];
    let mut read = 0;
    for (name, input) in &families {
        match cost(input.as_bytes()) {
            Ok(c) => {
                read += 1;
                let n = input.len();
                for (what, used) in [
                    ("memory", c.allocated),
                    ("output", c.written),
                    ("json", c.json),
                ] {
                    assert!(
                        used <= bound(n),
                        "{name}: {what} {used} for {n} input bytes"
                    );
                }
            }
            Err(e) => assert!(
                matches!(e.kind().clone(), ErrorKind::LimitExceeded { .. }),
                "{name}: {e}"
            ),
        }
    }
    // Most families are read, not refused: the bound is met by what is kept, not by refusing.
    assert!(read >= 7, "{read}");
}

/// The finding itself is read, and costs little: its headers use none of the declarations.
#[test]
fn the_amplification_finding_is_cheap() {
    let _serial = serial();
    let input = amplification(10_000, "<h/>", 3_000, "<cwmp:GetRPCMethods/>");
    let msg = Message::parse(input.as_bytes()).unwrap();
    let env: &Envelope<'_> = &msg.envelopes[0];
    assert_eq!(env.header.unknown.len(), 3_000);
    assert!(
        env.header
            .unknown
            .iter()
            .all(|h| h.raw.in_scope().is_empty())
    );
    assert!(msg.to_vec().len() < input.len());
}

/// Every vector's canonical form is accepted by strict reading, but for content kept as
/// received, which is named.
#[test]
fn strict_reading_accepts_the_canonical_form_of_every_vector() {
    let _serial = serial();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut read = 0;
    for dir in ["vectors/spec", "vectors/vendor", "fuzz_regressions"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "xml") {
                continue;
            }
            let input = std::fs::read(&path).unwrap();
            let Ok(msg) = Message::parse(&input) else {
                continue;
            };
            read += 1;
            for env in &msg.envelopes {
                let out = env.to_vec();
                let back = Envelope::parse_with(&out, &ReadOptions::lenient()).unwrap();
                let refused: Vec<String> = back
                    .warnings
                    .iter()
                    .filter(|w| !w.kept_as_received(&back.value))
                    .map(ToString::to_string)
                    .collect();
                assert!(refused.is_empty(), "{}: {refused:?}", path.display());
                if back.warnings.is_empty() {
                    Envelope::parse_with(&out, &ReadOptions::strict()).unwrap();
                }
            }
        }
    }
    assert!(read > 20, "{read}");
}
