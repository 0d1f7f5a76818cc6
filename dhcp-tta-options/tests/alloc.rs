//! Parsing a provider list allocates nothing: counted with a counting global allocator.
//! One test only, so no other test thread allocates while it counts.

use std::alloc::System;

use dhcp_tta_options::ProviderList;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn parsing_a_provider_list_allocates_nothing() {
    let value: &[u8] =
        b"KT,https://acs.kt.example:8443/prov,ntp.kt.example|SKB,http://10.1.1.1/acs,10.1.1.2|\0";
    let bad: &[u8] = b"KT,ftp://x,n";

    let region = Region::new(GLOBAL);
    let list = ProviderList::parse(value).unwrap();
    let mut total = 0;
    for p in &list {
        total += p.id().len() + p.provisioning_url().len() + p.ntp_server().len();
    }
    let second = list.get(1).unwrap();
    let err = ProviderList::parse(bad).unwrap_err();
    let stats = region.change();

    assert_eq!(total, 2 + 32 + 14 + 3 + 19 + 8);
    assert_eq!(second.id(), "SKB");
    assert_eq!(err.offset(), 3);
    assert_eq!(stats.allocations, 0, "parse, iterate and error: {stats:?}");
    assert_eq!(stats.reallocations, 0);
}
