//! CWMP sessions (TR-069 3.7): the rules both sides follow, as sans-I/O state machines.
//!
//! [`CpeSession`] and [`AcsSession`] keep the session rules; the caller keeps HTTP, TLS, timers
//! and storage. Time is an argument everywhere (milliseconds on any clock the caller likes, as
//! long as it does not go backwards), so the 30-second rules are `poll(now)` calls, not timers.
//!
//! Both machines share the bookkeeping of one side of a session (`ledger`): the requests this
//! side has queued and sent, and the peer's requests it has delivered and answered.

mod acs;
mod connreq;
mod cpe;
mod error;
mod ledger;
mod retry;
#[cfg(feature = "serde")]
mod serde_xml;
mod udp;

pub use acs::{AcsPhase, AcsReply, AcsSession};
pub use connreq::{
    ConnectionRequestGate, ConnectionRequestOutcome, ConnectionRequestRejection, RateLimit,
};
pub use cpe::{AfterSession, CpeAction, CpePhase, CpeSession};
pub use error::{SessionError, SessionErrorKind};
pub use retry::{EventRetention, RetryPolicy, SessionRetry};
pub use udp::{
    UdpConnectionRequest, UdpErrorKind, UdpParseError, UdpRejection, UdpRequestVerifier,
};

use std::borrow::Cow;

use crate::envelope::Envelope;

/// The least time, in milliseconds, either side waits for the other before it gives a session
/// up (TR-069 3.7.1.4 and 3.7.2.4: "30 seconds, locally set, not less").
pub const MIN_SESSION_TIMEOUT_MS: u64 = 30_000;

/// Settings shared by both machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct SessionConfig {
    /// How long, in milliseconds, to wait for the peer (an HTTP response for the CPE, the next
    /// POST for the ACS) before the session fails. Values below [`MIN_SESSION_TIMEOUT_MS`]
    /// count as that minimum. Default 30,000.
    pub timeout_ms: u64,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            timeout_ms: MIN_SESSION_TIMEOUT_MS,
        }
    }
}

impl SessionConfig {
    /// The configuration with `timeout_ms` (raised to [`MIN_SESSION_TIMEOUT_MS`] when lower).
    #[must_use]
    pub fn with_timeout_ms(mut self, timeout_ms: u64) -> Self {
        self.timeout_ms = timeout_ms.max(MIN_SESSION_TIMEOUT_MS);
        self
    }

    fn timeout(self) -> u64 {
        self.timeout_ms.max(MIN_SESSION_TIMEOUT_MS)
    }
}

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SessionEnd {
    /// Both sides were done: every request was answered and neither had more to send.
    Completed,
    /// The ACS answered the Inform with a fault (the CPE retries later, TR-069 3.2.1.1).
    InformRejected {
        /// The fault code, when the fault carried one.
        #[cfg_attr(feature = "serde", serde(with = "serde_xml::opt_fault_code"))]
        fault: Option<crate::FaultCode>,
    },
    /// The peer was silent past the timeout: no HTTP response (CPE) or no POST (ACS).
    TimedOut,
    /// The HTTP exchange failed, or the connection closed while the session still had work.
    TransportFailed,
    /// The peer broke a session rule ([`SessionError::is_violation`]).
    Violation(SessionError),
}

impl SessionEnd {
    /// Whether the session ended cleanly ([`SessionEnd::Completed`]).
    #[must_use]
    pub fn is_completed(&self) -> bool {
        matches!(self, Self::Completed)
    }
}

/// What one HTTP body brought, in order, as [`CpeSession::receive`] and
/// [`AcsSession::receive`] return it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Incoming<'a> {
    /// A request of the peer. Answer it with `respond` (requests are answered in the order
    /// they arrived) before asking what to send next.
    Request(Envelope<'a>),
    /// The response or fault answering one of this side's requests.
    Response {
        /// The method of the request it answers (`GetParameterValues`, `TransferComplete`).
        request_method: Cow<'static, str>,
        /// The response or fault; its `ID` is the request's.
        response: Envelope<'a>,
    },
}

impl Incoming<'_> {
    /// The envelope, request or response.
    #[must_use]
    pub fn envelope(&self) -> &Envelope<'_> {
        match self {
            Self::Request(e) | Self::Response { response: e, .. } => e,
        }
    }
}
