//! Inputs that once broke an assumption, each a named test. (The fuzz targets have not found a
//! crash yet; these are the edge cases met while building the round-trip oracles.)

use dhcp_tta_options::{Form, Option43, OptionsField, ProviderList, detect};

fn canonical_round_trip(input: &[u8]) {
    if let Ok(list) = ProviderList::parse(input) {
        let text = list.to_vec();
        let back = ProviderList::parse(&text).unwrap();
        assert_eq!(back, list);
        assert_eq!(back.to_vec(), text);
    }
}

#[test]
fn whitespace_nul_and_separator_mixed_at_the_end() {
    for tail in [&b" |\0 "[..], b"\0|", b"| \0\0", b"\t|\r\n"] {
        let mut input = b"A,http://a,n".to_vec();
        input.extend_from_slice(tail);
        canonical_round_trip(&input);
    }
    // Two separators are one too many: an empty entry, not a tolerated quirk.
    assert!(ProviderList::parse(b"A,http://a,n||").is_err());
}

#[test]
fn form_feed_is_whitespace_not_content() {
    let list = ProviderList::parse(b"A\x0c,http://a,n").unwrap();
    assert_eq!(list.get(0).unwrap().id(), "A");
    canonical_round_trip(b"A\x0c,http://a,n");
}

#[test]
fn text_that_is_also_valid_suboptions_is_flagged_uncertain() {
    let input = b"A ,http://aaaaaaaaaaaaaaaaaaaaaa,n";
    let d = detect(input);
    assert_eq!((d.form, d.certain), (Form::Tta, false));
    assert_eq!(Option43::parse(input).unwrap().form(), Form::Tta);
}

#[test]
fn empty_ntp_field_survives_the_round_trip() {
    canonical_round_trip(b"A,http://a,");
    canonical_round_trip(b"A,http://a, |B,https://b,\0");
}

#[test]
fn zero_length_option_then_split_option() {
    let input = b"\xc8\x00\x2b\x01a\xc8\x00\x2b\x01b\xff";
    let f = OptionsField::parse(input).unwrap();
    assert_eq!(f.value(43).unwrap().as_ref(), b"ab");
    assert_eq!(f.value(200).unwrap().as_ref(), b"");
    assert_eq!(OptionsField::parse(&f.to_vec()).unwrap(), f);
}
