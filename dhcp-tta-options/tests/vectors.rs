//! Option-43 vectors: `vectors/{spec,vendor,malformed}/NAME.opt43` with `NAME.expected.json`
//! beside. A mismatch writes `NAME.failed`; `UPDATE_VECTORS=1` rewrites the expectations.
#![cfg(feature = "serde")]

use std::path::Path;

use dhcp_tta_options::{Option43, ReadOptions, detect};

/// The lenient reading (value, canonical form and the tolerances used, as their messages) and
/// the strict one (`ok` or its error message).
fn render(value: &[u8]) -> String {
    let strict = match Option43::parse_with(value, &ReadOptions::strict()) {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.to_string(),
    };
    let json = match Option43::parse_with(value, &ReadOptions::lenient()) {
        Ok(p) => {
            // `parse` and `parse_with` read the same value.
            assert_eq!(Option43::parse(value).as_ref(), Ok(&p.value));
            let warnings: Vec<String> = p.warnings.iter().map(ToString::to_string).collect();
            serde_json::json!({
                "detected": detect(value),
                "value": p.value,
                "canonical_hex": hex(&p.value.to_vec()),
                "warnings": warnings,
                "strict": strict,
            })
        }
        Err(e) => serde_json::json!({
            "detected": detect(value),
            "error": e.to_string(),
            "strict": strict,
        }),
    };
    serde_json::to_string_pretty(&json).unwrap() + "\n"
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn vectors_match_expectations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let update = std::env::var_os("UPDATE_VECTORS").is_some();
    let mut failed = Vec::new();
    let mut seen = 0;
    for dir in ["spec", "vendor", "malformed"] {
        let mut entries: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "opt43"))
        {
            seen += 1;
            let got = render(&std::fs::read(&path).unwrap());
            let expected_path = path.with_extension("expected.json");
            let failed_path = path.with_extension("failed");
            if update {
                std::fs::write(&expected_path, &got).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if got == want {
                let _ = std::fs::remove_file(&failed_path);
            } else {
                std::fs::write(&failed_path, &got).unwrap();
                failed.push(path.display().to_string());
            }
            // Malformed vectors must fail, the others must parse.
            assert_eq!(
                dir == "malformed",
                got.contains("\"error\""),
                "{}",
                path.display()
            );
        }
    }
    assert!(seen >= 11);
    assert!(
        failed.is_empty(),
        "vectors differ (see *.failed): {failed:?}"
    );
}
