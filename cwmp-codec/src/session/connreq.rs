//! The CPE's side of an HTTP Connection Request (TR-069 3.2.2): which ones start a session.

use std::collections::VecDeque;

/// How many Connection Requests the CPE accepts in a sliding window (TR-069 3.2.2: the CPE
/// should restrict them, and answers the others 503).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RateLimit {
    /// Most requests accepted in one window (default 5; 0 counts as 1).
    pub max_requests: u32,
    /// The window, in milliseconds (default 60,000).
    pub window_ms: u64,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            max_requests: 5,
            window_ms: 60_000,
        }
    }
}

impl RateLimit {
    /// At most `max_requests` per `window_ms`.
    #[must_use]
    pub fn new(max_requests: u32, window_ms: u64) -> Self {
        Self {
            max_requests,
            window_ms,
        }
    }
}

/// An accepted Connection Request: answer it 200 and open a session whose Inform carries
/// `6 CONNECTION REQUEST`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectionRequestOutcome {
    /// No session is in progress: start one now.
    StartSession,
    /// A session is in progress: it goes on undisturbed, and a new session starts when it
    /// ends ([`ConnectionRequestGate::session_ended`] says so).
    AfterCurrentSession,
}

impl ConnectionRequestOutcome {
    /// The HTTP status to answer with: 200.
    #[must_use]
    pub fn status(self) -> u16 {
        200
    }
}

/// Why a Connection Request was refused, each with its HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionRequestRejection {
    /// Not an HTTP GET (405).
    #[error("connection request method is not get")]
    MethodNotAllowed,
    /// The HTTP layer's digest authentication failed or was absent (401).
    #[error("connection request is not authenticated")]
    Unauthorized,
    /// Over the rate limit (503); the earliest time, on the caller's clock, a request can be
    /// accepted again.
    #[error("too many connection requests; accepted again at {retry_at}")]
    RateLimited {
        /// When the oldest accepted request leaves the window.
        retry_at: u64,
    },
}

impl ConnectionRequestRejection {
    /// The HTTP status to answer with.
    #[must_use]
    pub fn status(self) -> u16 {
        match self {
            Self::MethodNotAllowed => 405,
            Self::Unauthorized => 401,
            Self::RateLimited { .. } => 503,
        }
    }
}

/// Decides what an incoming HTTP Connection Request does, with a rate limit on the caller's
/// clock. Digest authentication is the HTTP layer's: it tells the gate the result.
///
/// ```
/// use cwmp_codec::{ConnectionRequestGate, ConnectionRequestOutcome, ConnectionRequestRejection, RateLimit};
///
/// let mut gate = ConnectionRequestGate::new(RateLimit::new(1, 60_000));
/// assert_eq!(gate.check(0, "GET", true, false), Ok(ConnectionRequestOutcome::StartSession));
/// assert_eq!(gate.check(1_000, "GET", true, true), Err(ConnectionRequestRejection::RateLimited { retry_at: 60_000 }));
/// // During a session: accepted, the session goes on, and a new one follows it.
/// assert_eq!(gate.check(60_000, "GET", true, true), Ok(ConnectionRequestOutcome::AfterCurrentSession));
/// assert!(gate.session_ended());
/// assert!(!gate.session_ended());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConnectionRequestGate {
    limit: RateLimit,
    /// When the requests in the window were accepted, oldest first.
    accepted: VecDeque<u64>,
    /// A request was accepted during a session.
    pending: bool,
}

impl ConnectionRequestGate {
    /// A gate with `limit`.
    #[must_use]
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            accepted: VecDeque::new(),
            pending: false,
        }
    }

    /// Checks a Connection Request that arrived at `now`: its HTTP `method`, whether the HTTP
    /// layer authenticated it, and whether a session is in progress.
    ///
    /// # Errors
    ///
    /// A [`ConnectionRequestRejection`], checked in this order: not a GET, not authenticated,
    /// over the rate limit. Refused requests do not count against the limit.
    pub fn check(
        &mut self,
        now: u64,
        method: &str,
        authenticated: bool,
        in_session: bool,
    ) -> Result<ConnectionRequestOutcome, ConnectionRequestRejection> {
        if method != "GET" {
            return Err(ConnectionRequestRejection::MethodNotAllowed);
        }
        if !authenticated {
            return Err(ConnectionRequestRejection::Unauthorized);
        }
        let window = self.limit.window_ms;
        while self
            .accepted
            .front()
            .is_some_and(|&t| now.saturating_sub(t) >= window)
        {
            self.accepted.pop_front();
        }
        let max = self.limit.max_requests.max(1) as usize;
        if self.accepted.len() >= max {
            let oldest = self.accepted.front().copied().unwrap_or(now);
            return Err(ConnectionRequestRejection::RateLimited {
                retry_at: oldest.saturating_add(window),
            });
        }
        self.accepted.push_back(now);
        if in_session {
            self.pending = true;
            Ok(ConnectionRequestOutcome::AfterCurrentSession)
        } else {
            Ok(ConnectionRequestOutcome::StartSession)
        }
    }

    /// The session in progress ended: whether a Connection Request arrived during it, so a
    /// new session with `6 CONNECTION REQUEST` starts now (asked once, it answers `false`
    /// until another arrives).
    pub fn session_ended(&mut self) -> bool {
        std::mem::take(&mut self.pending)
    }
}
