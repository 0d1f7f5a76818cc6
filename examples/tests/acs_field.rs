//! Field quirks a deployed ACS meets, each against a real `tta-acs` on loopback, on SQLite and
//! on PostgreSQL: what CPEs and networks do that no spec example shows. Every scenario checks
//! the exact answer, then that a normal session still completes.

#[path = "acs/support.rs"]
mod support;

use std::net::SocketAddr;
use std::time::Duration;

use cwmp_codec::{Body, CwmpVersion, Envelope, FaultCode, Message};
use reqwest::StatusCode;
use serde_json::json;
use support::{AuthMode, Cpe, Db, Reply, TestAcs, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tta_examples::acs::Config;
use tta_examples::acs::auth::{Challenge, basic_authorization};

/// Runs a scenario on both databases: `name::sqlite` and `name::postgres`, with the test
/// configuration changed by `tweak` when one is given.
macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        on_both!($name, $scenario, no_tweak);
    };
    ($name:ident, $scenario:ident, $tweak:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(acs) = super::start(super::Db::Sqlite, super::$tweak).await {
                    super::$scenario(&acs).await;
                    acs.server.shutdown().await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(acs) = super::start(super::Db::Postgres, super::$tweak).await {
                    super::$scenario(&acs).await;
                    acs.server.shutdown().await;
                }
            }
        }
    };
}

fn no_tweak(_: &mut Config) {}

/// How long any one network wait may take before the test fails.
const WAIT: Duration = Duration::from_secs(5);

/// A client of its own (its own connection pool), bounded in time.
fn fresh_client() -> reqwest::Client {
    reqwest::Client::builder().timeout(WAIT).build().unwrap()
}

fn one(envelope: Envelope<'static>) -> Message<'static> {
    Message {
        envelopes: vec![envelope],
    }
}

fn boot(cpe: &Cpe) -> Envelope<'static> {
    cpe.inform(
        &["1 BOOT"],
        &[
            ("Device.DeviceInfo.SoftwareVersion", "1.0.0"),
            ("Device.DeviceInfo.ModelName", "STB-1"),
        ],
    )
}

fn periodic(cpe: &Cpe) -> Envelope<'static> {
    cpe.inform(&["2 PERIODIC"], &[])
}

/// What a well-behaved CPE answers.
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
        other => panic!("unexpected request {}", other.method_name()),
    }
}

/// The answer to `request`, with its ID.
fn answered(request: &Envelope<'_>) -> Message<'static> {
    let mut response = Envelope::new(request.version, "", answer(request));
    response.header.id = request.header.id.clone().map(|id| id.into_owned().into());
    one(response)
}

fn reply_text(reply: &Reply) -> String {
    String::from_utf8_lossy(&reply.body).into_owned()
}

#[track_caller]
fn assert_status(reply: &Reply, status: StatusCode) {
    assert_eq!(reply.status, status, "{}", reply_text(reply));
}

/// The one envelope of a 200 reply.
#[track_caller]
fn envelope_of(reply: &Reply) -> Envelope<'static> {
    assert_status(reply, StatusCode::OK);
    let mut message = reply.message();
    assert_eq!(message.envelopes.len(), 1, "{}", reply_text(reply));
    message.envelopes.remove(0)
}

#[track_caller]
fn assert_inform_response(reply: &Reply) {
    let envelope = envelope_of(reply);
    assert!(
        matches!(envelope.body, Body::InformResponse(_)),
        "{}",
        reply_text(reply)
    );
}

/// The CWMP fault code of a 200 reply holding a fault, and the fault's ID.
#[track_caller]
fn fault_of(reply: &Reply) -> (u32, Option<String>) {
    let envelope = envelope_of(reply);
    let Body::Fault(fault) = &envelope.body else {
        panic!("not a fault: {}", reply_text(reply));
    };
    (
        fault.code().expect("a CWMP fault").code(),
        envelope.header.id.as_deref().map(str::to_owned),
    )
}

/// The session cookie's value (the session ID) the CPE holds.
fn session_id(cpe: &Cpe) -> String {
    let pair = cpe.cookie.as_deref().expect("a session cookie");
    pair.split_once('=').unwrap().1.to_owned()
}

/// The device's sessions in its event log, oldest first: (session ID, how it ended, detail).
async fn sessions(acs: &TestAcs, device: &str) -> Vec<(String, String, String)> {
    let device = acs.device(device).await;
    let mut out: Vec<(i64, String, String, String)> = device["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "session")
        .map(|e| {
            (
                e["id"].as_i64().unwrap_or_default(),
                e["session_id"].as_str().unwrap_or_default().to_owned(),
                e["detail"]["end"].as_str().unwrap_or_default().to_owned(),
                e["detail"]["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    out.sort();
    out.into_iter().map(|(_, s, e, d)| (s, e, d)).collect()
}

/// How the session `id` ended, from the device's log.
async fn session_end(acs: &TestAcs, device: &str, id: &str) -> (String, String) {
    let all = sessions(acs, device).await;
    let (_, end, detail) = all
        .into_iter()
        .find(|(s, _, _)| s == id)
        .unwrap_or_else(|| panic!("session {id} is not logged as ended"));
    (end, detail)
}

/// A sample of the Prometheus text (0 when the series is absent).
async fn metric(acs: &TestAcs, series: &str) -> f64 {
    let text = acs
        .http
        .get(acs.api("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

/// A normal device completes a normal session, over HTTP and over HTTPS: the server is still
/// serving.
async fn still_serving(acs: &TestAcs) {
    for (client, url, serial) in [
        (acs.http.clone(), acs.cwmp_url(), "FFFFFFFF0001"),
        (acs.https.clone(), acs.cwmp_tls_url(), "FFFFFFFF0002"),
    ] {
        let mut cpe = Cpe::new(client, url, serial);
        let seen = tokio::time::timeout(WAIT, cpe.session(boot(&cpe), vec![], answer))
            .await
            .expect("a normal session in time");
        assert!(seen.is_empty());
        let id = session_id(&cpe);
        assert_eq!(session_end(acs, &cpe.device_id(), &id).await.0, "completed");
    }
    assert_eq!(
        metric(acs, "http_requests_rejected_total{reason=\"server_error\"}").await,
        0.0,
        "no request was answered 500"
    );
}

// ---- Raw HTTP, for what a well-behaved client library will not send ----

/// One HTTP response read off the wire.
#[derive(Debug)]
struct RawReply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawReply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A request: `POST /`, the given header lines, and the body as is (the caller writes the
/// Content-Length it wants).
fn raw_post(lines: &[&str], body: &[u8]) -> Vec<u8> {
    let mut out = b"POST / HTTP/1.1\r\nHost: acs\r\n".to_vec();
    for line in lines {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

async fn connect(addr: SocketAddr) -> TcpStream {
    tokio::time::timeout(WAIT, TcpStream::connect(addr))
        .await
        .expect("connected in time")
        .unwrap()
}

/// Everything the server sends until it closes the connection (a reset counts as closed).
async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    tokio::time::timeout(WAIT, async {
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .expect("the server closed the connection in time");
    out
}

/// The length of the first whole response in `bytes` and the response, if one is there.
fn parse_reply(bytes: &[u8]) -> Option<(usize, RawReply)> {
    let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&bytes[..head_end]).expect("an ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    assert!(
        !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("transfer-encoding")),
        "chunked responses are not expected: {head}"
    );
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map_or(0, |(_, v)| v.parse().unwrap());
    let end = head_end + length;
    (bytes.len() >= end).then(|| {
        (
            end,
            RawReply {
                status,
                headers,
                body: bytes[head_end..end].to_vec(),
            },
        )
    })
}

/// Every whole response in `bytes`, in order; the bytes must hold nothing else.
fn parse_replies(mut bytes: &[u8]) -> Vec<RawReply> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        let (used, reply) = parse_reply(bytes).unwrap_or_else(|| {
            panic!("not a whole response: {:?}", String::from_utf8_lossy(bytes))
        });
        out.push(reply);
        bytes = &bytes[used..];
    }
    out
}

/// Sends `request` on a new connection and reads every response until the server closes it.
async fn exchange(addr: SocketAddr, request: &[u8]) -> Vec<RawReply> {
    let mut stream = connect(addr).await;
    stream.write_all(request).await.unwrap();
    parse_replies(&read_to_close(&mut stream).await)
}

fn cwmp_addr(acs: &TestAcs) -> SocketAddr {
    acs.server.cwmp_addr().unwrap()
}

fn content_length(body: &[u8]) -> String {
    format!("Content-Length: {}", body.len())
}

// ---- 1. Pre-emptive Basic ----

async fn preemptive_basic(acs: &TestAcs) {
    for (client, url, serial) in [
        (acs.http.clone(), acs.cwmp_url(), "B00000000001"),
        (acs.https.clone(), acs.cwmp_tls_url(), "B00000000002"),
    ] {
        let mut cpe = Cpe::new(client, url, serial);
        cpe.auth = AuthMode::PreemptiveBasic;
        // Basic on the Inform, no 401 first: answered at once.
        let reply = cpe.post(&one(boot(&cpe))).await;
        assert_inform_response(&reply);
        let id = session_id(&cpe);
        assert_status(&cpe.post(&Message::default()).await, StatusCode::NO_CONTENT);
        assert_eq!(session_end(acs, &cpe.device_id(), &id).await.0, "completed");
        // The wrong password in Basic: 401, with a challenge.
        cpe.password = "wrong".into();
        cpe.cookie = None;
        let reply = cpe.post(&one(periodic(&cpe))).await;
        assert_status(&reply, StatusCode::UNAUTHORIZED);
        assert!(reply.headers.get("www-authenticate").is_some());
    }
    assert_eq!(
        metric(acs, "http_requests_rejected_total{reason=\"unauthorized\"}").await,
        2.0
    );
    still_serving(acs).await;
}
on_both!(preemptive_basic_on_the_inform, preemptive_basic);

fn basic_only_over_tls(config: &mut Config) {
    config.auth.basic_over_http = false;
}

async fn preemptive_basic_refused_over_http(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "B00000000003");
    cpe.auth = AuthMode::PreemptiveBasic;
    let reply = cpe.post(&one(boot(&cpe))).await;
    assert_status(&reply, StatusCode::UNAUTHORIZED);
    let offered: Vec<&str> = reply
        .headers
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        offered.iter().all(|c| c.starts_with("Digest ")),
        "{offered:?}"
    );
    // Over TLS the same credentials are fine.
    let mut cpe = Cpe::new(acs.https.clone(), acs.cwmp_tls_url(), "B00000000003");
    cpe.auth = AuthMode::PreemptiveBasic;
    assert_inform_response(&cpe.post(&one(boot(&cpe))).await);
    assert_status(&cpe.post(&Message::default()).await, StatusCode::NO_CONTENT);
    still_serving(acs).await;
}
on_both!(
    preemptive_basic_over_http_refused_when_configured,
    preemptive_basic_refused_over_http,
    basic_only_over_tls
);

// ---- 2. A stale cookie, with its attributes ----

async fn stale_cookie(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "C00000000001");
    cpe.cookie_with_attributes = true;
    let device = cpe.device_id();
    // A session the CPE walks away from after the InformResponse (it rebooted).
    assert_inform_response(&cpe.post(&one(boot(&cpe))).await);
    let abandoned = session_id(&cpe);
    // Its next Inform still carries the old cookie, `; Path=/; HttpOnly` and all.
    let reply = cpe.post(&one(boot(&cpe))).await;
    assert_inform_response(&reply);
    assert!(reply.headers.get("set-cookie").is_some());
    let second = session_id(&cpe);
    assert_ne!(second, abandoned, "a new session starts");
    assert_eq!(
        session_end(acs, &device, &abandoned).await,
        ("abandoned".into(), "superseded by a new Inform".into())
    );
    // The new session goes on with its cookie, still sent with attributes.
    assert_status(&cpe.post(&Message::default()).await, StatusCode::NO_CONTENT);
    assert_eq!(session_end(acs, &device, &second).await.0, "completed");
    // A cookie of a completed session on the next Inform: a new session again.
    let reply = cpe.post(&one(periodic(&cpe))).await;
    assert_inform_response(&reply);
    let third = session_id(&cpe);
    assert_ne!(third, second);
    assert_status(&cpe.post(&Message::default()).await, StatusCode::NO_CONTENT);
    let ends: Vec<String> = sessions(acs, &device)
        .await
        .into_iter()
        .map(|(_, end, _)| end)
        .collect();
    // The third, a routine periodic session, completed without a log entry.
    assert_eq!(ends, ["abandoned", "completed"]);
    still_serving(acs).await;
}
on_both!(
    stale_cookie_with_attributes_starts_a_new_session,
    stale_cookie
);

// ---- 3. SOAPAction absent or empty ----

async fn soap_action(acs: &TestAcs) {
    for (n, value) in [None, Some("\"\""), Some("")].into_iter().enumerate() {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(v) = value {
            headers.insert("soapaction", support::hv(v));
        }
        let client = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(WAIT)
            .build()
            .unwrap();
        let mut cpe = Cpe::new(client, acs.cwmp_url(), &format!("D0000000000{n}"));
        let gpv = {
            // First contact stores the device; a task makes the second session longer.
            cpe.session(boot(&cpe), vec![], answer).await;
            acs.queue(
                &cpe.device_id(),
                json!({"name": "getParameterValues", "parameterNames": ["Device.DeviceInfo.UpTime"]}),
            )
            .await
        };
        let seen = cpe.session(periodic(&cpe), vec![], answer).await;
        assert_eq!(seen.len(), 1, "SOAPAction {value:?}");
        assert_eq!(acs.task(gpv).await["status"], "done");
    }
    // And over the wire exactly: an Inform with no SOAPAction line at all.
    let cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "D00000000009");
    let body = one(boot(&cpe)).to_vec();
    let auth = format!(
        "Authorization: {}",
        basic_authorization(&cpe.device_id(), &cpe.password)
    );
    let replies = exchange(
        cwmp_addr(acs),
        &raw_post(
            &[
                "Content-Type: text/xml",
                &auth,
                &content_length(&body),
                "Connection: close",
            ],
            &body,
        ),
    )
    .await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].status, 200, "{}", replies[0].text());
    assert!(replies[0].text().contains("InformResponse"));
    still_serving(acs).await;
}
on_both!(soap_action_absent_or_empty, soap_action);

// ---- 4. Connections without a request ----

async fn empty_connections(acs: &TestAcs) {
    for addr in [cwmp_addr(acs), acs.server.cwmp_tls_addr().unwrap()] {
        for _ in 0..5 {
            drop(connect(addr).await);
        }
        // Half a request line, then gone.
        let mut stream = connect(addr).await;
        stream.write_all(b"POST / HT").await.unwrap();
        drop(stream);
        // Connected, closed its side, waits: the server closes too, without a word.
        let mut stream = connect(addr).await;
        stream.shutdown().await.unwrap();
        assert!(read_to_close(&mut stream).await.is_empty());
    }
    still_serving(acs).await;
}
on_both!(connections_without_a_request, empty_connections);

// ---- 5. Content-Length that disagrees with the body ----

async fn content_length_mismatch(acs: &TestAcs) {
    let cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "E00000000001");
    let body = one(boot(&cpe)).to_vec();
    let auth = format!(
        "Authorization: {}",
        basic_authorization(&cpe.device_id(), &cpe.password)
    );
    // Shorter than declared, and the client closes its side: no request to answer; the
    // server answers 400 or just closes.
    let declared = format!("Content-Length: {}", body.len() + 500);
    let mut stream = connect(cwmp_addr(acs)).await;
    stream
        .write_all(&raw_post(
            &["Content-Type: text/xml", &auth, &declared],
            &body,
        ))
        .await
        .unwrap();
    stream.shutdown().await.unwrap();
    let replies = parse_replies(&read_to_close(&mut stream).await);
    assert!(
        replies.iter().all(|r| r.status == 400),
        "{:?}",
        replies
            .iter()
            .map(|r| (r.status, r.text()))
            .collect::<Vec<_>>()
    );
    // Longer than declared: the declared bytes are the request (a whole Inform here), the
    // rest is a bad next request: 400, and the connection closes.
    let mut longer = body.clone();
    longer.extend_from_slice(b"<junk>not a request line</junk>\r\n\r\n");
    let replies = exchange(
        cwmp_addr(acs),
        &raw_post(
            &["Content-Type: text/xml", &auth, &content_length(&body)],
            &longer,
        ),
    )
    .await;
    let statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 400], "{replies:?}");
    assert!(replies[0].text().contains("InformResponse"));
    // The declared length cuts the envelope short: it does not parse, 400.
    let replies = exchange(
        cwmp_addr(acs),
        &raw_post(
            &[
                "Content-Type: text/xml",
                &auth,
                &format!("Content-Length: {}", body.len() / 2),
            ],
            &body,
        ),
    )
    .await;
    assert_eq!(replies.first().map(|r| r.status), Some(400), "{replies:?}");
    assert!(
        replies[0].text().starts_with("not a CWMP message"),
        "{}",
        replies[0].text()
    );
    still_serving(acs).await;
}
on_both!(
    content_length_disagrees_with_the_body,
    content_length_mismatch
);

fn short_idle_timeout(config: &mut Config) {
    config.limits.idle_timeout_secs = 1;
}

async fn body_stalls(acs: &TestAcs) {
    let cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "E00000000002");
    let body = one(boot(&cpe)).to_vec();
    // Shorter than declared, and the client stays, sending nothing more: the request never
    // completes. The server gives up after the idle timeout (1 s here) rather than keep the
    // connection and the request forever.
    let declared = format!("Content-Length: {}", body.len() + 500);
    let mut stream = connect(cwmp_addr(acs)).await;
    stream
        .write_all(&raw_post(&["Content-Type: text/xml", &declared], &body))
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let replies = parse_replies(&read_to_close(&mut stream).await);
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        replies.iter().all(|r| r.status == 400 || r.status == 408),
        "{replies:?}"
    );
    still_serving(acs).await;
}
on_both!(
    body_shorter_than_declared_times_out,
    body_stalls,
    short_idle_timeout
);

// ---- 6. Any namespace prefix, and CWMP 1.2 ----

fn inform_xml(envelope_prefix: &str, cwmp_prefix: &str, namespace: &str, serial: &str) -> String {
    let (e, c) = (envelope_prefix, cwmp_prefix);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<{e}:Envelope xmlns:{e}="http://schemas.xmlsoap.org/soap/envelope/" xmlns:{e}enc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:{c}="{namespace}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xi="http://www.w3.org/2001/XMLSchema-instance">
 <{e}:Header><{c}:ID {e}:mustUnderstand="1">hand-1</{c}:ID></{e}:Header>
 <{e}:Body>
  <{c}:Inform>
   <DeviceId><Manufacturer>TTA</Manufacturer><OUI>001F3C</OUI><ProductClass>IPTV</ProductClass><SerialNumber>{serial}</SerialNumber></DeviceId>
   <Event {e}enc:arrayType="{c}:EventStruct[1]"><EventStruct><EventCode>1 BOOT</EventCode><CommandKey></CommandKey></EventStruct></Event>
   <MaxEnvelopes>1</MaxEnvelopes>
   <CurrentTime>2026-11-30T12:00:00Z</CurrentTime>
   <RetryCount>0</RetryCount>
   <ParameterList {e}enc:arrayType="{c}:ParameterValueStruct[1]">
    <ParameterValueStruct><Name>Device.DeviceInfo.SoftwareVersion</Name><Value xi:type="xs:string">2.0.0</Value></ParameterValueStruct>
   </ParameterList>
  </{c}:Inform>
 </{e}:Body>
</{e}:Envelope>"#
    )
}

async fn namespace_prefixes(acs: &TestAcs) {
    for (n, (e, c, namespace, version)) in [
        (
            "soapenv",
            "cwmp1",
            "urn:dslforum-org:cwmp-1-0",
            CwmpVersion::V1_0,
        ),
        ("s", "c", "urn:dslforum-org:cwmp-1-2", CwmpVersion::V1_2),
    ]
    .into_iter()
    .enumerate()
    {
        let serial = format!("F0000000000{n}");
        let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), &serial);
        let reply = cpe
            .post_raw(inform_xml(e, c, namespace, &serial).into_bytes(), true)
            .await;
        let envelope = envelope_of(&reply);
        assert!(
            matches!(envelope.body, Body::InformResponse(_)),
            "{}",
            reply_text(&reply)
        );
        assert_eq!(envelope.header.id.as_deref(), Some("hand-1"));
        // The reply speaks the CPE's version.
        assert_eq!(envelope.version_as_written(), version);
        assert!(
            reply_text(&reply).contains(namespace),
            "{}",
            reply_text(&reply)
        );
        assert_status(&cpe.post(&Message::default()).await, StatusCode::NO_CONTENT);
        assert_eq!(
            acs.device(&cpe.device_id()).await["software_version"],
            "2.0.0"
        );
    }
    still_serving(acs).await;
}
on_both!(any_namespace_prefix_and_cwmp_1_2, namespace_prefixes);

// ---- 7. An empty POST with Content-Type and Content-Length: 0 ----

async fn empty_post_with_headers(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "A70000000001");
    assert_inform_response(&cpe.post(&one(boot(&cpe))).await);
    let cookie = format!("Cookie: {}", cpe.cookie.as_deref().unwrap());
    let id = session_id(&cpe);
    // Inside the session: the empty message, which ends it.
    let replies = exchange(
        cwmp_addr(acs),
        &raw_post(
            &[
                "Content-Type: text/xml; charset=utf-8",
                "Content-Length: 0",
                &cookie,
                "Connection: close",
            ],
            b"",
        ),
    )
    .await;
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].status, 204, "{}", replies[0].text());
    assert!(replies[0].body.is_empty());
    assert_eq!(session_end(acs, &cpe.device_id(), &id).await.0, "completed");
    // Outside a session (no cookie, then the cookie of the session just over): 400.
    for lines in [vec![], vec![cookie.as_str()]] {
        let mut all = vec!["Content-Type: text/xml", "Content-Length: 0"];
        all.extend(lines);
        all.push("Connection: close");
        let replies = exchange(cwmp_addr(acs), &raw_post(&all, b"")).await;
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0].status, 400, "{}", replies[0].text());
        assert!(
            replies[0]
                .text()
                .contains("a CWMP session starts with an Inform"),
            "{}",
            replies[0].text()
        );
    }
    still_serving(acs).await;
}
on_both!(empty_post_in_and_out_of_a_session, empty_post_with_headers);

// ---- 8. A vendor method from the CPE ----

fn vendor_request(id: &str) -> Vec<u8> {
    format!(
        r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><soap:Header><cwmp:ID soap:mustUnderstand="1">{id}</cwmp:ID></soap:Header><soap:Body><cwmp:X_VENDOR_Hello><Greeting>hi</Greeting></cwmp:X_VENDOR_Hello></soap:Body></soap:Envelope>"#
    )
    .into_bytes()
}

async fn vendor_method(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "A80000000001");
    cpe.session(boot(&cpe), vec![], answer).await;
    let gpv = acs
        .queue(
            &cpe.device_id(),
            json!({"name": "getParameterValues", "parameterNames": ["Device.DeviceInfo.UpTime"]}),
        )
        .await;
    assert_inform_response(&cpe.post(&one(periodic(&cpe))).await);
    let id = session_id(&cpe);
    let reply = cpe.post_raw(vendor_request("vendor-7"), false).await;
    assert_eq!(
        fault_of(&reply),
        (
            FaultCode::AcsMethodNotSupported.code(),
            Some("vendor-7".into())
        )
    );
    // The session goes on: the queued task goes out, is answered, the session completes.
    let request = envelope_of(&cpe.post(&Message::default()).await);
    assert!(matches!(request.body, Body::GetParameterValues(_)));
    assert_status(&cpe.post(&answered(&request)).await, StatusCode::NO_CONTENT);
    assert_eq!(acs.task(gpv).await["status"], "done");
    assert_eq!(session_end(acs, &cpe.device_id(), &id).await.0, "completed");
    assert_eq!(metric(acs, "cwmp_faults_total{code=\"8000\"}").await, 1.0);
    still_serving(acs).await;
}
on_both!(
    vendor_method_gets_8000_and_the_session_goes_on,
    vendor_method
);

// ---- 9. Protocol violations ----
//
// What `AcsSession` reports, as this server can meet it. Not here: a request while
// HoldRequests is set (the server never sets it), a response out of order (MaxEnvelopes 1
// keeps one request outstanding at a time), and a second Inform within one body (a POST
// whose first envelope is an Inform starts a new session, and a later one is past
// MaxEnvelopes): those rules cannot be reached over this server's wire.

/// A session of `serial` in which the server's request (a queued GetParameterValues) is
/// outstanding: the CPE, the request and the task number.
async fn session_with_a_request_out(acs: &TestAcs, serial: &str) -> (Cpe, Envelope<'static>, i64) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), serial);
    cpe.session(boot(&cpe), vec![], answer).await;
    let task = acs
        .queue(
            &cpe.device_id(),
            json!({"name": "getParameterValues", "parameterNames": ["Device.DeviceInfo.UpTime"]}),
        )
        .await;
    assert_inform_response(&cpe.post(&one(periodic(&cpe))).await);
    let request = envelope_of(&cpe.post(&Message::default()).await);
    assert!(matches!(request.body, Body::GetParameterValues(_)));
    assert_eq!(acs.task(task).await["status"], "sent");
    (cpe, request, task)
}

/// The session the CPE's cookie names is over: ended as `end`, its task back in the queue,
/// and the cookie is refused; the task goes out again in the next session, which completes.
async fn ended_and_requeued(acs: &TestAcs, cpe: &mut Cpe, id: &str, task: i64, end: &str) {
    assert_eq!(session_end(acs, &cpe.device_id(), id).await.0, end);
    assert_eq!(acs.task(task).await["status"], "queued");
    let reply = cpe.post(&Message::default()).await;
    assert_status(&reply, StatusCode::BAD_REQUEST);
    let seen = cpe.session(periodic(cpe), vec![], answer).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(acs.task(task).await["status"], "done");
}

async fn second_inform(acs: &TestAcs) {
    let (mut cpe, _request, task) = session_with_a_request_out(acs, "A90000000001").await;
    let first = session_id(&cpe);
    // An Inform instead of the response: the server's rule is that every Inform starts a
    // new session; the old one is over and its task goes back to the queue.
    let reply = cpe.post(&one(periodic(&cpe))).await;
    assert_inform_response(&reply);
    let second = session_id(&cpe);
    assert_ne!(first, second);
    assert_eq!(
        session_end(acs, &cpe.device_id(), &first).await,
        ("abandoned".into(), "superseded by a new Inform".into())
    );
    // The task goes out again in the new session.
    let request = envelope_of(&cpe.post(&Message::default()).await);
    assert_eq!(request.header.id.as_deref(), Some(&*format!("task-{task}")));
    assert_status(&cpe.post(&answered(&request)).await, StatusCode::NO_CONTENT);
    assert_eq!(acs.task(task).await["status"], "done");
    assert_eq!(
        session_end(acs, &cpe.device_id(), &second).await.0,
        "completed"
    );
    still_serving(acs).await;
}
on_both!(
    second_inform_mid_session_starts_a_new_session,
    second_inform
);

async fn unknown_response_id(acs: &TestAcs) {
    let (mut cpe, request, task) = session_with_a_request_out(acs, "A90000000002").await;
    let id = session_id(&cpe);
    let mut response = answered(&request);
    response.envelopes[0].header.id = Some("no-such-request".into());
    // UnknownId has no fault (a response is never answered): the empty reply ends it.
    let reply = cpe.post(&response).await;
    assert_status(&reply, StatusCode::NO_CONTENT);
    ended_and_requeued(acs, &mut cpe, &id, task, "violation").await;
    still_serving(acs).await;
}
on_both!(
    response_with_an_unknown_id_ends_the_session,
    unknown_response_id
);

async fn mismatched_response(acs: &TestAcs) {
    let (mut cpe, request, task) = session_with_a_request_out(acs, "A90000000003").await;
    let id = session_id(&cpe);
    let mut response = Envelope::new(
        request.version,
        "",
        Body::SetParameterValuesResponse(cwmp_codec::SetParameterValuesResponse { status: 0 }),
    );
    response.header.id = request.header.id.clone();
    let reply = cpe.post(&one(response)).await;
    assert_status(&reply, StatusCode::NO_CONTENT);
    ended_and_requeued(acs, &mut cpe, &id, task, "violation").await;
    still_serving(acs).await;
}
on_both!(
    response_of_the_wrong_method_ends_the_session,
    mismatched_response
);

async fn response_withheld(acs: &TestAcs) {
    let (mut cpe, _request, task) = session_with_a_request_out(acs, "A90000000004").await;
    let id = session_id(&cpe);
    // An empty POST while the GetParameterValues is unanswered.
    let reply = cpe.post(&Message::default()).await;
    assert_status(&reply, StatusCode::NO_CONTENT);
    ended_and_requeued(acs, &mut cpe, &id, task, "violation").await;
    still_serving(acs).await;
}
on_both!(
    empty_post_while_a_response_is_owed_ends_the_session,
    response_withheld
);

fn get_rpc_methods(id: &str) -> Envelope<'static> {
    Envelope::new(
        CwmpVersion::V1_0,
        id.to_owned(),
        Body::GetRpcMethods(cwmp_codec::GetRpcMethods {}),
    )
}

async fn too_many_envelopes(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "A90000000005");
    assert_inform_response(&cpe.post(&one(boot(&cpe))).await);
    let id = session_id(&cpe);
    // The InformResponse said MaxEnvelopes 1; two requests in one body break it. The machine
    // names 8004 (resources exceeded) and, with no single request to fault, answers empty.
    let two = Message {
        envelopes: vec![get_rpc_methods("g-1"), get_rpc_methods("g-2")],
    };
    let reply = cpe.post(&two).await;
    assert_status(&reply, StatusCode::NO_CONTENT);
    assert_eq!(metric(acs, "cwmp_faults_total{code=\"8004\"}").await, 1.0);
    assert_eq!(session_end(acs, &cpe.device_id(), &id).await.0, "violation");
    assert_status(
        &cpe.post(&Message::default()).await,
        StatusCode::BAD_REQUEST,
    );
    still_serving(acs).await;
}
on_both!(
    more_envelopes_than_max_envelopes_ends_the_session,
    too_many_envelopes
);

async fn request_after_no_more_requests(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "A90000000006");
    let mut inform = boot(&cpe);
    inform.header.no_more_requests = Some(true);
    assert_inform_response(&cpe.post(&one(inform)).await);
    let id = session_id(&cpe);
    // It said NoMoreRequests, then asks something: 8001 (request denied) for that request,
    // and the session is over.
    let reply = cpe.post(&one(get_rpc_methods("late-1"))).await;
    assert_eq!(
        fault_of(&reply),
        (FaultCode::AcsRequestDenied.code(), Some("late-1".into()))
    );
    assert!(reply.headers.get("set-cookie").is_none());
    assert_eq!(session_end(acs, &cpe.device_id(), &id).await.0, "violation");
    assert_status(
        &cpe.post(&Message::default()).await,
        StatusCode::BAD_REQUEST,
    );
    still_serving(acs).await;
}
on_both!(
    request_after_no_more_requests_gets_8001,
    request_after_no_more_requests
);

async fn inform_with_company(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "A90000000007");
    // The first POST must be the Inform alone; here a second envelope rides along. The
    // machine calls it a violation (8001, request denied); no session starts.
    let two = Message {
        envelopes: vec![boot(&cpe), get_rpc_methods("g-1")],
    };
    let reply = cpe.post(&two).await;
    assert_eq!(
        fault_of(&reply),
        (FaultCode::AcsRequestDenied.code(), Some("inform-1".into()))
    );
    assert!(reply.headers.get("set-cookie").is_none());
    assert_eq!(metric(acs, "cwmp_faults_total{code=\"8001\"}").await, 1.0);
    still_serving(acs).await;
}
on_both!(
    inform_with_a_second_envelope_is_refused,
    inform_with_company
);

// ---- 10. A CPE that reconnects for every POST ----

async fn reconnecting_cpe(acs: &TestAcs) {
    for (url, serial) in [
        (acs.cwmp_url(), "AA0000000001"),
        (acs.cwmp_tls_url(), "AA0000000002"),
    ] {
        let https = url.starts_with("https");
        let client = || {
            if https {
                reqwest::Client::builder()
                    .tls_backend_preconfigured(support::client_tls(acs.server.certificate_der()))
                    .timeout(WAIT)
                    .build()
                    .unwrap()
            } else {
                fresh_client()
            }
        };
        let mut cpe = Cpe::new(client(), url, serial);
        cpe.session(boot(&cpe), vec![], answer).await;
        let tasks = [
            acs.queue(
                &cpe.device_id(),
                json!({"name": "getParameterValues", "parameterNames": ["Device.DeviceInfo.UpTime"]}),
            )
            .await,
            acs.queue(
                &cpe.device_id(),
                json!({"name": "setParameterValues", "parameterValues": [["Device.ManagementServer.PeriodicInformInterval", 300, "xsd:unsignedInt"]]}),
            )
            .await,
        ];
        cpe.client = client();
        assert_inform_response(&cpe.post(&one(periodic(&cpe))).await);
        let id = session_id(&cpe);
        let mut next = Message::default();
        let mut seen = 0;
        loop {
            // Every POST on a connection of its own: a new client, the same cookie.
            cpe.client = client();
            let reply = cpe.post(&next).await;
            if reply.status == StatusCode::NO_CONTENT {
                break;
            }
            let request = envelope_of(&reply);
            seen += 1;
            assert!(seen <= 2, "{request:?}");
            next = answered(&request);
        }
        for task in tasks {
            assert_eq!(acs.task(task).await["status"], "done");
        }
        assert_eq!(session_end(acs, &cpe.device_id(), &id).await.0, "completed");
    }
    still_serving(acs).await;
}
on_both!(cpe_reconnecting_for_every_post_completes, reconnecting_cpe);

// ---- 11. The 401 on one connection, the answer on another ----

async fn challenge_across_connections(acs: &TestAcs) {
    for (url, serial) in [
        (acs.cwmp_url(), "AB0000000001"),
        (acs.cwmp_tls_url(), "AB0000000002"),
    ] {
        let https = url.starts_with("https");
        let client = || {
            let builder = reqwest::Client::builder().timeout(WAIT);
            if https {
                builder.tls_backend_preconfigured(support::client_tls(acs.server.certificate_der()))
            } else {
                builder
            }
            .build()
            .unwrap()
        };
        let mut cpe = Cpe::new(client(), url.clone(), serial);
        cpe.auth = AuthMode::None;
        let body = one(boot(&cpe)).to_vec();
        let reply = cpe.post_raw(body.clone(), true).await;
        assert_status(&reply, StatusCode::UNAUTHORIZED);
        let authorization = cpe.answer_challenge(&reply.headers);
        // The first connection is gone with its client; the answer comes on a new one.
        drop(std::mem::replace(&mut cpe.client, client()));
        let response = cpe
            .client
            .post(&url)
            .header("authorization", authorization)
            .header("content-type", "text/xml")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let cookie = response
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        cpe.cookie = Some(cookie);
        cpe.client = client();
        assert_status(&cpe.post(&Message::default()).await, StatusCode::NO_CONTENT);
        assert_eq!(
            session_end(acs, &cpe.device_id(), &session_id(&cpe))
                .await
                .0,
            "completed"
        );
    }
    still_serving(acs).await;
}
on_both!(
    digest_answered_on_a_new_connection,
    challenge_across_connections
);

// ---- 12. Bad bodies ----

const SMALL_BODY_LIMIT: usize = 4096;

fn small_bodies(config: &mut Config) {
    config.limits.max_body_bytes = SMALL_BODY_LIMIT;
}

async fn bad_bodies(acs: &TestAcs) {
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "AC0000000001");
    let garbage: Vec<u8> = (0..=255u8).cycle().take(700).collect();
    let whole = one(boot(&cpe)).to_vec();
    let truncated = whole[..whole.len() - 40].to_vec();
    // Outside a session: 400, naming the problem.
    for body in [&garbage, &truncated] {
        let reply = cpe.post_raw(body.clone(), false).await;
        assert_status(&reply, StatusCode::BAD_REQUEST);
        assert!(
            reply_text(&reply).starts_with("not a CWMP message"),
            "{}",
            reply_text(&reply)
        );
    }
    // Inside one: the machine faults it (8003, invalid arguments: nothing to answer with an
    // envelope), the reply is empty and the session is over.
    for body in [&garbage, &truncated] {
        assert_inform_response(&cpe.post(&one(boot(&cpe))).await);
        let id = session_id(&cpe);
        let reply = cpe.post_raw(body.clone(), false).await;
        assert_status(&reply, StatusCode::NO_CONTENT);
        assert_eq!(session_end(acs, &cpe.device_id(), &id).await.0, "violation");
    }
    assert_eq!(metric(acs, "cwmp_faults_total{code=\"8003\"}").await, 2.0);
    // Over the size limit, with a Content-Length and chunked: 413, counted. Inside a session
    // the session is left as it was: the CPE may go on.
    assert_inform_response(&cpe.post(&one(boot(&cpe))).await);
    let id = session_id(&cpe);
    let big = vec![b' '; SMALL_BODY_LIMIT * 2];
    let reply = cpe.post_raw(big.clone(), false).await;
    assert_status(&reply, StatusCode::PAYLOAD_TOO_LARGE);
    let mut chunked = Vec::new();
    for chunk in big.chunks(1000) {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let replies = exchange(
        cwmp_addr(acs),
        &raw_post(
            &[
                "Content-Type: text/xml",
                "Transfer-Encoding: chunked",
                "Connection: close",
            ],
            &chunked,
        ),
    )
    .await;
    assert_eq!(replies.first().map(|r| r.status), Some(413), "{replies:?}");
    assert_eq!(
        metric(acs, "http_requests_rejected_total{reason=\"too_large\"}").await,
        2.0
    );
    assert_status(&cpe.post(&Message::default()).await, StatusCode::NO_CONTENT);
    assert_eq!(session_end(acs, &cpe.device_id(), &id).await.0, "completed");
    still_serving(acs).await;
}
on_both!(
    bad_bodies_get_400_413_or_end_the_session,
    bad_bodies,
    small_bodies
);

// ---- 13. Digest: good, wrong password, stale nonce ----

async fn digest(acs: &TestAcs) {
    // Good: the 401, then the answer, then the session.
    let mut cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "AD0000000001");
    cpe.session(boot(&cpe), vec![], answer).await;
    let body = one(periodic(&cpe)).to_vec();
    let post = |authorization: Option<String>| {
        let mut request = acs
            .http
            .post(acs.cwmp_url())
            .header("content-type", "text/xml")
            .body(body.clone());
        if let Some(a) = authorization {
            request = request.header("authorization", a);
        }
        async move { request.send().await.unwrap() }
    };
    let digest_challenge = |response: &reqwest::Response| -> Vec<Challenge> {
        response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .flat_map(|v| Challenge::parse_list(v.to_str().unwrap()).unwrap())
            .collect()
    };
    let is_stale = |challenges: &[Challenge]| {
        challenges
            .iter()
            .any(|c| matches!(c, Challenge::Digest(d) if d.stale()))
    };
    // A wrong password: 401 again, not stale.
    let first = post(None).await;
    assert_eq!(first.status(), StatusCode::UNAUTHORIZED);
    let mut wrong = Cpe::new(acs.http.clone(), acs.cwmp_url(), "AD0000000001");
    wrong.password = "wrong".into();
    let again = post(Some(wrong.answer_challenge(first.headers()))).await;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    assert!(!is_stale(&digest_challenge(&again)));
    // A nonce issued an hour ago, answered with the right password: 401 with stale=true.
    let authority = &acs.server.app().authority;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let old = authority.nonce(now - 3600);
    let old_challenge = format!(
        "Digest realm=\"{}\", qop=\"auth\", algorithm=MD5, nonce=\"{old}\"",
        authority.realm()
    );
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("www-authenticate", support::hv(&old_challenge));
    let stale = post(Some(cpe.answer_challenge(&headers))).await;
    assert_eq!(stale.status(), StatusCode::UNAUTHORIZED);
    assert!(is_stale(&digest_challenge(&stale)), "{:?}", stale.headers());
    // The same old nonce with the wrong password: no stale=true (that is only for a client
    // that knows the password).
    let not_stale = post(Some(wrong.answer_challenge(&headers))).await;
    assert_eq!(not_stale.status(), StatusCode::UNAUTHORIZED);
    assert!(!is_stale(&digest_challenge(&not_stale)));
    // The fresh nonce of the stale challenge, with the same password: in.
    let fresh = post(Some(cpe.answer_challenge(stale.headers()))).await;
    assert_eq!(fresh.status(), StatusCode::OK);
    assert!(fresh.text().await.unwrap().contains("InformResponse"));
    still_serving(acs).await;
}
on_both!(digest_good_wrong_and_stale, digest);

// ---- 14. A small response arrives in one read ----

async fn one_write(acs: &TestAcs) {
    let cpe = Cpe::new(acs.http.clone(), acs.cwmp_url(), "AE0000000001");
    let body = one(boot(&cpe)).to_vec();
    let auth = format!(
        "Authorization: {}",
        basic_authorization(&cpe.device_id(), &cpe.password)
    );
    let mut stream = connect(cwmp_addr(acs)).await;
    stream
        .write_all(&raw_post(
            &["Content-Type: text/xml", &auth, &content_length(&body)],
            &body,
        ))
        .await
        .unwrap();
    // Headers and body were written at once: the first read holds the whole response.
    let mut buf = vec![0u8; 65536];
    let n = tokio::time::timeout(WAIT, stream.read(&mut buf))
        .await
        .expect("a response in time")
        .unwrap();
    let (used, reply) = parse_reply(&buf[..n]).unwrap_or_else(|| {
        panic!(
            "the first read holds only part of the response: {:?}",
            String::from_utf8_lossy(&buf[..n])
        )
    });
    assert_eq!(used, n);
    assert_eq!(reply.status, 200);
    assert!(reply.text().contains("InformResponse"));
    // The session ends on the same connection.
    let cookie = format!(
        "Cookie: {}",
        reply
            .header("set-cookie")
            .unwrap()
            .split(';')
            .next()
            .unwrap()
    );
    stream
        .write_all(&raw_post(
            &[&cookie, "Content-Length: 0", "Connection: close"],
            b"",
        ))
        .await
        .unwrap();
    let replies = parse_replies(&read_to_close(&mut stream).await);
    assert_eq!(replies.len(), 1);
    assert_eq!(replies[0].status, 204);
    still_serving(acs).await;
}
on_both!(small_response_arrives_in_one_read, one_write);
