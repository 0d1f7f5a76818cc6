//! TR-098 home gateways: `InternetGatewayDevice.LANDevice.{i}.LANHostConfigManagement.
//! DHCPOption.{i}.` with `Enable`, `Tag` (1..=254) and `Value` (base64 of the option value, at
//! most 255 decoded bytes, 340 characters), both ways.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{ErrorKind, InvalidValue, ParseError};
use crate::option43::ProviderList;

/// Most decoded bytes in `Value` (one DHCP option instance).
const MAX_VALUE_BYTES: usize = 255;
/// Most characters in `Value` (base64 of 255 bytes).
const MAX_BASE64_BYTES: usize = 340;

/// The `Tag` parameter: a DHCP option code, 1..=254.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Tag(u8);

impl Tag {
    /// Option 43, the tag a gateway uses to serve the TTA provider list.
    pub const VENDOR_SPECIFIC: Tag = Tag(43);

    /// Builds a tag.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] outside 1..=254.
    pub fn new(tag: u32) -> Result<Self, InvalidValue> {
        match u8::try_from(tag) {
            Ok(t @ 1..=254) => Ok(Tag(t)),
            _ => Err(InvalidValue::new("tag", "must be 1..=254")),
        }
    }

    /// Parses the unsignedInt text of the parameter.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Tr098BadTag`] for anything but a decimal number 1..=254.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let bad = || ParseError::new(0, ErrorKind::Tr098BadTag);
        if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let v = text.bytes().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
        Tag::new(v).map_err(|_| bad())
    }

    /// The option code.
    #[must_use]
    pub fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One `DHCPOption.{i}.` object of a TR-098 gateway.
///
/// Serializes with the TR-098 parameter names and forms: `{"Enable": true, "Tag": 43,
/// "Value": "<base64>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GatewayOption {
    enable: bool,
    tag: Tag,
    value: Vec<u8>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for GatewayOption {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut st = s.serialize_struct("GatewayOption", 3)?;
        st.serialize_field("Enable", &self.enable)?;
        st.serialize_field("Tag", &self.tag)?;
        st.serialize_field("Value", &self.value_base64())?;
        st.end()
    }
}

impl GatewayOption {
    /// Most decoded bytes in `Value` (one DHCP option instance).
    pub const MAX_VALUE_BYTES: usize = MAX_VALUE_BYTES;
    /// Most characters in `Value` (the base64 of 255 bytes).
    pub const MAX_BASE64_BYTES: usize = MAX_BASE64_BYTES;

    /// Decodes the base64 `Value` parameter.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Tr098ValueTooLong`] when longer than 340 characters (so more than 255
    /// bytes), [`ErrorKind::Tr098NotBase64`] when not standard padded base64.
    pub fn decode_value(text: &str) -> Result<Vec<u8>, ParseError> {
        if text.len() > MAX_BASE64_BYTES {
            return Err(ParseError::new(
                MAX_BASE64_BYTES,
                ErrorKind::Tr098ValueTooLong,
            ));
        }
        let bytes = STANDARD.decode(text).map_err(|e| {
            let offset = match e {
                base64::DecodeError::InvalidByte(at, _)
                | base64::DecodeError::InvalidLastSymbol(at, _) => at,
                _ => text.len(),
            };
            ParseError::new(offset, ErrorKind::Tr098NotBase64)
        })?;
        // 340 characters of base64 decode to at most 255 bytes: the length check above bounds
        // the decoded value too.
        Ok(bytes)
    }

    /// Encodes an option value as the base64 `Value` parameter.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when the value is longer than 255 bytes.
    pub fn encode_value(value: &[u8]) -> Result<String, InvalidValue> {
        if value.len() > MAX_VALUE_BYTES {
            return Err(InvalidValue::new("tr-098 value", "longer than 255 bytes"));
        }
        Ok(STANDARD.encode(value))
    }

    /// Builds the object.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when the value is longer than 255 bytes.
    pub fn new(enable: bool, tag: Tag, value: Vec<u8>) -> Result<Self, InvalidValue> {
        if value.len() > MAX_VALUE_BYTES {
            return Err(InvalidValue::new("tr-098 value", "longer than 255 bytes"));
        }
        Ok(GatewayOption { enable, tag, value })
    }

    /// The enabled option-43 object that serves `providers`.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when the text is longer than 255 bytes: a TR-098 gateway cannot serve it.
    pub fn option43(providers: &ProviderList<'_>) -> Result<Self, InvalidValue> {
        Self::new(true, Tag::VENDOR_SPECIFIC, providers.to_vec())
    }

    /// Parses the three parameter values (`Enable`: `true`/`false`/`1`/`0`).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Tr098NotBoolean`], or as [`Tag::parse`] and
    /// [`decode_value`](Self::decode_value); the location names the parameter.
    pub fn parse(enable: &str, tag: &str, value: &str) -> Result<Self, ParseError> {
        let enable = match enable {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => return Err(ParseError::new(0, ErrorKind::Tr098NotBoolean)),
        };
        Ok(GatewayOption {
            enable,
            tag: Tag::parse(tag)?,
            value: Self::decode_value(value)?,
        })
    }

    /// `Enable`.
    #[must_use]
    pub fn enable(&self) -> bool {
        self.enable
    }

    /// `Tag`.
    #[must_use]
    pub fn tag(&self) -> Tag {
        self.tag
    }

    /// The decoded option value.
    #[must_use]
    pub fn value(&self) -> &[u8] {
        &self.value
    }

    /// The `Value` parameter, base64.
    #[must_use]
    pub fn value_base64(&self) -> String {
        STANDARD.encode(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn tag_table() {
        for (text, ok) in [
            ("1", true),
            ("43", true),
            ("254", true),
            ("0", false),
            ("255", false),
            ("", false),
            ("+4", false),
            ("0043", false),
        ] {
            assert_eq!(Tag::parse(text).is_ok(), ok, "{text}");
        }
    }

    #[test]
    fn value_limits() {
        let max = [b'x'; 255];
        let text = GatewayOption::encode_value(&max).unwrap();
        assert_eq!(text.len(), 340);
        assert_eq!(GatewayOption::decode_value(&text).unwrap(), max);
        assert!(GatewayOption::encode_value(&[0; 256]).is_err());
        let table: &[(&str, ErrorKind)] = &[
            ("!!!!", ErrorKind::Tr098NotBase64),
            (&"A".repeat(341), ErrorKind::Tr098ValueTooLong),
            // 340 characters with no padding that decode to 255 bytes are fine; 344 are too many.
            (&STANDARD.encode([0u8; 256]), ErrorKind::Tr098ValueTooLong),
        ];
        for (text, kind) in table {
            assert_eq!(GatewayOption::decode_value(text).unwrap_err().kind(), kind);
        }
    }

    #[test]
    fn gateway_option_round_trip() {
        let list = ProviderList::parse(b"KT,http://acs.kt.example/,ntp.kt.example").unwrap();
        let g = GatewayOption::option43(&list).unwrap();
        let back = GatewayOption::parse("true", &g.tag().to_string(), &g.value_base64()).unwrap();
        assert_eq!(back, g);
        assert!(GatewayOption::parse("yes", "43", "").is_err());
    }
}
