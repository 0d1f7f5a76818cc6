//! Conversions to and from the `dhcproto` crate's option types (feature `dhcproto`).
//!
//! Both directions go through the wire encoding, so each side's own validation applies.

use alloc::vec::Vec;

use ::dhcproto::v4;
use ::dhcproto::{Decodable as _, Encodable as _};

use crate::concat::{DhcpOption, OptionsField, code};
use crate::error::InvalidValue;
use crate::option43::ProviderList;

fn rejected() -> InvalidValue {
    InvalidValue::new("option", "the other side rejects its encoding")
}

impl TryFrom<&DhcpOption<'_>> for v4::DhcpOption {
    type Error = InvalidValue;

    fn try_from(opt: &DhcpOption<'_>) -> Result<Self, InvalidValue> {
        let mut bytes = Vec::new();
        crate::concat::write_option(opt.code(), &opt.value(), &mut bytes);
        bytes.push(code::END);
        v4::DhcpOption::from_bytes(&bytes).map_err(|_| rejected())
    }
}

impl TryFrom<&v4::DhcpOption> for DhcpOption<'static> {
    type Error = InvalidValue;

    fn try_from(opt: &v4::DhcpOption) -> Result<Self, InvalidValue> {
        let bytes = opt.to_vec().map_err(|_| rejected())?;
        let field = OptionsField::parse(&bytes).map_err(|_| rejected())?;
        match field.options() {
            [one] => Ok(one.clone().into_owned()),
            _ => Err(InvalidValue::new("option", "pad and end are not options")),
        }
    }
}

impl TryFrom<&OptionsField<'_>> for v4::DhcpOptions {
    type Error = InvalidValue;

    fn try_from(field: &OptionsField<'_>) -> Result<Self, InvalidValue> {
        let bytes = field.to_vec();
        v4::DhcpOptions::from_bytes(&bytes).map_err(|_| rejected())
    }
}

impl TryFrom<&v4::DhcpOptions> for OptionsField<'static> {
    type Error = InvalidValue;

    fn try_from(opts: &v4::DhcpOptions) -> Result<Self, InvalidValue> {
        let bytes = opts.to_vec().map_err(|_| rejected())?;
        OptionsField::parse(&bytes)
            .map(OptionsField::into_owned)
            .map_err(|_| rejected())
    }
}

impl From<&ProviderList<'_>> for v4::DhcpOption {
    fn from(list: &ProviderList<'_>) -> Self {
        v4::DhcpOption::VendorExtensions(list.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use alloc::borrow::Cow;

    use super::*;
    use crate::concat::MessageType;

    #[test]
    fn both_ways() {
        let ours = alloc::vec![
            DhcpOption::MessageType(MessageType::Offer),
            DhcpOption::VendorClass(Cow::Borrowed(b"IPTV Device")),
            DhcpOption::VendorSpecific(Cow::Borrowed(b"KT,http://a,n")),
        ];
        for o in &ours {
            let theirs = v4::DhcpOption::try_from(o).unwrap();
            assert_eq!(DhcpOption::try_from(&theirs).unwrap(), *o);
        }
        let field = OptionsField::new(ours).unwrap();
        let theirs = v4::DhcpOptions::try_from(&field).unwrap();
        assert_eq!(theirs.len(), 3);
        let back = OptionsField::try_from(&theirs).unwrap();
        // dhcproto keeps options sorted by code, so compare per code.
        for o in field.options() {
            assert_eq!(back.get(o.code()), Some(o));
        }
    }
}
