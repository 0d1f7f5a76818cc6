//! The server side: answering checks from a catalog, telling checks from reports.

mod common;

use std::borrow::Cow;

use fwupgrade_proto::{
    Catalog, CheckRequest, CheckResponse, Incoming, Lookup, Offer, PkgId, RetCode, Server,
    UpgradeMode,
};

struct Shelf;

impl Catalog for Shelf {
    fn lookup(&self, request: &CheckRequest<'_>) -> Lookup<'_> {
        match (&*request.device.dev_model, &request.pkg_id) {
            ("IPTV_STB", PkgId::Firmware) => {
                Lookup::Package(Offer::new("http://fw/1.6.0", "1.6.0", UpgradeMode::Normal))
            }
            ("IPTV_STB", _) => Lookup::NoUpdate,
            ("RETIRED", _) => Lookup::UnknownPackage,
            ("BROKEN", _) => Lookup::Error(Cow::Borrowed("catalog offline")),
            _ => Lookup::UnknownDevice,
        }
    }
}

fn request(model: &str, version: &str, pkg: &str, req_type: u8) -> String {
    format!(
        "devManuFact=SEC&devModel={model}&devIpAddr=10.0.0.2&devId=00:1F:3C:0A:F0:4C&devFwVer={version}&pkgId={pkg}&saID=1&reqType={req_type}"
    )
}

#[test]
fn every_answer() {
    let server = Server::new(Shelf);
    let cases = [
        (
            request("IPTV_STB", "1.5.8", "Firmware", 1),
            RetCode::UpdateAvailable,
        ),
        (
            request("IPTV_STB", "1.6.0", "Firmware", 1),
            RetCode::NoUpdate,
        ),
        (
            request("IPTV_STB", "1.6.0", "Firmware", 2),
            RetCode::UpdateAvailable,
        ),
        (
            request("IPTV_STB", "1.6.0", "Application", 1),
            RetCode::NoUpdate,
        ),
        (
            request("IPTV_STB", "1.5.8", "Kernel", 1),
            RetCode::UnknownPkgId,
        ),
        (
            request("RETIRED", "1.5.8", "Firmware", 1),
            RetCode::UnknownPkgId,
        ),
        (
            request("OTHER", "1.5.8", "Firmware", 1),
            RetCode::WrongDeviceInfo,
        ),
        (
            request("BROKEN", "1.5.8", "Firmware", 1),
            RetCode::Other(500),
        ),
        (
            request("IPTV_STB", "1.5.8", "Firmware", 1).replace("devId=00:1F", "devId=00:1f"),
            RetCode::WrongDeviceInfo,
        ),
        (
            request("IPTV_STB", "1.5.8", "Firmware", 1).replace("&saID=1", ""),
            RetCode::MissingParameter,
        ),
        (
            request("IPTV_STB", "1.5.8", "Firmware", 1).replace("reqType=1", "reqType=x"),
            RetCode::MissingParameter,
        ),
    ];
    for (body, code) in cases {
        let resp = server.respond_to_body(body.as_bytes());
        assert_eq!(resp.ret_code(), code, "{body}");
        assert_eq!(resp.offer().is_some(), code == RetCode::UpdateAvailable);
        assert_eq!(
            (resp.normal_period, resp.error_period),
            (Some(1440), Some(60))
        );
        if code.is_failure() {
            assert!(resp.ret_message.is_some(), "{body}");
        }
        // What the server writes, the STB parses.
        let wire = resp.to_vec();
        assert_eq!(CheckResponse::parse(&wire).unwrap(), resp);
    }
    let missing = server.respond_to_body(b"devManuFact=SEC");
    assert_eq!(
        missing.ret_message.as_deref(),
        Some("missing mandatory field at byte 15 (devModel)")
    );
}

#[test]
fn incoming_tells_reports_by_result_code() {
    let check = Incoming::parse(common::SPEC_REQUEST).unwrap();
    assert!(matches!(check, Incoming::Check(_)));
    let report = Incoming::parse(common::REPORT).unwrap();
    assert!(matches!(report, Incoming::Report(_)));
    let lower = common::REPORT.replace("resultCode", "resultcode");
    assert!(matches!(
        Incoming::parse(&lower).unwrap(),
        Incoming::Report(_)
    ));
    // A report missing a field is reported as a report error.
    let broken = common::REPORT.replace("&pkgVersion=1.6.0", "");
    assert_eq!(
        Incoming::parse(&broken).unwrap_err().location().field(),
        Some("pkgVersion")
    );
}
