//! Each limit, when hit, is its own error naming the limit.

use dhcp_tta_options::{
    AcsOptions, Limit, Limits, OptionsField, ParseErrorKind, ProviderList, VendorInfo,
};

fn limit_of(kind: &ParseErrorKind) -> Option<Limit> {
    match kind {
        ParseErrorKind::LimitExceeded { limit, .. } => Some(*limit),
        _ => None,
    }
}

#[test]
fn each_limit_is_reported() {
    let mut l = Limits::default();
    l.max_input_len = 10;
    let e = ProviderList::parse_with(b"KT,http://a,n", &l).unwrap_err();
    assert_eq!(limit_of(e.kind()), Some(Limit::InputLength));
    assert_eq!(
        e.to_string(),
        "limit exceeded: max_input_len is 10 at byte 10 (provider list)"
    );

    let mut l = Limits::default();
    l.max_providers = 2;
    let three = b"A,http://a,n|B,http://b,n|C,http://c,n";
    assert_eq!(
        limit_of(ProviderList::parse_with(three, &l).unwrap_err().kind()),
        Some(Limit::Providers)
    );
    assert!(ProviderList::parse_with(&three[..25], &l).is_ok());

    let mut l = Limits::default();
    l.max_field_len = 8;
    let e = ProviderList::parse_with(b"A,http://abc,n", &l).unwrap_err();
    assert_eq!(limit_of(e.kind()), Some(Limit::FieldLength));

    let mut l = Limits::default();
    l.max_option_instances = 2;
    let e = OptionsField::parse_with(b"\x35\x01\x02\x2b\x01a\x2b\x01b\xff", &l).unwrap_err();
    assert_eq!(limit_of(e.kind()), Some(Limit::OptionInstances));

    let mut l = Limits::default();
    l.max_suboptions = 1;
    let e = AcsOptions::parse_with(b"\x05\x00\x06\x00", &l).unwrap_err();
    assert_eq!(limit_of(e.kind()), Some(Limit::SubOptions));
    let e = VendorInfo::parse_with(b"\0\0\0\x01\x04\x05\x00\x06\x00", &l).unwrap_err();
    assert_eq!(limit_of(e.kind()), Some(Limit::SubOptions));
}

#[test]
fn defaults_accept_a_full_size_list() {
    let entry = "SP,https://acs.provider.example:8443/tta/provisioning,ntp.provider.example";
    let text = vec![entry; Limits::default().max_providers].join("|");
    assert_eq!(ProviderList::parse(text.as_bytes()).unwrap().len(), 32);
}
