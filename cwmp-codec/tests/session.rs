//! Scripted CWMP sessions: the CPE transmission table row by row, MaxEnvelopes and
//! pipelining, HoldRequests, NoMoreRequests, CPE-initiated requests, faults, the deferred
//! reboot, timeouts, every peer violation, and resuming from serialized state.

use std::borrow::Cow;

use cwmp_codec::{
    AcsSession, AfterSession, Body, CpeAction, CpePhase, CpeSession, CwmpVersion, DateTimeText,
    DeviceIdStruct, Envelope, EventCode, EventStruct, Fault, FaultCode, GetParameterValues,
    GetParameterValuesResponse, GetRpcMethods, GetRpcMethodsResponse, Incoming, Inform,
    InformResponse, Message, Reboot, RebootResponse, SessionConfig, SessionEnd, SessionErrorKind,
    TransferComplete, TransferCompleteResponse,
};

const V: CwmpVersion = CwmpVersion::V1_0;

fn inform(id: &str, max_envelopes: u32) -> Envelope<'static> {
    Envelope::new(
        V,
        id.to_owned(),
        Body::Inform(Inform {
            device_id: DeviceIdStruct {
                manufacturer: "ACME".into(),
                oui: "001F3C".into(),
                product_class: "STB".into(),
                serial_number: "SN1".into(),
            },
            event: vec![EventStruct {
                event_code: EventCode::Periodic,
                command_key: "".into(),
            }],
            max_envelopes,
            current_time: DateTimeText {
                text: "2024-01-01T00:00:00Z".into(),
            },
            retry_count: 0,
            parameter_list: Vec::new(),
        }),
    )
}

fn gpv(id: &str) -> Envelope<'static> {
    Envelope::new(
        V,
        id.to_owned(),
        Body::GetParameterValues(GetParameterValues {
            parameter_names: vec!["Device.DeviceInfo.".into()],
        }),
    )
}

fn reboot(id: &str) -> Envelope<'static> {
    Envelope::new(
        V,
        id.to_owned(),
        Body::Reboot(Reboot {
            command_key: "rb".into(),
        }),
    )
}

fn rpc_methods(id: &str) -> Envelope<'static> {
    Envelope::new(V, id.to_owned(), Body::GetRpcMethods(GetRpcMethods {}))
}

fn transfer_complete(id: &str) -> Envelope<'static> {
    Envelope::new(
        V,
        id.to_owned(),
        Body::TransferComplete(TransferComplete {
            command_key: "dl".into(),
            start_time: DateTimeText {
                text: "2024-01-01T00:00:00Z".into(),
            },
            complete_time: DateTimeText {
                text: "2024-01-01T00:01:00Z".into(),
            },
            ..TransferComplete::default()
        }),
    )
}

fn inform_response(id: &str, max_envelopes: u32) -> Envelope<'static> {
    Envelope::new(
        V,
        id.to_owned(),
        Body::InformResponse(InformResponse { max_envelopes }),
    )
}

fn with_hold(mut e: Envelope<'static>) -> Envelope<'static> {
    e.header.hold_requests = Some(true);
    e
}

fn msg(envelopes: Vec<Envelope<'static>>) -> Message<'static> {
    Message { envelopes }
}

fn methods(m: &Message<'_>) -> Vec<String> {
    m.envelopes
        .iter()
        .map(|e| e.body.method_name().to_owned())
        .collect()
}

fn post(cpe: &mut CpeSession, now: u64) -> Message<'static> {
    match cpe.next_action(now).unwrap() {
        CpeAction::Post(m) => m,
        other => panic!("expected a post, got {other:?}"),
    }
}

fn close(cpe: &mut CpeSession, now: u64) -> (SessionEnd, AfterSession) {
    match cpe.next_action(now).unwrap() {
        CpeAction::Close { end, then } => (end, then),
        other => panic!("expected close, got {other:?}"),
    }
}

/// What the CPE's caller answers.
fn cpe_answer(request: &Envelope<'_>) -> Body<'static> {
    match &request.body {
        Body::GetParameterValues(_) => {
            Body::GetParameterValuesResponse(GetParameterValuesResponse::default())
        }
        Body::Reboot(_) => Body::RebootResponse(RebootResponse {}),
        Body::GetRpcMethods(_) => Body::GetRpcMethodsResponse(GetRpcMethodsResponse {
            method_list: vec!["GetRPCMethods".into(), "Inform".into()],
        }),
        Body::SetParameterValues(_) => Body::Fault(Fault::cwmp(
            FaultCode::InvalidParameterName,
            "Invalid parameter name",
        )),
        _ => Body::Fault(Fault::cwmp(
            FaultCode::MethodNotSupported,
            "Method not supported",
        )),
    }
}

/// A CPE with its Inform posted and answered by `answer` (InformResponse first).
fn cpe_in_session(
    cpe_max: u32,
    queued: &[Envelope<'static>],
    answer: Vec<Envelope<'static>>,
) -> (CpeSession, Vec<Incoming<'static>>) {
    let mut cpe = CpeSession::new(inform("I1", cpe_max), SessionConfig::default()).unwrap();
    for q in queued {
        cpe.queue(q.clone()).unwrap();
    }
    assert_eq!(methods(&post(&mut cpe, 0)), ["Inform"]);
    let incoming = cpe.receive(1, msg(answer)).unwrap();
    (cpe, incoming)
}

fn answer_all(cpe: &mut CpeSession, incoming: &[Incoming<'_>]) {
    for i in incoming {
        if let Incoming::Request(e) = i {
            cpe.respond(cpe_answer(e)).unwrap();
        }
    }
}

// ---- The CPE transmission table (TR-069 3.7.2.4), row by row ----

#[test]
fn table_requests_pending_not_held_acs_requests_outstanding() {
    let (mut cpe, incoming) = cpe_in_session(
        2,
        &[transfer_complete("T1")],
        vec![inform_response("I1", 2), gpv("A1")],
    );
    answer_all(&mut cpe, &incoming);
    let m = post(&mut cpe, 2);
    assert_eq!(
        methods(&m),
        ["GetParameterValuesResponse", "TransferComplete"]
    );
    assert_eq!(m.envelopes[0].header.id.as_deref(), Some("A1"));
}

#[test]
fn table_requests_pending_not_held_no_acs_requests() {
    let (mut cpe, _) = cpe_in_session(
        1,
        &[transfer_complete("T1"), rpc_methods("T2")],
        vec![inform_response("I1", 3)],
    );
    assert_eq!(
        methods(&post(&mut cpe, 2)),
        ["TransferComplete", "GetRPCMethods"]
    );
}

#[test]
fn table_requests_pending_held_acs_requests_outstanding() {
    let (mut cpe, incoming) = cpe_in_session(
        2,
        &[transfer_complete("T1")],
        vec![inform_response("I1", 3), with_hold(gpv("A1"))],
    );
    answer_all(&mut cpe, &incoming);
    assert_eq!(methods(&post(&mut cpe, 2)), ["GetParameterValuesResponse"]);
}

#[test]
fn table_requests_pending_held_no_acs_requests() {
    let (mut cpe, _) = cpe_in_session(
        1,
        &[transfer_complete("T1")],
        vec![with_hold(inform_response("I1", 3))],
    );
    assert!(post(&mut cpe, 2).is_empty());
    // The ACS has nothing either: its empty response clears HoldRequests, and the held
    // request goes out (the empty POST did not say the CPE was done).
    cpe.receive(3, Message::default()).unwrap();
    assert_eq!(methods(&post(&mut cpe, 4)), ["TransferComplete"]);
}

#[test]
fn table_no_requests_acs_requests_outstanding() {
    let (mut cpe, incoming) = cpe_in_session(1, &[], vec![inform_response("I1", 1)]);
    assert!(incoming.len() == 1);
    let m = post(&mut cpe, 2);
    assert!(m.is_empty());
    let incoming = cpe.receive(3, msg(vec![gpv("A1")])).unwrap();
    answer_all(&mut cpe, &incoming);
    assert_eq!(methods(&post(&mut cpe, 4)), ["GetParameterValuesResponse"]);
}

#[test]
fn table_no_requests_no_acs_requests_then_close() {
    let (mut cpe, _) = cpe_in_session(1, &[], vec![inform_response("I1", 1)]);
    assert!(post(&mut cpe, 2).is_empty());
    cpe.receive(3, Message::default()).unwrap();
    assert_eq!(
        close(&mut cpe, 4),
        (SessionEnd::Completed, AfterSession::Nothing)
    );
}

#[test]
fn cpe_must_answer_before_posting() {
    let (mut cpe, _) = cpe_in_session(2, &[], vec![inform_response("I1", 1), gpv("A1")]);
    let e = cpe.next_action(2).unwrap_err();
    assert_eq!(e.kind(), &SessionErrorKind::Unanswered(1));
    assert!(!e.is_violation());
    // Answering out of nothing, or with a request, is refused and changes nothing.
    assert!(cpe.respond(gpv("x").body).is_err());
}

// ---- Wired sessions: both machines, through bytes ----

#[derive(Debug, Clone, PartialEq)]
struct Script {
    cpe_max: u32,
    acs_max: u32,
    acs_requests: Vec<Envelope<'static>>,
    cpe_requests: Vec<Envelope<'static>>,
    /// HoldRequests for each ACS reply, cycled (empty: never).
    hold: Vec<bool>,
    acs_no_more: bool,
    cpe_no_more: bool,
    /// Serialize and resume both machines after every step.
    resume: bool,
}

impl Default for Script {
    fn default() -> Self {
        Self {
            cpe_max: 1,
            acs_max: 1,
            acs_requests: Vec::new(),
            cpe_requests: Vec::new(),
            hold: Vec::new(),
            acs_no_more: false,
            cpe_no_more: false,
            resume: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Transcript {
    /// Each HTTP body: `>` for CPE posts, `<` for ACS replies with their status.
    wire: Vec<(String, u16, Vec<u8>)>,
    /// (request ID, response method) in the order each side received responses.
    cpe_got: Vec<(String, String)>,
    acs_got: Vec<(String, String)>,
    cpe_end: SessionEnd,
    then: AfterSession,
    acs_end: SessionEnd,
    cpe: CpeSession,
    acs: AcsSession,
}

#[cfg(feature = "serde")]
fn resume<T: serde::Serialize + serde::de::DeserializeOwned>(t: &mut T) {
    let json = serde_json::to_string(t).unwrap();
    *t = serde_json::from_str(&json).unwrap();
}

#[cfg(not(feature = "serde"))]
fn resume<T>(_: &mut T) {}

fn acs_answer(request: &Envelope<'_>, acs_max: u32) -> Body<'static> {
    match &request.body {
        Body::Inform(_) => Body::InformResponse(InformResponse {
            max_envelopes: acs_max,
        }),
        Body::TransferComplete(_) => Body::TransferCompleteResponse(TransferCompleteResponse {}),
        Body::GetRpcMethods(_) => Body::GetRpcMethodsResponse(GetRpcMethodsResponse {
            method_list: vec!["Inform".into(), "TransferComplete".into()],
        }),
        _ => Body::Fault(Fault::cwmp(
            FaultCode::AcsMethodNotSupported,
            "Method not supported",
        )),
    }
}

fn got(incoming: &[Incoming<'_>], log: &mut Vec<(String, String)>) {
    for i in incoming {
        if let Incoming::Response { response, .. } = i {
            log.push((
                response.header.id.as_deref().unwrap_or_default().to_owned(),
                response.body.method_name().to_owned(),
            ));
        }
    }
}

fn run(script: &Script) -> Transcript {
    let cfg = SessionConfig::default();
    let mut cpe = CpeSession::new(inform("I1", script.cpe_max), cfg).unwrap();
    for r in &script.cpe_requests {
        cpe.queue(r.clone()).unwrap();
    }
    if script.cpe_no_more {
        cpe.no_more_requests();
    }
    let mut acs = AcsSession::new(cfg, 0);
    for r in &script.acs_requests {
        acs.queue(r.clone()).unwrap();
    }
    if script.acs_no_more {
        acs.no_more_requests();
    }
    let mut wire = Vec::new();
    let (mut cpe_got, mut acs_got) = (Vec::new(), Vec::new());
    let mut now = 0;
    let mut replies = 0;
    let step = |cpe: &mut CpeSession, acs: &mut AcsSession| {
        if script.resume {
            resume(cpe);
            resume(acs);
        }
    };
    for _ in 0..1000 {
        now += 100;
        step(&mut cpe, &mut acs);
        match cpe.next_action(now).unwrap() {
            CpeAction::Post(m) => {
                let bytes = m.to_vec();
                assert!(m.envelopes.len() <= script.acs_max.max(1) as usize || replies == 0);
                wire.push((">".to_owned(), 0, bytes.clone()));
                step(&mut cpe, &mut acs);
                let incoming = acs.receive_bytes(now, &bytes).unwrap();
                got(&incoming, &mut acs_got);
                for i in &incoming {
                    if let Incoming::Request(e) = i {
                        step(&mut cpe, &mut acs);
                        acs.respond(acs_answer(e, script.acs_max)).unwrap();
                    }
                }
                if !script.hold.is_empty() {
                    acs.set_hold_requests(script.hold[replies % script.hold.len()]);
                }
                replies += 1;
                step(&mut cpe, &mut acs);
                let reply = acs.reply(now).unwrap();
                assert!(reply.message.envelopes.len() <= script.cpe_max.max(1) as usize);
                let bytes = reply.message.to_vec();
                wire.push(("<".to_owned(), reply.status(), bytes.clone()));
                step(&mut cpe, &mut acs);
                let incoming = cpe.receive_bytes(now + 10, &bytes).unwrap();
                got(&incoming, &mut cpe_got);
                for i in &incoming {
                    if let Incoming::Request(e) = i {
                        step(&mut cpe, &mut acs);
                        cpe.respond(cpe_answer(e)).unwrap();
                    }
                }
            }
            CpeAction::Close { end, then } => {
                let acs_end = match acs.end() {
                    Some(e) => e.clone(),
                    None => acs.closed(now).clone(),
                };
                return Transcript {
                    wire,
                    cpe_got,
                    acs_got,
                    cpe_end: end,
                    then,
                    acs_end,
                    cpe,
                    acs,
                };
            }
            other => panic!("{other:?}"),
        }
    }
    panic!("the session did not end");
}

fn ids(envs: &[Envelope<'static>]) -> Vec<String> {
    envs.iter()
        .map(|e| e.header.id.as_deref().unwrap_or_default().to_owned())
        .collect()
}

fn check_complete(script: &Script, t: &Transcript) {
    assert_eq!(t.cpe_end, SessionEnd::Completed, "{t:#?}");
    assert_eq!(t.acs_end, SessionEnd::Completed, "{t:#?}");
    let acs_ids: Vec<String> = t.cpe_got.iter().skip(1).map(|(id, _)| id.clone()).collect();
    assert_eq!(acs_ids, ids(&script.cpe_requests));
    let cpe_ids: Vec<String> = t.acs_got.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(cpe_ids, ids(&script.acs_requests));
    assert_eq!(t.cpe_got[0], ("I1".to_owned(), "InformResponse".to_owned()));
}

fn wire_methods(t: &Transcript, dir: &str) -> Vec<Vec<String>> {
    t.wire
        .iter()
        .filter(|(d, ..)| d == dir)
        .map(|(_, _, b)| methods(&Message::parse(b).unwrap()))
        .collect()
}

#[test]
fn periodic_inform_only() {
    let s = Script::default();
    let t = run(&s);
    check_complete(&s, &t);
    assert_eq!(wire_methods(&t, ">"), [vec!["Inform".to_owned()], vec![]]);
    let statuses: Vec<u16> = t.wire.iter().filter(|w| w.0 == "<").map(|w| w.1).collect();
    assert_eq!(statuses, [200, 204]);
}

fn many_gpv(n: usize) -> Vec<Envelope<'static>> {
    (0..n).map(|i| gpv(&format!("A{i}"))).collect()
}

#[test]
fn max_envelopes_one_both_sides() {
    let s = Script {
        acs_requests: many_gpv(3),
        cpe_requests: vec![transfer_complete("T1"), rpc_methods("T2")],
        ..Script::default()
    };
    let t = run(&s);
    check_complete(&s, &t);
    for (_, _, b) in &t.wire {
        assert!(Message::parse(b).unwrap().envelopes.len() <= 1);
    }
}

#[test]
fn max_envelopes_three_pipelines() {
    let s = Script {
        cpe_max: 3,
        acs_max: 3,
        acs_requests: many_gpv(7),
        cpe_requests: vec![transfer_complete("T1"), rpc_methods("T2")],
        ..Script::default()
    };
    let t = run(&s);
    check_complete(&s, &t);
    let replies = wire_methods(&t, "<");
    // InformResponse and two requests, then three at a time.
    assert_eq!(replies[0].len(), 3);
    assert_eq!(replies[0][0], "InformResponse");
    assert!(replies.iter().all(|r| r.len() <= 3));
    let posts = wire_methods(&t, ">");
    assert!(posts.iter().any(|p| p.len() == 3));
}

#[test]
fn max_envelopes_asymmetric() {
    for (cpe_max, acs_max) in [(1, 3), (3, 1)] {
        let s = Script {
            cpe_max,
            acs_max,
            acs_requests: many_gpv(5),
            cpe_requests: vec![transfer_complete("T1")],
            ..Script::default()
        };
        check_complete(&s, &run(&s));
    }
}

#[test]
fn hold_requests_on_delays_cpe_requests() {
    let s = Script {
        acs_requests: many_gpv(3),
        cpe_requests: vec![transfer_complete("T1")],
        hold: vec![true],
        ..Script::default()
    };
    let t = run(&s);
    check_complete(&s, &t);
    // The TransferComplete reaches the ACS only after its last request was answered (the
    // empty reply that clears HoldRequests).
    let posts = wire_methods(&t, ">");
    let tc = posts
        .iter()
        .position(|p| p.contains(&"TransferComplete".to_owned()))
        .unwrap();
    let last_answer = posts
        .iter()
        .rposition(|p| p.contains(&"GetParameterValuesResponse".to_owned()))
        .unwrap();
    assert!(tc > last_answer, "{posts:?}");
    for (d, _, b) in &t.wire {
        if d == "<" {
            let m = Message::parse(b).unwrap();
            if let Some(last) = m.envelopes.last() {
                assert_eq!(last.header.hold_requests, Some(true));
            }
        }
    }
}

#[test]
fn hold_requests_off_sends_cpe_requests_early() {
    let s = Script {
        acs_requests: many_gpv(3),
        cpe_requests: vec![transfer_complete("T1")],
        hold: vec![false],
        ..Script::default()
    };
    let t = run(&s);
    check_complete(&s, &t);
    let posts = wire_methods(&t, ">");
    assert_eq!(posts[1], ["TransferComplete"]);
}

#[test]
fn hold_requests_toggling() {
    let s = Script {
        cpe_max: 2,
        acs_max: 2,
        acs_requests: many_gpv(5),
        cpe_requests: vec![transfer_complete("T1"), rpc_methods("T2")],
        hold: vec![true, false, true],
        ..Script::default()
    };
    check_complete(&s, &run(&s));
}

#[test]
fn no_more_requests_from_acs() {
    let s = Script {
        acs_requests: many_gpv(2),
        acs_no_more: true,
        ..Script::default()
    };
    let t = run(&s);
    check_complete(&s, &t);
    let replies: Vec<Message<'_>> = t
        .wire
        .iter()
        .filter(|w| w.0 == "<")
        .map(|w| Message::parse(&w.2).unwrap())
        .collect();
    // The last request carries NoMoreRequests; the CPE closes after answering it, without
    // an empty POST.
    let last_request = replies
        .iter()
        .flat_map(|m| &m.envelopes)
        .rfind(|e| e.body.method_name() == "GetParameterValues")
        .unwrap();
    assert_eq!(last_request.header.no_more_requests, Some(true));
    let first_request = replies
        .iter()
        .flat_map(|m| &m.envelopes)
        .find(|e| e.body.method_name() == "GetParameterValues")
        .unwrap();
    assert_eq!(first_request.header.no_more_requests, None);
    assert!(!wire_methods(&t, ">").last().unwrap().is_empty());
    // A request after it is refused.
    let mut acs = t.acs.clone();
    assert!(acs.queue(gpv("late")).is_err());
}

#[test]
fn no_more_requests_from_cpe() {
    let s = Script {
        acs_requests: many_gpv(1),
        cpe_requests: vec![transfer_complete("T1")],
        cpe_no_more: true,
        ..Script::default()
    };
    let t = run(&s);
    check_complete(&s, &t);
    // The ACS ends the session with the empty reply that follows the CPE's last envelope.
    let last = t.wire.last().unwrap();
    assert_eq!((last.0.as_str(), last.1), ("<", 204));
    let mut cpe = t.cpe.clone();
    assert_eq!(
        cpe.queue(rpc_methods("late")).unwrap_err().kind(),
        &SessionErrorKind::OutOfTurn {
            call: "queue".into(),
            phase: "the session is over".into()
        }
    );
}

#[test]
fn cpe_initiated_transfer_complete_and_get_rpc_methods() {
    let s = Script {
        acs_requests: vec![gpv("A1")],
        cpe_requests: vec![transfer_complete("T1"), rpc_methods("T2")],
        ..Script::default()
    };
    let t = run(&s);
    check_complete(&s, &t);
    assert_eq!(
        t.cpe_got,
        [
            ("I1".to_owned(), "InformResponse".to_owned()),
            ("T1".to_owned(), "TransferCompleteResponse".to_owned()),
            ("T2".to_owned(), "GetRPCMethodsResponse".to_owned()),
        ]
    );
    assert_eq!(
        t.cpe.acknowledged(),
        ["Inform", "TransferComplete", "GetRPCMethods"]
    );
}

#[test]
fn faults_answer_requests() {
    let spv = Envelope::new(
        V,
        "A2",
        Body::SetParameterValues(cwmp_codec::SetParameterValues::default()),
    );
    let kicked = Envelope::new(
        V,
        "T1",
        Body::RequestDownload(cwmp_codec::RequestDownload::default()),
    );
    let s = Script {
        acs_requests: vec![gpv("A1"), spv],
        cpe_requests: vec![kicked],
        ..Script::default()
    };
    let t = run(&s);
    check_complete(&s, &t);
    assert_eq!(t.acs_got[1], ("A2".to_owned(), "Fault".to_owned()));
    assert_eq!(t.cpe_got[1], ("T1".to_owned(), "Fault".to_owned()));
    // Faults are answers: not acknowledged.
    assert_eq!(t.acs.acknowledged(), ["GetParameterValues"]);
    assert_eq!(t.cpe.acknowledged(), ["Inform"]);
}

#[test]
fn reboot_waits_for_the_clean_end() {
    let s = Script {
        acs_requests: vec![reboot("A1"), gpv("A2")],
        ..Script::default()
    };
    let t = run(&s);
    check_complete(&s, &t);
    assert_eq!(t.then, AfterSession::Reboot);

    // The same session, cut short after the RebootResponse: no reboot.
    let (mut cpe, incoming) = cpe_in_session(1, &[], vec![inform_response("I1", 1)]);
    answer_all(&mut cpe, &incoming);
    post(&mut cpe, 2);
    let incoming = cpe.receive(3, msg(vec![reboot("A1")])).unwrap();
    answer_all(&mut cpe, &incoming);
    post(&mut cpe, 4);
    assert_eq!(cpe.poll(4 + 29_999), None);
    assert_eq!(cpe.poll(4 + 30_000), Some(&SessionEnd::TimedOut));
    assert_eq!(
        close(&mut cpe, 40_000),
        (SessionEnd::TimedOut, AfterSession::Nothing)
    );
}

#[test]
fn inform_rejected_by_a_fault() {
    let mut cpe = CpeSession::new(inform("I1", 1), SessionConfig::default()).unwrap();
    let mut acs = AcsSession::new(SessionConfig::default(), 0);
    let m = post(&mut cpe, 0);
    let incoming = acs.receive(0, m).unwrap();
    assert_eq!(incoming.len(), 1);
    acs.respond(Body::Fault(Fault::cwmp(
        FaultCode::AcsRetryRequest,
        "Retry request",
    )))
    .unwrap();
    let reply = acs.reply(1).unwrap();
    assert!(reply.end);
    assert_eq!(
        acs.end(),
        Some(&SessionEnd::InformRejected {
            fault: Some(FaultCode::AcsRetryRequest)
        })
    );
    let bytes = reply.message.to_vec();
    let incoming = cpe.receive_bytes(2, &bytes).unwrap();
    assert!(
        matches!(&incoming[0], Incoming::Response { request_method, .. } if request_method == "Inform")
    );
    assert_eq!(
        close(&mut cpe, 3).0,
        SessionEnd::InformRejected {
            fault: Some(FaultCode::AcsRetryRequest)
        }
    );
}

#[test]
fn timeouts_on_both_sides() {
    let cfg = SessionConfig::default().with_timeout_ms(1);
    assert_eq!(cfg.timeout_ms, 30_000);
    let mut cpe = CpeSession::new(inform("I1", 1), cfg).unwrap();
    post(&mut cpe, 1_000);
    assert_eq!(cpe.phase(), CpePhase::AwaitingResponse { deadline: 31_000 });
    assert_eq!(cpe.deadline(), Some(31_000));
    assert_eq!(cpe.poll(30_999), None);
    assert_eq!(cpe.poll(31_000), Some(&SessionEnd::TimedOut));

    let mut acs = AcsSession::new(cfg, 0);
    acs.receive(0, msg(vec![inform("I1", 1)])).unwrap();
    acs.respond(acs_answer(&inform("I1", 1), 1)).unwrap();
    acs.reply(10).unwrap();
    assert_eq!(acs.deadline(), Some(30_010));
    assert_eq!(acs.poll(30_009), None);
    assert_eq!(acs.poll(30_010), Some(&SessionEnd::TimedOut));

    let mut cpe = CpeSession::new(inform("I1", 1), cfg).unwrap();
    post(&mut cpe, 0);
    cpe.http_failed();
    assert_eq!(close(&mut cpe, 1).0, SessionEnd::TransportFailed);
}

#[test]
fn acs_closed_early_is_a_failure() {
    let mut acs = AcsSession::new(SessionConfig::default(), 0);
    acs.queue(gpv("A1")).unwrap();
    acs.receive(0, msg(vec![inform("I1", 1)])).unwrap();
    acs.respond(acs_answer(&inform("I1", 1), 1)).unwrap();
    acs.reply(1).unwrap();
    assert_eq!(acs.closed(2), &SessionEnd::TransportFailed);
}

// ---- Peer violations ----

/// An ACS whose first reply carried the InformResponse and GetParameterValues `A1`.
fn acs_after_inform(hold: bool) -> AcsSession {
    let mut acs = AcsSession::new(SessionConfig::default(), 0);
    acs.queue(gpv("A1")).unwrap();
    acs.receive(0, msg(vec![inform("I1", 2)])).unwrap();
    acs.respond(acs_answer(&inform("I1", 2), 3)).unwrap();
    acs.set_hold_requests(hold);
    assert_eq!(acs.reply(1).unwrap().message.envelopes.len(), 2);
    acs
}

fn assert_acs_violation(
    mut acs: AcsSession,
    body: Message<'static>,
    kind: SessionErrorKind,
    fault: Option<FaultCode>,
    fault_id: Option<&str>,
) {
    let e = acs.receive(2, body).unwrap_err();
    assert!(e.is_violation());
    assert_eq!(e.kind(), &kind);
    assert_eq!(e.fault(), fault);
    let reply = acs.reply(3).unwrap();
    assert!(reply.end);
    match fault_id {
        Some(id) => {
            let f = &reply.message.envelopes[0];
            assert_eq!(f.header.id.as_deref(), Some(id));
            assert!(matches!(&f.body, Body::Fault(x) if x.code() == fault));
        }
        None => assert!(reply.message.is_empty()),
    }
    assert!(matches!(acs.end(), Some(SessionEnd::Violation(v)) if v == &e));
}

#[test]
fn acs_violation_first_post_not_inform() {
    for body in [
        Message::default(),
        msg(vec![transfer_complete("T1")]),
        msg(vec![inform("I1", 1), transfer_complete("T1")]),
    ] {
        let single_request = body.envelopes.len() == 1;
        assert_acs_violation(
            AcsSession::new(SessionConfig::default(), 0),
            body,
            SessionErrorKind::InformExpected,
            Some(FaultCode::AcsRequestDenied),
            single_request.then_some("T1"),
        );
    }
}

#[test]
fn acs_violation_second_inform() {
    assert_acs_violation(
        acs_after_inform(false),
        msg(vec![inform("I2", 1)]),
        SessionErrorKind::SecondInform,
        Some(FaultCode::AcsRequestDenied),
        Some("I2"),
    );
}

#[test]
fn acs_violation_request_while_held() {
    assert_acs_violation(
        acs_after_inform(true),
        msg(vec![transfer_complete("T1")]),
        SessionErrorKind::RequestWhileHeld {
            method: "TransferComplete".into(),
        },
        Some(FaultCode::AcsRequestDenied),
        Some("T1"),
    );
}

#[test]
fn acs_violation_unknown_and_out_of_order_ids() {
    let answer = |id: &str| {
        Envelope::new(
            V,
            id.to_owned(),
            Body::GetParameterValuesResponse(GetParameterValuesResponse::default()),
        )
    };
    assert_acs_violation(
        acs_after_inform(false),
        msg(vec![answer("nope")]),
        SessionErrorKind::UnknownId {
            id: Some("nope".into()),
        },
        None,
        None,
    );
    let fault = Envelope::new(
        V,
        "nope",
        Body::Fault(Fault::cwmp(FaultCode::InternalError, "x")),
    );
    assert_acs_violation(
        acs_after_inform(false),
        msg(vec![fault]),
        SessionErrorKind::UnknownId {
            id: Some("nope".into()),
        },
        None,
        None,
    );
    // Two requests out (the CPE accepts 3 per response): the second answered first.
    let mut acs = AcsSession::new(SessionConfig::default(), 0);
    acs.queue(gpv("A1")).unwrap();
    acs.queue(gpv("A2")).unwrap();
    acs.receive(0, msg(vec![inform("I1", 3)])).unwrap();
    acs.respond(acs_answer(&inform("I1", 3), 3)).unwrap();
    assert_eq!(acs.reply(1).unwrap().message.envelopes.len(), 3);
    assert_acs_violation(
        acs,
        msg(vec![answer("A2")]),
        SessionErrorKind::ResponseOutOfOrder {
            id: "A2".into(),
            expected: "A1".into(),
        },
        None,
        None,
    );
    // The right ID with the wrong method.
    let wrong = Envelope::new(V, "A1", Body::RebootResponse(RebootResponse {}));
    assert_acs_violation(
        acs_after_inform(false),
        msg(vec![wrong]),
        SessionErrorKind::MismatchedResponse {
            expected: "GetParameterValues".into(),
            got: "RebootResponse".into(),
        },
        None,
        None,
    );
}

#[test]
fn acs_violation_request_after_no_more_requests() {
    let mut said = Envelope::new(
        V,
        "A1",
        Body::GetParameterValuesResponse(GetParameterValuesResponse::default()),
    );
    said.header.no_more_requests = Some(true);
    // Said on the last answer, with nothing left on either side: the ACS's empty reply ends
    // the session.
    let mut acs = acs_after_inform(false);
    acs.receive(2, msg(vec![said.clone()])).unwrap();
    let reply = acs.reply(3).unwrap();
    assert_eq!((reply.status(), reply.end), (204, true));
    assert_eq!(acs.end(), Some(&SessionEnd::Completed));
    // A request after it in the same body is a violation.
    assert_acs_violation(
        acs_after_inform(false),
        msg(vec![said, transfer_complete("T1")]),
        SessionErrorKind::RequestAfterNoMoreRequests {
            method: "TransferComplete".into(),
        },
        Some(FaultCode::AcsRequestDenied),
        Some("T1"),
    );
}

#[test]
fn acs_violation_too_many_envelopes_and_withheld_responses() {
    let mut acs = AcsSession::new(SessionConfig::default(), 0);
    acs.queue(gpv("A1")).unwrap();
    acs.receive(0, msg(vec![inform("I1", 2)])).unwrap();
    acs.respond(acs_answer(&inform("I1", 2), 1)).unwrap();
    acs.reply(1).unwrap();
    assert_acs_violation(
        acs.clone(),
        msg(vec![transfer_complete("T1"), transfer_complete("T2")]),
        SessionErrorKind::TooManyEnvelopes { max: 1, got: 2 },
        Some(FaultCode::AcsResourcesExceeded),
        None,
    );
    assert_acs_violation(
        acs,
        Message::default(),
        SessionErrorKind::ResponsesWithheld { owed: 1 },
        None,
        None,
    );
}

#[test]
fn acs_violation_unparsable_body() {
    let mut acs = acs_after_inform(false);
    let e = acs.receive_bytes(2, b"<not-xml").unwrap_err();
    assert!(matches!(e.kind(), SessionErrorKind::Unparsable(_)));
    assert_eq!(e.fault(), Some(FaultCode::AcsInvalidArguments));
    let reply = acs.reply(3).unwrap();
    assert!(reply.end && reply.message.is_empty());
}

fn assert_cpe_violation(
    mut cpe: CpeSession,
    body: Message<'static>,
    kind: SessionErrorKind,
    fault: Option<FaultCode>,
) {
    let e = cpe.receive(5, body).unwrap_err();
    assert!(e.is_violation());
    assert_eq!(e.kind(), &kind);
    assert_eq!(e.fault(), fault);
    assert_eq!(
        close(&mut cpe, 6),
        (SessionEnd::Violation(e), AfterSession::Nothing)
    );
}

#[test]
fn cpe_violations() {
    let fresh = || {
        let mut cpe = CpeSession::new(inform("I1", 1), SessionConfig::default()).unwrap();
        post(&mut cpe, 0);
        cpe
    };
    assert_cpe_violation(
        fresh(),
        Message::default(),
        SessionErrorKind::InformNotAnswered,
        None,
    );
    assert_cpe_violation(
        fresh(),
        msg(vec![gpv("A1")]),
        SessionErrorKind::InformNotAnswered,
        None,
    );
    assert_cpe_violation(
        fresh(),
        msg(vec![inform_response("I1", 1), gpv("A1")]),
        SessionErrorKind::TooManyEnvelopes { max: 1, got: 2 },
        Some(FaultCode::ResourcesExceeded),
    );
    assert_cpe_violation(
        fresh(),
        msg(vec![inform_response("other", 1)]),
        SessionErrorKind::UnknownId {
            id: Some("other".into()),
        },
        None,
    );
    // A request after the ACS said NoMoreRequests.
    let (mut cpe, _) = cpe_in_session(1, &[], vec![inform_response("I1", 1)]);
    post(&mut cpe, 2);
    let mut last = gpv("A1");
    last.header.no_more_requests = Some(true);
    let incoming = cpe.receive(3, msg(vec![last])).unwrap();
    answer_all(&mut cpe, &incoming);
    // It asked its last request; the CPE answers, and must not get another.
    let mut cpe2 = cpe.clone();
    post(&mut cpe2, 4);
    assert_cpe_violation(
        cpe2,
        msg(vec![gpv("A2")]),
        SessionErrorKind::RequestAfterNoMoreRequests {
            method: "GetParameterValues".into(),
        },
        Some(FaultCode::RequestDenied),
    );
    // An empty response while the CPE waits for the answer to its request.
    let (mut cpe, _) = cpe_in_session(1, &[rpc_methods("T1")], vec![inform_response("I1", 1)]);
    post(&mut cpe, 2);
    assert_cpe_violation(
        cpe,
        Message::default(),
        SessionErrorKind::ResponsesWithheld { owed: 1 },
        None,
    );
    // A body that does not parse.
    let mut cpe = fresh();
    let e = cpe.receive_bytes(1, b"<SOAP-ENV:Envelope").unwrap_err();
    assert!(matches!(e.kind(), SessionErrorKind::Unparsable(_)));
    assert_eq!(e.fault(), Some(FaultCode::InvalidArguments));
    assert!(matches!(close(&mut cpe, 2).0, SessionEnd::Violation(_)));
}

#[test]
fn misuse_changes_nothing() {
    let mut cpe = CpeSession::new(inform("I1", 1), SessionConfig::default()).unwrap();
    assert!(cpe.queue(inform("I2", 1)).is_err());
    assert!(
        cpe.queue(Envelope {
            header: Default::default(),
            ..gpv("x")
        })
        .is_err()
    );
    cpe.queue(rpc_methods("T1")).unwrap();
    assert_eq!(
        cpe.queue(rpc_methods("T1")).unwrap_err().kind(),
        &SessionErrorKind::BadRequestId("T1".into())
    );
    let before = cpe.clone();
    assert!(cpe.receive(0, Message::default()).is_err());
    assert!(
        cpe.respond(Body::RebootResponse(RebootResponse {}))
            .is_err()
    );
    assert_eq!(cpe, before);
    post(&mut cpe, 0);
    assert!(!cpe.next_action(1).unwrap_err().is_violation());

    let mut acs = AcsSession::new(SessionConfig::default(), 0);
    assert!(acs.reply(0).is_err());
    acs.receive(0, msg(vec![inform("I1", 1)])).unwrap();
    assert_eq!(
        acs.reply(0).unwrap_err().kind(),
        &SessionErrorKind::Unanswered(1)
    );
    assert_eq!(
        acs.respond(Body::RebootResponse(RebootResponse {}))
            .unwrap_err()
            .kind(),
        &SessionErrorKind::WrongAnswer {
            request: "Inform".into(),
            answer: "RebootResponse".into()
        }
    );
    assert!(acs.receive(0, Message::default()).is_err());
}

#[test]
fn cpe_request_queued_after_the_final_empty_post_waits() {
    let (mut cpe, _) = cpe_in_session(1, &[], vec![inform_response("I1", 1)]);
    assert!(post(&mut cpe, 2).is_empty());
    cpe.queue(rpc_methods("late")).unwrap();
    cpe.receive(3, Message::default()).unwrap();
    assert_eq!(close(&mut cpe, 4).0, SessionEnd::Completed);
    assert_eq!(ids(&cpe.unsent().cloned().collect::<Vec<_>>()), ["late"]);
}

/// Fuzz finding (`cwmp_session`): an InformResponse announcing MaxEnvelopes 255 made the CPE
/// post more envelopes than a reader with default limits accepts (64).
#[test]
fn fuzz_regression_large_max_envelopes_stay_within_default_limits() {
    let queued: Vec<Envelope<'static>> = (0..70).map(|i| rpc_methods(&format!("T{i}"))).collect();
    let (mut cpe, _) = cpe_in_session(1, &queued, vec![inform_response("I1", 255)]);
    let m = post(&mut cpe, 2);
    assert_eq!(m.envelopes.len(), 64);
    assert_eq!(Message::parse(&m.to_vec()).unwrap().envelopes.len(), 64);
}

// ---- Resumable state ----

#[cfg(feature = "serde")]
#[test]
fn resumed_after_every_step_ends_the_same() {
    let scripts = [
        Script::default(),
        Script {
            cpe_max: 3,
            acs_max: 2,
            acs_requests: vec![gpv("A1"), reboot("A2"), gpv("A3"), rpc_methods("A4")],
            cpe_requests: vec![transfer_complete("T1"), rpc_methods("T2")],
            hold: vec![true, false],
            ..Script::default()
        },
        Script {
            acs_requests: many_gpv(3),
            cpe_requests: vec![transfer_complete("T1")],
            acs_no_more: true,
            cpe_no_more: true,
            ..Script::default()
        },
    ];
    for s in scripts {
        let plain = run(&s);
        let resumed = run(&Script {
            resume: true,
            ..s.clone()
        });
        assert_eq!(plain, resumed);
        check_complete(&s, &plain);
    }
}

#[cfg(feature = "serde")]
#[test]
fn serialized_state_is_plain_data() {
    let acs = acs_after_inform(true);
    let json = serde_json::to_value(&acs).unwrap();
    assert_eq!(json["cpe_max"], 2);
    assert_eq!(json["ledger"]["outstanding"][0]["id"], "A1");
    let back: AcsSession = serde_json::from_value(json).unwrap();
    assert_eq!(back, acs);
    // A violation survives too.
    let mut cpe = CpeSession::new(inform("I1", 1), SessionConfig::default()).unwrap();
    post(&mut cpe, 0);
    let _ = cpe.receive(1, Message::default());
    let back: CpeSession = serde_json::from_str(&serde_json::to_string(&cpe).unwrap()).unwrap();
    assert_eq!(back, cpe);
}

#[test]
fn incoming_envelope_accessor() {
    let e = gpv("A1");
    let i = Incoming::Request(e.clone());
    assert_eq!(i.envelope(), &e);
    let _ = Cow::<str>::Borrowed("");
}
