//! Option 125, vendor-identifying vendor-specific information (RFC 3925), and the TR-111
//! device-gateway association sub-options of enterprise 3561.
//!
//! Not in the house-style module list: option 125 is its own option with its own framing
//! (enterprise blocks), so it gets its own module beside `option43` and `option60`.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::error::{ErrorKind, InvalidValue, Limit, Location, ParseError};
use crate::read::{Parsed, ReadOptions};
use crate::suboptions::{self, PadEnd, SubOption};

/// IANA enterprise number of the Broadband Forum (formerly DSL Forum), used by TR-111.
pub const BROADBAND_FORUM: u32 = 3561;

const CODE: u8 = 125;

/// One enterprise block: `enterprise-number (4), data-len (1), sub-options`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EnterpriseBlock<'a> {
    enterprise: u32,
    suboptions: Vec<SubOption<'a>>,
}

impl<'a> EnterpriseBlock<'a> {
    /// Builds a block.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when the sub-options take more than 255 bytes (one length byte).
    pub fn new(enterprise: u32, suboptions: Vec<SubOption<'a>>) -> Result<Self, InvalidValue> {
        if suboptions.iter().map(SubOption::wire_len).sum::<usize>() > 255 {
            return Err(InvalidValue::new(
                "enterprise block",
                "sub-options exceed 255 bytes",
            ));
        }
        Ok(EnterpriseBlock {
            enterprise,
            suboptions,
        })
    }

    /// The IANA enterprise number.
    #[must_use]
    pub fn enterprise(&self) -> u32 {
        self.enterprise
    }

    /// The sub-options, in wire order.
    #[must_use]
    pub fn suboptions(&self) -> &[SubOption<'a>] {
        &self.suboptions
    }

    /// The first sub-option with `code`.
    #[must_use]
    pub fn get(&self, code: u8) -> Option<&[u8]> {
        self.suboptions
            .iter()
            .find(|s| s.code() == code)
            .map(SubOption::data)
    }

    /// Length on the wire, header included.
    fn wire_len(&self) -> usize {
        5 + self
            .suboptions
            .iter()
            .map(SubOption::wire_len)
            .sum::<usize>()
    }

    fn write_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.enterprise.to_be_bytes());
        let len: usize = self.suboptions.iter().map(SubOption::wire_len).sum();
        // `new` and the reader keep the sub-options within one length byte.
        out.push(u8::try_from(len).unwrap_or(u8::MAX));
        for s in &self.suboptions {
            s.write_into(out);
        }
    }

    /// Copies borrowed data so the value outlives its input.
    #[must_use]
    pub fn into_owned(self) -> EnterpriseBlock<'static> {
        EnterpriseBlock {
            enterprise: self.enterprise,
            suboptions: self
                .suboptions
                .into_iter()
                .map(SubOption::into_owned)
                .collect(),
        }
    }
}

/// An option-125 value: one or more enterprise blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct VendorInfo<'a> {
    blocks: Vec<EnterpriseBlock<'a>>,
}

impl<'a> VendorInfo<'a> {
    /// Builds a value from blocks.
    #[must_use]
    pub fn new(blocks: Vec<EnterpriseBlock<'a>>) -> Self {
        VendorInfo { blocks }
    }

    /// Parses with the default limits.
    ///
    /// # Errors
    ///
    /// [`ParseError`] for a truncated block or sub-option.
    pub fn parse(input: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_with(input, &ReadOptions::default()).map(|p| p.value)
    }

    /// Parses with `options`. RFC 3925 framing leaves nothing to tolerate: no warnings, and
    /// strict mode reads the same.
    ///
    /// # Errors
    ///
    /// [`ParseError`] for a truncated block or sub-option, or a limit hit.
    pub fn parse_with(input: &'a [u8], options: &ReadOptions) -> Result<Parsed<Self>, ParseError> {
        let limits = &options.limits;
        if input.len() > limits.max_input_bytes {
            return Err(ParseError::new(
                limits.max_input_bytes,
                ErrorKind::LimitExceeded {
                    limit: Limit::InputBytes,
                    max: limits.max_input_bytes,
                },
            )
            .within(Location::Option { code: CODE }));
        }
        let mut blocks = Vec::new();
        let mut pos = 0;
        while pos < input.len() {
            let available = input.len() - pos;
            let Some(head) = input.get(pos..pos + 5) else {
                return Err(ParseError::new(
                    pos,
                    ErrorKind::EnterpriseTruncated {
                        needed: 5,
                        available,
                    },
                ));
            };
            let enterprise = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
            let len = usize::from(head[4]);
            let Some(data) = input.get(pos + 5..pos + 5 + len) else {
                return Err(ParseError::new(
                    pos,
                    ErrorKind::EnterpriseTruncated {
                        needed: 5 + len,
                        available,
                    },
                ));
            };
            let subs = suboptions::parse(data, CODE, pos + 5, PadEnd::Ignore, limits)?;
            blocks.push(EnterpriseBlock {
                enterprise,
                suboptions: subs.into_iter().map(|s| s.to_suboption()).collect(),
            });
            pos += 5 + len;
        }
        Ok(Parsed {
            value: VendorInfo { blocks },
            warnings: Vec::new(),
            dropped_warnings: 0,
        })
    }

    /// The blocks, in wire order.
    #[must_use]
    pub fn blocks(&self) -> &[EnterpriseBlock<'a>] {
        &self.blocks
    }

    /// The first block of `enterprise`.
    #[must_use]
    pub fn block(&self, enterprise: u32) -> Option<&EnterpriseBlock<'a>> {
        self.blocks.iter().find(|b| b.enterprise == enterprise)
    }

    /// Appends the encoding.
    pub fn write_into(&self, out: &mut Vec<u8>) {
        for b in &self.blocks {
            b.write_into(out);
        }
    }

    /// The encoding.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_into(&mut out);
        out
    }

    /// Writes the encoding to `w`.
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
    pub fn into_owned(self) -> VendorInfo<'static> {
        VendorInfo {
            blocks: self
                .blocks
                .into_iter()
                .map(EnterpriseBlock::into_owned)
                .collect(),
        }
    }
}

/// The TR-111 sub-options of enterprise 3561 (TR-069 Annex F): the device announces itself to
/// the gateway (1-3), the gateway answers with its own identity (4-6).
///
/// Serializes with TR-111's names as keys (`DeviceManufacturerOUI`, ...,
/// `GatewayProductClass`), `null` when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Tr111<'a> {
    /// Sub-option 1, DeviceManufacturerOUI.
    #[cfg_attr(feature = "serde", serde(rename = "DeviceManufacturerOUI"))]
    pub device_oui: Option<Cow<'a, str>>,
    /// Sub-option 2, DeviceSerialNumber.
    #[cfg_attr(feature = "serde", serde(rename = "DeviceSerialNumber"))]
    pub device_serial: Option<Cow<'a, str>>,
    /// Sub-option 3, DeviceProductClass.
    #[cfg_attr(feature = "serde", serde(rename = "DeviceProductClass"))]
    pub device_product_class: Option<Cow<'a, str>>,
    /// Sub-option 4, GatewayManufacturerOUI.
    #[cfg_attr(feature = "serde", serde(rename = "GatewayManufacturerOUI"))]
    pub gateway_oui: Option<Cow<'a, str>>,
    /// Sub-option 5, GatewaySerialNumber.
    #[cfg_attr(feature = "serde", serde(rename = "GatewaySerialNumber"))]
    pub gateway_serial: Option<Cow<'a, str>>,
    /// Sub-option 6, GatewayProductClass.
    #[cfg_attr(feature = "serde", serde(rename = "GatewayProductClass"))]
    pub gateway_product_class: Option<Cow<'a, str>>,
}

impl<'a> Tr111<'a> {
    /// No sub-option set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn slots(&self) -> [&Option<Cow<'a, str>>; 6] {
        [
            &self.device_oui,
            &self.device_serial,
            &self.device_product_class,
            &self.gateway_oui,
            &self.gateway_serial,
            &self.gateway_product_class,
        ]
    }

    /// Reads the sub-options 1-6 of the first enterprise-3561 block; `None` when there is none.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::SubOptionNotUtf8`] when one of them is not UTF-8, at the offset of the
    /// sub-option in the option-125 value as written (the value as received, when `info` was
    /// parsed). Other sub-options are ignored.
    pub fn from_vendor_info(info: &VendorInfo<'a>) -> Result<Option<Self>, ParseError> {
        let Some(index) = info
            .blocks
            .iter()
            .position(|b| b.enterprise == BROADBAND_FORUM)
        else {
            return Ok(None);
        };
        let (before, rest) = info.blocks.split_at(index);
        let Some(block) = rest.first() else {
            return Ok(None);
        };
        // Parsing keeps every block and sub-option in order, so the offsets of the written
        // value are those of the value received.
        let mut offset = before.iter().map(EnterpriseBlock::wire_len).sum::<usize>() + 5;
        let mut out = Tr111::default();
        for sub in block.suboptions() {
            let at = offset;
            offset += sub.wire_len();
            let slot = match sub.code() {
                1 => &mut out.device_oui,
                2 => &mut out.device_serial,
                3 => &mut out.device_product_class,
                4 => &mut out.gateway_oui,
                5 => &mut out.gateway_serial,
                6 => &mut out.gateway_product_class,
                _ => continue,
            };
            let text = core::str::from_utf8(sub.data()).map_err(|_| {
                ParseError::new(
                    at,
                    ErrorKind::SubOptionNotUtf8 {
                        code: CODE,
                        sub: sub.code(),
                    },
                )
            })?;
            if slot.is_none() {
                *slot = Some(Cow::Owned(text.into()));
            }
        }
        Ok(Some(out))
    }

    /// The enterprise-3561 block carrying the set sub-options, in code order.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when a value is longer than 255 bytes or all together exceed the block's
    /// 255 bytes.
    pub fn to_block(&self) -> Result<EnterpriseBlock<'static>, InvalidValue> {
        let mut subs = Vec::new();
        for (code, slot) in (1u8..).zip(self.slots()) {
            if let Some(v) = slot {
                subs.push(SubOption::new(code, v.as_bytes().to_vec())?);
            }
        }
        EnterpriseBlock::new(BROADBAND_FORUM, subs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tr111_round_trip() {
        let mut t = Tr111::new();
        t.device_oui = Some("001F3C".into());
        t.device_serial = Some("001F3C0AF04C".into());
        t.device_product_class = Some("IPTV".into());
        let info = VendorInfo::new(alloc::vec![t.to_block().unwrap()]);
        let bytes = info.to_vec();
        assert_eq!(&bytes[..5], &[0, 0, 0x0d, 0xe9, 28]);
        let back = VendorInfo::parse(&bytes).unwrap();
        assert_eq!(back, info);
        assert_eq!(Tr111::from_vendor_info(&back).unwrap(), Some(t));
    }

    #[test]
    fn errors_table() {
        let table: &[(&[u8], ErrorKind)] = &[
            (
                b"\0\0\x0d",
                ErrorKind::EnterpriseTruncated {
                    needed: 5,
                    available: 3,
                },
            ),
            (
                b"\0\0\x0d\xe9\x03\x01\x01",
                ErrorKind::EnterpriseTruncated {
                    needed: 8,
                    available: 7,
                },
            ),
            (
                b"\0\0\x0d\xe9\x02\x01\x01",
                ErrorKind::SubOptionTruncated {
                    code: 125,
                    sub: 1,
                    needed: 2,
                    available: 1,
                },
            ),
        ];
        for (input, kind) in table {
            assert_eq!(
                VendorInfo::parse(input).unwrap_err().kind(),
                kind,
                "{input:?}"
            );
        }
    }
}
