#![no_main]
//! The options-field reader never panics; what it reads writes back (RFC 3396 split) and reads
//! back equal, and the same holds for option 125 and whole messages.

use dhcp_tta_options::{OptionsField, VendorInfo};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(field) = OptionsField::parse(data) {
        let bytes = field.to_vec();
        let back = OptionsField::parse(&bytes).expect("written options parse");
        assert_eq!(back, field);
        assert_eq!(back.to_vec(), bytes);
    }
    if let Ok(info) = VendorInfo::parse(data) {
        let bytes = info.to_vec();
        assert_eq!(
            VendorInfo::parse(&bytes).expect("written option 125 parses"),
            info
        );
    }
    let _ = OptionsField::parse_message(data);
});
