//! Input and output helpers shared by the subcommands.
//!
//! Everything the tool writes on stderr goes through [`stderr_line`]: whatever a library or an
//! argument puts in a message, it is one line, with no character that could end the line,
//! drive the terminal or reorder what it shows.

use std::fmt::{Display, Write as _};
use std::io::{Read, Write};
use std::process::ExitCode;

/// Reads `path`, or standard input when `path` is `-`, but at most `limit + 1` bytes: `limit`
/// is the largest input the parser that will read it accepts, so one byte more is enough for
/// the parser to refuse the input with its own limit error, and no input, however large,
/// costs more memory than that.
pub(crate) fn read_input(path: &str, limit: usize) -> std::io::Result<Vec<u8>> {
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    let mut buf = Vec::new();
    if path == "-" {
        std::io::stdin().lock().take(cap).read_to_end(&mut buf)?;
    } else {
        std::fs::File::open(path)?.take(cap).read_to_end(&mut buf)?;
    }
    Ok(buf)
}

/// Whether `c` must not reach stderr as it is: control characters (line ends, ESC), and the
/// characters Rust's `char::escape_debug` escapes for being invisible or reordering text
/// (format characters such as U+202E RIGHT-TO-LEFT OVERRIDE, line and paragraph separators).
/// Backslashes and quotes pass: the libraries already escape the input they quote, and
/// escaping their escapes again would only garble them.
fn must_escape(c: char) -> bool {
    c.is_control() || (!matches!(c, '\\' | '"' | '\'') && c.escape_debug().next() == Some('\\'))
}

/// `text` with every character [`must_escape`] names written as Rust writes it in a string
/// (`\n`, `\u{1b}`).
pub(crate) fn one_line(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(must_escape) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if must_escape(c) {
            // Writing into a String cannot fail.
            let _ = write!(out, "{}", c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Writes `text` as one line on stderr, escaped as [`one_line`] says. A failed write to stderr
/// has nowhere to be reported, so it is ignored rather than a panic as with `eprintln!`.
pub(crate) fn stderr_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{}", one_line(text));
}

/// Prints `error: <message>` on stderr and returns exit status 1 (invalid input).
pub(crate) fn fail(message: impl Display) -> ExitCode {
    stderr_line(&format!("error: {message}"));
    ExitCode::from(1)
}

/// Prints `warning: <message>` on stderr.
pub(crate) fn warn(message: impl Display) {
    stderr_line(&format!("warning: {message}"));
}

/// Reports a command line clap refused (exit status 2); help and version go to stdout as clap
/// prints them.
///
/// clap quotes the arguments it refuses in a message of several lines, so a line end inside an
/// argument cannot be told from clap's own. `reparse` parses the arguments again with each one
/// escaped ([`one_line`]): when that fails the same way, its message, which quotes only escaped
/// arguments, is written line by line; otherwise the original message is written as one
/// escaped line.
pub(crate) fn usage(
    error: &clap::Error,
    reparse: impl FnOnce(Vec<std::ffi::OsString>) -> Option<clap::Error>,
) -> ExitCode {
    if !error.use_stderr() {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let escaped = std::env::args_os()
        .map(|arg| one_line(&arg.to_string_lossy()).into_owned().into())
        .collect();
    match reparse(escaped) {
        Some(safe) if safe.kind() == error.kind() => {
            for line in safe.render().to_string().lines() {
                stderr_line(line);
            }
        }
        _ => stderr_line(error.render().to_string().trim_end()),
    }
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escapes_what_could_forge_or_drive() {
        let cases = [
            ("plain text", "plain text"),
            ("a\nerror: forged", "a\\nerror: forged"),
            (
                "\r\u{1b}[2J\u{7}\u{7f}\u{85}",
                "\\r\\u{1b}[2J\\u{7}\\u{7f}\\u{85}",
            ),
            (
                "\u{202e}gpj.exe\u{2066}\u{2028}",
                "\\u{202e}gpj.exe\\u{2066}\\u{2028}",
            ),
            ("tab\there", "tab\\there"),
            // Already escaped by a library: left as it is.
            (r#"(x\nerror \"q\" \u{1b})"#, r#"(x\nerror \"q\" \u{1b})"#),
            ("한국 `devModel` ✓", "한국 `devModel` ✓"),
        ];
        for (text, shown) in cases {
            assert_eq!(one_line(text), shown, "{text:?}");
        }
    }
}
