//! `tta-acs`, the provisioning server: the CWMP endpoint, the upgrade endpoint, package
//! downloads and the northbound API, on the workspace crates.
