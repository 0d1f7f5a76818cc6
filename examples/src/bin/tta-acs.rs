//! `tta-acs`: the TTA IPTV provisioning server (ACS).
//!
//! Starts with built-in defaults (CWMP over HTTP on 7547 and HTTPS on 7548 with a generated
//! self-signed certificate, the API on 127.0.0.1:7557, SQLite in `./tta-acs-data`); a TOML
//! file (`--config`) overrides any default, and the flags override the file. SIGTERM or
//! Ctrl-C stops it gracefully: sessions in flight finish their request.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use tta_examples::acs::config::{Config, LogFormat};
use tta_examples::acs::{Server, config};

#[derive(Debug, Parser)]
#[command(
    name = "tta-acs",
    version,
    about = "TTA IPTV provisioning server: CWMP (TR-069), the TTA procedure, firmware upgrades",
    after_help = "Every option can also be set in the TOML file given with --config; \
                  `tta-acs --print-config` prints one with every default."
)]
struct Cli {
    /// A TOML configuration file (its values over the defaults; the flags over it).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Where the embedded database and the generated certificate live.
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The database: sqlite://FILE or postgres://USER@HOST:PORT/DB (several nodes).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// CWMP over HTTP [default: 0.0.0.0:7547].
    #[arg(long, value_name = "ADDR")]
    cwmp_listen: Option<SocketAddr>,
    /// CWMP over HTTPS [default: 0.0.0.0:7548].
    #[arg(long, value_name = "ADDR")]
    cwmp_tls_listen: Option<SocketAddr>,
    /// The northbound API, /metrics and /health [default: 127.0.0.1:7557].
    #[arg(long, value_name = "ADDR")]
    nbi_listen: Option<SocketAddr>,
    /// How devices reach this server (provider list, package URLs, upgrade server).
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// Accept any credentials (lab use; logged as a warning at start).
    #[arg(long)]
    no_auth: bool,
    /// Log format.
    #[arg(long, value_enum)]
    log_format: Option<LogFormat>,
    /// Print the configuration in force (defaults, file, flags) as TOML and exit.
    #[arg(long)]
    print_config: bool,
}

impl Cli {
    fn config(&self) -> Result<Config, config::ConfigError> {
        let mut c = match &self.config {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        if let Some(v) = &self.data_dir {
            c.data_dir = v.clone();
        }
        if let Some(v) = &self.database {
            c.database = Some(v.clone());
        }
        if let Some(v) = self.cwmp_listen {
            c.cwmp_listen = Some(v);
        }
        if let Some(v) = self.cwmp_tls_listen {
            c.cwmp_tls_listen = Some(v);
        }
        if let Some(v) = self.nbi_listen {
            c.nbi_listen = v;
        }
        if let Some(v) = &self.public_url {
            c.public_url = Some(v.clone());
        }
        if self.no_auth {
            c.no_auth = true;
        }
        if let Some(v) = self.log_format {
            c.log_format = v;
        }
        Ok(c)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match cli.config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if cli.print_config {
        match toml::to_string_pretty(&config) {
            Ok(text) => {
                print!("{text}");
                return ExitCode::SUCCESS;
            }
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    tta_examples::logging::init(config.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let server = match Server::start(config).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "tta-acs did not start");
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        };
        tta_examples::logging::shutdown_signal().await;
        tracing::info!("stopping: finishing requests in flight");
        server.shutdown().await;
        ExitCode::SUCCESS
    })
}
