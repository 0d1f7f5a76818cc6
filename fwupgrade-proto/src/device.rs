//! The STB's identity fields, common to the check request and the result report.

use alloc::borrow::Cow;
use core::fmt;
use core::str::FromStr;

use crate::error::InvalidValue;

/// `devId`: the STB's MAC address, written as 17 upper-case characters, `12:34:56:78:9A:BC`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DevId(pub [u8; 6]);

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The value of each upper-case hex digit, `0xFF` for every other byte: one load per digit
/// when reading a `devId`.
static UPPER_HEX: [u8; 256] = {
    let mut table = [0xFF; 256];
    let mut d = 0;
    while d < 16 {
        table[b"0123456789ABCDEF"[d] as usize] = d as u8;
        d += 1;
    }
    table
};

impl DevId {
    /// Parses the one spelling the wire allows: 17 characters, upper-case hex pairs separated
    /// by `:`.
    ///
    /// Returns `None` for anything else (lower-case hex included); use [`DevId::normalize`]
    /// to accept other spellings when building a message.
    pub fn parse_wire(s: &str) -> Option<Self> {
        let b: &[u8; 17] = s.as_bytes().try_into().ok()?;
        // Five `XX:` groups and a last `XX`: a fixed shape, so no index is computed at run time.
        let mut out = [0u8; 6];
        for (byte, group) in out.iter_mut().zip(b.chunks(3)) {
            let (hi, lo) = match group {
                [hi, lo] | [hi, lo, b':'] => (*hi, *lo),
                _ => return None,
            };
            let (hi, lo) = (UPPER_HEX[usize::from(hi)], UPPER_HEX[usize::from(lo)]);
            if hi | lo > 0xF {
                return None;
            }
            *byte = hi << 4 | lo;
        }
        Some(Self(out))
    }

    /// Reads a MAC address in any common spelling: 12 hex digits of either case, optionally
    /// separated by `:`, `-` or `.` (`001f3c0af04c`, `00-1F-3C-0A-F0-4C`, `001f.3c0a.f04c`).
    ///
    /// # Errors
    ///
    /// [`InvalidValue::DevId`] when `s` holds anything else.
    pub fn normalize(s: &str) -> Result<Self, InvalidValue> {
        let mut out = [0u8; 6];
        let mut n = 0usize;
        for c in s.trim().bytes() {
            if matches!(c, b':' | b'-' | b'.') {
                continue;
            }
            let d = hex(c).ok_or(InvalidValue::DevId)?;
            let slot = out.get_mut(n / 2).ok_or(InvalidValue::DevId)?;
            *slot = *slot << 4 | d;
            n += 1;
        }
        if n == 12 {
            Ok(Self(out))
        } else {
            Err(InvalidValue::DevId)
        }
    }

    /// The address as 12 upper-case hex digits without separators (`001F3C0AF04C`), the
    /// serial-number form of the device ID.
    pub fn to_serial(&self) -> MacSerial {
        MacSerial::new(self.0)
    }
}

/// `devId` text on the stack, so writing does not allocate.
pub(crate) struct DevIdStr([u8; 17]);

impl DevIdStr {
    pub(crate) fn new(id: DevId) -> Self {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut out = [b':'; 17];
        for (i, byte) in id.0.into_iter().enumerate() {
            if let Some([hi, lo]) = out
                .get_mut(i * 3..i * 3 + 2)
                .and_then(|s| <&mut [u8; 2]>::try_from(s).ok())
            {
                *hi = HEX[usize::from(byte >> 4)];
                *lo = HEX[usize::from(byte & 0xF)];
            }
        }
        Self(out)
    }

    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

/// 12 upper-case hex digits on the stack (see [`DevId::to_serial`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct MacSerial([u8; 12]);

impl MacSerial {
    fn new(mac: [u8; 6]) -> Self {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut out = [b'0'; 12];
        for (pair, byte) in out.chunks_exact_mut(2).zip(mac) {
            if let [hi, lo] = pair {
                *hi = HEX[usize::from(byte >> 4)];
                *lo = HEX[usize::from(byte & 0xF)];
            }
        }
        Self(out)
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for MacSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for MacSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MacSerial({})", self.as_str())
    }
}

impl FromStr for DevId {
    type Err = InvalidValue;

    /// Same as [`DevId::normalize`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::normalize(s)
    }
}

impl fmt::Display for DevId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02X}:{b:02X}:{c:02X}:{d:02X}:{e:02X}:{g:02X}")
    }
}

impl fmt::Debug for DevId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DevId({self})")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for DevId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The STB's identity as both the check request and the result report carry it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DeviceInfo<'a> {
    /// `devManuFact`: manufacturer.
    #[cfg_attr(feature = "serde", serde(rename = "devManuFact"))]
    pub dev_manu_fact: Cow<'a, str>,
    /// `devModel`: model name.
    #[cfg_attr(feature = "serde", serde(rename = "devModel"))]
    pub dev_model: Cow<'a, str>,
    /// `devIpAddr`: the STB's IP address, as a string (the standard types it so).
    #[cfg_attr(feature = "serde", serde(rename = "devIpAddr"))]
    pub dev_ip_addr: Cow<'a, str>,
    /// `devId`: the MAC address.
    #[cfg_attr(feature = "serde", serde(rename = "devId"))]
    pub dev_id: DevId,
    /// `devFwVer`: the version running now.
    #[cfg_attr(feature = "serde", serde(rename = "devFwVer"))]
    pub dev_fw_ver: Cow<'a, str>,
    /// `saID`: the current service ID.
    #[cfg_attr(feature = "serde", serde(rename = "saID"))]
    pub sa_id: Cow<'a, str>,
}

impl DeviceInfo<'_> {
    /// Detaches the values from the input.
    pub fn into_owned(self) -> DeviceInfo<'static> {
        DeviceInfo {
            dev_manu_fact: Cow::Owned(self.dev_manu_fact.into_owned()),
            dev_model: Cow::Owned(self.dev_model.into_owned()),
            dev_ip_addr: Cow::Owned(self.dev_ip_addr.into_owned()),
            dev_id: self.dev_id,
            dev_fw_ver: Cow::Owned(self.dev_fw_ver.into_owned()),
            sa_id: Cow::Owned(self.sa_id.into_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn wire_spelling() {
        let ok = [
            ("00:FF:FF:FF:FF:FF", [0, 255, 255, 255, 255, 255]),
            ("12:34:56:78:9A:BC", [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc]),
        ];
        for (s, mac) in ok {
            assert_eq!(DevId::parse_wire(s), Some(DevId(mac)));
            assert_eq!(DevId(mac).to_string(), s);
        }
        for bad in [
            "",
            "12:34:56:78:9a:bc",
            "12-34-56-78-9A-BC",
            "123456789ABC",
            "12:34:56:78:9A:BC:",
            "12:34:56:78:9A:B",
            "12:34:56:78:9A:BG",
            "12:34:56:78:9A::BC",
            "+2:34:56:78:9A:BC",
        ] {
            assert_eq!(DevId::parse_wire(bad), None, "{bad}");
        }
    }

    #[test]
    fn normalisation() {
        let want = DevId([0x00, 0x1f, 0x3c, 0x0a, 0xf0, 0x4c]);
        for s in [
            "001F3C0AF04C",
            "001f3c0af04c",
            "00-1F-3C-0A-F0-4C",
            "001f.3c0a.f04c",
            "00:1f:3c:0a:f0:4c",
            " 00:1F:3C:0A:F0:4C ",
        ] {
            assert_eq!(DevId::normalize(s), Ok(want), "{s}");
        }
        for bad in [
            "",
            "001F3C0AF04",
            "001F3C0AF04C0",
            "00 1F 3C 0A F0 4C",
            "00:1F:3C:0A:F0:4G",
        ] {
            assert_eq!(DevId::normalize(bad), Err(InvalidValue::DevId), "{bad}");
        }
        assert_eq!(want.to_serial().as_str(), "001F3C0AF04C");
    }
}
