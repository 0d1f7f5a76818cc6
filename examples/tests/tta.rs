//! `tta-tool tta`: settings, Informs and paths, with the inspector's conventions: JSON on
//! stdout, `error:` lines and exit 1 on invalid input, exit 2 on a usage error.

mod common;

use common::{run, stderr_lines};

fn vector(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../cwmp-codec/tests/vectors/spec/{name}.xml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn a_path_prints_its_canonical_form_and_the_misprints_it_used() {
    let out = run(
        &[
            "tta",
            "path",
            "InternetGatewayDevice.Services.1.STBService.Components.1.X_TTA_SPServer.SDSServer.SPID",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["canonical"],
        "InternetGatewayDevice.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.SPId"
    );
    assert_eq!(json["parameter"]["aliases"].as_array().unwrap().len(), 2);

    let bad = run(&["tta", "path", "Device..X"], b"");
    assert_eq!(bad.status.code(), Some(1));
    let lines = stderr_lines(&bad);
    assert!(
        lines[0].starts_with("error: empty segment at byte 7"),
        "{lines:?}"
    );
}

#[test]
fn invalid_settings_name_every_refused_parameter() {
    let out = run(
        &["tta", "settings", "-"],
        &vector("spv-sds-sms-seed-example"),
    );
    assert_eq!(out.status.code(), Some(1));
    let lines = stderr_lines(&out);
    assert!(
        lines.iter().any(|l| l.contains("PackageSegmentIDs")),
        "{lines:?}"
    );
    assert!(
        lines.iter().filter(|l| l.starts_with("error: ")).count() >= 2,
        "{lines:?}"
    );

    let ok = run(
        &["tta", "settings", "-"],
        &vector("spv-sds-sms-device-valid"),
    );
    assert_eq!(ok.status.code(), Some(0), "{:?}", stderr_lines(&ok));
    let json: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert!(json["SDSServer"].is_object(), "{json}");
}

#[test]
fn an_inform_prints_its_event_and_device() {
    let out = run(&["tta", "inform", "-"], &vector("inform-igd-x-tta-dhcp"));
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["X_TTA_DeviceID"], "001F3C-IPTV-001F3C0AF04C");
    assert_eq!(json["EventCode"], "X TTA DHCP");

    let not_tta = run(&["tta", "inform", "-"], &vector("inform-igd-periodic"));
    assert_eq!(not_tta.status.code(), Some(1));
    let usage = run(&["tta", "inform"], b"");
    assert_eq!(usage.status.code(), Some(2));
}
