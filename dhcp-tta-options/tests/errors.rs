//! Every test input cut at every byte: an error or a smaller valid value, never a panic; a cut
//! inside an option or sub-option is always an error.

use dhcp_tta_options::{
    AcsOptions, Limits, Option43, OptionsField, ProviderList, VendorInfo, tr098,
};

fn vectors() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let mut out = Vec::new();
    for dir in ["spec", "vendor", "malformed"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|e| e == "opt43") {
                out.push(std::fs::read(p).unwrap());
            }
        }
    }
    out
}

fn offer() -> Vec<u8> {
    let mut v = b"\x35\x01\x02\x36\x04\x0a\x00\x00\x01\x3c\x0bIPTV Device\x2b\x05KT,ht".to_vec();
    v.extend_from_slice(b"\x01\x04\xff\xff\xff\x00\x2b\x0ctp://a,ntp.x");
    v.extend_from_slice(b"\x7d\x0a\x00\x00\x0d\xe9\x05\x04\x03ABC\xff");
    v
}

#[test]
fn text_cut_at_every_byte_never_panics() {
    for input in vectors() {
        for cut in 0..=input.len() {
            let part = &input[..cut];
            if let Ok(list) = ProviderList::parse(part) {
                // A shorter prefix can be a valid list (an empty NTP field): it must be canonical
                // after one write.
                let text = list.to_vec();
                assert_eq!(ProviderList::parse(&text).unwrap(), list);
            }
            let _ = Option43::parse(part);
            let _ = AcsOptions::parse(part);
        }
    }
}

#[test]
fn options_field_cut_inside_an_option_is_an_error() {
    let input = offer();
    let full = OptionsField::parse(&input).unwrap();
    assert_eq!(full.value(43).unwrap().as_ref(), b"KT,http://a,ntp.x");
    let bounds = boundaries(&input);
    for cut in 0..input.len() {
        // Between options the field is only shorter (a missing end option is tolerated);
        // anywhere else the cut option is truncated.
        let result = OptionsField::parse(&input[..cut]);
        assert_eq!(
            result.is_ok(),
            bounds.contains(&cut),
            "cut at {cut}: {result:?}"
        );
    }
}

/// Offsets between whole options of `input` (every option of `offer` is valid when whole).
fn boundaries(input: &[u8]) -> Vec<usize> {
    let mut bounds = vec![0];
    let mut pos = 0;
    while pos < input.len() && input[pos] != 0xff {
        pos += 2 + usize::from(input[pos + 1]);
        bounds.push(pos);
    }
    bounds
}

#[test]
fn message_and_suboption_cuts_never_panic() {
    let mut msg = vec![0u8; 236];
    msg[0] = 2;
    msg.extend_from_slice(&[99, 130, 83, 99]);
    msg.extend_from_slice(&offer());
    let bounds = boundaries(&offer());
    for cut in 0..=msg.len() {
        let r = OptionsField::parse_message(&msg[..cut], &Limits::default());
        let whole = cut >= 240 && (bounds.contains(&(cut - 240)) || cut == msg.len());
        assert_eq!(r.is_ok(), whole, "cut {cut}");
    }
    let vi = b"\x00\x00\x0d\xe9\x0b\x04\x03ABC\x05\x04SN01";
    for cut in 1..vi.len() {
        assert!(VendorInfo::parse(&vi[..cut]).is_err(), "cut {cut}");
    }
    let acs = b"\x01\x08http://a\x02\x02XY";
    for cut in 1..acs.len() {
        let r = AcsOptions::parse(&acs[..cut]);
        assert_eq!(r.is_ok(), cut == 10, "cut {cut}");
    }
    let b64 = tr098::encode_value(b"KT,http://a,n").unwrap();
    for cut in 0..b64.len() {
        let _ = tr098::decode_value(&b64[..cut]);
    }
}

#[test]
fn error_messages_name_where() {
    let table: &[(&[u8], &str)] = &[
        (
            b"KT,http://a,n|SKB,http://b",
            "entry 1: expected 3 fields, found 2 (byte 14)",
        ),
        (
            b"KT,http://a,n|,http://b,n",
            "entry 1 provider id: empty (byte 14)",
        ),
        (
            b"KT,http://a,n|SKB,b,n",
            "entry 1 provisioning url: not an http:// or https:// url (byte 18)",
        ),
    ];
    for (input, msg) in table {
        assert_eq!(ProviderList::parse(input).unwrap_err().to_string(), *msg);
    }
    let err = OptionsField::parse(b"\x35\x01\x02\x2b\x09KT").unwrap_err();
    assert_eq!(
        err.to_string(),
        "option 43: truncated, 10 bytes needed, 3 left (byte 3)"
    );
}
