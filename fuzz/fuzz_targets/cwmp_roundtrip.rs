//! A generated envelope is written canonically and parsed back to the same envelope.
#![no_main]

use cwmp_codec::Envelope;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|env: Envelope<'_>| {
    let written = env.to_vec();
    match Envelope::parse(&written) {
        Ok(back) => assert_eq!(back, env, "{}", String::from_utf8_lossy(&written)),
        Err(err) => panic!(
            "a written envelope does not parse: {err}\n{}",
            String::from_utf8_lossy(&written)
        ),
    }
});
