//! `tta-stb`: simulated TTA set-top boxes against a provisioning server.
//!
//! Each STB takes the option-43 provider list (text or hex, as a DHCP client's hook script
//! hands it over) or asks a server over TR-069, runs the standard's procedure, and prints one
//! line. Exit status: 0 when every STB ended provisioned, 1 otherwise, 2 on a usage error.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use dhcp_tta_options::ProviderList;
use tta_datamodel::Root;
use tta_examples::stb::{self, Options, Outcome, Start};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RootArg {
    /// `Device.` (TR-181).
    Device,
    /// `InternetGatewayDevice.` (TR-098).
    Igd,
}

#[derive(Debug, Parser)]
#[command(
    name = "tta-stb",
    version,
    about = "Simulated TTA IPTV set-top boxes: the provisioning procedure against a server"
)]
struct Cli {
    /// Where each STB keeps its state between runs (provider, ProvStatus, versions,
    /// parameters), so reconnection and provider change can be separate runs.
    #[arg(long, value_name = "DIR")]
    state_dir: Option<PathBuf>,
    /// How many STBs, with distinct identities.
    #[arg(long, default_value_t = 1, value_name = "N")]
    count: u32,
    /// The first STB's number (its MAC address is made from it).
    #[arg(long, default_value_t = 1, value_name = "N")]
    first: u32,
    /// The option-43 provider list as text (`ID,URL,NTP|ID,URL,NTP`).
    #[arg(long, value_name = "TEXT", group = "discovery")]
    option43: Option<String>,
    /// The option-43 value in hex, as a DHCP client reports it.
    #[arg(long, value_name = "HEX", group = "discovery")]
    option43_hex: Option<String>,
    /// A provisioning server: asked for the providers over TR-069 (`X TTA DHCP`); given
    /// several times, every request goes to the next in turn (several nodes).
    #[arg(long, value_name = "URL", group = "discovery")]
    acs_url: Vec<String>,
    /// The provider to choose when several are offered (else a prompt on a terminal, or
    /// the first).
    #[arg(long, value_name = "ID")]
    provider: Option<String>,
    /// The data-model root.
    #[arg(long, value_enum, default_value = "device")]
    root: RootArg,
    /// After provisioning, inform every SECONDS (`2 PERIODIC`), answering the server.
    #[arg(long, value_name = "SECONDS")]
    periodic: Option<u64>,
    /// How long the periodic phase lasts.
    #[arg(long, value_name = "SECONDS")]
    duration: Option<u64>,
    /// Accept TR-069 Connection Requests (HTTP with Digest, and UDP) on this address (port 0:
    /// any; with several STBs, the next ones take the next ports), report it in the Informs,
    /// and answer each with a `6 CONNECTION REQUEST` session during the periodic phase.
    #[arg(long, value_name = "ADDR")]
    listen: Option<std::net::SocketAddr>,
    /// The STBs' password (default: the standard's `ttadefault`).
    #[arg(long, value_name = "PASSWORD")]
    password: Option<String>,
    /// A PEM certificate to trust for HTTPS (a server's self-signed one).
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// How many STBs talk at once.
    #[arg(long, default_value_t = 256, value_name = "N")]
    concurrency: usize,
    /// `CWMPRetryMinimumWaitInterval`: the first retry of a failed session waits between
    /// this and twice this, each next retry twice as long (TR-069 3.2.1.1).
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    retry_min_wait: u32,
    /// Failed sessions tried again at most this many times (a wrong password: never).
    #[arg(long, default_value_t = 3, value_name = "N")]
    max_retries: u32,
    /// Log format.
    #[arg(long, value_enum, default_value = "text")]
    log_format: tta_examples::acs::config::LogFormat,
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    let hex: String = hex
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':')
        .collect();
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tta_examples::logging::init_default(cli.log_format, "warn");
    let start = if let Some(text) = &cli.option43 {
        match ProviderList::parse(text.as_bytes()) {
            Ok(list) => Start::Option43(list.into_owned()),
            Err(e) => return usage(&format!("--option43: {e}")),
        }
    } else if let Some(hex) = &cli.option43_hex {
        let Some(bytes) = hex_bytes(hex) else {
            return usage("--option43-hex: not hex");
        };
        match ProviderList::parse(&bytes) {
            Ok(list) => Start::Option43(list.into_owned()),
            Err(e) => return usage(&format!("--option43-hex: {e}")),
        }
    } else if let Some(url) = cli.acs_url.first() {
        Start::Acs(url.clone())
    } else {
        return usage("give --option43, --option43-hex or --acs-url");
    };
    let mut provider = cli.provider.clone();
    if let (Start::Option43(list), None, 1) = (&start, &provider, cli.count)
        && list.len() > 1
        && std::io::IsTerminal::is_terminal(&std::io::stdin())
    {
        provider = prompt(list);
    }
    tta_examples::install_crypto_provider();
    let mut builder = reqwest::Client::builder().timeout(Duration::from_secs(60));
    if let Some(path) = &cli.ca_cert {
        let pem = match std::fs::read(path) {
            Ok(p) => p,
            Err(e) => return usage(&format!("--ca-cert {}: {e}", path.display())),
        };
        match reqwest::Certificate::from_pem(&pem) {
            Ok(cert) => builder = builder.add_root_certificate(cert),
            Err(e) => return usage(&format!("--ca-cert {}: {e}", path.display())),
        }
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => return usage(&format!("HTTP client: {e}")),
    };
    if let Some(dir) = &cli.state_dir
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        return usage(&format!("--state-dir {}: {e}", dir.display()));
    }
    let options = Options {
        count: cli.count,
        first_index: cli.first,
        root: match cli.root {
            RootArg::Device => Root::Device,
            RootArg::Igd => Root::InternetGatewayDevice,
        },
        state_dir: cli.state_dir.clone(),
        start,
        acs_urls: if cli.acs_url.len() > 1 {
            cli.acs_url.clone()
        } else {
            Vec::new()
        },
        provider,
        periodic: cli.periodic.map(Duration::from_secs),
        duration: cli.duration.map(Duration::from_secs),
        password: cli.password.clone(),
        concurrency: cli.concurrency,
        retry_policy: cwmp_codec::RetryPolicy::new(cli.retry_min_wait, 2000),
        max_retries: cli.max_retries,
        capture: None,
        listen: cli.listen,
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => return usage(&format!("runtime: {e}")),
    };
    let results = runtime.block_on(stb::run(&options, client));
    let mut all = true;
    for r in &results {
        println!("{}", r.line());
        all &= matches!(r.outcome, Outcome::Provisioned);
    }
    if all && results.len() == options.count as usize {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Asks the user to choose a provider; `None` keeps the first.
fn prompt(list: &ProviderList<'_>) -> Option<String> {
    use std::io::Write;
    eprintln!("providers offered:");
    for (i, p) in list.iter().enumerate() {
        eprintln!("  {}) {} ({})", i + 1, p.id(), p.provisioning_url());
    }
    eprint!("choose 1-{}: ", list.len());
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok()?;
    let n: usize = line.trim().parse().ok()?;
    list.get(n.checked_sub(1)?).map(|p| p.id().to_owned())
}
