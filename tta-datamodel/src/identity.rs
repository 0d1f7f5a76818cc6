//! The STB's identity: MAC address, device ID and the default credentials (spec section 2).

use alloc::borrow::Cow;
use alloc::string::String;
use core::fmt;

use crate::error::InvalidValue;

/// A MAC address.
///
/// Reads any common spelling (`00:1f:3c:0a:f0:4c`, `00-1F-3C-0A-F0-4C`, `001f.3c0a.f04c`,
/// `001F3C0AF04C`); writes the serial-number form (12 upper-case hex digits, the spec's
/// Decision) with [`MacAddress::serial`] and the colon form with `Display`.
///
/// ```
/// use tta_datamodel::MacAddress;
/// let mac = MacAddress::parse("00-1f-3c-0a-f0-4c")?;
/// assert_eq!(mac.serial(), "001F3C0AF04C");
/// assert_eq!(mac.to_string(), "00:1F:3C:0A:F0:4C");
/// # Ok::<(), tta_datamodel::InvalidValue>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct MacAddress(pub [u8; 6]);

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

impl MacAddress {
    /// Reads a MAC address: 12 hex digits in either case, with or without `:`, `-` or `.`
    /// separators between them.
    ///
    /// # Errors
    ///
    /// [`InvalidValue::Mac`] for anything else.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let mut out = [0u8; 6];
        let mut n = 0usize;
        let mut sep = None;
        for &b in text.trim().as_bytes() {
            if let Some(v) = hex_value(b) {
                let byte = out.get_mut(n / 2).ok_or(InvalidValue::Mac)?;
                *byte = (*byte << 4) | v;
                n += 1;
            } else if matches!(b, b':' | b'-' | b'.') && n > 0 && n < 12 {
                // One kind of separator only.
                if *sep.get_or_insert(b) != b {
                    return Err(InvalidValue::Mac);
                }
            } else {
                return Err(InvalidValue::Mac);
            }
        }
        if n != 12 {
            return Err(InvalidValue::Mac);
        }
        Ok(Self(out))
    }

    /// The serial-number form: 12 upper-case hex digits, no separators.
    pub fn serial(&self) -> String {
        let mut s = String::with_capacity(12);
        for b in self.0 {
            s.push(HEX[usize::from(b >> 4)] as char);
            s.push(HEX[usize::from(b & 15)] as char);
        }
        s
    }

    /// The OUI: the first three bytes as six upper-case hex digits.
    pub fn oui(&self) -> String {
        let mut s = self.serial();
        s.truncate(6);
        s
    }
}

impl fmt::Display for MacAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for MacAddress {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The device ID `OUI-ProductClass-SerialNumber` (spec section 2), the user name of the default
/// credentials and the value of `X_TTA_DeviceID`.
///
/// ```
/// use tta_datamodel::{DeviceId, MacAddress};
/// let id = DeviceId::from_mac("001F3C", "IPTV", MacAddress::parse("00:1f:3c:0a:f0:4c")?)?;
/// assert_eq!(id.to_string(), "001F3C-IPTV-001F3C0AF04C");
/// assert_eq!(DeviceId::parse("001F3C-IPTV-001F3C0AF04C")?, id);
/// # Ok::<(), tta_datamodel::InvalidValue>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeviceId<'a> {
    oui: Cow<'a, str>,
    product_class: Cow<'a, str>,
    serial_number: Cow<'a, str>,
}

fn is_oui(s: &str) -> bool {
    s.len() == 6
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

fn is_part(s: &str) -> bool {
    !s.is_empty() && !s.contains('-') && !s.chars().any(char::is_control)
}

impl<'a> DeviceId<'a> {
    /// A device ID from its three parts.
    ///
    /// # Errors
    ///
    /// [`InvalidValue::Oui`] unless the OUI is six upper-case hex digits;
    /// [`InvalidValue::DeviceId`] if the product class or the serial number is empty, holds a
    /// `-` (which would make the ID ambiguous) or a control character.
    pub fn new(
        oui: impl Into<Cow<'a, str>>,
        product_class: impl Into<Cow<'a, str>>,
        serial_number: impl Into<Cow<'a, str>>,
    ) -> Result<Self, InvalidValue> {
        let (oui, product_class, serial_number) =
            (oui.into(), product_class.into(), serial_number.into());
        if !is_oui(&oui) {
            return Err(InvalidValue::Oui);
        }
        if !is_part(&product_class) || !is_part(&serial_number) {
            return Err(InvalidValue::DeviceId);
        }
        Ok(Self {
            oui,
            product_class,
            serial_number,
        })
    }

    /// The device ID of an STB whose serial number is its MAC address (the standard's rule),
    /// in the serial form of the spec's Decision (`001F3C0AF04C`).
    ///
    /// # Errors
    ///
    /// As [`DeviceId::new`].
    pub fn from_mac(
        oui: impl Into<Cow<'a, str>>,
        product_class: impl Into<Cow<'a, str>>,
        mac: MacAddress,
    ) -> Result<Self, InvalidValue> {
        Self::new(oui, product_class, mac.serial())
    }

    /// Reads `OUI-ProductClass-SerialNumber`.
    ///
    /// # Errors
    ///
    /// [`InvalidValue::DeviceId`] unless the text has exactly three `-`-separated parts, and
    /// as [`DeviceId::new`].
    pub fn parse(text: &'a str) -> Result<Self, InvalidValue> {
        let mut parts = text.split('-');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(o), Some(p), Some(s), None) => Self::new(o, p, s),
            _ => Err(InvalidValue::DeviceId),
        }
    }

    /// The OUI.
    pub fn oui(&self) -> &str {
        &self.oui
    }

    /// The product class.
    pub fn product_class(&self) -> &str {
        &self.product_class
    }

    /// The serial number.
    pub fn serial_number(&self) -> &str {
        &self.serial_number
    }

    /// The default HTTP credentials towards the provisioning server: this ID and
    /// [`DEFAULT_PASSWORD`].
    pub fn default_credentials(&self) -> Credentials {
        Credentials {
            user: alloc::format!("{self}"),
            password: Secret::new(DEFAULT_PASSWORD),
        }
    }

    /// Detaches the ID from the input.
    pub fn into_owned(self) -> DeviceId<'static> {
        DeviceId {
            oui: Cow::Owned(self.oui.into_owned()),
            product_class: Cow::Owned(self.product_class.into_owned()),
            serial_number: Cow::Owned(self.serial_number.into_owned()),
        }
    }
}

impl fmt::Display for DeviceId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{}",
            self.oui, self.product_class, self.serial_number
        )
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for DeviceId<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The default password every provisioning server must accept (spec section 2).
pub const DEFAULT_PASSWORD: &str = "ttadefault";

/// A credential: compared and used like a string, but `Debug` shows `Secret(<redacted>)` and
/// serde writes `"<redacted>"`; [`Secret::expose`] gives the text.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret<'a>(Cow<'a, str>);

impl<'a> Secret<'a> {
    /// Wraps a value.
    pub fn new(value: impl Into<Cow<'a, str>>) -> Self {
        Self(value.into())
    }

    /// The value in clear.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Detaches the secret from the input.
    pub fn into_owned(self) -> Secret<'static> {
        Secret(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Secret<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("<redacted>")
    }
}

/// HTTP credentials towards the provisioning server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Credentials {
    /// The user name (the device ID for the default credentials).
    pub user: String,
    /// The password.
    pub password: Secret<'static>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;

    #[test]
    fn macs() {
        for ok in [
            "001F3C0AF04C",
            "00:1f:3c:0a:f0:4c",
            "00-1F-3C-0A-F0-4C",
            "001f.3c0a.f04c",
            " 001F3C0AF04C ",
        ] {
            assert_eq!(
                MacAddress::parse(ok).unwrap().serial(),
                "001F3C0AF04C",
                "{ok}"
            );
        }
        for bad in [
            "",
            "001F3C0AF04",
            "001F3C0AF04CC",
            "00:1F-3C:0A:F0:4C",
            ":001F3C0AF04C",
            "001F3C0AF04G",
            "001F3C0AF04C:",
        ] {
            assert!(MacAddress::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn device_ids_and_credentials() {
        let id = DeviceId::parse("001F3C-IPTV-001F3C0AF04C").unwrap();
        assert_eq!(id.serial_number(), "001F3C0AF04C");
        let c = id.default_credentials();
        assert_eq!(c.user, "001F3C-IPTV-001F3C0AF04C");
        assert_eq!(c.password.expose(), "ttadefault");
        assert_eq!(
            format!("{c:?}"),
            "Credentials { user: \"001F3C-IPTV-001F3C0AF04C\", password: Secret(<redacted>) }"
        );
        assert!(DeviceId::parse("001F3C-IPTV").is_err());
        assert!(DeviceId::parse("001f3c-IPTV-1").is_err());
        assert!(DeviceId::parse("001F3C-IP-TV-1").is_err());
        assert_eq!(id.into_owned().to_string(), "001F3C-IPTV-001F3C0AF04C");
    }
}
