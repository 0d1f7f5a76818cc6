//! Any bytes: `Message::parse` never panics, reads them exactly as the general path does with
//! the fast lane turned off (envelopes, warnings and errors, leniently and strictly), and every
//! envelope it reads survives a canonical write and a second parse unchanged.
//!
//! Envelopes that keep unknown content raw (unknown header entries, an unknown method) are
//! checked for a write fixpoint instead of equality: writing a raw element may add the
//! namespace declaration its prefix needs, so its `raw` text can change once.
#![no_main]

use cwmp_codec::{Body, Envelope, Message, ReadOptions};
use libfuzzer_sys::fuzz_target;

fn keeps_raw(env: &Envelope<'_>) -> bool {
    !env.header.unknown.is_empty() || matches!(env.body, Body::Unknown(_))
}

fuzz_target!(|data: &[u8]| {
    for opts in [ReadOptions::lenient(), ReadOptions::strict()] {
        let fast = Message::parse_with(data, &opts);
        cwmp_codec::set_fast_lane(false);
        let general = Message::parse_with(data, &opts);
        cwmp_codec::set_fast_lane(true);
        assert_eq!(fast, general, "the lanes differ (strict: {})", opts.strict);
    }
    let Ok(msg) = Message::parse(data) else {
        return;
    };
    for first in &msg.envelopes {
        let written = first.to_vec();
        let second = match Envelope::parse(&written) {
            Ok(e) => e,
            Err(err) => panic!(
                "the canonical form of a parsed envelope does not parse: {err}\n{}",
                String::from_utf8_lossy(&written)
            ),
        };
        if keeps_raw(first) || keeps_raw(&second) {
            let again = second.to_vec();
            let third = match Envelope::parse(&again) {
                Ok(e) => e,
                Err(err) => panic!(
                    "the second canonical form does not parse: {err}\n{}",
                    String::from_utf8_lossy(&again)
                ),
            };
            assert_eq!(
                String::from_utf8_lossy(&third.to_vec()),
                String::from_utf8_lossy(&again),
                "writing is not a fixpoint"
            );
        } else {
            // A 1.3/1.4 version known only from an undefined namespace URI reads back as 1.2.
            let mut expected = first.clone();
            expected.version = first.version_as_written();
            assert_eq!(second, expected, "{}", String::from_utf8_lossy(&written));
        }
    }
});
