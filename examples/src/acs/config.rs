//! The server's configuration: built-in defaults, a TOML file over them (`--config`), and the
//! command line over both.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Everything `tta-acs` can be told. Every field has a default, so an empty file (or none)
/// is a working configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the embedded database, the generated TLS certificate and package files live.
    pub data_dir: PathBuf,
    /// The database URL: `sqlite://FILE` (default: `tta-acs.db` in the data directory) or
    /// `postgres://USER@HOST:PORT/DB` for several nodes sharing one store.
    pub database: Option<String>,
    /// The CWMP endpoint over HTTP; `None` turns it off.
    pub cwmp_listen: Option<SocketAddr>,
    /// The CWMP endpoint over HTTPS; `None` turns it off.
    pub cwmp_tls_listen: Option<SocketAddr>,
    /// The northbound API, `/metrics` and `/health`.
    pub nbi_listen: SocketAddr,
    /// The URL devices are told to reach this server at (the provider list, package
    /// downloads, the upgrade server); default: derived from `cwmp_listen`.
    pub public_url: Option<String>,
    /// Accept any credentials (lab use; logged as a warning at start).
    pub no_auth: bool,
    /// `text` (for people) or `json` (one object a line, for machines).
    pub log_format: LogFormat,
    /// TLS certificate chain and key (PEM); both or neither. Neither: a self-signed
    /// certificate is generated into the data directory on first start.
    pub tls: TlsConfig,
    /// Session and resource limits.
    pub limits: LimitsConfig,
    /// The HTTP authentication of CPEs.
    pub auth: AuthConfig,
    /// The northbound API.
    pub nbi: NbiConfig,
    /// How the TTA procedure is answered.
    pub provisioning: ProvisioningConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("tta-acs-data"),
            database: None,
            cwmp_listen: Some(SocketAddr::from(([0, 0, 0, 0], 7547))),
            cwmp_tls_listen: Some(SocketAddr::from(([0, 0, 0, 0], 7548))),
            nbi_listen: SocketAddr::from(([127, 0, 0, 1], 7557)),
            public_url: None,
            no_auth: false,
            log_format: LogFormat::Text,
            tls: TlsConfig::default(),
            limits: LimitsConfig::default(),
            auth: AuthConfig::default(),
            nbi: NbiConfig::default(),
            provisioning: ProvisioningConfig::default(),
        }
    }
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line.
    Json,
}

/// The HTTPS listener's certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TlsConfig {
    /// The certificate chain (PEM).
    pub cert: Option<PathBuf>,
    /// The private key (PEM).
    pub key: Option<PathBuf>,
    /// Host names and addresses a generated certificate names (default: `localhost`,
    /// `127.0.0.1`, `::1`).
    pub names: Vec<String>,
}

/// Limits that keep one node up under load and against hostile clients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// The largest request body, in bytes; larger gets 413.
    pub max_body_bytes: usize,
    /// Sessions open at once across the store; an Inform past it gets 503 with `Retry-After`.
    /// The cap protects the store in a storm, so it is kept without a lock: Informs that
    /// several nodes (or one node's concurrent requests) admit at the same moment may pass it
    /// by as many as are in flight at once.
    pub max_sessions: u64,
    /// The `Retry-After` of that 503, in seconds.
    pub retry_after_secs: u64,
    /// How long a session waits for the CPE's next POST, in seconds. TR-069 asks for at
    /// least 30, the default; a shorter one (labs, tests) is honoured and logged as a warning.
    pub session_timeout_secs: u64,
    /// How long an idle keep-alive connection is kept, and how long a request body may go
    /// without a byte arriving, in seconds.
    pub idle_timeout_secs: u64,
    /// How long a TLS handshake may take, in seconds.
    pub tls_handshake_timeout_secs: u64,
    /// Requests of the ACS (tasks) sent in one session at most; the rest wait for the next.
    pub max_tasks_per_session: u32,
    /// How long a `?connection_request` API call waits for its task, in seconds.
    pub connection_request_wait_secs: u64,
    /// CWMP POSTs worked on at once; the rest wait their turn with their body read and
    /// nothing else begun. The store takes one writer at a time, so more at once would not
    /// go faster: they would only hold their parsed messages and reads meanwhile, which in a
    /// boot storm of 10,000 STBs was most of the server's memory (PERFORMANCE.md).
    pub max_posts_in_flight: u32,
    /// Connections the CWMP listeners (HTTP and HTTPS together) hold open at once; past it
    /// a new connection gets `503` with `Retry-After` and is closed. Each costs about 15 KB
    /// idle and 30 KB mid-request (PERFORMANCE.md), so this bounds the memory of a storm.
    pub max_connections: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 1 << 20,
            max_sessions: 20_000,
            retry_after_secs: 30,
            session_timeout_secs: 30,
            idle_timeout_secs: 60,
            tls_handshake_timeout_secs: 10,
            max_tasks_per_session: 64,
            connection_request_wait_secs: 30,
            max_posts_in_flight: 64,
            max_connections: 16_384,
        }
    }
}

impl LimitsConfig {
    /// The session timeout, in milliseconds, as configured (at least 1 s): the stored
    /// deadline the reaper enforces. The codec's session machine keeps TR-069's 30 s minimum
    /// on its own clock, so a shorter setting shortens only this deadline; raising it here
    /// too made a session left open wait 30 s whatever the operator asked for.
    #[must_use]
    pub fn session_timeout_ms(&self) -> u64 {
        self.session_timeout_secs.max(1).saturating_mul(1000)
    }

    /// Whether the session timeout is below TR-069's minimum.
    #[must_use]
    pub fn session_timeout_below_tr069(&self) -> bool {
        self.session_timeout_ms() < cwmp_codec::MIN_SESSION_TIMEOUT_MS
    }

    /// The idle timeout of a keep-alive connection.
    #[must_use]
    pub fn idle_timeout(&self) -> Duration {
        Duration::from_secs(self.idle_timeout_secs.max(1))
    }
}

/// The HTTP authentication of CPEs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// The realm of the challenges.
    pub realm: String,
    /// The password of a device with none stored (the standard's default: `ttadefault`,
    /// with the device ID as the user name).
    pub default_password: String,
    /// How long a digest nonce stays valid, in seconds (across connections and nodes).
    pub nonce_lifetime_secs: u64,
    /// Accept Basic over plain HTTP too (off: Basic only over HTTPS, as TR-069 3.4.4 asks;
    /// lab devices that only speak Basic need it on).
    pub basic_over_http: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            realm: "tta-acs".into(),
            default_password: tta_datamodel::DEFAULT_PASSWORD.into(),
            nonce_lifetime_secs: 300,
            basic_over_http: true,
        }
    }
}

/// The northbound API.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NbiConfig {
    /// The bearer token the API requires; required when the API listens beyond loopback.
    pub token: Option<String>,
}

/// How the TTA procedure is answered, where the standard leaves it to the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProvisioningConfig {
    /// Treat every device as a subscriber (else only those in the subscriber table).
    pub open_subscription: bool,
    /// Accept every non-empty certificate (the trust authority is outside this server);
    /// off: only certificates listed in the subscriber table.
    pub accept_any_certificate: bool,
    /// The message sent with `021` (not subscribed).
    pub not_subscribed_message: String,
    /// The message sent with `022` (trust authority verification failed).
    pub verification_failed_message: String,
}

impl Default for ProvisioningConfig {
    fn default() -> Self {
        Self {
            open_subscription: false,
            accept_any_certificate: true,
            not_subscribed_message: "This set-top box is not subscribed: call your provider."
                .into(),
            verification_failed_message:
                "This set-top box could not be verified: call your provider.".into(),
        }
    }
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this configuration.
    #[error("{path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What and where.
        source: Box<toml::de::Error>,
    },
    /// The values contradict each other.
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// Reads a TOML file over the defaults.
    ///
    /// # Errors
    ///
    /// The file cannot be read or is not a valid configuration (unknown keys are errors, so
    /// a misspelt option is not silently ignored).
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        toml::from_str(&text).map_err(|source| ConfigError::Parse {
            path: path.to_owned(),
            source: Box::new(source),
        })
    }

    /// The database URL: the configured one, or SQLite in the data directory.
    #[must_use]
    pub fn database_url(&self) -> String {
        self.database.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("tta-acs.db").display()
            )
        })
    }

    /// Checks the values together.
    ///
    /// # Errors
    ///
    /// A contradiction, named.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.tls.cert.is_some() != self.tls.key.is_some() {
            return Err(ConfigError::Invalid(
                "tls.cert and tls.key go together: give both or neither".into(),
            ));
        }
        if !self.nbi_listen.ip().is_loopback() && self.nbi.token.is_none() {
            return Err(ConfigError::Invalid(format!(
                "the API listens on {} beyond loopback: set nbi.token (a bearer token)",
                self.nbi_listen
            )));
        }
        if self.limits.max_connections == 0 {
            return Err(ConfigError::Invalid(
                "limits.max_connections of 0 would serve no CPE".into(),
            ));
        }
        if self.limits.max_posts_in_flight == 0 {
            return Err(ConfigError::Invalid(
                "limits.max_posts_in_flight of 0 would serve no CWMP POST".into(),
            ));
        }
        if self.limits.max_body_bytes < 1024 {
            return Err(ConfigError::Invalid(
                "limits.max_body_bytes below 1024 cannot hold an Inform".into(),
            ));
        }
        Ok(())
    }
}

/// The sample configuration the README shows, every option at its default.
pub const SAMPLE: &str = include_str!("sample-config.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_the_defaults() {
        let sample: Config = toml::from_str(SAMPLE).unwrap();
        assert_eq!(sample, Config::default());
    }

    #[test]
    fn an_empty_file_is_the_defaults() {
        assert_eq!(toml::from_str::<Config>("").unwrap(), Config::default());
    }

    #[test]
    fn a_misspelt_option_is_an_error() {
        let e = toml::from_str::<Config>("[limits]\nmax_sesions = 3\n").unwrap_err();
        assert!(e.to_string().contains("max_sesions"), "{e}");
    }

    #[test]
    fn an_open_api_needs_a_token() {
        let mut c = Config {
            nbi_listen: "0.0.0.0:7557".parse().unwrap(),
            ..Config::default()
        };
        assert!(c.validate().is_err());
        c.nbi.token = Some("t".into());
        c.validate().unwrap();
    }

    #[test]
    fn a_cap_of_zero_is_refused() {
        let mut c = Config::default();
        c.limits.max_posts_in_flight = 0;
        let e = c.validate().unwrap_err();
        assert!(e.to_string().contains("max_posts_in_flight"), "{e}");
        let mut c = Config::default();
        c.limits.max_connections = 0;
        let e = c.validate().unwrap_err();
        assert!(e.to_string().contains("max_connections"), "{e}");
    }
}
