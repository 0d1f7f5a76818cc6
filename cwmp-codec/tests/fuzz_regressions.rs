//! Inputs fuzzing found, each kept under `tests/fuzz_regressions/` and checked with the fuzz
//! target's oracle: no panic, and what parses writes back to something that parses the same.

use std::path::Path;

use cwmp_codec::Message;

#[test]
fn fuzz_regressions_hold() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        n += 1;
        let Ok(msg) = Message::parse(&bytes) else {
            continue;
        };
        let out = msg.to_vec();
        let again = Message::parse(&out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let raw_kept = msg.envelopes.iter().any(|e| {
            !e.header.unknown.is_empty() || matches!(e.body, cwmp_codec::Body::Unknown(_))
        });
        if raw_kept {
            // A raw element may gain namespace declarations once; then output is stable.
            let out2 = again.to_vec();
            assert_eq!(
                Message::parse(&out2).unwrap().to_vec(),
                out2,
                "{}",
                path.display()
            );
        } else {
            // A 1.3/1.4 version known only from an undefined namespace URI reads back as 1.2.
            let mut expected = msg.clone();
            for e in &mut expected.envelopes {
                e.version = e.version_as_written();
            }
            assert_eq!(again, expected, "{}", path.display());
        }
    }
    assert!(n > 0);
}

/// A NUL character in text is not XML: it is an error, not a value the writer cannot repeat.
#[test]
fn nul_in_header_id_is_an_error() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions/nul-in-header-id.xml"),
    )
    .unwrap();
    let e = Message::parse(&bytes).unwrap_err();
    assert_eq!(e.kind().clone(), cwmp_codec::ErrorKind::IllegalCharacter(0));
    assert_eq!(e.location(), "Envelope/Header/ID");
}

fn regression(name: &str) -> Result<Message<'static>, cwmp_codec::ParseError> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(name);
    let bytes: &'static [u8] = Box::leak(std::fs::read(path).unwrap().into_boxed_slice());
    Message::parse(bytes)
}

/// `<c//>`: quick-xml reads an element named `c/`, which is no XML name.
#[test]
fn element_names_must_be_xml_names() {
    let e = regression("raw-element-name-with-slash.xml").unwrap_err();
    assert!(
        matches!(e.kind().clone(), cwmp_codec::ErrorKind::InvalidName(_)),
        "{e}"
    );
}

/// `xmlns:"=""`: a declared prefix must be an XML name, since it may be written back.
#[test]
fn namespace_prefixes_must_be_xml_names() {
    let e = regression("xmlns-prefix-with-quote.xml").unwrap_err();
    assert!(
        matches!(
            e.kind().clone(),
            cwmp_codec::ErrorKind::InvalidName(_) | cwmp_codec::ErrorKind::MalformedAttribute
        ),
        "{e}"
    );
}

/// A control character in an attribute value is not XML.
#[test]
fn control_characters_in_attributes_are_errors() {
    let e = regression("xsi-type-control-char.xml").unwrap_err();
    assert_eq!(e.kind().clone(), cwmp_codec::ErrorKind::IllegalCharacter(1));
}

/// `xsd:st:string` is no QName: an error, not a type that reads back as another.
#[test]
fn xsi_type_must_be_a_qname() {
    let e = regression("xsi-type-two-colons.xml").unwrap_err();
    assert!(e.message().contains("xsi:type"), "{e}");
}

/// A fault without CWMP detail has no cwmp element: the version comes from the cwmp
/// namespace declared on the envelope.
#[test]
fn fault_without_detail_keeps_the_declared_version() {
    let msg = regression("fault-without-detail-loses-version.xml").unwrap();
    assert_eq!(msg.envelopes[0].version, cwmp_codec::CwmpVersion::V1_1);
}

/// A raw header whose attribute *value* contains the text `xmlns:cwmp=`, under a `cwmp` prefix
/// bound to a vendor namespace: whether the element declares a prefix itself is known from its
/// parsed attributes, not searched for in its text, so the declaration it needs is written and
/// it reads back as the same unknown header (not as the cwmp `ID` of the canonical root).
#[test]
fn raw_header_keeps_its_prefix_binding() {
    let msg = regression("raw-header-prefix-text-in-attribute-value.xml").unwrap();
    let out = msg.to_vec();
    let again = Message::parse(&out).unwrap();
    assert_eq!(again.envelopes.len(), msg.envelopes.len());
    let names = |m: &Message<'_>| -> Vec<String> {
        m.envelopes
            .iter()
            .flat_map(|e| e.header.unknown.iter().map(|h| h.name.to_string()))
            .collect()
    };
    assert_eq!(names(&msg), ["ID"]);
    assert_eq!(names(&again), names(&msg));
    assert_eq!(again.envelopes[0].header.id, None);
    assert_eq!(
        again.to_vec(),
        Message::parse(&again.to_vec()).unwrap().to_vec()
    );
}

/// `xsi:type="(sd:isngtr"`: a `(` that opens no size facet is part of the name, so the type
/// kept is the one checked (an unbound prefix is dropped leniently), never an empty name.
#[test]
fn a_parenthesis_without_facet_keeps_the_type_name() {
    let msg = regression("xsi-type-paren-not-a-facet.xml").unwrap();
    let out = msg.to_vec();
    let again = Message::parse(&out).unwrap();
    assert_eq!(again, msg);
    assert!(!String::from_utf8_lossy(&out).contains(r#"xsi:type="xsd:""#));
}

/// A `cwmp-1-4` namespace URI (defined by no schema) without the 1.4 headers: read as 1.4,
/// written in the `cwmp-1-2` namespace the schemas define, read back as 1.2, which
/// `version_as_written` says in advance.
#[test]
fn undefined_namespace_version_is_reported_as_written() {
    let msg = regression("cwmp-1-4-uri-without-headers.xml").unwrap();
    let env = &msg.envelopes[0];
    assert_eq!(env.version, cwmp_codec::CwmpVersion::V1_4);
    assert_eq!(env.version_as_written(), cwmp_codec::CwmpVersion::V1_2);
    let out = env.to_vec();
    assert_eq!(
        cwmp_codec::Envelope::parse(&out).unwrap().version,
        env.version_as_written()
    );
}

/// An unknown method in no namespace, with a name past 64 bytes: warnings name it cut with `…`
/// in their path, and the canonical form's quirks are those of the raw elements (kept as
/// received).
#[test]
fn a_long_unknown_method_name_is_cut_in_warning_paths() {
    let msg = regression("long-unknown-method-name-without-namespace.xml").unwrap();
    let cwmp_codec::Body::Unknown(m) = &msg.envelopes[0].body else {
        panic!("{:?}", msg.envelopes[0].body)
    };
    assert!(m.name.len() > 64 && m.namespace.is_empty());
    let out = msg.to_vec();
    let back = Message::parse_with(&out, &cwmp_codec::ReadOptions::lenient()).unwrap();
    // Its other quirk is the raw `ID` header's (its `cwmp` prefix is bound to another URI).
    let method = back
        .warnings
        .iter()
        .find(|w| w.kind == cwmp_codec::WarningKind::MethodWithoutNamespace)
        .unwrap();
    assert!(
        back.warnings
            .iter()
            .all(|w| w == method || w.path == "Envelope/Header/ID"),
        "{:?}",
        back.warnings
    );
    let path = &method.path;
    assert!(path.ends_with('…') && path.len() < 100, "{path}");
    assert!(
        m.name.starts_with(
            path.trim_start_matches("Envelope/Body/")
                .trim_end_matches('…')
        )
    );
}

/// An empty element that declares a prefix and uses it in an attribute of interest
/// (`<cwmp:ID xmlns:soapenv=".." soapenv:mustUnderstand="1"/>`, as the writer makes of a raw
/// header relying on an outer `soapenv`): its reader resolves the prefix while the element's
/// declarations are still in scope, so the canonical form reads back.
#[test]
fn an_empty_element_resolves_the_prefixes_it_declares() {
    let msg = regression("empty-raw-header-declares-its-prefix.xml").unwrap();
    let out = msg.to_vec();
    let again = Message::parse(&out).unwrap_or_else(|e| panic!("{e}"));
    assert!(again.envelopes[0].header.unknown[0].must_understand);
    assert_eq!(
        Message::parse(&again.to_vec()).unwrap().to_vec(),
        again.to_vec()
    );

    // The same for a value's type: an empty Value declaring the prefix of its xsi:type.
    let xml = concat!(
        r#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0">"#,
        r#"<e:Body><c:GetParameterValuesResponse><ParameterList><ParameterValueStruct><Name>A</Name>"#,
        r#"<Value xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns:d="http://www.w3.org/2001/XMLSchema" i:type="d:int"/>"#,
        r#"</ParameterValueStruct></ParameterList></c:GetParameterValuesResponse></e:Body></e:Envelope>"#
    );
    let msg = Message::parse(xml.as_bytes()).unwrap();
    let cwmp_codec::Body::GetParameterValuesResponse(r) = &msg.envelopes[0].body else {
        panic!()
    };
    assert_eq!(r.parameter_list[0].value.xsd_type, cwmp_codec::XsdType::Int);
}

/// An unknown entity whose name runs past 64 bytes with a multi-byte character at the cut: the
/// error quotes it cut on a character boundary (the cut once panicked).
#[test]
fn a_long_entity_name_is_cut_on_a_character_boundary() {
    let e = regression("long-non-ascii-entity-name.xml").unwrap_err();
    assert!(
        matches!(e.kind(), cwmp_codec::ErrorKind::UnknownEntity(n) if n.ends_with('…')),
        "{e}"
    );
}
