//! A whole periodic-Inform session through both session machines, parse and write included:
//! the CPE posts the standard's periodic Inform, the ACS answers InformResponse, the CPE posts
//! empty, the ACS answers 204. A second case adds one GetParameterValues round trip. The
//! throughput is the bytes that crossed the wire.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cwmp_codec::{
    AcsSession, Body, CpeAction, CpeSession, Envelope, GetParameterValues,
    GetParameterValuesResponse, Incoming, InformResponse, SessionConfig,
};

const INFORM: &[u8] = include_bytes!("../../cwmp-codec/tests/vectors/spec/inform-igd-periodic.xml");

/// Runs one session; returns the bytes on the wire.
fn session(inform: &Envelope<'static>, acs_requests: &[Envelope<'static>]) -> usize {
    let cfg = SessionConfig::default();
    let mut cpe = CpeSession::new(inform.clone(), cfg).unwrap();
    let mut acs = AcsSession::new(cfg, 0);
    for r in acs_requests {
        acs.queue(r.clone()).unwrap();
    }
    let mut wire = 0;
    let mut now = 0;
    loop {
        now += 1;
        match cpe.next_action(now).unwrap() {
            CpeAction::Post(m) => {
                let post = m.to_vec();
                wire += post.len();
                for i in acs.receive_bytes(now, &post).unwrap() {
                    if let Incoming::Request(e) = i {
                        let answer = match e.body {
                            Body::Inform(_) => {
                                Body::InformResponse(InformResponse { max_envelopes: 1 })
                            }
                            _ => unreachable!(),
                        };
                        acs.respond(answer).unwrap();
                    }
                }
                let reply = acs.reply(now).unwrap().message.to_vec();
                wire += reply.len();
                for i in cpe.receive_bytes(now, &reply).unwrap() {
                    if let Incoming::Request(_) = i {
                        cpe.respond(Body::GetParameterValuesResponse(
                            GetParameterValuesResponse::default(),
                        ))
                        .unwrap();
                    }
                }
            }
            CpeAction::Close { end, .. } => {
                assert!(end.is_completed());
                return wire;
            }
            _ => unreachable!(),
        }
    }
}

fn bench(c: &mut Criterion) {
    let inform = Envelope::parse(INFORM).unwrap().into_owned();
    let gpv = Envelope::new(
        inform.version,
        "gpv-1",
        Body::GetParameterValues(GetParameterValues {
            parameter_names: vec!["InternetGatewayDevice.DeviceInfo.".into()],
        }),
    );
    let mut group = c.benchmark_group("session");
    for (name, requests) in [
        ("periodic-inform", vec![]),
        ("periodic-inform+gpv", vec![gpv]),
    ] {
        let bytes = session(&inform, &requests);
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(name, |b| {
            b.iter(|| session(black_box(&inform), black_box(&requests)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
