//! Every vector under `tests/vectors/{spec,vendor,malformed}` against its `.expected.json`.
//!
//! `spec` vectors come from the TTA standard, `vendor` ones reproduce quirks of deployed CPEs,
//! `malformed` ones must fail with the recorded error. A mismatch writes `NAME.failed` beside the
//! vector; `UPDATE_VECTORS=1 cargo test --all-features --test vectors` regenerates the files.
#![cfg(feature = "serde")]

use std::path::{Path, PathBuf};

use cwmp_codec::{Message, ReadOptions};
use serde_json::json;

fn vectors(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(dir);
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    v.sort();
    v
}

fn outcome(bytes: &[u8]) -> serde_json::Value {
    match Message::parse_with(bytes, &ReadOptions::default()) {
        Ok(parsed) => json!({
            "envelopes": parsed.value,
            "warnings": parsed.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }),
        Err(e) => json!({ "error": e.to_string(), "offset": e.offset(), "path": e.location() }),
    }
}

fn check(dir: &str, must_parse: bool) {
    let files = vectors(dir);
    assert!(!files.is_empty(), "no vectors in {dir}");
    let update = std::env::var_os("UPDATE_VECTORS").is_some();
    let mut failed = Vec::new();
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        let got = outcome(&bytes);
        assert_eq!(
            got.get("error").is_none(),
            must_parse,
            "{}: {got}",
            path.display()
        );
        let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
        let expected_path = path.with_extension("expected.json");
        if update {
            std::fs::write(&expected_path, &text).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_else(|_| {
            panic!(
                "{} missing: run with UPDATE_VECTORS=1",
                expected_path.display()
            )
        });
        if expected != text {
            std::fs::write(path.with_extension("failed"), &text).unwrap();
            failed.push(path.display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "vectors differ (see .failed files): {failed:?}"
    );
}

#[test]
fn spec_vectors() {
    check("spec", true);
}

#[test]
fn vendor_vectors() {
    check("vendor", true);
}

#[test]
fn malformed_vectors() {
    check("malformed", false);
}

/// Every parsed vector writes canonical XML that reads back to the same envelopes. The only
/// warnings left are about data the sender got wrong and the codec keeps as received (a
/// non-RFC 3339 time, a value that does not match its type, an unknown type): every
/// structural quirk is gone. (An envelope without an ID is written with an empty Header, which
/// reads back with that warning too; an element kept raw keeps the namespace declarations it
/// relied on, whatever their prefixes.)
#[test]
fn canonical_output_reads_back() {
    use cwmp_codec::WarningKind as W;
    for dir in ["spec", "vendor"] {
        for path in vectors(dir) {
            let bytes = std::fs::read(&path).unwrap();
            let msg = Message::parse(&bytes).unwrap();
            let out = msg.to_vec();
            let again = Message::parse_with(&out, &ReadOptions::default()).unwrap();
            let raw_kept = msg.envelopes.iter().any(|e| {
                !e.header.unknown.is_empty() || matches!(e.body, cwmp_codec::Body::Unknown(_))
            });
            for w in again
                .warnings
                .iter()
                .filter(|w| !(raw_kept && w.kind == W::NonCanonicalPrefix))
            {
                assert!(
                    matches!(
                        w.kind,
                        W::NonRfc3339DateTime
                            | W::ValueTypeMismatch
                            | W::UnknownXsiType
                            | W::SurroundingWhitespace
                            | W::BooleanCase
                            | W::EmptyHeader
                    ),
                    "{}: {w}",
                    path.display()
                );
            }
            if raw_kept {
                // A raw element may gain a namespace declaration once; then output is stable.
                let out2 = again.value.to_vec();
                assert_eq!(
                    out2,
                    Message::parse(&out2).unwrap().to_vec(),
                    "{}",
                    path.display()
                );
            } else {
                let mut expected = msg.clone();
                for e in &mut expected.envelopes {
                    e.version = e.version_as_written();
                }
                assert_eq!(again.value, expected, "{}", path.display());
            }
            if again.warnings.is_empty() {
                Message::parse_with(&out, &ReadOptions::strict()).unwrap();
            }
        }
    }
}

/// The spec and vendor vectors all carry at least one quirk, so strict mode rejects each one
/// (the empty message carries none).
#[test]
fn strict_mode_rejects_quirks() {
    for dir in ["spec", "vendor"] {
        for path in vectors(dir) {
            let bytes = std::fs::read(&path).unwrap();
            let strict = Message::parse_with(&bytes, &ReadOptions::strict());
            let lenient = Message::parse_with(&bytes, &ReadOptions::default()).unwrap();
            assert_eq!(
                strict.is_err(),
                !lenient.warnings.is_empty(),
                "{}",
                path.display()
            );
            if let Err(e) = strict {
                assert!(
                    matches!(e.kind().clone(), cwmp_codec::ErrorKind::Strict(_)),
                    "{}: {e}",
                    path.display()
                );
            }
        }
    }
}

/// The serde form of errors and options, as the inspector and logs use it.
#[test]
fn errors_and_options_serialize() {
    let e = Message::parse(b"<a>").unwrap_err();
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        json!({ "offset": 0, "path": "a", "kind": "not_an_envelope" })
    );
    let strict = serde_json::to_value(ReadOptions::strict()).unwrap();
    assert_eq!(strict["strict"], true);
    assert_eq!(strict["limits"]["max_depth"], 32);
    let w = serde_json::to_value(cwmp_codec::WriteOptions::default()).unwrap();
    assert_eq!(w["numeric_booleans"], false);
}
