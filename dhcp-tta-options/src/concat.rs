//! The DHCP options field, read and written with RFC 3396 long options.
//!
//! Reading joins every instance of a code in order, even when other options sit between them,
//! and continues into the `file` and `sname` fields when option 52 overloads them (in the order
//! options, `file`, `sname`). Writing splits values over 255 bytes into consecutive instances.
//! A truncated or overrunning option is an error, never silently cut.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::net::Ipv4Addr;

use crate::error::{ErrorKind, InvalidValue, Limit, Location, ParseError};
use crate::limits::Limits;
use crate::read::{Parsed, ReadOptions};

/// Option codes this module types.
pub(crate) mod code {
    /// Pad.
    pub(crate) const PAD: u8 = 0;
    /// Subnet mask.
    pub(crate) const SUBNET_MASK: u8 = 1;
    /// Routers.
    pub(crate) const ROUTER: u8 = 3;
    /// Domain name servers.
    pub(crate) const DNS_SERVERS: u8 = 6;
    /// Vendor-specific information.
    pub(crate) const VENDOR_SPECIFIC: u8 = 43;
    /// Option overload.
    pub(crate) const OVERLOAD: u8 = 52;
    /// DHCP message type.
    pub(crate) const MESSAGE_TYPE: u8 = 53;
    /// Server identifier.
    pub(crate) const SERVER_ID: u8 = 54;
    /// Parameter request list.
    pub(crate) const PARAMETER_REQUEST_LIST: u8 = 55;
    /// Vendor class identifier.
    pub(crate) const VENDOR_CLASS: u8 = 60;
    /// Client identifier.
    pub(crate) const CLIENT_ID: u8 = 61;
    /// Vendor-identifying vendor-specific information.
    pub(crate) const VENDOR_IDENTIFYING: u8 = 125;
    /// End.
    pub(crate) const END: u8 = 255;
}

/// The BOOTP magic cookie that starts the options field.
pub const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];

/// DHCP message type (option 53).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum MessageType {
    /// 1
    Discover,
    /// 2
    Offer,
    /// 3
    Request,
    /// 4
    Decline,
    /// 5
    Ack,
    /// 6
    Nak,
    /// 7
    Release,
    /// 8
    Inform,
    /// Any other non-zero value.
    Other(u8),
}

impl MessageType {
    fn from_u8(v: u8) -> Self {
        match v {
            1 => MessageType::Discover,
            2 => MessageType::Offer,
            3 => MessageType::Request,
            4 => MessageType::Decline,
            5 => MessageType::Ack,
            6 => MessageType::Nak,
            7 => MessageType::Release,
            8 => MessageType::Inform,
            n => MessageType::Other(n),
        }
    }

    /// The wire value.
    #[must_use]
    pub fn to_u8(self) -> u8 {
        match self {
            MessageType::Discover => 1,
            MessageType::Offer => 2,
            MessageType::Request => 3,
            MessageType::Decline => 4,
            MessageType::Ack => 5,
            MessageType::Nak => 6,
            MessageType::Release => 7,
            MessageType::Inform => 8,
            MessageType::Other(n) => n,
        }
    }
}

/// Option 52: which of `file` and `sname` carry options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Overload {
    /// 1: `file`.
    File,
    /// 2: `sname`.
    Sname,
    /// 3: both.
    Both,
}

impl Overload {
    /// The wire value.
    #[must_use]
    pub fn to_u8(self) -> u8 {
        match self {
            Overload::File => 1,
            Overload::Sname => 2,
            Overload::Both => 3,
        }
    }
}

/// One option, after RFC 3396 joining.
///
/// Serializes as the option's code (a number) and its joined value as hex, with the typed
/// `value` beside them for options 1, 3, 6 (addresses as text), 52 and 53:
/// `{"code": 53, "hex": "02", "value": "offer"}`, `{"code": 43, "hex": "4b54..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DhcpOption<'a> {
    /// 1
    SubnetMask(Ipv4Addr),
    /// 3 (at least one address)
    Router(Vec<Ipv4Addr>),
    /// 6 (at least one address)
    DnsServers(Vec<Ipv4Addr>),
    /// 43, raw; decode with [`Option43`](crate::Option43).
    VendorSpecific(Cow<'a, [u8]>),
    /// 52
    Overload(Overload),
    /// 53
    MessageType(MessageType),
    /// 54
    ServerId(Ipv4Addr),
    /// 55 (at least one code)
    ParameterRequestList(Cow<'a, [u8]>),
    /// 60 (at least one byte); see [`VendorClass`](crate::VendorClass).
    VendorClass(Cow<'a, [u8]>),
    /// 61 (at least two bytes: type and identifier)
    ClientId(Cow<'a, [u8]>),
    /// 125 (at least 5 bytes), raw; decode with [`VendorInfo`](crate::VendorInfo).
    VendorIdentifying(Cow<'a, [u8]>),
    /// Any other code (1..=254, none of the above), raw.
    Other {
        /// Option code.
        code: u8,
        /// Value.
        data: Cow<'a, [u8]>,
    },
}

#[cfg(feature = "serde")]
impl serde::Serialize for DhcpOption<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use crate::suboptions::Hex;
        use serde::ser::SerializeMap as _;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("code", &self.code())?;
        m.serialize_entry("hex", &Hex(&self.value()))?;
        match self {
            DhcpOption::SubnetMask(a) | DhcpOption::ServerId(a) => m.serialize_entry("value", a)?,
            DhcpOption::Router(v) | DhcpOption::DnsServers(v) => m.serialize_entry("value", v)?,
            DhcpOption::Overload(o) => m.serialize_entry("value", o)?,
            DhcpOption::MessageType(t) => m.serialize_entry("value", t)?,
            DhcpOption::VendorSpecific(_)
            | DhcpOption::ParameterRequestList(_)
            | DhcpOption::VendorClass(_)
            | DhcpOption::ClientId(_)
            | DhcpOption::VendorIdentifying(_)
            | DhcpOption::Other { .. } => {}
        }
        m.end()
    }
}

fn addrs(data: &[u8]) -> Vec<Ipv4Addr> {
    data.chunks_exact(4)
        .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
        .collect()
}

fn addr(data: &[u8]) -> Ipv4Addr {
    match data {
        [a, b, c, d] => Ipv4Addr::new(*a, *b, *c, *d),
        _ => Ipv4Addr::UNSPECIFIED,
    }
}

impl<'a> DhcpOption<'a> {
    /// The option code.
    #[must_use]
    pub fn code(&self) -> u8 {
        match self {
            DhcpOption::SubnetMask(_) => code::SUBNET_MASK,
            DhcpOption::Router(_) => code::ROUTER,
            DhcpOption::DnsServers(_) => code::DNS_SERVERS,
            DhcpOption::VendorSpecific(_) => code::VENDOR_SPECIFIC,
            DhcpOption::Overload(_) => code::OVERLOAD,
            DhcpOption::MessageType(_) => code::MESSAGE_TYPE,
            DhcpOption::ServerId(_) => code::SERVER_ID,
            DhcpOption::ParameterRequestList(_) => code::PARAMETER_REQUEST_LIST,
            DhcpOption::VendorClass(_) => code::VENDOR_CLASS,
            DhcpOption::ClientId(_) => code::CLIENT_ID,
            DhcpOption::VendorIdentifying(_) => code::VENDOR_IDENTIFYING,
            DhcpOption::Other { code, .. } => *code,
        }
    }

    /// Decodes a joined value; `offset` is where its first instance starts, for errors.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::BadLength`] or [`ErrorKind::BadValue`] naming the code.
    pub fn decode(code: u8, data: Cow<'a, [u8]>, offset: usize) -> Result<Self, ParseError> {
        let len = data.len();
        let bad_len = |expected| {
            ParseError::new(
                offset,
                ErrorKind::BadLength {
                    code,
                    len,
                    expected,
                },
            )
        };
        let bad_value = |value| ParseError::new(offset, ErrorKind::BadValue { code, value });
        Ok(match code {
            code::PAD | code::END => return Err(bad_len("pad and end carry no length")),
            code::SUBNET_MASK if len != 4 => return Err(bad_len("exactly 4")),
            code::SUBNET_MASK => DhcpOption::SubnetMask(addr(&data)),
            code::SERVER_ID if len != 4 => return Err(bad_len("exactly 4")),
            code::SERVER_ID => DhcpOption::ServerId(addr(&data)),
            code::ROUTER | code::DNS_SERVERS if len == 0 || !len.is_multiple_of(4) => {
                return Err(bad_len("a non-zero multiple of 4"));
            }
            code::ROUTER => DhcpOption::Router(addrs(&data)),
            code::DNS_SERVERS => DhcpOption::DnsServers(addrs(&data)),
            code::OVERLOAD | code::MESSAGE_TYPE if len != 1 => return Err(bad_len("exactly 1")),
            code::OVERLOAD => match data[0] {
                1 => DhcpOption::Overload(Overload::File),
                2 => DhcpOption::Overload(Overload::Sname),
                3 => DhcpOption::Overload(Overload::Both),
                v => return Err(bad_value(u32::from(v))),
            },
            code::MESSAGE_TYPE if data[0] == 0 => return Err(bad_value(0)),
            code::MESSAGE_TYPE => DhcpOption::MessageType(MessageType::from_u8(data[0])),
            code::VENDOR_SPECIFIC | code::PARAMETER_REQUEST_LIST | code::VENDOR_CLASS
                if len == 0 =>
            {
                return Err(bad_len("at least 1"));
            }
            code::VENDOR_SPECIFIC => DhcpOption::VendorSpecific(data),
            code::PARAMETER_REQUEST_LIST => DhcpOption::ParameterRequestList(data),
            code::VENDOR_CLASS => DhcpOption::VendorClass(data),
            code::CLIENT_ID if len < 2 => return Err(bad_len("at least 2")),
            code::CLIENT_ID => DhcpOption::ClientId(data),
            code::VENDOR_IDENTIFYING if len < 5 => return Err(bad_len("at least 5")),
            code::VENDOR_IDENTIFYING => DhcpOption::VendorIdentifying(data),
            _ => DhcpOption::Other { code, data },
        })
    }

    /// The value bytes as they go on the wire (before splitting).
    #[must_use]
    pub fn value(&self) -> Cow<'_, [u8]> {
        let ips = |v: &[Ipv4Addr]| Cow::Owned(v.iter().flat_map(|a| a.octets()).collect());
        match self {
            DhcpOption::SubnetMask(a) | DhcpOption::ServerId(a) => Cow::Owned(a.octets().to_vec()),
            DhcpOption::Router(v) | DhcpOption::DnsServers(v) => ips(v),
            DhcpOption::Overload(o) => Cow::Owned(alloc::vec![o.to_u8()]),
            DhcpOption::MessageType(m) => Cow::Owned(alloc::vec![m.to_u8()]),
            DhcpOption::VendorSpecific(d)
            | DhcpOption::ParameterRequestList(d)
            | DhcpOption::VendorClass(d)
            | DhcpOption::ClientId(d)
            | DhcpOption::VendorIdentifying(d)
            | DhcpOption::Other { data: d, .. } => Cow::Borrowed(d),
        }
    }

    /// Checks that the value decodes back to itself, so writing it is lossless.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] naming what the wire format cannot carry.
    pub fn validate(&self) -> Result<(), InvalidValue> {
        match DhcpOption::decode(self.code(), self.value(), 0) {
            Ok(back) if back == *self => Ok(()),
            Ok(_) => Err(InvalidValue::new(
                "option",
                "another variant carries this code or value",
            )),
            Err(_) => Err(InvalidValue::new(
                "option",
                "length or value not allowed for its code",
            )),
        }
    }

    /// Copies borrowed data so the value outlives its input.
    #[must_use]
    pub fn into_owned(self) -> DhcpOption<'static> {
        let own = |d: Cow<'a, [u8]>| Cow::Owned(d.into_owned());
        match self {
            DhcpOption::SubnetMask(a) => DhcpOption::SubnetMask(a),
            DhcpOption::Router(v) => DhcpOption::Router(v),
            DhcpOption::DnsServers(v) => DhcpOption::DnsServers(v),
            DhcpOption::VendorSpecific(d) => DhcpOption::VendorSpecific(own(d)),
            DhcpOption::Overload(o) => DhcpOption::Overload(o),
            DhcpOption::MessageType(m) => DhcpOption::MessageType(m),
            DhcpOption::ServerId(a) => DhcpOption::ServerId(a),
            DhcpOption::ParameterRequestList(d) => DhcpOption::ParameterRequestList(own(d)),
            DhcpOption::VendorClass(d) => DhcpOption::VendorClass(own(d)),
            DhcpOption::ClientId(d) => DhcpOption::ClientId(own(d)),
            DhcpOption::VendorIdentifying(d) => DhcpOption::VendorIdentifying(own(d)),
            DhcpOption::Other { code, data } => DhcpOption::Other {
                code,
                data: own(data),
            },
        }
    }
}

/// One option instance as found on the wire, before joining.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Instance<'a> {
    code: u8,
    data: &'a [u8],
    offset: usize,
}

/// Scans one area (options, `file` or `sname`); `base` is its offset for errors.
fn scan<'a>(
    area: &'a [u8],
    base: usize,
    limits: &Limits,
    out: &mut Vec<Instance<'a>>,
) -> Result<(), ParseError> {
    let mut pos = 0;
    while let Some(&code) = area.get(pos) {
        match code {
            code::PAD => {
                pos += 1;
                continue;
            }
            code::END => return Ok(()),
            _ => {}
        }
        let available = area.len() - pos - 1;
        let Some(&len) = area.get(pos + 1) else {
            return Err(ParseError::new(
                base + pos,
                ErrorKind::Truncated {
                    code,
                    needed: 1,
                    available,
                },
            ));
        };
        let len = usize::from(len);
        let Some(data) = area.get(pos + 2..pos + 2 + len) else {
            return Err(ParseError::new(
                base + pos,
                ErrorKind::Truncated {
                    code,
                    needed: len + 1,
                    available,
                },
            ));
        };
        if out.len() == limits.max_option_instances {
            return Err(ParseError::new(
                base + pos,
                ErrorKind::LimitExceeded {
                    limit: Limit::OptionInstances,
                    max: limits.max_option_instances,
                },
            )
            .within(Location::OptionsField));
        }
        out.push(Instance {
            code,
            data,
            offset: base + pos,
        });
        pos += 2 + len;
    }
    // No end option: the area simply ends after a whole option, which is not a truncation.
    Ok(())
}

/// The options of one DHCP message, joined per RFC 3396, in order of first appearance.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct OptionsField<'a> {
    options: Vec<DhcpOption<'a>>,
}

impl<'a> OptionsField<'a> {
    /// Builds a field from options, one per code.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when a code appears twice or an option fails
    /// [`DhcpOption::validate`].
    pub fn new(options: Vec<DhcpOption<'a>>) -> Result<Self, InvalidValue> {
        for (i, o) in options.iter().enumerate() {
            o.validate()?;
            if options[..i].iter().any(|p| p.code() == o.code()) {
                return Err(InvalidValue::new("options field", "a code appears twice"));
            }
        }
        Ok(OptionsField { options })
    }

    /// Parses an options field (after the magic cookie) with the default limits. Option 52
    /// is reported but cannot be followed: use [`parse_overloaded_with`](Self::parse_overloaded_with)
    /// or [`parse_message`](Self::parse_message) for that.
    ///
    /// # Errors
    ///
    /// [`ParseError`] for a truncated option or an invalid value, naming the code.
    pub fn parse(options: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_with(options, &ReadOptions::default()).map(|p| p.value)
    }

    /// Parses an options field with `options`. The framing leaves nothing to tolerate (an area
    /// without an end option simply ends after its last whole option, which RFC 2131 allows):
    /// no warnings, and strict mode reads the same.
    ///
    /// # Errors
    ///
    /// As [`parse`](Self::parse), or a limit hit.
    pub fn parse_with(options: &'a [u8], read: &ReadOptions) -> Result<Parsed<Self>, ParseError> {
        Self::parse_areas(options, 0, None, &read.limits).map(parsed)
    }

    /// Parses the options field and, when option 52 says so, the `file` (128 bytes) and `sname`
    /// (64 bytes) fields. Offsets in errors count as if the three were laid end to end in this
    /// order: options, `file`, `sname`.
    ///
    /// # Errors
    ///
    /// As [`parse_with`](Self::parse_with).
    pub fn parse_overloaded_with(
        options: &'a [u8],
        file: &'a [u8],
        sname: &'a [u8],
        read: &ReadOptions,
    ) -> Result<Parsed<Self>, ParseError> {
        let file_at = options.len();
        let sname_at = file_at + file.len();
        Self::parse_areas(
            options,
            0,
            Some(((file, file_at), (sname, sname_at))),
            &read.limits,
        )
        .map(parsed)
    }

    /// Parses a whole BOOTP/DHCP message (from `op` on) with the default limits: checks the
    /// magic cookie, reads the options and follows option 52 into `file` and `sname`. Offsets
    /// count from the start of the message.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::MessageTooShort`] for a message shorter than 240 bytes,
    /// [`ErrorKind::NoMagicCookie`] without the magic cookie, else as
    /// [`parse_with`](Self::parse_with).
    pub fn parse_message(message: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_message_with(message, &ReadOptions::default()).map(|p| p.value)
    }

    /// Parses a whole BOOTP/DHCP message with `options`; see
    /// [`parse_message`](Self::parse_message).
    ///
    /// # Errors
    ///
    /// As [`parse_message`](Self::parse_message), or a limit hit.
    pub fn parse_message_with(
        message: &'a [u8],
        options: &ReadOptions,
    ) -> Result<Parsed<Self>, ParseError> {
        let limits = &options.limits;
        if message.len() > limits.max_input_bytes {
            return Err(ParseError::new(
                limits.max_input_bytes,
                ErrorKind::LimitExceeded {
                    limit: Limit::InputBytes,
                    max: limits.max_input_bytes,
                },
            )
            .within(Location::Message));
        }
        if message.len() < 240 {
            return Err(ParseError::new(
                message.len(),
                ErrorKind::MessageTooShort { len: message.len() },
            ));
        }
        if message[236..240] != MAGIC_COOKIE {
            return Err(ParseError::new(236, ErrorKind::NoMagicCookie));
        }
        let sname = &message[44..108];
        let file = &message[108..236];
        Self::parse_areas(
            &message[240..],
            240,
            Some(((file, 108), (sname, 44))),
            limits,
        )
        .map(parsed)
    }

    #[allow(clippy::type_complexity)]
    fn parse_areas(
        options: &'a [u8],
        base: usize,
        overload_areas: Option<((&'a [u8], usize), (&'a [u8], usize))>,
        limits: &Limits,
    ) -> Result<Self, ParseError> {
        let total = options.len() + overload_areas.map_or(0, |((f, _), (s, _))| f.len() + s.len());
        if total > limits.max_input_bytes {
            return Err(ParseError::new(
                base + limits.max_input_bytes.min(options.len()),
                ErrorKind::LimitExceeded {
                    limit: Limit::InputBytes,
                    max: limits.max_input_bytes,
                },
            )
            .within(Location::OptionsField));
        }
        let mut instances = Vec::new();
        scan(options, base, limits, &mut instances)?;
        if let Some(((file, file_at), (sname, sname_at))) = overload_areas {
            // Only the options field may say which other fields hold options (RFC 2132 9.3).
            let overload = instances.iter().find(|i| i.code == code::OVERLOAD).copied();
            if let Some(ov) = overload {
                let flag = match ov.data {
                    [v @ 1..=3] => *v,
                    _ => {
                        // Decoding below reports the precise error.
                        0
                    }
                };
                if flag & 1 != 0 {
                    scan(file, file_at, limits, &mut instances)?;
                }
                if flag & 2 != 0 {
                    scan(sname, sname_at, limits, &mut instances)?;
                }
            }
        }
        Self::join(&instances)
    }

    fn join(instances: &[Instance<'a>]) -> Result<Self, ParseError> {
        let mut options = Vec::new();
        for (i, first) in instances.iter().enumerate() {
            if instances[..i].iter().any(|p| p.code == first.code) {
                continue;
            }
            let mut rest = instances[i + 1..]
                .iter()
                .filter(|p| p.code == first.code)
                .peekable();
            let data = if rest.peek().is_none() {
                Cow::Borrowed(first.data)
            } else {
                let mut joined = first.data.to_vec();
                for p in rest {
                    joined.extend_from_slice(p.data);
                }
                Cow::Owned(joined)
            };
            options.push(DhcpOption::decode(first.code, data, first.offset)?);
        }
        Ok(OptionsField { options })
    }

    /// The options, in order of first appearance.
    #[must_use]
    pub fn options(&self) -> &[DhcpOption<'a>] {
        &self.options
    }

    /// The option with `code`.
    #[must_use]
    pub fn get(&self, code: u8) -> Option<&DhcpOption<'a>> {
        self.options.iter().find(|o| o.code() == code)
    }

    /// The joined value of option `code`.
    #[must_use]
    pub fn value(&self, code: u8) -> Option<Cow<'_, [u8]>> {
        self.get(code).map(DhcpOption::value)
    }

    /// Option 53.
    #[must_use]
    pub fn message_type(&self) -> Option<MessageType> {
        self.options.iter().find_map(|o| match o {
            DhcpOption::MessageType(m) => Some(*m),
            _ => None,
        })
    }

    /// Appends every option, values over 255 bytes split into consecutive instances
    /// (RFC 3396), then the end option.
    pub fn write_into(&self, out: &mut Vec<u8>) {
        for o in &self.options {
            write_option(o.code(), &o.value(), out);
        }
        out.push(code::END);
    }

    /// The encoding, end option included.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_into(&mut out);
        out
    }

    /// Writes the encoding, end option included, to `w`.
    ///
    /// # Errors
    ///
    /// Only the writer's own errors.
    #[cfg(feature = "std")]
    pub fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        w.write_all(&self.to_vec())
    }

    /// Copies borrowed data so the value outlives its input.
    #[must_use]
    pub fn into_owned(self) -> OptionsField<'static> {
        OptionsField {
            options: self
                .options
                .into_iter()
                .map(DhcpOption::into_owned)
                .collect(),
        }
    }
}

/// A value read by a parser that has nothing to tolerate, with no warnings.
fn parsed<T>(value: T) -> Parsed<T> {
    Parsed {
        value,
        warnings: Vec::new(),
        dropped_warnings: 0,
    }
}

/// Appends one option, split into instances of at most 255 bytes (RFC 3396). An empty value is
/// one instance of length 0.
pub(crate) fn write_option(code: u8, value: &[u8], out: &mut Vec<u8>) {
    let mut chunks = value.chunks(255);
    let first = chunks.next().unwrap_or(&[]);
    for chunk in core::iter::once(first).chain(chunks) {
        out.push(code);
        out.push(u8::try_from(chunk.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(chunk);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_instances_with_others_between() {
        let field = b"\x2b\x02ab\x35\x01\x02\x2b\x01c\x3c\x0bIPTV Device\x2b\x01d\xff";
        let f = OptionsField::parse(field).unwrap();
        assert_eq!(f.value(43).unwrap().as_ref(), b"abcd");
        assert_eq!(f.message_type(), Some(MessageType::Offer));
        assert_eq!(f.options().len(), 3);
    }

    #[test]
    fn writes_split_and_reads_back() {
        let big: Vec<u8> = (0..600u32).map(|i| b'a' + (i % 26) as u8).collect();
        let f = OptionsField::new(alloc::vec![
            DhcpOption::MessageType(MessageType::Offer),
            DhcpOption::VendorSpecific(Cow::Borrowed(&big)),
        ])
        .unwrap();
        let bytes = f.to_vec();
        assert_eq!(bytes.len(), 3 + 3 * 2 + 600 + 1);
        assert_eq!(&bytes[3..5], &[43, 255]);
        assert_eq!(OptionsField::parse(&bytes).unwrap(), f);
    }

    #[test]
    fn errors_table() {
        let table: &[(&[u8], usize, ErrorKind)] = &[
            (
                b"\x35",
                0,
                ErrorKind::Truncated {
                    code: 53,
                    needed: 1,
                    available: 0,
                },
            ),
            (
                b"\x00\x2b\x05abc",
                1,
                ErrorKind::Truncated {
                    code: 43,
                    needed: 6,
                    available: 4,
                },
            ),
            (
                b"\x35\x02\x01\x01",
                0,
                ErrorKind::BadLength {
                    code: 53,
                    len: 2,
                    expected: "exactly 1",
                },
            ),
            (
                b"\x35\x01\x00",
                0,
                ErrorKind::BadValue { code: 53, value: 0 },
            ),
            (
                b"\x34\x01\x04",
                0,
                ErrorKind::BadValue { code: 52, value: 4 },
            ),
            (
                b"\x03\x03abc",
                0,
                ErrorKind::BadLength {
                    code: 3,
                    len: 3,
                    expected: "a non-zero multiple of 4",
                },
            ),
            (
                b"\x3d\x01a",
                0,
                ErrorKind::BadLength {
                    code: 61,
                    len: 1,
                    expected: "at least 2",
                },
            ),
        ];
        for (input, offset, kind) in table {
            let err = OptionsField::parse(input).unwrap_err();
            assert_eq!((err.offset(), err.kind()), (*offset, kind), "{input:?}");
        }
    }

    #[test]
    fn overload_reads_file_then_sname() {
        let options = b"\x34\x01\x03\x2b\x01a\xff";
        let mut file = [0u8; 128];
        file[..4].copy_from_slice(b"\x2b\x01b\xff");
        let mut sname = [0u8; 64];
        sname[..4].copy_from_slice(b"\x2b\x01c\xff");
        let f =
            OptionsField::parse_overloaded_with(options, &file, &sname, &ReadOptions::default())
                .unwrap()
                .value;
        assert_eq!(f.value(43).unwrap().as_ref(), b"abc");
        // Without option 52 the other fields are not read.
        let f = OptionsField::parse_overloaded_with(
            b"\x2b\x01a\xff",
            &file,
            &sname,
            &ReadOptions::default(),
        )
        .unwrap()
        .value;
        assert_eq!(f.value(43).unwrap().as_ref(), b"a");
    }

    #[test]
    fn validate_rejects_what_cannot_round_trip() {
        assert!(DhcpOption::Router(Vec::new()).validate().is_err());
        assert!(
            DhcpOption::Other {
                code: 43,
                data: Cow::Borrowed(b"x")
            }
            .validate()
            .is_err()
        );
        assert!(
            DhcpOption::MessageType(MessageType::Other(2))
                .validate()
                .is_err()
        );
        assert!(
            DhcpOption::Other {
                code: 200,
                data: Cow::Borrowed(b"")
            }
            .validate()
            .is_ok()
        );
    }
}
