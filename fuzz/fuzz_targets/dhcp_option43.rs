#![no_main]
//! Byte-exact round trip of canonical text: if the input parses, the written text re-parses to
//! an equal list and re-writes byte-identical. The other option-43 parsers must not panic.

use dhcp_tta_options::{AcsOptions, Option43, ProviderList};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = ProviderList::parse(data) {
        let text = list.to_vec();
        let back = ProviderList::parse(&text).expect("canonical text parses");
        assert_eq!(back, list);
        assert_eq!(back.to_vec(), text);
    }
    if let Ok(acs) = AcsOptions::parse(data) {
        let bytes = acs.to_vec();
        assert_eq!(
            AcsOptions::parse(&bytes).expect("canonical sub-options parse"),
            acs
        );
    }
    let _ = Option43::parse(data);
});
