//! Malformed forms: every error names its field; no input panics.

mod common;

use common::{Kind, REPORT, SPEC_REQUEST, UPDATE_RESPONSE};
use fwupgrade_proto::{
    CheckRequest, CheckResponse, ErrorKind, Limits, Location, ParseError, ReadOptions, Report,
    WarningKind,
};

fn parse(kind: Kind, input: &[u8]) -> Result<(), ParseError> {
    common::parse_write(kind, input).map(drop)
}

/// Replaces the value of `field` in `base` (the name as spelled in `base`).
fn with_value(base: &str, field: &str, value: &str) -> String {
    base.split('&')
        .map(|p| match p.split_once('=') {
            Some((n, _)) if n == field => format!("{n}={value}"),
            _ => p.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn without(base: &str, field: &str) -> String {
    base.split('&')
        .filter(|p| p.split_once('=').is_none_or(|(n, _)| n != field))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn malformed_cases_name_their_field() {
    use Kind::{Report as Rep, Request as Req, Response as Resp};
    let cases: Vec<(Kind, String, &str, &str)> = vec![
        (
            Req,
            with_value(SPEC_REQUEST, "devId", "00:ff:ff:ff:ff:ff"),
            "devId",
            "MAC address",
        ),
        (
            Req,
            with_value(SPEC_REQUEST, "devId", "00FFFFFFFFFF"),
            "devId",
            "MAC address",
        ),
        (
            Req,
            with_value(SPEC_REQUEST, "devId", "00:FF:FF:FF:FF:FF+"),
            "devId",
            "MAC",
        ),
        (
            Req,
            with_value(SPEC_REQUEST, "reqType", "one"),
            "reqType",
            "decimal integer",
        ),
        (
            Req,
            with_value(SPEC_REQUEST, "reqType", ""),
            "reqType",
            "decimal integer",
        ),
        (
            Req,
            with_value(SPEC_REQUEST, "reqType", "99999999999"),
            "reqType",
            "decimal integer",
        ),
        (
            Req,
            with_value(SPEC_REQUEST, "devModel", "a%zzb"),
            "devModel",
            "bad percent escape",
        ),
        (
            Req,
            with_value(SPEC_REQUEST, "devModel", "ab%"),
            "devModel",
            "bad percent escape",
        ),
        (
            Req,
            with_value(SPEC_REQUEST, "devModel", "%C3%28"),
            "devModel",
            "invalid utf-8",
        ),
        (Req, format!("{SPEC_REQUEST}&saID=1"), "saID", "duplicate"),
        (Req, format!("{SPEC_REQUEST}&SAID=1"), "saID", "duplicate"),
        (
            Req,
            format!("{SPEC_REQUEST}&x%zz=1"),
            "x%zz",
            "bad percent escape",
        ),
        (
            Req,
            format!("{SPEC_REQUEST}&X_Vendor=%4"),
            "X_Vendor",
            "bad percent escape",
        ),
        (
            Resp,
            with_value(UPDATE_RESPONSE, "retCode", "2OO"),
            "retCode",
            "decimal integer",
        ),
        (
            Resp,
            with_value(UPDATE_RESPONSE, "upgradeMode", "forced"),
            "upgradeMode",
            "decimal",
        ),
        (
            Resp,
            with_value(UPDATE_RESPONSE, "pkgFileSize", "1e6"),
            "pkgFileSize",
            "decimal",
        ),
        (
            Resp,
            with_value(UPDATE_RESPONSE, "normalPeriod", "-5"),
            "normalPeriod",
            "decimal",
        ),
        (
            Resp,
            with_value(UPDATE_RESPONSE, "errorPeriod", "4294967296"),
            "errorPeriod",
            "decimal",
        ),
        (
            Resp,
            with_value(UPDATE_RESPONSE, "dlSvrPwd", "%"),
            "dlSvrPwd",
            "bad percent escape",
        ),
        (
            Resp,
            format!("{UPDATE_RESPONSE}&DLSVRURL=x"),
            "dlSvrUrl",
            "duplicate",
        ),
        (
            Rep,
            with_value(REPORT, "resultCode", "4O"),
            "resultCode",
            "decimal integer",
        ),
        (
            Rep,
            with_value(REPORT, "devId", "00:FF:FF:FF:FF:FF:00"),
            "devId",
            "MAC address",
        ),
        (
            Rep,
            with_value(REPORT, "errMessage", "%FF"),
            "errMessage",
            "invalid utf-8",
        ),
        (
            Rep,
            format!("{REPORT}&pkgVersion=2"),
            "pkgVersion",
            "duplicate",
        ),
    ];
    for (kind, input, field, words) in cases {
        let err = parse(kind, input.as_bytes()).expect_err(&input);
        assert_eq!(err.location().field(), Some(field), "{input}: {err}");
        let msg = err.to_string();
        assert!(err.offset() <= input.len(), "{input}: {err:?}");
        assert!(
            msg.ends_with(&format!(" at byte {} ({field})", err.offset())),
            "{msg}"
        );
        let message = err.kind().to_string();
        assert!(msg.starts_with(&message), "{msg}");
        assert!(message.contains(words), "{msg}");
        assert!(
            !msg.ends_with('.') && msg.chars().next().is_some_and(|c| !c.is_uppercase()),
            "{msg}"
        );
    }
}

fn assert_missing(err: &ParseError, field: &'static str, offset: usize) {
    assert_eq!(*err.kind(), ErrorKind::MissingField, "{err}");
    assert_eq!(err.offset(), offset, "{err}");
    assert_eq!(*err.location(), Location::Field(field), "{err}");
}

#[test]
fn every_mandatory_field_missing_is_named() {
    let requests = [
        "devManuFact",
        "devModel",
        "devIpAddr",
        "devId",
        "devFWver",
        "pkgId",
        "saID",
        "reqType",
    ];
    for field in requests {
        let err = CheckRequest::parse(&without(SPEC_REQUEST, field)).unwrap_err();
        let canonical = if field == "devFWver" {
            "devFwVer"
        } else {
            field
        };
        let input = without(SPEC_REQUEST, field);
        assert_eq!(
            (err.kind(), err.offset(), err.location()),
            (
                &ErrorKind::MissingField,
                input.len(),
                &Location::Field(canonical)
            )
        );
        assert_eq!(
            err.to_string(),
            format!(
                "missing mandatory field at byte {} ({canonical})",
                input.len()
            )
        );
    }
    for field in ["retCode", "dlSvrUrl", "upgradeMode", "pkgFileVersion"] {
        let input = without(UPDATE_RESPONSE, field);
        let err = CheckResponse::parse(&input).unwrap_err();
        let offset = input.len();
        assert_missing(&err, field, offset);
    }
    let reports = [
        "devManuFact",
        "devModel",
        "devIpAddr",
        "devId",
        "devFwVer",
        "pkgId",
        "pkgVersion",
        "saID",
        "resultCode",
    ];
    for field in reports {
        let input = without(REPORT, field);
        let err = Report::parse(&input).unwrap_err();
        let offset = input.len();
        assert_missing(&err, field, offset);
    }
    // Optional fields may go.
    for field in [
        "retMessage",
        "mcastSvrAddr",
        "dlSvrPwd",
        "pkgFileSize",
        "normalPeriod",
    ] {
        CheckResponse::parse(&without(UPDATE_RESPONSE, field)).unwrap();
    }
    Report::parse(&without(REPORT, "errMessage")).unwrap();
}

#[test]
fn optional_response_fields_only_matter_with_200() {
    for code in ["201", "202", "203", "204", "0", "299", "4294967295"] {
        let body = format!("retCode={code}");
        let r = CheckResponse::parse(&body).unwrap();
        assert_eq!(r.ret_code().code().to_string(), code);
        assert!(r.offer().is_none());
    }
    // Not even their types are checked without 200: they are kept as sent.
    let r = CheckResponse::parse("retCode=201&upgradeMode=x&pkgFileSize=big").unwrap();
    assert_eq!(r.extra.len(), 2);
}

#[test]
fn cutting_any_input_at_every_byte_never_panics() {
    let inputs = [
        SPEC_REQUEST,
        UPDATE_RESPONSE,
        REPORT,
        "a=%E2%82%AC&b=%&%%=&&==&+=+",
    ];
    for input in inputs {
        let bytes = input.as_bytes();
        for end in 0..=bytes.len() {
            for start in [0, end / 2, end] {
                let cut = &bytes[start..end];
                for kind in Kind::ALL {
                    if let Ok(w) = common::parse_write(kind, cut) {
                        assert_eq!(
                            common::parse_write(kind, w.as_bytes()).as_deref(),
                            Ok(w.as_str())
                        );
                    }
                }
                let _ = fwupgrade_proto::Incoming::parse(cut);
            }
        }
    }
}

#[test]
fn every_single_byte_value_never_panics() {
    for kind in Kind::ALL {
        for b in 0..=255u8 {
            let mut input = UPDATE_RESPONSE.as_bytes().to_vec();
            for at in [0, 7, 11, 40, input.len() - 1] {
                let saved = input[at];
                input[at] = b;
                let _ = parse(kind, &input);
                input[at] = saved;
            }
        }
    }
}

#[test]
fn empty_and_degenerate_forms() {
    for input in ["", "&", "&&&", "=", "==&=", "retCode"] {
        assert!(CheckResponse::parse(input).is_err(), "{input}");
    }
    // Empty pairs are skipped, a pair without `=` is a field with an empty value.
    let r = CheckResponse::parse("&&retCode=201&&flag&").unwrap();
    assert_eq!(r.extra, vec![fwupgrade_proto::Field::new("flag", "")]);
    assert_eq!(r.to_string(), "retCode=201&flag=");
}

/// Characters a message must never carry raw: they would end the line, drive the terminal or
/// reorder what it shows.
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

#[test]
fn hostile_field_names_are_escaped_in_messages() {
    let name = "x\nerror: forged\u{1b}[31m\u{202e}";
    let cases = [
        // The name as sent, raw, and an unknown field's value that does not decode.
        (format!("{SPEC_REQUEST}&{name}=%zz"), name.to_owned()),
        // The same name percent-encoded: decoded before it is quoted.
        (
            format!("{SPEC_REQUEST}&x%0Aerror%3A+forged%1B[31m%E2%80%AE=%zz"),
            name.to_owned(),
        ),
        // A bad escape in the name itself: the raw name is quoted.
        (
            format!("{SPEC_REQUEST}&x\r\nerror: forged\u{1b}%zz=1"),
            "x\r\nerror: forged\u{1b}%zz".to_owned(),
        ),
        // A name that is not UTF-8: its readable start is quoted.
        (
            format!("{SPEC_REQUEST}&x\nerror: forged%FF=1"),
            "x\nerror: forged%FF".to_owned(),
        ),
    ];
    for (input, field) in cases {
        let err = CheckRequest::parse(&input).unwrap_err();
        assert_eq!(err.location().field(), Some(field.as_str()), "{input:?}");
        let msg = err.to_string();
        assert!(!msg.chars().any(is_dangerous), "{msg:?}");
        assert!(
            msg.ends_with(&format!("({})", field.escape_debug())),
            "{msg:?}"
        );
    }
    let err = CheckRequest::parse(&format!("{SPEC_REQUEST}&{name}=%zz")).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            r"bad percent escape at byte {} (x\nerror: forged\u{{1b}}[31m\u{{202e}})",
            SPEC_REQUEST.len() + 1 + name.len() + 1
        )
    );
}

#[test]
fn a_huge_field_name_gives_a_short_message() {
    let huge = "n".repeat(10 << 20);
    let kept = format!("{}…", "n".repeat(64));
    let mut unlimited_input = Limits::UNLIMITED;
    unlimited_input.max_value_bytes = Limits::DEFAULT.max_value_bytes;
    let cases = [
        // Too long a name.
        (format!("{SPEC_REQUEST}&{huge}=1"), unlimited_input),
        // An unknown field's value that does not decode.
        (format!("{SPEC_REQUEST}&{huge}=%zz"), Limits::UNLIMITED),
        // A name that does not decode.
        (format!("{SPEC_REQUEST}&{huge}%zz=1"), Limits::UNLIMITED),
        (format!("{SPEC_REQUEST}&{huge}%FF=1"), Limits::UNLIMITED),
    ];
    for (input, limits) in cases {
        let opts = ReadOptions::lenient().with_limits(limits);
        let err = CheckRequest::parse_with(&input, &opts).unwrap_err();
        assert_eq!(err.location().field(), Some(kept.as_str()), "{err:.200}");
        let msg = err.to_string();
        assert!(msg.len() < 200, "{} bytes: {msg:.300}", msg.len());
        assert!(msg.contains(&format!("({kept})")), "{msg}");
    }
    // With the default limits the size is refused first, and nothing is quoted.
    let err = CheckRequest::parse(&format!("{SPEC_REQUEST}&{huge}=1")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "limit exceeded: max_input_bytes is 16384 at byte 16384 (form)"
    );
}

#[test]
fn quirks_are_recorded_leniently_and_refused_strictly() {
    /// A warning as (kind, offset, location).
    type Expected = (WarningKind, usize, &'static str);
    let cases: &[(&str, &[Expected])] = &[
        ("retCode=201", &[]),
        ("&retCode=201", &[(WarningKind::EmptyPair, 0, "form")]),
        ("retCode=201&", &[(WarningKind::EmptyPair, 12, "form")]),
        (
            "retCode=201&&flag",
            &[
                (WarningKind::EmptyPair, 12, "form"),
                (WarningKind::NoEquals, 17, "flag"),
            ],
        ),
        ("RETCODE=201", &[(WarningKind::NameCase, 0, "retCode")]),
    ];
    for (body, want) in cases {
        let parsed = CheckResponse::parse_with(*body, &ReadOptions::lenient()).unwrap();
        let got: Vec<_> = parsed
            .warnings
            .iter()
            .map(|w| (w.kind, w.offset, w.location.to_string()))
            .collect();
        let want: Vec<_> = want
            .iter()
            .map(|(k, o, l)| (*k, *o, (*l).to_owned()))
            .collect();
        assert_eq!(got, want, "{body}");
        assert_eq!(parsed.dropped_warnings, 0);
        // Lenient `parse` reads the same value.
        assert_eq!(CheckResponse::parse(*body).unwrap(), parsed.value);
        let strict = CheckResponse::parse_with(*body, &ReadOptions::strict());
        match want.first() {
            None => assert!(strict.unwrap().warnings.is_empty()),
            // A name in another case is not matched: the field is then missing.
            Some((WarningKind::NameCase, ..)) => {
                let err = strict.unwrap_err();
                assert_eq!(*err.kind(), ErrorKind::MissingField, "{err}");
            }
            Some((kind, offset, _)) => {
                let err = strict.unwrap_err();
                assert_eq!(*err.kind(), ErrorKind::Strict(*kind), "{body}: {err}");
                assert_eq!(err.offset(), *offset, "{body}: {err}");
            }
        }
    }
    let w = &CheckResponse::parse_with("retCode=201&&", &ReadOptions::lenient())
        .unwrap()
        .warnings[0];
    assert_eq!(w.to_string(), "empty pair at byte 12 (form)");
    let err = CheckResponse::parse_with("retCode=201&&", &ReadOptions::strict()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "empty pair (rejected in strict mode) at byte 12 (form)"
    );
}

#[test]
fn strict_reading_accepts_every_canonical_form() {
    for kind in Kind::ALL {
        for body in [SPEC_REQUEST, UPDATE_RESPONSE, REPORT, "retCode=201&flag"] {
            let Ok(written) = common::parse_write(kind, body.as_bytes()) else {
                continue;
            };
            let strict = ReadOptions::strict();
            let ok = match kind {
                Kind::Request => CheckRequest::parse_with(&written, &strict).map(drop),
                Kind::Response => CheckResponse::parse_with(&written, &strict).map(drop),
                Kind::Report => Report::parse_with(&written, &strict).map(drop),
            };
            assert_eq!(ok, Ok(()), "{written}");
        }
    }
}
