//! Bounds on untrusted input.

/// Bounds checked while parsing a form, so a hostile peer cannot make the parser use
/// unbounded memory or time.
///
/// The total size is checked first, then each field while splitting.
///
/// | field | default | why |
/// |---|---|---|
/// | `max_input_bytes` | 16 384 bytes | The largest legitimate message, a check response with a long download URL, credentials and a file name, is well under 4 KiB; four times that leaves room for vendor fields. |
/// | `max_fields` | 64 | The response defines 13 fields, the report 10; the rest is room for vendor fields. |
/// | `max_value_bytes` | 4 096 bytes | Each raw (still percent-encoded) name or value. URLs are the longest values; common HTTP clients and servers cap URLs at 2-8 KiB. |
/// | `max_warnings` | 64 | Warnings [`parse_with`](crate::CheckRequest::parse_with) records; past it the reader keeps going and counts them ([`Parsed::dropped_warnings`](crate::Parsed::dropped_warnings)). A form has at most `max_fields` fields, and each field at most one warning but for empty pairs, so this bounds the list without losing the first quirks. |
///
/// A limit hit is [`ErrorKind::LimitExceeded`](crate::ErrorKind::LimitExceeded), naming the
/// field ([`Limit`](crate::Limit)); `max_warnings` is never an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Limits {
    /// Largest accepted input, in bytes.
    pub max_input_bytes: usize,
    /// Most fields (`name=value` pairs, empty pairs not counted).
    pub max_fields: usize,
    /// Longest raw field name or value, in bytes, before percent-decoding.
    pub max_value_bytes: usize,
    /// Most warnings recorded; the others are counted.
    pub max_warnings: usize,
}

impl Limits {
    /// The defaults of the table above.
    pub const DEFAULT: Self = Self {
        max_input_bytes: 16 * 1024,
        max_fields: 64,
        max_value_bytes: 4096,
        max_warnings: 64,
    };

    /// No limits at all: for trusted input only.
    pub const UNLIMITED: Self = Self {
        max_input_bytes: usize::MAX,
        max_fields: usize::MAX,
        max_value_bytes: usize::MAX,
        max_warnings: usize::MAX,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}
