//! Any bytes: `Message::parse` never panics, reads them exactly as the general path does with
//! the fast lane turned off (envelopes, warnings and errors, leniently and strictly), and every
//! envelope it reads is written as well-formed XML (checked by a second parser, roxmltree) that
//! reads back unchanged and that strict reading accepts but for content kept as received.
//!
//! Envelopes that keep unknown content raw (unknown header entries, an unknown method) are
//! checked for a write fixpoint instead of equality: writing a raw element adds the namespace
//! declarations it uses from outside it, so its text can change once.
#![no_main]

use cwmp_codec::{Body, Envelope, Message, ReadOptions};
use libfuzzer_sys::fuzz_target;

fn keeps_raw(env: &Envelope<'_>) -> bool {
    !env.header.unknown.is_empty() || matches!(env.body, Body::Unknown(_))
}

fn well_formed(written: &[u8]) {
    let text = std::str::from_utf8(written).expect("the writer writes UTF-8");
    if let Err(e) = roxmltree::Document::parse(text) {
        panic!("the canonical form is not well-formed XML: {e}\n{text}");
    }
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
        well_formed(&written);
        let second = match Envelope::parse_with(&written, &ReadOptions::lenient()) {
            Ok(e) => e,
            Err(err) => panic!(
                "the canonical form of a parsed envelope does not parse: {err}\n{}",
                String::from_utf8_lossy(&written)
            ),
        };
        for w in &second.warnings {
            assert!(
                w.kept_as_received(&second.value),
                "strict reading refuses the canonical form: {w}\n{}",
                String::from_utf8_lossy(&written)
            );
        }
        let second = second.value;
        if keeps_raw(first) || keeps_raw(&second) {
            let again = second.to_vec();
            well_formed(&again);
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
