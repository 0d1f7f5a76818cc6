//! proptest: `parse(write(x)) == x` for every codec, and canonical text re-writes byte-identical.

use std::borrow::Cow;

use dhcp_tta_options::{
    AcsOptions, BROADBAND_FORUM, DhcpOption, EnterpriseBlock, GatewayOption, MessageType,
    OptionsField, Provider, ProviderList, SubOption, Tag, Tr111, VendorClass, VendorInfo,
};
use proptest::prelude::*;

fn field_text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9.:/?=_~+-][A-Za-z0-9 .:/?=_~+-]{0,30}[A-Za-z0-9.:/?=_~+-]|[A-Za-z0-9]"
}

fn provider() -> impl Strategy<Value = Provider<'static>> {
    (
        field_text(),
        prop_oneof!["http://", "https://", "HTTP://"],
        field_text(),
        prop_oneof![field_text(), Just(String::new())],
    )
        .prop_filter_map("valid", |(id, scheme, host, ntp)| {
            Provider::new(id, format!("{scheme}{host}"), ntp).ok()
        })
}

proptest! {
    #[test]
    fn provider_list(providers in proptest::collection::vec(provider(), 1..8)) {
        let list = ProviderList::new(providers.clone()).unwrap();
        let text = list.to_vec();
        let back = ProviderList::parse(&text).unwrap();
        prop_assert_eq!(&back, &list);
        prop_assert_eq!(back.to_providers(), providers);
        prop_assert_eq!(back.to_vec(), text.clone());
    }

    #[test]
    fn provider_list_survives_tolerated_quirks(providers in proptest::collection::vec(provider(), 1..4), nul in any::<bool>(), bar in any::<bool>()) {
        let list = ProviderList::new(providers).unwrap();
        let mut text = format!("  {list}");
        if bar { text.push('|'); }
        if nul { text.push('\0'); }
        prop_assert_eq!(ProviderList::parse(text.as_bytes()).unwrap(), list);
    }

    #[test]
    fn acs_options(url in "http://[a-z]{1,40}", code in proptest::option::of("[A-Z0-9]{1,64}"),
                   wait in proptest::option::of(1u16..), mult in proptest::option::of(1000u16..),
                   other in proptest::collection::vec((5u8..=254, proptest::collection::vec(any::<u8>(), 0..40)), 0..4)) {
        let mut v = AcsOptions::new().with_acs_url(url).unwrap();
        if let Some(c) = code { v = v.with_provisioning_code(c).unwrap(); }
        if let Some(w) = wait { v = v.with_retry_min_wait(w).unwrap(); }
        if let Some(m) = mult { v = v.with_retry_multiplier(m).unwrap(); }
        for (c, d) in other { v = v.with_other(SubOption::new(c, d).unwrap()).unwrap(); }
        let bytes = v.to_vec();
        prop_assert_eq!(AcsOptions::parse(&bytes).unwrap(), v);
    }

    #[test]
    fn vendor_info(blocks in proptest::collection::vec((any::<u32>(), proptest::collection::vec((any::<u8>(), proptest::collection::vec(any::<u8>(), 0..50)), 0..4)), 0..4)) {
        let blocks: Vec<_> = blocks.into_iter().map(|(e, subs)| {
            let subs = subs.into_iter().map(|(c, d)| SubOption::new(c.clamp(1, 254), d).unwrap()).collect();
            EnterpriseBlock::new(e, subs).unwrap()
        }).collect();
        let info = VendorInfo::new(blocks);
        let bytes = info.to_vec();
        prop_assert_eq!(VendorInfo::parse(&bytes).unwrap(), info);
    }

    #[test]
    fn tr111(oui in "[0-9A-F]{6}", serial in "[0-9A-F]{12}", class in "[A-Za-z]{1,20}") {
        let mut t = Tr111::new();
        t.device_oui = Some(oui.into());
        t.device_serial = Some(serial.into());
        t.gateway_product_class = Some(class.into());
        let info = VendorInfo::new(vec![t.to_block().unwrap()]);
        let bytes = info.to_vec();
        let back = VendorInfo::parse(&bytes).unwrap();
        prop_assert_eq!(back.blocks()[0].enterprise(), BROADBAND_FORUM);
        prop_assert_eq!(Tr111::from_vendor_info(&back).unwrap(), Some(t));
    }

    #[test]
    fn options_field(v43 in proptest::collection::vec(any::<u8>(), 1..900),
                     v125 in proptest::collection::vec(any::<u8>(), 0..600),
                     other in proptest::collection::vec(any::<u8>(), 0..300),
                     class in proptest::collection::vec(any::<u8>(), 1..300)) {
        let mut v125 = v125;
        v125.splice(0..0, [0, 0, 0, 9, 0]);
        let field = OptionsField::new(vec![
            DhcpOption::MessageType(MessageType::Offer),
            DhcpOption::ServerId([10, 0, 0, 1].into()),
            DhcpOption::DnsServers(vec![[10, 0, 0, 2].into(), [10, 0, 0, 3].into()]),
            DhcpOption::VendorSpecific(Cow::Owned(v43)),
            DhcpOption::VendorClass(Cow::Owned(class)),
            DhcpOption::VendorIdentifying(Cow::Owned(v125)),
            DhcpOption::Other { code: 200, data: Cow::Owned(other) },
        ]).unwrap();
        let bytes = field.to_vec();
        let back = OptionsField::parse(&bytes).unwrap();
        prop_assert_eq!(&back, &field);
        prop_assert_eq!(back.to_vec(), bytes);
    }

    #[test]
    fn tr098_value(value in proptest::collection::vec(any::<u8>(), 0..=255)) {
        let text = GatewayOption::encode_value(&value).unwrap();
        prop_assert!(text.len() <= GatewayOption::MAX_BASE64_BYTES);
        prop_assert_eq!(GatewayOption::decode_value(&text).unwrap(), value);
    }

    #[test]
    fn tr098_tag(tag in 1u32..=254) {
        let t = Tag::new(tag).unwrap();
        prop_assert_eq!(Tag::parse(&t.to_string()).unwrap(), t);
    }

    #[test]
    fn vendor_class(value in proptest::collection::vec(any::<u8>(), 1..100)) {
        let v = VendorClass::new(value.clone()).unwrap();
        let bytes = v.to_vec();
        prop_assert_eq!(VendorClass::parse(&bytes).unwrap(), v);
    }
}
