//! `parse(write(x)) == x` for the three messages, over generated values.

use std::borrow::Cow;

use fwupgrade_proto::{
    CheckRequest, CheckResponse, DevId, DeviceInfo, Field, Offer, PkgId, Report, ReqType,
    ResultCode, RetCode, Secret, UpgradeMode,
};
use proptest::prelude::*;

/// Any text, including the form's own delimiters and non-ASCII.
fn text() -> impl Strategy<Value = Cow<'static, str>> {
    prop_oneof![
        "[A-Za-z0-9._:/-]{0,12}",
        "[ &=+%#?a-z\u{e9}\u{ac00}-\u{ac10}]{0,8}",
        any::<String>(),
    ]
    .prop_map(Cow::Owned)
}

fn device() -> impl Strategy<Value = DeviceInfo<'static>> {
    (text(), text(), text(), any::<[u8; 6]>(), text(), text()).prop_map(
        |(m, mo, ip, id, fw, sa)| DeviceInfo {
            dev_manu_fact: m,
            dev_model: mo,
            dev_ip_addr: ip,
            dev_id: DevId(id),
            dev_fw_ver: fw,
            sa_id: sa,
        },
    )
}

fn pkg_id() -> impl Strategy<Value = PkgId<'static>> {
    text().prop_map(|t| match t.len() % 3 {
        0 => PkgId::Firmware,
        1 => PkgId::Application,
        _ => PkgId::from_value(t),
    })
}

const KNOWN: [&str; 24] = [
    "resultCode",
    "errMessage",
    "errorPeriod",
    "devManuFact",
    "devModel",
    "devIpAddr",
    "devId",
    "devFwVer",
    "pkgId",
    "saID",
    "reqType",
    "retCode",
    "retMessage",
    "mcastSvrAddr",
    "mcastSvrPort",
    "dlSvrUrl",
    "dlSvrId",
    "dlSvrPwd",
    "upgradeMode",
    "pkgFileSize",
    "pkgFileVersion",
    "pkgFileName",
    "normalPeriod",
    "pkgVersion",
];

/// Extra fields whose names no message defines and are not empty-pair-looking.
fn extra() -> impl Strategy<Value = Vec<Field<'static>>> {
    prop::collection::vec((text(), text()), 0..4).prop_map(|v| {
        v.into_iter()
            .filter(|(n, v)| {
                let empty_pair = n.is_empty() && v.is_empty();
                let defined = KNOWN.iter().any(|k| k.eq_ignore_ascii_case(n));
                !empty_pair && !defined
            })
            .map(|(n, v)| Field::new(n, v))
            .collect()
    })
}

fn offer() -> impl Strategy<Value = Offer<'static>> {
    (
        (
            prop::option::of(text()),
            prop::option::of(text()),
            text(),
            prop::option::of(text()),
        ),
        (
            prop::option::of(text()),
            any::<u32>(),
            prop::option::of(any::<u64>()),
            text(),
        ),
        prop::option::of(text()),
    )
        .prop_map(|((ma, mp, url, id), (pwd, mode, size, ver), name)| {
            let mut o = Offer::new(url, ver, UpgradeMode::from_code(mode % 4));
            o.mcast_svr_addr = ma;
            o.mcast_svr_port = mp;
            o.dl_svr_id = id;
            o.dl_svr_pwd = pwd.map(Secret::new);
            o.pkg_file_size = size;
            o.pkg_file_name = name;
            o
        })
}

fn request() -> impl Strategy<Value = CheckRequest<'static>> {
    (device(), pkg_id(), 0u32..5, extra()).prop_map(|(d, p, r, extra)| CheckRequest {
        extra,
        ..CheckRequest::new(d, p, ReqType::from_code(r))
    })
}

fn response() -> impl Strategy<Value = CheckResponse<'static>> {
    (
        prop_oneof![Just(200u32), Just(201), 202u32..206, any::<u32>()],
        offer(),
        prop::option::of(text()),
        prop::option::of(any::<u32>()),
        prop::option::of(any::<u32>()),
        extra(),
    )
        .prop_map(|(code, offer, msg, np, ep, extra)| {
            let mut r = match RetCode::from_code(code) {
                RetCode::UpdateAvailable => CheckResponse::update(offer),
                RetCode::NoUpdate => CheckResponse::no_update(),
                other => CheckResponse::failure(other).unwrap(),
            };
            r.ret_message = msg;
            r.normal_period = np;
            r.error_period = ep;
            r.extra = extra;
            r
        })
}

fn report() -> impl Strategy<Value = Report<'static>> {
    (
        device(),
        pkg_id(),
        text(),
        any::<u32>(),
        prop::option::of(text()),
        extra(),
    )
        .prop_map(|(d, p, v, code, msg, extra)| Report {
            err_message: msg,
            extra,
            ..Report::new(d, p, v, ResultCode(code))
        })
}

proptest! {
    #[test]
    fn request_round_trip(req in request()) {
        let bytes = req.to_vec();
        prop_assert_eq!(CheckRequest::parse(&bytes).unwrap(), req);
    }

    #[test]
    fn response_round_trip(resp in response()) {
        let bytes = resp.to_vec();
        prop_assert_eq!(CheckResponse::parse(&bytes).unwrap(), resp);
    }

    #[test]
    fn report_round_trip(report in report()) {
        let bytes = report.to_vec();
        prop_assert_eq!(Report::parse(&bytes).unwrap(), report);
    }

    /// Whatever parses writes canonical output that parses to the same value.
    #[test]
    fn parse_write_parse(input in "[a-zA-Z=&%+0-9:.]{0,80}") {
        if let Ok(r) = CheckResponse::parse(&input) {
            let again = r.to_string();
            prop_assert_eq!(CheckResponse::parse(&again).unwrap(), r);
        }
    }
}

#[test]
fn into_owned_keeps_values() {
    let input = String::from(
        "devManuFact=A+B&devModel=M&devIpAddr=1&devId=00:00:00:00:00:01&devFwVer=1&pkgId=x&saID=s&reqType=2&k=v",
    );
    let owned = CheckRequest::parse(&input).unwrap().into_owned();
    drop(input);
    assert_eq!(owned.device.dev_manu_fact, "A B");
    assert_eq!(owned.extra, vec![Field::new("k", "v")]);
}
