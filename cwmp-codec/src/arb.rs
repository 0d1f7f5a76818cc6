//! Generators of valid model values for fuzzing and property tests (feature `arbitrary`).
//!
//! Every generated value survives write -> parse unchanged: text uses only characters XML 1.0
//! can carry, typed values use canonical lexical forms, codes come from their known lists or a
//! vendor form that cannot collide with them, and envelope versions agree with their headers.

use std::borrow::Cow;

use arbitrary::{Arbitrary, Unstructured};

use crate::envelope::{Body, CwmpVersion, Envelope};
use crate::header::Header;
use crate::rpc::types::Secret;
use crate::value::{DateTime, DateTimeText, Value, XsdType};

/// Generation of one valid model value.
pub(crate) trait Arb<'a>: Sized {
    fn arb(u: &mut Unstructured<'a>) -> arbitrary::Result<Self>;
}

const ALPHABET: &[char] = &[
    'a',
    'Z',
    '0',
    '9',
    '.',
    '_',
    '-',
    ' ',
    ':',
    '/',
    '<',
    '>',
    '&',
    '"',
    '\'',
    '\t',
    '\n',
    '\r',
    '\u{e9}',
    '\u{d55c}',
    '\u{1f4fa}',
    ']',
    '=',
    '%',
];

/// Text of up to 24 characters from an alphabet that exercises escaping.
pub(crate) fn text(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    let len = u.int_in_range(0..=24)?;
    let mut s = String::with_capacity(len);
    for _ in 0..len {
        s.push(*u.choose(ALPHABET)?);
    }
    Ok(s)
}

/// A non-empty word of letters and digits.
pub(crate) fn word(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    let len = u.int_in_range(1..=12)?;
    let mut s = String::with_capacity(len);
    for _ in 0..len {
        s.push(*u.choose(&['a', 'b', 'X', 'Y', '1', '2', '_'])?);
    }
    Ok(s)
}

pub(crate) fn arb_list<'a, T: Arb<'a>>(
    u: &mut Unstructured<'a>,
    min: usize,
) -> arbitrary::Result<Vec<T>> {
    let n = u.int_in_range(min..=min + 4)?;
    (0..n).map(|_| T::arb(u)).collect()
}

impl<'a> Arb<'a> for Cow<'a, str> {
    fn arb(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        text(u).map(Cow::Owned)
    }
}

impl<'a> Arb<'a> for Secret<'a> {
    fn arb(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        text(u).map(Secret::new)
    }
}

impl<'a> Arb<'a> for u32 {
    fn arb(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        u.arbitrary()
    }
}

impl<'a> Arb<'a> for i32 {
    fn arb(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        u.arbitrary()
    }
}

impl<'a> Arb<'a> for bool {
    fn arb(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        u.arbitrary()
    }
}

impl<'a, T: Arb<'a>> Arb<'a> for Option<T> {
    fn arb(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        if u.arbitrary()? {
            T::arb(u).map(Some)
        } else {
            Ok(None)
        }
    }
}

impl<'a> Arb<'a> for DateTime {
    fn arb(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(DateTime {
            year: u.int_in_range(1..=9999)?,
            month: u.int_in_range(1..=12)?,
            day: u.int_in_range(1..=28)?,
            hour: u.int_in_range(0..=23)?,
            minute: u.int_in_range(0..=59)?,
            second: u.int_in_range(0..=59)?,
            nanosecond: if u.arbitrary()? {
                0
            } else {
                u.int_in_range(0..=999_999_999)?
            },
            offset_minutes: if u.arbitrary()? {
                None
            } else {
                Some(u.int_in_range(-840..=840)?)
            },
        })
    }
}

impl<'a> Arb<'a> for DateTimeText<'a> {
    fn arb(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(DateTime::arb(u)?.into())
    }
}

impl<'a> Arb<'a> for Value<'a> {
    fn arb(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u.choose_index(9)? {
            0 => Value::string(text(u)?),
            1 => Value::int(u.arbitrary()?),
            2 => Value::unsigned_int(u.arbitrary()?),
            3 => Value::long(u.arbitrary()?),
            4 => Value::unsigned_long(u.arbitrary()?),
            5 => Value::boolean(u.arbitrary()?),
            6 => Value::date_time(DateTime::arb(u)?),
            7 => {
                let bytes: Vec<u8> = u.arbitrary()?;
                let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
                Value {
                    xsd_type: XsdType::HexBinary,
                    text: Cow::Owned(hex),
                }
            }
            _ => {
                // An NCName that names no known type.
                let name = format!("x{}", word(u)?);
                Value {
                    xsd_type: XsdType::Other(Cow::Owned(name)),
                    text: Cow::Owned(text(u)?),
                }
            }
        })
    }
}

impl<'a> Arbitrary<'a> for Header<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Header {
            id: Arb::arb(u)?,
            hold_requests: Arb::arb(u)?,
            no_more_requests: Arb::arb(u)?,
            session_timeout: Arb::arb(u)?,
            supported_cwmp_versions: Arb::arb(u)?,
            use_cwmp_version: Arb::arb(u)?,
            unknown: Vec::new(),
        })
    }
}

impl<'a> Arbitrary<'a> for Body<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let kind = u.choose_index(Body::KINDS)?;
        Body::arbitrary_of_kind(kind, u)
    }
}

impl<'a> Arbitrary<'a> for Envelope<'a> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let header = Header::arbitrary(u)?;
        let body = Body::arbitrary(u)?;
        Ok(Envelope::with_consistent_version(
            u.int_in_range(0..=2)?,
            header,
            body,
        ))
    }
}

impl<'a> Envelope<'a> {
    /// An envelope in the namespace of cwmp minor version `minor` (0, 1 or 2), with the
    /// version a reader would detect from that namespace and the header.
    #[must_use]
    #[doc(hidden)]
    pub fn with_consistent_version(minor: u8, header: Header<'a>, body: Body<'a>) -> Self {
        let version = CwmpVersion::detect(minor.min(2), &header);
        Envelope {
            version,
            header,
            body,
        }
    }
}
