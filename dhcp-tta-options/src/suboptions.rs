//! Encapsulated sub-options (RFC 2132 section 8.4, RFC 3925): `code, len, data` triples inside
//! option 43 (TR-069 form) and inside each option-125 enterprise block.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::error::{ErrorKind, InvalidValue, Limit, Location, ParseError};
use crate::limits::Limits;

/// One encapsulated sub-option, kept as raw bytes.
///
/// Serializes as `{"code": 11, "hex": "303031463343"}`: the code as a number, the bytes as
/// lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SubOption<'a> {
    code: u8,
    data: Cow<'a, [u8]>,
}

impl<'a> SubOption<'a> {
    /// Builds a sub-option. The code must be 1..=254 (0 and 255 are pad and end inside option
    /// 43) and the data at most 255 bytes (one length byte).
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when the code or the length does not fit.
    pub fn new(code: u8, data: impl Into<Cow<'a, [u8]>>) -> Result<Self, InvalidValue> {
        let data = data.into();
        if code == 0 || code == 255 {
            return Err(InvalidValue::new(
                "sub-option code",
                "0 and 255 are pad and end",
            ));
        }
        if data.len() > 255 {
            return Err(InvalidValue::new("sub-option", "longer than 255 bytes"));
        }
        Ok(SubOption { code, data })
    }

    /// The sub-option code.
    #[must_use]
    pub fn code(&self) -> u8 {
        self.code
    }

    /// The raw value.
    #[must_use]
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Length on the wire, header included.
    pub(crate) fn wire_len(&self) -> usize {
        2 + self.data.len()
    }

    /// Appends `code, len, data`.
    pub fn write_into(&self, out: &mut Vec<u8>) {
        out.push(self.code);
        // `new` and the parser keep data at most 255 bytes long.
        out.push(u8::try_from(self.data.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(&self.data);
    }

    /// Copies borrowed bytes so the value outlives its input.
    #[must_use]
    pub fn into_owned(self) -> SubOption<'static> {
        SubOption {
            code: self.code,
            data: Cow::Owned(self.data.into_owned()),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for SubOption<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut st = s.serialize_struct("SubOption", 2)?;
        st.serialize_field("code", &self.code)?;
        st.serialize_field("hex", &Hex(&self.data))?;
        st.end()
    }
}

/// Raw bytes in the serde form: lower-case hex, written without an intermediate string.
#[cfg(feature = "serde")]
pub(crate) struct Hex<'a>(pub(crate) &'a [u8]);

#[cfg(feature = "serde")]
impl serde::Serialize for Hex<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl core::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// A sub-option as found, with the offset of its code byte.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawSub<'a> {
    pub(crate) offset: usize,
    pub(crate) code: u8,
    pub(crate) data: &'a [u8],
}

impl<'a> RawSub<'a> {
    pub(crate) fn to_suboption(self) -> SubOption<'a> {
        SubOption {
            code: self.code,
            data: Cow::Borrowed(self.data),
        }
    }
}

/// How a sub-option area treats codes 0 and 255.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PadEnd {
    /// Option 43 (RFC 2132 8.4): 0 is a one-byte pad, 255 ends the area.
    Honour,
    /// Option 125 (RFC 3925): every code is an ordinary sub-option.
    Ignore,
}

/// Parses a sub-option area; `base` is the offset of `input` in the caller's input and `code`
/// the enclosing option, both for errors.
pub(crate) fn parse<'a>(
    input: &'a [u8],
    code: u8,
    base: usize,
    pad_end: PadEnd,
    limits: &Limits,
) -> Result<Vec<RawSub<'a>>, ParseError> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(&sub) = input.get(pos) {
        if pad_end == PadEnd::Honour {
            if sub == 0 {
                pos += 1;
                continue;
            }
            if sub == 255 {
                break;
            }
        }
        let available = input.len() - pos - 1;
        let Some(&len) = input.get(pos + 1) else {
            return Err(ParseError::new(
                base + pos,
                ErrorKind::SubOptionTruncated {
                    code,
                    sub,
                    needed: 1,
                    available,
                },
            ));
        };
        let len = usize::from(len);
        let Some(data) = input.get(pos + 2..pos + 2 + len) else {
            return Err(ParseError::new(
                base + pos,
                ErrorKind::SubOptionTruncated {
                    code,
                    sub,
                    needed: len + 1,
                    available,
                },
            ));
        };
        if out.len() == limits.max_suboptions {
            return Err(ParseError::new(
                base + pos,
                ErrorKind::LimitExceeded {
                    limit: Limit::Suboptions,
                    max: limits.max_suboptions,
                },
            )
            .within(Location::Option { code }));
        }
        out.push(RawSub {
            offset: base + pos,
            code: sub,
            data,
        });
        pos += 2 + len;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    type Case<'a> = (&'a [u8], PadEnd, &'a [(u8, &'a [u8])]);

    #[test]
    fn table() {
        let l = Limits::default();
        let ok: &[Case<'_>] = &[
            (b"", PadEnd::Honour, &[]),
            (
                b"\x01\x02ab\x00\x02\x00",
                PadEnd::Honour,
                &[(1, b"ab"), (2, b"")],
            ),
            (b"\x01\x01a\xffjunk", PadEnd::Honour, &[(1, b"a")]),
            (b"\x00\x01a", PadEnd::Ignore, &[(0, b"a")]),
        ];
        for (input, pe, want) in ok {
            let got = parse(input, 43, 0, *pe, &l).unwrap();
            let got: Vec<(u8, &[u8])> = got.iter().map(|s| (s.code, s.data)).collect();
            assert_eq!(&got, want, "{input:?}");
        }
        let bad: &[(&[u8], ErrorKind)] = &[
            (
                b"\x01",
                ErrorKind::SubOptionTruncated {
                    code: 43,
                    sub: 1,
                    needed: 1,
                    available: 0,
                },
            ),
            (
                b"\x01\x03ab",
                ErrorKind::SubOptionTruncated {
                    code: 43,
                    sub: 1,
                    needed: 4,
                    available: 3,
                },
            ),
        ];
        for (input, kind) in bad {
            assert_eq!(
                parse(input, 43, 0, PadEnd::Honour, &l).unwrap_err().kind(),
                kind
            );
        }
    }
}
