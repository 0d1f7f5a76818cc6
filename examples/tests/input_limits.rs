//! `tta-tool` reads no more of its input than the parser will accept, plus one byte: a huge
//! standard input costs no memory beyond that, and the parser reports the overrun as its own
//! limit error.
//!
//! Each test feeds 64 MiB through a pipe from a writer thread. The tool stops reading at the
//! limit and exits, so the writer cannot finish (a pipe buffers 64 KiB by default): its
//! write fails, which shows the tool did not read the rest. Nothing depends on timing.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::stderr_lines;

const STDIN_BYTES: usize = 64 << 20;

/// Runs the tool with `args`, `STDIN_BYTES` copies of `byte` on its standard input; returns
/// its output and whether the writer could write everything.
fn run_with_huge_stdin(args: &[&str], byte: u8) -> (Output, bool) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tta-tool"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = vec![byte; 64 << 10];
        let mut left = STDIN_BYTES;
        while left > 0 {
            let n = left.min(chunk.len());
            // The tool closing its end is the expected way for this to stop.
            if stdin.write_all(&chunk[..n]).is_err() {
                return false;
            }
            left -= n;
        }
        true
    });
    let output = child.wait_with_output().unwrap();
    let wrote_all = writer.join().unwrap();
    (output, wrote_all)
}

#[test]
fn fw_stops_reading_at_the_form_limit() {
    let (output, wrote_all) = run_with_huge_stdin(&["fw", "parse", "request", "-"], b'a');
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr_lines(&output),
        ["error: limit exceeded: max_input_bytes is 16384 at byte 16384 (form)"]
    );
    assert!(!wrote_all, "the tool read all of its input");
}

#[test]
fn dhcp_message_stops_reading_at_the_message_limit() {
    let (output, wrote_all) = run_with_huge_stdin(&["dhcp", "decode", "--message", "-"], 0);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr_lines(&output),
        ["error: limit exceeded: max_input_bytes is 65535 at byte 65535 (dhcp message)"]
    );
    assert!(!wrote_all, "the tool read all of its input");
}

#[test]
fn cwmp_stops_reading_at_the_envelope_limit() {
    let (output, wrote_all) = run_with_huge_stdin(&["cwmp", "parse", "-"], b' ');
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    // The message is cwmp-codec's own limit error.
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains("max_input_bytes"),
        "{lines:?}"
    );
    assert!(!wrote_all, "the tool read all of its input");
}

#[test]
fn input_at_the_limit_is_read_whole() {
    // 16 384 bytes of form and a line end: exactly the limit once the line end is stripped.
    let mut body = String::from("retCode=201");
    for i in 0.. {
        let room = 16 * 1024 - body.len();
        if room == 0 {
            break;
        }
        let head = format!("&X_Pad{i}=");
        body.push_str(&head);
        body.push_str(&"p".repeat((room - head.len()).min(4000)));
    }
    body.push_str("\r\n");
    let output = common::run(&["fw", "parse", "response", "-"], body.as_bytes());
    assert_eq!(output.status.code(), Some(0), "{:?}", stderr_lines(&output));
    // One byte more is refused.
    let longer = body.replacen("X_Pad0=", "X_Pad0=p", 1);
    let output = common::run(&["fw", "parse", "response", "-"], longer.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_lines(&output),
        ["error: limit exceeded: max_input_bytes is 16384 at byte 16384 (form)"]
    );
}
