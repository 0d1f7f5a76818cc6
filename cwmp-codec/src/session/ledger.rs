//! The bookkeeping of one side of a session: its own requests (queued, then outstanding until
//! answered) and the peer's (delivered to the caller, answered, then sent).

use std::borrow::Cow;
use std::collections::VecDeque;

use super::error::{SessionError, SessionErrorKind, quote};
use crate::{Body, CwmpVersion, Envelope, FaultCode, ParseError};

/// Which side keeps the ledger: it chooses the fault codes (9xxx from a CPE, 8xxx from an ACS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Cpe,
    Acs,
}

impl Side {
    /// The fault for a request the session rules forbid where it stands.
    pub(crate) fn denied(self) -> FaultCode {
        match self {
            Self::Cpe => FaultCode::RequestDenied,
            Self::Acs => FaultCode::AcsRequestDenied,
        }
    }

    /// The fault for a body past MaxEnvelopes.
    pub(crate) fn exceeded(self) -> FaultCode {
        match self {
            Self::Cpe => FaultCode::ResourcesExceeded,
            Self::Acs => FaultCode::AcsResourcesExceeded,
        }
    }

    /// The fault for a body that does not parse.
    pub(crate) fn unparsable(self, e: &ParseError) -> FaultCode {
        match self {
            Self::Cpe => FaultCode::for_cpe(e),
            Self::Acs => FaultCode::for_acs(e),
        }
    }
}

/// One of this side's requests, sent and not yet answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Sent {
    pub(crate) id: String,
    pub(crate) method: String,
}

/// One of the peer's requests, delivered to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct PeerRequest {
    pub(crate) id: Option<String>,
    pub(crate) method: String,
    #[cfg_attr(feature = "serde", serde(with = "super::serde_xml::version"))]
    pub(crate) version: CwmpVersion,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub(crate) struct Ledger {
    /// This side's requests not yet sent.
    #[cfg_attr(feature = "serde", serde(with = "super::serde_xml::envelopes"))]
    pub(crate) queued: VecDeque<Envelope<'static>>,
    /// This side's requests sent and not yet answered, oldest first.
    pub(crate) outstanding: VecDeque<Sent>,
    /// The peer's requests delivered to the caller and not yet answered, oldest first.
    pub(crate) unanswered: VecDeque<PeerRequest>,
    /// Answers to the peer's requests, not yet sent.
    #[cfg_attr(feature = "serde", serde(with = "super::serde_xml::envelopes"))]
    pub(crate) ready: VecDeque<Envelope<'static>>,
    /// The caller said this side has no more requests.
    pub(crate) no_more: bool,
    /// The peer said NoMoreRequests (it sticks).
    pub(crate) peer_no_more: bool,
    /// Methods of this side's requests answered by a response (not a fault), in order.
    pub(crate) acknowledged: Vec<String>,
}

impl Ledger {
    /// Queues one of this side's requests.
    pub(crate) fn queue(&mut self, request: Envelope<'_>) -> Result<(), SessionError> {
        if self.no_more {
            return Err(SessionError::misuse(SessionErrorKind::AfterNoMoreRequests));
        }
        let method = request.body.method_name();
        if request.body.is_response() || method == "Inform" {
            return Err(SessionError::misuse(SessionErrorKind::NotARequest(quote(
                method,
            ))));
        }
        let Some(id) = request.header.id.as_deref() else {
            return Err(SessionError::misuse(SessionErrorKind::BadRequestId(
                String::new(),
            )));
        };
        if self
            .queued
            .iter()
            .any(|q| q.header.id.as_deref() == Some(id))
            || self.outstanding.iter().any(|s| s.id == id)
        {
            return Err(SessionError::misuse(SessionErrorKind::BadRequestId(quote(
                id,
            ))));
        }
        self.queued.push_back(request.into_owned());
        Ok(())
    }

    /// A request of the peer, at `index` in its HTTP body.
    pub(crate) fn deliver_request(
        &mut self,
        side: Side,
        request: &Envelope<'_>,
        index: usize,
    ) -> Result<(), SessionError> {
        if self.peer_no_more {
            return Err(SessionError::violation(
                SessionErrorKind::RequestAfterNoMoreRequests {
                    method: quote(request.body.method_name()),
                },
                Some(side.denied()),
                Some(index),
            ));
        }
        self.note_peer_headers(request);
        self.unanswered.push_back(PeerRequest {
            id: request.header.id.as_deref().map(str::to_owned),
            method: request.body.method_name().to_owned(),
            version: request.version,
        });
        Ok(())
    }

    fn note_peer_headers(&mut self, env: &Envelope<'_>) {
        if env.header.no_more_requests == Some(true) {
            self.peer_no_more = true;
        }
    }

    /// A response or fault of the peer: it must answer the oldest outstanding request.
    /// Returns that request's method.
    pub(crate) fn match_response(
        &mut self,
        response: &Envelope<'_>,
        index: usize,
    ) -> Result<String, SessionError> {
        let id = response.header.id.as_deref();
        let violation = |kind| Err(SessionError::violation(kind, None, Some(index)));
        let Some(oldest) = self.outstanding.front() else {
            return violation(SessionErrorKind::UnknownId { id: id.map(quote) });
        };
        if id != Some(oldest.id.as_str()) {
            return match id {
                Some(id) if self.outstanding.iter().any(|s| s.id == id) => {
                    violation(SessionErrorKind::ResponseOutOfOrder {
                        id: quote(id),
                        expected: quote(&oldest.id),
                    })
                }
                _ => violation(SessionErrorKind::UnknownId { id: id.map(quote) }),
            };
        }
        let got = response.body.method_name();
        let is_fault = matches!(response.body, Body::Fault(_));
        let answers = got
            .strip_suffix("Response")
            .is_some_and(|m| m == oldest.method);
        if !is_fault && !answers {
            return violation(SessionErrorKind::MismatchedResponse {
                expected: quote(&oldest.method),
                got: quote(got),
            });
        }
        self.note_peer_headers(response);
        let sent = self
            .outstanding
            .pop_front()
            .map(|s| s.method)
            .unwrap_or_default();
        if !is_fault {
            self.acknowledged.push(sent.clone());
        }
        Ok(sent)
    }

    /// The caller's answer to the oldest unanswered request of the peer.
    pub(crate) fn respond(&mut self, body: Body<'_>) -> Result<PeerRequest, SessionError> {
        if !body.is_response() {
            return Err(SessionError::misuse(SessionErrorKind::NotAResponse(quote(
                body.method_name(),
            ))));
        }
        let Some(oldest) = self.unanswered.front() else {
            return Err(SessionError::misuse(SessionErrorKind::NothingToAnswer));
        };
        let answers = body
            .method_name()
            .strip_suffix("Response")
            .is_some_and(|m| m == oldest.method);
        if !answers && !matches!(body, Body::Fault(_)) {
            return Err(SessionError::misuse(SessionErrorKind::WrongAnswer {
                request: quote(&oldest.method),
                answer: quote(body.method_name()),
            }));
        }
        let Some(request) = self.unanswered.pop_front() else {
            return Err(SessionError::misuse(SessionErrorKind::NothingToAnswer));
        };
        let mut env = Envelope::new(request.version, String::new(), body.into_owned());
        env.header.id = request.id.clone().map(Cow::Owned);
        self.ready.push_back(env);
        Ok(request)
    }

    /// Takes what the next HTTP body carries: answers first, then (when allowed) requests, at
    /// most `max` envelopes in all (and never more than the default
    /// [`Limits::max_envelopes`](crate::Limits), so a reader with default limits reads every
    /// body, whatever MaxEnvelopes the peer announced). Requests taken become outstanding.
    /// Once the caller said NoMoreRequests, every envelope from the last request on carries it.
    pub(crate) fn take(&mut self, max: usize, requests_allowed: bool) -> Vec<Envelope<'static>> {
        let max = max.clamp(1, crate::Limits::default().max_envelopes.max(1));
        let mut out = Vec::new();
        while out.len() < max {
            let Some(answer) = self.ready.pop_front() else {
                break;
            };
            out.push(answer);
        }
        let mut last_request = None;
        while requests_allowed && out.len() < max {
            let Some(request) = self.queued.pop_front() else {
                break;
            };
            self.outstanding.push_back(Sent {
                id: request.header.id.as_deref().unwrap_or_default().to_owned(),
                method: request.body.method_name().to_owned(),
            });
            last_request = Some(out.len());
            out.push(request);
        }
        if self.no_more && self.queued.is_empty() {
            let from = last_request.unwrap_or(0);
            for env in out.iter_mut().skip(from) {
                env.header.no_more_requests = Some(true);
            }
        }
        out
    }

    /// Responses the peer still owes this side.
    pub(crate) fn owed_by_peer(&self) -> usize {
        self.outstanding.len()
    }

    /// Whether nothing is queued, outstanding, unanswered or waiting to be sent.
    pub(crate) fn is_idle(&self) -> bool {
        self.queued.is_empty()
            && self.outstanding.is_empty()
            && self.unanswered.is_empty()
            && self.ready.is_empty()
    }
}
