//! The STB simulator and the demo against a real `tta-acs`: the binary as scripts run it,
//! and the demo's scenarios in process.

#[path = "acs/support.rs"]
mod support;

use std::process::Command;

use serde_json::json;
use support::{Db, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_ends_as_expected() {
    let report = tta_examples::demo::run(4).await.unwrap();
    assert!(report.ok, "{}", report.timeline);
    assert!(report.timeline.contains("factory reset"), "{}", report.timeline);
    assert!(report.timeline.contains("refused(021)"), "{}", report.timeline);
}

/// `tta-stb --count N --acs-url URL`: the providers asked over TR-069, one line per STB,
/// exit 0 when every STB ends provisioned; with a wrong password, a clear failure and 1.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_binary_provisions_over_https() {
    let acs = start(Db::Sqlite, |c| c.provisioning.open_subscription = true)
        .await
        .unwrap();
    let base = acs.server.public_url().to_owned();
    let tls = acs.cwmp_tls_url();
    let (status, body) = acs
        .send_json(
            reqwest::Method::PUT,
            "/providers/KT",
            &json!({"url": format!("{tls}kt"), "ntp": "ntp.example"}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let _ = base;
    let cert = acs.dir.0.join("ca.pem");
    std::fs::write(&cert, acs.server.certificate_pem()).unwrap();
    let state = acs.dir.0.join("stb-state");
    let run = |args: Vec<String>| {
        let exe = env!("CARGO_BIN_EXE_tta-stb");
        async move {
            tokio::task::spawn_blocking(move || Command::new(exe).args(args).output().unwrap())
                .await
                .unwrap()
        }
    };
    let args = |extra: &[&str]| {
        let mut v: Vec<String> = vec![
            "--acs-url".into(),
            tls.clone(),
            "--ca-cert".into(),
            cert.display().to_string(),
            "--state-dir".into(),
            state.display().to_string(),
        ];
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v
    };
    let out = run(args(&["--count", "3"])).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(stdout.lines().all(|l| l.contains(" provisioned ")), "{stdout}");
    // The same STBs again, from their state: a reconnection.
    let out = run(args(&["--count", "3", "--root", "device"])).await;
    assert!(out.status.success());
    let (_, devices) = acs.get_json("/devices?phase=provisioned").await;
    assert_eq!(devices.as_array().unwrap().len(), 3, "{devices}");
    // A wrong password fails clearly, without retrying forever.
    let out = run(args(&["--password", "wrong", "--first", "10"])).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("authentication refused"), "{stdout}");
    // A provider list given as option 43.
    let list = format!("KT,{tls}kt,ntp.example");
    let out = run(vec![
        "--option43".into(),
        list,
        "--ca-cert".into(),
        cert.display().to_string(),
        "--first".into(),
        "20".into(),
        "--root".into(),
        "igd".into(),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("option 43: 1 providers"), "{stdout}");
    acs.server.shutdown().await;
}
