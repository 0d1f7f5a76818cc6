//! `tta-tool cwmp`: inspect and canonicalise CWMP SOAP envelopes.

use std::io::Write;
use std::process::ExitCode;

use clap::Subcommand;
use cwmp_codec::{Message, ReadOptions};

use crate::io::{fail, finish_output, print_json, read_input, warn};

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the envelopes of an HTTP body as a JSON array (`[]` for the empty message);
    /// warnings go to stderr.
    Parse {
        /// Reject every quirk the lenient reader would accept.
        #[arg(long)]
        strict: bool,
        /// The file to read, or `-` for standard input.
        file: String,
    },
    /// Print the canonical XML of each envelope of an HTTP body.
    Emit {
        /// Reject every quirk the lenient reader would accept.
        #[arg(long)]
        strict: bool,
        /// The file to read, or `-` for standard input.
        file: String,
    },
}

pub(crate) fn run(cmd: Command) -> ExitCode {
    let (strict, file, emit) = match cmd {
        Command::Parse { strict, file } => (strict, file, false),
        Command::Emit { strict, file } => (strict, file, true),
    };
    let opts = if strict {
        ReadOptions::strict()
    } else {
        ReadOptions::lenient()
    };
    let input = match read_input(&file, opts.limits.max_input_bytes) {
        Ok(bytes) => bytes,
        Err(e) => return fail(format_args!("cannot read {file}: {e}")),
    };
    let parsed = match Message::parse_with(&input, &opts) {
        Ok(parsed) => parsed,
        Err(e) => return fail(e),
    };
    for w in &parsed.warnings {
        warn(w);
    }
    if parsed.dropped_warnings > 0 {
        warn(format_args!(
            "{} more warnings not recorded (max_warnings is {})",
            parsed.dropped_warnings, opts.limits.max_warnings
        ));
    }
    if emit {
        let mut out = std::io::stdout().lock();
        let written = parsed
            .value
            .envelopes
            .iter()
            .try_for_each(|env| env.write_to(&mut out).and_then(|()| writeln!(out)))
            .and_then(|()| out.flush());
        finish_output(written)
    } else {
        print_json(&parsed.value)
    }
}
