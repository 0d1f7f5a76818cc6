//! Errors of parsing a form and of building values.

use alloc::borrow::Cow;

/// Why a form message could not be parsed.
///
/// Every variant that concerns one form field names it: the canonical name for fields the
/// message defines (`devFwVer` even when the input spelled it `devFWver`), the name as sent
/// for others. Byte offsets count from the start of the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    /// The input is larger than [`Limits::max_input_len`](crate::Limits::max_input_len).
    #[error("input of {size} bytes exceeds the limit of {limit} bytes (max_input_len)")]
    InputTooLarge {
        /// Size of the input in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The input has more fields than [`Limits::max_fields`](crate::Limits::max_fields).
    #[error("more than {limit} fields (max_fields), at byte {offset}")]
    TooManyFields {
        /// The limit.
        limit: usize,
        /// Offset of the first field over the limit.
        offset: usize,
    },
    /// A field name or value is longer than
    /// [`Limits::max_value_len`](crate::Limits::max_value_len).
    #[error(
        "field `{field}` at byte {offset}: {len} bytes exceed the limit of {limit} (max_value_len)"
    )]
    ValueTooLong {
        /// The field (its first bytes when the name itself is too long).
        field: Cow<'static, str>,
        /// Offset of the name or value that is too long.
        offset: usize,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// A `%` is not followed by two hex digits.
    #[error("field `{field}`: bad percent escape at byte {offset}")]
    BadEscape {
        /// The field (as far as it could be decoded when the bad escape is in its name).
        field: Cow<'static, str>,
        /// Offset of the `%`.
        offset: usize,
    },
    /// A name or value does not decode to UTF-8.
    #[error("field `{field}`: invalid utf-8 at byte {offset}")]
    InvalidUtf8 {
        /// The field (as far as it could be decoded when the name itself is not UTF-8).
        field: Cow<'static, str>,
        /// Offset of the name or value.
        offset: usize,
    },
    /// A mandatory field is absent.
    #[error("missing mandatory field `{field}`")]
    MissingField {
        /// The canonical field name.
        field: &'static str,
    },
    /// A field the message defines appears twice.
    #[error("duplicate field `{field}` at byte {offset}")]
    DuplicateField {
        /// The canonical field name.
        field: &'static str,
        /// Offset of the second occurrence.
        offset: usize,
    },
    /// An `int` field is not a decimal number that fits its type.
    #[error("field `{field}` at byte {offset}: expected a decimal integer")]
    InvalidInt {
        /// The canonical field name.
        field: &'static str,
        /// Offset of the value.
        offset: usize,
    },
    /// `devId` is not a MAC address written as 17 upper-case characters, `12:34:56:78:9A:BC`.
    #[error(
        "field `{field}` at byte {offset}: expected a MAC address as 17 upper-case characters like `12:34:56:78:9A:BC`"
    )]
    InvalidDevId {
        /// The canonical field name (`devId`).
        field: &'static str,
        /// Offset of the value.
        offset: usize,
    },
}

impl ParseError {
    /// The field the error is about, if it concerns one field.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InputTooLarge { .. } | Self::TooManyFields { .. } => None,
            Self::ValueTooLong { field, .. }
            | Self::BadEscape { field, .. }
            | Self::InvalidUtf8 { field, .. } => Some(field),
            Self::MissingField { field }
            | Self::DuplicateField { field, .. }
            | Self::InvalidInt { field, .. }
            | Self::InvalidDevId { field, .. } => Some(field),
        }
    }

    /// The byte offset in the input the error points at, if any.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Self::InputTooLarge { .. } | Self::MissingField { .. } => None,
            Self::TooManyFields { offset, .. }
            | Self::ValueTooLong { offset, .. }
            | Self::BadEscape { offset, .. }
            | Self::InvalidUtf8 { offset, .. }
            | Self::DuplicateField { offset, .. }
            | Self::InvalidInt { offset, .. }
            | Self::InvalidDevId { offset, .. } => Some(*offset),
        }
    }

    /// Whether a limit of [`Limits`](crate::Limits) was hit.
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            Self::InputTooLarge { .. } | Self::TooManyFields { .. } | Self::ValueTooLong { .. }
        )
    }
}

/// A value given to a constructor is not valid for its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidValue {
    /// Not a MAC address in any spelling [`DevId::normalize`](crate::DevId::normalize) knows.
    #[error("`devId`: not a MAC address (12 hex digits, optionally separated by `:`, `-` or `.`)")]
    DevId,
    /// A response failure code must not be 200 (update available) or 201 (no update).
    #[error("`retCode`: {code} is not a failure code")]
    NotAFailure {
        /// The code given.
        code: u32,
    },
}

/// An event reached the upgrade machine in a state where it does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{event} is not expected while the machine is {state}")]
pub struct UnexpectedEvent {
    /// The event, for example `download result`.
    pub event: &'static str,
    /// The state the machine is in, for example `waiting for the check response`.
    pub state: &'static str,
}
