//! Benchmarks for `tta-datamodel`: path validation and catalog lookup, each against a baseline
//! timed in the same run.
//!
//! Inputs: every canonical catalog name under both roots, and 20 000 names of a generated
//! GetParameterValuesResponse (STBService, DeviceInfo and vendor paths, one in 200 a catalog
//! name), built once before any timing.
//!
//! Groups:
//! - `tta_path`: `parse/catalog` is `Path::parse` of every catalog name (the nom grammar of
//!   TR-106 paths decides; the crate's checks run only to explain a refusal);
//!   `split_dots/catalog` only splits them on `.` (the floor a validator is measured
//!   against). The crate README records the ratio and how the grammar came to be nom.
//! - `tta_lookup`: `lookup/gpvr_20000` is `tta_datamodel::lookup` of every name (aliases
//!   resolved); `hashmap/gpvr_20000` looks each up in a `HashMap<&str, Parameter>` holding the
//!   canonical names and their misprints, the plain baseline.
#![allow(missing_docs)]

use std::collections::HashMap;
use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use tta_datamodel::{Parameter, Path, Root, lookup};

fn catalog_names() -> Vec<&'static str> {
    Parameter::ALL
        .iter()
        .flat_map(|p| Root::ALL.into_iter().filter_map(move |r| p.name(r)))
        .collect()
}

fn gpvr_names(n: usize) -> Vec<String> {
    let catalog = catalog_names();
    (0..n)
        .map(|i| {
            if i % 200 == 0 {
                return catalog[(i / 200) % catalog.len()].to_owned();
            }
            match i % 4 {
                0 => format!(
                    "Device.Services.STBService.1.Components.FrontEnd.{}.IP.Inbound.{}.StreamingControlProtocol",
                    i % 7 + 1,
                    i % 13 + 1
                ),
                1 => format!("Device.DeviceInfo.VendorConfigFile.{}.Name", i % 50 + 1),
                2 => format!(
                    "InternetGatewayDevice.Services.STBService.1.Applications.ServiceProvider.{}.X_00D09E_Param{}",
                    i % 3 + 2,
                    i % 97
                ),
                _ => format!("Device.Services.STBService.1.AVProfile.{}.Enable", i % 11 + 1),
            }
        })
        .collect()
}

fn path(c: &mut Criterion) {
    let names = catalog_names();
    let bytes: usize = names.iter().map(|n| n.len()).sum();
    let mut g = c.benchmark_group("tta_path");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(BenchmarkId::new("parse", "catalog"), |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for n in &names {
                ok += usize::from(Path::parse(black_box(n)).is_ok());
            }
            ok
        })
    });
    g.bench_function(BenchmarkId::new("split_dots", "catalog"), |b| {
        b.iter(|| {
            let mut segments = 0usize;
            for n in &names {
                segments += black_box(n).split('.').count();
            }
            segments
        })
    });
    g.finish();
}

fn lookups(c: &mut Criterion) {
    let names = gpvr_names(20_000);
    let bytes: usize = names.iter().map(String::len).sum();
    let mut map: HashMap<&str, Parameter> = catalog_names()
        .into_iter()
        .filter_map(|n| lookup(n).map(|m| (n, m.parameter)))
        .collect();
    for alias in [
        "Device.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.ConnectionProtocols",
        "Device.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.SPID",
        "Device.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.SPIId",
        "InternetGatewayDevice.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.SPID",
    ] {
        if let Some(m) = lookup(alias) {
            map.insert(alias, m.parameter);
        }
    }
    let mut g = c.benchmark_group("tta_lookup");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(BenchmarkId::new("lookup", "gpvr_20000"), |b| {
        b.iter(|| {
            let mut found = 0usize;
            for n in &names {
                found += usize::from(lookup(black_box(n)).is_some());
            }
            found
        })
    });
    g.bench_function(BenchmarkId::new("hashmap", "gpvr_20000"), |b| {
        b.iter(|| {
            let mut found = 0usize;
            for n in &names {
                found += usize::from(map.contains_key(black_box(n.as_str())));
            }
            found
        })
    });
    g.finish();
}

criterion_group!(benches, path, lookups);
criterion_main!(benches);
