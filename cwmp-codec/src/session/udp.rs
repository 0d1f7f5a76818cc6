//! UDP Connection Request (TR-069 Annex G): the HTTP-over-UDP message, its HMAC-SHA1
//! signature, and the CPE's checks (username, signature, replays).
//!
//! # Why a hand parser
//!
//! The workspace uses nom where it reads clearer at equal speed. `benches/benches/session.rs` times
//! [`UdpConnectionRequest::parse`] against a nom 8 parser doing the same work (size and character
//! checks, request line, header lines, end of message, the five query fields, `%XX` decoding of
//! `un` and `cn`, the numbers and the signature), in one criterion group per message. In three runs
//! on a loaded 2-core machine, the Annex G example (no escapes) took 1473/872/956 ns by hand and
//! 1506/856/851 ns with nom (a tie within the noise). The message with escaped `un` and `cn` took
//! 949/955/1061 ns by hand and 1178/1014/1375 ns with nom: 6-30% slower in every run. The gap
//! appears only when there is something to decode: nom builds the output piece by piece (an `alt`
//! of escape or run of text, folded into a buffer), where the hand decoder is one byte loop. nom is
//! not at least as fast, so this parser stays hand-written. Switching would also need a custom nom
//! error type to keep each [`UdpParseError`]'s kind, byte offset and location.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;

use crate::error::{Quoted, excerpt};
use crate::{InvalidValue, Secret};

/// Largest datagram read: a connection request fits in one unfragmented UDP datagram.
const MAX_DATAGRAM_BYTES: usize = 1472;

/// How many message IDs the verifier remembers.
const SEEN_IDS: usize = 64;

/// Why a UDP Connection Request message did not parse ([`UdpParseError::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum UdpErrorKind {
    /// Longer than one datagram's payload.
    #[error("message longer than {max} bytes")]
    TooLong {
        /// The most bytes read.
        max: usize,
    },
    /// A byte that is not printable ASCII (line ends apart).
    #[error("invalid character")]
    InvalidCharacter,
    /// The request line is not `GET <uri> HTTP/1.1`.
    #[error("malformed request line")]
    MalformedRequestLine,
    /// The method is not `GET`.
    #[error("method is not get")]
    NotGet,
    /// The request URI is not `http://host:port?query`.
    #[error("request uri is not an http uri with a query")]
    NotHttpUri,
    /// The HTTP version is not `HTTP/1.1`.
    #[error("http version is not http/1.1")]
    UnsupportedVersion,
    /// A query field is missing (`ts`, `id`, `un`, `cn` or `sig`).
    #[error("missing field {0}")]
    MissingField(&'static str),
    /// A query field is given twice.
    #[error("duplicate field {0}")]
    DuplicateField(&'static str),
    /// `ts` or `id` is not a decimal number of at most 20 digits that fits 64 bits.
    #[error("invalid number")]
    InvalidNumber,
    /// `sig` is not 40 hexadecimal digits.
    #[error("invalid signature format")]
    InvalidSignature,
    /// A `%` not followed by two hexadecimal digits, or an escape that decodes to invalid
    /// UTF-8.
    #[error("invalid percent escape")]
    InvalidEscape,
    /// A header line that is not `name: value`.
    #[error("malformed header line")]
    MalformedHeader,
    /// The message does not end with an empty line.
    #[error("message does not end with an empty line")]
    Unterminated,
    /// Bytes after the empty line that ends the message.
    #[error("content after the end of the message")]
    TrailingContent,
}

/// A UDP Connection Request message that did not parse: [`kind`](Self::kind), byte
/// [`offset`](Self::offset) and [`location`](Self::location) (the part of the message:
/// `request line`, `method`, `uri`, `version`, a query field such as `ts`, `header`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[error("{kind} at byte {offset} ({})", Quoted(.location))]
pub struct UdpParseError {
    kind: UdpErrorKind,
    offset: usize,
    location: &'static str,
}

impl UdpParseError {
    fn new(kind: UdpErrorKind, offset: usize, location: &'static str) -> Self {
        Self {
            kind,
            offset,
            location,
        }
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &UdpErrorKind {
        &self.kind
    }

    /// Byte offset in the message.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The part of the message.
    #[must_use]
    pub fn location(&self) -> &str {
        self.location
    }
}

/// Why the CPE ignores a well-formed UDP Connection Request ([`UdpRequestVerifier::verify`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum UdpRejection {
    /// `un` is not the CPE's `ConnectionRequestUsername`.
    #[error("username \"{}\" is not this cpe's", Quoted(.0))]
    WrongUsername(String),
    /// `sig` is not the HMAC-SHA1 of the message under the connection request password.
    #[error("signature does not verify")]
    BadSignature,
    /// `ts` is not newer than the last accepted message's.
    #[error("timestamp {ts} is not newer than {last}")]
    StaleTimestamp {
        /// The message's `ts`.
        ts: u64,
        /// The last accepted `ts`.
        last: u64,
    },
    /// `id` was already accepted.
    #[error("message id {0} was already seen")]
    ReplayedId(u64),
}

/// A UDP Connection Request (TR-069 Annex G.2): an HTTP GET in one UDP datagram,
///
/// ```text
/// GET http://host:port?ts=<ts>&id=<id>&un=<username>&cn=<cnonce>&sig=<signature> HTTP/1.1
/// Host: host:port
/// ```
///
/// where `sig` is the HMAC-SHA1, keyed with the connection request password, of `ts`, `id`,
/// `un` and `cn` concatenated, written in hexadecimal (lower-case here; either case is read).
/// `un` and `cn` are percent-encoded in the URI and signed decoded.
///
/// ```
/// use cwmp_codec::{Secret, UdpConnectionRequest};
///
/// let password = Secret::new("s3cret");
/// let req = UdpConnectionRequest::signed("10.1.1.1:8080", 1_120_673_700, 1234, "CPE57689", "XTGRWIPC6D3IPXS3", &password)?;
/// let datagram = req.to_vec();
/// assert!(datagram.starts_with(b"GET http://10.1.1.1:8080?ts=1120673700&id=1234&un=CPE57689&cn=XTGRWIPC6D3IPXS3&sig="));
/// let read = UdpConnectionRequest::parse(&datagram)?;
/// assert_eq!(read, req);
/// assert!(read.verify_signature(&password));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct UdpConnectionRequest<'a> {
    authority: Cow<'a, str>,
    ts: u64,
    ts_text: Cow<'a, str>,
    id: u64,
    id_text: Cow<'a, str>,
    username: Cow<'a, str>,
    cnonce: Cow<'a, str>,
    signature: [u8; 20],
}

impl fmt::Debug for UdpConnectionRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpConnectionRequest")
            .field("authority", &self.authority)
            .field("ts", &self.ts)
            .field("id", &self.id)
            .field("username", &self.username)
            .field("cnonce", &self.cnonce)
            .field("signature", &hex(&self.signature))
            .finish()
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

fn mac(password: &Secret<'_>, parts: [&str; 4]) -> Option<Hmac<Sha1>> {
    // HMAC takes keys of any length; the error case cannot happen.
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(password.expose().as_bytes()).ok()?;
    for part in parts {
        mac.update(part.as_bytes());
    }
    Some(mac)
}

fn percent_decode(text: &str) -> Result<Cow<'_, str>, usize> {
    if !text.contains('%') {
        return Ok(Cow::Borrowed(text));
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).copied().and_then(hex_value).ok_or(i)?;
            let lo = bytes.get(i + 2).copied().and_then(hex_value).ok_or(i)?;
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map(Cow::Owned).map_err(|_| 0)
}

fn percent_encode(text: &str, out: &mut String) {
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push_str(&hex(&[b]).to_ascii_uppercase());
        }
    }
}

fn number(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl<'a> UdpConnectionRequest<'a> {
    /// A request to `authority` (`host:port`, as in the CPE's `UDPConnectionRequestAddress`),
    /// signed with the connection request `password`.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when `authority` is empty or holds anything but printable ASCII
    /// other than space, `/`, `?` and `#`.
    pub fn signed(
        authority: &'a str,
        ts: u64,
        id: u64,
        username: &'a str,
        cnonce: &'a str,
        password: &Secret<'_>,
    ) -> Result<Self, InvalidValue> {
        if authority.is_empty()
            || !authority
                .bytes()
                .all(|b| b.is_ascii_graphic() && !matches!(b, b'/' | b'?' | b'#'))
        {
            return Err(InvalidValue {
                expected: "host:port".to_owned(),
                found: excerpt(authority),
            });
        }
        let ts_text = ts.to_string();
        let id_text = id.to_string();
        let signature = mac(password, [&ts_text, &id_text, username, cnonce])
            .map(|m| m.finalize().into_bytes())
            .map(|b| {
                let mut sig = [0u8; 20];
                sig.copy_from_slice(&b);
                sig
            })
            .unwrap_or([0; 20]);
        Ok(Self {
            authority: Cow::Borrowed(authority),
            ts,
            ts_text: Cow::Owned(ts_text),
            id,
            id_text: Cow::Owned(id_text),
            username: Cow::Borrowed(username),
            cnonce: Cow::Borrowed(cnonce),
            signature,
        })
    }

    /// Parses a datagram.
    ///
    /// # Errors
    ///
    /// A [`UdpParseError`] naming the byte offset and the part of the message.
    pub fn parse(input: &'a [u8]) -> Result<Self, UdpParseError> {
        use UdpErrorKind as K;
        if input.len() > MAX_DATAGRAM_BYTES {
            return Err(UdpParseError::new(
                K::TooLong {
                    max: MAX_DATAGRAM_BYTES,
                },
                MAX_DATAGRAM_BYTES,
                "message",
            ));
        }
        if let Some(at) = input
            .iter()
            .position(|&b| !(b.is_ascii_graphic() || matches!(b, b' ' | b'\t' | b'\r' | b'\n')))
        {
            return Err(UdpParseError::new(K::InvalidCharacter, at, "message"));
        }
        // Printable ASCII only, so this cannot fail.
        let text = std::str::from_utf8(input)
            .map_err(|e| UdpParseError::new(K::InvalidCharacter, e.valid_up_to(), "message"))?;

        // Lines end with CRLF; a bare LF is read as a line end too.
        let mut lines = Vec::new();
        let mut start = 0;
        let mut end_of_message = None;
        while let Some(nl) = text.get(start..).and_then(|t| t.find('\n')) {
            let line_end = start + nl;
            let line = text.get(start..line_end).unwrap_or_default();
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() && !lines.is_empty() {
                end_of_message = Some(line_end + 1);
                break;
            }
            lines.push((start, line));
            start = line_end + 1;
        }
        let Some(end) = end_of_message else {
            return Err(UdpParseError::new(K::Unterminated, input.len(), "message"));
        };
        if end < input.len() {
            return Err(UdpParseError::new(K::TrailingContent, end, "message"));
        }
        let mut lines = lines.into_iter();
        let Some((_, request_line)) = lines.next() else {
            return Err(UdpParseError::new(
                K::MalformedRequestLine,
                0,
                "request line",
            ));
        };
        for (at, header) in lines {
            let name = header.split_once(':').map_or("", |(name, _)| name);
            if name.is_empty()
                || !name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
            {
                return Err(UdpParseError::new(K::MalformedHeader, at, "header"));
            }
        }
        let mut parts = request_line.split(' ');
        let (Some(method), Some(uri), Some(version), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(UdpParseError::new(
                K::MalformedRequestLine,
                0,
                "request line",
            ));
        };
        if method != "GET" {
            return Err(UdpParseError::new(K::NotGet, 0, "method"));
        }
        let uri_at = method.len() + 1;
        let version_at = uri_at + uri.len() + 1;
        if version != "HTTP/1.1" {
            return Err(UdpParseError::new(
                K::UnsupportedVersion,
                version_at,
                "version",
            ));
        }
        let scheme = uri.get(..7).filter(|s| s.eq_ignore_ascii_case("http://"));
        let rest = uri.get(7..).filter(|_| scheme.is_some());
        let Some((target, query)) = rest.and_then(|r| r.split_once('?')) else {
            return Err(UdpParseError::new(K::NotHttpUri, uri_at, "uri"));
        };
        let authority = target.strip_suffix('/').unwrap_or(target);
        if authority.is_empty() || authority.contains(['/', '#']) {
            return Err(UdpParseError::new(K::NotHttpUri, uri_at, "uri"));
        }
        let query_at = uri_at + 7 + target.len() + 1;

        const NAMES: [&str; 5] = ["ts", "id", "un", "cn", "sig"];
        let mut fields: [Option<(usize, &'a str)>; 5] = [None; 5];
        let mut at = query_at;
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if let Some(i) = NAMES.iter().position(|n| *n == name) {
                let slot = fields.get_mut(i);
                match slot {
                    Some(Some(_)) => {
                        return Err(UdpParseError::new(
                            K::DuplicateField(NAMES.get(i).copied().unwrap_or_default()),
                            at,
                            NAMES.get(i).copied().unwrap_or_default(),
                        ));
                    }
                    Some(slot) => *slot = Some((at + name.len() + 1, value)),
                    None => {}
                }
            }
            at += pair.len() + 1;
        }
        let field = |i: usize| -> Result<(usize, &'a str), UdpParseError> {
            let name = NAMES.get(i).copied().unwrap_or_default();
            fields
                .get(i)
                .copied()
                .flatten()
                .ok_or_else(|| UdpParseError::new(K::MissingField(name), query_at, name))
        };
        let (ts_at, ts_text) = field(0)?;
        let (id_at, id_text) = field(1)?;
        let (un_at, un) = field(2)?;
        let (cn_at, cn) = field(3)?;
        let (sig_at, sig) = field(4)?;
        let ts =
            number(ts_text).ok_or_else(|| UdpParseError::new(K::InvalidNumber, ts_at, "ts"))?;
        let id =
            number(id_text).ok_or_else(|| UdpParseError::new(K::InvalidNumber, id_at, "id"))?;
        let username = percent_decode(un)
            .map_err(|i| UdpParseError::new(K::InvalidEscape, un_at + i, "un"))?;
        let cnonce = percent_decode(cn)
            .map_err(|i| UdpParseError::new(K::InvalidEscape, cn_at + i, "cn"))?;
        let mut signature = [0u8; 20];
        let sig_bytes = sig.as_bytes();
        if sig_bytes.len() != 40 {
            return Err(UdpParseError::new(K::InvalidSignature, sig_at, "sig"));
        }
        for (i, out) in signature.iter_mut().enumerate() {
            let hi = sig_bytes.get(2 * i).copied().and_then(hex_value);
            let lo = sig_bytes.get(2 * i + 1).copied().and_then(hex_value);
            let (Some(hi), Some(lo)) = (hi, lo) else {
                return Err(UdpParseError::new(
                    K::InvalidSignature,
                    sig_at + 2 * i,
                    "sig",
                ));
            };
            *out = hi << 4 | lo;
        }
        Ok(Self {
            authority: Cow::Borrowed(authority),
            ts,
            ts_text: Cow::Borrowed(ts_text),
            id,
            id_text: Cow::Borrowed(id_text),
            username,
            cnonce,
            signature,
        })
    }

    /// `host:port` from the request URI.
    #[must_use]
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// `ts`: seconds since the Unix epoch when the ACS made the message.
    #[must_use]
    pub fn ts(&self) -> u64 {
        self.ts
    }

    /// `id`: the message ID (the same in every retransmission of one message).
    #[must_use]
    pub fn id(&self) -> u64 {
        self.id
    }

    /// `un`: the connection request username, decoded.
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }

    /// `cn`: the client nonce, decoded.
    #[must_use]
    pub fn cnonce(&self) -> &str {
        &self.cnonce
    }

    /// `sig`, as bytes.
    #[must_use]
    pub fn signature(&self) -> [u8; 20] {
        self.signature
    }

    /// `sig`, as written: 40 lower-case hexadecimal digits.
    #[must_use]
    pub fn signature_hex(&self) -> String {
        hex(&self.signature)
    }

    /// Whether `sig` is the HMAC-SHA1 of `ts`, `id`, `un` and `cn` (as they were written)
    /// under `password` (compared in constant time).
    #[must_use]
    pub fn verify_signature(&self, password: &Secret<'_>) -> bool {
        mac(
            password,
            [&self.ts_text, &self.id_text, &self.username, &self.cnonce],
        )
        .is_some_and(|m| m.verify_slice(&self.signature).is_ok())
    }

    /// Appends the message to `out`.
    pub fn write_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.to_string().as_bytes());
    }

    /// The message.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> UdpConnectionRequest<'static> {
        UdpConnectionRequest {
            authority: Cow::Owned(self.authority.into_owned()),
            ts: self.ts,
            ts_text: Cow::Owned(self.ts_text.into_owned()),
            id: self.id,
            id_text: Cow::Owned(self.id_text.into_owned()),
            username: Cow::Owned(self.username.into_owned()),
            cnonce: Cow::Owned(self.cnonce.into_owned()),
            signature: self.signature,
        }
    }
}

impl fmt::Display for UdpConnectionRequest<'_> {
    /// The message, as sent: request line, `Host` header, empty line, CRLF line ends.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut un = String::new();
        percent_encode(&self.username, &mut un);
        let mut cn = String::new();
        percent_encode(&self.cnonce, &mut cn);
        write!(
            f,
            "GET http://{a}?ts={ts}&id={id}&un={un}&cn={cn}&sig={sig} HTTP/1.1\r\nHost: {a}\r\n\r\n",
            a = self.authority,
            ts = self.ts_text,
            id = self.id_text,
            sig = hex(&self.signature),
        )
    }
}

/// The CPE's checks on UDP Connection Requests (TR-069 G.2.2): the username, the signature,
/// and replays (a `ts` not newer than the last accepted one, an `id` already accepted). Only
/// a request that passes them all changes its state. Rate limiting is the
/// [`ConnectionRequestGate`](crate::ConnectionRequestGate)'s, after these checks.
///
/// ```
/// use cwmp_codec::{Secret, UdpConnectionRequest, UdpRejection, UdpRequestVerifier};
///
/// let mut cpe = UdpRequestVerifier::new("CPE57689", Secret::new("s3cret"));
/// let req = UdpConnectionRequest::signed("10.1.1.1:8080", 1000, 1, "CPE57689", "XTGRWIPC", &Secret::new("s3cret"))?;
/// assert_eq!(cpe.verify(&req), Ok(()));
/// assert_eq!(cpe.verify(&req), Err(UdpRejection::StaleTimestamp { ts: 1000, last: 1000 }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UdpRequestVerifier {
    username: String,
    password: Secret<'static>,
    last_ts: Option<u64>,
    seen_ids: VecDeque<u64>,
}

impl UdpRequestVerifier {
    /// A verifier for the CPE's `ConnectionRequestUsername` and `ConnectionRequestPassword`.
    pub fn new(username: impl Into<String>, password: Secret<'_>) -> Self {
        Self {
            username: username.into(),
            password: password.into_owned(),
            last_ts: None,
            seen_ids: VecDeque::new(),
        }
    }

    /// Checks `request`; on success it is remembered for the replay checks.
    ///
    /// # Errors
    ///
    /// The first [`UdpRejection`] that applies, in this order: wrong username, bad signature,
    /// stale timestamp, replayed ID.
    pub fn verify(&mut self, request: &UdpConnectionRequest<'_>) -> Result<(), UdpRejection> {
        if request.username() != self.username {
            return Err(UdpRejection::WrongUsername(excerpt(request.username())));
        }
        if !request.verify_signature(&self.password) {
            return Err(UdpRejection::BadSignature);
        }
        if let Some(last) = self.last_ts.filter(|&last| request.ts() <= last) {
            return Err(UdpRejection::StaleTimestamp {
                ts: request.ts(),
                last,
            });
        }
        if self.seen_ids.contains(&request.id()) {
            return Err(UdpRejection::ReplayedId(request.id()));
        }
        self.last_ts = Some(request.ts());
        if self.seen_ids.len() == SEEN_IDS {
            self.seen_ids.pop_front();
        }
        self.seen_ids.push_back(request.id());
        Ok(())
    }
}
