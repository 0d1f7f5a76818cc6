//! `tta-stb`, a simulated IPTV set-top box for the TTA provisioning procedure over TR-069:
//! [`tree`] is its parameter tree and its answers to the ACS's parameter RPCs; [`image`] is
//! the package format it downloads and checks.

pub mod image;
pub mod tree;
