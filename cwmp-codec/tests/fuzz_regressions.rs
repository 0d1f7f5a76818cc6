//! Inputs fuzzing found, each kept under `tests/fuzz_regressions/` and checked with the fuzz
//! target's oracle: no panic, and what parses writes back to something that parses the same.

use std::path::Path;

use cwmp_codec::Message;

#[test]
fn fuzz_regressions_hold() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        n += 1;
        let Ok(msg) = Message::parse(&bytes) else {
            continue;
        };
        let out = msg.to_vec();
        let again = Message::parse(&out).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            again.to_vec(),
            Message::parse(&again.to_vec()).unwrap().to_vec(),
            "{}",
            path.display()
        );
    }
    assert!(n > 0);
}

/// A NUL character in text is not XML: it is an error, not a value the writer cannot repeat.
#[test]
fn nul_in_header_id_is_an_error() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions/nul-in-header-id.xml"),
    )
    .unwrap();
    let e = Message::parse(&bytes).unwrap_err();
    assert_eq!(e.kind, cwmp_codec::ErrorKind::IllegalCharacter(0));
    assert_eq!(e.path, "Envelope/Header/ID");
}
