//! `tta-tool`: an inspector for the wire formats of TTA IPTV provisioning.
//!
//! Every subcommand reads a file or standard input (`-`), prints JSON or canonical output on
//! stdout and diagnostics on stderr. Exit status: 0 success, 1 invalid input, 2 usage error.
//!
//! Input is read up to the size limit of the parser that reads it (and one byte more, so that
//! the parser reports the overrun). An error about input reads `error: <message> at byte
//! <offset> (<where>)`; every diagnostic is one line, with control and invisible format
//! characters escaped.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cwmp;
mod dhcp;
mod fw;
mod io;
mod tta;

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
    /// TTA provisioning: settings, Informs and parameter paths.
    #[command(subcommand)]
    Tta(tta::Command),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return io::usage(&e, |args| Cli::try_parse_from(args).err()),
    };
    match cli.command {
        Command::Cwmp(cmd) => cwmp::run(cmd),
        Command::Dhcp(cmd) => dhcp::run(cmd),
        Command::Fw(cmd) => fw::run(cmd),
        Command::Tta(cmd) => tta::run(cmd),
    }
}
