//! Placeholder subcommand group; filled in by its crate's work.

use std::process::ExitCode;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum Command {}

pub(crate) fn run(cmd: Command) -> ExitCode {
    match cmd {}
}
