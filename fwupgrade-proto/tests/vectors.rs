//! The vector files under `tests/vectors/{spec,vendor,malformed}`: each `NAME.form` is parsed
//! as the message its name starts with (`request`, `response`, `report`) and compared with
//! `NAME.expected.json`. A mismatch writes `NAME.failed` beside it; `UPDATE_VECTORS=1`
//! rewrites the expectations.
#![cfg(feature = "serde")]

mod common;

use std::path::Path;

use common::Kind;
use fwupgrade_proto::{CheckRequest, CheckResponse, ParseError, Report};
use serde_json::{Value, json};

fn error_json(e: &ParseError) -> Value {
    json!({ "error": e.to_string(), "field": e.location().field(), "offset": e.offset() })
}

fn outcome<T: serde::Serialize + ToString>(
    parsed: Result<T, ParseError>,
) -> (Value, Option<String>) {
    match parsed {
        Ok(m) => {
            let written = m.to_string();
            (json!({ "parsed": m, "written": written }), Some(written))
        }
        Err(e) => (error_json(&e), None),
    }
}

fn run(kind: Kind, input: &[u8]) -> Value {
    let (value, written) = match kind {
        Kind::Request => outcome(CheckRequest::parse(input)),
        Kind::Response => outcome(CheckResponse::parse(input)),
        Kind::Report => outcome(Report::parse(input)),
    };
    if let Some(w) = written {
        // Canonical output parses to the same message and writes identically.
        assert_eq!(
            common::parse_write(kind, w.as_bytes()).as_deref(),
            Ok(w.as_str())
        );
    }
    value
}

fn check_dir(dir: &str, expect_ok: bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(dir);
    let update = std::env::var_os("UPDATE_VECTORS").is_some();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "form"))
    {
        count += 1;
        let name = path.file_stem().unwrap().to_str().unwrap();
        let got = run(Kind::from_name(name), &std::fs::read(path).unwrap());
        assert_eq!(got.get("error").is_none(), expect_ok, "{dir}/{name}: {got}");
        let expected_path = path.with_extension("expected.json");
        let failed_path = path.with_extension("failed");
        let pretty = serde_json::to_string_pretty(&got).unwrap() + "\n";
        if update {
            std::fs::write(&expected_path, &pretty).unwrap();
            continue;
        }
        let expected: Value = std::fs::read_to_string(&expected_path)
            .map(|s| serde_json::from_str(&s).unwrap())
            .unwrap_or(Value::Null);
        if expected == got {
            let _ = std::fs::remove_file(&failed_path);
        } else {
            std::fs::write(&failed_path, &pretty).unwrap();
            failures.push(name.to_owned());
        }
    }
    assert!(count > 0, "no vectors in {dir}");
    assert!(
        failures.is_empty(),
        "{dir}: mismatches (see *.failed): {failures:?}"
    );
}

#[test]
fn spec_vectors() {
    check_dir("spec", true);
}

#[test]
fn vendor_vectors() {
    check_dir("vendor", true);
}

#[test]
fn malformed_vectors() {
    check_dir("malformed", false);
}

#[test]
fn password_not_serialized_in_clear() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/spec/response-update.form");
    let input = std::fs::read(path).unwrap();
    let json = serde_json::to_string(&CheckResponse::parse(&input).unwrap()).unwrap();
    assert!(!json.contains("s3cr"), "{json}");
    assert!(json.contains(r#""dlSvrPwd":"<redacted>""#), "{json}");
}
