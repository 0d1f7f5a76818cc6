//! Parameter values typed by `xsi:type`, and XML Schema dateTimes.
//!
//! The text is always kept as received, so a value the sender mistyped (or the TTA standard's
//! `Tue Oct 11 15:48:26 KST 2011` dateTime) is never lost; typed accessors parse on demand.

use std::borrow::Cow;
use std::fmt;

use crate::error::{ErrorKind, Limit, ParseError, WarningKind};
use crate::read::{AttrName, Elem, FromXml, Ns, Parser, is_ncname, is_xml_space, trim_str};

/// The XML Schema type of a [`Value`], from its `xsi:type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum XsdType<'a> {
    /// `xsd:string` (also what a missing or empty `xsi:type` reads as).
    String,
    /// `xsd:int`: 32-bit signed.
    Int,
    /// `xsd:unsignedInt`: 32-bit unsigned.
    UnsignedInt,
    /// `xsd:long`: 64-bit signed.
    Long,
    /// `xsd:unsignedLong`: 64-bit unsigned.
    UnsignedLong,
    /// `xsd:boolean`: `true`, `false`, `1`, `0`.
    Boolean,
    /// `xsd:dateTime`.
    DateTime,
    /// `xsd:base64Binary` (`SOAP-ENC:base64` reads as this too).
    Base64,
    /// `xsd:hexBinary`.
    HexBinary,
    /// Any other type, by its local name (written back as `xsd:<name>`).
    Other(Cow<'a, str>),
}

/// Its local name, as written after `xsd:` (`unsignedInt`, `base64Binary`, or the name kept).
#[cfg(feature = "serde")]
impl serde::Serialize for XsdType<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.local_name())
    }
}

impl XsdType<'_> {
    /// The local name written after `xsd:`.
    #[must_use]
    pub fn local_name(&self) -> &str {
        match self {
            Self::String => "string",
            Self::Int => "int",
            Self::UnsignedInt => "unsignedInt",
            Self::Long => "long",
            Self::UnsignedLong => "unsignedLong",
            Self::Boolean => "boolean",
            Self::DateTime => "dateTime",
            Self::Base64 => "base64Binary",
            Self::HexBinary => "hexBinary",
            Self::Other(name) => name,
        }
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> XsdType<'static> {
        match self {
            Self::String => XsdType::String,
            Self::Int => XsdType::Int,
            Self::UnsignedInt => XsdType::UnsignedInt,
            Self::Long => XsdType::Long,
            Self::UnsignedLong => XsdType::UnsignedLong,
            Self::Boolean => XsdType::Boolean,
            Self::DateTime => XsdType::DateTime,
            Self::Base64 => XsdType::Base64,
            Self::HexBinary => XsdType::HexBinary,
            Self::Other(name) => XsdType::Other(Cow::Owned(name.into_owned())),
        }
    }

    /// The type named by an XML Schema local name; unknown names give `Other`.
    pub(crate) fn from_local_name(name: &str) -> XsdType<'_> {
        match name {
            "string" => XsdType::String,
            "int" => XsdType::Int,
            "unsignedInt" => XsdType::UnsignedInt,
            "long" => XsdType::Long,
            "unsignedLong" => XsdType::UnsignedLong,
            "boolean" => XsdType::Boolean,
            "dateTime" => XsdType::DateTime,
            "base64Binary" | "base64" => XsdType::Base64,
            "hexBinary" => XsdType::HexBinary,
            other => XsdType::Other(Cow::Borrowed(other)),
        }
    }

    /// Whether `text` is a valid lexical form of this type (whitespace around numbers and
    /// booleans, and booleans in any case, are accepted here and warned about by the reader).
    pub(crate) fn accepts(&self, text: &str) -> bool {
        let t = trim_str(text);
        match self {
            Self::String | Self::Other(_) => true,
            Self::Int => t.parse::<i32>().is_ok(),
            Self::UnsignedInt => t.parse::<u32>().is_ok(),
            Self::Long => t.parse::<i64>().is_ok(),
            Self::UnsignedLong => t.parse::<u64>().is_ok(),
            Self::Boolean => parse_bool(t).is_some(),
            Self::DateTime => DateTime::parse(t).is_some(),
            Self::Base64 => is_base64(t),
            Self::HexBinary => {
                t.len().is_multiple_of(2) && t.bytes().all(|b| b.is_ascii_hexdigit())
            }
        }
    }
}

/// Parses an XML Schema boolean in any case: `true`, `false`, `1`, `0`.
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        t if t.eq_ignore_ascii_case("true") => Some(true),
        t if t.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn is_base64(text: &str) -> bool {
    // Base64 in XML may be wrapped over lines; padding only at the end.
    let mut pad = 0usize;
    let mut n = 0usize;
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if pad == 0 => n += 1,
            b'=' => {
                pad += 1;
                n += 1;
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => return false,
        }
    }
    pad <= 2 && n.is_multiple_of(4)
}

/// A parameter value: its type and its text exactly as received (after XML unescaping).
///
/// Build values with the typed constructors, which write the canonical text:
///
/// ```
/// use cwmp_codec::{Value, XsdType};
/// let v = Value::unsigned_int(7547);
/// assert_eq!(v.xsd_type, XsdType::UnsignedInt);
/// assert_eq!(v.text, "7547");
/// assert_eq!(v.as_u32(), Some(7547));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Value<'a> {
    /// The type from `xsi:type`.
    #[cfg_attr(feature = "serde", serde(rename = "type"))]
    pub xsd_type: XsdType<'a>,
    /// The text content.
    pub text: Cow<'a, str>,
}

impl<'a> Value<'a> {
    /// An `xsd:string` value.
    pub fn string(text: impl Into<Cow<'a, str>>) -> Self {
        Self {
            xsd_type: XsdType::String,
            text: text.into(),
        }
    }

    /// An `xsd:int` value.
    #[must_use]
    pub fn int(v: i32) -> Self {
        Self {
            xsd_type: XsdType::Int,
            text: Cow::Owned(v.to_string()),
        }
    }

    /// An `xsd:unsignedInt` value.
    #[must_use]
    pub fn unsigned_int(v: u32) -> Self {
        Self {
            xsd_type: XsdType::UnsignedInt,
            text: Cow::Owned(v.to_string()),
        }
    }

    /// An `xsd:long` value.
    #[must_use]
    pub fn long(v: i64) -> Self {
        Self {
            xsd_type: XsdType::Long,
            text: Cow::Owned(v.to_string()),
        }
    }

    /// An `xsd:unsignedLong` value.
    #[must_use]
    pub fn unsigned_long(v: u64) -> Self {
        Self {
            xsd_type: XsdType::UnsignedLong,
            text: Cow::Owned(v.to_string()),
        }
    }

    /// An `xsd:boolean` value, written `true`/`false` (or `1`/`0` with
    /// [`WriteOptions::numeric_booleans`](crate::WriteOptions::numeric_booleans)).
    #[must_use]
    pub fn boolean(v: bool) -> Self {
        Self {
            xsd_type: XsdType::Boolean,
            text: Cow::Borrowed(if v { "true" } else { "false" }),
        }
    }

    /// An `xsd:dateTime` value.
    #[must_use]
    pub fn date_time(v: DateTime) -> Self {
        Self {
            xsd_type: XsdType::DateTime,
            text: Cow::Owned(v.to_string()),
        }
    }

    /// An `xsd:base64Binary` value from already-encoded text.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when `encoded` is not base64.
    pub fn base64(encoded: impl Into<Cow<'a, str>>) -> Result<Self, InvalidValue> {
        Self::typed(XsdType::Base64, encoded)
    }

    /// An `xsd:hexBinary` value from hex text.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when `hex` is not an even number of hex digits.
    pub fn hex_binary(hex: impl Into<Cow<'a, str>>) -> Result<Self, InvalidValue> {
        Self::typed(XsdType::HexBinary, hex)
    }

    /// A value of any type, checking that `text` is a lexical form of it.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when `text` does not parse as `xsd_type`, or when an `Other` type's
    /// name is not an XML name or is the name of a known type.
    pub fn typed(
        xsd_type: XsdType<'a>,
        text: impl Into<Cow<'a, str>>,
    ) -> Result<Self, InvalidValue> {
        let text = text.into();
        if let XsdType::Other(name) = &xsd_type {
            let known = !matches!(XsdType::from_local_name(name), XsdType::Other(_));
            if known || !is_ncname(name.as_bytes()) {
                return Err(InvalidValue {
                    expected: "xsd type name".to_owned(),
                    found: truncate(name),
                });
            }
        }
        if xsd_type.accepts(&text) && text.trim_matches(is_xml_space) == text {
            Ok(Self { xsd_type, text })
        } else {
            Err(InvalidValue {
                expected: xsd_type.local_name().to_owned(),
                found: truncate(&text),
            })
        }
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The value as a boolean, whatever its `xsi:type`, if the text is one.
    #[must_use]
    pub fn as_bool(&self) -> Option<bool> {
        parse_bool(self.trimmed())
    }

    /// The value as a `u32`, if the text is one.
    #[must_use]
    pub fn as_u32(&self) -> Option<u32> {
        self.trimmed().parse().ok()
    }

    /// The value as an `i32`, if the text is one.
    #[must_use]
    pub fn as_i32(&self) -> Option<i32> {
        self.trimmed().parse().ok()
    }

    /// The value as a `u64`, if the text is one.
    #[must_use]
    pub fn as_u64(&self) -> Option<u64> {
        self.trimmed().parse().ok()
    }

    /// The value as an `i64`, if the text is one.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        self.trimmed().parse().ok()
    }

    /// The value as an RFC 3339 dateTime, if the text is one.
    #[must_use]
    pub fn as_date_time(&self) -> Option<DateTime> {
        DateTime::parse(self.trimmed())
    }

    /// Whether the text is a valid lexical form of the value's type.
    #[must_use]
    pub fn is_valid(&self) -> bool {
        self.xsd_type.accepts(&self.text)
    }

    fn trimmed(&self) -> &str {
        self.text.trim_matches(is_xml_space)
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> Value<'static> {
        Value {
            xsd_type: self.xsd_type.into_owned(),
            text: Cow::Owned(self.text.into_owned()),
        }
    }
}

/// A value that a constructor refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {expected} value {found:?}")]
pub struct InvalidValue {
    /// The type or field that was expected.
    pub expected: String,
    /// The text refused (cut to 64 bytes).
    pub found: String,
}

pub(crate) fn truncate(text: &str) -> String {
    crate::error::excerpt(text)
}

/// An XML Schema `dateTime` in RFC 3339 form: `2011-10-11T15:48:26+09:00`.
///
/// The offset is optional (`xsd:dateTime` allows a local time); fractional seconds are kept to
/// the nanosecond. TR-069's Unknown Time is `0001-01-01T00:00:00Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DateTime {
    /// Year, 1 to 9999.
    pub year: u16,
    /// Month, 1 to 12.
    pub month: u8,
    /// Day, 1 to 31.
    pub day: u8,
    /// Hour, 0 to 23.
    pub hour: u8,
    /// Minute, 0 to 59.
    pub minute: u8,
    /// Second, 0 to 60 (leap second).
    pub second: u8,
    /// Fraction of the second in nanoseconds.
    pub nanosecond: u32,
    /// Offset from UTC in minutes (`Z` is 0); `None` for a local time.
    pub offset_minutes: Option<i16>,
}

impl DateTime {
    /// TR-069's Unknown Time, `0001-01-01T00:00:00Z`.
    pub const UNKNOWN: Self = Self {
        year: 1,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        nanosecond: 0,
        offset_minutes: Some(0),
    };

    /// Parses `YYYY-MM-DDThh:mm:ss[.f][Z|(+|-)hh:mm]`; `None` for anything else.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let digits = b.get(r)?;
            digits.iter().try_fold(0u32, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
            })
        };
        if b.len() < 19
            || b.get(4) != Some(&b'-')
            || b.get(7) != Some(&b'-')
            || !matches!(b.get(10), Some(b'T' | b't'))
            || b.get(13) != Some(&b':')
            || b.get(16) != Some(&b':')
        {
            return None;
        }
        let year = u16::try_from(num(0..4)?).ok()?;
        let month = u8::try_from(num(5..7)?).ok()?;
        let day = u8::try_from(num(8..10)?).ok()?;
        let hour = u8::try_from(num(11..13)?).ok()?;
        let minute = u8::try_from(num(14..16)?).ok()?;
        let second = u8::try_from(num(17..19)?).ok()?;
        if year == 0 || !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 {
            return None;
        }
        if minute > 59 || second > 60 {
            return None;
        }
        let mut i = 19;
        let mut nanosecond = 0u32;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                if i - start < 9 {
                    nanosecond = nanosecond * 10 + u32::from(b[i] - b'0');
                }
                i += 1;
            }
            let digits = i - start;
            if digits == 0 {
                return None;
            }
            for _ in digits..9 {
                nanosecond *= 10;
            }
        }
        let offset_minutes = match b.get(i) {
            None => None,
            Some(b'Z' | b'z') if i + 1 == b.len() => Some(0),
            Some(&sign @ (b'+' | b'-')) if i + 6 == b.len() && b.get(i + 3) == Some(&b':') => {
                let h = num(i + 1..i + 3)?;
                let m = num(i + 4..i + 6)?;
                if h > 23 || m > 59 {
                    return None;
                }
                let total = i16::try_from(h * 60 + m).ok()?;
                Some(if sign == b'-' { -total } else { total })
            }
            _ => return None,
        };
        Some(Self {
            year,
            month,
            day,
            hour,
            minute,
            second,
            nanosecond,
            offset_minutes,
        })
    }

    /// The same instant written without fractional seconds (for CPEs that reject them).
    #[must_use]
    pub fn without_fraction(self) -> Self {
        Self {
            nanosecond: 0,
            ..self
        }
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if self.nanosecond != 0 {
            let mut frac = format!("{:09}", self.nanosecond);
            while frac.ends_with('0') {
                frac.pop();
            }
            write!(f, ".{frac}")?;
        }
        match self.offset_minutes {
            None => Ok(()),
            Some(0) => f.write_str("Z"),
            Some(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                let m = m.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", m / 60, m % 60)
            }
        }
    }
}

/// A schema field of type `xsd:dateTime`, kept as text so a non-RFC 3339 time a CPE sent
/// (the TTA standard's `Tue Oct 11 15:48:26 KST 2011`) is never dropped.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct DateTimeText<'a> {
    /// The text as received.
    pub text: Cow<'a, str>,
}

impl DateTimeText<'_> {
    /// The time, if the text is RFC 3339.
    #[must_use]
    pub fn parsed(&self) -> Option<DateTime> {
        DateTime::parse(self.text.trim_matches(is_xml_space))
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> DateTimeText<'static> {
        DateTimeText {
            text: Cow::Owned(self.text.into_owned()),
        }
    }
}

impl From<DateTime> for DateTimeText<'_> {
    fn from(v: DateTime) -> Self {
        Self {
            text: Cow::Owned(v.to_string()),
        }
    }
}

// ---------------------------------------------------------------- reading

impl<'a> FromXml<'a> for Value<'a> {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        let xsi_type = p.attr(&elem, AttrName::Type)?;
        let xsd_type = match &xsi_type {
            None => {
                p.tolerate_in(&elem, WarningKind::MissingXsiType)?;
                XsdType::String
            }
            Some(attr) if attr.value.trim_matches(is_xml_space).is_empty() => {
                p.tolerate_in(&elem, WarningKind::EmptyXsiType)?;
                XsdType::String
            }
            Some(attr) => {
                if p.resolve(attr.prefix, false)? != Ns::Xsi {
                    // `type` in another namespace is no xsi:type: treat as missing.
                    p.tolerate_in(&elem, WarningKind::MissingXsiType)?;
                    XsdType::String
                } else {
                    value_type(p, &elem, attr.value.clone())?
                }
            }
        };
        let text = p.text(&elem)?;
        if xsd_type == XsdType::String {
            // Any text is a string: nothing to check.
        } else if !xsd_type.accepts(&text) {
            p.tolerate_in(&elem, WarningKind::ValueTypeMismatch)?;
        } else if !matches!(xsd_type, XsdType::Other(_)) && trim_str(&text).len() != text.len() {
            p.tolerate_in(&elem, WarningKind::SurroundingWhitespace)?;
        } else if xsd_type == XsdType::Boolean && !matches!(&*text, "true" | "false" | "1" | "0") {
            p.tolerate_in(&elem, WarningKind::BooleanCase)?;
        }
        Ok(Self { xsd_type, text })
    }
}

fn value_type<'a>(
    p: &mut Parser<'a>,
    elem: &Elem<'a>,
    raw: Cow<'a, str>,
) -> Result<XsdType<'a>, ParseError> {
    let (prefix, local, facet) = split_type_name(&raw);
    if facet {
        p.tolerate_in(elem, WarningKind::SizeFacet)?;
    }
    // `xsd:` (as a deployed Audiocodes CPE sends), `()`, `xsd:(64)`: a type attribute that
    // names no type is read as no type at all, as an empty one is.
    if trim_str(local).is_empty() {
        p.tolerate_in(elem, WarningKind::EmptyXsiType)?;
        return Ok(XsdType::String);
    }
    let ns = match prefix {
        Some(prefix) => match p.resolve(Some(prefix.as_bytes()), true) {
            Ok(ns) => ns,
            Err(_) if !p.strict => Ns::None,
            Err(e) => return Err(e),
        },
        None => p.resolve(None, true)?,
    };
    let known = matches!(ns, Ns::Xsd | Ns::SoapEnc);
    let t = XsdType::from_local_name(local);
    // A name kept as `Other` is written back into an attribute: it must be a name.
    if matches!(t, XsdType::Other(_)) && !is_ncname(local.as_bytes()) {
        return Err(p.error_in(
            elem,
            ErrorKind::InvalidValue {
                expected: "xsi:type",
                found: truncate(&raw),
            },
        ));
    }
    // Written back as `xsd:<name>`: keep that within the limit the reader applies to it.
    if matches!(t, XsdType::Other(_)) && local.len() + 4 > p.limits.max_text_bytes {
        return Err(p.limit_error_in(elem, Limit::MaxTextBytes));
    }
    if !known || matches!(t, XsdType::Other(_)) {
        p.tolerate_in(elem, WarningKind::UnknownXsiType)?;
    }
    Ok(match t {
        XsdType::Other(_) => XsdType::Other(match raw {
            Cow::Borrowed(r) => Cow::Borrowed(split_type_name(r).1),
            Cow::Owned(_) => Cow::Owned(local.to_owned()),
        }),
        t => t.into_owned(),
    })
}

/// Splits an `xsi:type` value into prefix, local name and whether it carried a size facet
/// (`xsd:string(64)`, as the TTA examples write): the one place that reads the value's shape,
/// so the name checked is the name kept.
fn split_type_name(raw: &str) -> (Option<&str>, &str, bool) {
    let trimmed = trim_str(raw);
    let (name, facet) = match memchr::memchr(b'(', trimmed.as_bytes()) {
        Some(i) if trimmed.ends_with(')') => (trimmed.get(..i).unwrap_or_default(), true),
        _ => (trimmed, false),
    };
    match name.split_once(':') {
        Some((prefix, local)) => (Some(prefix), local, facet),
        None => (None, name, facet),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_time_round_trips() {
        for s in [
            "2011-10-11T15:48:26+09:00",
            "0001-01-01T00:00:00Z",
            "2024-02-29T23:59:60.5-03:30",
            "2024-02-29T23:59:59.000000001Z",
            "2024-02-29T23:59:59",
        ] {
            let d = DateTime::parse(s).unwrap();
            assert_eq!(d.to_string(), s);
        }
    }

    #[test]
    fn date_time_rejects() {
        for s in [
            "Tue Oct 11 15:48:26 KST 2011",
            "2011-13-11T15:48:26Z",
            "2011-10-11 15:48:26Z",
            "2011-10-11T15:48:26.Z",
            "2011-10-11T15:48:26+0900",
            "0000-01-01T00:00:00Z",
            "",
        ] {
            assert_eq!(DateTime::parse(s), None, "{s}");
        }
    }

    #[test]
    fn lexical_checks() {
        let cases: &[(XsdType<'_>, &str, bool)] = &[
            (XsdType::Int, "-5", true),
            (XsdType::Int, "2147483648", false),
            (XsdType::UnsignedInt, " 5 ", true),
            (XsdType::UnsignedInt, "-1", false),
            (XsdType::Boolean, "TRUE", true),
            (XsdType::Boolean, "yes", false),
            (XsdType::Base64, "QUJD", true),
            (XsdType::Base64, "QUJ", false),
            (XsdType::HexBinary, "0aFF", true),
            (XsdType::HexBinary, "0aF", false),
        ];
        for (t, s, ok) in cases {
            assert_eq!(t.accepts(s), *ok, "{t:?} {s}");
        }
    }
}
