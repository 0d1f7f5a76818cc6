//! Each limit of `Limits` is enforced and reported as `LimitExceeded` naming it.

mod common;

use common::{SPEC_REQUEST, UPDATE_RESPONSE};
use fwupgrade_proto::{
    CheckRequest, CheckResponse, ErrorKind, Limit, Limits, Location, ParseError, ReadOptions,
    Report,
};

fn limits(input: usize, fields: usize, value: usize) -> ReadOptions {
    let mut l = Limits::default();
    l.max_input_bytes = input;
    l.max_fields = fields;
    l.max_value_bytes = value;
    ReadOptions::lenient().with_limits(l)
}

fn limit_hit(err: &ParseError) -> Option<(Limit, usize)> {
    match *err.kind() {
        ErrorKind::LimitExceeded { limit, max } => Some((limit, max)),
        _ => None,
    }
}

#[test]
fn defaults_accept_real_messages() {
    let l = Limits::default();
    assert_eq!(
        (
            l.max_input_bytes,
            l.max_fields,
            l.max_value_bytes,
            l.max_warnings
        ),
        (16 * 1024, 64, 4096, 64)
    );
    let opts = ReadOptions::lenient();
    CheckRequest::parse_with(SPEC_REQUEST, &opts).unwrap();
    CheckResponse::parse_with(UPDATE_RESPONSE, &opts).unwrap();
}

#[test]
fn limit_names_are_the_fields_of_limits() {
    let names = [Limit::InputBytes, Limit::Fields, Limit::ValueBytes].map(Limit::name);
    assert_eq!(names, ["max_input_bytes", "max_fields", "max_value_bytes"]);
}

#[test]
fn input_size() {
    let n = SPEC_REQUEST.len();
    CheckRequest::parse_with(SPEC_REQUEST, &limits(n, 64, 4096)).unwrap();
    let err = CheckRequest::parse_with(SPEC_REQUEST, &limits(n - 1, 64, 4096)).unwrap_err();
    assert_eq!(limit_hit(&err), Some((Limit::InputBytes, n - 1)));
    assert_eq!(err.offset(), n - 1);
    assert_eq!(*err.location(), Location::Form);
    assert_eq!(
        err.to_string(),
        format!(
            "limit exceeded: max_input_bytes is {} at byte {} (form)",
            n - 1,
            n - 1
        )
    );
    let big = format!("{SPEC_REQUEST}&x={}", "a".repeat(20_000));
    let err = CheckRequest::parse(&big).unwrap_err();
    assert_eq!(limit_hit(&err), Some((Limit::InputBytes, 16 * 1024)));
}

#[test]
fn field_count() {
    CheckRequest::parse_with(SPEC_REQUEST, &limits(4096, 8, 4096)).unwrap();
    let err = CheckRequest::parse_with(SPEC_REQUEST, &limits(4096, 7, 4096)).unwrap_err();
    assert_eq!(limit_hit(&err), Some((Limit::Fields, 7)), "{err:?}");
    assert!(err.to_string().contains("max_fields"));
    let many = format!("retCode=201{}", "&x=1".repeat(64));
    let err = CheckResponse::parse(&many).unwrap_err();
    assert_eq!(limit_hit(&err), Some((Limit::Fields, 64)));
    // Empty pairs do not count.
    let sparse = format!("retCode=201{}", "&".repeat(1000));
    CheckResponse::parse(&sparse).unwrap();
}

#[test]
fn value_length_names_the_field() {
    let body = format!("retCode=201&retMessage={}", "m".repeat(100));
    CheckResponse::parse_with(&body, &limits(4096, 64, 100)).unwrap();
    let err = CheckResponse::parse_with(&body, &limits(4096, 64, 99)).unwrap_err();
    assert_eq!(*err.location(), Location::Field("retMessage"));
    assert_eq!(limit_hit(&err), Some((Limit::ValueBytes, 99)));
    assert_eq!(err.offset(), 23);
    assert_eq!(
        err.to_string(),
        "limit exceeded: max_value_bytes is 99 at byte 23 (retMessage)"
    );
    // Names are bounded too.
    let long_name = format!("retCode=201&{}=1", "n".repeat(200));
    let err = CheckResponse::parse_with(&long_name, &limits(4096, 64, 100)).unwrap_err();
    assert_eq!(limit_hit(&err), Some((Limit::ValueBytes, 100)), "{err:?}");
    assert_eq!(err.offset(), 12);
    let report_body = common::REPORT.replace("checksumError", &"e".repeat(5000));
    assert_eq!(
        Report::parse(&report_body).unwrap_err().location().field(),
        Some("errMessage")
    );
}

#[test]
fn unlimited() {
    let many = format!("retCode=201{}", "&x=1".repeat(100));
    CheckResponse::parse_with(
        &many,
        &ReadOptions::lenient().with_limits(Limits::UNLIMITED),
    )
    .unwrap();
}

#[test]
fn warnings_past_the_cap_are_counted() {
    let body = format!("retCode=201{}", "&".repeat(10));
    let mut l = Limits::default();
    l.max_warnings = 3;
    let parsed = CheckResponse::parse_with(&body, &ReadOptions::lenient().with_limits(l)).unwrap();
    assert_eq!(parsed.warnings.len(), 3);
    assert_eq!(parsed.dropped_warnings, 7);
    l.max_warnings = 0;
    let parsed = CheckResponse::parse_with(&body, &ReadOptions::lenient().with_limits(l)).unwrap();
    assert!(parsed.warnings.is_empty());
    assert_eq!(parsed.dropped_warnings, 10);
}
