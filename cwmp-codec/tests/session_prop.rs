//! Property: a CpeSession and an AcsSession wired together through bytes, with random request
//! queues on both sides (some queued mid-session), random MaxEnvelopes, random HoldRequests
//! toggling and random NoMoreRequests, always terminate cleanly, never deadlock, keep every
//! HTTP body within MaxEnvelopes, and every request sent gets exactly one response or fault,
//! in order.

use cwmp_codec::{
    AcsSession, Body, CpeAction, CpeSession, CwmpVersion, DateTimeText, Envelope, Fault, FaultCode,
    GetParameterValues, GetParameterValuesResponse, GetRpcMethods, GetRpcMethodsResponse, Incoming,
    Inform, InformResponse, Message, Reboot, RebootResponse, RequestDownload, SessionConfig,
    SessionEnd, SetParameterValues, TransferComplete, TransferCompleteResponse,
};
use proptest::prelude::*;

const V: CwmpVersion = CwmpVersion::V1_2;

fn acs_request(kind: u8, id: String) -> Envelope<'static> {
    let body = match kind % 4 {
        0 => Body::GetParameterValues(GetParameterValues {
            parameter_names: vec!["Device.".into()],
        }),
        1 => Body::GetRpcMethods(GetRpcMethods {}),
        2 => Body::SetParameterValues(SetParameterValues::default()),
        _ => Body::Reboot(Reboot {
            command_key: "k".into(),
        }),
    };
    Envelope::new(V, id, body)
}

fn cpe_request(kind: u8, id: String) -> Envelope<'static> {
    let body = match kind % 3 {
        0 => Body::TransferComplete(TransferComplete {
            start_time: DateTimeText {
                text: "2024-01-01T00:00:00Z".into(),
            },
            complete_time: DateTimeText {
                text: "2024-01-01T00:00:01Z".into(),
            },
            ..TransferComplete::default()
        }),
        1 => Body::GetRpcMethods(GetRpcMethods {}),
        _ => Body::RequestDownload(RequestDownload::default()),
    };
    Envelope::new(V, id, body)
}

fn cpe_answer(request: &Envelope<'_>) -> Body<'static> {
    match &request.body {
        Body::GetParameterValues(_) => {
            Body::GetParameterValuesResponse(GetParameterValuesResponse::default())
        }
        Body::GetRpcMethods(_) => Body::GetRpcMethodsResponse(GetRpcMethodsResponse::default()),
        Body::Reboot(_) => Body::RebootResponse(RebootResponse {}),
        _ => Body::Fault(Fault::cwmp(FaultCode::InvalidParameterName, "no")),
    }
}

fn acs_answer(request: &Envelope<'_>, acs_max: u32) -> Body<'static> {
    match &request.body {
        Body::Inform(_) => Body::InformResponse(InformResponse {
            max_envelopes: acs_max,
        }),
        Body::TransferComplete(_) => Body::TransferCompleteResponse(TransferCompleteResponse {}),
        Body::GetRpcMethods(_) => Body::GetRpcMethodsResponse(GetRpcMethodsResponse::default()),
        _ => Body::Fault(Fault::cwmp(FaultCode::AcsMethodNotSupported, "no")),
    }
}

#[derive(Debug, Clone)]
struct Case {
    cpe_max: u32,
    acs_max: u32,
    acs_requests: Vec<u8>,
    cpe_requests: Vec<u8>,
    hold: Vec<bool>,
    acs_no_more: bool,
    cpe_no_more: bool,
    /// (at which ACS reply, request kinds) queued mid-session.
    acs_later: (usize, Vec<u8>),
    /// (at which CPE step, request kinds) queued mid-session.
    cpe_later: (usize, Vec<u8>),
    resume: bool,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (1u32..=3, 1u32..=3),
        prop::collection::vec(any::<u8>(), 0..6),
        prop::collection::vec(any::<u8>(), 0..4),
        prop::collection::vec(any::<bool>(), 1..6),
        (any::<bool>(), any::<bool>()),
        (0usize..6, prop::collection::vec(any::<u8>(), 0..3)),
        (0usize..6, prop::collection::vec(any::<u8>(), 0..3)),
        any::<bool>(),
    )
        .prop_map(
            |((cpe_max, acs_max), acs_requests, cpe_requests, hold, (an, cn), al, cl, resume)| {
                Case {
                    cpe_max,
                    acs_max,
                    acs_requests,
                    cpe_requests,
                    hold,
                    acs_no_more: an,
                    cpe_no_more: cn,
                    acs_later: al,
                    cpe_later: cl,
                    resume,
                }
            },
        )
}

#[cfg(feature = "serde")]
fn resume<T: serde::Serialize + serde::de::DeserializeOwned>(t: &mut T) {
    let json = serde_json::to_string(t).unwrap();
    *t = serde_json::from_str(&json).unwrap();
}

#[cfg(not(feature = "serde"))]
fn resume<T>(_: &mut T) {}

fn id_of(e: &Envelope<'_>) -> String {
    e.header.id.as_deref().unwrap_or_default().to_owned()
}

fn run(c: &Case) -> Result<(), TestCaseError> {
    let cfg = SessionConfig::default();
    let inform = Envelope::new(
        V,
        "inform",
        Body::Inform(Inform {
            max_envelopes: c.cpe_max,
            current_time: DateTimeText {
                text: "2024-01-01T00:00:00Z".into(),
            },
            ..Inform::default()
        }),
    );
    let mut cpe = CpeSession::new(inform, cfg).unwrap();
    let mut acs = AcsSession::new(cfg, 0);
    let (mut cpe_queued, mut acs_queued) = (Vec::new(), Vec::new());
    for (i, k) in c.cpe_requests.iter().enumerate() {
        let r = cpe_request(*k, format!("c{i}"));
        cpe.queue(r).unwrap();
        cpe_queued.push(format!("c{i}"));
    }
    for (i, k) in c.acs_requests.iter().enumerate() {
        acs.queue(acs_request(*k, format!("a{i}"))).unwrap();
        acs_queued.push(format!("a{i}"));
    }
    if c.cpe_no_more {
        cpe.no_more_requests();
    }
    if c.acs_no_more {
        acs.no_more_requests();
    }
    let (mut cpe_got, mut acs_got) = (Vec::new(), Vec::new());
    let mut now = 0u64;
    let mut replies = 0usize;
    let mut first = true;
    for step in 0..500usize {
        now += 100;
        if c.resume {
            resume(&mut cpe);
            resume(&mut acs);
        }
        if step == c.cpe_later.0 {
            for (i, k) in c.cpe_later.1.iter().enumerate() {
                let id = format!("cl{i}");
                if cpe.queue(cpe_request(*k, id.clone())).is_ok() {
                    cpe_queued.push(id);
                }
            }
        }
        match cpe.next_action(now).unwrap() {
            CpeAction::Post(m) => {
                if !first {
                    prop_assert!(m.envelopes.len() <= c.acs_max as usize);
                }
                first = false;
                let bytes = m.to_vec();
                let incoming = acs.receive_bytes(now, &bytes).unwrap();
                for i in &incoming {
                    match i {
                        Incoming::Request(e) => acs.respond(acs_answer(e, c.acs_max)).unwrap(),
                        Incoming::Response { response, .. } => acs_got.push(id_of(response)),
                        _ => unreachable!(),
                    }
                }
                if replies == c.acs_later.0 {
                    for (i, k) in c.acs_later.1.iter().enumerate() {
                        let id = format!("al{i}");
                        if acs.queue(acs_request(*k, id.clone())).is_ok() {
                            acs_queued.push(id);
                        }
                    }
                }
                acs.set_hold_requests(c.hold[replies % c.hold.len()]);
                replies += 1;
                if c.resume {
                    resume(&mut acs);
                }
                let reply = acs.reply(now).unwrap();
                prop_assert!(reply.message.envelopes.len() <= c.cpe_max as usize);
                let bytes = reply.message.to_vec();
                let incoming = cpe.receive_bytes(now + 50, &bytes).unwrap();
                for i in &incoming {
                    match i {
                        Incoming::Request(e) => cpe.respond(cpe_answer(e)).unwrap(),
                        Incoming::Response { response, .. } => cpe_got.push(id_of(response)),
                        _ => unreachable!(),
                    }
                }
            }
            CpeAction::Close { end, .. } => {
                prop_assert_eq!(end, SessionEnd::Completed);
                let acs_end = match acs.end() {
                    Some(e) => e.clone(),
                    None => acs.closed(now).clone(),
                };
                prop_assert_eq!(acs_end, SessionEnd::Completed);
                // Every request sent got exactly one answer, in order; the CPE's requests
                // queued after it had decided to end wait for the next session.
                prop_assert_eq!(&acs_got, &acs_queued);
                prop_assert_eq!(cpe_got.first().map(String::as_str), Some("inform"));
                let mut answered_and_unsent: Vec<String> = cpe_got[1..].to_vec();
                answered_and_unsent.extend(cpe.unsent().map(id_of));
                prop_assert_eq!(&answered_and_unsent, &cpe_queued);
                return Ok(());
            }
            _ => unreachable!(),
        }
    }
    Err(TestCaseError::fail(format!(
        "no end after 500 exchanges: {c:?}"
    )))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn wired_sessions_always_end_cleanly(c in case()) {
        run(&c)?;
    }
}

#[test]
fn message_type_is_used() {
    assert!(Message::default().is_empty());
}
