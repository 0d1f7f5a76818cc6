//! The northbound API: JSON over HTTP, in the spirit of GenieACS's NBI, which operators
//! already script against. Plus `/metrics` (Prometheus) and `/health`.
//!
//! | route | what |
//! |---|---|
//! | `GET /devices?provider=&phase=&model=&productClass=&informedWithin=SECS&notInformedWithin=SECS&limit=` | devices |
//! | `GET /devices/{id}` | a device with its tasks and event log |
//! | `DELETE /devices/{id}` | forget a device |
//! | `PUT /devices/{id}/credentials` | the device's password, and ours for its connection requests |
//! | `POST /devices/{id}/tasks[?connection_request][&timeout=SECS]` | queue a task (200 done, 202 queued) |
//! | `GET /devices/{id}/tasks` | the device's tasks |
//! | `POST /tasks?<device filter>` | queue a task for every matching device |
//! | `GET /tasks/{n}`, `DELETE /tasks/{n}` | one task (delete while queued) |
//! | `GET/PUT/DELETE /providers[/{id}]`, `/subscribers[/{device id}]`, `/quirks[/{model}]` | operator data |
//! | `GET /packages`, `PUT /packages/{name}?manufacturer=&model=&kind=&version=` (body: the file), `GET/DELETE /packages/{name}` | packages |

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Digest;
use tracing::{info, warn};

use super::App;
use super::connreq::ConnectionRequestError;
use super::cwmp::now_ms;
use super::metrics::ConnectionRequestResult;
use super::store::{
    Device, DeviceFilter, Event, PackageInfo, Provider, Quirks, StoreError, Subscriber, Task,
};
use super::tasks::TaskSpec;

/// An API error: a status and a message, written `{"error": "..."}`.
#[derive(Debug)]
pub(crate) struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        warn!(error = %e, "API store failure");
        Self(StatusCode::SERVICE_UNAVAILABLE, format!("store: {e}"))
    }
}

fn not_found(what: &str) -> ApiError {
    ApiError(StatusCode::NOT_FOUND, format!("no such {what}"))
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message.into())
}

type ApiResult = Result<Response, ApiError>;

/// The API's routes.
pub(crate) fn router(app: App) -> Router {
    let limit = app.config.limits.max_body_bytes.max(256 << 20);
    Router::new()
        .route("/devices", get(list_devices))
        .route("/devices/{id}", get(device).delete(delete_device))
        .route("/devices/{id}/credentials", put(put_credentials))
        .route("/devices/{id}/tasks", post(post_task).get(device_tasks))
        .route("/tasks", post(post_tasks_for_filter))
        .route("/tasks/{n}", get(task).delete(delete_task))
        .route("/providers", get(list_providers))
        .route(
            "/providers/{id}",
            put(put_provider).get(get_provider).delete(delete_provider),
        )
        .route("/subscribers", get(list_subscribers))
        .route(
            "/subscribers/{id}",
            put(put_subscriber)
                .get(get_subscriber)
                .delete(delete_subscriber),
        )
        .route("/packages", get(list_packages))
        .route(
            "/packages/{name}",
            put(put_package).get(get_package).delete(delete_package),
        )
        .route("/quirks", get(list_quirks))
        .route("/quirks/{model}", put(put_quirks).delete(delete_quirks))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .route_layer(middleware::from_fn_with_state(app.clone(), bearer))
        .route("/metrics", get(metrics))
        .route("/health", get(health))
        .with_state(app)
}

/// Requires `Authorization: Bearer <nbi.token>` when a token is configured.
async fn bearer(State(app): State<App>, request: Request, next: Next) -> Response {
    if let Some(token) = &app.config.nbi.token {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            // The scheme is case-insensitive (RFC 9110 11.1): `bearer` is as good as `Bearer`.
            .and_then(|v| v.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map_or("", |(_, token)| token.trim());
        if !same_secret(given, token) {
            return ApiError(
                StatusCode::UNAUTHORIZED,
                "a bearer token is required".into(),
            )
            .into_response();
        }
    }
    next.run(request).await
}

async fn metrics(State(app): State<App>) -> Response {
    if let Ok(mut conn) = app.store.conn().await
        && let Ok(n) = super::store::SessionRow::count_open(&mut conn, now_ms()).await
    {
        app.metrics.set_active_sessions(n);
    }
    (
        [(header::CONTENT_TYPE, super::metrics::CONTENT_TYPE)],
        app.metrics.encode(),
    )
        .into_response()
}

async fn health(State(app): State<App>) -> Response {
    let ok = async {
        let mut conn = app.store.conn().await?;
        sqlx::query("SELECT 1").execute(&mut *conn).await?;
        Ok::<_, StoreError>(())
    }
    .await;
    match ok {
        Ok(()) => Json(json!({ "status": "ok" })).into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "error": e.to_string() })),
        )
            .into_response(),
    }
}

/// The device filter as query parameters.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
struct FilterQuery {
    provider: Option<String>,
    phase: Option<String>,
    model: Option<String>,
    product_class: Option<String>,
    /// Informed within this many seconds.
    informed_within: Option<i64>,
    /// Not informed within this many seconds.
    not_informed_within: Option<i64>,
    limit: Option<i64>,
}

impl FilterQuery {
    fn to_filter(&self, now: i64) -> DeviceFilter {
        DeviceFilter {
            provider: self.provider.clone(),
            phase: self.phase.clone(),
            informed_since: self.informed_within.map(|s| now - s.saturating_mul(1000)),
            informed_before: self
                .not_informed_within
                .map(|s| now - s.saturating_mul(1000)),
            model_name: self.model.clone(),
            product_class: self.product_class.clone(),
            limit: self.limit,
        }
    }
}

async fn list_devices(State(app): State<App>, Query(query): Query<FilterQuery>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    let devices = Device::list(&mut conn, &query.to_filter(now_ms())).await?;
    Ok(Json(devices).into_response())
}

async fn device(State(app): State<App>, Path(id): Path<String>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    let device = Device::get(&mut conn, &id)
        .await?
        .ok_or_else(|| not_found("device"))?;
    let tasks = Task::for_device(&mut conn, &id, false).await?;
    let events = Event::for_device(&mut conn, &id, 500).await?;
    let mut value = serde_json::to_value(&device).unwrap_or_default();
    let tasks: Vec<Task> = tasks.into_iter().map(shown).collect();
    value["tasks"] = serde_json::to_value(tasks).unwrap_or_default();
    value["events"] = serde_json::to_value(events).unwrap_or_default();
    Ok(Json(value).into_response())
}

async fn delete_device(State(app): State<App>, Path(id): Path<String>) -> ApiResult {
    let mut tx = app.store.begin().await?;
    let existed = Device::delete(&mut tx, &id).await?;
    tx.commit().await.map_err(StoreError::from)?;
    if existed {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(not_found("device"))
    }
}

/// A device's credentials.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CredentialsBody {
    /// The device's password for this server.
    password: Option<String>,
    /// This server's user name for the device's connection requests.
    connection_request_username: Option<String>,
    /// This server's password for the device's connection requests.
    connection_request_password: Option<String>,
}

async fn put_credentials(
    State(app): State<App>,
    Path(id): Path<String>,
    Json(body): Json<CredentialsBody>,
) -> ApiResult {
    let mut conn = app.store.conn().await?;
    let found = Device::set_credentials(
        &mut conn,
        &id,
        body.password.as_deref(),
        body.connection_request_username.as_deref(),
        body.connection_request_password.as_deref(),
    )
    .await?;
    if !found {
        return Err(not_found("device"));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `?connection_request&timeout=SECS`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct TaskQuery {
    connection_request: Option<String>,
    timeout: Option<u64>,
}

fn parse_task(body: &Value) -> Result<TaskSpec, ApiError> {
    let spec: TaskSpec =
        serde_json::from_value(body.clone()).map_err(|e| bad(format!("task: {e}")))?;
    spec.validate().map_err(|e| bad(format!("task: {e}")))?;
    Ok(spec)
}

async fn post_task(
    State(app): State<App>,
    Path(id): Path<String>,
    Query(query): Query<TaskQuery>,
    Json(body): Json<Value>,
) -> ApiResult {
    let spec = parse_task(&body)?;
    let spec_json = serde_json::to_value(&spec).unwrap_or(body);
    let now = now_ms();
    let mut tx = app.store.begin().await?;
    let device = Device::get(&mut tx, &id)
        .await?
        .ok_or_else(|| not_found("device"))?;
    let task_id = Task::insert(&mut tx, &id, &spec_json, now).await?;
    tx.commit().await.map_err(StoreError::from)?;
    info!(device = %id, task = task_id, name = spec.method(), "task queued");
    if query.connection_request.is_none() {
        return task_response(&app, task_id, StatusCode::CREATED).await;
    }
    if let Err(e) = connection_request(&app, &device).await {
        warn!(device = %id, error = %e, "connection request failed");
        let mut response = task_response(&app, task_id, StatusCode::ACCEPTED).await?;
        response.headers_mut().insert(
            "x-connection-request-error",
            axum::http::HeaderValue::from_str(&e.chars().take(200).collect::<String>())
                .unwrap_or(axum::http::HeaderValue::from_static("failed")),
        );
        return Ok(response);
    }
    let wait = Duration::from_secs(
        query
            .timeout
            .unwrap_or(app.config.limits.connection_request_wait_secs)
            .min(600),
    );
    let deadline = tokio::time::Instant::now() + wait;
    let mut stopping = app.stopping.clone();
    // The task runs in a session on whichever node the device reaches: poll the store.
    loop {
        let mut conn = app.store.conn().await?;
        if let Some(task) = Task::get(&mut conn, task_id).await?
            && task.status.is_finished()
        {
            return Ok((StatusCode::OK, Json(shown(task))).into_response());
        }
        drop(conn);
        if tokio::time::Instant::now() >= deadline || *stopping.borrow() {
            return task_response(&app, task_id, StatusCode::ACCEPTED).await;
        }
        // A server stopping answers at once (202, the task still queued) rather than hold
        // its drain for the rest of the wait.
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(50)) => {}
            _ = stopping.changed() => {}
        }
    }
}

async fn task_response(app: &App, task_id: i64, status: StatusCode) -> ApiResult {
    let mut conn = app.store.conn().await?;
    let task = Task::get(&mut conn, task_id)
        .await?
        .ok_or_else(|| not_found("task"))?;
    Ok((status, Json(shown(task))).into_response())
}

/// Asks the device to open a session: HTTP (digest) to its ConnectionRequestURL, else the
/// UDP form to its UDPConnectionRequestAddress.
async fn connection_request(app: &App, device: &Device) -> Result<(), String> {
    let username = device
        .connection_request_username
        .clone()
        .unwrap_or_else(|| device.id.clone());
    let password = device
        .connection_request_password
        .clone()
        .unwrap_or_else(|| app.config.auth.default_password.clone());
    if let Some(url) = &device.connection_request_url {
        let result = super::connreq::send_http(&app.http, url, &username, &password).await;
        app.metrics.connection_request(match &result {
            Ok(_) => ConnectionRequestResult::Accepted,
            Err(ConnectionRequestError::Unauthorized { .. }) => {
                ConnectionRequestResult::Unauthorized
            }
            Err(ConnectionRequestError::Status { .. }) => ConnectionRequestResult::HttpError,
            Err(_) => ConnectionRequestResult::Unreachable,
        });
        return result.map(|_| ()).map_err(|e| e.to_string());
    }
    if let Some(address) = &device.udp_connection_request_address {
        let target = tokio::net::lookup_host(address.as_str())
            .await
            .map_err(|e| format!("UDP address {address:?}: {e}"))?
            .next()
            .ok_or_else(|| format!("UDP address {address:?} resolves to nothing"))?;
        let now_secs = u64::try_from(now_ms() / 1000).unwrap_or(0);
        let bind: std::net::SocketAddr = if target.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into()
        };
        let socket = tokio::net::UdpSocket::bind(bind)
            .await
            .map_err(|e| format!("UDP socket: {e}"))?;
        let id = rand::random::<u64>();
        let result = super::connreq::send_udp(
            &socket,
            target,
            &username,
            &password,
            now_secs,
            id,
            super::connreq::UdpRepeat::default(),
        )
        .await;
        app.metrics.connection_request(if result.is_ok() {
            ConnectionRequestResult::UdpSent
        } else {
            ConnectionRequestResult::Unreachable
        });
        return result.map_err(|e| e.to_string());
    }
    Err("the device gave no ConnectionRequestURL".into())
}

async fn device_tasks(State(app): State<App>, Path(id): Path<String>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    let tasks: Vec<Task> = Task::for_device(&mut conn, &id, false)
        .await?
        .into_iter()
        .map(shown)
        .collect();
    Ok(Json(tasks).into_response())
}

async fn post_tasks_for_filter(
    State(app): State<App>,
    Query(query): Query<FilterQuery>,
    Json(body): Json<Value>,
) -> ApiResult {
    let spec = parse_task(&body)?;
    let spec_json = serde_json::to_value(&spec).unwrap_or(body);
    let now = now_ms();
    let mut tx = app.store.begin().await?;
    let devices = Device::list(&mut tx, &query.to_filter(now)).await?;
    let mut queued = Vec::with_capacity(devices.len());
    for device in &devices {
        let id = Task::insert(&mut tx, &device.id, &spec_json, now).await?;
        queued.push(json!({ "device": device.id, "task": id }));
    }
    tx.commit().await.map_err(StoreError::from)?;
    info!(
        devices = queued.len(),
        name = spec.method(),
        "task queued for a filter"
    );
    Ok((StatusCode::CREATED, Json(json!({ "queued": queued }))).into_response())
}

async fn task(State(app): State<App>, Path(n): Path<i64>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    let task = Task::get(&mut conn, n)
        .await?
        .ok_or_else(|| not_found("task"))?;
    Ok(Json(shown(task)).into_response())
}

async fn delete_task(State(app): State<App>, Path(n): Path<i64>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    if Task::delete_queued(&mut conn, n).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError(
            StatusCode::CONFLICT,
            "no queued task with that number (sent tasks cannot be withdrawn)".into(),
        ))
    }
}

async fn list_providers(State(app): State<App>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    Ok(Json(Provider::list(&mut conn).await?).into_response())
}

async fn get_provider(State(app): State<App>, Path(id): Path<String>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    let p = Provider::get(&mut conn, &id)
        .await?
        .ok_or_else(|| not_found("provider"))?;
    Ok(Json(p).into_response())
}

async fn put_provider(
    State(app): State<App>,
    Path(id): Path<String>,
    Json(mut provider): Json<Value>,
) -> ApiResult {
    provider["id"] = json!(id);
    let provider: Provider =
        serde_json::from_value(provider).map_err(|e| bad(format!("provider: {e}")))?;
    provider
        .validate()
        .map_err(|e| bad(format!("provider: {e}")))?;
    let mut conn = app.store.conn().await?;
    provider.put(&mut conn, now_ms()).await?;
    Ok(Json(provider).into_response())
}

async fn delete_provider(State(app): State<App>, Path(id): Path<String>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    if Provider::delete(&mut conn, &id).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(not_found("provider"))
    }
}

async fn list_subscribers(State(app): State<App>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    Ok(Json(Subscriber::list(&mut conn).await?).into_response())
}

async fn get_subscriber(State(app): State<App>, Path(id): Path<String>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    let s = Subscriber::get(&mut conn, &id)
        .await?
        .ok_or_else(|| not_found("subscriber"))?;
    Ok(Json(s).into_response())
}

async fn put_subscriber(
    State(app): State<App>,
    Path(id): Path<String>,
    Json(mut body): Json<Value>,
) -> ApiResult {
    body["device_id"] = json!(id);
    let subscriber: Subscriber =
        serde_json::from_value(body).map_err(|e| bad(format!("subscriber: {e}")))?;
    tta_datamodel::DeviceId::parse(&subscriber.device_id)
        .map_err(|e| bad(format!("subscriber: device ID: {e}")))?;
    let mut conn = app.store.conn().await?;
    subscriber.put(&mut conn, now_ms()).await?;
    Ok(Json(subscriber).into_response())
}

async fn delete_subscriber(State(app): State<App>, Path(id): Path<String>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    if Subscriber::delete(&mut conn, &id).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(not_found("subscriber"))
    }
}

async fn list_packages(State(app): State<App>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    Ok(Json(PackageInfo::list(&mut conn).await?).into_response())
}

async fn get_package(State(app): State<App>, Path(name): Path<String>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    let p = PackageInfo::get(&mut conn, &name)
        .await?
        .ok_or_else(|| not_found("package"))?;
    Ok(Json(p).into_response())
}

/// `PUT /packages/{name}` query.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PackageQuery {
    manufacturer: String,
    model: String,
    kind: String,
    version: String,
}

async fn put_package(
    State(app): State<App>,
    Path(name): Path<String>,
    Query(query): Query<PackageQuery>,
    body: Bytes,
) -> ApiResult {
    if !matches!(query.kind.as_str(), "firmware" | "application") {
        return Err(bad("kind: firmware or application"));
    }
    if name.is_empty()
        || name.len() > 128
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    {
        return Err(bad(
            "name: 1-128 characters of A-Z, a-z, 0-9, '.', '_', '-' (it is a URL segment)",
        ));
    }
    let checksum: String = sha2::Sha256::digest(&body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let info = PackageInfo {
        name,
        manufacturer: query.manufacturer,
        model_name: query.model,
        kind: query.kind,
        version: query.version,
        size: i64::try_from(body.len()).unwrap_or(i64::MAX),
        checksum,
    };
    let mut conn = app.store.conn().await?;
    info.put(&mut conn, &body, now_ms()).await?;
    info!(package = %info.name, size = info.size, "package stored");
    Ok((StatusCode::CREATED, Json(info)).into_response())
}

async fn delete_package(State(app): State<App>, Path(name): Path<String>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    if PackageInfo::delete(&mut conn, &name).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(not_found("package"))
    }
}

async fn list_quirks(State(app): State<App>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    let list: Vec<Value> = Quirks::list(&mut conn)
        .await?
        .into_iter()
        .map(|(model, q)| json!({ "model": model, "quirks": q }))
        .collect();
    Ok(Json(list).into_response())
}

async fn put_quirks(
    State(app): State<App>,
    Path(model): Path<String>,
    Json(quirks): Json<Value>,
) -> ApiResult {
    let quirks: Quirks = serde_json::from_value(quirks).map_err(|e| bad(format!("quirks: {e}")))?;
    let mut conn = app.store.conn().await?;
    quirks.put(&mut conn, &model).await?;
    Ok(Json(quirks).into_response())
}

async fn delete_quirks(State(app): State<App>, Path(model): Path<String>) -> ApiResult {
    let mut conn = app.store.conn().await?;
    if Quirks::delete(&mut conn, &model).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(not_found("quirks"))
    }
}

/// Whether two secrets are equal, comparing their SHA-256 digests: the time taken tells an
/// attacker nothing about the token's bytes.
fn same_secret(given: &str, expected: &str) -> bool {
    sha2::Sha256::digest(given.as_bytes()) == sha2::Sha256::digest(expected.as_bytes())
}

/// A task as the API shows it: the credentials of a Download or Upload are stored (the device
/// needs them) but never shown.
fn shown(mut task: Task) -> Task {
    if let Ok(spec) = serde_json::from_value::<TaskSpec>(task.spec.clone())
        && let Ok(redacted) = serde_json::to_value(spec.redacted())
    {
        task.spec = redacted;
    }
    task
}
