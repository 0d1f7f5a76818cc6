//! `parse(write(x)) == x` for every body type, on generated envelopes.

use arbitrary::{Arbitrary, Unstructured};
use cwmp_codec::{Body, Envelope, Header, Message, ReadOptions};
use proptest::prelude::*;

/// Whether `out` is well-formed XML with well-formed namespaces, by a second, independent
/// parser (`xmllint` reads a sample of the same outputs in [`xmllint_reads_what_the_writer_writes`]).
fn well_formed(out: &[u8]) -> Result<(), TestCaseError> {
    let text = std::str::from_utf8(out).map_err(|e| TestCaseError::fail(e.to_string()))?;
    roxmltree::Document::parse(text)
        .map(drop)
        .map_err(|e| TestCaseError::fail(format!("not well-formed: {e}\n{text}")))
}

/// Writes, checks the output is XML, reads it back in both lanes of the reader and compares.
/// The output carries no quirk but the one that is data: a value of a type the codec does not
/// know (kept, and written back, as `xsd:<name>`); without it, strict reading accepts it.
fn check(env: &Envelope<'_>) -> Result<(), TestCaseError> {
    let out = env.to_vec();
    well_formed(&out)?;
    for fast_lane in [true, false] {
        cwmp_codec::set_fast_lane(fast_lane);
        let back = Envelope::parse_with(&out, &ReadOptions::default());
        cwmp_codec::set_fast_lane(true);
        let back = back
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", String::from_utf8_lossy(&out))))?;
        prop_assert_eq!(&back.value, env);
        for w in &back.warnings {
            prop_assert!(
                matches!(w.kind, cwmp_codec::WarningKind::UnknownXsiType),
                "{}",
                w
            );
        }
        if back.warnings.is_empty() {
            prop_assert!(Envelope::parse_with(&out, &ReadOptions::strict()).is_ok());
        }
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
        for env in &msg.envelopes {
            well_formed(&env.to_vec())?;
        }
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

/// `xmllint` (libxml2) finds every output of the writer well-formed: one call over the outputs of
/// a few hundred generated envelopes of every body kind.
#[test]
fn xmllint_reads_what_the_writer_writes() {
    let dir = std::env::temp_dir().join(format!("cwmp-wellformed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for i in 0..400 {
        let bytes: Vec<u8> = (0..1024)
            .map(|_| {
                // xorshift: deterministic bytes for the generators.
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed.to_le_bytes()[0]
            })
            .collect();
        let mut u = Unstructured::new(&bytes);
        let header = Header::arbitrary(&mut u).unwrap();
        let body = Body::arbitrary_of_kind(i % Body::KINDS, &mut u).unwrap();
        let env = Envelope::with_consistent_version(u8::try_from(i % 3).unwrap(), header, body);
        let path = dir.join(format!("{i}.xml"));
        std::fs::write(&path, env.to_vec()).unwrap();
        files.push(path);
    }
    let out = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .args(&files)
        .output()
        .expect("xmllint must be installed (Debian package libxml2-utils)");
    std::fs::remove_dir_all(&dir).ok();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `write_to` streams: the same bytes as `to_vec`, handed over in chunks of a few KiB, and the
/// sink's first error comes back.
#[test]
fn write_to_streams_in_chunks() {
    use cwmp_codec::{GetParameterValuesResponse, ParameterValueStruct, Value};
    struct Chunks(Vec<usize>, Vec<u8>);
    impl std::io::Write for Chunks {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.push(buf.len());
            self.1.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let env = Envelope::new(
        cwmp_codec::CwmpVersion::V1_0,
        "1",
        Body::GetParameterValuesResponse(GetParameterValuesResponse {
            parameter_list: (0..20_000)
                .map(|i| ParameterValueStruct::new(format!("Device.X.{i}.Name"), Value::int(i)))
                .collect(),
        }),
    );
    let mut sink = Chunks(Vec::new(), Vec::new());
    env.write_to(&mut sink).unwrap();
    assert_eq!(sink.1, env.to_vec());
    assert!(sink.0.len() > 100, "{} chunks", sink.0.len());
    assert!(
        sink.0.iter().all(|&n| n < 16 << 10),
        "{:?}",
        sink.0.iter().max()
    );

    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let e = env.write_to(&mut Broken).unwrap_err();
    assert_eq!(e.to_string(), "disk full");
}
