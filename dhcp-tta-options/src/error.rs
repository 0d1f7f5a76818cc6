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

/// Input that could not be parsed: what is wrong, the byte offset where the problem starts, and
/// where that is in the structure of the input.
///
/// It displays as `<message> at byte <offset> (<where>)`, the form the workspace's other codecs
/// use, for example `not an http:// or https:// url at byte 18 (entry 1 provisioning url)`:
/// the message is the [`kind`](Self::kind), the place the [`location`](Self::location). The
/// offset counts from the start of the input handed to the parser (for
/// [`OptionsField::parse_message`](crate::OptionsField::parse_message), from the start of the
/// DHCP message). No message quotes the input: they name entries, fields, codes and limits, so
/// a message is one short line whatever the input holds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset} ({location})")]
pub struct ParseError {
    offset: usize,
    location: Location,
    kind: ParseErrorKind,
}

impl ParseError {
    /// An error at the place the kind names; a limit hit names none, so its parser says where
    /// with [`within`](Self::within).
    pub(crate) const fn new(offset: usize, kind: ParseErrorKind) -> Self {
        ParseError {
            offset,
            location: kind.location(),
            kind,
        }
    }

    /// The same error, placed at `location`.
    pub(crate) const fn within(mut self, location: Location) -> Self {
        self.location = location;
        self
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

    /// Where the problem is: the option-43 entry and field, the option and sub-option, or the
    /// input as a whole.
    #[must_use]
    pub const fn location(&self) -> &Location {
        &self.location
    }
}

/// Where in the input a [`ParseError`] is, as its message shows it between parentheses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Location {
    /// The input as a whole (its length), when no narrower place applies: `input`.
    Input,
    /// An option-43 provider list (also an `X_TTA_ProviderInfos` value) as a whole:
    /// `provider list`.
    ProviderList,
    /// One provider entry: `entry 1`.
    Entry {
        /// Entry index, from 0.
        entry: usize,
    },
    /// One field of a provider entry: `entry 1 provisioning url`.
    EntryField {
        /// Entry index, from 0.
        entry: usize,
        /// The field.
        field: Field,
    },
    /// A DHCP options field as a whole: `options field`.
    OptionsField,
    /// A BOOTP/DHCP message's fixed part (its size, its magic cookie): `dhcp message`.
    Message,
    /// One option: `option 43`.
    Option {
        /// Option code.
        code: u8,
    },
    /// One sub-option of option 43 or 125: `option 43 sub-option 1`.
    SubOption {
        /// Enclosing option code.
        code: u8,
        /// Sub-option code.
        sub: u8,
    },
    /// An option-125 enterprise block: `option 125 enterprise block`.
    EnterpriseBlock,
    /// A TR-098 `DHCPOption.{i}` parameter: `tr-098 Value`.
    Tr098 {
        /// `Enable`, `Tag` or `Value`.
        parameter: &'static str,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Input => f.write_str("input"),
            Location::ProviderList => f.write_str("provider list"),
            Location::Entry { entry } => write!(f, "entry {entry}"),
            Location::EntryField { entry, field } => write!(f, "entry {entry} {field}"),
            Location::OptionsField => f.write_str("options field"),
            Location::Message => f.write_str("dhcp message"),
            Location::Option { code } => write!(f, "option {code}"),
            Location::SubOption { code, sub } => write!(f, "option {code} sub-option {sub}"),
            Location::EnterpriseBlock => f.write_str("option 125 enterprise block"),
            Location::Tr098 { parameter } => write!(f, "tr-098 {parameter}"),
        }
    }
}

/// What is wrong with the input; see [`ParseError`]. Its `Display` is the message without the
/// position, e.g. `expected 3 fields, found 2`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// A configured limit was exceeded.
    #[error("limit exceeded: {limit} is {max}")]
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
    #[error("empty entry")]
    EmptyEntry {
        /// Entry index, from 0.
        entry: usize,
    },
    /// An option-43 entry does not have exactly three `,`-separated fields.
    #[error("expected 3 fields, found {found}")]
    FieldCount {
        /// Entry index, from 0.
        entry: usize,
        /// Fields found.
        found: usize,
    },
    /// A required option-43 field is empty.
    #[error("empty field")]
    EmptyField {
        /// Entry index, from 0.
        entry: usize,
        /// The field.
        field: Field,
    },
    /// An option-43 field is not UTF-8.
    #[error("not valid utf-8")]
    NotUtf8 {
        /// Entry index, from 0.
        entry: usize,
        /// The field.
        field: Field,
    },
    /// An option-43 field holds a control character.
    #[error("control character 0x{byte:02x}")]
    ControlChar {
        /// Entry index, from 0.
        entry: usize,
        /// The field.
        field: Field,
        /// The character.
        byte: u8,
    },
    /// An option-43 field has leading or trailing whitespace (strict mode only).
    #[error("surrounding whitespace")]
    Whitespace {
        /// Entry index, from 0.
        entry: usize,
        /// The field.
        field: Field,
    },
    /// The provisioning URL is not `http://` or `https://` followed by a host.
    #[error("not an http:// or https:// url")]
    NotHttpUrl {
        /// Entry index, from 0.
        entry: usize,
        /// The field.
        field: Field,
    },
    /// An option's length byte points past the end of the input, or the length byte is missing.
    #[error("truncated, {needed} bytes needed, {available} left")]
    Truncated {
        /// Option code.
        code: u8,
        /// Bytes the option claims.
        needed: usize,
        /// Bytes left in the input.
        available: usize,
    },
    /// An option has a length its type does not allow.
    #[error("invalid length {len}, {expected}")]
    BadLength {
        /// Option code.
        code: u8,
        /// Length found (after RFC 3396 concatenation).
        len: usize,
        /// What the type allows.
        expected: &'static str,
    },
    /// An option holds a value its type does not allow.
    #[error("invalid value {value}")]
    BadValue {
        /// Option code.
        code: u8,
        /// The value.
        value: u32,
    },
    /// A sub-option (option 43 TR-069 form, option 125) is truncated or overruns its option.
    #[error("truncated, {needed} bytes needed, {available} left")]
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
    #[error("{reason}")]
    SubOptionInvalid {
        /// Enclosing option code.
        code: u8,
        /// Sub-option code.
        sub: u8,
        /// Why.
        reason: &'static str,
    },
    /// An option-125 enterprise block is truncated.
    #[error("truncated, {needed} bytes needed, {available} left")]
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
    #[error("{reason}")]
    Tr098 {
        /// `Enable`, `Tag` or `Value`.
        parameter: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// The input is not the option-43 form that was asked for.
    #[error("{reason}")]
    Option43 {
        /// Why.
        reason: &'static str,
    },
}

impl ParseErrorKind {
    /// The place the kind itself names; [`Location::Input`] for a limit, which names none.
    const fn location(&self) -> Location {
        match *self {
            ParseErrorKind::LimitExceeded { .. } => Location::Input,
            ParseErrorKind::NoEntries => Location::ProviderList,
            ParseErrorKind::EmptyEntry { entry } | ParseErrorKind::FieldCount { entry, .. } => {
                Location::Entry { entry }
            }
            ParseErrorKind::EmptyField { entry, field }
            | ParseErrorKind::NotUtf8 { entry, field }
            | ParseErrorKind::ControlChar { entry, field, .. }
            | ParseErrorKind::Whitespace { entry, field }
            | ParseErrorKind::NotHttpUrl { entry, field } => Location::EntryField { entry, field },
            ParseErrorKind::Truncated { code, .. }
            | ParseErrorKind::BadLength { code, .. }
            | ParseErrorKind::BadValue { code, .. } => Location::Option { code },
            ParseErrorKind::SubOptionTruncated { code, sub, .. }
            | ParseErrorKind::SubOptionInvalid { code, sub, .. } => {
                Location::SubOption { code, sub }
            }
            ParseErrorKind::EnterpriseTruncated { .. } => Location::EnterpriseBlock,
            ParseErrorKind::NotDhcp { .. } => Location::Message,
            ParseErrorKind::Tr098 { parameter, .. } => Location::Tr098 { parameter },
            ParseErrorKind::Option43 { .. } => Location::Option { code: 43 },
        }
    }
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
