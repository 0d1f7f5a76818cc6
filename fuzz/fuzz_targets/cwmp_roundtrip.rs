//! A generated envelope is written as well-formed XML (checked by a second parser, roxmltree),
//! parsed back to the same envelope, and accepted by strict reading unless it holds a value of
//! a type the codec does not know (data kept as received).
#![no_main]

use cwmp_codec::{Envelope, ReadOptions, WarningKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|env: Envelope<'_>| {
    let written = env.to_vec();
    let text = std::str::from_utf8(&written).expect("the writer writes UTF-8");
    if let Err(e) = roxmltree::Document::parse(text) {
        panic!("a written envelope is not well-formed XML: {e}\n{text}");
    }
    match Envelope::parse_with(&written, &ReadOptions::lenient()) {
        Ok(back) => {
            assert_eq!(back.value, env, "{text}");
            for w in &back.warnings {
                assert_eq!(w.kind, WarningKind::UnknownXsiType, "{w}\n{text}");
            }
            if back.warnings.is_empty()
                && let Err(e) = Envelope::parse_with(&written, &ReadOptions::strict())
            {
                panic!("strict reading refuses a written envelope: {e}\n{text}");
            }
        }
        Err(err) => panic!("a written envelope does not parse: {err}\n{text}"),
    }
});
