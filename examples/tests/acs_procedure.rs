//! `tta-acs` against the TTA procedure run by the real STB machine, downloads, model quirks,
//! alarms, connection requests, the upgrade endpoint, tasks for a filter and the API's
//! bearer token; each scenario on SQLite and on PostgreSQL (when the test script started one).

#[path = "acs/support.rs"]
mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use cwmp_codec::{Body, Envelope, Message};
use reqwest::{Method, StatusCode};
use serde_json::{Value as Json, json};
use support::{Cpe, Db, TestAcs, percent, start};
use tta_datamodel::{
    DeviceDescription, DeviceId, Discovery, MacAddress, Param, ProvResult, ProvStatus, Root,
    Settings, Stb, StbAction, StbState, TtaEvent,
};
use tta_examples::acs::Config;

/// The configuration of every scenario here: only listed subscribers get `01`.
fn closed(config: &mut Config) {
    config.provisioning.open_subscription = false;
}

/// Runs a scenario on both databases (`name::sqlite`, `name::postgres`), with the
/// configuration `closed` and then `tweak` applied.
macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        on_both!($name, $scenario, |_| {});
    };
    ($name:ident, $scenario:ident, $tweak:expr) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::run(super::Db::Sqlite, $tweak, super::$scenario).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::run(super::Db::Postgres, $tweak, super::$scenario).await;
            }
        }
    };
}

async fn run<F>(db: Db, tweak: impl FnOnce(&mut Config), scenario: F)
where
    F: AsyncFnOnce(&TestAcs),
{
    let started = start(db, |c| {
        closed(c);
        tweak(c);
    })
    .await;
    if let Some(acs) = started {
        // Every wait inside is bounded too; this bounds the scenario as a whole.
        tokio::time::timeout(Duration::from_secs(60), scenario(&acs))
            .await
            .expect("the scenario took more than 60 s");
        acs.server.shutdown().await;
    }
}

/// What a well-behaved CPE answers; Downloads with `download_status` (0 done, 1 later).
fn answer_with(download_status: i32) -> impl FnMut(&Envelope<'_>) -> Body<'static> {
    use cwmp_codec::*;
    move |request| match &request.body {
        Body::GetParameterValues(g) => {
            Body::GetParameterValuesResponse(GetParameterValuesResponse {
                parameter_list: g
                    .parameter_names
                    .iter()
                    .map(|n| ParameterValueStruct::new(n.to_string(), Value::string("v")))
                    .collect(),
            })
        }
        Body::GetParameterNames(_) => Body::GetParameterNamesResponse(GetParameterNamesResponse {
            parameter_list: vec![],
        }),
        Body::SetParameterValues(_) => {
            Body::SetParameterValuesResponse(SetParameterValuesResponse { status: 0 })
        }
        Body::Reboot(_) => Body::RebootResponse(RebootResponse {}),
        Body::Download(_) => Body::DownloadResponse(DownloadResponse {
            status: download_status,
            start_time: DateTimeText {
                text: "2026-11-30T12:00:01Z".into(),
            },
            complete_time: DateTimeText {
                text: "2026-11-30T12:00:02Z".into(),
            },
        }),
        other => panic!("unexpected request {}", other.method_name()),
    }
}

fn answer(request: &Envelope<'_>) -> Body<'static> {
    answer_with(0)(request)
}

/// Polls `check` every 50 ms until it gives a value, for at most `secs` seconds.
async fn eventually<T, F>(what: &str, secs: u64, mut check: F) -> T
where
    F: AsyncFnMut() -> Option<T>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {secs} s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn events_of<'a>(device: &'a Json, kind: &str) -> Vec<&'a Json> {
    device["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind)
        .collect()
}

async fn put(acs: &TestAcs, path: &str, body: Json) -> Json {
    let (status, body) = acs.send_json(Method::PUT, path, &body).await;
    assert!(status.is_success(), "PUT {path}: {status} {body}");
    body
}

// ---------------------------------------------------------------------------------------
// 1. The TTA procedure, under both roots, with the STB machine of tta-datamodel.

/// An STB of the standard's example, with its own MAC address.
fn stb_device(root: Root, mac: &str) -> DeviceDescription<'static> {
    let mac = MacAddress::parse(mac).unwrap();
    DeviceDescription {
        root,
        device_id: DeviceId::from_mac("001F3C", "IPTV", mac)
            .unwrap()
            .into_owned(),
        device_summary: "Device:1.0[](Baseline:1)".into(),
        spec_version: "1.0".into(),
        hardware_version: "1.0.0".into(),
        software_version: "2.1.27".into(),
        provisioning_code: "".into(),
        connection_request_url: "http://127.0.0.1:1/cr".into(),
        parameter_key: "0".into(),
        ip_address: "127.0.0.1".into(),
        addressing_type: "DHCP".into(),
        mac,
        manufacturer: "TTA".into(),
        model_name: "retailIPTV-01".into(),
        certificate: format!("MIIB-{}", mac).into(),
    }
}

/// The scripted CPE of a described device, posting to `url`.
fn cpe_for(acs: &TestAcs, device: &DeviceDescription<'_>, url: &str) -> Cpe {
    let mut cpe = Cpe::new(
        acs.http.clone(),
        url.to_owned(),
        device.device_id.serial_number(),
    );
    cpe.oui = device.device_id.oui().to_owned();
    cpe.product_class = device.device_id.product_class().to_owned();
    cpe
}

/// The Inform of a `SendInform` action, as the STB sends it.
fn tta_inform(
    device: &DeviceDescription<'_>,
    event: TtaEvent,
    parameters: &[Param<'_>],
) -> Envelope<'static> {
    let mut inform =
        device.to_cwmp_inform(event, ProvStatus::NotComplete, "2026-11-30T12:00:00Z", 0);
    // The machine's parameters, ProvStatus and all, rather than the description's.
    inform.parameter_list = parameters.iter().map(Param::to_cwmp).collect();
    Envelope::new(
        cwmp_codec::CwmpVersion::V1_0,
        "inform-1",
        Body::Inform(inform),
    )
}

/// Performs a `SendInform`: one session, and the settings of the server's
/// SetParameterValues read back as the STB reads them.
async fn tta_session(
    acs: &TestAcs,
    device: &DeviceDescription<'_>,
    action: StbAction,
    expected: TtaEvent,
) -> Settings<'static> {
    let StbAction::SendInform {
        url,
        event,
        parameters,
    } = action
    else {
        panic!("expected an Inform to send, got {action:?}");
    };
    assert_eq!(event, expected);
    let mut cpe = cpe_for(acs, device, &url);
    let seen = cpe
        .session(tta_inform(device, event, &parameters), vec![], answer)
        .await;
    assert_eq!(seen.len(), 1, "one SetParameterValues: {seen:?}");
    let Body::SetParameterValues(spv) = &seen[0].body else {
        panic!("{:?}", seen[0].body);
    };
    // Every name is under the STB's root.
    let root = format!("{}.", device.root.as_str());
    assert!(
        spv.parameter_list.iter().all(|p| p.name.starts_with(&root)),
        "{spv:?}"
    );
    Settings::from_cwmp(spv).unwrap()
}

/// Runs an upgrade machine of the STB against the server's upgrade endpoint until it waits.
async fn run_upgrade(acs: &TestAcs, action: StbAction, expected_server: &str) {
    let StbAction::Upgrade { server, client } = action else {
        panic!("expected an upgrade, got {action:?}");
    };
    assert_eq!(server, expected_server);
    let mut client = *client;
    let fwupgrade_proto::Action::SendCheck(request) = client.check().unwrap() else {
        panic!("the upgrade machine did not check");
    };
    let response = acs
        .http
        .post(&server)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(request.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.bytes().await.unwrap();
    let parsed = fwupgrade_proto::CheckResponse::parse(&body[..]).unwrap();
    // No package is stored for this model: nothing to do, come back later.
    assert_eq!(parsed.ret_code(), fwupgrade_proto::RetCode::NoUpdate);
    assert!(matches!(
        client.on_check_response(&parsed).unwrap(),
        fwupgrade_proto::Action::Wait { .. }
    ));
}

/// The provider list offered, as `(id, url)` pairs.
fn offered(list: &dhcp_tta_options::ProviderList<'_>) -> Vec<(String, String)> {
    list.iter()
        .map(|p| (p.id().to_owned(), p.provisioning_url().to_owned()))
        .collect()
}

/// Discovery over TR-069 and the choice of `KT`: the action that follows.
async fn discover(acs: &TestAcs, stb: &mut Stb, device: &DeviceDescription<'_>) -> StbAction {
    let action = stb
        .start(Discovery::Tr069 {
            acs_url: acs.cwmp_url(),
        })
        .unwrap();
    let settings = tta_session(acs, device, action, TtaEvent::Dhcp).await;
    assert!(settings.provider_infos.is_some(), "X_TTA_ProviderInfos");
    let StbAction::ChooseProvider(list) = stb.on_settings(&settings).unwrap() else {
        panic!("two providers: the user chooses");
    };
    assert_eq!(
        offered(&list),
        [
            ("KT".to_owned(), format!("{}kt", acs.cwmp_url())),
            ("SKB".to_owned(), format!("{}skb", acs.cwmp_url())),
        ]
    );
    assert_eq!(list.get(0).unwrap().ntp_server(), "ntp.kt.example");
    stb.choose(0).unwrap()
}

async fn store_providers(acs: &TestAcs) {
    put(
        acs,
        "/providers/KT",
        json!({
            "url": format!("{}kt", acs.cwmp_url()),
            "ntp": "ntp.kt.example",
            "service": {
                "sds": {
                    "connection_protocol": "DVBSTP,HTTP",
                    "multicast_address": "239.10.10.10",
                    "multicast_port": 1900,
                    "pull_url": "http://sds.kt.example/pull",
                    "sp_id": "kt.example",
                    "region_code": "02",
                    "packages": [[0xABCD, 0x0001], [0x0002, 0x0003]],
                },
                "sms": {"connection_protocol": "SSLTLS", "address": "sms.kt.example", "port": 5000},
            },
        }),
    )
    .await;
    put(
        acs,
        "/providers/SKB",
        json!({"url": format!("{}skb", acs.cwmp_url()), "ntp": "10.1.1.2"}),
    )
    .await;
}

async fn subscribe(acs: &TestAcs, device: &DeviceDescription<'_>, certificate: &str) {
    put(
        acs,
        &format!("/subscribers/{}", device.device_id),
        json!({"provider_id": "KT", "name": "test", "certificate": certificate}),
    )
    .await;
}

/// The last `provisioning` event of a TTA event in the device's log.
fn last_step<'a>(device: &'a Json, event: &str) -> &'a Json {
    events_of(device, "provisioning")
        .into_iter()
        .rev()
        .find(|e| e["detail"]["event"] == event && e["detail"]["phase"].is_string())
        .unwrap_or_else(|| panic!("no {event} step in {device}"))
}

async fn tta_first_access_and_reconnection(acs: &TestAcs, root: Root, mac: &str) {
    let device = stb_device(root, mac);
    let id = device.device_id.to_string();
    subscribe(acs, &device, &device.certificate).await;
    let mut stb = Stb::new(device.clone(), tta_datamodel::Persisted::default());

    // Phase 2 over TR-069, then phase 3 at the chosen provider's URL.
    let action = discover(acs, &mut stb, &device).await;
    let StbAction::SendInform {
        url, parameters, ..
    } = &action
    else {
        panic!("{action:?}");
    };
    assert_eq!(*url, format!("{}kt", acs.cwmp_url()));
    assert!(
        parameters
            .iter()
            .any(|p| p.name.ends_with("X_TTA_ProvStatus") && p.value == "01")
    );
    let d = acs.device(&id).await;
    assert_eq!(d["phase"], "discovery", "{d}");
    let settings = tta_session(acs, &device, action, TtaEvent::VenderProvision).await;
    let auth = settings.auth.as_ref().expect("the authentication result");
    assert_eq!(auth.result, ProvResult::Success);
    assert_eq!(auth.status, ProvStatus::NotComplete);
    let upgrade_server = format!("{}/upgrade", acs.server.public_url());
    assert_eq!(auth.auto_update_server.as_deref(), Some(&*upgrade_server));
    let d = acs.device(&id).await;
    assert_eq!(
        (&d["phase"], &d["prov_result"], &d["provider_id"]),
        (&json!("authenticated"), &json!("01"), &json!("KT")),
        "{d}"
    );
    assert_eq!(
        last_step(&d, "X TTA VENDER_PROVISION")["detail"]["trustAuthorityChecked"],
        true
    );

    // Phases 4 and 5: the upgrade endpoint has nothing for this model.
    let action = stb.on_settings(&settings).unwrap();
    assert_eq!(stb.state(), StbState::FirmwareUpgrade);
    run_upgrade(acs, action, &upgrade_server).await;
    let action = stb.on_upgrade_done().unwrap();
    assert_eq!(stb.state(), StbState::SoftwareDownload);
    run_upgrade(acs, action, &upgrade_server).await;

    // Phase 6: the provider's SDS and SMS settings.
    let action = stb.on_upgrade_done().unwrap();
    let settings = tta_session(acs, &device, action, TtaEvent::ServiceProvision).await;
    let StbAction::Done { sds, sms } = stb.on_settings(&settings).unwrap() else {
        panic!("provisioning should be complete");
    };
    let f = sds.fields();
    assert_eq!(f.multicast_address.as_deref(), Some("239.10.10.10"));
    assert_eq!(f.multicast_port, Some(1900));
    assert_eq!(f.pull_url.as_deref(), Some("http://sds.kt.example/pull"));
    assert_eq!(f.sp_id.as_deref(), Some("kt.example"));
    assert_eq!(f.region_code, "02");
    assert_eq!(
        f.packages
            .iter()
            .map(|p| (p.id, p.segment))
            .collect::<Vec<_>>(),
        [(0xABCD, 1), (2, 3)]
    );
    let sms = sms.expect("the provider's SMS server");
    assert_eq!(sms.protocol, tta_datamodel::SmsProtocol::SslTls);
    assert_eq!((&*sms.address, sms.port.get()), ("sms.kt.example", 5000));
    assert_eq!(stb.state(), StbState::Provisioned);
    assert_eq!(stb.persisted().prov_status, ProvStatus::Complete);
    let d = acs.device(&id).await;
    assert_eq!(d["phase"], "provisioned", "{d}");
    assert_eq!(d["root"], root.as_str(), "{d}");
    assert_eq!(
        last_step(&d, "X TTA SERVICE_PROVISION")["detail"]["settings"]["SDSServer"]["RegionCode"],
        "02",
        "{d}"
    );
    for event in [
        "X TTA DHCP",
        "X TTA VENDER_PROVISION",
        "X TTA SERVICE_PROVISION",
    ] {
        last_step(&d, event);
    }
    // The STB applied each of the settings.
    let applied = events_of(&d, "provisioning")
        .into_iter()
        .filter(|e| e["detail"]["settingsApplied"] == 0)
        .count();
    assert_eq!(applied, 3, "{d}");

    // An Inform without parameters (allowed) says nothing about the root: it stays.
    let mut plain = cpe_for(acs, &device, &format!("{}kt", acs.cwmp_url()));
    let seen = plain
        .session(plain.inform(&["2 PERIODIC"], &[]), vec![], answer)
        .await;
    assert!(seen.is_empty());
    let d = acs.device(&id).await;
    assert_eq!(d["root"], root.as_str(), "{d}");

    // Reconnection (ProvStatus 02): the trust authority is not asked again, so a certificate
    // it no longer knows does not matter.
    subscribe(acs, &device, "a certificate the TA has since revoked").await;
    let mut stb = Stb::new(device.clone(), stb.persisted().clone());
    let action = discover(acs, &mut stb, &device).await;
    let StbAction::SendInform { parameters, .. } = &action else {
        panic!("the same provider: no factory reset ({action:?})");
    };
    assert!(
        parameters
            .iter()
            .any(|p| p.name.ends_with("X_TTA_ProvStatus") && p.value == "02")
    );
    let settings = tta_session(acs, &device, action, TtaEvent::VenderProvision).await;
    let auth = settings.auth.as_ref().unwrap();
    assert_eq!(
        (auth.result, auth.status),
        (ProvResult::Success, ProvStatus::Complete)
    );
    let d = acs.device(&id).await;
    assert_eq!(
        last_step(&d, "X TTA VENDER_PROVISION")["detail"]["trustAuthorityChecked"],
        false,
        "{d}"
    );
    assert_eq!(d["prov_result"], "01");
}

/// Authentication that fails: the STB shows the server's message, the device is refused.
async fn tta_refused(
    acs: &TestAcs,
    device: &DeviceDescription<'static>,
    expected: ProvResult,
    message: &str,
) {
    let mut stb = Stb::new(device.clone(), tta_datamodel::Persisted::default());
    let action = discover(acs, &mut stb, device).await;
    let settings = tta_session(acs, device, action, TtaEvent::VenderProvision).await;
    assert_eq!(
        settings.auth.as_ref().unwrap().auto_update_server,
        None,
        "no upgrade server for a refused STB"
    );
    let StbAction::ShowMessage {
        result,
        message: shown,
    } = stb.on_settings(&settings).unwrap()
    else {
        panic!("refused");
    };
    assert_eq!((result, shown.as_str()), (expected, message));
    assert_eq!(stb.state(), StbState::Refused);
    let d = acs.device(&device.device_id.to_string()).await;
    assert_eq!(
        (&d["phase"], &d["prov_result"]),
        (&json!("refused"), &json!(expected.as_str())),
        "{d}"
    );

    // Phase 6 without a successful phase 3 is refused with 8001.
    let mut cpe = cpe_for(acs, device, &format!("{}kt", acs.cwmp_url()));
    let params = device.inform_parameters(TtaEvent::ServiceProvision, ProvStatus::NotComplete);
    let reply = cpe
        .post(&Message {
            envelopes: vec![tta_inform(device, TtaEvent::ServiceProvision, &params)],
        })
        .await;
    let message = reply.message();
    let Body::Fault(fault) = &message.envelopes[0].body else {
        panic!("{message:?}");
    };
    assert_eq!(
        fault.code(),
        Some(cwmp_codec::FaultCode::AcsRequestDenied),
        "{fault:?}"
    );
    assert_eq!(fault.code().unwrap().code(), 8001);
    let d = acs.device(&device.device_id.to_string()).await;
    assert_eq!(d["phase"], "refused", "{d}");
    assert!(
        events_of(&d, "provisioning")
            .iter()
            .any(|e| e["detail"]["event"] == "X TTA SERVICE_PROVISION"
                && e["detail"]["refused"].is_string()),
        "{d}"
    );
}

async fn tta_procedure(acs: &TestAcs) {
    store_providers(acs).await;
    let config = &acs.server.app().config.provisioning;
    for (i, root) in Root::ALL.into_iter().enumerate() {
        tta_first_access_and_reconnection(acs, root, &format!("00:1F:3C:0A:F1:0{i}")).await;

        // Not a subscriber: 021.
        let stranger = stb_device(root, &format!("00:1F:3C:0A:F2:0{i}"));
        tta_refused(
            acs,
            &stranger,
            ProvResult::NotSubscribed,
            &config.not_subscribed_message,
        )
        .await;

        // A subscriber whose certificate the trust authority does not know: 022.
        let forged = stb_device(root, &format!("00:1F:3C:0A:F3:0{i}"));
        subscribe(acs, &forged, "the certificate on file").await;
        tta_refused(
            acs,
            &forged,
            ProvResult::TaVerificationFailed,
            &config.verification_failed_message,
        )
        .await;
    }
}
on_both!(
    tta_procedure_under_both_roots,
    tta_procedure,
    |c: &mut tta_examples::acs::Config| c.provisioning.accept_any_certificate = false
);

/// The standard's own example Inform (`xsd:string(64)`, a non-ISO CurrentTime, arrayType)
/// gets the stored provider list.
async fn spec_example_inform(acs: &TestAcs) {
    store_providers(acs).await;
    let xml = include_bytes!("../../tta-datamodel/tests/vectors/inform-igd-x-tta-dhcp.xml");
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "001F3C0AF04C");
    let reply = cpe.post_raw(xml.to_vec(), true).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(matches!(
        reply.message().envelopes[0].body,
        Body::InformResponse(_)
    ));
    let reply = cpe.post_raw(Vec::new(), false).await;
    let message = reply.message();
    let Body::SetParameterValues(spv) = &message.envelopes[0].body else {
        panic!("{message:?}");
    };
    let settings = Settings::from_cwmp(spv).unwrap();
    let list = settings.provider_infos.unwrap();
    assert_eq!(
        offered(&list),
        [
            ("KT".to_owned(), format!("{}kt", acs.cwmp_url())),
            ("SKB".to_owned(), format!("{}skb", acs.cwmp_url())),
        ]
    );
    assert!(
        spv.parameter_list[0]
            .name
            .starts_with("InternetGatewayDevice.")
    );
    let d = acs.device("001F3C-IPTV-001F3C0AF04C").await;
    assert_eq!(d["phase"], "discovery", "{d}");
}
on_both!(
    the_spec_example_inform_gets_the_providers,
    spec_example_inform
);

// ---------------------------------------------------------------------------------------
// 2. Download of a stored package, finished by a later TransferComplete.

fn boot(cpe: &Cpe, model: &str, extra: &[(&str, &str)]) -> Envelope<'static> {
    let mut params = vec![
        ("Device.DeviceInfo.SoftwareVersion", "1.0.0"),
        ("Device.DeviceInfo.ModelName", model),
    ];
    params.extend_from_slice(extra);
    cpe.inform(&["1 BOOT"], &params)
}

async fn store_package(acs: &TestAcs, name: &str, model: &str, version: &str, content: &[u8]) {
    let r = acs
        .http
        .put(acs.api(&format!(
            "/packages/{name}?manufacturer=TTA&model={model}&kind=firmware&version={version}"
        )))
        .body(content.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

fn transfer_complete(command_key: &str, fault_code: u32) -> Envelope<'static> {
    use cwmp_codec::*;
    Envelope::new(
        CwmpVersion::V1_0,
        "tc-1",
        Body::TransferComplete(TransferComplete {
            command_key: command_key.to_owned().into(),
            fault_struct: TransferCompleteFaultStruct {
                fault_code,
                fault_string: if fault_code == 0 {
                    "".into()
                } else {
                    "Download failure: file corrupted".into()
                },
            },
            start_time: DateTimeText {
                text: "2026-11-30T12:01:00Z".into(),
            },
            complete_time: DateTimeText {
                text: "2026-11-30T12:02:00Z".into(),
            },
        }),
    )
}

/// Queues a download of `package`, runs the session that sends it, and returns the task
/// and the Download's CommandKey.
async fn send_download(acs: &TestAcs, cpe: &mut Cpe, package: &str, status: i32) -> (i64, String) {
    let task = acs
        .queue(
            &cpe.device_id(),
            json!({"name": "download", "fileName": package}),
        )
        .await;
    let seen = cpe
        .session(
            cpe.inform(&["2 PERIODIC"], &[]),
            vec![],
            answer_with(status),
        )
        .await;
    assert_eq!(seen.len(), 1);
    let Body::Download(download) = &seen[0].body else {
        panic!("{:?}", seen[0].body);
    };
    assert_eq!(
        download.url,
        format!("{}/packages/{package}", acs.server.public_url())
    );
    assert_eq!(download.command_key, format!("task-{task}"));
    // The URL in the Download serves the package.
    let bytes = acs
        .http
        .get(download.url.as_ref())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(download.file_size as usize, bytes.len());
    (task, download.command_key.to_string())
}

async fn downloads(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "00000000D001");
    cpe.session(boot(&cpe, "STB-D", &[]), vec![], answer).await;
    let content: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    store_package(acs, "stb-d-2.0.bin", "STB-D", "2.0", &content).await;
    // The package is served on the CWMP listener (where devices are), as it was stored.
    let r = acs
        .http
        .get(format!("{}packages/stb-d-2.0.bin", acs.cwmp_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &content[..]);
    let r = acs
        .http
        .get(format!("{}packages/nope.bin", acs.cwmp_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Accepted for later, then a TransferComplete in a later session: done.
    let (ok, key) = send_download(acs, &mut cpe, "stb-d-2.0.bin", 1).await;
    let t = acs.task(ok).await;
    assert_eq!(t["status"], "transferring", "{t}");
    let seen = cpe
        .session(
            cpe.inform(&["7 TRANSFER COMPLETE", "M Download"], &[]),
            vec![transfer_complete(&key, 0)],
            answer,
        )
        .await;
    assert!(seen.is_empty(), "{seen:?}");
    let t = acs.task(ok).await;
    assert_eq!(t["status"], "done", "{t}");
    let tc = &t["result"]["transferComplete"];
    assert_eq!(tc["faultCode"], 0, "{t}");
    assert_eq!(tc["startTime"], "2026-11-30T12:01:00Z", "{t}");
    assert_eq!(tc["completeTime"], "2026-11-30T12:02:00Z", "{t}");

    // The same with fault 9010: the task is a fault.
    let (failed, key) = send_download(acs, &mut cpe, "stb-d-2.0.bin", 1).await;
    cpe.session(
        cpe.inform(&["7 TRANSFER COMPLETE", "M Download"], &[]),
        vec![transfer_complete(&key, 9010)],
        answer,
    )
    .await;
    let t = acs.task(failed).await;
    assert_eq!(t["status"], "fault", "{t}");
    assert_eq!(t["result"]["transferComplete"]["faultCode"], 9010, "{t}");

    // Status 0: done at once.
    let (at_once, _) = send_download(acs, &mut cpe, "stb-d-2.0.bin", 0).await;
    let t = acs.task(at_once).await;
    assert_eq!(t["status"], "done", "{t}");
    assert_eq!(t["result"]["status"], 0, "{t}");

    // A TransferComplete for a finished task changes nothing, and is logged.
    cpe.session(
        cpe.inform(&["7 TRANSFER COMPLETE", "M Download"], &[]),
        vec![transfer_complete(&format!("task-{failed}"), 0)],
        answer,
    )
    .await;
    assert_eq!(acs.task(failed).await["status"], "fault");
    let d = acs.device(&cpe.device_id()).await;
    assert_eq!(events_of(&d, "transfer_complete").len(), 3, "{d}");

    // An operator's own CommandKey: the TransferComplete carrying it finishes the task.
    let own = acs
        .queue(
            &cpe.device_id(),
            json!({"name": "download", "fileName": "stb-d-2.0.bin", "commandKey": "fw-2.0-rollout"}),
        )
        .await;
    let seen = cpe
        .session(cpe.inform(&["2 PERIODIC"], &[]), vec![], answer_with(1))
        .await;
    let Body::Download(download) = &seen[0].body else {
        panic!("{seen:?}");
    };
    assert_eq!(download.command_key, "fw-2.0-rollout");
    assert_eq!(acs.task(own).await["status"], "transferring");
    cpe.session(
        cpe.inform(&["7 TRANSFER COMPLETE", "M Download"], &[]),
        vec![transfer_complete("fw-2.0-rollout", 0)],
        answer,
    )
    .await;
    let t = acs.task(own).await;
    assert_eq!(t["status"], "done", "{t}");
    assert_eq!(
        t["result"]["transferComplete"]["commandKey"], "fw-2.0-rollout",
        "{t}"
    );

    // A package that is not stored: the task fails without being sent.
    let missing = acs
        .queue(
            &cpe.device_id(),
            json!({"name": "download", "fileName": "nope.bin"}),
        )
        .await;
    let seen = cpe
        .session(cpe.inform(&["2 PERIODIC"], &[]), vec![], answer)
        .await;
    assert!(seen.is_empty());
    let t = acs.task(missing).await;
    assert_eq!(t["status"], "fault", "{t}");
}
on_both!(downloads_finish_with_transfer_complete, downloads);

// ---------------------------------------------------------------------------------------
// 3. Per-model quirks.

async fn quirks(acs: &TestAcs) {
    // Keyed OUI-ProductClass.
    put(
        acs,
        "/quirks/001F3C-QRK",
        json!({"xml_declaration": true, "numeric_booleans": true}),
    )
    .await;
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "00000000Q001");
    cpe.product_class = "QRK".into();
    cpe.session(boot(&cpe, "STB-Q", &[]), vec![], answer).await;
    let spv = acs
        .queue(
            &cpe.device_id(),
            json!({"name": "setParameterValues", "parameterValues": [["Device.X_TTA_Test.Enable", true, "xsd:boolean"]]}),
        )
        .await;
    cpe.cookie = None;
    let reply = cpe
        .post(&Message {
            envelopes: vec![cpe.inform(&["2 PERIODIC"], &[])],
        })
        .await;
    assert!(reply.body.starts_with(b"<?xml"), "{:?}", reply.body);
    let reply = cpe.post_raw(Vec::new(), false).await;
    let text = String::from_utf8(reply.body.clone()).unwrap();
    assert!(text.starts_with("<?xml"), "{text}");
    assert!(
        text.contains(r#"<Value xsi:type="xsd:boolean">1</Value>"#),
        "{text}"
    );
    let response = Envelope::new(
        cwmp_codec::CwmpVersion::V1_0,
        "",
        answer(&reply.message().envelopes[0]),
    );
    let mut response = response;
    response.header.id = reply.message().envelopes[0].header.id.clone();
    let reply = cpe
        .post(&Message {
            envelopes: vec![response],
        })
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(acs.task(spv).await["status"], "done");

    // Keyed Manufacturer/ModelName.
    put(
        acs,
        &format!("/quirks/{}", percent("TTA/STB-G")),
        json!({"skip_root_get_parameter_names": true, "download_timeout_secs": 1}),
    )
    .await;
    let (status, list) = acs.get_json("/quirks").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|q| q["model"] == "TTA/STB-G"),
        "{list}"
    );
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "00000000Q002");
    cpe.session(boot(&cpe, "STB-G", &[]), vec![], answer).await;
    let id = cpe.device_id();
    let gpn = acs
        .queue(
            &id,
            json!({"name": "getParameterNames", "parameterPath": "Device.", "nextLevel": false}),
        )
        .await;
    let below = acs
        .queue(
            &id,
            json!({"name": "getParameterNames", "parameterPath": "Device.DeviceInfo.", "nextLevel": true}),
        )
        .await;
    let seen = cpe
        .session(cpe.inform(&["2 PERIODIC"], &[]), vec![], answer)
        .await;
    let paths: Vec<String> = seen
        .iter()
        .map(|e| match &e.body {
            Body::GetParameterNames(g) => g.parameter_path.to_string(),
            other => panic!("{}", other.method_name()),
        })
        .collect();
    assert_eq!(paths, ["Device.DeviceInfo."]);
    let t = acs.task(gpn).await;
    assert_eq!(t["status"], "done", "{t}");
    assert!(t["result"]["skipped"].is_string(), "{t}");
    assert_eq!(acs.task(below).await["status"], "done");

    // A Download accepted for later with no TransferComplete is done after the timeout.
    store_package(acs, "stb-g.bin", "STB-G", "3.0", b"image").await;
    let (task, _) = send_download(acs, &mut cpe, "stb-g.bin", 1).await;
    assert_eq!(acs.task(task).await["status"], "transferring");
    let t = eventually("the download timeout", 10, async || {
        let t = acs.task(task).await;
        (t["status"] == "done").then_some(t)
    })
    .await;
    assert!(
        t["result"]["transferComplete"]["assumed"].is_string(),
        "{t}"
    );

    // Without quirks: no declaration, booleans as words.
    let mut plain = Cpe::new(acs.http.clone(), acs.cwmp_url(), "00000000Q003");
    plain.cookie = None;
    let reply = plain
        .post(&Message {
            envelopes: vec![boot(&plain, "STB-P", &[])],
        })
        .await;
    assert!(!reply.body.starts_with(b"<?xml"));
}
on_both!(model_quirks_bend_the_server, quirks);

// ---------------------------------------------------------------------------------------
// 4. 4 VALUE CHANGE.

async fn value_change(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "00000000A001");
    cpe.session(boot(&cpe, "STB-A", &[]), vec![], answer).await;
    let changed = [
        ("Device.X_TTA_Alarm.Temperature", "85"),
        ("Device.X_TTA_Alarm.Fan", "stopped"),
    ];
    cpe.session(cpe.inform(&["4 VALUE CHANGE"], &changed), vec![], answer)
        .await;
    let d = acs.device(&cpe.device_id()).await;
    let alarms = events_of(&d, "value_change");
    assert_eq!(alarms.len(), 1, "{d}");
    let params = alarms[0]["detail"]["parameters"].as_array().unwrap();
    for (name, value) in changed {
        assert!(
            params
                .iter()
                .any(|p| p[0] == name && p[1] == value && p[2] == "string"),
            "{name} in {params:?}"
        );
    }
    assert_eq!(d["parameters"]["Device.X_TTA_Alarm.Temperature"][0], "85");
    // A boot is not an alarm.
    cpe.session(boot(&cpe, "STB-A", &[]), vec![], answer).await;
    let d = acs.device(&cpe.device_id()).await;
    assert_eq!(events_of(&d, "value_change").len(), 1);
}
on_both!(value_change_lands_in_the_event_log, value_change);

// ---------------------------------------------------------------------------------------
// 5. Connection requests.

/// A CPE's connection request server: digest with these credentials; when poked, the CPE
/// opens a session to the server (unless `lazy`).
#[derive(Clone)]
struct FakeCpe {
    authority: Arc<tta_examples::acs::auth::DigestAuthority>,
    username: String,
    password: String,
    acs_url: String,
    serial: String,
    client: reqwest::Client,
    lazy: bool,
    pokes: Arc<AtomicU32>,
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn fake_cpe_handler(
    axum::extract::State(cpe): axum::extract::State<FakeCpe>,
    method: Method,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    use tta_examples::acs::auth::Credentials;
    let now = unix_now();
    if let Some(value) = headers.get("authorization") {
        let ok = Credentials::parse(value.to_str().unwrap_or("")).is_ok_and(|creds| {
            creds.username() == cpe.username
                && cpe
                    .authority
                    .check(&creds, method.as_str(), &cpe.password, now, false)
                    .is_ok()
        });
        if ok {
            cpe.pokes.fetch_add(1, Ordering::SeqCst);
            if !cpe.lazy {
                let FakeCpe {
                    client,
                    acs_url,
                    serial,
                    ..
                } = cpe.clone();
                tokio::spawn(async move {
                    let mut session = Cpe::new(client, acs_url, &serial);
                    let inform = session.inform(&["6 CONNECTION REQUEST"], &[]);
                    session.session(inform, vec![], answer).await;
                });
            }
            return StatusCode::OK.into_response();
        }
    }
    let mut response = StatusCode::UNAUTHORIZED.into_response();
    for c in cpe.authority.challenges(now, false, false) {
        response
            .headers_mut()
            .append("www-authenticate", c.parse().unwrap());
    }
    response
}

/// Starts a fake CPE; its ConnectionRequestURL.
async fn fake_cpe(cpe: FakeCpe) -> String {
    let app = axum::Router::new()
        .route("/cr", axum::routing::get(fake_cpe_handler))
        .with_state(cpe);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/cr")
}

async fn poke(acs: &TestAcs, id: &str, query: &str, task: Json) -> reqwest::Response {
    acs.http
        .post(acs.api(&format!("/devices/{}/tasks?{query}", percent(id))))
        .json(&task)
        .send()
        .await
        .unwrap()
}

async fn connection_requests(acs: &TestAcs) {
    let gpv = json!({"name": "getParameterValues", "parameterNames": ["Device.DeviceInfo.UpTime"]});
    let authority = Arc::new(tta_examples::acs::auth::DigestAuthority::new(
        b"cpe secret",
        "cpe",
        60,
    ));
    let base = |serial: &str, username: &str, password: &str, lazy: bool| FakeCpe {
        authority: authority.clone(),
        username: username.into(),
        password: password.into(),
        acs_url: acs.cwmp_url(),
        serial: serial.into(),
        client: acs.http.clone(),
        lazy,
        pokes: Arc::new(AtomicU32::new(0)),
    };

    // The standard's default credentials: the device ID and ttadefault.
    let serial = "00000000C001";
    let id = format!("001F3C-IPTV-{serial}");
    let fake = base(serial, &id, "ttadefault", false);
    let pokes = fake.pokes.clone();
    let url = fake_cpe(fake).await;
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), serial);
    cpe.session(
        boot(
            &cpe,
            "STB-C",
            &[("Device.ManagementServer.ConnectionRequestURL", &url)],
        ),
        vec![],
        answer,
    )
    .await;
    let r = poke(acs, &id, "connection_request&timeout=10", gpv.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let t: Json = r.json().await.unwrap();
    assert_eq!(t["status"], "done", "{t}");
    assert_eq!(
        t["result"]["parameterValues"][0][0], "Device.DeviceInfo.UpTime",
        "{t}"
    );
    assert_eq!(pokes.load(Ordering::SeqCst), 1);

    // Credentials stored for the device.
    let serial = "00000000C002";
    let id = format!("001F3C-IPTV-{serial}");
    let fake = base(serial, "cr-user", "cr-pass", false);
    let url = fake_cpe(fake).await;
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), serial);
    cpe.session(
        boot(
            &cpe,
            "STB-C",
            &[("Device.ManagementServer.ConnectionRequestURL", &url)],
        ),
        vec![],
        answer,
    )
    .await;
    let r = poke(acs, &id, "connection_request&timeout=1", gpv.clone()).await;
    assert_eq!(
        r.status(),
        StatusCode::ACCEPTED,
        "the default credentials fail"
    );
    assert!(r.headers().contains_key("x-connection-request-error"));
    let (status, _) = acs
        .send_json(
            Method::PUT,
            &format!("/devices/{}/credentials", percent(&id)),
            &json!({"connectionRequestUsername": "cr-user", "connectionRequestPassword": "cr-pass"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The task queued by the refused poke goes out first; both are done by the time the
    // second one is.
    let r = poke(acs, &id, "connection_request&timeout=10", gpv.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let t: Json = r.json().await.unwrap();
    assert_eq!(t["status"], "done", "{t}");

    // A CPE that accepts the request and never comes: 202 after the timeout.
    let serial = "00000000C003";
    let id = format!("001F3C-IPTV-{serial}");
    let fake = base(serial, &id, "ttadefault", true);
    let pokes = fake.pokes.clone();
    let url = fake_cpe(fake).await;
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), serial);
    cpe.session(
        boot(
            &cpe,
            "STB-C",
            &[("Device.ManagementServer.ConnectionRequestURL", &url)],
        ),
        vec![],
        answer,
    )
    .await;
    let started = std::time::Instant::now();
    let r = poke(acs, &id, "connection_request&timeout=1", gpv.clone()).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    assert!(!r.headers().contains_key("x-connection-request-error"));
    assert!(started.elapsed() >= Duration::from_secs(1));
    let t: Json = r.json().await.unwrap();
    assert_eq!(t["status"], "queued", "{t}");
    assert_eq!(pokes.load(Ordering::SeqCst), 1);

    // A URL nobody listens on: 202 at once, with the error.
    let serial = "00000000C004";
    let id = format!("001F3C-IPTV-{serial}");
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), serial);
    cpe.session(
        boot(
            &cpe,
            "STB-C",
            &[(
                "Device.ManagementServer.ConnectionRequestURL",
                "http://127.0.0.1:1/cr",
            )],
        ),
        vec![],
        answer,
    )
    .await;
    let r = poke(acs, &id, "connection_request", gpv.clone()).await;
    assert_eq!(r.status(), StatusCode::ACCEPTED);
    let error = r.headers()["x-connection-request-error"].to_str().unwrap();
    assert!(error.contains("127.0.0.1:1"), "{error}");

    // UDP (TR-069 Annex G): signed datagrams to the reported address.
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let udp: SocketAddr = socket.local_addr().unwrap();
    let serial = "00000000C005";
    let id = format!("001F3C-IPTV-{serial}");
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), serial);
    cpe.session(
        boot(
            &cpe,
            "STB-C",
            &[(
                "Device.ManagementServer.UDPConnectionRequestAddress",
                &udp.to_string(),
            )],
        ),
        vec![],
        answer,
    )
    .await;
    let client = acs.http.clone();
    let acs_url = acs.cwmp_url();
    let cpe_id = id.clone();
    let listener = tokio::spawn(async move {
        let mut verifier =
            cwmp_codec::UdpRequestVerifier::new(cpe_id, cwmp_codec::Secret::new("ttadefault"));
        let mut verdicts = Vec::new();
        let mut buf = vec![0u8; 2048];
        // The server sends three copies; only the first verifies (the others are replays).
        while verdicts.len() < 3 {
            let n = tokio::time::timeout(Duration::from_secs(5), socket.recv(&mut buf))
                .await
                .expect("a UDP connection request")
                .unwrap();
            let request = cwmp_codec::UdpConnectionRequest::parse(&buf[..n]).unwrap();
            let verdict = verifier.verify(&request);
            if verdict.is_ok() {
                let client = client.clone();
                let acs_url = acs_url.clone();
                tokio::spawn(async move {
                    let mut session = Cpe::new(client, acs_url, "00000000C005");
                    let inform = session.inform(&["6 CONNECTION REQUEST"], &[]);
                    session.session(inform, vec![], answer).await;
                });
            }
            verdicts.push(verdict.is_ok());
        }
        verdicts
    });
    let r = poke(acs, &id, "connection_request&timeout=10", gpv.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    let t: Json = r.json().await.unwrap();
    assert_eq!(t["status"], "done", "{t}");
    let verdicts = tokio::time::timeout(Duration::from_secs(10), listener)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(verdicts, [true, false, false]);
    let metrics = acs
        .http
        .get(acs.api("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("connection_requests_total"), "{metrics}");
}
on_both!(connection_requests_bring_the_cpe, connection_requests);

// ---------------------------------------------------------------------------------------
// 6. The upgrade endpoint.

fn check_form(version: &str, pkg: &str) -> String {
    format!(
        "devManuFact=SEC&devModel=IPTV_STB&devIpAddr=125.147.11.11&devId=00:1F:3C:0A:F0:99\
         &devFwVer={version}&pkgId={pkg}&saID=000000000&reqType=1"
    )
}

async fn upgrade_post(acs: &TestAcs, body: &str) -> fwupgrade_proto::CheckResponse<'static> {
    let r = acs
        .http
        .post(format!("{}upgrade", acs.cwmp_url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    fwupgrade_proto::CheckResponse::parse(&bytes[..])
        .unwrap()
        .into_owned()
}

fn upgrade_checks(metrics: &str, code: u16) -> u64 {
    metrics
        .lines()
        .find(|l| {
            l.starts_with("upgrade_checks_total{") && l.contains(&format!("ret_code=\"{code}\""))
        })
        .and_then(|l| l.rsplit(' ').next())
        .map_or(0, |n| n.parse().unwrap())
}

async fn metrics_text(acs: &TestAcs) -> String {
    let r = acs.http.get(acs.api("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.text().await.unwrap()
}

async fn upgrade(acs: &TestAcs) {
    use fwupgrade_proto::RetCode;
    // The STB the report is about: its serial number is its MAC address.
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "001F3C0AF099");
    cpe.session(boot(&cpe, "IPTV_STB", &[]), vec![], answer)
        .await;
    let image = b"firmware image 1.6.0".to_vec();
    let r = acs
        .http
        .put(acs.api(
            "/packages/stb-1.6.0.img?manufacturer=SEC&model=IPTV_STB&kind=firmware&version=1.6.0",
        ))
        .body(image.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let before = metrics_text(acs).await;

    let response = upgrade_post(acs, &check_form("1.5.8", "Firmware")).await;
    assert_eq!(response.ret_code(), RetCode::UpdateAvailable);
    let offer = response.offer().unwrap();
    assert_eq!(
        offer.dl_svr_url,
        format!("{}/packages/stb-1.6.0.img", acs.server.public_url())
    );
    assert_eq!(offer.pkg_file_version, "1.6.0");
    assert_eq!(offer.pkg_file_size, Some(image.len() as u64));
    let served = acs
        .http
        .get(offer.dl_svr_url.as_ref())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(served.as_ref(), &image[..]);

    let same = upgrade_post(acs, &check_form("1.6.0", "Firmware")).await;
    assert_eq!(same.ret_code(), RetCode::NoUpdate);
    let no_app = upgrade_post(acs, &check_form("1.5.8", "Application")).await;
    assert_eq!(no_app.ret_code(), RetCode::NoUpdate);
    let unknown = upgrade_post(acs, &check_form("1.5.8", "Bootloader")).await;
    assert_eq!(unknown.ret_code(), RetCode::UnknownPkgId);
    let missing = upgrade_post(
        acs,
        "devManuFact=SEC&devModel=IPTV_STB&devIpAddr=1.2.3.4&devId=00:1F:3C:0A:F0:99",
    )
    .await;
    assert_eq!(missing.ret_code(), RetCode::MissingParameter);
    assert!(missing.ret_message.is_some());
    let wrong = upgrade_post(
        acs,
        &check_form("1.5.8", "Firmware").replace("0A:F0", "0a:f0"),
    )
    .await;
    assert_eq!(wrong.ret_code(), RetCode::WrongDeviceInfo);

    // The STB's report after installing: in the device's log.
    let report = "devManuFact=SEC&devModel=IPTV_STB&devIpAddr=125.147.11.11\
                  &devId=00:1F:3C:0A:F0:99&devFwVer=1.5.8&pkgId=Firmware&pkgVersion=1.6.0\
                  &saID=000000000&resultCode=90";
    let r = acs
        .http
        .post(format!("{}upgrade", acs.cwmp_url()))
        .body(report)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let d = acs.device(&cpe.device_id()).await;
    let reports = events_of(&d, "upgrade_report");
    assert_eq!(reports.len(), 1, "{d}");
    let detail = reports[0]["detail"]["report"].to_string();
    assert!(
        detail.contains("1.6.0") && detail.contains("90"),
        "{detail}"
    );

    let after = metrics_text(acs).await;
    for (code, n) in [(200, 1), (201, 2), (202, 1), (203, 1), (204, 1)] {
        assert_eq!(
            upgrade_checks(&after, code) - upgrade_checks(&before, code),
            n,
            "retCode {code}: {after}"
        );
    }
}
on_both!(
    the_upgrade_endpoint_answers_checks_and_logs_reports,
    upgrade
);

// ---------------------------------------------------------------------------------------
// 7. One task for every device a filter matches.

async fn filter_task(acs: &TestAcs) {
    let mut ids = Vec::new();
    for (serial, model) in [
        ("00000000F001", "STB-1"),
        ("00000000F002", "STB-1"),
        ("00000000F003", "STB-2"),
    ] {
        let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), serial);
        cpe.session(boot(&cpe, model, &[]), vec![], answer).await;
        ids.push(cpe.device_id());
    }
    let (status, body) = acs
        .send_json(
            Method::POST,
            "/tasks?model=STB-1",
            &json!({"name": "reboot"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let mut queued: Vec<&str> = body["queued"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["device"].as_str().unwrap())
        .collect();
    queued.sort_unstable();
    assert_eq!(queued, [ids[0].as_str(), ids[1].as_str()]);
    for (i, id) in ids.iter().enumerate() {
        let (status, tasks) = acs
            .get_json(&format!("/devices/{}/tasks", percent(id)))
            .await;
        assert_eq!(status, StatusCode::OK);
        let reboots = tasks
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["spec"]["name"] == "reboot")
            .count();
        assert_eq!(reboots, usize::from(i < 2), "{id}: {tasks}");
    }
    // The reboot goes out in the device's next session.
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "00000000F001");
    let seen = cpe
        .session(cpe.inform(&["2 PERIODIC"], &[]), vec![], answer)
        .await;
    assert!(matches!(
        seen[..],
        [Envelope {
            body: Body::Reboot(_),
            ..
        }]
    ));
    // A filter nobody matches queues nothing; an unknown filter is refused.
    let (status, body) = acs
        .send_json(
            Method::POST,
            "/tasks?model=NONE",
            &json!({"name": "reboot"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(body["queued"], json!([]));
    let (status, _) = acs
        .send_json(
            Method::POST,
            "/tasks?colour=red",
            &json!({"name": "reboot"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
on_both!(a_task_for_a_filter_reaches_every_match, filter_task);

// ---------------------------------------------------------------------------------------
// 8. The API's bearer token.

const TOKEN: &str = "t0ken-for-tests";

async fn bearer(acs: &TestAcs) {
    let api = |path: &str| acs.api(path);
    for path in ["/devices", "/providers", "/packages", "/quirks", "/tasks/1"] {
        let r = acs.http.get(api(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
        let r = acs
            .http
            .get(api(path))
            .header("authorization", "Bearer wrong")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let r = acs
        .http
        .put(api("/providers/KT"))
        .json(&json!({"url": "http://acs.kt.example/", "ntp": "ntp"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = acs
        .http
        .put(api("/providers/KT"))
        .bearer_auth(TOKEN)
        .json(&json!({"url": "http://acs.kt.example/", "ntp": "ntp"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = acs
        .http
        .get(api("/providers"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let list: Json = r.json().await.unwrap();
    assert_eq!(list[0]["id"], "KT");
    // The scheme's case does not matter; the token's does.
    for (value, expected) in [
        (format!("bearer {TOKEN}"), StatusCode::OK),
        (format!("BEARER  {TOKEN}"), StatusCode::OK),
        (
            format!("Bearer {}", TOKEN.to_uppercase()),
            StatusCode::UNAUTHORIZED,
        ),
        (format!("Basic {TOKEN}"), StatusCode::UNAUTHORIZED),
        (TOKEN.to_owned(), StatusCode::UNAUTHORIZED),
    ] {
        let r = acs
            .http
            .get(api("/providers"))
            .header("authorization", &value)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), expected, "{value}");
    }
    // The token guards the API, not the devices' side nor the probes.
    for path in ["/health", "/metrics"] {
        let r = acs.http.get(api(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "00000000B001");
    cpe.session(boot(&cpe, "STB-B", &[]), vec![], answer).await;
}
on_both!(
    the_api_wants_its_bearer_token,
    bearer,
    |c: &mut tta_examples::acs::Config| c.nbi.token = Some(super::TOKEN.into())
);
