#![no_main]
//! Byte-exact round trip of canonical text: if the input parses, the written text re-parses to
//! an equal list, strictly, and re-writes byte-identical. TR-069 sub-options, odd ones kept raw
//! included, write back and read back equal. The other option-43 parsers must not panic.

use dhcp_tta_options::{AcsOptions, Option43, ProviderList, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(list) = ProviderList::parse(data) {
        let text = list.to_vec();
        let back = ProviderList::parse_with(&text, &ReadOptions::strict())
            .expect("canonical text parses strictly");
        assert!(back.warnings.is_empty());
        assert_eq!(back.value, list);
        assert_eq!(back.value.to_vec(), text);
        assert_eq!(list.to_string().as_bytes(), text);
    }
    if let Ok(parsed) = AcsOptions::parse_with(data, &ReadOptions::lenient()) {
        let acs = parsed.value;
        let bytes = acs.to_vec();
        assert_eq!(
            AcsOptions::parse(&bytes).expect("canonical sub-options parse"),
            acs
        );
        // Strict reading refuses exactly what lenient reading kept raw with a warning.
        let strict = AcsOptions::parse_with(data, &ReadOptions::strict());
        assert_eq!(
            strict.is_ok(),
            parsed.warnings.is_empty() && parsed.dropped_warnings == 0
        );
    }
    let _ = Option43::parse(data);
});
