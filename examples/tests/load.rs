//! The load benchmark keeps working: `tta-load periodic` for one second with tiny counts,
//! against a `tta-acs` it starts itself. (The benchmark itself is run by hand, see
//! `PERFORMANCE.md`; this only checks that it still runs.)

use std::process::Command;

#[test]
fn tta_load_periodic_runs_for_a_second() {
    let out = Command::new(env!("CARGO_BIN_EXE_tta-load"))
        .args([
            "periodic",
            "--devices",
            "4",
            "--concurrency",
            "2",
            "--duration",
            "1",
            "--acs-bin",
            env!("CARGO_BIN_EXE_tta-acs"),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let report: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(report["mode"], "periodic", "{report}");
    assert_eq!(report["errors"], 0, "{report}");
    assert!(report["completed"].as_u64().unwrap() > 0, "{report}");
    assert!(
        report["server_peak_rss_mb"].as_f64().unwrap() > 0.0,
        "{report}"
    );
    assert!(stderr.contains("sessions in"), "{stderr}");
}
