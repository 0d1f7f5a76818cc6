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

/// Which [`Limits`](crate::Limits) field an input hit; [`name`](Self::name) spells it as the
/// field is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::max_input_bytes`](crate::Limits::max_input_bytes).
    InputBytes,
    /// [`Limits::max_providers`](crate::Limits::max_providers).
    Providers,
    /// [`Limits::max_field_bytes`](crate::Limits::max_field_bytes).
    FieldBytes,
    /// [`Limits::max_option_instances`](crate::Limits::max_option_instances).
    OptionInstances,
    /// [`Limits::max_suboptions`](crate::Limits::max_suboptions).
    Suboptions,
}

impl Limit {
    /// The [`Limits`](crate::Limits) field, as written: `max_input_bytes`, ...
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Limit::InputBytes => "max_input_bytes",
            Limit::Providers => "max_providers",
            Limit::FieldBytes => "max_field_bytes",
            Limit::OptionInstances => "max_option_instances",
            Limit::Suboptions => "max_suboptions",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
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
    kind: ErrorKind,
}

impl ParseError {
    /// An error at the place the kind names; a limit hit names none, so its parser says where
    /// with [`within`](Self::within).
    pub(crate) const fn new(offset: usize, kind: ErrorKind) -> Self {
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
    pub const fn kind(&self) -> &ErrorKind {
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
pub enum ErrorKind {
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
    /// A text sub-option (the ACS URL, the provisioning code) is empty.
    #[error("empty")]
    SubOptionEmpty {
        /// Enclosing option code.
        code: u8,
        /// Sub-option code.
        sub: u8,
    },
    /// A text sub-option is longer than its type allows.
    #[error("longer than {max} bytes")]
    SubOptionTooLong {
        /// Enclosing option code.
        code: u8,
        /// Sub-option code.
        sub: u8,
        /// Most bytes allowed.
        max: usize,
    },
    /// A text sub-option is not UTF-8.
    #[error("not valid utf-8")]
    SubOptionNotUtf8 {
        /// Enclosing option code.
        code: u8,
        /// Sub-option code.
        sub: u8,
    },
    /// A text sub-option holds a control character.
    #[error("control character 0x{byte:02x}")]
    SubOptionControlChar {
        /// Enclosing option code.
        code: u8,
        /// Sub-option code.
        sub: u8,
        /// The character.
        byte: u8,
    },
    /// A numeric sub-option is not the decimal text TR-069 sends (1 to 5 digits, at most
    /// 65535): a binary integer, for example.
    #[error("not a decimal number 0..=65535")]
    SubOptionNotDecimal {
        /// Enclosing option code.
        code: u8,
        /// Sub-option code.
        sub: u8,
    },
    /// A numeric sub-option is below the least value its parameter allows.
    #[error("{value} is out of range, least is {min}")]
    SubOptionOutOfRange {
        /// Enclosing option code.
        code: u8,
        /// Sub-option code.
        sub: u8,
        /// The value.
        value: u16,
        /// The least value allowed.
        min: u16,
    },
    /// A sub-option that may appear once appears again.
    #[error("repeated")]
    SubOptionRepeated {
        /// Enclosing option code.
        code: u8,
        /// Sub-option code.
        sub: u8,
    },
    /// An option-125 enterprise block is truncated.
    #[error("truncated, {needed} bytes needed, {available} left")]
    EnterpriseTruncated {
        /// Bytes needed.
        needed: usize,
        /// Bytes left.
        available: usize,
    },
    /// Not a BOOTP/DHCP message: shorter than its 240-byte fixed part and magic cookie.
    #[error("not a dhcp message: shorter than 240 bytes")]
    MessageTooShort {
        /// Bytes received.
        len: usize,
    },
    /// Not a BOOTP/DHCP message: no magic cookie after the fixed part.
    #[error("not a dhcp message: no magic cookie")]
    NoMagicCookie,
    /// A TR-098 `Enable` is not `true`, `false`, `1` or `0`.
    #[error("not a boolean")]
    Tr098NotBoolean,
    /// A TR-098 `Tag` is not a decimal number 1..=254.
    #[error("not 1..=254")]
    Tr098BadTag,
    /// A TR-098 `Value` is longer than 340 characters (the base64 of 255 bytes).
    #[error("longer than 340 characters")]
    Tr098ValueTooLong,
    /// A TR-098 `Value` is not standard padded base64.
    #[error("not valid base64")]
    Tr098NotBase64,
    /// Only the TTA text form was asked for, and the value is the TR-069 sub-option form.
    #[error("tr-069 sub-option form, not tta text")]
    NotTtaForm,
}

impl ErrorKind {
    /// The place the kind itself names; [`Location::Input`] for a limit, which names none.
    const fn location(&self) -> Location {
        match *self {
            ErrorKind::LimitExceeded { .. } => Location::Input,
            ErrorKind::NoEntries => Location::ProviderList,
            ErrorKind::EmptyEntry { entry } | ErrorKind::FieldCount { entry, .. } => {
                Location::Entry { entry }
            }
            ErrorKind::EmptyField { entry, field }
            | ErrorKind::NotUtf8 { entry, field }
            | ErrorKind::ControlChar { entry, field, .. }
            | ErrorKind::Whitespace { entry, field }
            | ErrorKind::NotHttpUrl { entry, field } => Location::EntryField { entry, field },
            ErrorKind::Truncated { code, .. }
            | ErrorKind::BadLength { code, .. }
            | ErrorKind::BadValue { code, .. } => Location::Option { code },
            ErrorKind::SubOptionTruncated { code, sub, .. }
            | ErrorKind::SubOptionEmpty { code, sub }
            | ErrorKind::SubOptionTooLong { code, sub, .. }
            | ErrorKind::SubOptionNotUtf8 { code, sub }
            | ErrorKind::SubOptionControlChar { code, sub, .. }
            | ErrorKind::SubOptionNotDecimal { code, sub }
            | ErrorKind::SubOptionOutOfRange { code, sub, .. }
            | ErrorKind::SubOptionRepeated { code, sub } => Location::SubOption { code, sub },
            ErrorKind::EnterpriseTruncated { .. } => Location::EnterpriseBlock,
            ErrorKind::MessageTooShort { .. } | ErrorKind::NoMagicCookie => Location::Message,
            ErrorKind::Tr098NotBoolean => Location::Tr098 {
                parameter: "Enable",
            },
            ErrorKind::Tr098BadTag => Location::Tr098 { parameter: "Tag" },
            ErrorKind::Tr098ValueTooLong | ErrorKind::Tr098NotBase64 => {
                Location::Tr098 { parameter: "Value" }
            }
            ErrorKind::NotTtaForm => Location::Option { code: 43 },
        }
    }
}

/// A tolerance the lenient reader used, recorded with where: what strict mode
/// ([`ReadOptions::strict`](crate::ReadOptions::strict)) refuses.
///
/// It displays as an error does, `<what> at byte <offset> (<where>)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Warning {
    /// Byte offset in the input.
    pub offset: usize,
    /// Where in the structure of the input.
    pub location: Location,
    /// What was tolerated.
    pub kind: WarningKind,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {} ({})",
            self.kind, self.offset, self.location
        )
    }
}

/// The quirks of real DHCP servers the lenient reader accepts (the spec page's section 3
/// Decision), each recorded as a [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum WarningKind {
    /// ASCII whitespace around the option-43 text or around one of its fields, ignored
    /// (hand-edited server configurations, `KT, http://...`).
    #[error("surrounding whitespace ignored")]
    Whitespace,
    /// NUL bytes at the end of the option-43 text, ignored (servers that send the C string's
    /// terminator).
    #[error("trailing nul ignored")]
    TrailingNul,
    /// One `|` at the end of the option-43 text, ignored (servers that end each entry with it).
    #[error("trailing separator ignored")]
    TrailingSeparator,
    /// A TR-069 sub-option 1-4 whose value does not decode as its type (sub-options 3 and 4 as
    /// binary integers rather than decimal text, for example), kept raw among
    /// [`AcsOptions::other`](crate::AcsOptions::other) so that the rest of the option, the
    /// ACS URL first, is still read.
    #[error("undecodable value kept raw")]
    SubOptionKeptRaw,
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
