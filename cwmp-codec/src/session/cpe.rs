//! The CPE side of a session (TR-069 3.7.1.4, 3.7.2).

use super::error::{SessionError, SessionErrorKind, quote};
use super::ledger::{Ledger, Side};
use super::{Incoming, SessionConfig, SessionEnd};
use crate::{Body, Envelope, Message, ParseError};

/// What the CPE does once the session is over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum AfterSession {
    /// Nothing.
    #[default]
    Nothing,
    /// Reboot: a `Reboot` was answered with `RebootResponse` during the session.
    Reboot,
    /// Reset to factory defaults: a `FactoryReset` was answered with `FactoryResetResponse`
    /// (a reset includes the reboot).
    FactoryReset,
}

/// What the CPE's HTTP layer does next ([`CpeSession::next_action`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CpeAction {
    /// POST this body (no envelope: an empty POST, `Content-Length: 0`), then hand the
    /// response to [`CpeSession::receive`] (or [`CpeSession::http_failed`]).
    Post(Message<'static>),
    /// Close the connection: the session is over.
    Close {
        /// How it ended.
        end: SessionEnd,
        /// What to do now. A reboot or factory reset answered during the session waits for
        /// the clean end; after any other end it is [`AfterSession::Nothing`] (the ACS asks
        /// again in the next session).
        then: AfterSession,
    },
}

/// Where a [`CpeSession`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CpePhase {
    /// The caller's turn: answer the ACS's requests, then ask [`CpeSession::next_action`].
    Ready,
    /// A POST is out; the HTTP response is awaited until the deadline.
    AwaitingResponse {
        /// When [`CpeSession::poll`] gives the session up, on the caller's clock.
        deadline: u64,
    },
    /// The session is over ([`CpeSession::end`]).
    Ended,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
enum State {
    Ready,
    Awaiting { since: u64 },
    Ended(SessionEnd),
}

/// The CPE side of one CWMP session, sans-I/O.
///
/// ```text
///  new(Inform) --> Ready --next_action()--> Post([Inform]) --> AwaitingResponse
///                    ^                                             |  receive(InformResponse, ...)
///                    |   respond() to each request                 v
///                    +---- Ready <---------------------------------+
///                    |      |  next_action(): the transmission table of TR-069 3.7.2.4
///                    |      +--> Post(responses and/or requests, or empty) --> AwaitingResponse
///                    |      +--> Close { end: Completed, then: reboot? }  (both sides done)
///   poll(now) past the deadline, http_failed(), a violation in receive() --> Ended --> Close
/// ```
///
/// The machine enforces, for what it sends: the Inform first and alone; at most the ACS's
/// MaxEnvelopes per POST; responses in the order the requests came, never held back; no
/// requests while the ACS holds them (`HoldRequests`, from the last envelope of the last
/// response; an empty response clears it) and none after `NoMoreRequests`; the transmission
/// table; the end of the session. For what it receives, every broken rule is a violation
/// ([`SessionError`]) that ends the session.
///
/// ```
/// use cwmp_codec::{
///     Body, CpeAction, CpeSession, CwmpVersion, Envelope, Inform, InformResponse, Message,
///     SessionConfig,
/// };
///
/// let inform = Envelope::new(CwmpVersion::V1_0, "1", Body::Inform(Inform { max_envelopes: 1, ..Inform::default() }));
/// let mut cpe = CpeSession::new(inform, SessionConfig::default())?;
/// let CpeAction::Post(first) = cpe.next_action(0)? else { unreachable!() };
/// assert_eq!(first.envelopes[0].body.method_name(), "Inform");
///
/// // The ACS answers, and has nothing more: the CPE posts empty, the ACS answers empty.
/// let answer = Envelope::new(CwmpVersion::V1_0, "1", Body::InformResponse(InformResponse { max_envelopes: 1 }));
/// cpe.receive(10, Message { envelopes: vec![answer] })?;
/// assert_eq!(cpe.next_action(20)?, CpeAction::Post(Message::default()));
/// cpe.receive(30, Message::default())?;
/// assert!(matches!(cpe.next_action(40)?, CpeAction::Close { end, .. } if end.is_completed()));
/// # Ok::<(), cwmp_codec::SessionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CpeSession {
    config: SessionConfig,
    /// The Inform, until it is posted.
    #[cfg_attr(feature = "serde", serde(with = "super::serde_xml::opt_envelope"))]
    inform: Option<Envelope<'static>>,
    /// Whether the InformResponse arrived.
    informed: bool,
    /// The CPE's MaxEnvelopes, from its Inform.
    own_max: u32,
    /// The ACS's MaxEnvelopes, from its InformResponse.
    acs_max: u32,
    ledger: Ledger,
    /// HoldRequests, as the last envelope of the last response said.
    hold: bool,
    /// The last response was empty.
    acs_done: bool,
    /// The last POST was empty, and no request was held back from it.
    posted_empty_unheld: bool,
    after: AfterSession,
    state: State,
}

impl CpeSession {
    /// A session opened by `inform` (an `Inform` with an `ID`; its `MaxEnvelopes` bounds the
    /// envelopes the CPE accepts per HTTP response, 0 counting as 1).
    ///
    /// # Errors
    ///
    /// A misuse ([`SessionErrorKind::NotARequest`], [`SessionErrorKind::BadRequestId`]) when
    /// `inform` is not an Inform or has no `ID`.
    pub fn new(inform: Envelope<'_>, config: SessionConfig) -> Result<Self, SessionError> {
        let Body::Inform(i) = &inform.body else {
            return Err(SessionError::misuse(SessionErrorKind::NotARequest(quote(
                inform.body.method_name(),
            ))));
        };
        if inform.header.id.is_none() {
            return Err(SessionError::misuse(SessionErrorKind::BadRequestId(
                String::new(),
            )));
        }
        Ok(Self {
            config,
            own_max: i.max_envelopes.max(1),
            inform: Some(inform.into_owned()),
            informed: false,
            acs_max: 1,
            ledger: Ledger::default(),
            hold: false,
            acs_done: false,
            posted_empty_unheld: false,
            after: AfterSession::Nothing,
            state: State::Ready,
        })
    }

    /// Where the session is.
    #[must_use]
    pub fn phase(&self) -> CpePhase {
        match &self.state {
            State::Ready => CpePhase::Ready,
            State::Awaiting { since } => CpePhase::AwaitingResponse {
                deadline: since.saturating_add(self.config.timeout()),
            },
            State::Ended(_) => CpePhase::Ended,
        }
    }

    /// When the session fails unless a response arrives first (while a POST is out).
    #[must_use]
    pub fn deadline(&self) -> Option<u64> {
        match self.phase() {
            CpePhase::AwaitingResponse { deadline } => Some(deadline),
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

    /// The methods of the CPE's requests the ACS answered with a response (not a fault), in
    /// order: `Inform` once the InformResponse came, `TransferComplete` once its response
    /// came ([`SessionRetry::session_ended`](crate::SessionRetry::session_ended) uses them).
    #[must_use]
    pub fn acknowledged(&self) -> &[String] {
        &self.ledger.acknowledged
    }

    /// Requests queued and never sent (held back, or queued after the session had decided to
    /// end): the caller queues them again in the next session.
    pub fn unsent(&self) -> impl Iterator<Item = &Envelope<'static>> {
        self.ledger.queued.iter()
    }

    fn ended(&self, call: &'static str) -> Result<(), SessionError> {
        match self.state {
            State::Ended(_) => Err(SessionError::out_of_turn(call, "the session is over")),
            _ => Ok(()),
        }
    }

    /// Queues a request of the CPE (`TransferComplete`, `GetRPCMethods`, ...; not an Inform),
    /// with its `ID`. It goes out after the InformResponse, when the ACS does not hold
    /// requests and the ACS's MaxEnvelopes leaves room.
    ///
    /// # Errors
    ///
    /// A misuse: the session is over, `request` is not a request or is an Inform, its `ID` is
    /// missing or in use, or the CPE said NoMoreRequests.
    pub fn queue(&mut self, request: Envelope<'_>) -> Result<(), SessionError> {
        self.ended("queue")?;
        self.ledger.queue(request)
    }

    /// The CPE has no more requests for this session: once the queued ones are out, every
    /// envelope carries `NoMoreRequests`, and [`queue`](Self::queue) refuses more.
    pub fn no_more_requests(&mut self) {
        self.ledger.no_more = true;
    }

    /// Answers the oldest unanswered request of the ACS with `body` (a response or a fault;
    /// the machine sets the request's `ID`). A `RebootResponse` or `FactoryResetResponse`
    /// schedules the reboot or reset for the clean end of the session.
    ///
    /// # Errors
    ///
    /// A misuse: the session is over, `body` is not a response or fault, answers another
    /// method, or nothing is owed.
    pub fn respond(&mut self, body: Body<'_>) -> Result<(), SessionError> {
        self.ended("respond")?;
        let kind = match &body {
            Body::RebootResponse(_) => AfterSession::Reboot,
            Body::FactoryResetResponse(_) => AfterSession::FactoryReset,
            _ => AfterSession::Nothing,
        };
        let request = self.ledger.respond(body)?;
        match (kind, request.method.as_str()) {
            (AfterSession::Reboot, "Reboot") if self.after == AfterSession::Nothing => {
                self.after = AfterSession::Reboot;
            }
            (AfterSession::FactoryReset, "FactoryReset") => {
                self.after = AfterSession::FactoryReset;
            }
            _ => {}
        }
        Ok(())
    }

    /// What to do next: POST (the Inform first; then what TR-069's transmission table allows)
    /// or close.
    ///
    /// The POST carries, up to the ACS's MaxEnvelopes: the answers owed, in order, then, unless
    /// the ACS holds requests, queued requests; with nothing to send it is empty. The session
    /// ends when the ACS has no more requests (its last response was empty, or it said
    /// NoMoreRequests), the CPE has none to send, and no response is owed either way; or when
    /// an empty POST sent with nothing held back is answered empty (requests queued after that
    /// POST wait for the next session: [`unsent`](Self::unsent)).
    ///
    /// Once the session is over, every call returns the same [`CpeAction::Close`].
    ///
    /// # Errors
    ///
    /// A misuse: a POST is out ([`SessionErrorKind::OutOfTurn`]), or requests of the ACS are
    /// not answered yet ([`SessionErrorKind::Unanswered`]).
    pub fn next_action(&mut self, now: u64) -> Result<CpeAction, SessionError> {
        match &self.state {
            State::Ended(end) => {
                return Ok(CpeAction::Close {
                    then: if end.is_completed() {
                        self.after
                    } else {
                        AfterSession::Nothing
                    },
                    end: end.clone(),
                });
            }
            State::Awaiting { .. } => {
                return Err(SessionError::out_of_turn("next_action", "a post is out"));
            }
            State::Ready => {}
        }
        if let Some(inform) = self.inform.take() {
            self.ledger.outstanding.push_back(super::ledger::Sent {
                id: inform.header.id.as_deref().unwrap_or_default().to_owned(),
                method: "Inform".to_owned(),
            });
            self.state = State::Awaiting { since: now };
            return Ok(CpeAction::Post(Message {
                envelopes: vec![inform],
            }));
        }
        if !self.ledger.unanswered.is_empty() {
            return Err(SessionError::misuse(SessionErrorKind::Unanswered(
                self.ledger.unanswered.len(),
            )));
        }
        let acs_has_no_more = self.acs_done || self.ledger.peer_no_more;
        let nothing_owed = self.ledger.outstanding.is_empty() && self.ledger.ready.is_empty();
        if nothing_owed
            && ((acs_has_no_more && self.ledger.queued.is_empty())
                || (self.acs_done && self.posted_empty_unheld))
        {
            self.state = State::Ended(SessionEnd::Completed);
            return self.next_action(now);
        }
        let envelopes = self.ledger.take(self.acs_max as usize, !self.hold);
        self.posted_empty_unheld =
            envelopes.is_empty() && (!self.hold || self.ledger.queued.is_empty());
        self.state = State::Awaiting { since: now };
        Ok(CpeAction::Post(Message { envelopes }))
    }

    /// Hands over the ACS's HTTP response; returns its requests (to answer, in order, with
    /// [`respond`](Self::respond)) and the responses to the CPE's requests.
    ///
    /// # Errors
    ///
    /// A misuse when no POST is out ([`SessionErrorKind::OutOfTurn`]); a violation, which ends
    /// the session, when the response breaks a rule: more envelopes than the CPE's
    /// MaxEnvelopes, no InformResponse first, a response with an unknown `ID` or out of order
    /// or of the wrong method, a request after NoMoreRequests, an empty response while
    /// responses are owed.
    pub fn receive<'a>(
        &mut self,
        now: u64,
        message: Message<'a>,
    ) -> Result<Vec<Incoming<'a>>, SessionError> {
        let State::Awaiting { .. } = self.state else {
            return Err(SessionError::out_of_turn(
                "receive",
                if matches!(self.state, State::Ended(_)) {
                    "the session is over"
                } else {
                    "no post is out"
                },
            ));
        };
        let _ = now;
        self.state = State::Ready;
        match self.read(message) {
            Ok(incoming) => Ok(incoming),
            Err(e) => {
                self.state = State::Ended(SessionEnd::Violation(e.clone()));
                Err(e)
            }
        }
    }

    fn read<'a>(&mut self, message: Message<'a>) -> Result<Vec<Incoming<'a>>, SessionError> {
        let got = message.envelopes.len();
        if got > self.own_max as usize {
            return Err(SessionError::violation(
                SessionErrorKind::TooManyEnvelopes {
                    max: self.own_max,
                    got,
                },
                Some(Side::Cpe.exceeded()),
                None,
            ));
        }
        if message.is_empty() {
            if !self.informed {
                return Err(SessionError::violation(
                    SessionErrorKind::InformNotAnswered,
                    None,
                    None,
                ));
            }
            let owed = self.ledger.owed_by_peer();
            if owed > 0 {
                return Err(SessionError::violation(
                    SessionErrorKind::ResponsesWithheld { owed },
                    None,
                    None,
                ));
            }
            self.hold = false;
            self.acs_done = true;
            return Ok(Vec::new());
        }
        self.acs_done = false;
        self.hold = message
            .envelopes
            .last()
            .is_some_and(|e| e.header.hold_requests == Some(true));
        let mut incoming = Vec::with_capacity(got);
        for (index, env) in message.envelopes.into_iter().enumerate() {
            if !self.informed {
                if !env.body.is_response() {
                    return Err(SessionError::violation(
                        SessionErrorKind::InformNotAnswered,
                        None,
                        Some(index),
                    ));
                }
                let request_method = self.ledger.match_response(&env, index)?;
                if let Body::InformResponse(r) = &env.body {
                    self.informed = true;
                    self.acs_max = r.max_envelopes.max(1);
                } else {
                    let fault = match &env.body {
                        Body::Fault(f) => f.code(),
                        _ => None,
                    };
                    self.state = State::Ended(SessionEnd::InformRejected { fault });
                    return Ok(vec![Incoming::Response {
                        request_method: request_method.into(),
                        response: env,
                    }]);
                }
                incoming.push(Incoming::Response {
                    request_method: request_method.into(),
                    response: env,
                });
            } else if env.body.is_response() {
                let request_method = self.ledger.match_response(&env, index)?;
                incoming.push(Incoming::Response {
                    request_method: request_method.into(),
                    response: env,
                });
            } else {
                self.ledger.deliver_request(Side::Cpe, &env, index)?;
                incoming.push(Incoming::Request(env));
            }
        }
        Ok(incoming)
    }

    /// Hands over an HTTP response body as bytes: parses it (default [`ReadOptions`]) and
    /// goes on as [`receive`](Self::receive).
    ///
    /// [`ReadOptions`]: crate::ReadOptions
    ///
    /// # Errors
    ///
    /// As [`receive`](Self::receive); a body that does not parse is a violation
    /// ([`SessionErrorKind::Unparsable`], with the 9xxx fault for it).
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

    /// The HTTP response body did not parse (`e`): a violation that ends the session (unless
    /// no POST is out: then a misuse that changes nothing). Returns the error.
    pub fn receive_unparsable(&mut self, now: u64, e: &ParseError) -> SessionError {
        let _ = now;
        if !matches!(self.state, State::Awaiting { .. }) {
            return SessionError::out_of_turn("receive", "no post is out");
        }
        let err = SessionError::violation(
            SessionErrorKind::Unparsable(e.to_string()),
            Some(Side::Cpe.unparsable(e)),
            None,
        );
        self.state = State::Ended(SessionEnd::Violation(err.clone()));
        err
    }

    /// The HTTP exchange failed (no connection, an HTTP error status, the connection dropped):
    /// the session is over, [`SessionEnd::TransportFailed`], unless it already was.
    pub fn http_failed(&mut self) {
        if !matches!(self.state, State::Ended(_)) {
            self.state = State::Ended(SessionEnd::TransportFailed);
        }
    }

    /// Checks the clock: a POST unanswered past the timeout ends the session
    /// ([`SessionEnd::TimedOut`]). Returns how the session ended, once it has.
    pub fn poll(&mut self, now: u64) -> Option<&SessionEnd> {
        if self.deadline().is_some_and(|deadline| now >= deadline) {
            self.state = State::Ended(SessionEnd::TimedOut);
        }
        self.end()
    }
}
