//! Benchmarks for the `dhcp` codecs: option-43 parse and write, and the options-field reader,
//! each beside a plain byte scan of the same input; `compare` adds dhcproto decoding the same
//! options field.
#![allow(missing_docs)]

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dhcp_tta_options::{DhcpOption, MessageType, OptionsField, ProviderList};
use tta_benches::read_vectors;

fn option43(c: &mut Criterion) {
    let vectors = read_vectors("dhcp-tta-options/tests/vectors/spec", "opt43");
    let mut group = c.benchmark_group("dhcp_option43_parse");
    for (name, bytes) in &vectors {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("{name}/scan"), |b| {
            b.iter(|| {
                black_box(bytes)
                    .iter()
                    .filter(|&&c| c == b'|' || c == b',')
                    .count()
            })
        });
        group.bench_function(format!("{name}/parse"), |b| {
            b.iter(|| {
                let list = ProviderList::parse(black_box(bytes)).unwrap();
                list.iter()
                    .map(|p| p.provisioning_url().len())
                    .sum::<usize>()
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("dhcp_option43_write");
    for (name, bytes) in &vectors {
        let list = ProviderList::parse(bytes).unwrap();
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("{name}/write"), |b| {
            b.iter(|| black_box(&list).to_vec())
        });
    }
    group.finish();
}

/// An OFFER's options field: the spec's two providers repeated so option 43 needs two
/// instances, plus the usual server options.
fn offer_options() -> Vec<u8> {
    let spec = read_vectors("dhcp-tta-options/tests/vectors/spec", "opt43");
    let two = spec
        .iter()
        .find(|(n, _)| n == "two-providers")
        .map(|(_, b)| b.clone())
        .unwrap();
    let mut value = two.clone();
    for _ in 0..3 {
        value.push(b'|');
        value.extend_from_slice(&two);
    }
    OptionsField::new(vec![
        DhcpOption::MessageType(MessageType::Offer),
        DhcpOption::ServerId([10, 0, 0, 1].into()),
        DhcpOption::SubnetMask([255, 255, 255, 0].into()),
        DhcpOption::Router(vec![[10, 0, 0, 1].into()]),
        DhcpOption::DnsServers(vec![[10, 0, 0, 2].into(), [10, 0, 0, 3].into()]),
        DhcpOption::VendorSpecific(Cow::Owned(value)),
    ])
    .unwrap()
    .to_vec()
}

fn options_field(c: &mut Criterion) {
    let bytes = offer_options();
    let mut group = c.benchmark_group("dhcp_options_field_read");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("offer/tlv-walk", |b| {
        b.iter(|| {
            let bytes = black_box(&bytes);
            let (mut pos, mut n) = (0, 0);
            while pos + 1 < bytes.len() && bytes[pos] != 255 {
                pos += 2 + usize::from(bytes[pos + 1]);
                n += 1;
            }
            n
        })
    });
    group.bench_function("offer/dhcp-tta-options", |b| {
        b.iter(|| {
            OptionsField::parse(black_box(&bytes))
                .unwrap()
                .options()
                .len()
        })
    });
    #[cfg(feature = "compare")]
    group.bench_function("offer/dhcproto", |b| {
        use dhcproto::Decodable;
        b.iter(|| {
            dhcproto::v4::DhcpOptions::from_bytes(black_box(&bytes))
                .unwrap()
                .len()
        })
    });
    group.finish();
}

criterion_group!(group, option43, options_field);
criterion_main!(group);
