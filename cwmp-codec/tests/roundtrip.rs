//! `parse(write(x)) == x` for every body type, on generated envelopes.

use arbitrary::{Arbitrary, Unstructured};
use cwmp_codec::{Body, Envelope, Header, Message, ReadOptions};
use proptest::prelude::*;

/// Writes, reads back and compares. The output carries no quirk but those that are data: a
/// value of a type the codec does not know (kept, and written back, as `xsd:<name>`), and an
/// envelope with no header content (written as an empty Header, since there is no ID to put).
fn check(env: &Envelope<'_>) -> Result<(), TestCaseError> {
    let out = env.to_vec();
    let back = Envelope::parse_with(&out, &ReadOptions::default())
        .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&out))))?;
    prop_assert_eq!(&back.value, env);
    for w in &back.warnings {
        prop_assert!(
            matches!(
                w.kind,
                cwmp_codec::WarningKind::UnknownXsiType | cwmp_codec::WarningKind::EmptyHeader
            ),
            "{}",
            w
        );
    }
    if back.warnings.is_empty() {
        prop_assert!(Envelope::parse_with(&out, &ReadOptions::strict()).is_ok());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every body kind in turn, with generated content.
    #[test]
    fn every_body_type_round_trips(seed in proptest::collection::vec(any::<u8>(), 64..2048)) {
        for kind in 0..Body::KINDS {
            let mut u = Unstructured::new(&seed);
            let header = Header::arbitrary(&mut u).unwrap();
            let body = Body::arbitrary_of_kind(kind, &mut u).unwrap();
            let minor = u.int_in_range(0..=2).unwrap();
            check(&Envelope::with_consistent_version(minor, header, body))?;
        }
    }

    /// Several envelopes in one HTTP body.
    #[test]
    fn messages_round_trip(seed in proptest::collection::vec(any::<u8>(), 64..4096)) {
        let mut u = Unstructured::new(&seed);
        let n = u.int_in_range(0..=3).unwrap();
        let msg = Message {
            envelopes: (0..n).map(|_| Envelope::arbitrary(&mut u).unwrap()).collect(),
        };
        let out = msg.to_vec();
        prop_assert_eq!(Message::parse(&out).unwrap(), msg);
    }

    /// Owned copies are equal to the borrowed originals.
    #[test]
    fn into_owned_is_equal(seed in proptest::collection::vec(any::<u8>(), 64..2048)) {
        let mut u = Unstructured::new(&seed);
        let env = Envelope::arbitrary(&mut u).unwrap();
        let out = env.to_vec();
        let parsed = Envelope::parse(&out).unwrap();
        prop_assert_eq!(parsed.clone().into_owned(), parsed);
    }
}

#[test]
fn names_with_escapes_and_carriage_returns_survive() {
    use cwmp_codec::{GetParameterValuesResponse, ParameterValueStruct, Value};
    for name in ["0\u{1f4fa}\r<", "a\r\nb", "\r", "x&y<z>", "\t\n"] {
        let env = Envelope::new(
            cwmp_codec::CwmpVersion::V1_0,
            name,
            Body::GetParameterValuesResponse(GetParameterValuesResponse {
                parameter_list: vec![ParameterValueStruct::new("P", Value::string(name))],
            }),
        );
        let out = env.to_vec();
        assert_eq!(
            Envelope::parse(&out).unwrap(),
            env,
            "{}",
            String::from_utf8_lossy(&out)
        );
    }
}
