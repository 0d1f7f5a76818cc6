//! Option-43 vectors: `vectors/{spec,vendor,malformed}/NAME.opt43` with `NAME.expected.json`
//! beside. A mismatch writes `NAME.failed`; `UPDATE_VECTORS=1` rewrites the expectations.
#![cfg(feature = "serde")]

use std::path::Path;

use dhcp_tta_options::{Option43, detect};

fn render(value: &[u8]) -> String {
    let json = match Option43::parse(value) {
        Ok(v) => {
            serde_json::json!({ "detected": detect(value), "value": v, "canonical_hex": hex(&v.to_vec()) })
        }
        Err(e) => serde_json::json!({ "detected": detect(value), "error": e.to_string() }),
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
    assert!(seen >= 8);
    assert!(
        failed.is_empty(),
        "vectors differ (see *.failed): {failed:?}"
    );
}
