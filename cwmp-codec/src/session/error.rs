//! Session errors: what the peer did wrong (a violation, which ends the session) or what the
//! caller asked at the wrong time (a misuse, which changes nothing).

use std::borrow::Cow;

use crate::FaultCode;
use crate::error::{Quoted, excerpt};

/// A session rule broken, by the peer or by the caller.
///
/// A **violation** ([`is_violation`](Self::is_violation)) is something the peer sent: it ends
/// the session ([`SessionEnd::Violation`](crate::SessionEnd::Violation)), and
/// [`fault`](Self::fault) is the fault the other side should be answered with, where one
/// exists (8xxx when an ACS reads it, 9xxx when a CPE does). A **misuse** is a call the caller
/// made out of turn (answering when nothing is owed, queueing after `NoMoreRequests`): the
/// machine is left as it was.
///
/// [`envelope`](Self::envelope) says which envelope of the HTTP body was at fault (0-based),
/// where one was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[error("{kind}")]
pub struct SessionError {
    kind: SessionErrorKind,
    #[cfg_attr(feature = "serde", serde(with = "super::serde_xml::opt_fault_code"))]
    fault: Option<FaultCode>,
    envelope: Option<usize>,
}

impl SessionError {
    pub(crate) fn violation(
        kind: SessionErrorKind,
        fault: Option<FaultCode>,
        envelope: Option<usize>,
    ) -> Self {
        Self {
            kind,
            fault,
            envelope,
        }
    }

    pub(crate) fn out_of_turn(call: &'static str, phase: &'static str) -> Self {
        Self::misuse(SessionErrorKind::OutOfTurn {
            call: Cow::Borrowed(call),
            phase: Cow::Borrowed(phase),
        })
    }

    pub(crate) fn misuse(kind: SessionErrorKind) -> Self {
        Self {
            kind,
            fault: None,
            envelope: None,
        }
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &SessionErrorKind {
        &self.kind
    }

    /// The fault code to answer the peer with, when the violation was a request (or a body
    /// that may have held one): 8xxx from an ACS, 9xxx from a CPE.
    #[must_use]
    pub fn fault(&self) -> Option<FaultCode> {
        self.fault
    }

    /// The 0-based index, in the HTTP body, of the envelope at fault.
    #[must_use]
    pub fn envelope(&self) -> Option<usize> {
        self.envelope
    }

    /// Whether the peer broke a rule (the session is over), rather than the caller calling
    /// out of turn (nothing changed).
    #[must_use]
    pub fn is_violation(&self) -> bool {
        self.kind.is_violation()
    }
}

/// Each condition a [`SessionError`] reports. Texts from the peer (IDs, method names) are kept
/// to 64 bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum SessionErrorKind {
    // Violations: what the peer sent.
    /// The first POST of a session was not exactly one envelope holding an Inform.
    #[error("the first post of a session must hold exactly one inform")]
    InformExpected,
    /// The ACS's answer to the Inform was empty or did not begin with the InformResponse or
    /// fault for it.
    #[error("the answer to the inform must begin with its response")]
    InformNotAnswered,
    /// A second Inform in one session.
    #[error("a second inform in one session")]
    SecondInform,
    /// More envelopes in one HTTP body than this side's MaxEnvelopes.
    #[error("{got} envelopes in one http body, more than maxenvelopes {max}")]
    TooManyEnvelopes {
        /// This side's MaxEnvelopes.
        max: u32,
        /// Envelopes received.
        got: usize,
    },
    /// A CPE request while the ACS's last envelope said HoldRequests.
    #[error("request {} while holdrequests is set", Quoted(.method))]
    RequestWhileHeld {
        /// The method.
        method: String,
    },
    /// A request after the peer said NoMoreRequests.
    #[error("request {} after noMoreRequests", Quoted(.method))]
    RequestAfterNoMoreRequests {
        /// The method.
        method: String,
    },
    /// A response or fault whose `ID` matches no outstanding request (or that has no `ID`).
    #[error("response with unknown id \"{}\"", Quoted(.id.as_deref().unwrap_or_default()))]
    UnknownId {
        /// The `ID` it carried.
        id: Option<String>,
    },
    /// A response to an outstanding request while an earlier one is still unanswered:
    /// requests are answered in the order they were sent.
    #[error("response to \"{}\" before the response to \"{}\"", Quoted(.id), Quoted(.expected))]
    ResponseOutOfOrder {
        /// The `ID` it carried.
        id: String,
        /// The `ID` of the oldest request still unanswered.
        expected: String,
    },
    /// A response of another method than the request it names by `ID`.
    #[error("response {} to a {} request", Quoted(.got), Quoted(.expected))]
    MismatchedResponse {
        /// The request's method.
        expected: String,
        /// The response's element name.
        got: String,
    },
    /// An empty HTTP body while the peer still owed responses: the peer held a response back.
    #[error("empty http body while {owed} responses are owed")]
    ResponsesWithheld {
        /// Responses still owed.
        owed: usize,
    },
    /// The HTTP body did not parse (the parse error's message).
    #[error("body does not parse: {0}")]
    Unparsable(String),

    // Misuse: what the caller asked out of turn.
    /// The call does not fit where the session is.
    #[error("{call} is not possible while {phase}")]
    OutOfTurn {
        /// The call.
        call: Cow<'static, str>,
        /// Where the session is.
        phase: Cow<'static, str>,
    },
    /// Asked what to send while requests of the peer are still unanswered.
    #[error("{0} requests of the peer are not answered yet")]
    Unanswered(usize),
    /// Answered when no request of the peer is waiting.
    #[error("no request of the peer is waiting for an answer")]
    NothingToAnswer,
    /// Queued something that is not a request (a response or a fault), or an Inform.
    #[error("{} cannot be queued as a request", Quoted(.0))]
    NotARequest(String),
    /// Answered with something that is not a response or a fault.
    #[error("{} is not a response", Quoted(.0))]
    NotAResponse(String),
    /// Answered a request with the response of another method (a fault answers any).
    #[error("{} does not answer {}", Quoted(.answer), Quoted(.request))]
    WrongAnswer {
        /// The request's method.
        request: String,
        /// The answer's element name.
        answer: String,
    },
    /// Queued a request without an `ID`, or with the `ID` of one queued or outstanding.
    #[error("request id \"{}\" is missing or already in use", Quoted(.0))]
    BadRequestId(String),
    /// Queued a request after saying NoMoreRequests.
    #[error("no request may follow noMoreRequests")]
    AfterNoMoreRequests,
}

impl SessionErrorKind {
    fn is_violation(&self) -> bool {
        !matches!(
            self,
            Self::OutOfTurn { .. }
                | Self::Unanswered(_)
                | Self::NothingToAnswer
                | Self::NotARequest(_)
                | Self::NotAResponse(_)
                | Self::WrongAnswer { .. }
                | Self::BadRequestId(_)
                | Self::AfterNoMoreRequests
        )
    }
}

/// Peer text kept in an error: at most 64 bytes.
pub(crate) fn quote(text: &str) -> String {
    excerpt(text)
}
