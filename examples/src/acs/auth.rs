//! HTTP authentication for CWMP: RFC 7617 Basic and RFC 7616 Digest (`MD5` and `SHA-256`,
//! `qop=auth`, and the RFC 2069 form without `qop` that some CPEs still send).
//!
//! TR-069 (3.4.4) has the CPE authenticate to the ACS with Basic over TLS or with Digest, and
//! the ACS authenticate its Connection Requests to the CPE with Digest. Both sides live here:
//!
//! - the server side, for the CWMP endpoint: [`DigestAuthority`] issues challenges
//!   ([`DigestAuthority::challenges`]) and checks the [`Credentials`] of an `Authorization`
//!   header ([`Credentials::parse`], then [`DigestAuthority::check`]);
//! - the client side, for Connection Requests: [`Challenge::parse_list`] reads a
//!   `WWW-Authenticate` header, and [`DigestChallenge::respond`] or [`basic_authorization`]
//!   write the `Authorization` header;
//! - both compute the digest with [`DigestInput::response`].
//!
//! # Nonces
//!
//! A nonce is `base64url(issued || HMAC-SHA256(secret, issued || realm))`, `issued` being the
//! Unix time in seconds as 8 big-endian bytes. The server keeps no state: a nonce is valid on
//! any TCP connection and on any server node that shares the secret, which is what a CPE
//! needs when a load balancer spreads its connections over several nodes. A nonce older than
//! the lifetime (or issued more than a lifetime ahead, by a node whose clock runs fast) is
//! stale: the 401 then says `stale=true` and the client retries with the same credentials.
//!
//! The nonce count `nc` is not tracked, so a captured request can be replayed while its nonce
//! lives. Tracking it would need state shared by all nodes for every nonce issued; the nonce
//! lifetime bounds the replay window instead (and over TLS, which TR-069 recommends, there is
//! no request to capture).

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use cwmp_codec::Secret;
use hmac::digest::Key;
use hmac::{Hmac, KeyInit, Mac};
use md5::Md5;
use sha2::{Digest, Sha256};

/// Longest `Authorization` or `WWW-Authenticate` header value read.
pub const MAX_HEADER_BYTES: usize = 4096;

/// Bytes of a decoded nonce: the 8-byte time and the 32-byte HMAC-SHA256.
const NONCE_BYTES: usize = 8 + 32;

/// Basic credentials are base64 with or without padding: some CPEs drop it.
const BASIC_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Why credentials were refused or a header did not parse.
///
/// Every failure is answered 401 with fresh [`DigestAuthority::challenges`];
/// [`stale`](Self::stale) says whether they carry `stale=true`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthFailure {
    /// The header does not follow the RFC 7235 grammar, or lacks a required parameter.
    #[error("malformed authentication header: {0}")]
    Malformed(&'static str),
    /// The header is longer than [`MAX_HEADER_BYTES`].
    #[error("authentication header longer than {max} bytes")]
    TooLong {
        /// The most bytes read.
        max: usize,
    },
    /// The scheme is neither `Basic` nor `Digest`.
    #[error("authentication scheme is not basic or digest")]
    UnsupportedScheme,
    /// A digest algorithm other than `MD5` and `SHA-256` (the `-sess` variants included).
    #[error("unsupported digest algorithm \"{0}\"")]
    UnsupportedAlgorithm(String),
    /// A `qop` other than `auth` (`auth-int` included).
    #[error("unsupported digest qop \"{0}\"")]
    UnsupportedQop(String),
    /// `userhash=true`: the challenges never offer it.
    #[error("digest userhash is not supported")]
    UnsupportedUserhash,
    /// Basic credentials where the caller allows only Digest (TR-069 allows Basic over TLS
    /// only).
    #[error("basic authentication is not allowed here")]
    BasicNotAllowed,
    /// The digest `realm` is not the server's.
    #[error("realm \"{0}\" is not this server's")]
    WrongRealm(String),
    /// The password, or the digest computed from it, does not match.
    #[error("wrong username or password")]
    WrongCredentials,
    /// The digest is right, but the nonce was not issued with this server's secret (the
    /// secret changed, or the nonce was altered).
    #[error("nonce was not issued by this server")]
    InvalidNonce,
    /// The digest is right, but the nonce is older than its lifetime (or issued more than a
    /// lifetime ahead, by a node whose clock runs fast).
    #[error("nonce is stale")]
    StaleNonce,
}

impl AuthFailure {
    /// Whether the 401 answering this failure says `stale=true`: the client knows the
    /// password and only needs a fresh nonce, so it retries without asking anyone.
    #[must_use]
    pub fn stale(&self) -> bool {
        matches!(self, Self::StaleNonce | Self::InvalidNonce)
    }
}

/// At most 64 bytes of untrusted text, cut on a character boundary, escaped as
/// `escape_debug` does: error messages stay one short line that cannot forge log lines.
pub(super) fn excerpt(text: &str) -> String {
    const MAX: usize = 64;
    let mut end = text.len().min(MAX);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out: String = text.get(..end).unwrap_or_default().escape_debug().collect();
    if end < text.len() {
        out.push('…');
    }
    out
}

/// A digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `MD5`, the default when `algorithm` is absent (RFC 2617 clients know only this one).
    Md5,
    /// `SHA-256`.
    Sha256,
}

impl Algorithm {
    /// The name as written in headers: `MD5` or `SHA-256`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Md5 => "MD5",
            Self::Sha256 => "SHA-256",
        }
    }

    /// Reads an `algorithm` parameter (case-insensitive).
    ///
    /// # Errors
    ///
    /// [`AuthFailure::UnsupportedAlgorithm`] for any other name, the `-sess` variants
    /// included: they need the server to remember each client nonce.
    pub fn from_name(name: &str) -> Result<Self, AuthFailure> {
        if name.eq_ignore_ascii_case("MD5") {
            Ok(Self::Md5)
        } else if name.eq_ignore_ascii_case("SHA-256") {
            Ok(Self::Sha256)
        } else {
            Err(AuthFailure::UnsupportedAlgorithm(excerpt(name)))
        }
    }

    /// The hash of `parts` joined with `:`, in lower-case hexadecimal.
    fn hex_hash(self, parts: &[&str]) -> String {
        fn feed(mut hasher: impl Digest, parts: &[&str]) -> String {
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    hasher.update(b":");
                }
                hasher.update(part.as_bytes());
            }
            hex(&hasher.finalize())
        }
        match self {
            Self::Md5 => feed(Md5::new(), parts),
            Self::Sha256 => feed(Sha256::new(), parts),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// `bytes` in lower-case hexadecimal.
pub(super) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The `qop=auth` fields of a digest: the nonce count and the client nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QopAuth<'a> {
    /// `nc`, as written (8 hexadecimal digits).
    pub nc: &'a str,
    /// `cnonce`.
    pub cnonce: &'a str,
}

/// Everything a digest `response` is computed from (RFC 7616 3.4.1), for either side.
///
/// ```
/// use tta_examples::acs::auth::{Algorithm, DigestInput, QopAuth};
///
/// // RFC 7616 3.9.1.
/// let input = DigestInput {
///     algorithm: Algorithm::Sha256,
///     username: "Mufasa",
///     realm: "http-auth@example.org",
///     password: "Circle of Life",
///     method: "GET",
///     uri: "/dir/index.html",
///     nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
///     qop: Some(QopAuth {
///         nc: "00000001",
///         cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
///     }),
/// };
/// assert_eq!(
///     input.response(),
///     "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
/// );
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DigestInput<'a> {
    /// The hash function.
    pub algorithm: Algorithm,
    /// `username`.
    pub username: &'a str,
    /// `realm`.
    pub realm: &'a str,
    /// The password.
    pub password: &'a str,
    /// The HTTP method of the request.
    pub method: &'a str,
    /// `uri`: the request target, as the client wrote it.
    pub uri: &'a str,
    /// `nonce`.
    pub nonce: &'a str,
    /// `Some` for `qop=auth`; `None` for the RFC 2069 form.
    pub qop: Option<QopAuth<'a>>,
}

impl fmt::Debug for DigestInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestInput")
            .field("algorithm", &self.algorithm)
            .field("username", &self.username)
            .field("realm", &self.realm)
            .field("password", &"<redacted>")
            .field("method", &self.method)
            .field("uri", &self.uri)
            .field("nonce", &self.nonce)
            .field("qop", &self.qop)
            .finish()
    }
}

impl DigestInput<'_> {
    /// The `response` value, in lower-case hexadecimal.
    #[must_use]
    pub fn response(&self) -> String {
        let h = |parts: &[&str]| self.algorithm.hex_hash(parts);
        let ha1 = h(&[self.username, self.realm, self.password]);
        let ha2 = h(&[self.method, self.uri]);
        match self.qop {
            Some(QopAuth { nc, cnonce }) => h(&[&ha1, self.nonce, nc, cnonce, "auth", &ha2]),
            None => h(&[&ha1, self.nonce, &ha2]),
        }
    }

    /// The `Authorization` header value carrying this digest, with `opaque` echoed when the
    /// challenge had one.
    #[must_use]
    pub fn authorization(&self, opaque: Option<&str>) -> String {
        let mut out = String::from("Digest username=");
        quote(self.username, &mut out);
        out.push_str(", realm=");
        quote(self.realm, &mut out);
        out.push_str(", nonce=");
        quote(self.nonce, &mut out);
        out.push_str(", uri=");
        quote(self.uri, &mut out);
        out.push_str(", algorithm=");
        out.push_str(self.algorithm.name());
        out.push_str(", response=\"");
        out.push_str(&self.response());
        out.push('"');
        if let Some(QopAuth { nc, cnonce }) = self.qop {
            out.push_str(", qop=auth, nc=");
            out.push_str(nc);
            out.push_str(", cnonce=");
            quote(cnonce, &mut out);
        }
        if let Some(opaque) = opaque {
            out.push_str(", opaque=");
            quote(opaque, &mut out);
        }
        out
    }
}

/// The `Authorization` header value for Basic credentials (RFC 7617, UTF-8).
#[must_use]
pub fn basic_authorization(username: &str, password: &str) -> String {
    let pair = format!("{username}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// Appends `text` as a quoted-string. Control characters cannot be written in one, even
/// escaped; the header value holding them is refused by the HTTP layer.
fn quote(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// The server's side of Digest: issues stateless nonces and checks credentials against them.
///
/// ```
/// use tta_examples::acs::auth::{AuthFailure, Credentials, DigestAuthority};
///
/// let auth = DigestAuthority::new(b"node secret", "tta-acs", 300);
/// let challenges = auth.challenges(1_000, false, true);
/// assert!(challenges[0].starts_with("Digest realm=\"tta-acs\", qop=\"auth\", algorithm=SHA-256"));
/// assert_eq!(challenges[2], "Basic realm=\"tta-acs\"");
///
/// let creds = Credentials::parse("Basic Q1BFMTpzM2NyZXQ=")?;
/// assert_eq!(creds.username(), "CPE1");
/// assert_eq!(auth.check(&creds, "POST", "s3cret", 1_000, true), Ok(()));
/// assert_eq!(
///     auth.check(&creds, "POST", "s3cret", 1_000, false),
///     Err(AuthFailure::BasicNotAllowed)
/// );
/// # Ok::<(), AuthFailure>(())
/// ```
#[derive(Clone)]
pub struct DigestAuthority {
    /// Keyed once: each nonce then costs one HMAC over 8 bytes and the realm.
    mac: Hmac<Sha256>,
    realm: String,
    nonce_lifetime_secs: u64,
}

impl fmt::Debug for DigestAuthority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestAuthority")
            .field("secret", &"<redacted>")
            .field("realm", &self.realm)
            .field("nonce_lifetime_secs", &self.nonce_lifetime_secs)
            .finish()
    }
}

impl DigestAuthority {
    /// An authority for `realm` whose nonces are signed with `secret` (the same on every
    /// node) and stay fresh for `nonce_lifetime_secs`.
    ///
    /// Control characters in `realm` become spaces: they cannot be written in a header.
    #[must_use]
    pub fn new(secret: &[u8], realm: impl Into<String>, nonce_lifetime_secs: u64) -> Self {
        // HMAC hashes a key longer than a block and pads a shorter one with zeros; doing the
        // same here gives the same MAC through the infallible constructor.
        let mut key = Key::<Hmac<Sha256>>::default();
        if secret.len() > key.len() {
            let hashed = Sha256::digest(secret);
            key.iter_mut().zip(hashed.iter()).for_each(|(k, s)| *k = *s);
        } else {
            key.iter_mut().zip(secret).for_each(|(k, s)| *k = *s);
        }
        let realm = realm
            .into()
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        Self {
            mac: <Hmac<Sha256> as KeyInit>::new(&key),
            realm,
            nonce_lifetime_secs,
        }
    }

    /// The realm.
    #[must_use]
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// The HMAC of a nonce's time under the secret.
    fn nonce_mac(&self, issued: [u8; 8]) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(&issued);
        mac.update(self.realm.as_bytes());
        mac
    }

    /// A nonce issued at `now_unix_secs`.
    #[must_use]
    pub fn nonce(&self, now_unix_secs: u64) -> String {
        let issued = now_unix_secs.to_be_bytes();
        let mut bytes = Vec::with_capacity(NONCE_BYTES);
        bytes.extend_from_slice(&issued);
        bytes.extend_from_slice(&self.nonce_mac(issued).finalize().into_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// When `nonce` was issued, if this authority (or one sharing its secret and realm)
    /// issued it.
    fn nonce_issued(&self, nonce: &str) -> Option<u64> {
        if nonce.len() > NONCE_BYTES * 2 {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(nonce).ok()?;
        let (issued, tag) = bytes.split_first_chunk::<8>()?;
        // Constant time, through the MAC's own comparison.
        self.nonce_mac(*issued).verify_slice(tag).ok()?;
        Some(u64::from_be_bytes(*issued))
    }

    /// Whether `a` and `b` are equal, in time that depends on neither: the HMACs of both are
    /// compared by the MAC's constant-time check, which also hides their lengths.
    fn same(&self, a: &str, b: &str) -> bool {
        let mut mac = self.mac.clone();
        // Nine bytes: read as a nonce's 8-byte time and realm, the realm would start with a
        // NUL, which a realm never holds, so these MACs are never a nonce's.
        mac.update(b"compare:\0");
        let mut other = mac.clone();
        mac.update(a.as_bytes());
        other.update(b.as_bytes());
        mac.verify_slice(&other.finalize().into_bytes()).is_ok()
    }

    /// The `WWW-Authenticate` values for a 401, one header each, the preferred first: Digest
    /// `SHA-256`, Digest `MD5`, then Basic when `allow_basic` (TR-069 allows Basic over TLS
    /// only). `stale` comes from [`AuthFailure::stale`] of the failure being answered.
    #[must_use]
    pub fn challenges(&self, now_unix_secs: u64, stale: bool, allow_basic: bool) -> Vec<String> {
        let nonce = self.nonce(now_unix_secs);
        let mut out = Vec::with_capacity(3);
        for algorithm in [Algorithm::Sha256, Algorithm::Md5] {
            let mut c = String::from("Digest realm=");
            quote(&self.realm, &mut c);
            c.push_str(", qop=\"auth\", algorithm=");
            c.push_str(algorithm.name());
            c.push_str(", nonce=");
            quote(&nonce, &mut c);
            if stale {
                c.push_str(", stale=true");
            }
            out.push(c);
        }
        if allow_basic {
            let mut c = String::from("Basic realm=");
            quote(&self.realm, &mut c);
            out.push(c);
        }
        out
    }

    /// Checks `credentials`, parsed from a request's `Authorization` header, against the
    /// `password` stored for [`Credentials::username`]. `method` is the request's HTTP
    /// method. The digest `uri` is the client's, as RFC 7616 hashes it; the caller may
    /// compare [`DigestResponse::uri`] with the request target.
    ///
    /// When the username is unknown, answer as for [`AuthFailure::WrongCredentials`], so the
    /// answer does not tell which usernames exist.
    ///
    /// # Errors
    ///
    /// The first that applies: [`AuthFailure::BasicNotAllowed`] (Basic when `allow_basic`
    /// is false), [`AuthFailure::WrongRealm`], [`AuthFailure::WrongCredentials`],
    /// [`AuthFailure::InvalidNonce`], [`AuthFailure::StaleNonce`]. The nonce is judged after
    /// the digest so that `stale=true` goes only to a client that knows the password
    /// (RFC 7616 3.3).
    pub fn check(
        &self,
        credentials: &Credentials,
        method: &str,
        password: &str,
        now_unix_secs: u64,
        allow_basic: bool,
    ) -> Result<(), AuthFailure> {
        let digest = match credentials {
            Credentials::Basic {
                password: given, ..
            } => {
                if !allow_basic {
                    return Err(AuthFailure::BasicNotAllowed);
                }
                return if self.same(given.expose(), password) {
                    Ok(())
                } else {
                    Err(AuthFailure::WrongCredentials)
                };
            }
            Credentials::Digest(digest) => digest,
        };
        if digest.realm != self.realm {
            return Err(AuthFailure::WrongRealm(excerpt(&digest.realm)));
        }
        let expected = DigestInput {
            algorithm: digest.algorithm,
            username: &digest.username,
            realm: &self.realm,
            password,
            method,
            uri: &digest.uri,
            nonce: &digest.nonce,
            qop: digest
                .qop
                .as_ref()
                .map(|(nc, cnonce)| QopAuth { nc, cnonce }),
        }
        .response();
        if !self.same(&expected, &digest.response) {
            return Err(AuthFailure::WrongCredentials);
        }
        let issued = self
            .nonce_issued(&digest.nonce)
            .ok_or(AuthFailure::InvalidNonce)?;
        let age = now_unix_secs.abs_diff(issued);
        if age > self.nonce_lifetime_secs {
            return Err(AuthFailure::StaleNonce);
        }
        Ok(())
    }
}

/// The parameters of a Digest `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct DigestResponse {
    username: String,
    realm: String,
    nonce: String,
    uri: String,
    /// Lower-case hexadecimal.
    response: String,
    algorithm: Algorithm,
    /// `nc` and `cnonce` when `qop=auth`.
    qop: Option<(String, String)>,
}

impl fmt::Debug for DigestResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The response allows an offline search for the password: not printed.
        f.debug_struct("DigestResponse")
            .field("username", &self.username)
            .field("realm", &self.realm)
            .field("nonce", &self.nonce)
            .field("uri", &self.uri)
            .field("response", &"<redacted>")
            .field("algorithm", &self.algorithm)
            .field("qop", &self.qop)
            .finish()
    }
}

impl DigestResponse {
    /// `username` (or `username*`, decoded).
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }

    /// `realm`.
    #[must_use]
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// `nonce`.
    #[must_use]
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// `uri`: the request target the digest covers.
    #[must_use]
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// `algorithm` (`MD5` when absent).
    #[must_use]
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// `nc` and `cnonce` when `qop=auth`, `None` in the RFC 2069 form.
    #[must_use]
    pub fn qop(&self) -> Option<QopAuth<'_>> {
        self.qop.as_ref().map(|(nc, cnonce)| QopAuth { nc, cnonce })
    }

    fn from_params(params: &[Param<'_>]) -> Result<Self, AuthFailure> {
        let get = |name: &str| find(params, name);
        let required = |name: &'static str, what: &'static str| {
            get(name)
                .map(str::to_owned)
                .ok_or(AuthFailure::Malformed(what))
        };
        if get("userhash").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            return Err(AuthFailure::UnsupportedUserhash);
        }
        let username = match (get("username"), get("username*")) {
            (Some(name), None) => name.to_owned(),
            (None, Some(extended)) => decode_ext_value(extended)?,
            (Some(_), Some(_)) => {
                return Err(AuthFailure::Malformed("both username and username*"));
            }
            (None, None) => return Err(AuthFailure::Malformed("digest without username")),
        };
        let algorithm = get("algorithm").map_or(Ok(Algorithm::Md5), Algorithm::from_name)?;
        let response = required("response", "digest without response")?.to_ascii_lowercase();
        let qop = match get("qop") {
            None => None,
            Some(qop) if qop.eq_ignore_ascii_case("auth") => {
                let nc = required("nc", "qop=auth without nc")?;
                if nc.is_empty() || nc.len() > 8 || !nc.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(AuthFailure::Malformed("nc is not 8 hexadecimal digits"));
                }
                let cnonce = required("cnonce", "qop=auth without cnonce")?;
                if cnonce.is_empty() {
                    return Err(AuthFailure::Malformed("empty cnonce"));
                }
                Some((nc, cnonce))
            }
            Some(other) => return Err(AuthFailure::UnsupportedQop(excerpt(other))),
        };
        Ok(Self {
            username,
            realm: required("realm", "digest without realm")?,
            nonce: required("nonce", "digest without nonce")?,
            uri: required("uri", "digest without uri")?,
            response,
            algorithm,
            qop,
        })
    }
}

/// Decodes an RFC 8187 `ext-value` (`username*`): `UTF-8''` then percent-encoded UTF-8.
fn decode_ext_value(value: &str) -> Result<String, AuthFailure> {
    let malformed = AuthFailure::Malformed("username* is not utf-8'' with percent escapes");
    let (charset, rest) = value.split_once('\'').ok_or(malformed.clone())?;
    let (_language, encoded) = rest.split_once('\'').ok_or(malformed.clone())?;
    if !charset.eq_ignore_ascii_case("UTF-8") {
        return Err(malformed);
    }
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let digit = |at: usize| {
                bytes
                    .get(at)
                    .and_then(|&d| char::from(d).to_digit(16))
                    .and_then(|d| u8::try_from(d).ok())
            };
            let (Some(hi), Some(lo)) = (digit(i + 1), digit(i + 2)) else {
                return Err(malformed);
            };
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| malformed)
}

/// Credentials from an `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    /// RFC 7617 Basic.
    Basic {
        /// The user-id.
        username: String,
        /// The password.
        password: Secret<'static>,
    },
    /// RFC 7616 Digest.
    Digest(DigestResponse),
}

impl Credentials {
    /// Parses an `Authorization` header value. Parameter names and the scheme are
    /// case-insensitive; quoted strings may hold backslash escapes; unknown parameters are
    /// ignored.
    ///
    /// # Errors
    ///
    /// [`AuthFailure::TooLong`] beyond [`MAX_HEADER_BYTES`], [`AuthFailure::Malformed`],
    /// [`AuthFailure::UnsupportedScheme`], and for Digest
    /// [`AuthFailure::UnsupportedAlgorithm`], [`AuthFailure::UnsupportedQop`] or
    /// [`AuthFailure::UnsupportedUserhash`].
    pub fn parse(authorization_header: &str) -> Result<Self, AuthFailure> {
        let items = parse_items(authorization_header)?;
        let [item] = items.as_slice() else {
            return Err(AuthFailure::Malformed("expected one set of credentials"));
        };
        if item.scheme.eq_ignore_ascii_case("Basic") {
            let token = item
                .token68
                .ok_or(AuthFailure::Malformed("basic credentials are not base64"))?;
            let decoded = BASIC_BASE64
                .decode(token)
                .map_err(|_| AuthFailure::Malformed("basic credentials are not base64"))?;
            let decoded = String::from_utf8(decoded)
                .map_err(|_| AuthFailure::Malformed("basic credentials are not utf-8"))?;
            let (username, password) = decoded
                .split_once(':')
                .ok_or(AuthFailure::Malformed("basic credentials without a colon"))?;
            Ok(Self::Basic {
                username: username.to_owned(),
                password: Secret::new(password.to_owned()),
            })
        } else if item.scheme.eq_ignore_ascii_case("Digest") {
            if item.token68.is_some() {
                return Err(AuthFailure::Malformed(
                    "digest credentials are not parameters",
                ));
            }
            DigestResponse::from_params(&item.params).map(Self::Digest)
        } else {
            Err(AuthFailure::UnsupportedScheme)
        }
    }

    /// The username, to look the password up.
    #[must_use]
    pub fn username(&self) -> &str {
        match self {
            Self::Basic { username, .. } => username,
            Self::Digest(digest) => &digest.username,
        }
    }
}

/// A challenge from a `WWW-Authenticate` header, as a client reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Challenge {
    /// RFC 7617 Basic.
    Basic {
        /// `realm` (empty when absent).
        realm: String,
    },
    /// RFC 7616 Digest.
    Digest(DigestChallenge),
    /// Another scheme, by name.
    Other {
        /// The scheme, as written.
        scheme: String,
    },
}

impl Challenge {
    /// Parses a `WWW-Authenticate` header value, which may hold several challenges.
    ///
    /// # Errors
    ///
    /// [`AuthFailure::TooLong`] beyond [`MAX_HEADER_BYTES`]; [`AuthFailure::Malformed`]
    /// when the value does not follow the RFC 7235 grammar or a Digest challenge has no
    /// nonce. An unsupported algorithm or qop is not an error here:
    /// [`DigestChallenge::algorithm`] and [`DigestChallenge::qop_auth`] report it.
    pub fn parse_list(www_authenticate: &str) -> Result<Vec<Self>, AuthFailure> {
        parse_items(www_authenticate)?
            .into_iter()
            .map(|item| {
                let get = |name: &str| find(&item.params, name).map(str::to_owned);
                if item.scheme.eq_ignore_ascii_case("Basic") {
                    Ok(Self::Basic {
                        realm: get("realm").unwrap_or_default(),
                    })
                } else if item.scheme.eq_ignore_ascii_case("Digest") {
                    Ok(Self::Digest(DigestChallenge {
                        realm: get("realm").unwrap_or_default(),
                        nonce: get("nonce")
                            .ok_or(AuthFailure::Malformed("digest challenge without nonce"))?,
                        opaque: get("opaque"),
                        algorithm: get("algorithm").unwrap_or_else(|| "MD5".to_owned()),
                        qop: get("qop"),
                        stale: get("stale").is_some_and(|s| s.eq_ignore_ascii_case("true")),
                    }))
                } else {
                    Ok(Self::Other {
                        scheme: excerpt(item.scheme),
                    })
                }
            })
            .collect()
    }
}

/// A Digest challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestChallenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: String,
    qop: Option<String>,
    stale: bool,
}

impl DigestChallenge {
    /// `realm` (empty when absent).
    #[must_use]
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// `nonce`.
    #[must_use]
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// `opaque`, to be echoed.
    #[must_use]
    pub fn opaque(&self) -> Option<&str> {
        self.opaque.as_deref()
    }

    /// `stale=true`: the previous credentials were right but their nonce had expired.
    #[must_use]
    pub fn stale(&self) -> bool {
        self.stale
    }

    /// The algorithm (`MD5` when absent).
    ///
    /// # Errors
    ///
    /// [`AuthFailure::UnsupportedAlgorithm`] when it is neither `MD5` nor `SHA-256`.
    pub fn algorithm(&self) -> Result<Algorithm, AuthFailure> {
        Algorithm::from_name(&self.algorithm)
    }

    /// Whether to answer with `qop=auth` (true) or in the RFC 2069 form without qop (false,
    /// when the challenge has no `qop`).
    ///
    /// # Errors
    ///
    /// [`AuthFailure::UnsupportedQop`] when `qop` is offered without `auth`.
    pub fn qop_auth(&self) -> Result<bool, AuthFailure> {
        match &self.qop {
            None => Ok(false),
            Some(list)
                if list
                    .split(',')
                    .any(|q| q.trim().eq_ignore_ascii_case("auth")) =>
            {
                Ok(true)
            }
            Some(list) => Err(AuthFailure::UnsupportedQop(excerpt(list))),
        }
    }

    /// The `Authorization` value answering this challenge, for a `method` request to `uri`
    /// (the request target: path and query), with the client nonce `cnonce` and nonce count
    /// `nc` (used only with `qop=auth`).
    ///
    /// # Errors
    ///
    /// [`AuthFailure::UnsupportedAlgorithm`] or [`AuthFailure::UnsupportedQop`].
    pub fn respond(
        &self,
        username: &str,
        password: &str,
        method: &str,
        uri: &str,
        cnonce: &str,
        nc: u32,
    ) -> Result<String, AuthFailure> {
        let nc = format!("{nc:08x}");
        let input = DigestInput {
            algorithm: self.algorithm()?,
            username,
            realm: &self.realm,
            password,
            method,
            uri,
            nonce: &self.nonce,
            qop: self.qop_auth()?.then_some(QopAuth { nc: &nc, cnonce }),
        };
        Ok(input.authorization(self.opaque()))
    }
}

/// An `auth-param`: the name as written (compared case-insensitively) and the value,
/// unescaped.
type Param<'a> = (&'a str, Cow<'a, str>);

fn find<'p>(params: &'p [Param<'_>], name: &str) -> Option<&'p str> {
    params
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
}

/// One challenge or set of credentials: `scheme [ 1*SP ( token68 / #auth-param ) ]`.
#[derive(Debug)]
struct AuthItem<'a> {
    scheme: &'a str,
    token68: Option<&'a str>,
    params: Vec<Param<'a>>,
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

/// A byte a header value cannot hold: controls other than tab.
fn is_ctl(b: u8) -> bool {
    (b < 0x20 && b != b'\t') || b == 0x7f
}

/// A bounded, linear reader over a header value. Positions only ever stop on ASCII bytes or
/// the end, so every slice is on a character boundary (`get` keeps that from panicking
/// regardless).
struct Reader<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn skip_ows_and_commas(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.pos += 1;
        }
    }

    fn slice(&self, from: usize) -> Result<&'a str, AuthFailure> {
        self.text
            .get(from..self.pos)
            .ok_or(AuthFailure::Malformed("invalid character"))
    }

    fn token(&mut self) -> Option<&'a str> {
        let start = self.pos;
        while self.peek().is_some_and(is_tchar) {
            self.pos += 1;
        }
        (self.pos > start)
            .then(|| self.text.get(start..self.pos))
            .flatten()
    }

    /// A token68 standing alone up to the end or a comma, else nothing consumed.
    fn token68(&mut self) -> Option<&'a str> {
        let start = self.pos;
        let mut end = start;
        let bytes = self.text.as_bytes();
        while bytes.get(end).copied().is_some_and(is_token68_char) {
            end += 1;
        }
        if end == start {
            return None;
        }
        while bytes.get(end) == Some(&b'=') {
            end += 1;
        }
        let mut after = end;
        while matches!(bytes.get(after), Some(b' ' | b'\t')) {
            after += 1;
        }
        if matches!(bytes.get(after), None | Some(b',')) {
            self.pos = end;
            self.text.get(start..end)
        } else {
            None
        }
    }

    fn quoted(&mut self) -> Result<Cow<'a, str>, AuthFailure> {
        // At the opening quote.
        self.pos += 1;
        let start = self.pos;
        let mut unescaped: Option<Vec<u8>> = None;
        loop {
            let Some(b) = self.peek() else {
                return Err(AuthFailure::Malformed("unterminated quoted string"));
            };
            if is_ctl(b) {
                return Err(AuthFailure::Malformed(
                    "control character in a quoted string",
                ));
            }
            match b {
                b'"' => break,
                b'\\' => {
                    let buf = unescaped.get_or_insert_with(|| {
                        self.text
                            .as_bytes()
                            .get(start..self.pos)
                            .unwrap_or_default()
                            .to_vec()
                    });
                    self.pos += 1;
                    match self.peek() {
                        Some(e) if !is_ctl(e) => buf.push(e),
                        _ => {
                            return Err(AuthFailure::Malformed(
                                "invalid escape in a quoted string",
                            ));
                        }
                    }
                }
                _ => {
                    if let Some(buf) = unescaped.as_mut() {
                        buf.push(b);
                    }
                }
            }
            self.pos += 1;
        }
        let value = match unescaped {
            None => Cow::Borrowed(self.slice(start)?),
            // Only ASCII backslashes were removed, so the bytes are still UTF-8.
            Some(buf) => Cow::Owned(
                String::from_utf8(buf)
                    .map_err(|_| AuthFailure::Malformed("invalid escape in a quoted string"))?,
            ),
        };
        // The closing quote.
        self.pos += 1;
        Ok(value)
    }

    /// A parameter value without quotes: read leniently up to a delimiter, since some
    /// clients leave `uri` or `nc` unquoted or quote what should be a token.
    fn bare_value(&mut self) -> Result<&'a str, AuthFailure> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| !is_ctl(b) && !matches!(b, b',' | b' ' | b'\t' | b'"'))
        {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(AuthFailure::Malformed("empty parameter value"));
        }
        self.slice(start)
    }

    /// Whether an `auth-param` (`token BWS "="`) starts here; nothing consumed.
    fn param_follows(&mut self) -> bool {
        let start = self.pos;
        let found = self.token().is_some() && {
            self.skip_ows();
            self.peek() == Some(b'=')
        };
        self.pos = start;
        found
    }
}

/// Parses a list of challenges, or one set of credentials, in linear time.
fn parse_items(text: &str) -> Result<Vec<AuthItem<'_>>, AuthFailure> {
    if text.len() > MAX_HEADER_BYTES {
        return Err(AuthFailure::TooLong {
            max: MAX_HEADER_BYTES,
        });
    }
    let mut r = Reader { text, pos: 0 };
    let mut items = Vec::new();
    loop {
        r.skip_ows_and_commas();
        if r.at_end() {
            break;
        }
        let scheme = r
            .token()
            .ok_or(AuthFailure::Malformed("expected an authentication scheme"))?;
        let mut item = AuthItem {
            scheme,
            token68: None,
            params: Vec::new(),
        };
        let after_scheme = r.pos;
        r.skip_ows();
        if !r.at_end() && r.peek() != Some(b',') {
            if r.pos == after_scheme {
                return Err(AuthFailure::Malformed("expected a space after the scheme"));
            }
            if let Some(token68) = r.token68() {
                item.token68 = Some(token68);
            } else {
                parse_params(&mut r, &mut item.params)?;
            }
        }
        items.push(item);
    }
    if items.is_empty() {
        return Err(AuthFailure::Malformed("empty header"));
    }
    Ok(items)
}

/// Reads `#auth-param` up to the end or to the scheme of the next challenge.
fn parse_params<'a>(r: &mut Reader<'a>, params: &mut Vec<Param<'a>>) -> Result<(), AuthFailure> {
    loop {
        let name = r
            .token()
            .ok_or(AuthFailure::Malformed("expected a parameter name"))?;
        r.skip_ows();
        if r.peek() != Some(b'=') {
            return Err(AuthFailure::Malformed("expected = after a parameter name"));
        }
        r.pos += 1;
        r.skip_ows();
        let value = if r.peek() == Some(b'"') {
            r.quoted()?
        } else {
            Cow::Borrowed(r.bare_value()?)
        };
        if params.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(AuthFailure::Malformed("duplicate parameter"));
        }
        params.push((name, value));
        r.skip_ows();
        match r.peek() {
            None => return Ok(()),
            Some(b',') => {
                r.skip_ows_and_commas();
                // Either the next parameter of this challenge, or the next challenge's scheme.
                if r.at_end() || !r.param_follows() {
                    return Ok(());
                }
            }
            Some(_) => {
                return Err(AuthFailure::Malformed(
                    "expected a comma between parameters",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONCE: &str = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    const CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    fn rfc_input(algorithm: Algorithm) -> DigestInput<'static> {
        DigestInput {
            algorithm,
            username: "Mufasa",
            realm: "http-auth@example.org",
            password: "Circle of Life",
            method: "GET",
            uri: "/dir/index.html",
            nonce: NONCE,
            qop: Some(QopAuth {
                nc: "00000001",
                cnonce: CNONCE,
            }),
        }
    }

    #[test]
    fn rfc7616_example() {
        assert_eq!(
            rfc_input(Algorithm::Md5).response(),
            "8ca523f5e9506fed4657c9700eebdbec"
        );
        assert_eq!(
            rfc_input(Algorithm::Sha256).response(),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
    }

    #[test]
    fn rfc7616_example_header_parses() {
        let header = r#"Digest username="Mufasa",
            realm="http-auth@example.org",
            uri="/dir/index.html",
            algorithm=MD5,
            nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            nc=00000001,
            cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            qop=auth,
            response="8ca523f5e9506fed4657c9700eebdbec",
            opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#
            .replace(['\n'], "");
        let Credentials::Digest(d) = Credentials::parse(&header).unwrap() else {
            panic!("not digest");
        };
        assert_eq!(d.username(), "Mufasa");
        assert_eq!(d.realm(), "http-auth@example.org");
        assert_eq!(d.uri(), "/dir/index.html");
        assert_eq!(d.nonce(), NONCE);
        assert_eq!(d.algorithm(), Algorithm::Md5);
        assert_eq!(
            d.qop(),
            Some(QopAuth {
                nc: "00000001",
                cnonce: CNONCE
            })
        );
        assert!(!format!("{d:?}").contains("8ca523"));
    }

    const SECRET: &[u8] = b"shared by the nodes";
    const NOW: u64 = 1_700_000_000;

    fn authority() -> DigestAuthority {
        DigestAuthority::new(SECRET, "tta-acs", 300)
    }

    /// A client's answer to the server's first challenge of `algorithm`.
    fn answer(auth: &DigestAuthority, algorithm: Algorithm, password: &str, now: u64) -> String {
        let challenges: Vec<Challenge> = auth
            .challenges(now, false, false)
            .iter()
            .flat_map(|c| Challenge::parse_list(c).unwrap())
            .collect();
        let Some(Challenge::Digest(c)) = challenges
            .iter()
            .find(|c| matches!(c, Challenge::Digest(d) if d.algorithm() == Ok(algorithm)))
        else {
            panic!("no {algorithm} challenge");
        };
        c.respond("CPE1", password, "POST", "/acs", "0a4f113b", 1)
            .unwrap()
    }

    fn check(auth: &DigestAuthority, header: &str, now: u64) -> Result<(), AuthFailure> {
        let creds = Credentials::parse(header)?;
        assert_eq!(creds.username(), "CPE1");
        auth.check(&creds, "POST", "s3cret", now, false)
    }

    #[test]
    fn digest_round_trip() {
        let auth = authority();
        for algorithm in [Algorithm::Md5, Algorithm::Sha256] {
            let header = answer(&auth, algorithm, "s3cret", NOW);
            assert_eq!(check(&auth, &header, NOW + 10), Ok(()), "{algorithm}");
            assert_eq!(
                check(&auth, &answer(&auth, algorithm, "wrong", NOW), NOW),
                Err(AuthFailure::WrongCredentials)
            );
        }
    }

    #[test]
    fn digest_wrong_method_or_realm() {
        let auth = authority();
        let creds = Credentials::parse(&answer(&auth, Algorithm::Sha256, "s3cret", NOW)).unwrap();
        assert_eq!(
            auth.check(&creds, "GET", "s3cret", NOW, false),
            Err(AuthFailure::WrongCredentials)
        );
        let other = DigestAuthority::new(SECRET, "elsewhere", 300);
        assert_eq!(
            other.check(&creds, "POST", "s3cret", NOW, false),
            Err(AuthFailure::WrongRealm("tta-acs".to_owned()))
        );
    }

    #[test]
    fn stale_nonce() {
        let auth = authority();
        let header = answer(&auth, Algorithm::Sha256, "s3cret", NOW);
        assert_eq!(check(&auth, &header, NOW + 300), Ok(()));
        let err = check(&auth, &header, NOW + 301).unwrap_err();
        assert_eq!(err, AuthFailure::StaleNonce);
        assert!(err.stale());
        // A nonce from a node whose clock runs a lifetime ahead.
        assert_eq!(
            check(&auth, &header, NOW - 301),
            Err(AuthFailure::StaleNonce)
        );
        // Stale is told only to a client that knows the password.
        let wrong = answer(&auth, Algorithm::Sha256, "wrong", NOW);
        assert_eq!(
            check(&auth, &wrong, NOW + 301),
            Err(AuthFailure::WrongCredentials)
        );
        // The stale challenge says so, and a fresh nonce passes.
        let fresh = auth.challenges(NOW + 301, true, false);
        assert!(fresh.iter().all(|c| c.ends_with(", stale=true")));
        let Challenge::Digest(c) = &Challenge::parse_list(&fresh[0]).unwrap()[0] else {
            panic!("not digest");
        };
        assert!(c.stale());
        let retry = c
            .respond("CPE1", "s3cret", "POST", "/acs", "c2", 1)
            .unwrap();
        assert_eq!(check(&auth, &retry, NOW + 301), Ok(()));
    }

    /// A digest over `nonce`, right for the password.
    fn digest_with_nonce(nonce: &str) -> String {
        DigestInput {
            algorithm: Algorithm::Sha256,
            username: "CPE1",
            realm: "tta-acs",
            password: "s3cret",
            method: "POST",
            uri: "/acs",
            nonce,
            qop: Some(QopAuth {
                nc: "00000001",
                cnonce: "abc",
            }),
        }
        .authorization(None)
    }

    #[test]
    fn tampered_and_foreign_nonces() {
        let auth = authority();
        let nonce = auth.nonce(NOW);
        assert_eq!(check(&auth, &digest_with_nonce(&nonce), NOW), Ok(()));
        // Another issue time under the same MAC.
        let mut bytes = URL_SAFE_NO_PAD.decode(&nonce).unwrap();
        bytes[7] ^= 1;
        let tampered = URL_SAFE_NO_PAD.encode(&bytes);
        assert_eq!(
            check(&auth, &digest_with_nonce(&tampered), NOW),
            Err(AuthFailure::InvalidNonce)
        );
        let foreign = DigestAuthority::new(b"another secret", "tta-acs", 300).nonce(NOW);
        assert_eq!(
            check(&auth, &digest_with_nonce(&foreign), NOW),
            Err(AuthFailure::InvalidNonce)
        );
        for junk in ["", "x", "!!!!", &"A".repeat(200), NONCE] {
            assert_eq!(
                check(&auth, &digest_with_nonce(junk), NOW),
                Err(AuthFailure::InvalidNonce),
                "{junk}"
            );
        }
        assert!(AuthFailure::InvalidNonce.stale());
    }

    #[test]
    fn nodes_sharing_the_secret_accept_each_others_nonces() {
        let a = authority();
        let b = DigestAuthority::new(SECRET, "tta-acs", 300);
        assert_eq!(
            check(&b, &answer(&a, Algorithm::Md5, "s3cret", NOW), NOW),
            Ok(())
        );
        // A long secret is hashed to one block, as HMAC does.
        let long = vec![7u8; 200];
        let c = DigestAuthority::new(&long, "tta-acs", 300);
        assert_eq!(
            check(&c, &answer(&c, Algorithm::Md5, "s3cret", NOW), NOW),
            Ok(())
        );
        assert_eq!(
            check(&a, &answer(&c, Algorithm::Md5, "s3cret", NOW), NOW),
            Err(AuthFailure::InvalidNonce)
        );
    }

    #[test]
    fn digest_without_qop() {
        let auth = authority();
        let nonce = auth.nonce(NOW);
        let input = DigestInput {
            algorithm: Algorithm::Md5,
            username: "CPE1",
            realm: "tta-acs",
            password: "s3cret",
            method: "POST",
            uri: "/acs",
            nonce: &nonce,
            qop: None,
        };
        let header = input.authorization(None);
        assert!(!header.contains("qop"));
        // RFC 2069: H(HA1:nonce:HA2).
        let ha1 = Algorithm::Md5.hex_hash(&["CPE1", "tta-acs", "s3cret"]);
        let ha2 = Algorithm::Md5.hex_hash(&["POST", "/acs"]);
        assert_eq!(
            input.response(),
            Algorithm::Md5.hex_hash(&[&ha1, &nonce, &ha2])
        );
        assert_eq!(check(&auth, &header, NOW), Ok(()));
        // The challenge side: no qop in the challenge, none in the answer.
        let challenge = format!("Digest realm=\"tta-acs\", nonce=\"{nonce}\"");
        let Challenge::Digest(c) = &Challenge::parse_list(&challenge).unwrap()[0] else {
            panic!("not digest");
        };
        assert_eq!(c.algorithm(), Ok(Algorithm::Md5));
        assert_eq!(c.qop_auth(), Ok(false));
        let answer = c.respond("CPE1", "s3cret", "POST", "/acs", "x", 1).unwrap();
        assert!(!answer.contains("qop") && !answer.contains("cnonce"));
        assert_eq!(check(&auth, &answer, NOW), Ok(()));
    }

    #[test]
    fn basic() {
        let auth = authority();
        let header = basic_authorization("CPE1", "s3cret");
        assert_eq!(header, "Basic Q1BFMTpzM2NyZXQ=");
        let creds = Credentials::parse(&header).unwrap();
        assert!(!format!("{creds:?}").contains("s3cret"));
        assert_eq!(auth.check(&creds, "POST", "s3cret", NOW, true), Ok(()));
        for wrong in ["s3cre", "s3cret!", "", "S3CRET"] {
            assert_eq!(
                auth.check(&creds, "POST", wrong, NOW, true),
                Err(AuthFailure::WrongCredentials)
            );
        }
        assert_eq!(
            auth.check(&creds, "POST", "s3cret", NOW, false),
            Err(AuthFailure::BasicNotAllowed)
        );
        // Without padding, scheme in another case, a colon in the password.
        let Credentials::Basic { username, password } =
            Credentials::parse("bAsIc dTpwOng6eQ").unwrap()
        else {
            panic!("not basic");
        };
        assert_eq!((username.as_str(), password.expose()), ("u", "p:x:y"));
        assert_eq!(
            Credentials::parse("Basic dXNlcg=="),
            Err(AuthFailure::Malformed("basic credentials without a colon"))
        );
    }

    #[test]
    fn debug_hides_the_secret() {
        let text = format!("{:?}", DigestAuthority::new(b"topsecret", "r", 1));
        assert!(!text.contains("topsecret"));
        assert!(!format!("{:?}", rfc_input(Algorithm::Md5)).contains("Circle"));
    }

    #[test]
    fn parse_table() {
        use AuthFailure::Malformed as M;
        let cases: &[(&str, Result<(), AuthFailure>)] = &[
            ("", Err(M("empty header"))),
            ("   ", Err(M("empty header"))),
            ("Bearer abc", Err(AuthFailure::UnsupportedScheme)),
            ("Digest", Err(M("digest without username"))),
            (
                "Digest abc",
                Err(M("digest credentials are not parameters")),
            ),
            ("Basic", Err(M("basic credentials are not base64"))),
            ("Basic !!", Err(M("expected = after a parameter name"))),
            ("Basic @", Err(M("expected a parameter name"))),
            (
                "Basic a, Basic b",
                Err(M("expected one set of credentials")),
            ),
            (
                r#"Digest username="a"#,
                Err(M("unterminated quoted string")),
            ),
            (
                r#"Digest username="a\"#,
                Err(M("invalid escape in a quoted string")),
            ),
            (
                "Digest username=\"a\u{1}\"",
                Err(M("control character in a quoted string")),
            ),
            (
                r#"Digest username="a" realm="b""#,
                Err(M("expected a comma between parameters")),
            ),
            (
                r#"Digest username="a", username="b""#,
                Err(M("duplicate parameter")),
            ),
            (
                r#"Digest realm="r", username="#,
                Err(M("empty parameter value")),
            ),
            ("Digest=x", Err(M("expected a space after the scheme"))),
            (
                r#"Digest username="a", realm="r", nonce="n", response="0""#,
                Err(M("digest without uri")),
            ),
        ];
        // Complete digests but for the part after this prefix.
        const DIGEST: &str = r#"Digest username="a", realm="r", nonce="n", uri="/", response="0""#;
        let digest_cases: &[(&str, Result<(), AuthFailure>)] = &[
            (
                "algorithm=MD5-sess",
                Err(AuthFailure::UnsupportedAlgorithm("MD5-sess".to_owned())),
            ),
            (
                "qop=auth-int",
                Err(AuthFailure::UnsupportedQop("auth-int".to_owned())),
            ),
            ("qop=auth, nc=1", Err(M("qop=auth without cnonce"))),
            (
                r#"qop=auth, nc=xyz, cnonce="c""#,
                Err(M("nc is not 8 hexadecimal digits")),
            ),
            ("userhash=true", Err(AuthFailure::UnsupportedUserhash)),
            ("username*=UTF-8''b", Err(M("both username and username*"))),
            (r#"qop=auth, nc=00000001, cnonce="c""#, Ok(())),
        ];
        let digest_cases = digest_cases
            .iter()
            .map(|(suffix, expected)| (format!("{DIGEST}, {suffix}"), expected));
        let cases = cases
            .iter()
            .map(|(header, expected)| ((*header).to_owned(), expected));
        for (header, expected) in cases.chain(digest_cases) {
            assert_eq!(
                &Credentials::parse(&header).map(|_| ()),
                expected,
                "{header:?}"
            );
        }
        assert_eq!(
            Credentials::parse(&format!("Basic {}", "A".repeat(MAX_HEADER_BYTES))),
            Err(AuthFailure::TooLong {
                max: MAX_HEADER_BYTES
            })
        );
    }

    #[test]
    fn lenient_digest_parsing() {
        // Escapes, mixed-case names, unquoted uri and algorithm, unknown parameters, an
        // extended username, upper-case response.
        let header = concat!(
            r#"DIGEST  Username*=UTF-8''J%C3%BCrgen , REALM = "a \"quoted\" realm","#,
            r#"nonce="n",URI=/x?y=1,response="ABCDEF",Algorithm=sha-256,foo=bar"#,
        );
        let Credentials::Digest(d) = Credentials::parse(header).unwrap() else {
            panic!("not digest");
        };
        assert_eq!(d.username(), "Jürgen");
        assert_eq!(d.realm(), "a \"quoted\" realm");
        assert_eq!(d.uri(), "/x?y=1");
        assert_eq!(d.algorithm(), Algorithm::Sha256);
        assert_eq!(d.response, "abcdef");
        assert_eq!(d.qop(), None);
    }

    #[test]
    fn challenge_lists() {
        let list = Challenge::parse_list(concat!(
            r#"Newauth realm="apps", type=1, title="Login to \"apps\"", "#,
            r#"Basic realm="simple", "#,
            r#"Digest realm="r", nonce="n", qop="auth-int, auth", algorithm=SHA-256, "#,
            r#"opaque="o", Negotiate abc=="#,
        ))
        .unwrap();
        assert_eq!(list.len(), 4);
        assert_eq!(
            list[0],
            Challenge::Other {
                scheme: "Newauth".to_owned()
            }
        );
        assert_eq!(
            list[1],
            Challenge::Basic {
                realm: "simple".to_owned()
            }
        );
        let Challenge::Digest(d) = &list[2] else {
            panic!("not digest");
        };
        assert_eq!((d.realm(), d.nonce(), d.opaque()), ("r", "n", Some("o")));
        assert_eq!(d.algorithm(), Ok(Algorithm::Sha256));
        assert_eq!(d.qop_auth(), Ok(true));
        assert!(
            d.respond("u", "p", "GET", "/", "c", 1)
                .unwrap()
                .ends_with(", opaque=\"o\"")
        );
        assert_eq!(
            list[3],
            Challenge::Other {
                scheme: "Negotiate".to_owned()
            }
        );

        let Challenge::Digest(d) =
            &Challenge::parse_list(r#"Digest nonce="n", qop="auth-int", algorithm=MD5-sess"#)
                .unwrap()[0]
        else {
            panic!("not digest");
        };
        assert_eq!(
            d.algorithm(),
            Err(AuthFailure::UnsupportedAlgorithm("MD5-sess".to_owned()))
        );
        assert_eq!(
            d.qop_auth(),
            Err(AuthFailure::UnsupportedQop("auth-int".to_owned()))
        );
        assert_eq!(
            Challenge::parse_list(r#"Digest realm="r""#),
            Err(AuthFailure::Malformed("digest challenge without nonce"))
        );
    }

    #[test]
    fn quoting_round_trips() {
        let auth = DigestAuthority::new(SECRET, "a \"b\" \\ c\r\n", 300);
        assert_eq!(auth.realm(), "a \"b\" \\ c  ");
        for c in auth.challenges(NOW, false, true) {
            let list = Challenge::parse_list(&c).unwrap();
            match &list[..] {
                [Challenge::Digest(d)] => assert_eq!(d.realm(), auth.realm()),
                [Challenge::Basic { realm }] => assert_eq!(realm, auth.realm()),
                other => panic!("{other:?}"),
            }
        }
        let Challenge::Digest(c) =
            &Challenge::parse_list(&auth.challenges(NOW, false, false)[0]).unwrap()[0]
        else {
            panic!("not digest");
        };
        let header = c
            .respond("odd \"user\"", "pw", "POST", "/a\"b", "c\\n", 1)
            .unwrap();
        let creds = Credentials::parse(&header).unwrap();
        assert_eq!(creds.username(), "odd \"user\"");
        assert_eq!(auth.check(&creds, "POST", "pw", NOW, false), Ok(()));
    }

    #[test]
    fn errors_quote_at_most_64_bytes() {
        let msg = AuthFailure::UnsupportedAlgorithm(excerpt(&format!("\n{}", "é".repeat(40))))
            .to_string();
        assert!(msg.contains("\\n") && msg.ends_with("…\"") && !msg.contains('\n'));
    }

    /// Deterministic mutations of valid headers: no input makes parsing or checking panic.
    #[test]
    fn mutated_headers_never_panic() {
        let auth = authority();
        let mut seeds = auth.challenges(NOW, true, true);
        seeds.push(answer(&auth, Algorithm::Sha256, "s3cret", NOW));
        seeds.push(basic_authorization("CPE1", "s3cret"));
        seeds.push(
            concat!(
                r#"Digest username*=UTF-8''%C3%BC, realm="a\"b", nonce=n, uri=/, response=0, "#,
                "qop=auth, nc=1, cnonce=c",
            )
            .to_owned(),
        );
        let alphabet: &[u8] = b" \t,=\"\\%'*:/aZ09\x00\x7f\xff";
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for seed in &seeds {
            for _ in 0..2_000 {
                let mut bytes = seed.clone().into_bytes();
                for _ in 0..(next() % 4 + 1) {
                    let at = (next() as usize) % (bytes.len() + 1);
                    let b = alphabet[(next() as usize) % alphabet.len()];
                    match next() % 3 {
                        0 if at < bytes.len() => bytes[at] = b,
                        1 if at < bytes.len() => {
                            bytes.remove(at);
                        }
                        _ => bytes.insert(at, b),
                    }
                }
                let text = String::from_utf8_lossy(&bytes);
                if let Ok(creds) = Credentials::parse(&text) {
                    let _ = auth.check(&creds, "POST", "s3cret", NOW, true);
                }
                if let Ok(list) = Challenge::parse_list(&text) {
                    for c in list {
                        if let Challenge::Digest(d) = c {
                            let _ = d.respond("u", "p", "GET", "/", "c", 1);
                        }
                    }
                }
            }
        }
    }
}
