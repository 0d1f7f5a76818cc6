//! `tta-tool`: an inspector for the wire formats of TTA IPTV provisioning.
//!
//! Every subcommand reads a file or standard input (`-`), prints JSON or canonical output on
//! stdout and diagnostics on stderr. Exit status: 0 success, 1 invalid input, 2 usage error.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cwmp;
mod dhcp;
mod fw;
mod io;

#[derive(Debug, Parser)]
#[command(
    name = "tta-tool",
    version,
    about = "Inspect and build TTA IPTV provisioning messages"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// CWMP (TR-069) SOAP envelopes.
    #[command(subcommand)]
    Cwmp(cwmp::Command),
    /// DHCP options 43, 60 and 125.
    #[command(subcommand)]
    Dhcp(dhcp::Command),
    /// Firmware/software upgrade form messages.
    #[command(subcommand)]
    Fw(fw::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Cwmp(cmd) => cwmp::run(cmd),
        Command::Dhcp(cmd) => dhcp::run(cmd),
        Command::Fw(cmd) => fw::run(cmd),
    }
}
