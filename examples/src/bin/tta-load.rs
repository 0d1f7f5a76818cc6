//! `tta-load`: the load benchmark of `tta-acs` (see `PERFORMANCE.md`).
//!
//! Starts the server (or targets `--acs-url`), drives simulated STBs at it on loopback and
//! prints one JSON object on stdout and one line for people on stderr. Exit status: 0 when
//! the run had no errors, 1 when it had some, 2 when it could not be made.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use tta_examples::load::{self, LoadOptions, Mode};

#[derive(Debug, Parser)]
#[command(
    name = "tta-load",
    version,
    about = "Load benchmark of tta-acs: periodic sessions, procedures, slow clients, boot storm"
)]
struct Cli {
    /// What to measure.
    #[arg(value_enum)]
    mode: Mode,
    /// Devices doing periodic sessions (periodic; the measured ones of slow).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    devices: u32,
    /// STBs (procedure, storm) or clients holding a session open (slow).
    #[arg(long, default_value_t = 1000, value_name = "N")]
    count: u32,
    /// Seconds the measured phase of periodic and slow lasts.
    #[arg(long, default_value_t = 10.0, value_name = "SECONDS")]
    duration: f64,
    /// Sessions or procedures in flight at once (storm: every STB).
    #[arg(long, default_value_t = 64, value_name = "N")]
    concurrency: usize,
    /// Digest authentication with the standard's default password (else the started server
    /// runs with --no-auth).
    #[arg(long)]
    auth: bool,
    /// A new TCP connection for every periodic session, instead of keep-alive.
    #[arg(long)]
    reconnect: bool,
    /// The tta-acs binary [default: next to this one].
    #[arg(long, value_name = "FILE")]
    acs_bin: Option<PathBuf>,
    /// Target this running server (CWMP URL on loopback) instead of starting one; given
    /// several times, the nodes are used in turn.
    #[arg(long, value_name = "URL")]
    acs_url: Vec<String>,
    /// The process of a targeted server, for its peak RSS and CPU time (repeatable).
    #[arg(long, value_name = "PID")]
    server_pid: Vec<u32>,
    /// Server nodes to start (more than one: give a shared --database).
    #[arg(long, default_value_t = 1, value_name = "N")]
    nodes: u32,
    /// The started servers' database [default: SQLite in a temporary directory].
    #[arg(long, value_name = "URL")]
    database: Option<String>,
    /// A TOML file appended to the started servers' configuration.
    #[arg(long, value_name = "FILE")]
    server_config: Option<PathBuf>,
    /// The STBs' CWMPRetryMinimumWaitInterval, in seconds (procedure, storm).
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    retry_min_wait: u32,
    /// Failed sessions an STB retries before it gives up (procedure, storm).
    #[arg(long, default_value_t = 10, value_name = "N")]
    max_retries: u32,
    /// Seconds one HTTP exchange may take.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    request_timeout: u64,
    /// Keep the started servers' directory (logs, database).
    #[arg(long)]
    keep_data: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tta_examples::logging::init_default(tta_examples::acs::config::LogFormat::Text, "error");
    tta_examples::install_crypto_provider();
    let acs_bin = cli.acs_bin.clone().unwrap_or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(|d| d.join("tta-acs")))
            .unwrap_or_else(|| PathBuf::from("tta-acs"))
    });
    let server_config = match &cli.server_config {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) => {
                eprintln!("error: --server-config {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    if !(cli.duration > 0.0 && cli.duration <= 3600.0) {
        eprintln!("error: --duration: between 0 and 3600 seconds");
        return ExitCode::from(2);
    }
    let options = LoadOptions {
        mode: cli.mode,
        devices: cli.devices,
        count: cli.count,
        duration: Duration::from_secs_f64(cli.duration),
        concurrency: cli.concurrency.max(1),
        auth: cli.auth,
        reconnect: cli.reconnect,
        acs_bin,
        acs_urls: cli.acs_url.clone(),
        server_pids: cli.server_pid.clone(),
        nodes: cli.nodes,
        database: cli.database.clone(),
        server_config,
        retry_min_wait: cli.retry_min_wait,
        max_retries: cli.max_retries,
        request_timeout: Duration::from_secs(cli.request_timeout.max(1)),
        keep_data: cli.keep_data,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(load::run(&options)) {
        Ok(report) => {
            println!("{report}");
            eprintln!("{}", load::human_line(&report));
            if report["errors"].as_u64() == Some(0) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
