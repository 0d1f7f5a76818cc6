//! `tta-load`, the load benchmark of `tta-acs`: simulated STBs on loopback, driven as fast as
//! a concurrency allows, with the server's own cost read from `/proc`.
//!
//! Four modes ([`Mode`]):
//! - `periodic`: pre-registered devices run plain CWMP sessions (Inform `2 PERIODIC`,
//!   InformResponse, an empty POST, 204) for a duration;
//! - `procedure`: STBs run the standard's whole first-access procedure ([`crate::stb::run`]);
//! - `slow`: clients open a session (the Inform answered) and hold it without the next POST,
//!   while other devices run periodic sessions whose latency is measured;
//! - `storm`: every STB starts the procedure at once; the time until the last ends.
//!
//! The periodic sessions use a small HTTP/1.1 client of their own (one keep-alive connection
//! per worker, the Inform written once per device) so that the load generator, which shares
//! the machine, costs as little as it can; the procedures use the simulator itself.
//!
//! The server is started as a child process (`tta-acs`), so its peak RSS (`VmHWM`) and CPU
//! time can be read from `/proc/PID/status` and `/proc/PID/stat`; or given URLs are targeted
//! (`--acs-url`, with `--server-pid` for the figures).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tta_datamodel::Root;

use crate::acs::auth::{Challenge, DigestChallenge};
use crate::stb::{self, Identity, Outcome, Start};

/// The periodic Inform the per-session library benchmark (`benches/benches/session.rs`)
/// measures; each device's copy carries its own serial number.
const INFORM_TEMPLATE: &[u8] =
    include_bytes!("../../cwmp-codec/tests/vectors/spec/inform-igd-periodic.xml");
const TEMPLATE_SERIAL: &[u8] = b"001F3C0AF04C";

/// What to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Plain periodic-Inform sessions of pre-registered devices.
    Periodic,
    /// Whole first-access procedures.
    Procedure,
    /// Sessions held open by slow clients while others are measured.
    Slow,
    /// Every STB starting the procedure at once.
    Storm,
}

impl Mode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Periodic => "periodic",
            Self::Procedure => "procedure",
            Self::Slow => "slow",
            Self::Storm => "storm",
        }
    }
}

/// Everything a run is told.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The mode.
    pub mode: Mode,
    /// Devices doing periodic sessions (`periodic`, and the measured ones of `slow`).
    pub devices: u32,
    /// STBs (`procedure`, `storm`) or clients holding a session (`slow`).
    pub count: u32,
    /// How long the measured phase of `periodic` and `slow` lasts.
    pub duration: Duration,
    /// Sessions or procedures in flight at once (`storm`: all of them).
    pub concurrency: usize,
    /// Digest authentication (else the server accepts any credentials).
    pub auth: bool,
    /// A new TCP connection for every periodic session (as many CPEs do), instead of
    /// keep-alive.
    pub reconnect: bool,
    /// The `tta-acs` binary to start.
    pub acs_bin: PathBuf,
    /// Servers to target instead of starting them (CWMP URLs).
    pub acs_urls: Vec<String>,
    /// The processes of those servers, for their figures.
    pub server_pids: Vec<u32>,
    /// Server nodes to start (more than one needs a shared `database`).
    pub nodes: u32,
    /// The database URL of started servers (default: SQLite in a temporary directory).
    pub database: Option<String>,
    /// Extra TOML merged over the started servers' configuration (its keys win, table by
    /// table).
    pub server_config: Option<String>,
    /// The TR-069 retry schedule's minimum wait of the simulated STBs, in seconds.
    pub retry_min_wait: u32,
    /// Failed sessions an STB retries before giving up.
    pub max_retries: u32,
    /// How long one HTTP exchange may take.
    pub request_timeout: Duration,
    /// Keep the temporary directory (the servers' logs and database).
    pub keep_data: bool,
}

/// `extra` over `base`, both TOML: a table in both is merged key by key, anything else in
/// `extra` replaces what `base` has.
fn merged_config(base: &str, extra: &str) -> Result<String, LoadError> {
    fn merge(base: &mut toml::Table, extra: toml::Table) {
        for (key, value) in extra {
            match (base.get_mut(&key), value) {
                (Some(toml::Value::Table(b)), toml::Value::Table(e)) => merge(b, e),
                (_, value) => {
                    base.insert(key, value);
                }
            }
        }
    }
    let mut table: toml::Table = base
        .parse()
        .map_err(|e| LoadError::Server(format!("the generated configuration: {e}")))?;
    let extra: toml::Table = extra
        .parse()
        .map_err(|e| LoadError::Usage(format!("--server-config: {e}")))?;
    merge(&mut table, extra);
    toml::to_string(&table).map_err(|e| LoadError::Server(format!("configuration: {e}")))
}

/// A run that could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A server could not be started or reached.
    #[error("server: {0}")]
    Server(String),
    /// The machine refused something the run needs.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The options contradict each other.
    #[error("{0}")]
    Usage(String),
}

/// One started `tta-acs`.
#[derive(Debug)]
struct Node {
    child: Child,
    cwmp: SocketAddr,
    nbi: SocketAddr,
}

/// The servers under test: started here, or given.
#[derive(Debug)]
pub struct Servers {
    nodes: Vec<Node>,
    urls: Vec<String>,
    pids: Vec<u32>,
    dir: Option<PathBuf>,
    keep: bool,
}

fn free_port() -> std::io::Result<SocketAddr> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    l.local_addr()
}

impl Servers {
    /// Starts `options.nodes` servers (or takes the given URLs) and waits until they answer.
    ///
    /// # Errors
    ///
    /// A server did not start within 60 s, or exited.
    pub async fn start(options: &LoadOptions) -> Result<Self, LoadError> {
        if !options.acs_urls.is_empty() {
            return Ok(Self {
                nodes: Vec::new(),
                urls: options.acs_urls.clone(),
                pids: options.server_pids.clone(),
                dir: None,
                keep: true,
            });
        }
        if options.nodes > 1 && options.database.is_none() {
            return Err(LoadError::Usage(
                "several nodes share one database: give --database postgres://...".into(),
            ));
        }
        let dir = std::env::temp_dir().join(format!("tta-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let mut servers = Self {
            nodes: Vec::new(),
            urls: Vec::new(),
            pids: Vec::new(),
            dir: Some(dir.clone()),
            keep: options.keep_data,
        };
        for n in 0..options.nodes.max(1) {
            let node_dir = dir.join(format!("node{n}"));
            std::fs::create_dir_all(&node_dir)?;
            let (cwmp, tls, nbi) = (free_port()?, free_port()?, free_port()?);
            let database = options.database.clone().unwrap_or_else(|| {
                format!("sqlite://{}?mode=rwc", dir.join("tta-acs.db").display())
            });
            // max_sessions above the slow clients; sessions held open outlive the run.
            let mut config = format!(
                "data_dir = {data:?}\ndatabase = {database:?}\ncwmp_listen = \"{cwmp}\"\n\
                 cwmp_tls_listen = \"{tls}\"\nnbi_listen = \"{nbi}\"\nno_auth = {no_auth}\n\n\
                 [limits]\nmax_sessions = {max}\nsession_timeout_secs = 120\n\
                 idle_timeout_secs = 300\n\n\
                 [provisioning]\nopen_subscription = true\n",
                data = node_dir.display().to_string(),
                no_auth = !options.auth,
                max = u64::from(options.count).max(20_000) + 1000,
            );
            if let Some(extra) = &options.server_config {
                config = merged_config(&config, extra)?;
            }
            let config_file = node_dir.join("tta-acs.toml");
            std::fs::write(&config_file, config)?;
            let log = std::fs::File::create(node_dir.join("tta-acs.log"))?;
            let child = Command::new(&options.acs_bin)
                .arg("--config")
                .arg(&config_file)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .map_err(|e| {
                    LoadError::Server(format!("cannot start {}: {e}", options.acs_bin.display()))
                })?;
            servers.pids.push(child.id());
            servers.urls.push(format!("http://{cwmp}/"));
            servers.nodes.push(Node { child, cwmp, nbi });
        }
        for i in 0..servers.nodes.len() {
            servers.wait_ready(i).await?;
        }
        Ok(servers)
    }

    async fn wait_ready(&mut self, i: usize) -> Result<(), LoadError> {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let node = &mut self.nodes[i];
            if let Some(status) = node.child.try_wait()? {
                return Err(LoadError::Server(format!(
                    "tta-acs exited at start ({status}); see {}",
                    self.dir.as_deref().unwrap_or(Path::new(".")).display()
                )));
            }
            if TcpStream::connect(node.cwmp).await.is_ok()
                && TcpStream::connect(node.nbi).await.is_ok()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(LoadError::Server(
            "tta-acs did not answer within 60 s".into(),
        ))
    }

    /// The CWMP URLs.
    #[must_use]
    pub fn urls(&self) -> &[String] {
        &self.urls
    }

    /// The servers' peak RSS (`VmHWM`, summed over the nodes) in KiB and their CPU time
    /// (user + system) in seconds; `None` without a process to read.
    #[must_use]
    pub fn usage(&self) -> Option<(u64, f64)> {
        if self.pids.is_empty() {
            return None;
        }
        let mut rss = 0;
        let mut cpu = 0.0;
        for pid in &self.pids {
            let (r, c) = process_usage(*pid)?;
            rss += r;
            cpu += c;
        }
        Some((rss, cpu))
    }

    /// Registers the provider the STBs are offered (the first node's API; the nodes share
    /// the store).
    async fn add_provider(&self) -> Result<(), LoadError> {
        let Some(node) = self.nodes.first() else {
            // Given servers: their provider list is theirs to set.
            return Ok(());
        };
        let body = json!({"url": format!("http://{}/kt", node.cwmp), "ntp": "ntp.example"});
        let response = reqwest::Client::new()
            .put(format!("http://{}/providers/KT", node.nbi))
            .json(&body)
            .send()
            .await
            .map_err(|e| LoadError::Server(format!("PUT /providers/KT: {e}")))?;
        if !response.status().is_success() {
            return Err(LoadError::Server(format!(
                "PUT /providers/KT: {}",
                response.status()
            )));
        }
        Ok(())
    }

    /// Stops the started servers (SIGTERM, then SIGKILL after 10 s) and removes the
    /// temporary directory unless asked to keep it.
    pub fn stop(mut self) {
        for node in &mut self.nodes {
            let _ = Command::new("kill")
                .arg("-TERM")
                .arg(node.child.id().to_string())
                .status();
        }
        for node in &mut self.nodes {
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = node.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = node.child.kill();
            let _ = node.child.wait();
        }
        if let Some(dir) = &self.dir {
            if self.keep {
                eprintln!("servers' data and logs kept in {}", dir.display());
            } else {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}

/// A process's peak RSS in KiB (`VmHWM`) and CPU seconds (user + system, at 100 ticks a
/// second, Linux's `USER_HZ`).
#[must_use]
pub fn process_usage(pid: u32) -> Option<(u64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())?;
    Some((rss, process_cpu(pid)?))
}

fn process_cpu(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces, so after its closing paren):
    // state is field 3, utime 14, stime 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) as f64 / 100.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Latencies, in microseconds.
#[derive(Debug, Default)]
struct Latencies(Vec<u32>);

impl Latencies {
    fn add(&mut self, d: Duration) {
        self.0
            .push(u32::try_from(d.as_micros()).unwrap_or(u32::MAX));
    }

    fn extend(&mut self, other: Self) {
        self.0.extend(other.0);
    }

    /// p50, p95, p99 and the maximum, in milliseconds.
    fn summary(mut self) -> Value {
        self.0.sort_unstable();
        let at = |q: f64| -> f64 {
            if self.0.is_empty() {
                return 0.0;
            }
            let i = ((self.0.len() as f64 * q).ceil() as usize).clamp(1, self.0.len()) - 1;
            f64::from(self.0[i]) / 1000.0
        };
        json!({
            "p50_ms": round(at(0.50)),
            "p95_ms": round(at(0.95)),
            "p99_ms": round(at(0.99)),
            "max_ms": round(at(1.0)),
        })
    }
}

fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Errors by kind.
#[derive(Debug, Default)]
struct Errors(std::collections::BTreeMap<String, u64>);

impl Errors {
    fn add(&mut self, kind: impl Into<String>) {
        *self.0.entry(kind.into()).or_default() += 1;
    }

    fn merge(&mut self, other: Self) {
        for (k, v) in other.0 {
            *self.0.entry(k).or_default() += v;
        }
    }

    fn total(&self) -> u64 {
        self.0.values().sum()
    }
}

/// What went wrong in one exchange, by kind (the error summary's key).
#[derive(Debug)]
enum Failure {
    Connect,
    Io,
    Timeout,
    Status(u16),
    Unexpected(&'static str),
}

impl Failure {
    fn kind(&self) -> String {
        match self {
            Self::Connect => "connect".into(),
            Self::Io => "io".into(),
            Self::Timeout => "timeout".into(),
            Self::Status(s) => format!("http_{s}"),
            Self::Unexpected(what) => (*what).into(),
        }
    }
}

/// One HTTP/1.1 reply.
#[derive(Debug, Default)]
struct Reply {
    status: u16,
    body: Vec<u8>,
    set_cookie: Option<String>,
    www_authenticate: Vec<String>,
    close: bool,
}

/// A keep-alive HTTP/1.1 connection to one server: just what CWMP over HTTP needs.
#[derive(Debug)]
struct HttpConn {
    addr: SocketAddr,
    host: String,
    stream: Option<BufReader<TcpStream>>,
    timeout: Duration,
}

impl HttpConn {
    fn new(url: &str, timeout: Duration) -> Result<(Self, String), LoadError> {
        let parsed =
            reqwest::Url::parse(url).map_err(|e| LoadError::Usage(format!("{url}: {e}")))?;
        if parsed.scheme() != "http" {
            return Err(LoadError::Usage(format!(
                "{url}: the periodic client speaks plain HTTP"
            )));
        }
        let addr = parsed
            .socket_addrs(|| Some(80))
            .ok()
            .and_then(|a| a.into_iter().next())
            .ok_or_else(|| LoadError::Usage(format!("{url}: no address")))?;
        if !addr.ip().is_loopback() {
            return Err(LoadError::Usage(format!(
                "{url}: the load benchmark targets loopback only"
            )));
        }
        let conn = Self {
            addr,
            host: format!("{}", addr),
            stream: None,
            timeout,
        };
        Ok((conn, parsed.path().to_owned()))
    }

    fn close(&mut self) {
        self.stream = None;
    }

    async fn post(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Reply, Failure> {
        // A kept-alive connection the server closed meanwhile fails at once: try a fresh one.
        let reused = self.stream.is_some();
        match tokio::time::timeout(self.timeout, self.exchange(path, headers, body)).await {
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(Failure::Io)) if reused => {
                self.stream = None;
                tokio::time::timeout(self.timeout, self.exchange(path, headers, body))
                    .await
                    .unwrap_or(Err(Failure::Timeout))
            }
            Ok(Err(e)) => {
                self.stream = None;
                Err(e)
            }
            Err(_) => {
                self.stream = None;
                Err(Failure::Timeout)
            }
        }
    }

    async fn exchange(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Reply, Failure> {
        if self.stream.is_none() {
            let s = TcpStream::connect(self.addr)
                .await
                .map_err(|_| Failure::Connect)?;
            let _ = s.set_nodelay(true);
            self.stream = Some(BufReader::new(s));
        }
        let Some(stream) = self.stream.as_mut() else {
            return Err(Failure::Connect);
        };
        let mut request = Vec::with_capacity(body.len() + 256);
        request.extend_from_slice(b"POST ");
        request.extend_from_slice(path.as_bytes());
        request.extend_from_slice(b" HTTP/1.1\r\nHost: ");
        request.extend_from_slice(self.host.as_bytes());
        request.extend_from_slice(b"\r\nContent-Length: ");
        request.extend_from_slice(body.len().to_string().as_bytes());
        if !body.is_empty() {
            request.extend_from_slice(b"\r\nContent-Type: text/xml; charset=utf-8");
        }
        for (name, value) in headers {
            request.extend_from_slice(b"\r\n");
            request.extend_from_slice(name.as_bytes());
            request.extend_from_slice(b": ");
            request.extend_from_slice(value.as_bytes());
        }
        request.extend_from_slice(b"\r\n\r\n");
        request.extend_from_slice(body);
        stream
            .get_mut()
            .write_all(&request)
            .await
            .map_err(|_| Failure::Io)?;
        let reply = read_reply(stream).await?;
        if reply.close {
            self.stream = None;
        }
        Ok(reply)
    }
}

async fn read_reply(stream: &mut BufReader<TcpStream>) -> Result<Reply, Failure> {
    let mut line = String::new();
    let n = stream.read_line(&mut line).await.map_err(|_| Failure::Io)?;
    if n == 0 {
        return Err(Failure::Io);
    }
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or(Failure::Unexpected("bad_status_line"))?;
    let mut reply = Reply {
        status,
        ..Reply::default()
    };
    let mut length: Option<usize> = None;
    let mut chunked = false;
    // At most 100 header lines.
    for _ in 0..100 {
        line.clear();
        let n = stream.read_line(&mut line).await.map_err(|_| Failure::Io)?;
        let l = line.trim_end();
        if n == 0 || l.is_empty() {
            break;
        }
        let Some((name, value)) = l.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse().ok(),
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            "connection" => reply.close = value.eq_ignore_ascii_case("close"),
            "set-cookie" => reply.set_cookie = value.split(';').next().map(str::to_owned),
            "www-authenticate" => reply.www_authenticate.push(value.to_owned()),
            _ => {}
        }
    }
    if chunked {
        // At most 10,000 chunks.
        for _ in 0..10_000 {
            line.clear();
            stream.read_line(&mut line).await.map_err(|_| Failure::Io)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| Failure::Unexpected("bad_chunk"))?;
            let mut chunk = vec![0; size + 2];
            stream
                .read_exact(&mut chunk)
                .await
                .map_err(|_| Failure::Io)?;
            if size == 0 {
                break;
            }
            reply.body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(n) = length {
        reply.body = vec![0; n];
        stream
            .read_exact(&mut reply.body)
            .await
            .map_err(|_| Failure::Io)?;
    } else if status != 204 && status != 304 {
        stream
            .read_to_end(&mut reply.body)
            .await
            .map_err(|_| Failure::Io)?;
        reply.close = true;
    }
    Ok(reply)
}

/// One simulated device of the periodic sessions: its ID and its Inform.
#[derive(Debug)]
struct Device {
    id: String,
    inform: Vec<u8>,
}

fn devices(first: u32, count: u32) -> Vec<Device> {
    (first..first.saturating_add(count))
        .map(|i| {
            let identity = Identity::numbered(i, Root::InternetGatewayDevice);
            let serial = identity.mac().serial();
            let mut inform = Vec::with_capacity(INFORM_TEMPLATE.len());
            let mut rest = INFORM_TEMPLATE;
            while let Some(at) = rest
                .windows(TEMPLATE_SERIAL.len())
                .position(|w| w == TEMPLATE_SERIAL)
            {
                inform.extend_from_slice(&rest[..at]);
                inform.extend_from_slice(serial.as_bytes());
                rest = &rest[at + TEMPLATE_SERIAL.len()..];
            }
            inform.extend_from_slice(rest);
            Device {
                id: identity.device_id(),
                inform,
            }
        })
        .collect()
}

fn digest_of(reply: &Reply) -> Option<DigestChallenge> {
    reply
        .www_authenticate
        .iter()
        .filter_map(|v| Challenge::parse_list(v).ok())
        .flatten()
        .find_map(|c| match c {
            Challenge::Digest(d) if d.algorithm().is_ok() => Some(d),
            _ => None,
        })
}

/// Posts the Inform (answering a challenge with the device's default password); returns
/// the session cookie.
async fn open_session(
    conn: &mut HttpConn,
    path: &str,
    device: &Device,
) -> Result<Option<String>, Failure> {
    let mut reply = conn.post(path, &[], &device.inform).await?;
    if reply.status == 401 {
        let challenge = digest_of(&reply).ok_or(Failure::Unexpected("no_digest_challenge"))?;
        let cnonce = format!("{:016x}", rand::random::<u64>());
        let authorization = challenge
            .respond(
                &device.id,
                tta_datamodel::DEFAULT_PASSWORD,
                "POST",
                path,
                &cnonce,
                1,
            )
            .map_err(|_| Failure::Unexpected("digest"))?;
        reply = conn
            .post(path, &[("Authorization", &authorization)], &device.inform)
            .await?;
    }
    if reply.status != 200 {
        return Err(Failure::Status(reply.status));
    }
    if memchr_find(&reply.body, b"InformResponse").is_none() {
        return Err(Failure::Unexpected("no_inform_response"));
    }
    Ok(reply.set_cookie)
}

fn memchr_find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// One whole periodic session: Inform, InformResponse, empty POST, 204.
async fn periodic_session(conn: &mut HttpConn, path: &str, device: &Device) -> Result<(), Failure> {
    let cookie = open_session(conn, path, device).await?;
    let headers: Vec<(&str, &str)> = cookie.iter().map(|c| ("Cookie", c.as_str())).collect();
    let reply = conn.post(path, &headers, b"").await?;
    if reply.status != 204 {
        return Err(Failure::Status(reply.status));
    }
    Ok(())
}

/// Runs periodic sessions of `devices` over `urls` (in turn) with `concurrency` workers
/// until `until`, or, with `until` `None`, one session per device. Returns the sessions'
/// latencies and errors.
async fn run_periodic(
    devices: Arc<Vec<Device>>,
    urls: &[String],
    concurrency: usize,
    until: Option<Instant>,
    options: &LoadOptions,
) -> Result<(Latencies, Errors, u64), LoadError> {
    // Each worker has its own devices (a device never has two sessions at once: a second
    // Inform would end the first), one after the other.
    let workers = concurrency.max(1).min(devices.len());
    let mut handles = Vec::new();
    for w in 0..workers {
        let (mut conn, path) = HttpConn::new(&urls[w % urls.len()], options.request_timeout)?;
        let devices = devices.clone();
        let reconnect = options.reconnect;
        handles.push(tokio::spawn(async move {
            let mut latencies = Latencies::default();
            let mut errors = Errors::default();
            let mine: Vec<usize> = (w..devices.len()).step_by(workers).collect();
            // Bounded: by the deadline, or by one round of the devices; and by a count far
            // beyond any rate this machine reaches (10 million sessions).
            for n in 0..10_000_000usize {
                match until {
                    Some(t) if Instant::now() >= t => break,
                    None if n >= mine.len() => break,
                    _ => {}
                }
                let device = &devices[mine[n % mine.len()]];
                let started = Instant::now();
                match periodic_session(&mut conn, &path, device).await {
                    Ok(()) => latencies.add(started.elapsed()),
                    Err(e) => errors.add(e.kind()),
                }
                if reconnect {
                    conn.close();
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Latencies::default();
    let mut errors = Errors::default();
    for h in handles {
        let (l, e) = h
            .await
            .map_err(|e| LoadError::Server(format!("worker: {e}")))?;
        latencies.extend(l);
        errors.merge(e);
    }
    let done = latencies.0.len() as u64;
    Ok((latencies, errors, done))
}

/// Runs one benchmark and returns its report (one JSON object).
///
/// # Errors
///
/// The servers could not be started or the options do not go together.
pub async fn run(options: &LoadOptions) -> Result<Value, LoadError> {
    if options.devices == 0 && matches!(options.mode, Mode::Periodic | Mode::Slow) {
        return Err(LoadError::Usage("--devices must be at least 1".into()));
    }
    let servers = Servers::start(options).await?;
    let result = run_on(options, &servers).await;
    let usage = servers.usage();
    servers.stop();
    let mut report = result?;
    if let Some((rss_kib, cpu)) = usage {
        report["server_peak_rss_mb"] = json!(round(rss_kib as f64 / 1024.0));
        report["server_cpu_total_s"] = json!(round(cpu));
    }
    Ok(report)
}

async fn run_on(options: &LoadOptions, servers: &Servers) -> Result<Value, LoadError> {
    let urls = servers.urls().to_vec();
    let load_before = load_average();
    let self_cpu_before = process_cpu(std::process::id()).unwrap_or(0.0);
    let mut report = json!({
        "mode": options.mode.as_str(),
        "auth": if options.auth { "digest" } else { "none" },
        "nodes": urls.len(),
        "concurrency": if options.mode == Mode::Storm {
            options.count as usize
        } else {
            options.concurrency
        },
        "reconnect": options.reconnect,
        "load_average_before": load_before,
    });
    let cpu_before = servers.usage().map_or(0.0, |u| u.1);
    let measured_start;
    let count;
    let latencies;
    let errors;
    match options.mode {
        Mode::Periodic => {
            let devs = Arc::new(devices(1, options.devices));
            // Warm-up: every device's first session registers it, unmeasured.
            let t = Instant::now();
            let (_, warm_errors, _) =
                run_periodic(devs.clone(), &urls, options.concurrency, None, options).await?;
            report["warmup_s"] = json!(round(t.elapsed().as_secs_f64()));
            report["warmup_errors"] = json!(warm_errors.total());
            report["devices"] = json!(options.devices);
            measured_start = Instant::now();
            let cpu = servers.usage().map_or(0.0, |u| u.1);
            let (l, e, n) = run_periodic(
                devs,
                &urls,
                options.concurrency,
                Some(measured_start + options.duration),
                options,
            )
            .await?;
            report["server_cpu_warmup_s"] = json!(round(cpu - cpu_before));
            (latencies, errors, count) = (l, e, n);
        }
        Mode::Slow => {
            let holders = devices(1_000_000, options.count);
            let measured = Arc::new(devices(1, options.devices));
            let (_, warm_errors, _) =
                run_periodic(measured.clone(), &urls, options.concurrency, None, options).await?;
            report["warmup_errors"] = json!(warm_errors.total());
            let t = Instant::now();
            let (held, hold_errors) = hold_sessions(holders, &urls, options).await?;
            report["held_sessions"] = json!(held.len());
            report["hold_errors"] = json!(hold_errors.0);
            report["hold_setup_s"] = json!(round(t.elapsed().as_secs_f64()));
            report["devices"] = json!(options.devices);
            measured_start = Instant::now();
            let (l, e, n) = run_periodic(
                measured,
                &urls,
                options.concurrency,
                Some(measured_start + options.duration),
                options,
            )
            .await?;
            // The held sessions are still open: their connections answer nothing more.
            let mut still_open = 0;
            for conn in &held {
                if conn.stream.is_some() {
                    still_open += 1;
                }
            }
            report["held_at_end"] = json!(still_open);
            drop(held);
            (latencies, errors, count) = (l, e, n);
        }
        Mode::Procedure | Mode::Storm => {
            servers.add_provider().await?;
            let storm = options.mode == Mode::Storm;
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .map_err(|e| LoadError::Server(format!("HTTP client: {e}")))?;
            let stb_options = stb::Options {
                count: options.count,
                first_index: 1,
                root: Root::Device,
                state_dir: None,
                start: Start::Acs(urls[0].clone()),
                acs_urls: if urls.len() > 1 {
                    urls.clone()
                } else {
                    Vec::new()
                },
                provider: None,
                periodic: None,
                duration: None,
                password: None,
                concurrency: if storm {
                    options.count as usize
                } else {
                    options.concurrency
                },
                retry_policy: cwmp_codec::RetryPolicy::new(options.retry_min_wait, 2000),
                max_retries: options.max_retries,
                capture: None,
                listen: None,
            };
            measured_start = Instant::now();
            let results = stb::run(&stb_options, client).await;
            let mut l = Latencies::default();
            let mut e = Errors::default();
            let mut provisioned = 0;
            let mut retries = 0;
            for r in &results {
                retries += r.steps.iter().filter(|s| s.what == "retry").count();
                match &r.outcome {
                    Outcome::Provisioned => {
                        provisioned += 1;
                        l.add(r.elapsed);
                    }
                    Outcome::Refused(code) => e.add(format!("refused_{}", code.as_str())),
                    Outcome::Failed(why) => {
                        // The step that failed, without the per-STB detail.
                        let kind = why.split(':').next().unwrap_or("failed");
                        e.add(format!("gave_up: {kind}"));
                    }
                }
            }
            report["stbs"] = json!(options.count);
            report["provisioned"] = json!(provisioned);
            report["session_retries"] = json!(retries);
            if storm {
                report["drain_s"] = json!(round(measured_start.elapsed().as_secs_f64()));
            }
            (latencies, errors, count) = (l, e, provisioned);
        }
    }
    let seconds = measured_start.elapsed().as_secs_f64();
    let unit = match options.mode {
        Mode::Procedure | Mode::Storm => "procedures",
        _ => "sessions",
    };
    report["unit"] = json!(unit);
    report["completed"] = json!(count);
    report["seconds"] = json!(round(seconds));
    report["rate_per_s"] = json!(round(count as f64 / seconds.max(1e-9)));
    report["latency"] = latencies.summary();
    report["errors"] = json!(errors.total());
    report["error_kinds"] = json!(errors.0);
    if let Some((rss, cpu)) = servers.usage() {
        report["server_peak_rss_mb"] = json!(round(rss as f64 / 1024.0));
        report["server_cpu_s"] = json!(round(cpu - cpu_before));
        report["server_cpu_per_unit_us"] =
            json!(round((cpu - cpu_before) * 1e6 / (count.max(1) as f64)));
    }
    report["load_cpu_s"] = json!(round(
        process_cpu(std::process::id()).unwrap_or(0.0) - self_cpu_before
    ));
    report["load_average_after"] = json!(load_average());
    Ok(report)
}

/// Opens a session for each holder and keeps its connection without the next POST.
async fn hold_sessions(
    holders: Vec<Device>,
    urls: &[String],
    options: &LoadOptions,
) -> Result<(Vec<HttpConn>, Errors), LoadError> {
    let mut errors = Errors::default();
    let mut held = Vec::with_capacity(holders.len());
    let holders = Arc::new(holders);
    // Opened 256 at a time: the point is to hold them, not to storm.
    let next = Arc::new(AtomicU64::new(0));
    let mut handles = Vec::new();
    for w in 0..256.min(holders.len().max(1)) {
        let url = urls[w % urls.len()].clone();
        let timeout = options.request_timeout;
        let (holders, next) = (holders.clone(), next.clone());
        handles.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            let mut errors = Errors::default();
            for _ in 0..holders.len() {
                let n = next.fetch_add(1, Ordering::Relaxed) as usize;
                if n >= holders.len() {
                    break;
                }
                let Ok((mut conn, path)) = HttpConn::new(&url, timeout) else {
                    break;
                };
                match open_session(&mut conn, &path, &holders[n]).await {
                    Ok(_) if conn.stream.is_some() => mine.push(conn),
                    Ok(_) => errors.add("closed_by_server"),
                    Err(e) => errors.add(e.kind()),
                }
            }
            (mine, errors)
        }));
    }
    for h in handles {
        let (mine, e) = h
            .await
            .map_err(|e| LoadError::Server(format!("holder: {e}")))?;
        held.extend(mine);
        errors.merge(e);
    }
    Ok((held, errors))
}

/// The one line for people that goes with the JSON report.
#[must_use]
pub fn human_line(report: &Value) -> String {
    let l = &report["latency"];
    let mut line = format!(
        "{mode} ({auth}, {nodes} node(s), concurrency {c}): {done} {unit} in {secs} s = {rate}/s; \
         latency p50 {p50} ms, p95 {p95} ms, p99 {p99} ms, max {max} ms; errors {errors}",
        mode = report["mode"].as_str().unwrap_or(""),
        auth = report["auth"].as_str().unwrap_or(""),
        nodes = report["nodes"],
        c = report["concurrency"],
        done = report["completed"],
        unit = report["unit"].as_str().unwrap_or(""),
        secs = report["seconds"],
        rate = report["rate_per_s"],
        p50 = l["p50_ms"],
        p95 = l["p95_ms"],
        p99 = l["p99_ms"],
        max = l["max_ms"],
        errors = report["errors"],
    );
    if let Some(rss) = report.get("server_peak_rss_mb") {
        line.push_str(&format!(
            "; server peak RSS {rss} MB, CPU {} s",
            report["server_cpu_s"]
        ));
    }
    if let Some(d) = report.get("drain_s") {
        line.push_str(&format!("; drained in {d} s"));
    }
    if let Some(h) = report.get("held_sessions") {
        line.push_str(&format!("; {h} sessions held open"));
    }
    line.push_str(&format!(
        "; load average {} -> {}",
        report["load_average_before"].as_str().unwrap_or(""),
        report["load_average_after"].as_str().unwrap_or("")
    ));
    line
}

#[cfg(test)]
mod tests {
    use super::merged_config;

    #[test]
    fn the_extra_configuration_wins_key_by_key() {
        let base = "no_auth = true\n[limits]\nmax_sessions = 5\nidle_timeout_secs = 300\n";
        let merged = merged_config(base, "[limits]\nmax_connections = 4000\n").unwrap();
        let table: toml::Table = merged.parse().unwrap();
        let limits = table["limits"].as_table().unwrap();
        assert_eq!(limits["max_connections"].as_integer(), Some(4000));
        assert_eq!(limits["max_sessions"].as_integer(), Some(5));
        assert_eq!(table["no_auth"].as_bool(), Some(true));
        assert!(merged_config(base, "[limits").is_err());
    }
}
