//! The CWMP endpoint: one POST at a time, each a transaction on the store.
//!
//! A session lives in the store between POSTs (the `sessions` table: the codec's
//! [`AcsSession`] and what this server remembers), found by its cookie, so a CPE may
//! reconnect mid-session or land on another node. Every Inform starts a new session, whatever
//! cookie it carries. A POST's effects (device, tasks, event log, session) are committed
//! together before the reply is sent: a crash loses at most the reply, and the tasks of a
//! session that never ends go back to the queue when it times out.

use std::time::Instant;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use cwmp_codec::{
    AcsSession, Body, CwmpVersion, Envelope, EventCode, Fault, FaultCode, GetRpcMethodsResponse,
    Incoming, Inform, InformResponse, Message, SessionConfig, SessionEnd,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tracing::{Instrument, info, info_span, warn};

use super::App;
use super::auth::{AuthFailure, Credentials};
use super::metrics::{self, Rejection};
use super::procedure;
use super::store::{
    Conn, Device, Event, LazyTx, Quirks, SessionRow, StoreError, Task, TaskStatus, Tx, Write,
};
use super::tasks::{self, TaskSpec};

/// The cookie naming a session.
pub const SESSION_COOKIE: &str = "tta_acs_session";

/// What the server keeps of a session between POSTs.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SessionState {
    acs: AcsSession,
    device_id: String,
    /// The CWMP version of the Inform: replies are written in it.
    version: String,
    quirks: Quirks,
    started_at: i64,
    /// Requests of this server in flight: request ID and the task it carries (0: the TTA
    /// settings of the procedure).
    sent: Vec<(String, i64)>,
    /// How many tasks went out in this session.
    tasks_sent: u32,
    /// The TTA event the session answers, if any.
    tta_event: Option<String>,
    /// The next request ID number.
    next_id: u32,
    /// The TTA settings (a SetParameterValues envelope, as XML) to send once the CPE has no
    /// more requests of its own.
    pending_settings: Option<String>,
    /// The Inform's event codes, for the session's entry in the event log.
    #[serde(default)]
    inform_events: String,
}

fn version_from_str(text: &str) -> CwmpVersion {
    match text {
        "1.1" => CwmpVersion::V1_1,
        "1.2" => CwmpVersion::V1_2,
        "1.3" => CwmpVersion::V1_3,
        "1.4" => CwmpVersion::V1_4,
        _ => CwmpVersion::V1_0,
    }
}

/// Milliseconds since the Unix epoch.
#[must_use]
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// A failure that is the server's, not the CPE's: answered 500 (or 503 when the store is
/// busy), logged, and the session is left for the reaper.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ServerError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("session machine: {0}")]
    Session(#[from] cwmp_codec::SessionError),
    #[error("stored session: {0}")]
    State(#[from] serde_json::Error),
    #[error("{0}")]
    Other(String),
}

impl From<sqlx::Error> for ServerError {
    fn from(e: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(e))
    }
}

/// The CWMP POST handler (any path: a provider's URL path names the provider).
pub(crate) async fn post(
    State(app): State<App>,
    Extension(conn_info): Extension<super::serve::ConnInfo>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let started = Instant::now();
    let peer = conn_info.peer;
    // The semaphore is never closed; were it, the POST would go on unbounded rather than
    // fail.
    let _in_flight = app.posts_in_flight.acquire().await.ok();
    let cookie = session_cookie(&headers);
    let span = info_span!("cwmp", peer = %peer, session = tracing::field::Empty, device = tracing::field::Empty);
    // Boxed, so a POST waiting for its turn above holds this small future only: the work's
    // own (every await of a session's store calls, laid out inline) is tens of kilobytes,
    // and a boot storm has thousands of POSTs waiting.
    let result = Box::pin(handle(
        &app,
        conn_info,
        &uri,
        &headers,
        cookie.as_deref(),
        &body,
    ))
    .instrument(span)
    .await;
    let response = match result {
        Ok(r) => r,
        Err(e) => {
            warn!(peer = %peer, error = %e, "cwmp request failed");
            app.metrics.rejected(Rejection::ServerError);
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
        }
    };
    tracing::debug!(
        elapsed_us = started.elapsed().as_micros() as u64,
        "cwmp post answered"
    );
    response
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    // CPEs send the cookie back as they got it, some with its attributes still attached
    // (`tta_acs_session=...; Path=/; HttpOnly`): take the pair with our name, ignore the rest.
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| name.trim() == SESSION_COOKIE)
        .map(|(_, value)| value.trim().trim_matches('"').to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 64)
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

async fn handle(
    app: &App,
    conn_info: super::serve::ConnInfo,
    uri: &Uri,
    headers: &HeaderMap,
    cookie: Option<&str>,
    body: &[u8],
) -> Result<Response, ServerError> {
    let now = now_ms();
    let message = match Message::parse(body) {
        Ok(m) => m,
        Err(e) => return unparsable(app, cookie, &e, now).await,
    };
    let is_inform = matches!(
        message.envelopes.first().map(|e| &e.body),
        Some(Body::Inform(_))
    );
    if is_inform {
        return new_session(app, conn_info, uri, headers, cookie, message, now).await;
    }
    let Some(cookie) = cookie else {
        app.metrics.rejected(Rejection::BadRequest);
        return Ok(plain(
            StatusCode::BAD_REQUEST,
            "no session: a CWMP session starts with an Inform",
        ));
    };
    continue_session(app, cookie, message, now).await
}

/// A body that is not CWMP: in a session, the session ends with the fault for it; outside
/// one, 400.
async fn unparsable(
    app: &App,
    cookie: Option<&str>,
    e: &cwmp_codec::ParseError,
    now: i64,
) -> Result<Response, ServerError> {
    let row = match cookie {
        Some(c) => stored_session(app, c).await?,
        None => None,
    };
    let Some((mut row, _)) = row else {
        app.metrics.rejected(Rejection::BadRequest);
        return Ok(plain(
            StatusCode::BAD_REQUEST,
            &format!("not a CWMP message: {e}"),
        ));
    };
    let mut state: SessionState = serde_json::from_str(&row.state)?;
    let err = state.acs.receive_unparsable(now as u64, e);
    warn!(device = %state.device_id, session = %row.id, error = %err, "unparsable post");
    // Counted as every other violation's fault is: the reply is empty, so the metric is the
    // only place the 8003 (or 8004 for a limit) shows.
    if let Some(code) = err.fault() {
        app.metrics.fault(code.code());
    }
    let reply = state.acs.reply(now as u64)?;
    let tx = app.store.begin().await?;
    finish_committed(app, tx, &mut row, &mut state, reply, now, false).await
}

/// The session a POST's cookie names, and whether its device has a task queued. Read
/// before the POST takes its turn to write: the session's version guards the write
/// ([`SessionRow::update`], [`SessionRow::delete`]) against anyone who moved it on since.
async fn stored_session(
    app: &App,
    cookie: &str,
) -> Result<Option<(SessionRow, bool)>, ServerError> {
    let mut conn = app.store.conn().await?;
    Ok(SessionRow::get_with_queue(&mut conn, cookie).await?)
}

/// Whether the open sessions are at `max_sessions` (reading their count from the store when
/// the last read is a second old).
async fn at_session_cap(app: &App, reads: &mut Conn, now: i64) -> Result<bool, ServerError> {
    if app.open_sessions.is_stale(now) {
        let stored = SessionRow::count_open(reads, now).await?;
        app.open_sessions.refreshed(stored, now);
    }
    let max = i64::try_from(app.config.limits.max_sessions).unwrap_or(i64::MAX);
    Ok(app.open_sessions.estimate() >= max)
}

fn device_id_of(inform: &Inform<'_>) -> String {
    let d = &inform.device_id;
    format!(
        "{}-{}-{}",
        d.oui.trim(),
        d.product_class.trim(),
        d.serial_number.trim()
    )
}

fn challenge(app: &App, tls: bool, stale: bool) -> Response {
    let now_secs = (now_ms() / 1000) as u64;
    let allow_basic = tls || app.config.auth.basic_over_http;
    let mut response = plain(StatusCode::UNAUTHORIZED, "authentication required");
    for value in app.authority.challenges(now_secs, stale, allow_basic) {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::WWW_AUTHENTICATE, v);
        }
    }
    response
}

/// Checks the CPE's credentials against the device's: the user name is the device ID, the
/// password the stored one or the configured default (`ttadefault`).
async fn authenticate(
    app: &App,
    tls: bool,
    headers: &HeaderMap,
    device_id: &str,
    device: Option<&Device>,
) -> Result<(), Response> {
    if app.config.no_auth {
        return Ok(());
    }
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(challenge(app, tls, false));
    };
    let value = value.to_str().unwrap_or("");
    let credentials = match Credentials::parse(value) {
        Ok(c) => c,
        Err(e) => {
            warn!(device = %device_id, error = %e, "unusable Authorization header");
            app.metrics.rejected(Rejection::Unauthorized);
            return Err(challenge(app, tls, false));
        }
    };
    if credentials.username() != device_id {
        warn!(device = %device_id, user = %credentials.username(), "user name is not the device ID");
        app.metrics.rejected(Rejection::Unauthorized);
        return Err(challenge(app, tls, false));
    }
    let password = device
        .and_then(|d| d.password.clone())
        .unwrap_or_else(|| app.config.auth.default_password.clone());
    let now_secs = (now_ms() / 1000) as u64;
    let allow_basic = tls || app.config.auth.basic_over_http;
    match app
        .authority
        .check(&credentials, "POST", &password, now_secs, allow_basic)
    {
        Ok(()) => Ok(()),
        Err(AuthFailure::StaleNonce) => Err(challenge(app, tls, true)),
        Err(e) => {
            warn!(device = %device_id, error = %e, "authentication failed");
            app.metrics.rejected(Rejection::Unauthorized);
            Err(challenge(app, tls, false))
        }
    }
}

async fn new_session(
    app: &App,
    conn_info: super::serve::ConnInfo,
    uri: &Uri,
    headers: &HeaderMap,
    cookie: Option<&str>,
    message: Message<'_>,
    now: i64,
) -> Result<Response, ServerError> {
    let Some(Body::Inform(inform)) = message.envelopes.first().map(|e| &e.body) else {
        return Err(ServerError::Other("new_session without an Inform".into()));
    };
    let device_id = device_id_of(inform);
    tracing::Span::current().record("device", device_id.as_str());
    let version = message.envelopes[0].version_as_written();
    // Everything the Inform needs from the store is read before the POST takes its turn to
    // write (SQLite has one writer): the transaction below only writes, and is short.
    let mut reads = app.store.conn().await?;
    let (stored, open_sessions) = Device::get_for_inform(&mut reads, &device_id).await?;
    if let Err(response) =
        authenticate(app, conn_info.tls, headers, &device_id, stored.as_ref()).await
    {
        return Ok(response);
    }
    if cookie.is_some() {
        tracing::debug!("a stale session cookie came with the Inform; a new session starts");
    }
    if at_session_cap(app, &mut reads, now).await? {
        app.metrics.rejected(Rejection::Busy);
        let mut response = plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many sessions: retry later",
        );
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(app.config.limits.retry_after_secs),
        );
        return Ok(response);
    }
    let session_id = new_session_id();
    tracing::Span::current().record("session", session_id.as_str());
    let config = SessionConfig::default().with_timeout_ms(app.config.limits.session_timeout_ms());
    let mut acs = AcsSession::new(config, now as u64);
    let inform_id = message.envelopes[0]
        .header
        .id
        .as_deref()
        .map(|id| id.to_owned().into());
    let incoming = match acs.receive(now as u64, message) {
        Ok(incoming) => incoming,
        Err(e) if e.is_violation() => {
            // The Inform did not come alone (the CPE cannot know the ACS's MaxEnvelopes
            // before the InformResponse). That is the CPE's error, not the server's: answer
            // the Inform with the machine's fault rather than a 500, and start no session.
            let code = e.fault().unwrap_or(FaultCode::AcsRequestDenied);
            warn!(device = %device_id, error = %e, "first post refused");
            app.metrics.fault(code.code());
            let mut fault = Envelope::new(
                version,
                "",
                Body::Fault(Fault::cwmp(code, code.description().unwrap_or_default())),
            );
            fault.header.id = inform_id;
            return Ok((
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
                fault.to_vec(),
            )
                .into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let Some(Incoming::Request(envelope)) = incoming.into_iter().next() else {
        return Err(ServerError::Other(
            "the machine did not hand over the Inform".into(),
        ));
    };
    let Body::Inform(inform) = &envelope.body else {
        return Err(ServerError::Other(
            "the machine handed over another request".into(),
        ));
    };
    let informed = procedure::on_inform(
        app,
        &mut reads,
        uri,
        conn_info.peer,
        inform,
        &device_id,
        stored,
        now,
    )
    .await?;
    drop(reads);
    let mut state = SessionState {
        acs,
        device_id: device_id.clone(),
        version: version.as_str().to_owned(),
        quirks: informed.quirks,
        started_at: now,
        sent: Vec::new(),
        tasks_sent: 0,
        tta_event: informed.tta_event.map(|e| e.as_str().to_owned()),
        next_id: 1,
        pending_settings: None,
        inform_events: informed.events.clone(),
    };
    let mut row = SessionRow {
        id: session_id.clone(),
        device_id: device_id.clone(),
        state: String::new(),
        version: 0,
        started_at: now,
        deadline: now + i64::try_from(app.config.limits.session_timeout_ms()).unwrap_or(30_000),
    };
    match informed.answer {
        Ok(()) => {
            state
                .acs
                .respond(Body::InformResponse(InformResponse { max_envelopes: 1 }))?;
            if let Some(settings) = &informed.settings {
                let envelope =
                    Envelope::new(version, "", Body::SetParameterValues(settings.clone()));
                state.pending_settings =
                    Some(String::from_utf8_lossy(&envelope.to_vec()).into_owned());
            }
        }
        Err(fault) => {
            app.metrics.fault(fault.code());
            state.acs.respond(Body::Fault(Fault::cwmp(
                fault,
                fault.description().unwrap_or_default(),
            )))?;
        }
    }
    app.metrics.session_started();
    info!(device = %device_id, session = %session_id, events = %informed.events, "session started");
    let reply = state.acs.reply(now as u64)?;
    if open_sessions == 0 {
        // Most Informs: the device, its log entries and the new session are plain writes,
        // committed with other POSTs' in one transaction.
        let mut sink = Sink::Batch(informed.writes(now));
        let response = finish(app, &mut sink, &mut row, &mut state, reply, now, true).await?;
        if let Sink::Batch(writes) = sink {
            app.store.write_batched(writes).await?;
        }
        return Ok(response);
    }
    // Sessions this device left open are over: a CPE sends an Inform only to start anew.
    // Their unanswered tasks go back to the queue, in the Inform's own transaction.
    let mut tx = app.store.begin().await?;
    for old in SessionRow::for_device(&mut tx, &device_id).await? {
        super::reaper::end_session(app, &mut tx, &old, super::reaper::GivenUp::Superseded, now)
            .await?;
    }
    informed.store(&mut tx, now).await?;
    finish_committed(app, tx, &mut row, &mut state, reply, now, true).await
}

/// Where a POST's writes go: a connection that runs them now (a transaction, or one write
/// on its own), or a batch committed with other POSTs' ([`super::store::Store::write_batched`]).
enum Sink<'c> {
    Now(&'c mut Conn),
    Batch(Vec<Write>),
}

impl Sink<'_> {
    async fn write(&mut self, write: Write) -> Result<(), ServerError> {
        match self {
            Self::Now(conn) => {
                write.execute(&mut **conn).await?;
            }
            Self::Batch(writes) => writes.push(write),
        }
        Ok(())
    }

    /// The connection, for a write whose outcome decides what comes next (a guarded update
    /// or delete). A batch has none: it takes only a new session's first POST, which makes
    /// no such write.
    fn conn(&mut self) -> Result<&mut Conn, ServerError> {
        match self {
            Self::Now(conn) => Ok(conn),
            Self::Batch(_) => Err(ServerError::Other(
                "a write that must be seen to take effect cannot wait for a batch".into(),
            )),
        }
    }
}

impl SessionState {
    fn request_id(&mut self, kind: &str) -> String {
        let id = format!("{kind}-{}", self.next_id);
        self.next_id += 1;
        id
    }
}

fn new_session_id() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn continue_session(
    app: &App,
    cookie: &str,
    message: Message<'_>,
    now: i64,
) -> Result<Response, ServerError> {
    let Some((mut row, task_queued)) = stored_session(app, cookie).await? else {
        app.metrics.rejected(Rejection::BadRequest);
        return Ok(plain(
            StatusCode::BAD_REQUEST,
            "unknown or expired session: a CWMP session starts with an Inform",
        ));
    };
    tracing::Span::current().record("session", row.id.as_str());
    let mut state: SessionState = serde_json::from_str(&row.state)?;
    tracing::Span::current().record("device", state.device_id.as_str());
    let incoming = match state.acs.receive(now as u64, message) {
        Ok(incoming) => incoming,
        Err(e) if e.is_violation() => {
            warn!(device = %state.device_id, session = %row.id, error = %e, "protocol violation");
            if let Some(code) = e.fault() {
                app.metrics.fault(code.code());
            }
            let reply = state.acs.reply(now as u64)?;
            let tx = app.store.begin().await?;
            return finish_committed(app, tx, &mut row, &mut state, reply, now, false).await;
        }
        Err(e) => return Err(e.into()),
    };
    let mut tx = LazyTx::new(&app.store);
    let cpe_done = !incoming.iter().any(|i| matches!(i, Incoming::Request(_)));
    for item in incoming {
        match item {
            Incoming::Request(env) => {
                let answer = cpe_request(app, tx.get().await?, &state, &env.body, now).await?;
                state.acs.respond(answer)?;
            }
            Incoming::Response { response, .. } => {
                response_arrived(app, tx.get().await?, &mut state, &row.id, &response, now).await?;
            }
            _ => {}
        }
    }
    // This server's requests go out once the CPE has sent its own (TR-069 3.7.1.3: a POST
    // without requests says the CPE has none left).
    if cpe_done {
        fill_queue(app, &mut tx, &mut state, &row.id, task_queued, now).await?;
    }
    let reply = state.acs.reply(now as u64)?;
    if !tx.is_begun() && writes_one_row(&state, &reply) {
        // Nothing written yet, and the session's row is all there is to write (the empty
        // POST that ends a routine periodic session, most POSTs of all): one statement.
        let mut conn = app.store.single_write().await?;
        let mut sink = Sink::Now(&mut conn);
        return finish(app, &mut sink, &mut row, &mut state, reply, now, false).await;
    }
    finish_committed(
        app,
        tx.into_tx().await?,
        &mut row,
        &mut state,
        reply,
        now,
        false,
    )
    .await
}

/// [`finish`] in `tx`, then commits it.
async fn finish_committed(
    app: &App,
    mut tx: Tx,
    row: &mut SessionRow,
    state: &mut SessionState,
    reply: cwmp_codec::AcsReply,
    now: i64,
    new: bool,
) -> Result<Response, ServerError> {
    let response = finish(app, &mut Sink::Now(&mut tx), row, state, reply, now, new).await?;
    tx.commit().await?;
    Ok(response)
}

/// Whether [`finish`] writes just the session's row: its new state, or, for a session that
/// ends, its delete when it has no task to put back and no end to log.
fn writes_one_row(state: &SessionState, reply: &cwmp_codec::AcsReply) -> bool {
    // `finish` takes an empty reply that does not end the session as its end (TR-069
    // 3.7.1.4), completed.
    let ends = reply.end || reply.message.is_empty();
    if !ends {
        return true;
    }
    let end = state.acs.end().cloned().unwrap_or(SessionEnd::Completed);
    state.tasks_sent == 0 && is_routine(state, &end)
}

/// Answers a request of the CPE.
async fn cpe_request(
    app: &App,
    tx: &mut Tx,
    state: &SessionState,
    body: &Body<'_>,
    now: i64,
) -> Result<Body<'static>, ServerError> {
    Ok(match body {
        Body::TransferComplete(tc) => {
            procedure::transfer_complete(app, tx, &state.device_id, tc, now).await?;
            Body::TransferCompleteResponse(cwmp_codec::TransferCompleteResponse {})
        }
        Body::AutonomousTransferComplete(atc) => {
            let detail = serde_json::to_value(atc).unwrap_or_default();
            Event::add(
                tx,
                &state.device_id,
                now,
                "transfer_complete",
                None,
                &detail,
            )
            .await?;
            Body::AutonomousTransferCompleteResponse(
                cwmp_codec::AutonomousTransferCompleteResponse {},
            )
        }
        Body::GetRpcMethods(_) => Body::GetRpcMethodsResponse(GetRpcMethodsResponse {
            method_list: [
                "Inform",
                "GetRPCMethods",
                "TransferComplete",
                "AutonomousTransferComplete",
            ]
            .into_iter()
            .map(Into::into)
            .collect(),
        }),
        other => {
            // Vendor methods and methods an ACS does not serve: 8000.
            app.metrics.fault(8000);
            Body::Fault(Fault::cwmp(
                FaultCode::AcsMethodNotSupported,
                format!(
                    "Method not supported: {}",
                    other.method_name().chars().take(64).collect::<String>()
                ),
            ))
        }
    })
}

/// Stores the CPE's answer to one of this server's requests.
async fn response_arrived(
    app: &App,
    tx: &mut Tx,
    state: &mut SessionState,
    session_id: &str,
    response: &Envelope<'_>,
    now: i64,
) -> Result<(), ServerError> {
    let id = response.header.id.as_deref().unwrap_or_default();
    let Some(pos) = state.sent.iter().position(|(sent, _)| sent == id) else {
        return Ok(());
    };
    let (_, task_id) = state.sent.remove(pos);
    if let Body::Fault(fault) = &response.body {
        if let Some(code) = fault.code() {
            app.metrics.fault(code.code());
        }
        let detail = serde_json::to_value(fault).unwrap_or_default();
        Event::add(
            tx,
            &state.device_id,
            now,
            "fault",
            Some(session_id),
            &json!({"request": id, "task": task_id, "fault": detail}),
        )
        .await?;
    }
    if task_id == 0 {
        return procedure::settings_answered(tx, &state.device_id, &response.body, now).await;
    }
    let result = tasks::response_json(&response.body);
    let status = match &response.body {
        Body::Fault(_) => TaskStatus::Fault,
        Body::DownloadResponse(d) if d.status == 1 => TaskStatus::Transferring,
        _ => TaskStatus::Done,
    };
    let mut result = result;
    if status == TaskStatus::Transferring
        && let Some(secs) = state.quirks.download_timeout_secs
    {
        // The quirk of CPEs that never send TransferComplete: the reaper finishes the task
        // at this time.
        result["doneAfter"] = json!(now + i64::try_from(secs).unwrap_or(0) * 1000);
    }
    Task::set_status(tx, task_id, status, Some(session_id), Some(&result), now).await?;
    Event::add(
        tx,
        &state.device_id,
        now,
        "task",
        Some(session_id),
        &json!({"task": task_id, "status": status.as_str()}),
    )
    .await?;
    Ok(())
}

/// Queues the device's next task when the session has room for one: one at a time, so a
/// task queued mid-session (an API call waiting on a connection request) goes out in it.
/// `task_queued`: whether the device had a task queued when the POST came (read before the
/// transaction); without one, the queue is not read again.
async fn fill_queue(
    app: &App,
    tx: &mut LazyTx,
    state: &mut SessionState,
    session_id: &str,
    task_queued: bool,
    now: i64,
) -> Result<(), ServerError> {
    if state.acs.end().is_some() || state.acs.unsent().next().is_some() || !state.sent.is_empty() {
        return Ok(());
    }
    if let Some(xml) = state.pending_settings.take() {
        let mut envelope = Envelope::parse(xml.as_bytes())
            .map_err(|e| ServerError::Other(format!("stored settings: {e}")))?
            .into_owned();
        let id = state.request_id("tta");
        envelope.header.id = Some(id.clone().into());
        state.acs.queue(envelope)?;
        state.sent.push((id, 0));
        return Ok(());
    }
    while task_queued && state.tasks_sent < app.config.limits.max_tasks_per_session {
        let tx = tx.get().await?;
        let Some(task) = Task::next_queued(tx, &state.device_id).await? else {
            return Ok(());
        };
        let spec: Result<TaskSpec, _> = serde_json::from_value(task.spec.clone());
        let spec = match spec {
            Ok(spec) => spec,
            Err(e) => {
                let result = json!({"error": format!("stored task does not read: {e}")});
                Task::set_status(tx, task.id, TaskStatus::Fault, None, Some(&result), now).await?;
                continue;
            }
        };
        if state.quirks.skip_root_get_parameter_names && is_root_get_parameter_names(&spec) {
            let result =
                json!({"skipped": "this model refuses GetParameterNames on the root path"});
            Task::set_status(tx, task.id, TaskStatus::Done, None, Some(&result), now).await?;
            continue;
        }
        let download = match procedure::resolve_download(app, tx, &spec).await? {
            Ok(target) => target,
            Err(message) => {
                let result = json!({"error": message});
                Task::set_status(tx, task.id, TaskStatus::Fault, None, Some(&result), now).await?;
                continue;
            }
        };
        let id = format!("task-{}", task.id);
        let options = tasks::RequestOptions {
            version: version_from_str(&state.version),
            command_key: None,
            download: download.as_ref(),
        };
        let envelope = match spec.to_request_with(&id, &options) {
            Ok(envelope) => envelope,
            Err(e) => {
                let result = json!({"error": e.to_string()});
                Task::set_status(tx, task.id, TaskStatus::Fault, None, Some(&result), now).await?;
                continue;
            }
        };
        state.acs.queue(envelope)?;
        state.sent.push((id, task.id));
        state.tasks_sent += 1;
        Task::set_status(tx, task.id, TaskStatus::Sent, Some(session_id), None, now).await?;
        return Ok(());
    }
    Ok(())
}

/// Writes the reply, stores the session (or its end), and builds the HTTP response.
async fn finish(
    app: &App,
    tx: &mut Sink<'_>,
    row: &mut SessionRow,
    state: &mut SessionState,
    reply: cwmp_codec::AcsReply,
    now: i64,
    new: bool,
) -> Result<Response, ServerError> {
    if reply.message.is_empty() && !reply.end {
        // An empty response with nothing left ends the session for the CPE (TR-069
        // 3.7.1.4: it has no more requests, the ACS none either). The machine would wait for
        // the CPE to close the connection; the connection is not the session here, so the
        // session ends now. A CPE that still had a request sends it in its next session.
        state.acs.closed(now as u64);
    }
    let ended = state.acs.end().cloned();
    let body = write_reply(&reply.message, &state.quirks);
    let status = reply.status();
    if let Some(end) = ended {
        end_stored(app, tx, row, state, &end, now, new).await?;
    } else {
        row.state = serde_json::to_string(state)?;
        row.deadline =
            now + i64::try_from(app.config.limits.session_timeout_ms()).unwrap_or(30_000);
        if new {
            tx.write(row.insert_write()).await?;
            app.open_sessions.admitted();
        } else if !row.update(tx.conn()?).await? {
            return Err(ServerError::Other(
                "the session moved on elsewhere (two POSTs at once)".into(),
            ));
        }
    }
    let mut response = if status == 204 {
        StatusCode::NO_CONTENT.into_response()
    } else {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            body,
        )
            .into_response()
    };
    if new
        && state.acs.end().is_none()
        && let Ok(v) =
            HeaderValue::from_str(&format!("{SESSION_COOKIE}={}; Path=/; HttpOnly", row.id))
    {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(response)
}

fn write_reply(message: &Message<'_>, quirks: &Quirks) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    if message.is_empty() {
        return out;
    }
    if quirks.xml_declaration {
        out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    let options = quirks.write_options();
    for envelope in &message.envelopes {
        envelope.write_into_with(&mut out, &options);
    }
    out
}

async fn end_stored(
    app: &App,
    tx: &mut Sink<'_>,
    row: &SessionRow,
    state: &SessionState,
    end: &SessionEnd,
    now: i64,
    new: bool,
) -> Result<(), ServerError> {
    // Ended meanwhile elsewhere (a reaper that found it past its deadline): that end stands,
    // as a stale update does, rather than the session ending twice.
    if !new {
        if !row.delete(tx.conn()?).await? {
            return Err(ServerError::Other(
                "the session was ended or moved on elsewhere meanwhile".into(),
            ));
        }
        app.open_sessions.ended();
    }
    // Tasks are marked sent, with this session, only as they go out (`fill_queue`, in the
    // same transaction as the state that counts them): a session that sent none has none to
    // put back, and most sessions (periodic Informs) send none.
    let requeued = if state.tasks_sent == 0 {
        0
    } else {
        Task::requeue_session(tx.conn()?, &row.id, now).await?
    };
    let outcome = end_reason(end);
    let metric_end = match end {
        SessionEnd::Completed => metrics::SessionEnd::Completed,
        SessionEnd::InformRejected { .. } => metrics::SessionEnd::InformRejected,
        SessionEnd::TimedOut => metrics::SessionEnd::TimedOut,
        SessionEnd::Violation(_) => metrics::SessionEnd::Violation,
        _ => metrics::SessionEnd::TransportFailed,
    };
    let duration =
        std::time::Duration::from_millis(u64::try_from(now - state.started_at).unwrap_or(0));
    app.metrics.session_ended(metric_end, duration);
    let detail = json!({
        "end": outcome,
        "detail": format!("{end:?}").chars().take(256).collect::<String>(),
        "durationMs": now - state.started_at,
        "tasksSent": state.tasks_sent,
        "informEvents": state.inform_events,
        "requeued": requeued,
    });
    if !is_routine(state, end) {
        tx.write(Event::add_write(
            &state.device_id,
            now,
            "session",
            Some(&row.id),
            &detail,
        ))
        .await?;
    }
    if end.is_completed() {
        info!(device = %state.device_id, session = %row.id, tasks = state.tasks_sent, "session completed");
    } else {
        warn!(device = %state.device_id, session = %row.id, end = outcome, "session failed");
    }
    Ok(())
}

/// A periodic Inform's session that did nothing else: the bulk of an ACS's sessions (every
/// device, every period), and nothing the device's log would tell that its row does not
/// (`lastInform`, `lastInformAt`). Logging them would grow the log by a row per device per
/// period, and cost each of them a write; every other session's end is logged.
fn is_routine(state: &SessionState, end: &SessionEnd) -> bool {
    end.is_completed()
        && state.tasks_sent == 0
        && state.tta_event.is_none()
        && state.inform_events == EventCode::Periodic.as_str()
}

/// The metric label of a session's end.
pub(crate) fn end_reason(end: &SessionEnd) -> &'static str {
    match end {
        SessionEnd::Completed => "completed",
        SessionEnd::InformRejected { .. } => "inform_rejected",
        SessionEnd::TimedOut => "timed_out",
        SessionEnd::TransportFailed => "transport_failed",
        SessionEnd::Violation(_) => "violation",
        _ => "other",
    }
}

/// A GetParameterNames of the whole tree, which some gSOAP CPEs refuse.
fn is_root_get_parameter_names(spec: &TaskSpec) -> bool {
    matches!(spec, TaskSpec::GetParameterNames { parameter_path, .. }
        if matches!(parameter_path.as_str(), "" | "Device." | "InternetGatewayDevice."))
}
