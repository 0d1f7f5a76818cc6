#![no_main]
//! Path parsing: no panic on any input; what parses is kept byte-exact, its segments rebuild
//! it, mapping to the other root and back gives it again, and the catalog lookup agrees with
//! the canonical names it returns.

use libfuzzer_sys::fuzz_target;
use tta_datamodel::{Path, Root, lookup};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(m) = lookup(text) {
        let canonical = m.canonical_name();
        let again = lookup(canonical).expect("a canonical name looks up");
        assert_eq!((again.parameter, again.root), (m.parameter, m.root));
        assert!(again.aliases.is_empty());
        assert!(
            Path::parse(canonical).is_ok(),
            "canonical names are valid paths"
        );
    }
    let Ok(path) = Path::parse(text) else {
        return;
    };
    assert_eq!(path.as_str(), text);
    let body = text.strip_suffix('.').unwrap_or(text);
    let rebuilt: Vec<String> = std::iter::once(path.root().as_str().to_owned())
        .chain(path.segments().map(|s| s.to_string()))
        .collect();
    assert_eq!(rebuilt.join("."), body);
    let other = match path.root() {
        Root::Device => Root::InternetGatewayDevice,
        Root::InternetGatewayDevice => Root::Device,
    };
    if let Some(mapped) = path.to_root(other) {
        let mapped = Path::parse(mapped.as_str())
            .expect("a mapped path is valid")
            .into_owned();
        let back = mapped.to_root(path.root()).expect("mapping is symmetric");
        assert_eq!(back.as_str(), text);
    }
});
