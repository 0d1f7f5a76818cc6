//! Each limit, when hit, is its own error naming the limit; warnings past their cap are counted.

use dhcp_tta_options::{
    AcsOptions, ErrorKind, Limit, Limits, OptionsField, ProviderList, ReadOptions, VendorInfo,
};

fn limit_of(kind: &ErrorKind) -> Option<Limit> {
    match kind {
        ErrorKind::LimitExceeded { limit, .. } => Some(*limit),
        _ => None,
    }
}

/// Lenient reading with the default limits changed by `f`.
fn with(f: impl FnOnce(&mut Limits)) -> ReadOptions {
    let mut limits = Limits::default();
    f(&mut limits);
    ReadOptions::lenient().with_limits(limits)
}

#[test]
fn each_limit_is_reported() {
    let o = with(|l| l.max_input_bytes = 10);
    let e = ProviderList::parse_with(b"KT,http://a,n", &o).unwrap_err();
    assert_eq!(limit_of(e.kind()), Some(Limit::InputBytes));
    assert_eq!(
        e.to_string(),
        "limit exceeded: max_input_bytes is 10 at byte 10 (provider list)"
    );

    let o = with(|l| l.max_providers = 2);
    let three = b"A,http://a,n|B,http://b,n|C,http://c,n";
    let e = ProviderList::parse_with(three, &o).unwrap_err();
    assert_eq!(limit_of(e.kind()), Some(Limit::Providers));
    assert!(ProviderList::parse_with(&three[..25], &o).is_ok());

    let o = with(|l| l.max_field_bytes = 8);
    let e = ProviderList::parse_with(b"A,http://abc,n", &o).unwrap_err();
    assert_eq!(limit_of(e.kind()), Some(Limit::FieldBytes));

    let o = with(|l| l.max_option_instances = 2);
    let e = OptionsField::parse_with(b"\x35\x01\x02\x2b\x01a\x2b\x01b\xff", &o).unwrap_err();
    assert_eq!(limit_of(e.kind()), Some(Limit::OptionInstances));

    let o = with(|l| l.max_suboptions = 1);
    let e = AcsOptions::parse_with(b"\x05\x00\x06\x00", &o).unwrap_err();
    assert_eq!(limit_of(e.kind()), Some(Limit::Suboptions));
    let e = VendorInfo::parse_with(b"\0\0\0\x01\x04\x05\x00\x06\x00", &o).unwrap_err();
    assert_eq!(limit_of(e.kind()), Some(Limit::Suboptions));
}

#[test]
fn limit_names_are_the_field_names() {
    let table = [
        (Limit::InputBytes, "max_input_bytes"),
        (Limit::Providers, "max_providers"),
        (Limit::FieldBytes, "max_field_bytes"),
        (Limit::OptionInstances, "max_option_instances"),
        (Limit::Suboptions, "max_suboptions"),
    ];
    for (limit, name) in table {
        assert_eq!(limit.name(), name);
        assert_eq!(limit.to_string(), name);
    }
}

#[test]
fn warnings_past_the_cap_are_counted() {
    // Whitespace before the text, around each of 3 fields of 2 entries and after the text, and
    // a trailing NUL: 9 warnings.
    let input = b" A , http://a , n | B , http://b , n \0";
    let all = ProviderList::parse_with(input, &ReadOptions::lenient()).unwrap();
    assert_eq!((all.warnings.len(), all.dropped_warnings), (9, 0));
    let capped = ProviderList::parse_with(input, &with(|l| l.max_warnings = 2)).unwrap();
    assert_eq!(capped.warnings, all.warnings[..2]);
    assert_eq!(capped.dropped_warnings, 7);
    assert_eq!(capped.value, all.value);
}

#[test]
fn defaults_accept_a_full_size_list() {
    let entry = "SP,https://acs.provider.example:8443/tta/provisioning,ntp.provider.example";
    let text = vec![entry; Limits::default().max_providers].join("|");
    assert_eq!(ProviderList::parse(text.as_bytes()).unwrap().len(), 32);
}
