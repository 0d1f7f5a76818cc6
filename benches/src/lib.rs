//! Shared helpers for the workspace benchmarks (`cargo bench -p tta-benches`).
//!
//! Every parse benchmark also times a baseline over the same bytes in the same run, so each
//! figure is read as a ratio; peers are measured behind the `compare` feature.

use std::path::{Path, PathBuf};

/// The workspace root, found from this crate's manifest directory.
#[must_use]
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Reads every file with extension `ext` in `dir` (relative to the workspace root), sorted by
/// name, as `(file stem, bytes)`.
///
/// # Panics
///
/// Panics when the directory cannot be read: a benchmark without its inputs is a broken build.
#[must_use]
#[allow(clippy::expect_used)]
pub fn read_vectors(dir: &str, ext: &str) -> Vec<(String, Vec<u8>)> {
    let dir = workspace_root().join(dir);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("vector directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| {
            let name = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&p).expect("vector file"))
        })
        .collect();
    out.sort();
    out
}
