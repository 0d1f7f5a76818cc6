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
    assert!(
        report.timeline.contains("factory reset"),
        "{}",
        report.timeline
    );
    assert!(
        report.timeline.contains("refused(021)"),
        "{}",
        report.timeline
    );
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
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert!(
        stdout.lines().all(|l| l.contains(" provisioned ")),
        "{stdout}"
    );
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

async fn put(acs: &support::TestAcs, path: &str, body: serde_json::Value) {
    let (status, body) = acs.send_json(reqwest::Method::PUT, path, &body).await;
    assert!(status.is_success(), "{path}: {body}");
}

fn client_for(acs: &support::TestAcs) -> reqwest::Client {
    reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_der(acs.server.certificate_der()).unwrap())
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap()
}

/// A package whose checksum is wrong is refused with the standard's result code (27,
/// integrity), reported to the server, and the old version is kept; provisioning goes on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_package_is_refused_and_reported() {
    use tta_examples::stb::image::{Image, ImageKind};
    let acs = start(Db::Sqlite, |c| c.provisioning.open_subscription = true)
        .await
        .unwrap();
    let tls = acs.cwmp_tls_url();
    put(
        &acs,
        "/providers/KT",
        json!({"url": format!("{tls}kt"), "ntp": ""}),
    )
    .await;
    let mut bytes = Image {
        manufacturer: "TTA".into(),
        model: "SIM-STB".into(),
        version: "2.0.0".into(),
        kind: ImageKind::Firmware,
        reboot: true,
        payload: vec![7; 4096],
    }
    .to_bytes();
    Image::corrupt(&mut bytes);
    let (status, body) = {
        let r = acs
            .http
            .put(acs.api(
                "/packages/bad.img?manufacturer=TTA&model=SIM-STB&kind=firmware&version=2.0.0",
            ))
            .body(bytes)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert!(status.is_success(), "{body}");
    let mut options = tta_examples::stb::Options::one(tta_examples::stb::Start::Acs(tls.clone()));
    options.first_index = 40;
    let results = tta_examples::stb::run(&options, client_for(&acs)).await;
    let r = &results[0];
    assert!(
        matches!(r.outcome, tta_examples::stb::Outcome::Provisioned),
        "{}",
        r.line()
    );
    assert!(
        r.steps
            .iter()
            .any(|s| s.what == "firmware" && s.detail.contains("resultCode 27")),
        "{}",
        r.line()
    );
    let id = r.device_id.clone();
    let device = acs.device(&id).await;
    assert_eq!(device["software_version"], "1.0.0", "{device}");
    let reported = device["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "upgrade_report" && e["detail"]["report"]["resultCode"] == 27);
    assert!(reported, "{device}");
    acs.server.shutdown().await;
}

/// The server is down when the STB starts and comes back: the STB retries on the TR-069
/// schedule (the first retry 1-2 s with a 1 s minimum wait), keeps its events (BOOTSTRAP and
/// BOOT reach the server) and completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stb_retries_until_the_server_is_back() {
    let acs = start(Db::Sqlite, |c| c.provisioning.open_subscription = true)
        .await
        .unwrap();
    let tls = acs.cwmp_tls_url();
    put(
        &acs,
        "/providers/KT",
        json!({"url": format!("{tls}kt"), "ntp": ""}),
    )
    .await;
    let client = client_for(&acs);
    let mut config = support::test_config(&acs.dir);
    config.cwmp_tls_listen = acs.server.cwmp_tls_addr();
    config.cwmp_listen = acs.server.cwmp_addr();
    config.nbi_listen = acs.server.nbi_addr();
    config.provisioning.open_subscription = true;
    let support::TestAcs { server, dir, .. } = acs;
    server.shutdown().await;
    let mut options = tta_examples::stb::Options::one(tta_examples::stb::Start::Acs(tls.clone()));
    options.first_index = 50;
    options.retry_policy = cwmp_codec::RetryPolicy::new(1, 2000);
    let stbs = tokio::spawn(async move { tta_examples::stb::run(&options, client).await });
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let acs = support::start_with(config, dir).await;
    let results = tokio::time::timeout(std::time::Duration::from_secs(30), stbs)
        .await
        .unwrap()
        .unwrap();
    let r = &results[0];
    assert!(
        matches!(r.outcome, tta_examples::stb::Outcome::Provisioned),
        "{}",
        r.line()
    );
    assert!(r.steps.iter().any(|s| s.what == "retry"), "{}", r.line());
    // The first session the server saw carried the events of the failed attempts.
    let device = acs.device(&r.device_id).await;
    let first = device["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "session")
        .cloned()
        .unwrap();
    let events = first["detail"]["informEvents"].as_str().unwrap();
    assert!(
        events.contains("0 BOOTSTRAP") && events.contains("1 BOOT"),
        "{first}"
    );
    assert!(events.contains("X TTA DHCP"), "{first}");
    acs.server.shutdown().await;
}

/// Two `tta-acs` processes on one PostgreSQL database, and STBs whose every POST goes to the
/// other node than the one before, sessions included: all end provisioned, and both nodes'
/// APIs show every device provisioned. Skipped without `TTA_TEST_POSTGRES_URL` (a failure in
/// CI).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stbs_alternating_between_two_nodes_on_one_postgres_are_provisioned() {
    let Some(base) = support::postgres_url() else {
        return;
    };
    let database = support::fresh_postgres_database(&base).await;
    let (dir_a, dir_b) = (
        support::TempDir::new("node-a"),
        support::TempDir::new("node-b"),
    );
    let config = "[provisioning]\nopen_subscription = true\n";
    // Started together: the migrations and the shared secret race on a fresh database.
    let (a, b) = tokio::join!(
        support::AcsProcess::spawn(&dir_a.0, Some(&database), config),
        support::AcsProcess::spawn(&dir_b.0, Some(&database), config),
    );
    let r = a
        .api
        .http
        .put(a.api.url("/providers/KT"))
        .json(&json!({"url": format!("{}kt", a.cwmp_url()), "ntp": "ntp.example"}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let count = 4;
    let mut options = tta_examples::stb::Options::one(tta_examples::stb::Start::Acs(a.cwmp_url()));
    options.count = count;
    options.first_index = 60;
    options.acs_urls = vec![a.cwmp_url(), b.cwmp_url()];
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap();
    let results = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        tta_examples::stb::run(&options, client),
    )
    .await
    .expect("the STBs did not finish in 60 s");
    assert_eq!(results.len(), count as usize);
    for r in &results {
        assert!(
            matches!(r.outcome, tta_examples::stb::Outcome::Provisioned),
            "{}",
            r.line()
        );
    }
    // Both nodes served POSTs of every STB, and see every device provisioned.
    for node in [&a, &b] {
        let (status, devices) = node.api.get_json("/devices?phase=provisioned").await;
        assert_eq!(status, reqwest::StatusCode::OK, "{devices}");
        let ids: Vec<&str> = devices
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["id"].as_str())
            .collect();
        for r in &results {
            assert!(ids.contains(&r.device_id.as_str()), "{ids:?}: {devices}");
        }
    }
    for node in [&a, &b] {
        let log = node.log_text();
        for r in &results {
            assert!(
                log.contains(&r.device_id),
                "{} not in {}",
                r.device_id,
                node.log.display()
            );
        }
    }
}

/// A provisioned STB listening for Connection Requests: the server learns its
/// ConnectionRequestURL from its Informs, and an API call with `?connection_request` wakes it
/// (HTTP, digest with the STB's ConnectionRequestUsername and Password) between two periodic
/// sessions; the call returns the STB's answer, read from its parameter tree.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_request_wakes_the_stb() {
    let acs = start(Db::Sqlite, |c| c.provisioning.open_subscription = true)
        .await
        .unwrap();
    let tls = acs.cwmp_tls_url();
    put(
        &acs,
        "/providers/KT",
        json!({"url": format!("{tls}kt"), "ntp": ""}),
    )
    .await;
    let mut options = tta_examples::stb::Options::one(tta_examples::stb::Start::Acs(tls.clone()));
    options.first_index = 70;
    // A period far longer than the test: only a Connection Request opens a session.
    options.periodic = Some(std::time::Duration::from_secs(600));
    options.listen = Some("127.0.0.1:0".parse().unwrap());
    let device = tta_examples::stb::Identity::numbered(70, tta_datamodel::Root::Device).device_id();
    let client = client_for(&acs);
    let stb = tokio::spawn(async move { tta_examples::stb::run(&options, client).await });

    // Provisioned: the server has the URL from the procedure's Informs.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let url = loop {
        assert!(
            std::time::Instant::now() < deadline,
            "the STB never informed its URL"
        );
        let (status, d) = acs
            .get_json(&format!("/devices/{}", support::percent(&device)))
            .await;
        if status == reqwest::StatusCode::OK
            && d["phase"] == "provisioned"
            && let Some(url) = d["connection_request_url"].as_str()
        {
            break url.to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!url.starts_with("http://127.0.0.1:7547/"), "{url}");

    let started = std::time::Instant::now();
    let path = format!(
        "/devices/{}/tasks?connection_request&timeout=15",
        support::percent(&device)
    );
    let r = acs
        .http
        .post(acs.api(&path))
        .json(&json!({"name": "getParameterValues", "parameterNames": [
            "Device.DeviceInfo.ModelName",
            "Device.ManagementServer.ConnectionRequestURL",
        ]}))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");
    assert_eq!(body["status"], "done", "{body}");
    let values = &body["result"]["parameterValues"];
    assert_eq!(values[0][0], "Device.DeviceInfo.ModelName", "{body}");
    assert_eq!(values[0][1], "SIM-STB", "{body}");
    assert_eq!(values[1][1], url.as_str(), "{body}");
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    // The session the request opened says why it was opened (it may end after the call).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let d = acs.device(&device).await;
        let events: Vec<String> = d["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "session")
            .filter_map(|e| e["detail"]["informEvents"].as_str().map(str::to_owned))
            .collect();
        if events.iter().any(|e| e.contains("6 CONNECTION REQUEST")) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{events:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    stb.abort();
    let _ = stb.await;
    acs.server.shutdown().await;
}
