//! Errors about input read `error: <message> at byte <offset> (<where>)`, one line each, and
//! hostile input cannot forge a line or drive the terminal through them.

mod common;

use common::{run, stderr_lines};

/// Characters stderr must never carry raw.
fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// The one line the tool wrote on stderr for `args` and `stdin`, after exit status 1.
fn error_line(args: &[&str], stdin: &[u8]) -> String {
    let output = run(args, stdin);
    assert_eq!(output.status.code(), Some(1), "{args:?}");
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{args:?}: {lines:?}");
    assert!(!lines[0].chars().any(is_dangerous), "{lines:?}");
    lines.into_iter().next().unwrap()
}

#[test]
fn every_subcommand_writes_the_same_form() {
    let cases: &[(&[&str], &[u8], &str)] = &[
        (
            &["fw", "parse", "request", "-"],
            b"devManuFact=SEC&devModel=IPTV%2",
            "error: bad percent escape at byte 29 (devModel)",
        ),
        (
            &["fw", "parse", "request", "-"],
            b"devManuFact=SEC\n",
            "error: missing mandatory field at byte 15 (devModel)",
        ),
        (
            &["fw", "parse", "response", "-"],
            b"retCode=2OO",
            "error: expected a decimal integer at byte 8 (retCode)",
        ),
        (
            &["dhcp", "decode", "--text", "KT,http://a,n|SKB,b,n"],
            b"",
            "error: not an http:// or https:// url at byte 18 (entry 1 provisioning url)",
        ),
        (
            &["dhcp", "decode", "--hex", "01 08 68 74"],
            b"",
            "error: truncated, 9 bytes needed, 3 left at byte 0 (option 43 sub-option 1)",
        ),
        (
            &["dhcp", "decode", "--hex", "01:0g"],
            b"",
            "error: invalid hex digit 'g' at byte 4 (--hex)",
        ),
        (
            &["dhcp", "decode", "--hex", "010"],
            b"",
            "error: odd number of hex digits at byte 3 (--hex)",
        ),
        // Inside an options field, offsets count from the start of the option's value.
        (
            &[
                "dhcp",
                "decode",
                "--options-hex",
                "35 01 02 2b 05 4b 54 2c 61 62",
            ],
            b"",
            "error: expected 3 fields, found 2 at byte 0 (option 43 value: entry 0)",
        ),
        (
            &["dhcp", "decode", "--options-hex", "2b 03 01 05 61"],
            b"",
            "error: truncated, 6 bytes needed, 2 left at byte 0 (option 43 value: sub-option 1)",
        ),
        (
            &["dhcp", "decode", "--options-hex", "35 01 02 2b 09 4b 54"],
            b"",
            "error: truncated, 10 bytes needed, 3 left at byte 3 (option 43)",
        ),
        (
            &["dhcp", "decode", "--message", "-"],
            &[0; 100],
            "error: not a dhcp message: shorter than 240 bytes at byte 100 (dhcp message)",
        ),
        (
            &["dhcp", "encode", "--provider", "KT,ftp://x,n"],
            b"",
            "error: invalid provisioning url: is not an http:// or https:// url at byte 3 \
             (--provider 0 provisioning url)",
        ),
    ];
    for (args, stdin, line) in cases {
        assert_eq!(error_line(args, stdin), *line, "{args:?}");
    }
}

#[test]
fn a_forged_line_in_a_field_name_stays_on_its_line() {
    let body = "devManuFact=SEC&x\nerror: forged\u{1b}[31m\u{202e}=%zz";
    assert_eq!(
        error_line(&["fw", "parse", "request", "-"], body.as_bytes()),
        r"error: bad percent escape at byte 40 (x\nerror: forged\u{1b}[31m\u{202e})"
    );
    // Percent-encoded, the same name decodes to the same characters and is escaped the same.
    let body = "devManuFact=SEC&x%0Aerror%3A+forged%1B[31m%E2%80%AE=%zz";
    assert_eq!(
        error_line(&["fw", "parse", "request", "-"], body.as_bytes()),
        r"error: bad percent escape at byte 52 (x\nerror: forged\u{1b}[31m\u{202e})"
    );
}

#[test]
fn a_huge_field_name_gives_a_short_line() {
    let body = format!("devManuFact=SEC&{}=%zz", "n".repeat(10 << 20));
    let line = error_line(&["fw", "parse", "request", "-"], body.as_bytes());
    assert_eq!(
        line,
        "error: limit exceeded: max_input_bytes is 16384 at byte 16384 (form)"
    );
    // Under the size limit a long name is cut to an excerpt.
    let body = format!("devManuFact=SEC&{}=%zz", "n".repeat(4000));
    let line = error_line(&["fw", "parse", "request", "-"], body.as_bytes());
    assert_eq!(
        line,
        format!(
            "error: bad percent escape at byte 4017 ({}…)",
            "n".repeat(64)
        )
    );
}

#[test]
fn arguments_are_escaped_too() {
    // A file name, quoted in the error that it cannot be read.
    let line = error_line(
        &[
            "fw",
            "parse",
            "request",
            "/nonexistent\nerror: forged\u{1b}[2J",
        ],
        b"",
    );
    assert!(
        line.starts_with(r"error: cannot read /nonexistent\nerror: forged\u{1b}[2J: "),
        "{line}"
    );
    // A value clap refuses, quoted in its usage message of several lines.
    let output = run(&["fw", "parse", "bad\nerror: forged\u{1b}[2J", "-"], b"");
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(
        lines[0],
        r"error: invalid value 'bad\nerror: forged\u{1b}[2J' for '<KIND>'"
    );
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with("error: forged") && !l.chars().any(is_dangerous)),
        "{lines:?}"
    );
}

/// The cwmp finding: an end tag holding line breaks and `warning:`/`error:` lines.
#[test]
fn a_forged_end_tag_stays_on_its_line() {
    let input = concat!(
        r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">"#,
        "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0</Status\n",
        "warning: forged-by-peer at byte 0 (Envelope/Body)\nerror: also-forged>",
        "</cwmp:SetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    );
    let line = error_line(&["cwmp", "parse", "-"], input.as_bytes());
    assert!(
        line.starts_with("error: end tag </Status\\nwarning: forged"),
        "{line}"
    );
}

/// Warnings past the cap are not recorded, and the tool says how many.
#[test]
fn warnings_past_the_cap_are_counted() {
    let comments = "<!---->".repeat(1100);
    let input = format!(
        r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0"><SOAP-ENV:Body><cwmp:GetRPCMethods>{comments}</cwmp:GetRPCMethods></SOAP-ENV:Body></SOAP-ENV:Envelope>"#
    );
    let output = run(&["cwmp", "parse", "-"], input.as_bytes());
    assert_eq!(output.status.code(), Some(0));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1025, "{:?}", lines.last());
    assert_eq!(
        lines.last().unwrap(),
        "warning: 76 more warnings not recorded (max_warnings is 1024)"
    );
}
