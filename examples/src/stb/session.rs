//! One CWMP session from the CPE side, over HTTP(S): the codec's [`CpeSession`] decides what
//! to post and when the session is over; this module carries the bodies, the session cookie
//! and the authentication.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use cwmp_codec::{
    AfterSession, Body, CpeAction, CpeSession, Envelope, Incoming, Message, SessionConfig,
    SessionEnd,
};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE, WWW_AUTHENTICATE};

use crate::acs::auth::{Challenge, DigestChallenge, basic_authorization};

/// How the CPE authenticates to the server: Digest when challenged (Basic if that is all
/// the server offers), optionally Basic on the first request already (some CPEs do).
#[derive(Debug, Clone)]
pub struct Credentials {
    username: String,
    password: String,
    /// Send Basic before any challenge.
    pub preemptive_basic: bool,
    challenge: Option<DigestChallenge>,
    basic: bool,
    nc: u32,
}

impl Credentials {
    /// Credentials, Digest on demand.
    #[must_use]
    pub fn new(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            password: password.into(),
            preemptive_basic: false,
            challenge: None,
            basic: false,
            nc: 0,
        }
    }

    /// The user name.
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The Authorization value for the next request, if the CPE has one to send.
    fn authorization(&mut self, method: &str, uri: &str) -> Option<String> {
        if let Some(challenge) = &self.challenge {
            self.nc += 1;
            let cnonce = format!("{:016x}", rand::random::<u64>());
            return challenge
                .respond(
                    &self.username,
                    &self.password,
                    method,
                    uri,
                    &cnonce,
                    self.nc,
                )
                .ok();
        }
        (self.basic || self.preemptive_basic)
            .then(|| basic_authorization(&self.username, &self.password))
    }

    /// Takes a 401's challenges; whether there is one to answer.
    fn challenged(&mut self, headers: &reqwest::header::HeaderMap) -> bool {
        let challenges: Vec<Challenge> = headers
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| Challenge::parse_list(v).ok())
            .flatten()
            .collect();
        // SHA-256 first when offered: the server lists its preference first.
        let digest = challenges.iter().find_map(|c| match c {
            Challenge::Digest(d) if d.algorithm().is_ok() => Some(d.clone()),
            _ => None,
        });
        if let Some(d) = digest {
            self.challenge = Some(d);
            self.nc = 0;
            return true;
        }
        if challenges
            .iter()
            .any(|c| matches!(c, Challenge::Basic { .. }))
        {
            self.basic = true;
            return true;
        }
        false
    }
}

/// Why a session did not complete.
#[derive(Debug, thiserror::Error)]
pub enum SessionFailure {
    /// The server could not be reached, or the exchange broke.
    #[error("{url}: {source}")]
    Transport {
        /// The server.
        url: String,
        /// Why.
        source: reqwest::Error,
    },
    /// The server refused the credentials.
    #[error("{url}: authentication refused (401)")]
    Unauthorized {
        /// The server.
        url: String,
    },
    /// The server answered with an HTTP error.
    #[error("{url}: HTTP {status}")]
    Status {
        /// The server.
        url: String,
        /// The status.
        status: u16,
        /// `Retry-After`, in seconds, when the server sent one (503 when busy).
        retry_after: Option<u64>,
    },
    /// The session broke a rule, or was not used as the machine asks.
    #[error("session: {0}")]
    Session(#[from] cwmp_codec::SessionError),
    /// The session ended without completing.
    #[error("session ended: {0:?}")]
    Ended(SessionEnd),
}

impl SessionFailure {
    /// Whether retrying with the same credentials cannot help.
    #[must_use]
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Unauthorized { .. })
    }
}

/// What a completed session brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionReport {
    /// What the CPE does now (reboot, factory reset).
    pub then: AfterSession,
    /// The ACS's requests, by method, in order.
    pub requests: Vec<String>,
    /// The ACS's answers to the CPE's own requests (after the InformResponse).
    pub responses: Vec<Envelope<'static>>,
    /// HTTP exchanges.
    pub posts: u32,
}

/// Every HTTP body a CPE sent and received, in order (empty ones included), shared with
/// whoever wants to look at them (the schema tests).
pub type Capture = Arc<Mutex<Vec<Vec<u8>>>>;

/// Where and how a CPE reaches its server.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The server URL.
    pub url: String,
    /// The credentials.
    pub credentials: Credentials,
    /// The HTTP client (keep-alive, TLS roots).
    pub client: reqwest::Client,
    /// Records every body sent and received, when set.
    pub capture: Option<Capture>,
    /// When not empty, the POSTs go to these in turn instead of `url`, each to the next
    /// (several nodes sharing one store: a session may move between them at any POST).
    pub spread: Vec<String>,
    /// POSTs sent so far, to pick the next of `spread`.
    pub sent: usize,
}

impl Endpoint {
    /// Where the next POST goes.
    fn next_url(&mut self) -> String {
        if self.spread.is_empty() {
            return self.url.clone();
        }
        let url = self.spread[self.sent % self.spread.len()].clone();
        self.sent += 1;
        url
    }

    fn record(&self, body: &[u8]) {
        if let Some(capture) = &self.capture
            && let Ok(mut bodies) = capture.lock()
        {
            bodies.push(body.to_vec());
        }
    }
}

fn now_ms(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Runs one session: posts `inform`, then the CPE's `requests` (TransferComplete...),
/// answering every request of the server with `answer`, until the machine says it is over.
///
/// # Errors
///
/// A [`SessionFailure`]: the transport, the credentials, an HTTP error or a broken rule.
pub async fn run(
    endpoint: &mut Endpoint,
    inform: Envelope<'static>,
    requests: Vec<Envelope<'static>>,
    mut answer: impl FnMut(&Envelope<'_>) -> Body<'static>,
) -> Result<SessionReport, SessionFailure> {
    let start = Instant::now();
    let mut cpe = CpeSession::new(inform, SessionConfig::default())?;
    for request in requests {
        cpe.queue(request)?;
    }
    let uri = reqwest::Url::parse(&endpoint.url)
        .map(|u| u.path().to_owned())
        .unwrap_or_else(|_| "/".into());
    let mut cookie: Option<String> = None;
    let mut report = SessionReport {
        then: AfterSession::Nothing,
        requests: Vec::new(),
        responses: Vec::new(),
        posts: 0,
    };
    loop {
        let message = match cpe.next_action(now_ms(start))? {
            CpeAction::Post(message) => message,
            CpeAction::Close { end, then } => {
                if !end.is_completed() {
                    return Err(SessionFailure::Ended(end));
                }
                report.then = then;
                return Ok(report);
            }
            _ => return Err(SessionFailure::Ended(SessionEnd::TransportFailed)),
        };
        let reply = match post(endpoint, &uri, &mut cookie, message.to_vec(), &mut report).await {
            Ok(reply) => reply,
            Err(e) => {
                cpe.http_failed();
                return Err(e);
            }
        };
        let now = now_ms(start);
        if !(reply.status == StatusCode::OK || reply.status == StatusCode::NO_CONTENT) {
            cpe.http_failed();
            return Err(SessionFailure::Status {
                url: endpoint.url.clone(),
                status: reply.status.as_u16(),
                retry_after: reply.retry_after,
            });
        }
        let incoming = if reply.body.is_empty() {
            cpe.receive(now, Message::default())?
        } else {
            cpe.receive_bytes(now, &reply.body)?
        };
        for item in incoming {
            match item {
                Incoming::Request(env) => {
                    report.requests.push(env.body.method_name().to_owned());
                    let body = answer(&env);
                    cpe.respond(body)?;
                }
                Incoming::Response { response, .. }
                    if !matches!(response.body, Body::InformResponse(_)) =>
                {
                    report.responses.push(response.into_owned());
                }
                _ => {}
            }
        }
    }
}

struct HttpReply {
    status: StatusCode,
    body: Vec<u8>,
    retry_after: Option<u64>,
}

/// Posts one body, answering a challenge (the first, or a stale nonce) by posting it again.
async fn post(
    endpoint: &mut Endpoint,
    uri: &str,
    cookie: &mut Option<String>,
    body: Vec<u8>,
    report: &mut SessionReport,
) -> Result<HttpReply, SessionFailure> {
    let transport = |url: &str, source| SessionFailure::Transport {
        url: url.to_owned(),
        source,
    };
    endpoint.record(&body);
    // A challenge is answered on the node that sent it.
    let url = endpoint.next_url();
    for _ in 0..3 {
        report.posts += 1;
        let mut request = endpoint.client.post(&url).body(body.clone());
        if !body.is_empty() {
            request = request.header(CONTENT_TYPE, "text/xml; charset=utf-8");
        }
        if let Some(c) = cookie.as_deref() {
            request = request.header(COOKIE, c);
        }
        if let Some(a) = endpoint.credentials.authorization("POST", uri) {
            request = request.header(AUTHORIZATION, a);
        }
        let response = request.send().await.map_err(|e| transport(&url, e))?;
        let status = response.status();
        if let Some(set) = response
            .headers()
            .get(SET_COOKIE)
            .and_then(|v| v.to_str().ok())
        {
            *cookie = set.split(';').next().map(str::to_owned);
        }
        if status == StatusCode::UNAUTHORIZED {
            if endpoint.credentials.challenged(response.headers()) {
                // Read the short body so the connection can carry the answer.
                let _ = response.bytes().await;
                continue;
            }
            break;
        }
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse().ok());
        let body = response.bytes().await.map_err(|e| transport(&url, e))?;
        endpoint.record(&body);
        return Ok(HttpReply {
            status,
            body: body.to_vec(),
            retry_after,
        });
    }
    Err(SessionFailure::Unauthorized { url })
}
