#![no_main]
//! parse -> write -> parse equality for the three upgrade form messages, and write -> parse
//! -> write stability for arbitrary values.

use arbitrary::{Arbitrary, Unstructured};
use fwupgrade_proto::{CheckRequest, CheckResponse, Report};
use libfuzzer_sys::fuzz_target;

macro_rules! round_trip {
    ($ty:ty, $data:expr) => {
        if let Ok(first) = <$ty>::parse($data) {
            let written = first.to_string();
            let second = <$ty>::parse(&written).expect("canonical output parses");
            assert_eq!(first, second);
            assert_eq!(second.to_string(), written, "canonical output is stable");
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
