//! `tta-stb`, the set-top box simulator: STBs that run the standard's procedure against a
//! provisioning server over HTTP(S) (the option-43 provider list, authentication, the upgrade
//! phases, the service settings), then answer the server as a CPE does, on an in-memory
//! parameter tree. [`run`] runs many in one process; the `tta-stb` binary, the demo and the
//! tests use it.

pub mod connreq;
pub mod device;
pub mod image;
pub mod session;
pub mod tree;
pub mod upgrade;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use dhcp_tta_options::ProviderList;
use tokio::sync::Semaphore;
use tta_datamodel::{Discovery, Root};

pub use device::{Identity, Outcome, SimStb, Step, Wake};

/// How the STBs learn their providers.
#[derive(Debug, Clone)]
pub enum Start {
    /// The option-43 provider list a DHCP server gave (phase 2 over DHCP).
    Option43(ProviderList<'static>),
    /// Ask this server over TR-069 (`X TTA DHCP`).
    Acs(String),
}

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many STBs.
    pub count: u32,
    /// The first STB's number (the rest follow).
    pub first_index: u32,
    /// The root they use.
    pub root: Root,
    /// Where each keeps its state between runs (none: nothing kept).
    pub state_dir: Option<PathBuf>,
    /// How they find their providers.
    pub start: Start,
    /// Send every request to these servers in turn (several nodes); empty: the provider's URL.
    pub acs_urls: Vec<String>,
    /// The provider to choose when several are offered (else the first).
    pub provider: Option<String>,
    /// After provisioning, inform every so often until `duration` is over.
    pub periodic: Option<Duration>,
    /// How long the periodic phase lasts.
    pub duration: Option<Duration>,
    /// The password of every STB (default `ttadefault`).
    pub password: Option<String>,
    /// How many STBs talk at once.
    pub concurrency: usize,
    /// The TR-069 retry schedule of failed sessions.
    pub retry_policy: cwmp_codec::RetryPolicy,
    /// Failed sessions tried again at most this many times before an STB gives up.
    pub max_retries: u32,
    /// Records every CWMP body the STBs send and receive, in order (the schema tests).
    pub capture: Option<session::Capture>,
    /// Accept Connection Requests (HTTP and UDP) on this address, and between periodic
    /// sessions wait for one as well as for the timer. A port other than 0 is the first
    /// STB's; the next STBs take the ports after it.
    pub listen: Option<SocketAddr>,
}

impl Options {
    /// One STB, number 1, under `Device.`, starting from `start`.
    #[must_use]
    pub fn one(start: Start) -> Self {
        Self {
            count: 1,
            first_index: 1,
            root: Root::Device,
            state_dir: None,
            start,
            acs_urls: Vec::new(),
            provider: None,
            periodic: None,
            duration: None,
            password: None,
            concurrency: 256,
            retry_policy: cwmp_codec::RetryPolicy::default(),
            max_retries: 3,
            capture: None,
            listen: None,
        }
    }
}

/// How one STB ended.
#[derive(Debug, Clone)]
pub struct StbResult {
    /// Its device ID.
    pub device_id: String,
    /// The procedure's end.
    pub outcome: Outcome,
    /// What happened, in order.
    pub steps: Vec<Step>,
    /// Periodic sessions completed, and failed.
    pub periodic: (u32, u32),
    /// Connection Requests accepted (each answered with a session).
    pub connection_requests: u32,
    /// How long its procedure took.
    pub elapsed: Duration,
}

impl StbResult {
    /// One line for people: `<device ID> <outcome> <steps>`.
    #[must_use]
    pub fn line(&self) -> String {
        let outcome = match &self.outcome {
            Outcome::Provisioned => "provisioned".to_owned(),
            Outcome::Refused(r) => format!("refused({})", r.as_str()),
            Outcome::Failed(why) => format!("failed({why})"),
        };
        let steps: Vec<String> = self
            .steps
            .iter()
            .map(|s| format!("{}: {}", s.what, s.detail))
            .collect();
        let mut periodic = if self.periodic == (0, 0) {
            String::new()
        } else {
            format!(
                "; periodic {} ok, {} failed",
                self.periodic.0, self.periodic.1
            )
        };
        if self.connection_requests > 0 {
            periodic.push_str(&format!(
                "; {} connection requests",
                self.connection_requests
            ));
        }
        format!(
            "{} {} in {} ms; {}{periodic}",
            self.device_id,
            outcome,
            self.elapsed.as_millis(),
            steps.join("; ")
        )
    }
}

/// Runs the STBs, `concurrency` at a time, each through the procedure and then its periodic
/// sessions; returns them in order of their numbers.
pub async fn run(options: &Options, client: reqwest::Client) -> Vec<StbResult> {
    let limit = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut handles = Vec::with_capacity(options.count as usize);
    for n in 0..options.count {
        let index = options.first_index + n;
        let options = options.clone();
        let client = client.clone();
        let limit = limit.clone();
        handles.push(tokio::spawn(async move {
            let _permit = limit.acquire().await;
            run_one(index, &options, client).await
        }));
    }
    let mut results = Vec::with_capacity(handles.len());
    for h in handles {
        if let Ok(r) = h.await {
            results.push(r);
        }
    }
    results
}

async fn run_one(index: u32, options: &Options, client: reqwest::Client) -> StbResult {
    let started = Instant::now();
    let identity = Identity::numbered(index, options.root);
    let device_id = identity.device_id();
    let stb = match SimStb::new(identity, options.state_dir.clone(), client) {
        Ok(stb) => stb,
        Err(e) => {
            return StbResult {
                device_id,
                outcome: Outcome::Failed(format!("identity: {e}")),
                steps: Vec::new(),
                periodic: (0, 0),
                connection_requests: 0,
                elapsed: started.elapsed(),
            };
        }
    };
    let mut stb = stb
        .with_acs_urls(options.acs_urls.clone())
        .with_retry(options.retry_policy, options.max_retries)
        .with_capture(options.capture.clone());
    if let Some(p) = &options.password {
        stb = stb.with_password(p.clone());
    }
    if let Some(mut addr) = options.listen {
        if addr.port() != 0 {
            let offset = u16::try_from(index.saturating_sub(options.first_index)).unwrap_or(0);
            addr.set_port(addr.port().saturating_add(offset));
        }
        if let Err(e) = stb.listen(addr).await {
            return StbResult {
                device_id,
                outcome: Outcome::Failed(format!("connection requests on {addr}: {e}")),
                steps: stb.steps.clone(),
                periodic: (0, 0),
                connection_requests: 0,
                elapsed: started.elapsed(),
            };
        }
    }
    let outcome = match &options.start {
        Start::Option43(list) => {
            stb.provision_from_list(list, options.provider.as_deref())
                .await
        }
        Start::Acs(url) => {
            stb.provision(
                Discovery::Tr069 {
                    acs_url: url.clone(),
                },
                options.provider.as_deref(),
            )
            .await
        }
    };
    let elapsed = started.elapsed();
    let mut periodic = (0, 0);
    let mut connection_requests = 0;
    // Listening without a period: the standard's default PeriodicInformInterval.
    let every = options
        .periodic
        .or(options.listen.map(|_| Duration::from_secs(3600)));
    if let (Outcome::Provisioned, Some(every)) = (&outcome, every) {
        let until = Instant::now() + options.duration.unwrap_or(every);
        let mut event = Wake::Timer;
        while Instant::now() < until {
            let result = match event {
                Wake::Timer => stb.periodic().await,
                Wake::ConnectionRequest => stb.connection_request().await,
            };
            match (result, event) {
                (Ok(()), Wake::Timer) => periodic.0 += 1,
                (Ok(()), Wake::ConnectionRequest) => connection_requests += 1,
                (Err(e), _) => {
                    periodic.1 += 1;
                    tracing::warn!(stb = %device_id, error = %e, "session failed");
                }
            }
            let left = until.saturating_duration_since(Instant::now());
            event = stb.wait(every.min(left)).await;
        }
    }
    StbResult {
        device_id,
        outcome,
        steps: stb.steps.clone(),
        periodic,
        connection_requests,
        elapsed,
    }
}
