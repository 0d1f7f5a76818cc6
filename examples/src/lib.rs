//! The programs of the workspace as a library, so the demo and the tests run them in one
//! process from the same code the binaries run: `acs` is the `tta-acs` provisioning server.

pub mod acs;
