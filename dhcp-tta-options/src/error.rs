//! Errors: [`ParseError`] for bytes received, [`InvalidValue`] for values built by the caller.

use core::fmt;

/// A field of an option-43 provider entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Field {
    /// `ServiceProviderID`, the first field.
    ProviderId,
    /// `ProvisioningServerURL`, the second field.
    ProvisioningUrl,
    /// `NTPServerURL`, the third field.
    NtpServer,
}

impl Field {
    /// The three fields in wire order.
    pub const ALL: [Field; 3] = [Field::ProviderId, Field::ProvisioningUrl, Field::NtpServer];

    /// The field's name as errors and JSON show it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Field::ProviderId => "provider id",
            Field::ProvisioningUrl => "provisioning url",
            Field::NtpServer => "ntp server",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which [`Limits`](crate::Limits) field an input hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::max_input_len`](crate::Limits::max_input_len).
    InputLength,
    /// [`Limits::max_providers`](crate::Limits::max_providers).
    Providers,
    /// [`Limits::max_field_len`](crate::Limits::max_field_len).
    FieldLength,
    /// [`Limits::max_option_instances`](crate::Limits::max_option_instances).
    OptionInstances,
    /// [`Limits::max_suboptions`](crate::Limits::max_suboptions).
    SubOptions,
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Limit::InputLength => "max_input_len",
            Limit::Providers => "max_providers",
            Limit::FieldLength => "max_field_len",
            Limit::OptionInstances => "max_option_instances",
            Limit::SubOptions => "max_suboptions",
        })
    }
}

/// Input that could not be parsed, with the byte offset where the problem starts.
///
/// The offset counts from the start of the input handed to the parser (for
/// [`OptionsField::parse_message`](crate::OptionsField::parse_message), from the start of the
/// DHCP message). The kind names the option code, the option-43 entry index (from 0) and field,
/// or the sub-option.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (byte {offset})")]
pub struct ParseError {
    offset: usize,
    kind: ParseErrorKind,
}

impl ParseError {
    pub(crate) const fn new(offset: usize, kind: ParseErrorKind) -> Self {
        ParseError { offset, kind }
    }

    /// Byte offset of the problem in the input.
    #[must_use]
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// What is wrong.
    #[must_use]
    pub const fn kind(&self) -> &ParseErrorKind {
        &self.kind
    }
}

/// What is wrong with the input; see [`ParseError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A configured limit was exceeded.
    #[error("limit {limit} exceeded (at most {max})")]
    LimitExceeded {
        /// The limit hit.
        limit: Limit,
        /// Its configured value.
        max: usize,
    },
    /// The option-43 text holds no provider entry at all.
    #[error("no provider entry")]
    NoEntries,
    /// An option-43 entry is empty (two `|` in a row, or a trailing `|` in strict mode).
    #[error("entry {entry}: empty entry")]
    EmptyEntry {
        /// Entry index, from 0.
        entry: usize,
    },
    /// An option-43 entry does not have exactly three `,`-separated fields.
    #[error("entry {entry}: expected 3 fields, found {found}")]
    FieldCount {
        /// Entry index, from 0.
        entry: usize,
        /// Fields found.
        found: usize,
    },
    /// A required option-43 field is empty.
    #[error("entry {entry} {field}: empty")]
    EmptyField {
        /// Entry index, from 0.
        entry: usize,
        /// The field.
        field: Field,
    },
    /// An option-43 field is not UTF-8.
    #[error("entry {entry} {field}: not valid utf-8")]
    NotUtf8 {
        /// Entry index, from 0.
        entry: usize,
        /// The field.
        field: Field,
    },
    /// An option-43 field holds a control character.
    #[error("entry {entry} {field}: control character 0x{byte:02x}")]
    ControlChar {
        /// Entry index, from 0.
        entry: usize,
        /// The field.
        field: Field,
        /// The character.
        byte: u8,
    },
    /// An option-43 field has leading or trailing whitespace (strict mode only).
    #[error("entry {entry} {field}: surrounding whitespace")]
    Whitespace {
        /// Entry index, from 0.
        entry: usize,
        /// The field.
        field: Field,
    },
    /// The provisioning URL is not `http://` or `https://` followed by a host.
    #[error("entry {entry} {field}: not an http:// or https:// url")]
    NotHttpUrl {
        /// Entry index, from 0.
        entry: usize,
        /// The field.
        field: Field,
    },
    /// An option's length byte points past the end of the input, or the length byte is missing.
    #[error("option {code}: truncated, {needed} bytes needed, {available} left")]
    Truncated {
        /// Option code.
        code: u8,
        /// Bytes the option claims.
        needed: usize,
        /// Bytes left in the input.
        available: usize,
    },
    /// An option has a length its type does not allow.
    #[error("option {code}: invalid length {len}, {expected}")]
    BadLength {
        /// Option code.
        code: u8,
        /// Length found (after RFC 3396 concatenation).
        len: usize,
        /// What the type allows.
        expected: &'static str,
    },
    /// An option holds a value its type does not allow.
    #[error("option {code}: invalid value {value}")]
    BadValue {
        /// Option code.
        code: u8,
        /// The value.
        value: u32,
    },
    /// A sub-option (option 43 TR-069 form, option 125) is truncated or overruns its option.
    #[error("option {code} sub-option {sub}: truncated, {needed} bytes needed, {available} left")]
    SubOptionTruncated {
        /// Enclosing option code.
        code: u8,
        /// Sub-option code.
        sub: u8,
        /// Bytes the sub-option claims.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// A sub-option holds an invalid value.
    #[error("option {code} sub-option {sub}: {reason}")]
    SubOptionInvalid {
        /// Enclosing option code.
        code: u8,
        /// Sub-option code.
        sub: u8,
        /// Why.
        reason: &'static str,
    },
    /// An option-125 enterprise block is truncated.
    #[error("option 125 enterprise block: truncated, {needed} bytes needed, {available} left")]
    EnterpriseTruncated {
        /// Bytes needed.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// Not a BOOTP/DHCP message (too short, or no magic cookie).
    #[error("not a dhcp message: {reason}")]
    NotDhcp {
        /// Why.
        reason: &'static str,
    },
    /// A TR-098 `DHCPOption.{i}` parameter is invalid.
    #[error("tr-098 {parameter}: {reason}")]
    Tr098 {
        /// `Enable`, `Tag` or `Value`.
        parameter: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// The input is not the option-43 form that was asked for.
    #[error("option 43: {reason}")]
    Option43 {
        /// Why.
        reason: &'static str,
    },
}

/// A value built by the caller that the wire format cannot carry.
///
/// Constructors validate, so writing never fails on content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {reason}")]
pub struct InvalidValue {
    what: &'static str,
    reason: &'static str,
}

impl InvalidValue {
    pub(crate) const fn new(what: &'static str, reason: &'static str) -> Self {
        InvalidValue { what, reason }
    }

    /// The value that is invalid, e.g. `provider id`.
    #[must_use]
    pub const fn what(&self) -> &'static str {
        self.what
    }

    /// Why it is invalid.
    #[must_use]
    pub const fn reason(&self) -> &'static str {
        self.reason
    }
}
