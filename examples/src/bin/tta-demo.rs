//! `tta-demo`: the TTA provisioning procedure end to end, in one process, in seconds: a
//! `tta-acs` on loopback over HTTPS and simulated STBs through first access (with a firmware
//! upgrade), reconnection, a provider change and a refusal. Prints a timeline; exits 0 only if
//! every STB ended as expected.

use std::process::ExitCode;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(
    name = "tta-demo",
    version,
    about = "The TTA provisioning procedure, end to end"
)]
struct Cli {
    /// How many set-top boxes (the last is not a subscriber).
    #[arg(long, default_value_t = 4, value_name = "N")]
    stbs: u32,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tta_examples::logging::init_default(tta_examples::acs::config::LogFormat::Text, "warn");
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(tta_examples::demo::run(cli.stbs)) {
        Ok(report) => {
            print!("{}", report.timeline);
            if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
