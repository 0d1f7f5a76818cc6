//! A real `tta-acs` on loopback, a scripted CPE that talks to it over HTTP(S), and the
//! database each test gets (SQLite in a fresh directory, or a fresh PostgreSQL database when
//! `TTA_TEST_POSTGRES_URL` is set).
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use cwmp_codec::{
    Body, CwmpVersion, DeviceIdStruct, Envelope, EventCode, EventStruct, Inform, Message,
    ParameterValueStruct, Value,
};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value as Json;
use tta_examples::acs::auth::Challenge;
use tta_examples::acs::{Config, Server};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A directory of its own under the system temp directory, removed on drop.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "tta-acs-test-{}-{}-{n}-{tag}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The PostgreSQL server the test script started, or `None` (outside CI: the test is
/// skipped with a note; in CI a missing server fails the test).
pub fn postgres_url() -> Option<String> {
    match std::env::var("TTA_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").is_err() || std::env::var("TTA_SKIP_POSTGRES").is_ok(),
                "CI: TTA_TEST_POSTGRES_URL is not set (scripts/test.sh starts PostgreSQL)"
            );
            eprintln!("skipped: TTA_TEST_POSTGRES_URL not set (run scripts/test.sh)");
            None
        }
    }
}

/// A fresh database on the test PostgreSQL server; its URL.
pub async fn fresh_postgres_database(base: &str) -> String {
    use sqlx::Connection;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = format!("tta_test_{}_{n}", std::process::id());
    let mut conn = sqlx::PgConnection::connect(base).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let (prefix, _) = base.rsplit_once('/').unwrap();
    format!("{prefix}/{name}")
}

/// A running server and what a test needs to reach it.
pub struct TestAcs {
    pub server: Server,
    pub dir: TempDir,
    pub http: reqwest::Client,
    pub https: reqwest::Client,
}

impl TestAcs {
    /// The CWMP URL over HTTP.
    pub fn cwmp_url(&self) -> String {
        format!("http://{}/", self.server.cwmp_addr().unwrap())
    }

    /// The CWMP URL over HTTPS.
    pub fn cwmp_tls_url(&self) -> String {
        format!(
            "https://localhost:{}/",
            self.server.cwmp_tls_addr().unwrap().port()
        )
    }

    /// An API URL.
    pub fn api(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.nbi_addr())
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Json) {
        let r = self.http.get(self.api(path)).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Json::Null))
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Json,
    ) -> (StatusCode, Json) {
        let r = self
            .http
            .request(method, self.api(path))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Json::Null))
    }

    /// Queues a task for a device through the API; its number.
    pub async fn queue(&self, device: &str, task: Json) -> i64 {
        let path = format!("/devices/{}/tasks", percent(device));
        let (status, body) = self.send_json(reqwest::Method::POST, &path, &task).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_i64().unwrap()
    }

    pub async fn task(&self, n: i64) -> Json {
        let (status, body) = self.get_json(&format!("/tasks/{n}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn device(&self, id: &str) -> Json {
        let (status, body) = self.get_json(&format!("/devices/{}", percent(id))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

pub fn percent(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The test configuration: everything on loopback, ephemeral ports, a fresh data directory.
pub fn test_config(dir: &TempDir) -> Config {
    let mut config = Config {
        data_dir: dir.0.clone(),
        cwmp_listen: Some("127.0.0.1:0".parse().unwrap()),
        cwmp_tls_listen: Some("127.0.0.1:0".parse().unwrap()),
        nbi_listen: "127.0.0.1:0".parse().unwrap(),
        ..Config::default()
    };
    config.provisioning.open_subscription = true;
    config
}

/// Starts a server on `db`, with `tweak` applied to the test configuration; `None` when the
/// database is not available here.
pub async fn start(db: Db, tweak: impl FnOnce(&mut Config)) -> Option<TestAcs> {
    let dir = TempDir::new("acs");
    let mut config = test_config(&dir);
    if db == Db::Postgres {
        let base = postgres_url()?;
        config.database = Some(fresh_postgres_database(&base).await);
    }
    tweak(&mut config);
    Some(start_with(config, dir).await)
}

/// Starts a server with this configuration.
pub async fn start_with(config: Config, dir: TempDir) -> TestAcs {
    let server = Server::start(config).await.unwrap();
    let cert = reqwest::Certificate::from_der(server.certificate_der()).unwrap();
    let https = reqwest::Client::builder()
        .tls_backend_preconfigured(client_tls(server.certificate_der()))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let _ = cert;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    TestAcs {
        server,
        dir,
        http,
        https,
    }
}

/// A rustls client configuration (ring) that trusts `cert`.
pub fn client_tls(cert: &[u8]) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(rustls_pki_types::CertificateDer::from(cert.to_vec()))
        .unwrap();
    rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth()
}

/// How a scripted CPE authenticates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMode {
    /// Answers the server's 401 with Digest.
    Digest,
    /// Sends Basic with every Inform, before any 401.
    PreemptiveBasic,
    /// Sends nothing.
    None,
}

/// A scripted CPE: one device identity, a cookie jar of one cookie, digest on demand.
pub struct Cpe {
    pub client: reqwest::Client,
    pub url: String,
    pub oui: String,
    pub product_class: String,
    pub serial: String,
    pub password: String,
    pub auth: AuthMode,
    pub cookie: Option<String>,
    /// Send the cookie back with its attributes still attached (a field quirk).
    pub cookie_with_attributes: bool,
    pub nc: u32,
}

/// An HTTP exchange's answer.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn message(&self) -> Message<'static> {
        Message::parse(&self.body).unwrap().into_owned()
    }
}

impl Cpe {
    pub fn new(client: reqwest::Client, url: String, serial: &str) -> Self {
        Self {
            client,
            url,
            oui: "001F3C".into(),
            product_class: "IPTV".into(),
            serial: serial.into(),
            password: "ttadefault".into(),
            auth: AuthMode::Digest,
            cookie: None,
            cookie_with_attributes: false,
            nc: 0,
        }
    }

    pub fn device_id(&self) -> String {
        format!("{}-{}-{}", self.oui, self.product_class, self.serial)
    }

    /// A plain Inform with these events and parameters.
    pub fn inform(&self, events: &[&str], params: &[(&str, &str)]) -> Envelope<'static> {
        let inform = Inform {
            device_id: DeviceIdStruct {
                manufacturer: "TTA".into(),
                oui: self.oui.clone().into(),
                product_class: self.product_class.clone().into(),
                serial_number: self.serial.clone().into(),
            },
            event: events
                .iter()
                .map(|e| EventStruct {
                    event_code: EventCode::from_text(std::borrow::Cow::Owned((*e).to_owned())),
                    command_key: "".into(),
                })
                .collect(),
            max_envelopes: 1,
            current_time: cwmp_codec::DateTimeText {
                text: "2026-11-30T12:00:00Z".into(),
            },
            retry_count: 0,
            parameter_list: params
                .iter()
                .map(|(n, v)| {
                    ParameterValueStruct::new((*n).to_owned(), Value::string((*v).to_owned()))
                })
                .collect(),
        };
        Envelope::new(CwmpVersion::V1_0, "inform-1", Body::Inform(inform))
    }

    /// Posts `body` (already XML) as this CPE does: cookie, content type, authentication.
    pub async fn post_raw(&mut self, body: Vec<u8>, is_inform: bool) -> Reply {
        self.try_post_raw(body, is_inform).await.unwrap()
    }

    /// [`Cpe::post_raw`], with the HTTP client's failures (a server gone) as errors.
    pub async fn try_post_raw(
        &mut self,
        body: Vec<u8>,
        is_inform: bool,
    ) -> Result<Reply, reqwest::Error> {
        let mut authorization: Option<String> = None;
        if is_inform && self.auth == AuthMode::PreemptiveBasic {
            authorization = Some(tta_examples::acs::auth::basic_authorization(
                &self.device_id(),
                &self.password,
            ));
        }
        for _ in 0..3 {
            let mut request = self.client.post(&self.url).body(body.clone());
            if !body.is_empty() {
                request = request.header("content-type", "text/xml; charset=utf-8");
            }
            if let Some(c) = &self.cookie {
                let value = if self.cookie_with_attributes {
                    format!("{c}; Path=/; HttpOnly")
                } else {
                    c.clone()
                };
                request = request.header("cookie", value);
            }
            if let Some(a) = &authorization {
                request = request.header("authorization", a);
            }
            let response = request.send().await?;
            let status = response.status();
            let headers = response.headers().clone();
            let bytes = response.bytes().await?.to_vec();
            if let Some(set) = headers.get("set-cookie") {
                let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
                self.cookie = Some(pair);
            }
            if status == StatusCode::UNAUTHORIZED && self.auth == AuthMode::Digest {
                authorization = Some(self.answer_challenge(&headers));
                continue;
            }
            return Ok(Reply {
                status,
                headers,
                body: bytes,
            });
        }
        panic!("authentication kept failing");
    }

    /// The Authorization answering a 401's digest challenge.
    pub fn answer_challenge(&mut self, headers: &HeaderMap) -> String {
        let challenges: Vec<Challenge> = headers
            .get_all("www-authenticate")
            .iter()
            .flat_map(|v| Challenge::parse_list(v.to_str().unwrap()).unwrap())
            .collect();
        let digest = challenges
            .iter()
            .find_map(|c| match c {
                Challenge::Digest(d) => Some(d),
                _ => None,
            })
            .expect("a digest challenge");
        self.nc += 1;
        let path = reqwest::Url::parse(&self.url).unwrap().path().to_owned();
        digest
            .respond(
                &self.device_id(),
                &self.password,
                "POST",
                &path,
                "0a4f113b",
                self.nc,
            )
            .unwrap()
    }

    pub async fn post(&mut self, message: &Message<'_>) -> Reply {
        let is_inform = matches!(
            message.envelopes.first().map(|e| &e.body),
            Some(Body::Inform(_))
        );
        self.post_raw(message.to_vec(), is_inform).await
    }

    /// [`Cpe::post`], with the HTTP client's failures as errors.
    pub async fn try_post(&mut self, message: &Message<'_>) -> Result<Reply, reqwest::Error> {
        let is_inform = matches!(
            message.envelopes.first().map(|e| &e.body),
            Some(Body::Inform(_))
        );
        self.try_post_raw(message.to_vec(), is_inform).await
    }

    /// One whole session: the Inform, then the CPE's `requests` (TransferComplete...), then
    /// empty POSTs, answering every request of the server with `answer`, until the server
    /// ends the session. Returns the server's requests in order.
    pub async fn session(
        &mut self,
        inform: Envelope<'static>,
        mut requests: Vec<Envelope<'static>>,
        mut answer: impl FnMut(&Envelope<'_>) -> Body<'static>,
    ) -> Vec<Envelope<'static>> {
        self.cookie = None;
        let reply = self
            .post(&Message {
                envelopes: vec![inform],
            })
            .await;
        assert_eq!(
            reply.status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&reply.body)
        );
        let first = reply.message();
        assert!(
            matches!(first.envelopes[0].body, Body::InformResponse(_)),
            "{first:?}"
        );
        let mut seen = Vec::new();
        let mut next = if requests.is_empty() {
            Message::default()
        } else {
            Message {
                envelopes: vec![requests.remove(0)],
            }
        };
        for _ in 0..200 {
            let reply = self.post(&next).await;
            match reply.status {
                StatusCode::NO_CONTENT => return seen,
                StatusCode::OK => {}
                other => panic!(
                    "unexpected {other}: {}",
                    String::from_utf8_lossy(&reply.body)
                ),
            }
            let message = reply.message();
            let envelope = message.envelopes.into_iter().next().unwrap();
            if envelope.body.is_response() {
                next = if requests.is_empty() {
                    Message::default()
                } else {
                    Message {
                        envelopes: vec![requests.remove(0)],
                    }
                };
                continue;
            }
            let mut response = Envelope::new(envelope.version, "", answer(&envelope));
            response.header.id = envelope.header.id.clone();
            seen.push(envelope);
            next = Message {
                envelopes: vec![response],
            };
        }
        panic!("the session did not end");
    }
}

/// A header value, for tests that build requests by hand.
pub fn hv(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap()
}

/// A TCP port on loopback that nothing listens on now. Another process may take it before
/// the server binds it: [`AcsProcess::spawn`] retries with new ones.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server's northbound API, by address (for servers in other processes).
#[derive(Debug, Clone)]
pub struct Api {
    pub http: reqwest::Client,
    /// `http://host:port`, no trailing slash.
    pub base: String,
}

impl Api {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get_json(&self, path: &str) -> (StatusCode, Json) {
        let r = self.http.get(self.url(path)).send().await.unwrap();
        let status = r.status();
        (status, r.json().await.unwrap_or(Json::Null))
    }

    /// Queues a task for a device; its number.
    pub async fn queue(&self, device: &str, task: Json) -> i64 {
        let path = format!("/devices/{}/tasks", percent(device));
        let r = self
            .http
            .post(self.url(&path))
            .json(&task)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let body: Json = r.json().await.unwrap_or(Json::Null);
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_i64().unwrap()
    }

    pub async fn task(&self, n: i64) -> Json {
        let (status, body) = self.get_json(&format!("/tasks/{n}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    pub async fn device(&self, id: &str) -> Json {
        let (status, body) = self.get_json(&format!("/devices/{}", percent(id))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }
}

static PROCESSES: AtomicU32 = AtomicU32::new(0);

/// The `tta-acs` binary running in a process of its own, on loopback ports of its own. The
/// process is killed when this is dropped (a failing test leaves nothing behind), and its
/// log is printed then if the test is failing.
pub struct AcsProcess {
    child: Option<std::process::Child>,
    pub cwmp: std::net::SocketAddr,
    pub nbi: std::net::SocketAddr,
    pub api: Api,
    pub log: PathBuf,
}

impl AcsProcess {
    /// Starts the binary on `data_dir` (SQLite there unless `database` names one) with the
    /// configuration file `config_toml`, and waits until its API answers `/health`.
    pub async fn spawn(
        data_dir: &std::path::Path,
        database: Option<&str>,
        config_toml: &str,
    ) -> Self {
        let config = data_dir.join("tta-acs.toml");
        std::fs::create_dir_all(data_dir).unwrap();
        std::fs::write(&config, config_toml).unwrap();
        // The HTTP client needs a crypto provider, which no server in this process installed.
        tta_examples::install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        for _ in 0..5 {
            let n = PROCESSES.fetch_add(1, Ordering::Relaxed);
            let log = data_dir.join(format!("tta-acs-{n}.log"));
            let cwmp: std::net::SocketAddr = ([127, 0, 0, 1], free_port()).into();
            let tls: std::net::SocketAddr = ([127, 0, 0, 1], free_port()).into();
            let nbi: std::net::SocketAddr = ([127, 0, 0, 1], free_port()).into();
            let out = std::fs::File::create(&log).unwrap();
            let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_tta-acs"));
            command
                .arg("--config")
                .arg(&config)
                .arg("--data-dir")
                .arg(data_dir)
                .arg("--cwmp-listen")
                .arg(cwmp.to_string())
                .arg("--cwmp-tls-listen")
                .arg(tls.to_string())
                .arg("--nbi-listen")
                .arg(nbi.to_string())
                .stdin(std::process::Stdio::null())
                .stdout(out.try_clone().unwrap())
                .stderr(out);
            if let Some(url) = database {
                command.arg("--database").arg(url);
            }
            let mut process = Self {
                child: Some(command.spawn().unwrap()),
                cwmp,
                nbi,
                api: Api {
                    http: http.clone(),
                    base: format!("http://{nbi}"),
                },
                log,
            };
            if process.ready(Duration::from_secs(20)).await {
                return process;
            }
            let text = std::fs::read_to_string(&process.log).unwrap_or_default();
            process.kill9();
            assert!(
                text.contains("cannot listen"),
                "tta-acs did not start:\n{text}"
            );
        }
        panic!("tta-acs found no free ports in 5 tries");
    }

    /// Waits for `/health`; false when the process exited first.
    async fn ready(&mut self, within: Duration) -> bool {
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Some(child) = &mut self.child
                && child.try_wait().unwrap().is_some()
            {
                return false;
            }
            if let Ok(r) = self.api.http.get(self.api.url("/health")).send().await
                && r.status() == StatusCode::OK
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "tta-acs not ready in {within:?}:\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// The CWMP URL over HTTP.
    pub fn cwmp_url(&self) -> String {
        format!("http://{}/", self.cwmp)
    }

    /// SIGKILL, and reaps the process.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM; the exit status, once the process has exited (panics after `within`).
    pub async fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM failed");
        let deadline = std::time::Instant::now() + within;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.as_mut().unwrap().try_wait().unwrap() {
                self.child = None;
                return status;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "tta-acs still running {within:?} after SIGTERM:\n{}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for AcsProcess {
    fn drop(&mut self) {
        let running = self.child.is_some();
        self.kill9();
        if running && std::thread::panicking() {
            eprintln!("--- {} ---\n{}", self.log.display(), self.log_text());
        }
    }
}
