#![no_main]
//! parse -> write -> parse equality for the three upgrade form messages, and write -> parse
//! -> write stability for arbitrary values. Strict reading accepts every canonical form, and
//! the writers agree with each other (`to_vec`, `write_into`, `write_to`, `Display`).

use arbitrary::{Arbitrary, Unstructured};
use fwupgrade_proto::{CheckRequest, CheckResponse, ReadOptions, Report};
use libfuzzer_sys::fuzz_target;

macro_rules! round_trip {
    ($ty:ty, $data:expr) => {
        if let Ok(first) = <$ty>::parse($data) {
            let written = first.to_string();
            assert_eq!(
                first.to_vec(),
                written.as_bytes(),
                "to_vec and Display agree"
            );
            let mut streamed = Vec::new();
            first.write_to(&mut streamed).expect("writing to a Vec");
            assert_eq!(streamed, written.as_bytes(), "write_to and Display agree");
            let second = <$ty>::parse(&written).expect("canonical output parses");
            assert_eq!(first, second);
            assert_eq!(second.to_string(), written, "canonical output is stable");
            let strict = <$ty>::parse_with(&written, &ReadOptions::strict())
                .expect("strict reading accepts the canonical form");
            assert_eq!(strict.value, second);
            // What strict reading accepts, lenient reading reads alike, without a warning.
            let lenient = <$ty>::parse_with(&written, &ReadOptions::lenient()).expect("parses");
            assert!(lenient.warnings.is_empty(), "{:?}", lenient.warnings);
        }
    };
}

macro_rules! from_value {
    ($ty:ty, $u:expr) => {
        if let Ok(value) = <$ty>::arbitrary($u) {
            let written = value.to_string();
            if let Ok(parsed) = <$ty>::parse(&written) {
                assert_eq!(parsed.to_string(), written);
            }
        }
    };
}

fuzz_target!(|data: &[u8]| {
    round_trip!(CheckRequest, data);
    round_trip!(CheckResponse, data);
    round_trip!(Report, data);
    let _ = fwupgrade_proto::Incoming::parse(data);

    let mut u = Unstructured::new(data);
    from_value!(CheckRequest, &mut u);
    from_value!(CheckResponse, &mut u);
    from_value!(Report, &mut u);
});
