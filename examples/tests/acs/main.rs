//! `tta-acs` driven over HTTP and HTTPS by scripted CPEs and a real HTTP client, on SQLite
//! and on PostgreSQL (when the test script started one).

mod support;

use cwmp_codec::{Body, Envelope, Message};
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::{AuthMode, Cpe, Db, TestAcs, start};

/// Runs a scenario on both databases: `name::sqlite` and `name::postgres`.
macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(acs) = super::start(super::Db::Sqlite, |_| {}).await {
                    super::$scenario(&acs).await;
                    acs.server.shutdown().await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(acs) = super::start(super::Db::Postgres, |_| {}).await {
                    super::$scenario(&acs).await;
                    acs.server.shutdown().await;
                }
            }
        }
    };
}

fn boot(cpe: &Cpe) -> Envelope<'static> {
    cpe.inform(
        &["1 BOOT"],
        &[
            ("Device.DeviceInfo.SoftwareVersion", "1.0.0"),
            ("Device.DeviceInfo.HardwareVersion", "hw1"),
            ("Device.DeviceInfo.ModelName", "STB-1"),
            (
                "Device.ManagementServer.ConnectionRequestURL",
                "http://127.0.0.1:9/cr",
            ),
        ],
    )
}

/// An answer a well-behaved CPE gives to each request.
fn answer(request: &Envelope<'_>) -> Body<'static> {
    use cwmp_codec::*;
    match &request.body {
        Body::GetParameterValues(g) => {
            Body::GetParameterValuesResponse(GetParameterValuesResponse {
                parameter_list: g
                    .parameter_names
                    .iter()
                    .map(|n| ParameterValueStruct::new(n.to_string(), Value::string("v")))
                    .collect(),
            })
        }
        Body::SetParameterValues(_) => {
            Body::SetParameterValuesResponse(SetParameterValuesResponse { status: 0 })
        }
        Body::AddObject(_) => Body::AddObjectResponse(AddObjectResponse {
            instance_number: 7,
            status: 0,
        }),
        Body::DeleteObject(_) => Body::DeleteObjectResponse(DeleteObjectResponse { status: 0 }),
        Body::Reboot(_) => Body::RebootResponse(RebootResponse {}),
        Body::FactoryReset(_) => Body::FactoryResetResponse(FactoryResetResponse {}),
        other => panic!("unexpected request {}", other.method_name()),
    }
}

async fn plain_session(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "000000000001");
    // First contact: the device is stored.
    let seen = cpe.session(boot(&cpe), vec![], answer).await;
    assert!(seen.is_empty());
    let id = cpe.device_id();
    let device = acs.device(&id).await;
    assert_eq!(device["software_version"], "1.0.0");
    assert_eq!(device["model_name"], "STB-1");

    let gpv = acs
        .queue(
            &id,
            json!({"name": "getParameterValues", "parameterNames": ["Device.DeviceInfo.UpTime"]}),
        )
        .await;
    let spv = acs
        .queue(
            &id,
            json!({"name": "setParameterValues", "parameterValues": [["Device.ManagementServer.PeriodicInformInterval", 300, "xsd:unsignedInt"]]}),
        )
        .await;
    let add = acs
        .queue(
            &id,
            json!({"name": "addObject", "objectName": "Device.X_TTA_Test."}),
        )
        .await;
    let seen = cpe
        .session(cpe.inform(&["2 PERIODIC"], &[]), vec![], answer)
        .await;
    let methods: Vec<_> = seen
        .iter()
        .map(|e| e.body.method_name().to_owned())
        .collect();
    assert_eq!(
        methods,
        ["GetParameterValues", "SetParameterValues", "AddObject"]
    );
    let t = acs.task(gpv).await;
    assert_eq!(t["status"], "done", "{t}");
    assert_eq!(
        t["result"]["parameterValues"][0][0], "Device.DeviceInfo.UpTime",
        "{t}"
    );
    assert_eq!(acs.task(spv).await["status"], "done");
    let t = acs.task(add).await;
    assert_eq!(t["result"]["instanceNumber"], 7, "{t}");
    let before = acs.device(&id).await["last_inform_at"].as_i64().unwrap();
    // Nothing is left to send: the next session is just the Inform.
    let seen = cpe
        .session(cpe.inform(&["2 PERIODIC"], &[]), vec![], answer)
        .await;
    assert!(seen.is_empty());
    // That session is over in the store too (its end was written without a transaction):
    // its cookie names nothing now.
    assert!(cpe.cookie.is_some());
    let reply = cpe.post(&Message::default()).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let device = acs.device(&id).await;
    let sessions: Vec<_> = device["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "session" && e["detail"]["end"] == "completed")
        .map(|e| e["detail"]["tasksSent"].as_u64().unwrap())
        .collect();
    // The boot session and the one that ran the tasks are logged; the routine periodic
    // session after them is not: the device's row records it.
    assert_eq!(sessions, [0, 3], "{device}");
    assert!(
        device["last_inform_at"].as_i64().unwrap() >= before,
        "{device}"
    );
    assert_eq!(device["last_inform"]["events"], json!(["2 PERIODIC"]));
}
on_both!(plain_session_runs_tasks_and_stores_results, plain_session);

async fn faults_are_results(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "000000000002");
    cpe.session(boot(&cpe), vec![], answer).await;
    let id = cpe.device_id();
    let n = acs
        .queue(
            &id,
            json!({"name": "getParameterValues", "parameterNames": ["Device.Nope."]}),
        )
        .await;
    cpe.session(cpe.inform(&["2 PERIODIC"], &[]), vec![], |_| {
        Body::Fault(cwmp_codec::Fault::cwmp(
            cwmp_codec::FaultCode::InvalidParameterName,
            "Invalid parameter name",
        ))
    })
    .await;
    let t = acs.task(n).await;
    assert_eq!(t["status"], "fault", "{t}");
    assert_eq!(t["result"]["fault"]["code"], 9005, "{t}");
    let device = acs.device(&id).await;
    assert!(
        device["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "fault")
    );
}
on_both!(a_fault_is_stored_as_the_result, faults_are_results);

async fn https_and_digest(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.https.clone(), acs.cwmp_tls_url(), "000000000003");
    cpe.session(boot(&cpe), vec![], answer).await;
    // A wrong password gets 401 again, never a session.
    let mut bad = Cpe::new(acs.https.clone(), acs.cwmp_tls_url(), "000000000003");
    bad.password = "wrong".into();
    bad.auth = AuthMode::None;
    let reply = bad
        .post(&Message {
            envelopes: vec![boot(&bad)],
        })
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    let auth = bad.answer_challenge(&reply.headers);
    let retry = acs
        .https
        .post(acs.cwmp_tls_url())
        .header("authorization", auth)
        .body(
            Message {
                envelopes: vec![boot(&bad)],
            }
            .to_vec(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status(), StatusCode::UNAUTHORIZED);
    // Pre-emptive Basic (over TLS) is accepted without a 401 first.
    let mut basic = Cpe::new(acs.https.clone(), acs.cwmp_tls_url(), "000000000004");
    basic.auth = AuthMode::PreemptiveBasic;
    let reply = basic
        .post(&Message {
            envelopes: vec![boot(&basic)],
        })
        .await;
    assert_eq!(reply.status, StatusCode::OK);
}
on_both!(https_with_digest_and_basic, https_and_digest);

async fn api_validation(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "000000000005");
    cpe.session(boot(&cpe), vec![], answer).await;
    let path = format!("/devices/{}/tasks", support::percent(&cpe.device_id()));
    let (status, body) = acs
        .send_json(
            Method::POST,
            &path,
            &json!({"name": "reboot", "nonsense": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = acs
        .send_json(
            Method::POST,
            "/devices/nope/tasks",
            &json!({"name": "reboot"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = acs.get_json("/devices?model=STB-1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == cpe.device_id())
    );
    let (status, body) = acs.get_json("/health").await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let metrics = acs
        .http
        .get(acs.api("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("cwmp_sessions_started_total"), "{metrics}");
}
on_both!(api_checks_its_input, api_validation);

async fn credentials_not_shown(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "000000000006");
    cpe.session(boot(&cpe), vec![], answer).await;
    let id = cpe.device_id();
    let n = acs
        .queue(
            &id,
            json!({"name": "download", "url": "http://files.example/fw.img", "username": "op", "password": "s3cret"}),
        )
        .await;
    let shown = acs.task(n).await;
    assert!(!shown.to_string().contains("s3cret"), "{shown}");
    let device = acs.device(&id).await;
    assert!(!device.to_string().contains("s3cret"), "{device}");
    let (_, list) = acs
        .get_json(&format!("/devices/{}/tasks", support::percent(&id)))
        .await;
    assert!(!list.to_string().contains("s3cret"), "{list}");
    // The device still gets them.
    let mut seen = None;
    cpe.session(cpe.inform(&["2 PERIODIC"], &[]), vec![], |r| {
        if let Body::Download(d) = &r.body {
            seen = Some(d.password.expose().to_owned());
        }
        Body::DownloadResponse(cwmp_codec::DownloadResponse {
            status: 1,
            start_time: cwmp_codec::DateTimeText {
                text: "0001-01-01T00:00:00Z".into(),
            },
            complete_time: cwmp_codec::DateTimeText {
                text: "0001-01-01T00:00:00Z".into(),
            },
        })
    })
    .await;
    assert_eq!(seen.as_deref(), Some("s3cret"));
}
on_both!(the_api_never_shows_task_credentials, credentials_not_shown);
