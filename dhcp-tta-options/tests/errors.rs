//! Every test input cut at every byte: an error or a smaller valid value, never a panic; a cut
//! inside an option or sub-option is always an error.

use dhcp_tta_options::{
    AcsOptions, GatewayOption, Limits, Option43, OptionsField, ProviderList, ReadOptions, Tag,
    Tr111, VendorInfo,
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
        let r = OptionsField::parse_message(&msg[..cut]);
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
    let b64 = GatewayOption::encode_value(b"KT,http://a,n").unwrap();
    for cut in 0..b64.len() {
        let _ = GatewayOption::decode_value(&b64[..cut]);
    }
}

#[test]
fn error_messages_name_where() {
    let table: &[(&[u8], &str)] = &[
        (
            b"KT,http://a,n|SKB,http://b",
            "expected 3 fields, found 2 at byte 14 (entry 1)",
        ),
        (
            b"KT,http://a,n|,http://b,n",
            "empty field at byte 14 (entry 1 provider id)",
        ),
        (
            b"KT,http://a,n|SKB,b,n",
            "not an http:// or https:// url at byte 18 (entry 1 provisioning url)",
        ),
        (b" \0", "no provider entry at byte 0 (provider list)"),
    ];
    for (input, msg) in table {
        assert_eq!(ProviderList::parse(input).unwrap_err().to_string(), *msg);
    }
    let err = OptionsField::parse(b"\x35\x01\x02\x2b\x09KT").unwrap_err();
    assert_eq!(
        err.to_string(),
        "truncated, 10 bytes needed, 3 left at byte 3 (option 43)"
    );
    let err = AcsOptions::parse(b"\x01\x08http://a\x01\x01b").unwrap_err();
    assert_eq!(
        err.to_string(),
        "repeated at byte 10 (option 43 sub-option 1)"
    );
    let err = VendorInfo::parse(b"\0\0\x0d\xe9\x03\x01\x01").unwrap_err();
    assert_eq!(
        err.to_string(),
        "truncated, 8 bytes needed, 7 left at byte 0 (option 125 enterprise block)"
    );
    let err = OptionsField::parse_message(&[0; 100]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a dhcp message: shorter than 240 bytes at byte 100 (dhcp message)"
    );
    let err = Tag::parse("255").unwrap_err();
    assert_eq!(err.to_string(), "not 1..=254 at byte 0 (tr-098 Tag)");
    let err = Option43::parse_tta(b"\x01\x08http://a").unwrap_err();
    assert_eq!(
        err.to_string(),
        "tr-069 sub-option form, not tta text at byte 0 (option 43)"
    );
}

/// A TR-111 sub-option that is not UTF-8 is reported at its offset in the option-125 value.
#[test]
fn tr111_errors_point_at_the_sub_option() {
    let value = b"\0\0\0\x09\x03\x01\x01x\0\0\x0d\xe9\x07\x01\x01A\x02\x02\xff\xfe";
    let info = VendorInfo::parse(value).unwrap();
    let err = Tr111::from_vendor_info(&info).unwrap_err();
    assert_eq!(err.offset(), 16);
    assert_eq!(value[16], 2);
    assert_eq!(
        err.to_string(),
        "not valid utf-8 at byte 16 (option 125 sub-option 2)"
    );
}

/// Input that would forge a log line or drive a terminal never reaches a message: messages name
/// entries, fields, codes and limits, and quote nothing.
#[test]
fn hostile_input_is_never_quoted() {
    let inputs: [&[u8]; 4] = [
        b"KT,http://a,n|SKB\nerror: forged,ftp://\x1b[2J,n",
        b"KT,http://a\nerror: forged,n",
        "KT,ftp://\u{202e}a,n".as_bytes(),
        b"\x01\x05\nerr\x1b",
    ];
    let clean = |msg: &str| {
        assert!(
            msg.chars().all(|c| c.is_ascii_graphic() || c == ' '),
            "{msg:?}"
        );
        assert!(msg.len() < 120, "{msg}");
    };
    for input in inputs {
        // Strict, so that the sub-option lenient reading keeps raw is an error too.
        let err = Option43::parse_with(input, &ReadOptions::strict()).unwrap_err();
        clean(&err.to_string());
        if let Ok(parsed) = Option43::parse_with(input, &ReadOptions::lenient()) {
            for w in &parsed.warnings {
                clean(&w.to_string());
            }
        }
    }
    let huge = format!("KT,http://{},n", "a".repeat(10 << 20));
    let mut limits = Limits::default();
    limits.max_input_bytes = usize::MAX;
    let options = ReadOptions::lenient().with_limits(limits);
    let err = ProviderList::parse_with(huge.as_bytes(), &options).unwrap_err();
    assert_eq!(
        err.to_string(),
        "limit exceeded: max_field_bytes is 1024 at byte 3 (entry 0 provisioning url)"
    );
}
