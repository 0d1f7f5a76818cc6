//! Connection Requests: the HTTP gate (rate limit, a request during a session) and the UDP
//! Connection Request of TR-069 Annex G (message, HMAC-SHA1 signature, every rejection).

use cwmp_codec::{
    ConnectionRequestGate, ConnectionRequestOutcome, ConnectionRequestRejection, RateLimit, Secret,
    UdpConnectionRequest, UdpErrorKind, UdpRejection, UdpRequestVerifier,
};

// ---- HTTP ----

#[test]
fn gate_rejections_each_with_its_status() {
    let mut gate = ConnectionRequestGate::new(RateLimit::new(2, 10_000));
    let e = gate.check(0, "POST", true, false).unwrap_err();
    assert_eq!(
        (e, e.status()),
        (ConnectionRequestRejection::MethodNotAllowed, 405)
    );
    let e = gate.check(0, "GET", false, false).unwrap_err();
    assert_eq!(
        (e, e.status()),
        (ConnectionRequestRejection::Unauthorized, 401)
    );
    // Refused requests did not count: two are accepted, the third is over the limit.
    let ok = gate.check(0, "GET", true, false).unwrap();
    assert_eq!(
        (ok, ok.status()),
        (ConnectionRequestOutcome::StartSession, 200)
    );
    gate.check(5_000, "GET", true, false).unwrap();
    let e = gate.check(9_999, "GET", true, false).unwrap_err();
    assert_eq!(
        (e, e.status()),
        (
            ConnectionRequestRejection::RateLimited { retry_at: 10_000 },
            503
        )
    );
    // The window slides.
    assert!(gate.check(10_000, "GET", true, false).is_ok());
    assert!(gate.check(10_001, "GET", true, false).is_err());
    assert!(gate.check(15_000, "GET", true, false).is_ok());
}

#[test]
fn gate_request_during_a_session_does_not_end_it() {
    let mut gate = ConnectionRequestGate::default();
    assert!(!gate.session_ended());
    assert_eq!(
        gate.check(0, "GET", true, true),
        Ok(ConnectionRequestOutcome::AfterCurrentSession)
    );
    // Two during one session: one new session.
    assert_eq!(
        gate.check(1, "GET", true, true),
        Ok(ConnectionRequestOutcome::AfterCurrentSession)
    );
    assert!(gate.session_ended());
    assert!(!gate.session_ended());
}

// ---- UDP (Annex G) ----

const PASSWORD: &str = "s3cret";

/// HMAC-SHA1 of "1120673700" "1234" "CPE57689" "XTGRWIPC6D3IPXS3" keyed "s3cret", computed
/// apart from the crate with
/// `printf '%s' 11206737001234CPE57689XTGRWIPC6D3IPXS3 | openssl dgst -sha1 -hmac s3cret`.
const KNOWN_SIG: &str = "1f412f601f86a31f047ce1c0d2986506accd0f39";

/// The same for ts 1700000000, id 42, un "user name", cn "a/b+c", key "p@ss": the values
/// are signed decoded, and percent-encoded in the URI.
const KNOWN_SIG_ENCODED: &str = "9380d2033f42e15019bc254d7729e9b3a447043b";

fn known() -> String {
    format!(
        "GET http://10.1.1.1:8080?ts=1120673700&id=1234&un=CPE57689&cn=XTGRWIPC6D3IPXS3&sig={KNOWN_SIG} HTTP/1.1\r\nHost: 10.1.1.1:8080\r\n\r\n"
    )
}

#[test]
fn known_answer_signature() {
    let req = UdpConnectionRequest::signed(
        "10.1.1.1:8080",
        1_120_673_700,
        1234,
        "CPE57689",
        "XTGRWIPC6D3IPXS3",
        &Secret::new(PASSWORD),
    )
    .unwrap();
    assert_eq!(req.signature_hex(), KNOWN_SIG);
    assert_eq!(req.to_string(), known());
    assert_eq!(req.to_vec(), known().into_bytes());

    let text = known();
    let read = UdpConnectionRequest::parse(text.as_bytes()).unwrap();
    assert_eq!(read, req);
    assert_eq!(
        (
            read.authority(),
            read.ts(),
            read.id(),
            read.username(),
            read.cnonce()
        ),
        (
            "10.1.1.1:8080",
            1_120_673_700,
            1234,
            "CPE57689",
            "XTGRWIPC6D3IPXS3"
        )
    );
    assert!(read.verify_signature(&Secret::new(PASSWORD)));
    assert!(!read.verify_signature(&Secret::new("wrong")));
    // Upper-case hex (as TR-069's example writes it) reads the same.
    let upper = known().replace(KNOWN_SIG, &KNOWN_SIG.to_ascii_uppercase());
    assert_eq!(UdpConnectionRequest::parse(upper.as_bytes()).unwrap(), req);
}

#[test]
fn known_answer_with_percent_encoding() {
    let req = UdpConnectionRequest::signed(
        "[2001:db8::1]:7547",
        1_700_000_000,
        42,
        "user name",
        "a/b+c",
        &Secret::new("p@ss"),
    )
    .unwrap();
    assert_eq!(req.signature_hex(), KNOWN_SIG_ENCODED);
    let text = req.to_string();
    assert!(text.contains("&un=user%20name&cn=a%2Fb%2Bc&"), "{text}");
    let read = UdpConnectionRequest::parse(text.as_bytes()).unwrap();
    assert_eq!(read.username(), "user name");
    assert_eq!(read.cnonce(), "a/b+c");
    assert!(read.verify_signature(&Secret::new("p@ss")));
    assert_eq!(read.into_owned(), req);
}

#[test]
fn debug_does_not_show_the_password() {
    let v = UdpRequestVerifier::new("CPE57689", Secret::new(PASSWORD));
    assert!(!format!("{v:?}").contains(PASSWORD));
}

#[test]
fn every_rejection_reason() {
    let password = Secret::new(PASSWORD);
    let sign = |ts, id, un| {
        UdpConnectionRequest::signed("10.1.1.1:8080", ts, id, un, "nonce", &password).unwrap()
    };
    let mut cpe = UdpRequestVerifier::new("CPE57689", Secret::new(PASSWORD));

    // Wrong username, checked first (even with a good signature for it).
    assert_eq!(
        cpe.verify(&sign(10, 1, "someone")),
        Err(UdpRejection::WrongUsername("someone".into()))
    );
    // Bad signature: signed with another password.
    let forged = UdpConnectionRequest::signed(
        "10.1.1.1:8080",
        10,
        1,
        "CPE57689",
        "nonce",
        &Secret::new("guess"),
    )
    .unwrap();
    assert_eq!(cpe.verify(&forged), Err(UdpRejection::BadSignature));
    // A tampered field breaks the signature too.
    let tampered = known().replace("id=1234", "id=1235");
    let mut cpe2 = UdpRequestVerifier::new("CPE57689", Secret::new(PASSWORD));
    assert_eq!(
        cpe2.verify(&UdpConnectionRequest::parse(tampered.as_bytes()).unwrap()),
        Err(UdpRejection::BadSignature)
    );
    // Rejected messages left no trace: the first good one is accepted.
    assert_eq!(cpe.verify(&sign(10, 1, "CPE57689")), Ok(()));
    // The same message again (a retransmission or a replay): its ts is not newer.
    assert_eq!(
        cpe.verify(&sign(10, 1, "CPE57689")),
        Err(UdpRejection::StaleTimestamp { ts: 10, last: 10 })
    );
    assert_eq!(
        cpe.verify(&sign(9, 2, "CPE57689")),
        Err(UdpRejection::StaleTimestamp { ts: 9, last: 10 })
    );
    // A newer ts with an ID already seen.
    assert_eq!(
        cpe.verify(&sign(11, 1, "CPE57689")),
        Err(UdpRejection::ReplayedId(1))
    );
    assert_eq!(cpe.verify(&sign(11, 2, "CPE57689")), Ok(()));
}

#[test]
fn malformed_messages() {
    let good = known();
    let cases: Vec<(String, UdpErrorKind, &str)> = vec![
        (
            good.replace("GET ", "POST "),
            UdpErrorKind::NotGet,
            "method",
        ),
        (
            good.replace("HTTP/1.1\r\nHost", "HTTP/1.0\r\nHost"),
            UdpErrorKind::UnsupportedVersion,
            "version",
        ),
        (
            good.replace("http://", "https://"),
            UdpErrorKind::NotHttpUri,
            "uri",
        ),
        (
            good.replace("8080?ts", "8080ts"),
            UdpErrorKind::NotHttpUri,
            "uri",
        ),
        (
            good.replace("&cn=XTGRWIPC6D3IPXS3", ""),
            UdpErrorKind::MissingField("cn"),
            "cn",
        ),
        (
            good.replace("&id=1234", "&id=1234&id=5"),
            UdpErrorKind::DuplicateField("id"),
            "id",
        ),
        (
            good.replace("ts=1120673700", "ts=11206x3700"),
            UdpErrorKind::InvalidNumber,
            "ts",
        ),
        (
            good.replace("id=1234", "id=123456789012345678901"),
            UdpErrorKind::InvalidNumber,
            "id",
        ),
        (
            good.replace("sig=1f", "sig=zz"),
            UdpErrorKind::InvalidSignature,
            "sig",
        ),
        (
            good.replace("sig=1f", "sig="),
            UdpErrorKind::InvalidSignature,
            "sig",
        ),
        (
            good.replace("un=CPE57689", "un=CPE%5"),
            UdpErrorKind::InvalidEscape,
            "un",
        ),
        (
            good.replace("Host: ", "Host "),
            UdpErrorKind::MalformedHeader,
            "header",
        ),
        (
            good.trim_end().to_owned(),
            UdpErrorKind::Unterminated,
            "message",
        ),
        (
            format!("{good}body"),
            UdpErrorKind::TrailingContent,
            "message",
        ),
        (
            good.replace("GET http", "GET  http"),
            UdpErrorKind::MalformedRequestLine,
            "request line",
        ),
        (
            good.replace("Host", "Ho\u{1}st"),
            UdpErrorKind::InvalidCharacter,
            "message",
        ),
        (
            "x".repeat(2000),
            UdpErrorKind::TooLong { max: 1472 },
            "message",
        ),
    ];
    for (text, kind, location) in cases {
        let e = UdpConnectionRequest::parse(text.as_bytes())
            .err()
            .unwrap_or_else(|| panic!("accepted {text:?}"));
        assert_eq!((e.kind(), e.location()), (&kind, location), "{text:?}");
        assert!(e.offset() <= text.len());
        assert!(e.to_string().contains(" at byte "));
    }
    // A bare LF line end and a trailing slash in the URI are read.
    let lf = good.replace("\r\n", "\n").replace("8080?", "8080/?");
    assert!(UdpConnectionRequest::parse(lf.as_bytes()).is_ok());
    assert!(UdpConnectionRequest::signed("bad host", 1, 1, "u", "c", &Secret::new("p")).is_err());
}
