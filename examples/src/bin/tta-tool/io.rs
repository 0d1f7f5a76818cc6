//! Input helpers shared by the subcommands.

use std::io::{Read, Write};
use std::process::ExitCode;

/// Reads `path`, or standard input when `path` is `-`.
pub(crate) fn read_input(path: &str) -> std::io::Result<Vec<u8>> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        std::fs::read(path)
    }
}

/// Prints `error: <message>` on stderr and returns exit status 1 (invalid input).
pub(crate) fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(1)
}

/// Prints `value` as pretty JSON on stdout.
pub(crate) fn print_json(value: &impl serde::Serialize) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(s) => print_line(&s),
        Err(e) => fail(e),
    }
}

/// Prints `text` and a line end on stdout. A reader that stopped early (`| head`) is not an
/// error of ours: exit quietly then, rather than panic as `println!` would.
pub(crate) fn print_line(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    finish_output(writeln!(out, "{text}").and_then(|()| out.flush()))
}

/// The exit status for the outcome of writing to stdout.
pub(crate) fn finish_output(result: std::io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(format_args!("cannot write output: {e}")),
    }
}
