//! Connection Requests from the ACS to a CPE: the HTTP form (TR-069 3.2.2), an HTTP GET to
//! the CPE's `ConnectionRequestURL` with Digest authentication, and the UDP form (Annex G),
//! a signed message to the `UDPConnectionRequestAddress` of a CPE behind NAT.
//!
//! The CPE's side (rate limit, replay checks) is in `cwmp-codec`:
//! [`ConnectionRequestGate`](cwmp_codec::ConnectionRequestGate) and
//! [`UdpRequestVerifier`](cwmp_codec::UdpRequestVerifier).

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use cwmp_codec::{Secret, UdpConnectionRequest};
use reqwest::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use reqwest::{Response, Url};
use tokio::net::UdpSocket;

use super::auth::{self, Algorithm, AuthFailure, Challenge, DigestChallenge, excerpt};

/// How much of a 401 body is read so the connection can carry the authenticated retry:
/// some CPEs tie their nonce to the TCP connection. A longer body is dropped with its
/// connection.
const MAX_DRAINED_BYTES: usize = 16 * 1024;

/// The largest message a CPE reads: one unfragmented datagram on an Ethernet path (the limit
/// of [`UdpConnectionRequest::parse`]).
const MAX_DATAGRAM_BYTES: usize = 1472;

/// The authentication a Connection Request ended up using.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthUsed {
    /// The CPE accepted the request without credentials.
    None,
    /// Basic: the CPE offered nothing else.
    Basic,
    /// Digest with this algorithm.
    Digest(Algorithm),
}

impl fmt::Display for AuthUsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::None => f.write_str("no authentication"),
            Self::Basic => f.write_str("basic authentication"),
            Self::Digest(algorithm) => write!(f, "digest {algorithm} authentication"),
        }
    }
}

/// A Connection Request the CPE accepted (200 or 204): it opens a session with
/// `6 CONNECTION REQUEST` soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct HttpOutcome {
    /// The HTTP status of the accepting answer.
    pub status: u16,
    /// The authentication that got it accepted.
    pub auth: AuthUsed,
}

/// Why an HTTP Connection Request was not accepted. Each names the URL, without any user
/// information it held, cut to 64 bytes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionRequestError {
    /// The URL is not an absolute `http` or `https` URL.
    #[error("connection request url \"{url}\" is not an http url")]
    InvalidUrl {
        /// The URL.
        url: String,
    },
    /// No answer: the connection failed or timed out (the client's timeouts apply).
    #[error("connection request to {url}: {}", transport_summary(.source))]
    Transport {
        /// The URL.
        url: String,
        /// What the HTTP client reported.
        #[source]
        source: reqwest::Error,
    },
    /// The CPE answered a status other than 200, 204 or 401 (503 when it rate-limits).
    #[error("connection request to {url} answered {status} (with {auth})")]
    Status {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The authentication sent with the request answered.
        auth: AuthUsed,
    },
    /// The CPE answered 401 to the authenticated retry: the username or password is not the
    /// CPE's `ConnectionRequestUsername` / `ConnectionRequestPassword`.
    #[error("connection request to {url} refused the credentials (with {auth})")]
    Unauthorized {
        /// The URL.
        url: String,
        /// The authentication tried.
        auth: AuthUsed,
    },
    /// The 401 offered no scheme this client can answer.
    #[error("connection request to {url}: no supported challenge in \"{offered}\"")]
    NoSupportedChallenge {
        /// The URL.
        url: String,
        /// The `WWW-Authenticate` values, joined and cut to 64 bytes.
        offered: String,
    },
    /// A `WWW-Authenticate` header of the 401 did not parse, and no other could be used.
    #[error("connection request to {url}: {source}")]
    MalformedChallenge {
        /// The URL.
        url: String,
        /// Why it did not parse.
        #[source]
        source: AuthFailure,
    },
    /// The username or password holds characters an HTTP header cannot carry.
    #[error("connection request to {url}: credentials cannot be sent in a header")]
    InvalidCredentials {
        /// The URL.
        url: String,
    },
}

fn transport_summary(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "request failed"
    }
}

/// The URL as errors show it: without user information, which may hold a password.
fn shown(url: &Url) -> String {
    let mut url = url.clone();
    // Only fails for URLs that cannot have user information, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    excerpt(url.as_str())
}

/// A random client nonce: 16 bytes, in hexadecimal.
fn cnonce() -> String {
    auth::hex(&rand::random::<[u8; 16]>())
}

/// Sends an HTTP Connection Request: a GET to the CPE's `ConnectionRequestURL` `url`,
/// first without credentials; the 401 that normally follows is answered once with
/// `Authorization` for `username` and `password` (Digest `SHA-256` when offered, else
/// Digest `MD5`, with `qop=auth` or without qop as the challenge says; Basic only if the CPE
/// offers nothing else).
///
/// `client` should have a timeout (TR-069 leaves it to the ACS; a CPE that is offline never
/// answers) and no redirect policy, since the CPE has no reason to redirect.
///
/// # Errors
///
/// A [`ConnectionRequestError`]: the URL, the transport, a status other than 200, 204 or
/// 401, a second 401, or a 401 without a challenge this client can answer.
pub async fn send_http(
    client: &reqwest::Client,
    url: &str,
    username: &str,
    password: &str,
) -> Result<HttpOutcome, ConnectionRequestError> {
    let target = Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
        .ok_or_else(|| ConnectionRequestError::InvalidUrl { url: excerpt(url) })?;
    let url = shown(&target);
    let get = |authorization: Option<HeaderValue>| {
        let mut request = client.get(target.clone());
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        let url = url.clone();
        async move {
            request
                .send()
                .await
                .map_err(|e| ConnectionRequestError::Transport {
                    url,
                    source: e.without_url(),
                })
        }
    };

    let first = get(None).await?;
    match first.status().as_u16() {
        status @ (200 | 204) => {
            return Ok(HttpOutcome {
                status,
                auth: AuthUsed::None,
            });
        }
        401 => {}
        status => {
            return Err(ConnectionRequestError::Status {
                url,
                status,
                auth: AuthUsed::None,
            });
        }
    }

    let (auth, authorization) = answer_challenges(&first, &target, &url, username, password)?;
    drain(first).await;
    let value = HeaderValue::from_str(&authorization)
        .map_err(|_| ConnectionRequestError::InvalidCredentials { url: url.clone() })?;
    let second = get(Some(value)).await?;
    match second.status().as_u16() {
        status @ (200 | 204) => Ok(HttpOutcome { status, auth }),
        401 => Err(ConnectionRequestError::Unauthorized { url, auth }),
        status => Err(ConnectionRequestError::Status { url, status, auth }),
    }
}

/// Picks the strongest challenge of a 401 and writes its `Authorization` value.
fn answer_challenges(
    response: &Response,
    target: &Url,
    url: &str,
    username: &str,
    password: &str,
) -> Result<(AuthUsed, String), ConnectionRequestError> {
    let mut challenges = Vec::new();
    let mut offered = Vec::new();
    let mut malformed = None;
    for value in response.headers().get_all(WWW_AUTHENTICATE) {
        let text = String::from_utf8_lossy(value.as_bytes());
        match Challenge::parse_list(&text) {
            Ok(list) => challenges.extend(list),
            Err(e) => malformed = Some(e),
        }
        offered.push(text.into_owned());
    }

    // The first of the highest rank wins: servers list their preference first.
    let mut best: Option<(u8, AuthUsed, Option<&DigestChallenge>)> = None;
    for challenge in &challenges {
        let candidate = match challenge {
            Challenge::Digest(d) => match (d.algorithm(), d.qop_auth()) {
                (Ok(Algorithm::Sha256), Ok(_)) => (3, AuthUsed::Digest(Algorithm::Sha256), Some(d)),
                (Ok(algorithm), Ok(_)) => (2, AuthUsed::Digest(algorithm), Some(d)),
                _ => continue,
            },
            Challenge::Basic { .. } => (1, AuthUsed::Basic, None),
            _ => continue,
        };
        if best.as_ref().is_none_or(|(rank, ..)| candidate.0 > *rank) {
            best = Some(candidate);
        }
    }

    match best {
        Some((_, auth, Some(digest))) => {
            // The request target, as the digest `uri` covers it.
            let uri = match target.query() {
                Some(query) => format!("{}?{query}", target.path()),
                None => target.path().to_owned(),
            };
            let header = digest
                .respond(username, password, "GET", &uri, &cnonce(), 1)
                .map_err(|source| ConnectionRequestError::MalformedChallenge {
                    url: url.to_owned(),
                    source,
                })?;
            Ok((auth, header))
        }
        Some((_, auth, None)) => Ok((auth, auth::basic_authorization(username, password))),
        None => Err(match malformed {
            Some(source) => ConnectionRequestError::MalformedChallenge {
                url: url.to_owned(),
                source,
            },
            None => ConnectionRequestError::NoSupportedChallenge {
                url: url.to_owned(),
                offered: excerpt(&offered.join(", ")),
            },
        }),
    }
}

/// Reads a short body to its end, so the connection goes back to the pool.
async fn drain(mut response: Response) {
    if response
        .content_length()
        .is_some_and(|n| n > MAX_DRAINED_BYTES as u64)
    {
        return;
    }
    let mut read = 0;
    while let Ok(Some(chunk)) = response.chunk().await {
        read += chunk.len();
        if read > MAX_DRAINED_BYTES {
            return;
        }
    }
}

/// How a UDP Connection Request is repeated: UDP may lose any one datagram, so TR-069
/// Annex G has the ACS send the same message (same `ts` and `id`) several times; the CPE
/// acts on the first copy and ignores the others as replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct UdpRepeat {
    /// Copies sent (0 counts as 1).
    pub count: u32,
    /// The wait between copies, so a short burst of loss does not take them all.
    pub interval: Duration,
}

impl UdpRepeat {
    /// `count` copies, `interval` apart.
    #[must_use]
    pub fn new(count: u32, interval: Duration) -> Self {
        Self { count, interval }
    }
}

impl Default for UdpRepeat {
    /// Three copies, 500 ms apart: loss is usually brief, and the CPE's session should not
    /// wait long behind a lost first copy.
    fn default() -> Self {
        Self::new(3, Duration::from_millis(500))
    }
}

/// Sends a UDP Connection Request (TR-069 Annex G.2) from `socket` to `target` (the CPE's
/// `UDPConnectionRequestAddress`, as the NAT maps it), signed with the CPE's connection
/// request `username` and `password`, `repeat.count` times.
///
/// `ts` is the current Unix time in seconds and `id` a message ID the ACS has not sent this
/// CPE before: the CPE ignores a `ts` not newer than the last it accepted, and an `id` it
/// has seen. The client nonce is random.
///
/// # Errors
///
/// An [`io::ErrorKind::InvalidInput`] error when the message would not fit in one datagram
/// (a very long username), or the socket's error.
pub async fn send_udp(
    socket: &UdpSocket,
    target: SocketAddr,
    username: &str,
    password: &str,
    ts: u64,
    id: u64,
    repeat: UdpRepeat,
) -> io::Result<()> {
    let authority = target.to_string();
    let cnonce = cnonce();
    let message = UdpConnectionRequest::signed(
        &authority,
        ts,
        id,
        username,
        &cnonce,
        &Secret::new(password),
    )
    .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?
    .to_vec();
    if message.len() > MAX_DATAGRAM_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "udp connection request of {} bytes exceeds {MAX_DATAGRAM_BYTES}",
                message.len()
            ),
        ));
    }
    for copy in 0..repeat.count.max(1) {
        if copy > 0 {
            tokio::time::sleep(repeat.interval).await;
        }
        socket.send_to(&message, target).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{SystemTime, UNIX_EPOCH};

    use axum::Router;
    use axum::extract::State;
    use axum::http::{HeaderMap, Method, StatusCode, Uri};
    use axum::routing::get;
    use cwmp_codec::{UdpRejection, UdpRequestVerifier};

    use super::*;
    use crate::acs::auth::{Credentials, DigestAuthority};

    const USER: &str = "cpe-user";
    const PASSWORD: &str = "cpe-pass";

    fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
    }

    fn client() -> reqwest::Client {
        // The client is built with TLS support, which needs a crypto provider even for
        // plain http.
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    }

    /// What the test CPE's 401 offers.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Offer {
        /// Digest SHA-256 and MD5, qop=auth.
        Digest,
        /// Digest MD5 only.
        Md5,
        /// Digest SHA-256 and MD5, without qop (RFC 2069).
        DigestNoQop,
        /// Basic only.
        Basic,
        /// A scheme the client does not know.
        Negotiate,
    }

    #[derive(Clone)]
    struct Cpe {
        authority: Arc<DigestAuthority>,
        offer: Offer,
    }

    async fn cpe(
        State(cpe): State<Cpe>,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
    ) -> (StatusCode, HeaderMap) {
        let now = now();
        let basic = cpe.offer == Offer::Basic;
        let mut stale = false;
        if let Some(value) = headers.get("authorization") {
            let creds = Credentials::parse(value.to_str().unwrap()).unwrap();
            assert_eq!(creds.username(), USER);
            if let Credentials::Digest(d) = &creds {
                assert_eq!(d.uri(), uri.path_and_query().unwrap().as_str());
                assert_eq!(d.qop().is_some(), cpe.offer != Offer::DigestNoQop);
                let expected = if cpe.offer == Offer::Md5 {
                    Algorithm::Md5
                } else {
                    Algorithm::Sha256
                };
                assert_eq!(d.algorithm(), expected);
            }
            match cpe
                .authority
                .check(&creds, method.as_str(), PASSWORD, now, basic)
            {
                Ok(()) => return (StatusCode::OK, HeaderMap::new()),
                Err(e) => stale = e.stale(),
            }
        }
        let mut out = HeaderMap::new();
        let challenges = cpe.authority.challenges(now, stale, basic);
        for c in challenges {
            let c = match cpe.offer {
                Offer::Digest => c,
                Offer::Md5 if c.contains("algorithm=MD5") => c,
                Offer::DigestNoQop if c.starts_with("Digest") => c.replace("qop=\"auth\", ", ""),
                Offer::Basic if c.starts_with("Basic") => c,
                _ => continue,
            };
            out.append("www-authenticate", c.parse().unwrap());
        }
        if cpe.offer == Offer::Negotiate {
            out.append("www-authenticate", "Negotiate".parse().unwrap());
        }
        (StatusCode::UNAUTHORIZED, out)
    }

    async fn serve(app: Router) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        addr
    }

    async fn cpe_url(offer: Offer) -> String {
        let state = Cpe {
            authority: Arc::new(DigestAuthority::new(b"cpe secret", "cpe", 60)),
            offer,
        };
        let app = Router::new().route("/cr", get(cpe)).with_state(state);
        format!("http://{}/cr?sn=0001", serve(app).await)
    }

    #[tokio::test]
    async fn digest_prefers_sha256() {
        let url = cpe_url(Offer::Digest).await;
        let outcome = send_http(&client(), &url, USER, PASSWORD).await.unwrap();
        assert_eq!(
            outcome,
            HttpOutcome {
                status: 200,
                auth: AuthUsed::Digest(Algorithm::Sha256)
            }
        );
    }

    #[tokio::test]
    async fn digest_md5_only() {
        let url = cpe_url(Offer::Md5).await;
        let outcome = send_http(&client(), &url, USER, PASSWORD).await.unwrap();
        assert_eq!(outcome.auth, AuthUsed::Digest(Algorithm::Md5));
    }

    #[tokio::test]
    async fn digest_without_qop() {
        let url = cpe_url(Offer::DigestNoQop).await;
        let outcome = send_http(&client(), &url, USER, PASSWORD).await.unwrap();
        assert_eq!(outcome.auth, AuthUsed::Digest(Algorithm::Sha256));
    }

    #[tokio::test]
    async fn basic_when_nothing_else() {
        let url = cpe_url(Offer::Basic).await;
        let outcome = send_http(&client(), &url, USER, PASSWORD).await.unwrap();
        assert_eq!(outcome.auth, AuthUsed::Basic);
    }

    #[tokio::test]
    async fn wrong_password() {
        for offer in [Offer::Digest, Offer::Basic] {
            let url = cpe_url(offer).await;
            let err = send_http(&client(), &url, USER, "nope").await.unwrap_err();
            assert!(
                matches!(err, ConnectionRequestError::Unauthorized { .. }),
                "{err}"
            );
            assert!(err.to_string().contains("refused the credentials"), "{err}");
        }
    }

    #[tokio::test]
    async fn unknown_scheme() {
        let url = cpe_url(Offer::Negotiate).await;
        let err = send_http(&client(), &url, USER, PASSWORD)
            .await
            .unwrap_err();
        let ConnectionRequestError::NoSupportedChallenge { offered, .. } = &err else {
            panic!("{err}");
        };
        assert_eq!(offered, "Negotiate");
    }

    #[tokio::test]
    async fn no_auth_and_errors() {
        let open = serve(Router::new().route("/", get(|| async { StatusCode::NO_CONTENT }))).await;
        let outcome = send_http(&client(), &format!("http://{open}/"), USER, PASSWORD)
            .await
            .unwrap();
        assert_eq!(
            outcome,
            HttpOutcome {
                status: 204,
                auth: AuthUsed::None
            }
        );

        let failing =
            serve(Router::new().route("/", get(|| async { StatusCode::INTERNAL_SERVER_ERROR })))
                .await;
        let url = format!("http://user:pw@{failing}/");
        let err = send_http(&client(), &url, USER, PASSWORD)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ConnectionRequestError::Status { status: 500, .. }),
            "{err}"
        );
        let message = err.to_string();
        assert_eq!(
            message,
            format!(
                "connection request to http://{failing}/ answered 500 (with no authentication)"
            )
        );

        // A port nothing listens on.
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap()
        };
        let err = send_http(&client(), &format!("http://{closed}/cr"), USER, PASSWORD)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ConnectionRequestError::Transport { .. }),
            "{err}"
        );
        assert_eq!(
            err.to_string(),
            format!("connection request to http://{closed}/cr: could not connect")
        );

        for bad in ["", "not a url", "ftp://host/", "http://\n"] {
            let err = send_http(&client(), bad, USER, PASSWORD).await.unwrap_err();
            assert!(
                matches!(err, ConnectionRequestError::InvalidUrl { .. }),
                "{err}"
            );
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[tokio::test]
    async fn credentials_that_cannot_be_sent() {
        let url = cpe_url(Offer::Digest).await;
        let err = send_http(&client(), &url, "bad\nuser", PASSWORD)
            .await
            .unwrap_err();
        assert!(
            matches!(err, ConnectionRequestError::InvalidCredentials { .. }),
            "{err}"
        );
    }

    #[tokio::test]
    async fn udp_copies_verify() {
        let cpe = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let acs = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let target = cpe.local_addr().unwrap();
        let ts = 1_700_000_000;
        let repeat = UdpRepeat::new(3, Duration::from_millis(5));
        send_udp(&acs, target, "CPE 57689", "s3cret", ts, 42, repeat)
            .await
            .unwrap();

        let mut verifier = UdpRequestVerifier::new("CPE 57689", Secret::new("s3cret"));
        let mut wrong = UdpRequestVerifier::new("CPE 57689", Secret::new("other"));
        let mut buf = [0u8; 2048];
        for copy in 0..3 {
            let (n, from) = tokio::time::timeout(Duration::from_secs(5), cpe.recv_from(&mut buf))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(from, acs.local_addr().unwrap());
            let request = UdpConnectionRequest::parse(&buf[..n]).unwrap();
            assert_eq!(request.authority(), target.to_string());
            assert_eq!((request.ts(), request.id()), (ts, 42));
            assert_eq!(request.username(), "CPE 57689");
            assert_eq!(request.cnonce().len(), 32);
            assert_eq!(wrong.verify(&request), Err(UdpRejection::BadSignature));
            // The CPE acts on the first copy and ignores the others.
            let expected = if copy == 0 {
                Ok(())
            } else {
                Err(UdpRejection::StaleTimestamp { ts, last: ts })
            };
            assert_eq!(verifier.verify(&request), expected);
        }
    }

    #[tokio::test]
    async fn udp_message_too_long() {
        let acs = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let target = acs.local_addr().unwrap();
        let err = send_udp(
            &acs,
            target,
            &"u".repeat(1500),
            "p",
            1,
            1,
            UdpRepeat::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    }
}
