//! Benchmarks for `tta-datamodel`: path validation and catalog lookup, each against a baseline
//! timed in the same run.
//!
//! Inputs: every canonical catalog name under both roots, and 20 000 names of a generated
//! GetParameterValuesResponse (STBService, DeviceInfo and vendor paths, one in 200 a catalog
//! name), built once before any timing.
//!
//! Groups:
//! - `tta_path`: `parse/catalog` is `Path::parse` of every catalog name; `nom/catalog` is a
//!   nom 8 parser of the same TR-106 grammar (root, names, `X_<VENDOR>_<Name>` segments,
//!   instance numbers from 1 without a leading zero and never two in a row or right after the
//!   root, trailing dot), the peer that would replace the hand parser; `split_dots/catalog`
//!   only splits them on `.` (the floor a validator is measured against). The crate README
//!   records the comparison and the decision.
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

mod nom_path {
    //! TR-106 path validation in nom: what `Path::parse` accepts, with the byte offset of the
    //! first refused input as the error (the hand parser also names the segment and why).

    use nom::branch::alt;
    use nom::bytes::complete::{tag, take_while, take_while1};
    use nom::character::complete::{char, satisfy};
    use nom::combinator::{cut, eof, map, map_res, opt, recognize, value};
    use nom::multi::fold_many0;
    use nom::sequence::{pair, preceded};
    use nom::{IResult, Parser};
    use tta_datamodel::Root;

    fn name_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_' || c == '-'
    }

    fn root(i: &str) -> IResult<&str, Root> {
        alt((
            value(Root::InternetGatewayDevice, tag("InternetGatewayDevice")),
            value(Root::Device, tag("Device")),
        ))
        .parse(i)
    }

    fn instance(i: &str) -> IResult<&str, u32> {
        map_res(
            recognize(pair(
                satisfy(|c| c.is_ascii_digit() && c != '0'),
                take_while(|c: char| c.is_ascii_digit()),
            )),
            str::parse,
        )
        .parse(i)
    }

    fn vendor(i: &str) -> IResult<&str, &str> {
        recognize(preceded(
            tag("X_"),
            cut((
                take_while1(|c| name_char(c) && c != '_'),
                char('_'),
                take_while1(name_char),
            )),
        ))
        .parse(i)
    }

    fn name(i: &str) -> IResult<&str, &str> {
        recognize(pair(
            satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
            take_while(name_char),
        ))
        .parse(i)
    }

    /// One segment; whether it is an instance number.
    fn segment(i: &str) -> IResult<&str, bool> {
        alt((
            map(instance, |_| true),
            value(false, vendor),
            value(false, name),
        ))
        .parse(i)
    }

    /// The root and the number of segments after it, or the offset of the first refused byte.
    pub(crate) fn parse(input: &str) -> Result<(Root, usize), usize> {
        let at = |rest: &str| input.len() - rest.len();
        // (segments, whether the last was an instance, offset of a misplaced instance)
        let segments = fold_many0(
            preceded(char('.'), (nom::combinator::rest_len, segment)),
            || (0usize, true, None),
            |(n, previous_instance, bad): (usize, bool, Option<usize>), (left, instance)| {
                let bad = bad.or((instance && previous_instance).then_some(left));
                (n + 1, instance, bad)
            },
        );
        let (rest, (root, (n, _, bad), dot, _)) = (root, segments, opt(char('.')), eof)
            .parse(input)
            .map_err(|e| match e {
                nom::Err::Error(e) | nom::Err::Failure(e) => at(e.input),
                nom::Err::Incomplete(_) => input.len(),
            })?;
        debug_assert!(rest.is_empty());
        if let Some(left) = bad {
            return Err(input.len() - left);
        }
        if n == 0 && dot.is_none() {
            return Err(input.len());
        }
        Ok((root, n))
    }

    /// Both parsers accept and refuse the same paths.
    pub(crate) fn agrees_with_the_crate() {
        for (text, ok) in [
            ("Device.", true),
            ("Device", false),
            ("Device.DeviceInfo.SoftwareVersion", true),
            (
                "Device.Services.STBService.1.Components.X_TTA_SPServer.",
                true,
            ),
            ("Device.Services.STBService.01", false),
            ("Device.Services.STBService.0", false),
            ("Device.Services.STBService.4294967296", false),
            ("Device.1", false),
            ("Device.A.1.2", false),
            ("Device.X_TTA", false),
            ("Device.X__A", false),
            ("Device..A", false),
            ("Device.A..", false),
            ("Device.A-b_c", true),
            ("Device.3D", false),
            ("Foo.A", false),
            ("Device.A!", false),
        ] {
            assert_eq!(parse(text).is_ok(), ok, "{text}");
            assert_eq!(tta_datamodel::Path::parse(text).is_ok(), ok, "{text}");
        }
    }
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
    nom_path::agrees_with_the_crate();
    assert!(names.iter().all(|n| nom_path::parse(n).is_ok()));
    g.bench_function(BenchmarkId::new("nom", "catalog"), |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for n in &names {
                ok += usize::from(nom_path::parse(black_box(n)).is_ok());
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
