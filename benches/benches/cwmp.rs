//! Benchmarks for the `cwmp-codec` reader and writer, each read as a ratio to a baseline timed
//! in the same run.
//!
//! Inputs: every envelope in `cwmp-codec/tests/vectors/spec`, and two generated
//! GetParameterValuesResponses (`gpvr_1000`, `gpvr_20000`: STBService parameter paths, mixed
//! value types), built once before any timing.
//!
//! Groups:
//! - `cwmp_parse`: `parse/<input>` is `Envelope::parse`; `quickxml_scan/<input>` reads the same
//!   bytes with a plain `quick_xml::Reader` (default configuration) to `Eof`, counting events.
//! - `cwmp_write`: `write/<input>` is `Envelope::write_into_with` into a reused, cleared `Vec`;
//!   `quickxml_scan/<input>` scans the bytes it wrote.
//! - With the `compare` feature, `cwmp_crate/<input>` in both groups: the crates.io `cwmp`
//!   crate (0.2.2) parsing the same bytes, and generating from what it parsed.
//!
//! Goals, as same-run ratios (times; lower is faster):
//! - Parse: at most 1.2x the quick-xml scan (geometric mean over the shared vectors) and at
//!   most 1.1x on `gpvr_20000`, which is at least 20x faster than the `cwmp` crate.
//! - Write: at least 5 GB/s, at most 0.2x a quick-xml scan of what it wrote, and at least 10x
//!   faster than the `cwmp` crate.
//!
//! Every benchmark in a group reports throughput as the length of the input (parse) or of the
//! canonical output (write), so the bytes-per-second figures of one input compare directly.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use cwmp_codec::{
    Body, CwmpVersion, DateTime, Envelope, GetParameterValuesResponse, ParameterValueStruct, Value,
    WriteOptions,
};
use quick_xml::events::Event;

const VECTORS: &str = "cwmp-codec/tests/vectors/spec";

/// A plain quick-xml pass over `bytes` with the default configuration: the floor a reader
/// built on quick-xml is measured against.
fn quickxml_scan(bytes: &[u8]) -> usize {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut events = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return events,
            Ok(event) => {
                black_box(&event);
                events += 1;
            }
            Err(e) => panic!("benchmark input is not well-formed: {e}"),
        }
    }
}

/// A GetParameterValuesResponse with `n` parameters, as an STB would send for a large
/// `Device.Services.STBService.` subtree.
fn gpvr(n: usize) -> Envelope<'static> {
    let parameter_list = (1..=n)
        .map(|i| {
            let fe = i % 4 + 1;
            let base =
                format!("Device.Services.STBService.1.Components.FrontEnd.{fe}.IP.Inbound.{i}");
            let (leaf, value) = match i % 8 {
                0 => (
                    "URI",
                    Value::string(format!(
                        "rtp://239.1.{}.{}:5000?src=10.0.0.1&ttl=16",
                        i / 250 % 250,
                        i % 250
                    )),
                ),
                1 => ("Enable", Value::boolean(i % 3 != 0)),
                2 => (
                    "Status",
                    Value::string(if i % 5 == 0 { "Error" } else { "Enabled" }),
                ),
                3 => ("StreamingControlProtocol", Value::string("IGMP")),
                4 => (
                    "Port",
                    Value::unsigned_int(u32::try_from(5000 + i % 1000).unwrap_or(5000)),
                ),
                5 => (
                    "Stats.BytesReceived",
                    Value::unsigned_long(1_234_567_890_123 + i as u64),
                ),
                6 => (
                    "Stats.JitterOffset",
                    Value::int(i32::try_from(i % 200).unwrap_or(0) - 100),
                ),
                _ => (
                    "LastChange",
                    Value::date_time(DateTime {
                        year: 2024,
                        month: 3,
                        day: u8::try_from(i % 28 + 1).unwrap_or(1),
                        hour: u8::try_from(i % 24).unwrap_or(0),
                        minute: u8::try_from(i % 60).unwrap_or(0),
                        second: u8::try_from(i / 60 % 60).unwrap_or(0),
                        nanosecond: 0,
                        offset_minutes: Some(540),
                    }),
                ),
            };
            ParameterValueStruct::new(format!("{base}.{leaf}"), value)
        })
        .collect();
    Envelope::new(
        CwmpVersion::V1_0,
        format!("GetParameterValues{n}"),
        Body::GetParameterValuesResponse(GetParameterValuesResponse { parameter_list }),
    )
}

/// The inputs, as `(name, bytes)`: the shared vectors, then the generated responses.
fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut inputs = tta_benches::read_vectors(VECTORS, "xml");
    for n in [1_000, 20_000] {
        inputs.push((format!("gpvr_{n}"), gpvr(n).to_vec()));
    }
    inputs
}

/// The `cwmp` crate's reading of `bytes`, or `None` when it cannot read them (an error, or an
/// envelope with no body element). It reads every shared vector and both generated responses
/// as of 0.2.2; an input it cannot read is skipped for it alone.
#[cfg(feature = "compare")]
fn peer_parse(bytes: &[u8]) -> Option<cwmp::protocol::Envelope> {
    cwmp::parse_bytes(bytes)
        .ok()
        .filter(|e| !e.clone().body().is_empty())
}

fn parse(c: &mut Criterion) {
    let inputs = inputs();
    let mut group = c.benchmark_group("cwmp_parse");
    for (name, bytes) in &inputs {
        let bytes = bytes.as_slice();
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse", name), bytes, |b, bytes| {
            b.iter(|| Envelope::parse(black_box(bytes)).map(|e| black_box(e).version));
        });
        group.bench_with_input(
            BenchmarkId::new("quickxml_scan", name),
            bytes,
            |b, bytes| {
                b.iter(|| quickxml_scan(black_box(bytes)));
            },
        );
        #[cfg(feature = "compare")]
        if peer_parse(bytes).is_some() {
            group.bench_with_input(BenchmarkId::new("cwmp_crate", name), bytes, |b, bytes| {
                b.iter(|| cwmp::parse_bytes(black_box(bytes)).map(black_box).is_ok());
            });
        }
    }
    group.finish();
}

fn write(c: &mut Criterion) {
    let inputs = inputs();
    let opts = WriteOptions::default();
    let mut group = c.benchmark_group("cwmp_write");
    for (name, bytes) in &inputs {
        let env = match Envelope::parse(bytes) {
            Ok(env) => env,
            Err(e) => panic!("{name} does not parse: {e}"),
        };
        let written = env.to_vec();
        group.throughput(Throughput::Bytes(written.len() as u64));
        let mut out = Vec::with_capacity(written.len());
        group.bench_function(BenchmarkId::new("write", name), |b| {
            b.iter(|| {
                out.clear();
                black_box(&env).write_into_with(&mut out, &opts);
                black_box(out.len())
            });
        });
        group.bench_with_input(BenchmarkId::new("quickxml_scan", name), &written, |b, w| {
            b.iter(|| quickxml_scan(black_box(w)));
        });
        #[cfg(feature = "compare")]
        if let Some(peer) = peer_parse(bytes)
            && peer.generate().is_ok()
        {
            group.bench_function(BenchmarkId::new("cwmp_crate", name), |b| {
                b.iter(|| black_box(&peer).generate().map(|s| black_box(s.len())));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, parse, write);
criterion_main!(benches);
