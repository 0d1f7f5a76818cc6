//! `tta-tool fw`: the firmware/software upgrade form messages.

use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use fwupgrade_proto::{CheckRequest, CheckResponse, ParseError, Parsed, ReadOptions, Report};

use crate::io::{fail, print_json, read_input, warn};

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Parse an upgrade form body and print it as JSON (credentials and unknown values
    /// redacted).
    ///
    /// Credentials and values whose meaning the standard does not give are never printed:
    /// `dlSvrPwd` and the value of every field the standard does not define show as
    /// `<redacted>`; the field names are shown. Quirks the reader tolerated (a name in
    /// another case, empty pairs, a field without `=`) are printed on stderr as warnings.
    Parse {
        /// Which message the body holds.
        #[arg(value_enum)]
        kind: Kind,
        /// The file holding the form body, or `-` for standard input.
        file: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Kind {
    /// Upgrade check request (STB -> server).
    Request,
    /// Upgrade check response (server -> STB).
    Response,
    /// Result report (STB -> server).
    Report,
}

/// Prints the warnings on stderr and the message as JSON, or the error.
fn show<T: serde::Serialize>(
    parsed: Result<Parsed<T>, ParseError>,
    opts: &ReadOptions,
) -> ExitCode {
    match parsed {
        Ok(parsed) => {
            for w in &parsed.warnings {
                warn(w);
            }
            if parsed.dropped_warnings > 0 {
                warn(format_args!(
                    "{} more warnings not recorded (max_warnings is {})",
                    parsed.dropped_warnings, opts.limits.max_warnings
                ));
            }
            print_json(&parsed.value)
        }
        Err(e) => fail(e),
    }
}

pub(crate) fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Parse { kind, file } => {
            // Two bytes more than the form limit: the line end stripped below does not count.
            // Had the input been cut, the body is still over the limit after stripping, so the
            // parser refuses it rather than read a cut form.
            let opts = ReadOptions::lenient();
            let limit = opts.limits.max_input_bytes.saturating_add(2);
            let input = match read_input(&file, limit) {
                Ok(input) => input,
                Err(e) => return fail(format_args!("cannot read {file}: {e}")),
            };
            // A trailing newline from a file or a shell pipe is not part of the form.
            let body = input.strip_suffix(b"\n").unwrap_or(&input);
            let body = body.strip_suffix(b"\r").unwrap_or(body);
            match kind {
                Kind::Request => show(CheckRequest::parse_with(body, &opts), &opts),
                Kind::Response => show(CheckResponse::parse_with(body, &opts), &opts),
                Kind::Report => show(Report::parse_with(body, &opts), &opts),
            }
        }
    }
}
