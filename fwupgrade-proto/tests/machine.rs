//! Scripted runs of the STB upgrade machine, with every message going through the wire
//! format as it would between a real STB and server.

mod common;

use fwupgrade_proto::{
    Action, CheckRequest, CheckResponse, Client, ClientConfig, Download, DownloadFailure,
    DownloadedImage, Offer, Phase, PkgId, Report, ReqType, ResultCode, RetCode, Secret,
    UpgradeMode,
};

fn client() -> Client {
    Client::new(common::device(), PkgId::Firmware, ClientConfig::default())
}

fn offer(mode: UpgradeMode) -> Offer<'static> {
    let mut o = Offer::new("https://fw.example/stb-1.6.0.img", "1.6.0", mode);
    o.dl_svr_id = Some("stb".into());
    o.dl_svr_pwd = Some(Secret::new("pw"));
    o.pkg_file_size = Some(1000);
    o.mcast_svr_addr = Some("239.1.1.1".into());
    o.mcast_svr_port = Some("5000".into());
    o
}

/// Sends the check through the wire and returns what the server said, re-parsed.
fn check(stb: &mut Client) -> CheckRequest<'static> {
    let Action::SendCheck(req) = stb.check().unwrap() else {
        panic!("expected a check")
    };
    CheckRequest::parse(&req.to_vec()).unwrap().into_owned()
}

fn respond(stb: &mut Client, resp: &CheckResponse<'_>) -> Action {
    let wire = resp.to_vec();
    stb.on_check_response(&CheckResponse::parse(&wire).unwrap())
        .unwrap()
}

fn expect_report(action: Action, code: ResultCode) -> Report<'static> {
    let Action::SendReport(report) = action else {
        panic!("expected a report, got {action:?}")
    };
    let again = Report::parse(&report.to_vec()).unwrap().into_owned();
    assert_eq!(again, report);
    assert_eq!(report.result_code, code);
    report
}

fn good_image() -> DownloadedImage<'static> {
    DownloadedImage {
        manufacturer: "SEC",
        model: "IPTV_STB",
        version: "1.6.0",
        size: 1000,
        integrity_ok: true,
    }
}

#[test]
fn success_normal_mode() {
    let mut stb = client();
    assert_eq!(stb.phase(), Phase::Idle);
    let req = check(&mut stb);
    assert_eq!(req.device.dev_fw_ver, "1.5.8");
    assert_eq!(req.req_type, ReqType::Normal);
    let resp = CheckResponse::update(offer(UpgradeMode::Normal)).with_periods(Some(720), Some(30));
    let Action::AskUser(o) = respond(&mut stb, &resp) else {
        panic!()
    };
    assert_eq!(o.pkg_file_version, "1.6.0");
    let Action::Download(Download::Unicast { url, id, password }) =
        stb.on_user_decision(true).unwrap()
    else {
        panic!()
    };
    assert_eq!(
        (url.as_ref(), id.as_deref()),
        ("https://fw.example/stb-1.6.0.img", Some("stb"))
    );
    assert_eq!(password.as_ref().map(Secret::expose), Some("pw"));
    let report = expect_report(
        stb.on_downloaded(&good_image()).unwrap(),
        ResultCode::UNICAST_DOWNLOADED,
    );
    assert_eq!(report.pkg_version, "1.6.0");
    assert_eq!(report.err_message, None);
    assert_eq!(stb.on_report_sent().unwrap(), Action::Burn);
    expect_report(stb.on_burned(true).unwrap(), ResultCode::INSTALLED_NORMAL);
    assert_eq!(stb.on_report_sent().unwrap(), Action::Wait { minutes: 720 });
    assert_eq!(stb.phase(), Phase::Idle);
    // The next check tells the new version.
    assert_eq!(check(&mut stb).device.dev_fw_ver, "1.6.0");
}

#[test]
fn reconnection_no_update() {
    let mut stb = client();
    check(&mut stb);
    assert_eq!(
        respond(&mut stb, &CheckResponse::no_update()),
        Action::Wait { minutes: 1440 }
    );
    check(&mut stb);
    let resp = CheckResponse::no_update().with_periods(Some(60), None);
    assert_eq!(respond(&mut stb, &resp), Action::Wait { minutes: 60 });
    // The learned period stays.
    check(&mut stb);
    assert_eq!(
        respond(&mut stb, &CheckResponse::no_update()),
        Action::Wait { minutes: 60 }
    );
}

#[test]
fn check_failures_wait_error_period() {
    for code in [
        RetCode::MissingParameter,
        RetCode::WrongDeviceInfo,
        RetCode::UnknownPkgId,
        RetCode::Other(500),
    ] {
        let mut stb = client();
        check(&mut stb);
        let resp = CheckResponse::failure(code)
            .unwrap()
            .with_periods(Some(1440), Some(15));
        assert_eq!(
            respond(&mut stb, &resp),
            Action::Wait { minutes: 15 },
            "{code:?}"
        );
    }
    let mut stb = client();
    check(&mut stb);
    assert_eq!(stb.on_check_failed().unwrap(), Action::Wait { minutes: 60 });
}

#[test]
fn user_cancel_reports_15() {
    let mut stb = client();
    check(&mut stb);
    respond(&mut stb, &CheckResponse::update(offer(UpgradeMode::Normal)));
    let report = expect_report(
        stb.on_user_decision(false).unwrap(),
        ResultCode::USER_CANCELLED,
    );
    assert!(report.err_message.is_some());
    assert_eq!(
        stb.on_report_sent().unwrap(),
        Action::Wait { minutes: 1440 }
    );
    assert_eq!(check(&mut stb).device.dev_fw_ver, "1.5.8");
}

#[test]
fn forced_mode_cannot_be_declined() {
    let mut stb = client();
    check(&mut stb);
    let action = respond(&mut stb, &CheckResponse::update(offer(UpgradeMode::Forced)));
    assert!(
        matches!(action, Action::Download(Download::Unicast { .. })),
        "{action:?}"
    );
    assert!(stb.on_user_decision(false).is_err());
    assert_eq!(stb.phase(), Phase::Downloading);
}

#[test]
fn unknown_upgrade_mode_asks_the_user() {
    let mut stb = client();
    check(&mut stb);
    assert!(matches!(
        respond(
            &mut stb,
            &CheckResponse::update(offer(UpgradeMode::Other(7)))
        ),
        Action::AskUser(_)
    ));
}

#[test]
fn every_unicast_download_failure() {
    let cases = [
        (DownloadFailure::AuthFailed, 20),
        (DownloadFailure::ConnectFailed, 21),
        (DownloadFailure::Timeout, 22),
        (DownloadFailure::NotFound, 23),
        (DownloadFailure::ServerError, 24),
        (DownloadFailure::NoStream, 21),
    ];
    for (failure, code) in cases {
        let mut stb = client();
        check(&mut stb);
        respond(
            &mut stb,
            &CheckResponse::update(offer(UpgradeMode::Forced)).with_periods(None, Some(45)),
        );
        expect_report(stb.on_download_failed(failure).unwrap(), ResultCode(code));
        assert_eq!(
            stb.on_report_sent().unwrap(),
            Action::Wait { minutes: 45 },
            "{failure:?}"
        );
    }
}

#[test]
fn image_checks_unicast_and_multicast() {
    let bad = [
        (
            DownloadedImage {
                manufacturer: "LG",
                ..good_image()
            },
            25,
            35,
        ),
        (
            DownloadedImage {
                model: "OTHER",
                ..good_image()
            },
            25,
            35,
        ),
        (
            DownloadedImage {
                version: "1.5.9",
                ..good_image()
            },
            26,
            36,
        ),
        (
            DownloadedImage {
                size: 999,
                ..good_image()
            },
            27,
            37,
        ),
        (
            DownloadedImage {
                integrity_ok: false,
                ..good_image()
            },
            27,
            37,
        ),
        (good_image(), 40, 41),
    ];
    for (image, unicast, multicast) in bad {
        for (mcast, code) in [(false, unicast), (true, multicast)] {
            let mut config = ClientConfig::default();
            config.multicast = mcast;
            let mut stb = Client::new(common::device(), PkgId::Firmware, config);
            check(&mut stb);
            let action = respond(&mut stb, &CheckResponse::update(offer(UpgradeMode::Forced)));
            if mcast {
                assert!(
                    matches!(action, Action::Download(Download::Multicast { .. })),
                    "{action:?}"
                );
            }
            expect_report(stb.on_downloaded(&image).unwrap(), ResultCode(code));
            let next = stb.on_report_sent().unwrap();
            assert_eq!(next == Action::Burn, code >= 40, "{image:?} {code}");
        }
    }
}

#[test]
fn multicast_failure_and_unicast_fallback_when_no_address() {
    let mut config = ClientConfig::default();
    config.multicast = true;
    let mut stb = Client::new(common::device(), PkgId::Firmware, config);
    check(&mut stb);
    respond(&mut stb, &CheckResponse::update(offer(UpgradeMode::Forced)));
    expect_report(
        stb.on_download_failed(DownloadFailure::NoStream).unwrap(),
        ResultCode::MULTICAST_NO_STREAM,
    );
    assert_eq!(stb.on_report_sent().unwrap(), Action::Wait { minutes: 60 });
    // An offer without a multicast port downloads by unicast.
    check(&mut stb);
    let mut o = offer(UpgradeMode::Forced);
    o.mcast_svr_port = None;
    assert!(matches!(
        respond(&mut stb, &CheckResponse::update(o)),
        Action::Download(Download::Unicast { .. })
    ));
}

#[test]
fn burning_failure_waits_error_period() {
    let mut stb = client();
    check(&mut stb);
    respond(&mut stb, &CheckResponse::update(offer(UpgradeMode::Forced)));
    stb.on_downloaded(&good_image()).unwrap();
    assert_eq!(stb.on_report_sent().unwrap(), Action::Burn);
    expect_report(
        stb.on_burned(false).unwrap(),
        ResultCode::BURN_FAILED_NORMAL,
    );
    assert_eq!(stb.on_report_sent().unwrap(), Action::Wait { minutes: 60 });
    assert_eq!(check(&mut stb).device.dev_fw_ver, "1.5.8");
}

#[test]
fn recovery_mode() {
    for (ok, code) in [
        (true, ResultCode::INSTALLED_RECOVERY),
        (false, ResultCode::BURN_FAILED_RECOVERY),
    ] {
        let mut stb = Client::recovery(common::device(), PkgId::Firmware, ClientConfig::default());
        let req = check(&mut stb);
        assert_eq!(req.req_type, ReqType::Recovery);
        assert!(req.to_string().ends_with("reqType=2"));
        respond(&mut stb, &CheckResponse::update(offer(UpgradeMode::Forced)));
        stb.on_downloaded(&good_image()).unwrap();
        stb.on_report_sent().unwrap();
        expect_report(stb.on_burned(ok).unwrap(), code);
        stb.on_report_sent().unwrap();
        // After a successful recovery the STB checks normally again; after a failure it stays
        // in recovery.
        let want = if ok {
            ReqType::Normal
        } else {
            ReqType::Recovery
        };
        assert_eq!(check(&mut stb).req_type, want);
    }
}

#[test]
fn application_package() {
    let mut stb = Client::new(
        common::device(),
        PkgId::Application,
        ClientConfig::default(),
    );
    assert_eq!(check(&mut stb).pkg_id, PkgId::Application);
}

#[test]
fn events_out_of_order_are_errors_not_panics() {
    let mut stb = client();
    assert!(stb.on_check_response(&CheckResponse::no_update()).is_err());
    assert!(stb.on_check_failed().is_err());
    assert!(stb.on_user_decision(true).is_err());
    assert!(stb.on_downloaded(&good_image()).is_err());
    assert!(stb.on_download_failed(DownloadFailure::Timeout).is_err());
    assert!(stb.on_report_sent().is_err());
    let err = stb.on_burned(true).unwrap_err();
    assert_eq!(
        err.to_string(),
        "burn result is not expected while the machine is idle"
    );
    check(&mut stb);
    assert!(stb.check().is_err());
    assert_eq!(stb.phase(), Phase::Checking);
    stb.reset();
    assert_eq!(stb.phase(), Phase::Idle);
    check(&mut stb);
}

#[test]
fn debug_never_shows_the_password() {
    let mut stb = client();
    check(&mut stb);
    let action = respond(&mut stb, &CheckResponse::update(offer(UpgradeMode::Forced)));
    let dbg = format!("{action:?} {stb:?}");
    assert!(!dbg.contains("\"pw\""), "{dbg}");
    assert!(dbg.contains("redacted"), "{dbg}");
}
