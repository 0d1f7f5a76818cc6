//! The programs of the workspace as a library, so the demo and the tests run them in one
//! process from the same code the binaries run: [`acs`] is the `tta-acs` provisioning
//! server, [`stb`] the `tta-stb` set-top box simulator; [`logging`] holds what the programs
//! share.

pub mod acs;
pub mod demo;
pub mod load;
pub mod logging;
pub mod stb;

/// Makes `ring` the process's TLS crypto provider (the HTTP clients look for one). Safe to
/// call any number of times.
pub fn install_crypto_provider() {
    // Err means a provider is already installed, which is all this asks.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
