//! `tta-acs`, the provisioning server: the CWMP endpoint (on the codec's [`AcsSession`] and
//! the TTA procedure's server side), the firmware/software upgrade endpoint (on
//! `fwupgrade-proto`), package downloads, and a northbound API in the spirit of GenieACS's.
//!
//! [`Server::start`] runs it all inside the caller's tokio runtime, from a [`Config`]: the
//! `tta-acs` binary, the demo and the tests run this same code.
//!
//! [`AcsSession`]: cwmp_codec::AcsSession

pub mod auth;
pub mod config;
pub mod connreq;
pub(crate) mod cwmp;
pub mod metrics;
pub(crate) mod nbi;
pub(crate) mod open_sessions;
pub(crate) mod procedure;
pub(crate) mod reaper;
pub mod serve;
pub mod store;
pub mod tasks;
pub mod tls;
pub(crate) mod upgrade;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tracing::{info, warn};

pub use config::Config;
pub use cwmp::SESSION_COOKIE;

use self::auth::DigestAuthority;
use self::metrics::Metrics;
use self::store::{Store, StoreError};

/// What every handler shares.
#[derive(Debug)]
pub struct Shared {
    /// The database.
    pub store: Store,
    /// The configuration in force.
    pub config: Config,
    /// Digest nonces and checks, keyed by the secret every node shares.
    pub authority: DigestAuthority,
    /// The Prometheus metrics.
    pub metrics: Metrics,
    /// How devices reach this server (no trailing slash).
    pub public_url: String,
    /// The HTTP client of connection requests.
    pub http: reqwest::Client,
    /// The provider list offered when the store has no provider.
    pub(crate) default_providers: dhcp_tta_options::ProviderList<'static>,
    /// The SDS settings sent when a provider has none that read.
    pub(crate) default_sds: tta_datamodel::SdsServer<'static>,
    /// How many sessions are open, for the `max_sessions` check.
    pub(crate) open_sessions: open_sessions::OpenSessions,
    /// The CWMP POSTs that may be worked on at once (`limits.max_posts_in_flight`).
    pub(crate) posts_in_flight: tokio::sync::Semaphore,
    /// Turns true when the server is stopping: what a handler that waits (an API call on a
    /// connection request) stops waiting for.
    pub(crate) stopping: watch::Receiver<bool>,
}

/// The state of every handler.
pub type App = Arc<Shared>;

/// Why the server did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is not usable.
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// The data directory could not be made.
    #[error("data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The TLS certificate could not be loaded or made.
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    /// A listener could not bind.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Client(#[from] reqwest::Error),
    /// The public URL cannot be offered to STBs.
    #[error("public_url {0:?} is not an http:// or https:// URL a provider list can carry")]
    PublicUrl(String),
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    app: App,
    cwmp_addr: Option<SocketAddr>,
    cwmp_tls_addr: Option<SocketAddr>,
    nbi_addr: SocketAddr,
    certificate_pem: String,
    certificate_der: Vec<u8>,
    shutdown: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })
}

fn url_for(scheme: &str, addr: SocketAddr) -> String {
    // An unspecified address is where the server listens, not where anyone can reach it:
    // name loopback, and let operators set public_url.
    let ip = if addr.ip().is_unspecified() {
        std::net::IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    format!("{scheme}://{}", SocketAddr::new(ip, addr.port()))
}

impl Server {
    /// Opens the store, binds the listeners and starts serving.
    ///
    /// # Errors
    ///
    /// The configuration, data directory, database, certificate or a listener failed.
    pub async fn start(config: Config) -> Result<Self, StartError> {
        config.validate()?;
        crate::install_crypto_provider();
        std::fs::create_dir_all(&config.data_dir).map_err(|source| StartError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        if config.no_auth {
            warn!("--no-auth: any credentials are accepted (lab use only)");
        }
        if config.limits.session_timeout_below_tr069() {
            warn!(
                secs = config.limits.session_timeout_secs,
                "limits.session_timeout_secs is below TR-069's 30 s minimum (lab use only)"
            );
        }
        let store = Store::open(&config.database_url()).await?;
        let secret = store.shared_secret(&fresh_secret()).await?;
        let cwmp = match config.cwmp_listen {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };
        let cwmp_tls = match config.cwmp_tls_listen {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };
        let nbi = bind(config.nbi_listen).await?;
        let cwmp_addr = cwmp.as_ref().and_then(|l| l.local_addr().ok());
        let cwmp_tls_addr = cwmp_tls.as_ref().and_then(|l| l.local_addr().ok());
        let nbi_addr = nbi.local_addr().map_err(|source| StartError::Bind {
            addr: config.nbi_listen,
            source,
        })?;
        let public_url = config
            .public_url
            .clone()
            .or_else(|| cwmp_addr.map(|a| url_for("http", a)))
            .or_else(|| cwmp_tls_addr.map(|a| url_for("https", a)))
            .unwrap_or_else(|| url_for("http", nbi_addr));
        let public_url = public_url.trim_end_matches('/').to_owned();
        let default_providers =
            dhcp_tta_options::Provider::new("TTA", format!("{public_url}/"), "")
                .ok()
                .and_then(|p| dhcp_tta_options::ProviderList::new([p]).ok())
                .ok_or_else(|| StartError::PublicUrl(public_url.clone()))?;
        let default_sds = store::SdsConfig::default()
            .to_settings()
            .map_err(|e| StartError::Config(config::ConfigError::Invalid(e)))?;
        let material = tls::load_or_generate(
            config.tls.cert.as_deref(),
            config.tls.key.as_deref(),
            &config.data_dir,
            &config.tls.names,
        )?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()?;
        let authority = DigestAuthority::new(
            secret.as_bytes(),
            config.auth.realm.clone(),
            config.auth.nonce_lifetime_secs,
        );
        let (shutdown, stop) = watch::channel(false);
        let app: App = Arc::new(Shared {
            store,
            authority,
            metrics: Metrics::new(),
            public_url,
            http,
            default_providers,
            default_sds,
            open_sessions: open_sessions::OpenSessions::default(),
            posts_in_flight: tokio::sync::Semaphore::new(
                usize::try_from(config.limits.max_posts_in_flight).unwrap_or(usize::MAX),
            ),
            stopping: stop.clone(),
            config,
        });
        let options = serve::ListenerOptions {
            idle_timeout: app.config.limits.idle_timeout(),
            handshake_timeout: Duration::from_secs(app.config.limits.tls_handshake_timeout_secs),
            drain_timeout: Duration::from_secs(30),
            connections: None,
            retry_after_secs: app.config.limits.retry_after_secs,
        };
        // The CWMP listeners (HTTP and HTTPS) share one cap on open connections; the API's
        // has none.
        let device_options = serve::ListenerOptions {
            connections: Some(Arc::new(tokio::sync::Semaphore::new(
                usize::try_from(app.config.limits.max_connections).unwrap_or(usize::MAX),
            ))),
            ..options.clone()
        };
        let mut tasks = JoinSet::new();
        let device_router = device_router(app.clone());
        if let (Some(listener), Some(addr)) = (cwmp, cwmp_addr) {
            info!(%addr, "CWMP over HTTP");
            tasks.spawn(serve::serve(
                listener,
                None,
                device_router.clone(),
                device_options.clone(),
                stop.clone(),
            ));
        }
        if let (Some(listener), Some(addr)) = (cwmp_tls, cwmp_tls_addr) {
            info!(%addr, "CWMP over HTTPS");
            tasks.spawn(serve::serve(
                listener,
                Some(material.server_config()),
                device_router,
                device_options,
                stop.clone(),
            ));
        }
        info!(addr = %nbi_addr, "northbound API");
        tasks.spawn(serve::serve(
            nbi,
            None,
            nbi::router(app.clone()),
            options,
            stop.clone(),
        ));
        let reaped = app.clone();
        tasks.spawn(every(
            Duration::from_secs(1),
            stop.clone(),
            "session sweep",
            move || reaper::sweep(reaped.clone()),
        ));
        let store = app.store.clone();
        tasks.spawn(every(
            Duration::from_millis(250),
            stop,
            "WAL checkpoint",
            move || {
                let store = store.clone();
                async move { store.checkpoint().await }
            },
        ));
        info!(public_url = %app.public_url, "tta-acs started");
        Ok(Self {
            certificate_pem: material.certificate_pem().to_owned(),
            certificate_der: material.certificate_der().to_vec(),
            app,
            cwmp_addr,
            cwmp_tls_addr,
            nbi_addr,
            shutdown,
            tasks,
        })
    }

    /// The CWMP over HTTP address, when on.
    #[must_use]
    pub fn cwmp_addr(&self) -> Option<SocketAddr> {
        self.cwmp_addr
    }

    /// The CWMP over HTTPS address, when on.
    #[must_use]
    pub fn cwmp_tls_addr(&self) -> Option<SocketAddr> {
        self.cwmp_tls_addr
    }

    /// The API's address.
    #[must_use]
    pub fn nbi_addr(&self) -> SocketAddr {
        self.nbi_addr
    }

    /// How devices reach the server.
    #[must_use]
    pub fn public_url(&self) -> &str {
        &self.app.public_url
    }

    /// The HTTPS certificate (PEM), for clients to trust.
    #[must_use]
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// The HTTPS certificate (DER).
    #[must_use]
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// What the handlers share (the store, the metrics).
    #[must_use]
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Stops accepting, lets requests in flight finish, and closes the store.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        while self.tasks.join_next().await.is_some() {}
        self.app.store.close().await;
        info!("tta-acs stopped");
    }
}

/// Runs `task` every `period` until `shutdown`, logging its failures (the server's
/// housekeeping: the reaper's sweep, the store's checkpoints).
async fn every<F, Fut, E>(
    period: Duration,
    mut shutdown: watch::Receiver<bool>,
    what: &'static str,
    mut task: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
        if let Err(e) = task().await {
            warn!(error = %e, "{what} failed");
        }
    }
}

/// The routes devices use: CWMP on every path (a provider's URL path names it), the upgrade
/// endpoint and package downloads.
fn device_router(app: App) -> Router {
    let limit = app.config.limits.max_body_bytes;
    Router::new()
        .route("/upgrade", post(upgrade::post))
        .route("/packages/{name}", get(upgrade::package))
        .fallback(post(cwmp::post).get(|| async { "tta-acs: CWMP takes POST\n" }))
        .layer(DefaultBodyLimit::max(limit))
        // The 413 comes from the body extractor, before any handler could count it.
        .layer(axum::middleware::map_response_with_state(
            app.clone(),
            count_too_large,
        ))
        .with_state(app)
}

async fn count_too_large(
    axum::extract::State(app): axum::extract::State<App>,
    response: axum::response::Response,
) -> axum::response::Response {
    if response.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        app.metrics.rejected(metrics::Rejection::TooLarge);
    }
    response
}

fn fresh_secret() -> String {
    use rand::Rng;
    let bytes: [u8; 32] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
