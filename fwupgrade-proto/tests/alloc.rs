//! Allocation counts are deterministic: parsing a message whose values need no
//! percent-decoding allocates nothing, writing into a reserved buffer allocates nothing.
//!
//! The counting allocator counts every thread, so this file holds a single test.

mod common;

use std::alloc::System;

use fwupgrade_proto::{CheckRequest, CheckResponse, Report};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn allocations<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let region = Region::new(GLOBAL);
    let out = f();
    let stats = region.change();
    (stats.allocations + stats.reallocations, out)
}

#[test]
fn allocation_counts() {
    // Nothing to decode: everything borrows from the input.
    let (n, req) = allocations(|| CheckRequest::parse(common::SPEC_REQUEST).unwrap());
    assert_eq!(n, 0);
    let resp = common::UPDATE_RESPONSE.replace("s3cr%26t", "secret");
    let (n, _) = allocations(|| CheckResponse::parse(&resp).unwrap());
    assert_eq!(n, 0);
    let (n, report) = allocations(|| Report::parse(common::REPORT).unwrap());
    assert_eq!(n, 0);

    // Writing into a buffer with room does not allocate either, nor does streaming it.
    let mut out = Vec::with_capacity(1024);
    let (n, ()) = allocations(|| {
        req.write_into(&mut out);
        out.clear();
        report.write_into(&mut out);
    });
    assert_eq!(n, 0);
    let mut stream = Vec::with_capacity(1024);
    let (n, ()) = allocations(|| req.write_to(&mut stream).unwrap());
    assert_eq!(n, 0);
    assert_eq!(stream, req.to_vec());

    // One allocation per value that percent-decoding changes.
    let body = common::SPEC_REQUEST
        .replace("IPTV_STB", "IPTV+STB")
        .replace("=SEC", "=S%45C");
    let (n, req) = allocations(|| CheckRequest::parse(&body).unwrap());
    assert_eq!(n, 2);
    assert_eq!(
        (&*req.device.dev_model, &*req.device.dev_manu_fact),
        ("IPTV STB", "SEC")
    );

    // Unknown fields cost their vector.
    let body = format!("{}&X_A=1&X_B=2", common::SPEC_REQUEST);
    let (n, req) = allocations(|| CheckRequest::parse(&body).unwrap());
    assert_eq!(req.extra.len(), 2);
    assert_eq!(n, 1);
}
