//! Each limit of `Limits` is enforced and reported as its own error.

mod common;

use common::{SPEC_REQUEST, UPDATE_RESPONSE};
use fwupgrade_proto::{CheckRequest, CheckResponse, Limits, ParseError, Report};

fn limits(input: usize, fields: usize, value: usize) -> Limits {
    let mut l = Limits::default();
    l.max_input_len = input;
    l.max_fields = fields;
    l.max_value_len = value;
    l
}

#[test]
fn defaults_accept_real_messages() {
    let l = Limits::default();
    assert_eq!(
        (l.max_input_len, l.max_fields, l.max_value_len),
        (16 * 1024, 64, 4096)
    );
    CheckRequest::parse_with(SPEC_REQUEST, &l).unwrap();
    CheckResponse::parse_with(UPDATE_RESPONSE, &l).unwrap();
}

#[test]
fn input_size() {
    let n = SPEC_REQUEST.len();
    CheckRequest::parse_with(SPEC_REQUEST, &limits(n, 64, 4096)).unwrap();
    let err = CheckRequest::parse_with(SPEC_REQUEST, &limits(n - 1, 64, 4096)).unwrap_err();
    assert_eq!(
        err,
        ParseError::InputTooLarge {
            size: n,
            limit: n - 1
        }
    );
    assert!(err.is_limit());
    assert!(err.to_string().contains("max_input_len"));
    let big = format!("{SPEC_REQUEST}&x={}", "a".repeat(20_000));
    assert!(matches!(
        CheckRequest::parse(&big),
        Err(ParseError::InputTooLarge { .. })
    ));
}

#[test]
fn field_count() {
    CheckRequest::parse_with(SPEC_REQUEST, &limits(4096, 8, 4096)).unwrap();
    let err = CheckRequest::parse_with(SPEC_REQUEST, &limits(4096, 7, 4096)).unwrap_err();
    assert!(
        matches!(err, ParseError::TooManyFields { limit: 7, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("max_fields"));
    let many = format!("retCode=201{}", "&x=1".repeat(64));
    assert!(matches!(
        CheckResponse::parse(&many),
        Err(ParseError::TooManyFields { limit: 64, .. })
    ));
    // Empty pairs do not count.
    let sparse = format!("retCode=201{}", "&".repeat(1000));
    CheckResponse::parse(&sparse).unwrap();
}

#[test]
fn value_length_names_the_field() {
    let body = format!("retCode=201&retMessage={}", "m".repeat(100));
    CheckResponse::parse_with(&body, &limits(4096, 64, 100)).unwrap();
    let err = CheckResponse::parse_with(&body, &limits(4096, 64, 99)).unwrap_err();
    assert_eq!(err.field(), Some("retMessage"));
    assert!(
        matches!(
            err,
            ParseError::ValueTooLong {
                len: 100,
                limit: 99,
                offset: 23,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("max_value_len"));
    // Names are bounded too.
    let long_name = format!("retCode=201&{}=1", "n".repeat(200));
    let err = CheckResponse::parse_with(&long_name, &limits(4096, 64, 100)).unwrap_err();
    assert!(
        matches!(err, ParseError::ValueTooLong { len: 200, .. }),
        "{err:?}"
    );
    let report_body = common::REPORT.replace("checksumError", &"e".repeat(5000));
    assert_eq!(
        Report::parse(&report_body).unwrap_err().field(),
        Some("errMessage")
    );
}

#[test]
fn unlimited() {
    let many = format!("retCode=201{}", "&x=1".repeat(100));
    CheckResponse::parse_with(&many, &Limits::UNLIMITED).unwrap();
}
