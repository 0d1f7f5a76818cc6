//! A whole periodic-Inform session through both session machines, parse and write included:
//! the CPE posts the standard's periodic Inform, the ACS answers InformResponse, the CPE posts
//! empty, the ACS answers 204. A second case adds one GetParameterValues round trip. The
//! throughput is the bytes that crossed the wire.
//!
//! The `udp_connreq_parse` groups time `UdpConnectionRequest::parse` (a hand parser) against
//! `nom`: a nom 8 parser of the same UDP Connection Request (TR-069 Annex G) doing the same
//! work (size and character checks, request line, `Host`-style header lines, the end of the
//! message, the five query fields with `%XX` decoding of `un` and `cn`, the two numbers and the
//! 40-digit signature). The crate README records the comparison and the decision.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use cwmp_codec::{
    AcsSession, Body, CpeAction, CpeSession, Envelope, GetParameterValues,
    GetParameterValuesResponse, Incoming, InformResponse, Secret, SessionConfig,
    UdpConnectionRequest,
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

mod nom_udp {
    //! The UDP Connection Request in nom:
    //! `GET http://host:port?ts=..&id=..&un=..&cn=..&sig=.. HTTP/1.1`, header lines, an empty
    //! line; CRLF or a bare LF as line ends. Borrows `un` and `cn` when nothing needs decoding,
    //! as the crate does.
    use std::borrow::Cow;

    use nom::branch::alt;
    use nom::bytes::complete::{tag, tag_no_case, take_till, take_while_m_n, take_while1};
    use nom::character::complete::char;
    use nom::combinator::{all_consuming, eof, map_res, opt, value};
    use nom::multi::{fill, fold_many0, many0_count};
    use nom::sequence::{delimited, preceded, terminated};
    use nom::{IResult, Parser};

    /// What the crate's parse yields.
    #[derive(Debug, PartialEq, Eq)]
    pub(crate) struct Request<'a> {
        pub(crate) authority: &'a str,
        pub(crate) ts: u64,
        pub(crate) id: u64,
        pub(crate) username: Cow<'a, str>,
        pub(crate) cnonce: Cow<'a, str>,
        pub(crate) signature: [u8; 20],
    }

    const NAMES: [&str; 5] = ["ts", "id", "un", "cn", "sig"];

    /// The five query fields, raw, and whether one came twice.
    #[derive(Clone, Copy, Default)]
    struct Fields<'a> {
        slots: [Option<&'a str>; 5],
        duplicate: bool,
    }

    impl<'a> Fields<'a> {
        fn with(mut self, (name, raw): (&'a str, &'a str)) -> Self {
            if let Some(slot) = NAMES
                .iter()
                .position(|n| *n == name)
                .and_then(|i| self.slots.get_mut(i))
            {
                self.duplicate |= slot.is_some();
                *slot = Some(raw);
            }
            self
        }
    }

    fn eol(i: &str) -> IResult<&str, ()> {
        value((), (opt(char('\r')), char('\n'))).parse(i)
    }

    fn pair(i: &str) -> IResult<&str, (&str, &str)> {
        (
            take_till(|c| matches!(c, '=' | '&' | ' ')),
            opt(preceded(char('='), take_till(|c| matches!(c, '&' | ' '))))
                .map(Option::unwrap_or_default),
        )
            .parse(i)
    }

    fn query(i: &str) -> IResult<&str, Fields<'_>> {
        let (i, first) = pair(i)?;
        let init = Fields::default().with(first);
        fold_many0(preceded(char('&'), pair), move || init, Fields::with).parse(i)
    }

    /// `GET http://host:port[/]?query HTTP/1.1`: the authority and the query fields.
    fn request_line(i: &str) -> IResult<&str, (&str, Fields<'_>)> {
        delimited(
            tag("GET "),
            (
                preceded(
                    tag_no_case("http://"),
                    terminated(
                        take_while1(|c| !matches!(c, '/' | '?' | '#' | ' ')),
                        opt(char('/')),
                    ),
                ),
                preceded(char('?'), query),
            ),
            (tag(" HTTP/1.1"), eol),
        )
        .parse(i)
    }

    fn header(i: &str) -> IResult<&str, ()> {
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        value(
            (),
            (
                take_while1(token),
                char(':'),
                take_till(|c| c == '\n'),
                char('\n'),
            ),
        )
        .parse(i)
    }

    fn message(i: &str) -> IResult<&str, (&str, Fields<'_>)> {
        terminated(request_line, (many0_count(header), eol, eof)).parse(i)
    }

    fn hex_byte(i: &str) -> IResult<&str, u8> {
        map_res(take_while_m_n(2, 2, |c: char| c.is_ascii_hexdigit()), |h| {
            u8::from_str_radix(h, 16)
        })
        .parse(i)
    }

    /// At most 20 decimal digits that fit 64 bits.
    fn decimal(i: &str) -> IResult<&str, u64> {
        map_res(
            take_while_m_n(1, 20, |c: char| c.is_ascii_digit()),
            str::parse,
        )
        .parse(i)
    }

    fn number(text: &str) -> Option<u64> {
        all_consuming(decimal).parse(text).ok().map(|(_, n)| n)
    }

    enum Piece<'a> {
        Byte(u8),
        Text(&'a str),
    }

    fn decode(text: &str) -> Option<Cow<'_, str>> {
        if !text.contains('%') {
            return Some(Cow::Borrowed(text));
        }
        let piece = alt((
            preceded(char('%'), hex_byte).map(Piece::Byte),
            take_while1(|c| c != '%').map(Piece::Text),
        ));
        let (_, bytes) = all_consuming(fold_many0(piece, Vec::new, |mut out, p| {
            match p {
                Piece::Byte(b) => out.push(b),
                Piece::Text(t) => out.extend_from_slice(t.as_bytes()),
            }
            out
        }))
        .parse(text)
        .ok()?;
        String::from_utf8(bytes).ok().map(Cow::Owned)
    }

    pub(crate) fn parse(input: &[u8]) -> Option<Request<'_>> {
        let allowed = |b: &u8| b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        if input.len() > 1472 || !input.iter().all(allowed) {
            return None;
        }
        let text = std::str::from_utf8(input).ok()?;
        let (_, (authority, fields)) = message(text).ok()?;
        let Fields {
            slots: [Some(ts), Some(id), Some(un), Some(cn), Some(sig)],
            duplicate: false,
        } = fields
        else {
            return None;
        };
        let mut signature = [0u8; 20];
        all_consuming(fill(hex_byte, &mut signature))
            .parse(sig)
            .ok()?;
        Some(Request {
            authority,
            ts: number(ts)?,
            id: number(id)?,
            username: decode(un)?,
            cnonce: decode(cn)?,
            signature,
        })
    }
}

/// The UDP Connection Request parsed by the crate and by the nom peer, in one group per message.
fn bench_udp(c: &mut Criterion) {
    let plain = UdpConnectionRequest::signed(
        "10.1.1.1:8080",
        1_120_673_700,
        1234,
        "CPE57689",
        "XTGRWIPC6D3IPXS3",
        &Secret::new("s3cret"),
    )
    .unwrap()
    .to_vec();
    let escaped = UdpConnectionRequest::signed(
        "[2001:db8::1]:7547",
        1_700_000_000,
        42,
        "user name",
        "a/b+c",
        &Secret::new("p@ss"),
    )
    .unwrap()
    .to_vec();
    for (name, input) in [("plain", plain), ("escaped", escaped)] {
        let hand = UdpConnectionRequest::parse(&input).unwrap();
        let peer = nom_udp::parse(&input).unwrap();
        assert_eq!(
            peer,
            nom_udp::Request {
                authority: hand.authority(),
                ts: hand.ts(),
                id: hand.id(),
                username: hand.username().into(),
                cnonce: hand.cnonce().into(),
                signature: hand.signature(),
            },
            "{name}: the peer reads what the crate reads"
        );
        let mut group = c.benchmark_group(format!("udp_connreq_parse/{name}"));
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function("cwmp-codec", |b| {
            b.iter(|| UdpConnectionRequest::parse(black_box(&input[..])).unwrap())
        });
        group.bench_function("nom", |b| {
            b.iter(|| nom_udp::parse(black_box(&input[..])).unwrap())
        });
        group.finish();
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

criterion_group!(benches, bench, bench_udp);
criterion_main!(benches);
