//! Bad input gets a clear error naming where, never a panic; limits hold.

use std::path::Path;

use cwmp_codec::{Envelope, ErrorKind, Limits, Message, ReadOptions};

fn all_vectors() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["spec", "vendor", "malformed"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors")
            .join(dir);
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "xml") {
                out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Every prefix of every vector: an error (never a panic) until the root's end tag is in.
#[test]
fn cutting_every_vector_at_every_byte() {
    for (name, bytes) in all_vectors() {
        let whole = Message::parse(&bytes);
        let single = whole.as_ref().is_ok_and(|m| m.envelopes.len() == 1);
        let complete = bytes.iter().rposition(|&b| b == b'>').map_or(0, |i| i + 1);
        for cut in 0..bytes.len() {
            let prefix = &bytes[..cut];
            let msg = Message::parse(prefix);
            let env = Envelope::parse(prefix);
            if cut < complete && single {
                assert!(env.is_err(), "{name}: prefix of {cut} bytes parsed");
                if let Err(e) = &env {
                    assert!(
                        e.offset() <= cut + 3,
                        "{name} cut {cut}: offset {} past the input",
                        e.offset()
                    );
                }
            }
            // Strict mode and the message reader must not panic either.
            let _ = msg;
            let _ = Message::parse_with(prefix, &ReadOptions::strict());
        }
    }
}

fn parse_err(xml: &str, opts: &ReadOptions) -> cwmp_codec::ParseError {
    Message::parse_with(xml.as_bytes(), opts).unwrap_err()
}

const HEAD: &str = r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0" xmlns:enc="http://schemas.xmlsoap.org/soap/encoding/"><e:Header><c:ID e:mustUnderstand="1">1</c:ID></e:Header><e:Body>"#;
const TAIL: &str = "</e:Body></e:Envelope>";

fn wrap(body: &str) -> String {
    format!("{HEAD}{body}{TAIL}")
}

fn limits(f: impl FnOnce(&mut Limits)) -> ReadOptions {
    let mut l = Limits::default();
    f(&mut l);
    ReadOptions::default().with_limits(l)
}

#[test]
fn limits_are_enforced_and_named() {
    let names = |n: usize| -> String {
        let items: String = (0..n).map(|i| format!("<string>P{i}</string>")).collect();
        wrap(&format!(
            r#"<c:GetParameterValues><ParameterNames enc:arrayType="xsd:string[{n}]">{items}</ParameterNames></c:GetParameterValues>"#
        ))
    };
    let cases: Vec<(&str, String, ReadOptions)> = vec![
        (
            "max_input_bytes",
            names(1),
            limits(|l| l.max_input_bytes = 100),
        ),
        (
            "max_list_items",
            names(11),
            limits(|l| l.max_list_items = 10),
        ),
        (
            "max_depth",
            wrap(&"<c:X>".repeat(40)),
            ReadOptions::default(),
        ),
        (
            "max_text_bytes",
            wrap(&format!(
                "<c:Reboot><CommandKey>{}</CommandKey></c:Reboot>",
                "k".repeat(65)
            )),
            limits(|l| l.max_text_bytes = 64),
        ),
        (
            "max_envelopes",
            wrap("<c:FactoryReset/>").repeat(3),
            limits(|l| l.max_envelopes = 2),
        ),
        (
            "max_attributes",
            wrap(r#"<c:FactoryReset a="1" b="2" c="3"/>"#),
            limits(|l| l.max_attributes = 2),
        ),
        (
            "max_namespace_bindings",
            wrap(r#"<c:FactoryReset xmlns:a="u:a" xmlns:b="u:b"/>"#),
            limits(|l| l.max_namespace_bindings = 4),
        ),
    ];
    for (limit, xml, opts) in cases {
        let e = parse_err(&xml, &opts);
        assert!(
            matches!(e.kind().clone(), ErrorKind::LimitExceeded { limit: l, .. } if l.name() == limit),
            "{limit}: {e}"
        );
    }
    // Within the limits, the same inputs parse.
    Message::parse(names(11).as_bytes()).unwrap();
}

#[test]
fn doctype_and_entities_are_never_expanded() {
    let lol = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>&lol2;</e:Body></e:Envelope>"#;
    assert_eq!(
        parse_err(lol, &ReadOptions::default()).kind().clone(),
        ErrorKind::DocType
    );
    let xxe = wrap(r#"<c:Reboot><CommandKey>&xxe;</CommandKey></c:Reboot>"#);
    assert!(
        matches!(parse_err(&xxe, &ReadOptions::default()).kind().clone(), ErrorKind::UnknownEntity(ref n) if n == "xxe")
    );
}

#[test]
fn errors_name_offset_and_path() {
    let xml = wrap(
        r#"<c:SetParameterValues><ParameterList enc:arrayType="c:ParameterValueStruct[2]"><ParameterValueStruct><Name>A</Name><Value>1</Value></ParameterValueStruct><ParameterValueStruct><Name>B</Name><Value><x/></Value></ParameterValueStruct></ParameterList><ParameterKey/></c:SetParameterValues>"#,
    );
    let e = parse_err(&xml, &ReadOptions::default());
    assert_eq!(
        e.location(),
        "Envelope/Body/SetParameterValues/ParameterList/ParameterValueStruct[2]/Value"
    );
    assert_eq!(&xml[e.offset()..e.offset() + 4], "<x/>");
    assert_eq!(
        e.to_string(),
        format!(
            "unexpected element x in text content at byte {} ({})",
            e.offset(),
            e.location()
        )
    );
}

#[test]
fn malformed_inputs_are_errors() {
    let cases = [
        ("", ErrorKind::NoEnvelope),
        (" \r\n", ErrorKind::NoEnvelope),
        ("<a>", ErrorKind::NotAnEnvelope),
        (
            "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"/>",
            ErrorKind::MissingBody,
        ),
        (
            "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body/></e:Envelope>",
            ErrorKind::EmptyBody,
        ),
        (
            "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body><x:M/></e:Body></e:Envelope>",
            ErrorKind::UnboundPrefix("x".into()),
        ),
        (
            "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body><c:M xmlns:c=\"urn:dslforum-org:cwmp-1-0\">\u{1}</c:M></e:Body></e:Envelope>",
            ErrorKind::IllegalCharacter(1),
        ),
    ];
    for (xml, kind) in cases {
        let e = Envelope::parse(xml.as_bytes()).unwrap_err();
        assert_eq!(e.kind().clone(), kind, "{xml}: {e}");
    }
    let trailing = format!("{}junk", wrap("<c:FactoryReset/>"));
    assert_eq!(
        Message::parse(trailing.as_bytes())
            .unwrap_err()
            .kind()
            .clone(),
        ErrorKind::TrailingContent
    );
    let not_utf8 =
        wrap("<c:Reboot><CommandKey>\u{fffd}</CommandKey></c:Reboot>").replace('\u{fffd}', "\u{1}");
    assert!(Message::parse(not_utf8.as_bytes()).is_err());
    let mut bytes = wrap("<c:Reboot><CommandKey>x</CommandKey></c:Reboot>").into_bytes();
    let at = bytes.iter().position(|&b| b == b'x').unwrap();
    bytes[at] = 0xff;
    assert!(matches!(
        Message::parse(&bytes).unwrap_err().kind().clone(),
        ErrorKind::InvalidUtf8
    ));
}

#[test]
fn unknown_must_understand_headers_are_reported() {
    let xml = r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0"><e:Header><v:Trace xmlns:v="urn:v" e:mustUnderstand="1">t</v:Trace><v:Soft xmlns:v="urn:v">s</v:Soft></e:Header><e:Body><c:FactoryReset/></e:Body></e:Envelope>"#;
    let env = Envelope::parse(xml.as_bytes()).unwrap();
    let names: Vec<&str> = env.header.not_understood().map(|h| &*h.name).collect();
    assert_eq!(names, ["Trace"]);
    assert_eq!(env.header.unknown.len(), 2);
    // Written back with its namespace, and stable from then on.
    let out = env.to_vec();
    let again = Envelope::parse(&out).unwrap();
    assert_eq!(again.header.unknown[0].namespace, "urn:v");
    assert_eq!(again.to_vec(), out);
}

#[test]
fn unknown_methods_are_kept_raw() {
    let xml = wrap(r#"<c:X_00D09E_Reset><Mode>hard</Mode></c:X_00D09E_Reset>"#);
    let env = Envelope::parse(xml.as_bytes()).unwrap();
    let cwmp_codec::Body::Unknown(m) = &env.body else {
        panic!("{:?}", env.body)
    };
    assert_eq!(m.name, "X_00D09E_Reset");
    assert_eq!(m.namespace, "urn:dslforum-org:cwmp-1-0");
    assert_eq!(
        m.raw.expose(),
        "<c:X_00D09E_Reset><Mode>hard</Mode></c:X_00D09E_Reset>"
    );
    // The `c` prefix was declared on the root: the raw copy carries it when written.
    let written = String::from_utf8(env.to_vec()).unwrap();
    assert!(
        written.contains(r#" xmlns:c="urn:dslforum-org:cwmp-1-0""#),
        "{written}"
    );
    let out = env.to_vec();
    let again = Envelope::parse(&out).unwrap();
    assert_eq!(again.body.method_name(), "X_00D09E_Reset");
}

#[test]
fn secrets_are_redacted_in_debug() {
    let xml = wrap(
        r#"<c:Download><CommandKey>k</CommandKey><FileType>1 Firmware Upgrade Image</FileType><URL>http://f</URL><Username>u</Username><Password>hunter2</Password><FileSize>0</FileSize><TargetFileName/><DelaySeconds>0</DelaySeconds><SuccessURL/><FailureURL/></c:Download>"#,
    );
    let env = Envelope::parse(xml.as_bytes()).unwrap();
    let debug = format!("{env:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    let cwmp_codec::Body::Download(d) = &env.body else {
        panic!()
    };
    assert_eq!(d.password.expose(), "hunter2");
}

/// Parameters in the usual shape are read straight from the input, behind quick-xml's back:
/// offsets reported after them must still be exact.
#[test]
fn offsets_stay_exact_after_plain_parameters() {
    let plain = r#"<ParameterValueStruct><Name>Device.A</Name><Value xsi:type="xsd:unsignedInt">1</Value></ParameterValueStruct>"#;
    let xml = wrap(&format!(
        r#"<c:GetParameterValuesResponse xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><ParameterList enc:arrayType="c:ParameterValueStruct[3]">{plain}{plain}<ParameterValueStruct><Name>&bogus;</Name><Value xsi:type="xsd:string"/></ParameterValueStruct></ParameterList></c:GetParameterValuesResponse>"#
    ));
    let e = parse_err(&xml, &ReadOptions::default());
    assert!(
        matches!(e.kind().clone(), ErrorKind::UnknownEntity(ref n) if n == "bogus"),
        "{e}"
    );
    assert_eq!(e.offset(), xml.find("&bogus;").unwrap());
    assert_eq!(
        e.location(),
        "Envelope/Body/GetParameterValuesResponse/ParameterList/ParameterValueStruct[3]/Name"
    );
    // The same parameters in strict and lenient mode, read fast or not, give the same values.
    let ok = format!(
        r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><SOAP-ENV:Header><cwmp:ID SOAP-ENV:mustUnderstand="1">1</cwmp:ID></SOAP-ENV:Header><SOAP-ENV:Body><cwmp:GetParameterValuesResponse><ParameterList SOAP-ENC:arrayType="cwmp:ParameterValueStruct[3]">{plain}
  <ParameterValueStruct> <Name>Device.B</Name>
    <Value xsi:type="xsd:boolean">true</Value> </ParameterValueStruct>
  <ParameterValueStruct><Name>Device.C</Name><Value xsi:type="xsd:string">x &amp; y</Value></ParameterValueStruct></ParameterList></cwmp:GetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"#
    );
    let strict = Message::parse_with(ok.as_bytes(), &ReadOptions::strict()).unwrap();
    let lenient = Message::parse(ok.as_bytes()).unwrap();
    assert_eq!(strict.value, lenient);
    let cwmp_codec::Body::GetParameterValuesResponse(r) = &lenient.envelopes[0].body else {
        panic!()
    };
    let got: Vec<(&str, &str)> = r
        .parameter_list
        .iter()
        .map(|p| (&*p.name, p.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("Device.A", "1"),
            ("Device.B", "true"),
            ("Device.C", "x & y")
        ]
    );
}

/// A namespace URI that needed unescaping, or that holds a line break, a tab or `<`, could
/// not be written back unchanged: it is a clear error, never silently replaced.
#[test]
fn unusual_namespace_uris_are_refused() {
    for uri in [
        "urn:a&amp;b",
        "urn:a\nb",
        "urn:a\r\nb",
        "urn:a\tb",
        "urn:a<b",
    ] {
        let xml = format!(
            r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body><v:M xmlns:v="{uri}"/></e:Body></e:Envelope>"#
        );
        let e = Envelope::parse(xml.as_bytes()).unwrap_err();
        assert!(e.message().contains("namespace uri"), "{uri:?}: {e}");
        assert_eq!(e.location(), "Envelope/Body/M");
    }
}

/// One byte order mark is a tolerated quirk; a second one is content before the envelope, and
/// offsets after the first stay exact.
#[test]
fn a_second_byte_order_mark_is_content() {
    let xml = "<e:Envelope xmlns:e=\"http://schemas.xmlsoap.org/soap/envelope/\"><e:Body><x/></e:Body></e:Envelope>";
    let once = format!("\u{FEFF}{xml}");
    let read = Message::parse_with(once.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(
        read.warnings[0].kind,
        cwmp_codec::WarningKind::ByteOrderMark
    );
    let e = Message::parse(format!("\u{FEFF}\u{FEFF}{xml}").as_bytes()).unwrap_err();
    assert_eq!(e.kind().clone(), ErrorKind::TrailingContent, "{e}");
    assert_eq!(e.offset(), 3);
    let e = Message::parse(format!("\u{FEFF}{xml}<x").as_bytes()).unwrap_err();
    assert_eq!(e.offset(), 3 + xml.len(), "{e}");
}

/// `xsi:type` values that name no type (`xsd:` from a deployed Audiocodes CPE, a lone facet)
/// read as untyped text with a warning, the text kept; strict mode refuses them.
#[test]
fn xsi_types_that_name_no_type_read_as_strings() {
    use cwmp_codec::{Body, WarningKind, XsdType};
    for ty in ["xsd:", "xsd: ", "()", "xsd:(64)", " xsd:"] {
        let xml = wrap(&format!(
            "<c:GetParameterValuesResponse xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><ParameterList><ParameterValueStruct>\
             <Name>A.B</Name><Value xsi:type=\"{ty}\">text 1</Value></ParameterValueStruct></ParameterList>\
             </c:GetParameterValuesResponse>"
        ));
        let parsed = Message::parse_with(xml.as_bytes(), &ReadOptions::lenient())
            .unwrap_or_else(|e| panic!("{ty:?}: {e}"));
        let Body::GetParameterValuesResponse(r) = &parsed.value.envelopes[0].body else {
            panic!()
        };
        assert_eq!(
            r.parameter_list[0].value.xsd_type,
            XsdType::String,
            "{ty:?}"
        );
        assert_eq!(r.parameter_list[0].value.text, "text 1");
        assert!(
            parsed
                .warnings
                .iter()
                .any(|w| w.kind == WarningKind::EmptyXsiType),
            "{ty:?}: {:?}",
            parsed.warnings
        );
        let strict = Message::parse_with(xml.as_bytes(), &ReadOptions::strict()).unwrap_err();
        assert!(matches!(strict.kind(), ErrorKind::Strict(_)), "{strict}");
    }
}
