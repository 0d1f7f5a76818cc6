//! `tta-acs`: the TTA IPTV provisioning server (ACS).

fn main() {}
