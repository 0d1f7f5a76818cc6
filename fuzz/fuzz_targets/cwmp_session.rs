//! Arbitrary sequences of envelopes, raw bodies and empty bodies, mixed with the caller's own
//! calls, fed to a CpeSession or an AcsSession: the machine never panics, and after every step
//! it is over, or it is the caller's turn and answering what is owed lets it go on, or it waits
//! for the peer with a deadline at which `poll` ends it. Never stuck, never waiting forever.
#![no_main]

use arbitrary::Arbitrary;
use cwmp_codec::{
    AcsPhase, AcsSession, Body, CpeAction, CpePhase, CpeSession, CwmpVersion, Envelope, Fault,
    FaultCode, GetRpcMethods, GetRpcMethodsResponse, Inform, InformResponse, Message,
    SessionConfig,
};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Op<'a> {
    /// The peer's envelopes, as generated.
    Envelopes(Vec<Envelope<'a>>),
    /// The peer's body as bytes.
    Bytes(&'a [u8]),
    /// An empty body.
    Empty,
    /// The peer's answer to one of this side's requests (`inform` or `q<n>`), or an Inform.
    Answer {
        to: u8,
        fault: bool,
        hold: bool,
        no_more: bool,
        max: u8,
    },
    /// The caller answers the oldest request of the peer.
    Respond(bool),
    /// The caller queues a request.
    Queue,
    NoMore,
    Hold(bool),
    /// The caller asks what to send.
    Next,
    Advance(u16),
    HttpFailed,
    Closed,
}

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    acs: bool,
    max: u8,
    ops: Vec<Op<'a>>,
}

const V: CwmpVersion = CwmpVersion::V1_0;

fn fault() -> Body<'static> {
    Body::Fault(Fault::cwmp(FaultCode::InternalError, "x"))
}

fn answer(
    to: u8,
    fault_it: bool,
    hold: bool,
    no_more: bool,
    max: u8,
    queued: u8,
) -> Envelope<'static> {
    let (to, queued) = (u16::from(to), u16::from(queued));
    let n = to % (queued + 2);
    let mut e = if n == queued + 1 {
        let inform = Inform {
            max_envelopes: u32::from(max),
            ..Inform::default()
        };
        Envelope::new(V, "cpe-inform", Body::Inform(inform))
    } else if n == queued {
        let body = if fault_it {
            fault()
        } else {
            Body::InformResponse(InformResponse {
                max_envelopes: u32::from(max),
            })
        };
        Envelope::new(V, "inform", body)
    } else {
        let body = if fault_it {
            fault()
        } else {
            Body::GetRpcMethodsResponse(GetRpcMethodsResponse::default())
        };
        Envelope::new(V, format!("q{n}"), body)
    };
    e.header.hold_requests = hold.then_some(true);
    e.header.no_more_requests = no_more.then_some(true);
    e
}

fn check_cpe(cpe: &CpeSession, now: u64) {
    match cpe.phase() {
        CpePhase::Ended => {
            let mut c = cpe.clone();
            assert!(matches!(c.next_action(now), Ok(CpeAction::Close { .. })));
        }
        CpePhase::AwaitingResponse { deadline } => {
            assert_eq!(cpe.deadline(), Some(deadline));
            let mut c = cpe.clone();
            assert!(
                c.poll(deadline.max(now)).is_some(),
                "waits past its deadline"
            );
        }
        CpePhase::Ready => {
            let mut c = cpe.clone();
            for _ in 0..200 {
                if c.respond(fault()).is_err() {
                    break;
                }
            }
            if let Err(e) = c.next_action(now) {
                panic!("stuck on the caller's turn: {e}");
            }
        }
        _ => unreachable!(),
    }
}

fn check_acs(acs: &AcsSession, now: u64) {
    match acs.phase() {
        AcsPhase::Ended => assert!(acs.end().is_some()),
        AcsPhase::AwaitingPost { deadline } => {
            let mut c = acs.clone();
            assert!(
                c.poll(deadline.max(now)).is_some(),
                "waits past its deadline"
            );
        }
        AcsPhase::Replying => {
            let mut c = acs.clone();
            for _ in 0..200 {
                if c.respond(fault()).is_err() {
                    break;
                }
            }
            if let Err(e) = c.reply(now) {
                panic!("stuck on the caller's turn: {e}");
            }
        }
        _ => unreachable!(),
    }
}

fuzz_target!(|input: Input<'_>| {
    let cfg = SessionConfig::default();
    let mut now = 0u64;
    let mut queued = 0u8;
    let queue = |queued: &mut u8| {
        let e = Envelope::new(
            V,
            format!("q{queued}"),
            Body::GetRpcMethods(GetRpcMethods {}),
        );
        *queued = queued.saturating_add(1);
        e
    };
    if input.acs {
        let mut acs = AcsSession::new(cfg, now);
        for op in input.ops {
            match op {
                Op::Envelopes(envelopes) => {
                    let _ = acs.receive(now, Message { envelopes });
                }
                Op::Bytes(b) => {
                    let _ = acs.receive_bytes(now, b);
                }
                Op::Empty => {
                    let _ = acs.receive(now, Message::default());
                }
                Op::Answer {
                    to,
                    fault,
                    hold,
                    no_more,
                    max,
                } => {
                    let e = answer(to, fault, hold, no_more, max, queued);
                    let _ = acs.receive(now, Message { envelopes: vec![e] });
                }
                Op::Respond(ok) => {
                    let body = if ok {
                        Body::InformResponse(InformResponse {
                            max_envelopes: u32::from(input.max),
                        })
                    } else {
                        fault()
                    };
                    let _ = acs.respond(body);
                }
                Op::Queue => {
                    let _ = acs.queue(queue(&mut queued));
                }
                Op::NoMore => acs.no_more_requests(),
                Op::Hold(h) => acs.set_hold_requests(h),
                Op::Next => {
                    if let Ok(reply) = acs.reply(now) {
                        assert!(reply.end || acs.deadline().is_some());
                        let _ = Message::parse(&reply.message.to_vec()).expect("reply parses");
                    }
                }
                Op::Advance(ms) => now += u64::from(ms) * 16,
                Op::HttpFailed => {
                    let _ = acs.poll(now);
                }
                Op::Closed => {
                    let _ = acs.closed(now);
                }
            }
            check_acs(&acs, now);
        }
    } else {
        let inform = Envelope::new(
            V,
            "inform",
            Body::Inform(Inform {
                max_envelopes: u32::from(input.max),
                ..Inform::default()
            }),
        );
        let Ok(mut cpe) = CpeSession::new(inform, cfg) else {
            panic!("a valid Inform is refused");
        };
        for op in input.ops {
            match op {
                Op::Envelopes(envelopes) => {
                    let _ = cpe.receive(now, Message { envelopes });
                }
                Op::Bytes(b) => {
                    let _ = cpe.receive_bytes(now, b);
                }
                Op::Empty => {
                    let _ = cpe.receive(now, Message::default());
                }
                Op::Answer {
                    to,
                    fault,
                    hold,
                    no_more,
                    max,
                } => {
                    let e = answer(to, fault, hold, no_more, max, queued);
                    let _ = cpe.receive(now, Message { envelopes: vec![e] });
                }
                Op::Respond(_) => {
                    let _ = cpe.respond(fault());
                }
                Op::Queue => {
                    let _ = cpe.queue(queue(&mut queued));
                }
                Op::NoMore => cpe.no_more_requests(),
                Op::Hold(_) | Op::Closed => {
                    let _ = cpe.poll(now);
                }
                Op::Next => {
                    if let Ok(CpeAction::Post(m)) = cpe.next_action(now) {
                        assert!(cpe.deadline().is_some());
                        let _ = Message::parse(&m.to_vec()).expect("post parses");
                    }
                }
                Op::Advance(ms) => now += u64::from(ms) * 16,
                Op::HttpFailed => cpe.http_failed(),
            }
            check_cpe(&cpe, now);
        }
    }
});
