//! The ACS side of a session (TR-069 3.7.1.4, 3.7.2).

use super::error::{SessionError, SessionErrorKind};
use super::ledger::{Ledger, Side};
use super::{Incoming, SessionConfig, SessionEnd};
use crate::{Body, Envelope, Fault, Message, ParseError};

/// The ACS's answer to one POST ([`AcsSession::reply`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AcsReply {
    /// The envelopes to write; none for an empty response.
    pub message: Message<'static>,
    /// Whether the session is over once this is written: the HTTP layer may close the
    /// connection, and the next POST from this CPE opens a new session.
    pub end: bool,
}

impl AcsReply {
    /// The HTTP status: 200 with envelopes, 204 (No Content) for the empty response.
    #[must_use]
    pub fn status(&self) -> u16 {
        if self.message.is_empty() { 204 } else { 200 }
    }
}

/// Where an [`AcsSession`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AcsPhase {
    /// Waiting for the CPE's next POST until the deadline.
    AwaitingPost {
        /// When [`AcsSession::poll`] gives the session up, on the caller's clock.
        deadline: u64,
    },
    /// A POST arrived: the caller answers its requests, then asks [`AcsSession::reply`].
    Replying,
    /// The session is over ([`AcsSession::end`]).
    Ended,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
enum State {
    AwaitingPost { since: u64 },
    Replying,
    Ended(SessionEnd),
}

/// The ACS side of one CWMP session, sans-I/O. Its state is small and, with the `serde`
/// feature, serializable, so a session can live in a shared store between HTTP requests and
/// resume on another node.
///
/// ```text
///  new() --> AwaitingPost --receive(POST)--> Replying --respond() to each request,
///               ^    |                                    reply()--+
///               |    +--poll(now) past the deadline --> Ended      |
///               +---------- reply() with end == false -------------+
///                           reply() with end == true ---------> Ended
///  closed(): the CPE closed the connection --> Ended (Completed when nothing was left)
/// ```
///
/// The first POST must be one envelope holding the Inform; the caller answers it
/// (`InformResponse`, whose `MaxEnvelopes` bounds the CPE's later POSTs, or a fault, which ends
/// the session). Each reply carries, up to the CPE's MaxEnvelopes, the answers owed, in order,
/// then queued requests; `HoldRequests` as [`set_hold_requests`](Self::set_hold_requests)
/// says; `NoMoreRequests` once [`no_more_requests`](Self::no_more_requests) was called and the
/// queue is empty. The reply is empty (204) only when there is nothing to send; the session is
/// over when the CPE's last POST was empty (sent while requests were not held) or said
/// NoMoreRequests, the ACS has no more requests, and no response is owed either way.
///
/// ```
/// use cwmp_codec::{AcsSession, Body, CwmpVersion, Envelope, Incoming, Inform, InformResponse, Message, SessionConfig};
///
/// let mut acs = AcsSession::new(SessionConfig::default(), 0);
/// let inform = Envelope::new(CwmpVersion::V1_0, "1", Body::Inform(Inform { max_envelopes: 1, ..Inform::default() }));
/// let incoming = acs.receive(0, Message { envelopes: vec![inform] })?;
/// assert!(matches!(&incoming[0], Incoming::Request(e) if e.body.method_name() == "Inform"));
/// acs.respond(Body::InformResponse(InformResponse { max_envelopes: 1 }))?;
/// let reply = acs.reply(5)?;
/// assert_eq!((reply.status(), reply.end), (200, false));
///
/// // The CPE has nothing more: an empty POST, answered 204, ends the session.
/// acs.receive(10, Message::default())?;
/// let reply = acs.reply(15)?;
/// assert_eq!((reply.status(), reply.end), (204, true));
/// # Ok::<(), cwmp_codec::SessionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AcsSession {
    config: SessionConfig,
    informed: bool,
    /// The CPE's MaxEnvelopes, from its Inform.
    cpe_max: u32,
    /// The ACS's MaxEnvelopes, from the InformResponse the caller gave.
    own_max: u32,
    ledger: Ledger,
    /// HoldRequests for the next replies.
    hold: bool,
    /// The last envelope of the last reply said HoldRequests.
    hold_sent: bool,
    /// The last reply was empty.
    replied_empty: bool,
    /// The CPE's last POST was empty and requests were not held when it was sent.
    cpe_done: bool,
    /// How the session ends with the next reply (an Inform fault, a violation).
    pending_end: Option<SessionEnd>,
    /// The fault answering the request that broke a rule.
    #[cfg_attr(feature = "serde", serde(with = "super::serde_xml::opt_envelope"))]
    final_fault: Option<Envelope<'static>>,
    state: State,
}

impl AcsSession {
    /// A session for a CPE whose first POST arrives now (hand it to
    /// [`receive`](Self::receive)).
    #[must_use]
    pub fn new(config: SessionConfig, now: u64) -> Self {
        Self {
            config,
            informed: false,
            cpe_max: 1,
            own_max: 1,
            ledger: Ledger::default(),
            hold: false,
            hold_sent: false,
            replied_empty: false,
            cpe_done: false,
            pending_end: None,
            final_fault: None,
            state: State::AwaitingPost { since: now },
        }
    }

    /// Where the session is.
    #[must_use]
    pub fn phase(&self) -> AcsPhase {
        match &self.state {
            State::AwaitingPost { since } => AcsPhase::AwaitingPost {
                deadline: since.saturating_add(self.config.timeout()),
            },
            State::Replying => AcsPhase::Replying,
            State::Ended(_) => AcsPhase::Ended,
        }
    }

    /// When the session fails unless a POST arrives first (while one is awaited).
    #[must_use]
    pub fn deadline(&self) -> Option<u64> {
        match self.phase() {
            AcsPhase::AwaitingPost { deadline } => Some(deadline),
            _ => None,
        }
    }

    /// How the session ended, once it has.
    #[must_use]
    pub fn end(&self) -> Option<&SessionEnd> {
        match &self.state {
            State::Ended(end) => Some(end),
            _ => None,
        }
    }

    /// The methods of the ACS's requests the CPE answered with a response (not a fault), in
    /// order.
    #[must_use]
    pub fn acknowledged(&self) -> &[String] {
        &self.ledger.acknowledged
    }

    /// Requests queued and never sent.
    pub fn unsent(&self) -> impl Iterator<Item = &Envelope<'static>> {
        self.ledger.queued.iter()
    }

    fn ended(&self, call: &'static str) -> Result<(), SessionError> {
        match self.state {
            State::Ended(_) => Err(SessionError::out_of_turn(call, "the session is over")),
            _ => Ok(()),
        }
    }

    /// Queues a request of the ACS, with its `ID`.
    ///
    /// # Errors
    ///
    /// A misuse: the session is over, `request` is not a request, its `ID` is missing or in
    /// use, or the ACS said NoMoreRequests.
    pub fn queue(&mut self, request: Envelope<'_>) -> Result<(), SessionError> {
        self.ended("queue")?;
        self.ledger.queue(request)
    }

    /// The ACS has no more requests for this session: once the queued ones are out, every
    /// envelope carries `NoMoreRequests`, and [`queue`](Self::queue) refuses more.
    pub fn no_more_requests(&mut self) {
        self.ledger.no_more = true;
    }

    /// Whether the next replies tell the CPE to hold its requests (`HoldRequests`). An empty
    /// reply cannot carry it, and clears it for the CPE.
    pub fn set_hold_requests(&mut self, hold: bool) {
        self.hold = hold;
    }

    /// Answers the oldest unanswered request of the CPE with `body` (a response or a fault;
    /// the machine sets the request's `ID`). The Inform is answered first: its
    /// `InformResponse` gives the ACS's MaxEnvelopes; a fault ends the session with the reply.
    ///
    /// # Errors
    ///
    /// A misuse: the session is over, `body` is not a response or fault, answers another
    /// method, or nothing is owed.
    pub fn respond(&mut self, body: Body<'_>) -> Result<(), SessionError> {
        self.ended("respond")?;
        let max = match &body {
            Body::InformResponse(r) => Some(r.max_envelopes.max(1)),
            _ => None,
        };
        let fault = match &body {
            Body::Fault(f) => Some(f.code()),
            _ => None,
        };
        let request = self.ledger.respond(body)?;
        if request.method == "Inform" {
            if let Some(max) = max {
                self.own_max = max;
            }
            if let Some(fault) = fault {
                self.pending_end = Some(SessionEnd::InformRejected { fault });
            }
        }
        Ok(())
    }

    /// Hands over the envelopes of a POST; returns the CPE's requests (to answer, in order,
    /// with [`respond`](Self::respond)) and the responses to the ACS's requests.
    ///
    /// # Errors
    ///
    /// A misuse when no POST is awaited ([`SessionErrorKind::OutOfTurn`]); a violation, which
    /// ends the session with the next reply, when the POST breaks a rule: a first POST that is
    /// not one Inform, a second Inform, more envelopes than the ACS's MaxEnvelopes, a request
    /// while HoldRequests is set or after NoMoreRequests, a response with an unknown `ID`, out
    /// of order or of the wrong method, an empty POST while responses are owed. The reply then
    /// carries the fault for the offending request, when it has one.
    pub fn receive<'a>(
        &mut self,
        now: u64,
        message: Message<'a>,
    ) -> Result<Vec<Incoming<'a>>, SessionError> {
        let State::AwaitingPost { .. } = self.state else {
            return Err(SessionError::out_of_turn(
                "receive",
                if matches!(self.state, State::Ended(_)) {
                    "the session is over"
                } else {
                    "a reply is owed"
                },
            ));
        };
        let _ = now;
        self.state = State::Replying;
        let mut offending = None;
        let result = self.read(message, &mut offending);
        if let Err(e) = &result {
            self.final_fault = match (e.fault(), offending) {
                (Some(code), Some(request)) => {
                    let mut fault = Envelope::new(
                        request.version,
                        String::new(),
                        Body::Fault(Fault::cwmp(code, code.description().unwrap_or_default())),
                    );
                    fault.header.id = request.header.id;
                    Some(fault)
                }
                _ => None,
            };
            self.pending_end = Some(SessionEnd::Violation(e.clone()));
        }
        result
    }

    fn read<'a>(
        &mut self,
        message: Message<'a>,
        offending: &mut Option<Envelope<'static>>,
    ) -> Result<Vec<Incoming<'a>>, SessionError> {
        let got = message.envelopes.len();
        if !self.informed {
            let mut envelopes = message.envelopes;
            let inform = match envelopes.pop() {
                Some(env) if envelopes.is_empty() && matches!(env.body, Body::Inform(_)) => env,
                other => {
                    *offending = other
                        .filter(|e| !e.body.is_response() && envelopes.is_empty())
                        .map(Envelope::into_owned);
                    return Err(SessionError::violation(
                        SessionErrorKind::InformExpected,
                        Some(Side::Acs.denied()),
                        (got > 0).then_some(0),
                    ));
                }
            };
            if let Body::Inform(i) = &inform.body {
                self.cpe_max = i.max_envelopes.max(1);
            }
            self.informed = true;
            self.ledger.deliver_request(Side::Acs, &inform, 0)?;
            self.cpe_done = false;
            return Ok(vec![Incoming::Request(inform)]);
        }
        if got > self.own_max as usize {
            return Err(SessionError::violation(
                SessionErrorKind::TooManyEnvelopes {
                    max: self.own_max,
                    got,
                },
                Some(Side::Acs.exceeded()),
                None,
            ));
        }
        if message.is_empty() {
            let owed = self.ledger.owed_by_peer();
            if owed > 0 {
                return Err(SessionError::violation(
                    SessionErrorKind::ResponsesWithheld { owed },
                    None,
                    None,
                ));
            }
            self.cpe_done = !self.hold_sent;
            return Ok(Vec::new());
        }
        self.cpe_done = false;
        let mut incoming = Vec::with_capacity(got);
        for (index, env) in message.envelopes.into_iter().enumerate() {
            if env.body.is_response() {
                let request_method = self.ledger.match_response(&env, index)?;
                incoming.push(Incoming::Response {
                    request_method: request_method.into(),
                    response: env,
                });
                continue;
            }
            let rule = if matches!(env.body, Body::Inform(_)) {
                Some(SessionErrorKind::SecondInform)
            } else if self.hold_sent {
                Some(SessionErrorKind::RequestWhileHeld {
                    method: super::error::quote(env.body.method_name()),
                })
            } else {
                None
            };
            let checked = match rule {
                Some(kind) => Err(SessionError::violation(
                    kind,
                    Some(Side::Acs.denied()),
                    Some(index),
                )),
                None => self.ledger.deliver_request(Side::Acs, &env, index),
            };
            if let Err(e) = checked {
                *offending = Some(env.into_owned());
                return Err(e);
            }
            incoming.push(Incoming::Request(env));
        }
        Ok(incoming)
    }

    /// Hands over a POST body as bytes: parses it (default [`ReadOptions`]) and goes on as
    /// [`receive`](Self::receive).
    ///
    /// [`ReadOptions`]: crate::ReadOptions
    ///
    /// # Errors
    ///
    /// As [`receive`](Self::receive); a body that does not parse is a violation
    /// ([`SessionErrorKind::Unparsable`], with the 8xxx fault for it).
    pub fn receive_bytes<'a>(
        &mut self,
        now: u64,
        body: &'a [u8],
    ) -> Result<Vec<Incoming<'a>>, SessionError> {
        match Message::parse(body) {
            Ok(message) => self.receive(now, message),
            Err(e) => Err(self.receive_unparsable(now, &e)),
        }
    }

    /// The POST body did not parse (`e`): a violation that ends the session with the next
    /// (empty) reply, unless no POST was awaited (then a misuse that changes nothing).
    /// Returns the error.
    pub fn receive_unparsable(&mut self, now: u64, e: &ParseError) -> SessionError {
        let _ = now;
        if !matches!(self.state, State::AwaitingPost { .. }) {
            return SessionError::out_of_turn("receive", "no post is awaited");
        }
        let err = SessionError::violation(
            SessionErrorKind::Unparsable(e.to_string()),
            Some(Side::Acs.unparsable(e)),
            None,
        );
        self.state = State::Replying;
        self.pending_end = Some(SessionEnd::Violation(err.clone()));
        err
    }

    /// The answer to the POST received: envelopes (200) or none (204), and whether the
    /// session is over.
    ///
    /// # Errors
    ///
    /// A misuse: no POST is waiting for its reply ([`SessionErrorKind::OutOfTurn`]), or
    /// requests of the CPE are not answered yet ([`SessionErrorKind::Unanswered`]).
    pub fn reply(&mut self, now: u64) -> Result<AcsReply, SessionError> {
        if !matches!(self.state, State::Replying) {
            return Err(SessionError::out_of_turn(
                "reply",
                if matches!(self.state, State::Ended(_)) {
                    "the session is over"
                } else {
                    "no post is waiting for its reply"
                },
            ));
        }
        if let Some(SessionEnd::Violation(_)) = &self.pending_end {
            let end = self
                .pending_end
                .take()
                .unwrap_or(SessionEnd::TransportFailed);
            self.state = State::Ended(end);
            return Ok(AcsReply {
                message: Message {
                    envelopes: self.final_fault.take().into_iter().collect(),
                },
                end: true,
            });
        }
        if !self.ledger.unanswered.is_empty() {
            return Err(SessionError::misuse(SessionErrorKind::Unanswered(
                self.ledger.unanswered.len(),
            )));
        }
        if let Some(end) = self.pending_end.take() {
            // The Inform was faulted: the fault is the whole reply.
            let envelopes = self.ledger.take(self.cpe_max as usize, false);
            self.state = State::Ended(end);
            return Ok(AcsReply {
                message: Message { envelopes },
                end: true,
            });
        }
        let mut envelopes = self.ledger.take(self.cpe_max as usize, true);
        if self.hold {
            for env in &mut envelopes {
                env.header.hold_requests = Some(true);
            }
        }
        self.hold_sent = self.hold && !envelopes.is_empty();
        self.replied_empty = envelopes.is_empty();
        let end = envelopes.is_empty()
            && self.ledger.is_idle()
            && (self.cpe_done || self.ledger.peer_no_more);
        self.state = if end {
            State::Ended(SessionEnd::Completed)
        } else {
            State::AwaitingPost { since: now }
        };
        Ok(AcsReply {
            message: Message { envelopes },
            end,
        })
    }

    /// The CPE closed the connection. That is the clean end when the ACS has nothing left
    /// (no request queued or unanswered, no response owed) and its last reply was empty or
    /// said NoMoreRequests, so the CPE had no reason to go on; otherwise the session failed
    /// ([`SessionEnd::TransportFailed`]). Returns how the session ended.
    pub fn closed(&mut self, now: u64) -> &SessionEnd {
        let _ = now;
        if !matches!(self.state, State::Ended(_)) {
            let clean = matches!(self.state, State::AwaitingPost { .. })
                && self.informed
                && self.ledger.is_idle()
                && (self.replied_empty || self.ledger.no_more);
            self.state = State::Ended(if clean {
                SessionEnd::Completed
            } else {
                SessionEnd::TransportFailed
            });
        }
        match &self.state {
            State::Ended(end) => end,
            _ => &SessionEnd::TransportFailed,
        }
    }

    /// Checks the clock: no POST past the timeout ends the session
    /// ([`SessionEnd::TimedOut`]; the ACS may then send a Connection Request). Returns how the
    /// session ended, once it has.
    pub fn poll(&mut self, now: u64) -> Option<&SessionEnd> {
        if self.deadline().is_some_and(|deadline| now >= deadline) {
            self.state = State::Ended(SessionEnd::TimedOut);
        }
        self.end()
    }
}
