//! Option 60, the vendor class identifier: what an STB sends, and what a server sees.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::error::{ErrorKind, InvalidValue, Limit, Location, ParseError};
use crate::read::{Parsed, ReadOptions};

/// The vendor class a TTA IPTV terminal sends in every DISCOVER and REQUEST.
pub const IPTV_DEVICE: &str = "IPTV Device";

/// The marker of a TR-069 device's vendor class (TR-069 section 3.1): `dslforum.org` anywhere.
pub const TR069_MARKER: &str = "dslforum.org";

/// What kind of client a vendor class names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum ClientKind {
    /// A TTA IPTV terminal: `IPTV Device`.
    TtaIptv,
    /// A TR-069 device: `dslforum.org` appears in the class.
    Tr069,
    /// Anything else.
    Other,
}

/// Classifies a received vendor class.
///
/// `IPTV Device` matches exactly, with trailing NUL bytes ignored (servers and clients that send
/// the C string's terminator). `dslforum.org` matches anywhere, in any ASCII case.
#[must_use]
pub fn classify(value: &[u8]) -> ClientKind {
    let mut end = value.len();
    while end > 0 && value[end - 1] == 0 {
        end -= 1;
    }
    if &value[..end] == IPTV_DEVICE.as_bytes() {
        ClientKind::TtaIptv
    } else if value
        .windows(TR069_MARKER.len())
        .any(|w| w.eq_ignore_ascii_case(TR069_MARKER.as_bytes()))
    {
        ClientKind::Tr069
    } else {
        ClientKind::Other
    }
}

/// An option-60 value.
///
/// Serializes as `{"hex": "495054562044657669636520"}`, the raw bytes as hex (a class need not
/// be text).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VendorClass<'a> {
    value: Cow<'a, [u8]>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for VendorClass<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut st = s.serialize_struct("VendorClass", 1)?;
        st.serialize_field("hex", &crate::suboptions::Hex(&self.value))?;
        st.end()
    }
}

impl<'a> VendorClass<'a> {
    /// `IPTV Device`, the class a TTA terminal sends.
    #[must_use]
    pub fn iptv_device() -> VendorClass<'static> {
        VendorClass {
            value: Cow::Borrowed(IPTV_DEVICE.as_bytes()),
        }
    }

    /// Builds a class from bytes (RFC 2132: at least one byte).
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when empty.
    pub fn new(value: impl Into<Cow<'a, [u8]>>) -> Result<Self, InvalidValue> {
        let value = value.into();
        if value.is_empty() {
            return Err(InvalidValue::new("vendor class", "empty"));
        }
        Ok(VendorClass { value })
    }

    /// Parses a received value (the whole option data) with the default limits.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::BadLength`] when empty.
    pub fn parse(value: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_with(value, &ReadOptions::default()).map(|p| p.value)
    }

    /// Parses a received value with `options`. Any bytes are a class, so there is nothing to
    /// tolerate: no warnings, and strict mode reads the same.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::BadLength`] when empty, or the input limit hit.
    pub fn parse_with(value: &'a [u8], options: &ReadOptions) -> Result<Parsed<Self>, ParseError> {
        let max = options.limits.max_input_bytes;
        if value.len() > max {
            return Err(ParseError::new(
                max,
                ErrorKind::LimitExceeded {
                    limit: Limit::InputBytes,
                    max,
                },
            )
            .within(Location::Option { code: 60 }));
        }
        if value.is_empty() {
            return Err(ParseError::new(
                0,
                ErrorKind::BadLength {
                    code: 60,
                    len: 0,
                    expected: "at least 1",
                },
            ));
        }
        Ok(Parsed {
            value: VendorClass {
                value: Cow::Borrowed(value),
            },
            warnings: Vec::new(),
            dropped_warnings: 0,
        })
    }

    /// The raw class.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.value
    }

    /// What kind of client this class names; see [`classify`].
    #[must_use]
    pub fn kind(&self) -> ClientKind {
        classify(&self.value)
    }

    /// Appends the option value.
    pub fn write_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.value);
    }

    /// The option value.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        self.value.to_vec()
    }

    /// Writes the option value to `w`.
    ///
    /// # Errors
    ///
    /// Only the writer's own errors.
    #[cfg(feature = "std")]
    pub fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        w.write_all(&self.value)
    }

    /// Copies borrowed bytes so the value outlives its input.
    #[must_use]
    pub fn into_owned(self) -> VendorClass<'static> {
        VendorClass {
            value: Cow::Owned(self.value.into_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        let table: &[(&[u8], ClientKind)] = &[
            (b"IPTV Device", ClientKind::TtaIptv),
            (b"IPTV Device\0", ClientKind::TtaIptv),
            (b"iptv device", ClientKind::Other),
            (b"IPTV Device2", ClientKind::Other),
            (b"dslforum.org", ClientKind::Tr069),
            (b"vendor-x DSLForum.org/TR-069", ClientKind::Tr069),
            (b"MSFT 5.0", ClientKind::Other),
            (b"", ClientKind::Other),
        ];
        for (value, kind) in table {
            assert_eq!(classify(value), *kind, "{value:?}");
        }
        assert_eq!(VendorClass::iptv_device().kind(), ClientKind::TtaIptv);
        assert!(VendorClass::parse(b"").is_err());
    }
}
