//! Benchmarks for the `dhcp` codecs: option-43 parse (both forms) and write, and the
//! options-field reader, each beside a plain byte scan of the same input; `compare` adds
//! dhcproto decoding the same options field.
//!
//! The two option-43 grammars are also timed against their peers, hand against nom (v8), in the
//! same run (`dhcp_nom_peers_*` groups): the text (the crate's reader is nom; its peer is the hand
//! reader it replaced) and the TR-069 sub-option TLV (the crate's reader is a hand loop; its peer
//! is nom). The house rule is nom where it reads clearer at equal speed, a hand parser only
//! where this shows it faster; the crate README records the figures and the decision.
#![allow(missing_docs)]

use std::borrow::Cow;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dhcp_tta_options::{AcsOptions, DhcpOption, MessageType, OptionsField, ProviderList};
use tta_benches::read_vectors;

/// The hand-written option-43 text reader the crate had before nom (the same lenient trimming,
/// grammar and field checks as `ProviderList::parse`, errors reduced to `None`).
mod hand_text {
    fn trim_ws(bytes: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
        while start < end && bytes[start].is_ascii_whitespace() {
            start += 1;
        }
        while end > start && bytes[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        (start, end)
    }

    fn split(
        input: &[u8],
        start: usize,
        end: usize,
        sep: u8,
    ) -> impl Iterator<Item = (usize, usize)> {
        let mut pos = Some(start);
        std::iter::from_fn(move || {
            let s = pos?;
            match input[s..end].iter().position(|&b| b == sep) {
                Some(i) => {
                    pos = Some(s + i + 1);
                    Some((s, s + i))
                }
                None => {
                    pos = None;
                    Some((s, end))
                }
            }
        })
    }

    pub(crate) fn http_url(v: &[u8]) -> bool {
        let rest = if v.len() >= 7 && v[..7].eq_ignore_ascii_case(b"http://") {
            &v[7..]
        } else if v.len() >= 8 && v[..8].eq_ignore_ascii_case(b"https://") {
            &v[8..]
        } else {
            return false;
        };
        rest.first().is_some_and(|&b| b != b'/')
    }

    pub(crate) fn field_ok(v: &[u8]) -> bool {
        v.len() <= 1024
            && !v.iter().any(|&b| b < 0x20 || b == 0x7f)
            && std::str::from_utf8(v).is_ok()
    }

    fn entry_ok(input: &[u8], start: usize, end: usize) -> bool {
        let (ts, te) = trim_ws(input, start, end);
        if ts == te || split(input, start, end, b',').count() != 3 {
            return false;
        }
        split(input, start, end, b',')
            .enumerate()
            .all(|(k, (fs, fe))| {
                let (s, e) = trim_ws(input, fs, fe);
                let v = &input[s..e];
                v.len() <= 1024
                    && !v.iter().any(|&b| b < 0x20 || b == 0x7f)
                    && std::str::from_utf8(v).is_ok()
                    && match k {
                        0 => !v.is_empty(),
                        1 => http_url(v),
                        _ => true,
                    }
            })
    }

    pub(crate) fn parse(input: &[u8]) -> Option<usize> {
        let (mut start, mut end) = (0, input.len());
        while end > 0 && (input[end - 1] == 0 || input[end - 1].is_ascii_whitespace()) {
            end -= 1;
        }
        (start, end) = trim_ws(input, start, end);
        if end > start && input[end - 1] == b'|' {
            (start, end) = trim_ws(input, start, end - 1);
        }
        if start == end {
            return None;
        }
        let mut len = 0;
        for (s, e) in split(input, start, end, b'|') {
            len += 1;
            if len > 32 || !entry_ok(input, s, e) {
                return None;
            }
        }
        std::str::from_utf8(&input[start..end]).ok().map(|_| len)
    }
}

/// The nom peer of `hand_text`: the same trimming and checks, the grammar in nom.
mod nom_text {
    use nom::Parser;
    use nom::bytes::complete::take_till;
    use nom::character::complete::char;
    use nom::multi::fold_many1;
    use nom::sequence::preceded;

    fn field(i: &[u8]) -> nom::IResult<&[u8], &[u8]> {
        take_till(|b| b == b',' || b == b'|').parse(i)
    }

    fn entry(i: &[u8]) -> nom::IResult<&[u8], bool> {
        (field, char(','), field, char(','), field)
            .map(|(id, _, url, _, ntp)| {
                let (id, url, ntp) = (id.trim_ascii(), url.trim_ascii(), ntp.trim_ascii());
                !id.is_empty()
                    && super::hand_text::http_url(url)
                    && [id, url, ntp].into_iter().all(super::hand_text::field_ok)
            })
            .parse(i)
    }

    pub(crate) fn parse(input: &[u8]) -> Option<usize> {
        let mut end = input.len();
        while end > 0 && (input[end - 1] == 0 || input[end - 1].is_ascii_whitespace()) {
            end -= 1;
        }
        let mut text = input[..end].trim_ascii();
        if let Some(t) = text.strip_suffix(b"|") {
            text = t.trim_ascii();
        }
        // Entries counted and checked in place, without collecting them.
        let (first_rest, first) = entry(text).ok()?;
        let (rest, (n, ok)) = fold_many1(
            preceded(char('|'), entry),
            move || (1usize, first),
            |(n, ok), e| (n + 1, ok && e),
        )
        .parse(first_rest)
        .unwrap_or((first_rest, (1, first)));
        (rest.is_empty() && ok && n <= 32 && std::str::from_utf8(text).is_ok()).then_some(n)
    }
}

/// The sub-option TLV area (RFC 2132 8.4), by nom and by hand (the loop of the crate's
/// `suboptions::parse`, which is private).
mod tlv {
    use nom::Parser;
    use nom::branch::alt;
    use nom::bytes::complete::tag;
    use nom::combinator::{map, value, verify};
    use nom::multi::{fold_many0, length_data};
    use nom::number::complete::u8 as byte;

    #[derive(Clone, Copy)]
    enum Item<'a> {
        Pad,
        Sub(u8, &'a [u8]),
    }

    fn item(i: &[u8]) -> nom::IResult<&[u8], Item<'_>> {
        alt((
            value(Item::Pad, tag(&[0u8][..])),
            map(
                (verify(byte, |&c| c != 255), length_data(byte)),
                |(c, d)| Item::Sub(c, d),
            ),
        ))
        .parse(i)
    }

    pub(crate) fn nom(input: &[u8]) -> Option<Vec<(u8, &[u8])>> {
        let (rest, subs) = fold_many0(item, Vec::new, |mut acc, it| {
            if let Item::Sub(c, d) = it {
                acc.push((c, d));
            }
            acc
        })
        .parse(input)
        .ok()?;
        // What stopped the loop: the end of the input, an end option, or a truncated one.
        (rest.is_empty() || rest[0] == 255).then_some(subs)
    }

    pub(crate) fn hand(input: &[u8]) -> Option<Vec<(u8, &[u8])>> {
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some(&code) = input.get(pos) {
            match code {
                0 => {
                    pos += 1;
                    continue;
                }
                255 => break,
                _ => {}
            }
            let len = usize::from(*input.get(pos + 1)?);
            let data = input.get(pos + 2..pos + 2 + len)?;
            out.push((code, data));
            pos += 2 + len;
        }
        Some(out)
    }
}

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

/// Option 43 in the TR-069 form, the vendor vectors (binary and oddly encoded sub-options kept
/// raw among them), beside a bare `code, len` walk of the same bytes.
fn option43_tr069(c: &mut Criterion) {
    let vectors: Vec<_> = read_vectors("dhcp-tta-options/tests/vectors/vendor", "opt43")
        .into_iter()
        .filter(|(name, _)| name.starts_with("tr069"))
        .collect();
    let mut group = c.benchmark_group("dhcp_option43_tr069_parse");
    for (name, bytes) in &vectors {
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("{name}/tlv-walk"), |b| {
            b.iter(|| {
                let bytes = black_box(bytes);
                let (mut pos, mut n) = (0, 0);
                while pos + 1 < bytes.len() && bytes[pos] != 255 {
                    pos += 2 + usize::from(bytes[pos + 1]);
                    n += 1;
                }
                n
            })
        });
        group.bench_function(format!("{name}/parse"), |b| {
            b.iter(|| AcsOptions::parse(black_box(bytes)).unwrap().other().len())
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

fn nom_peers_text(c: &mut Criterion) {
    let mut inputs = read_vectors("dhcp-tta-options/tests/vectors/spec", "opt43");
    // A full-size list: what a gateway serving every provider sends.
    let entry = "SP,https://acs.provider.example:8443/tta/provisioning,ntp.provider.example";
    inputs.push((
        "32-providers".into(),
        vec![entry; 32].join("|").into_bytes(),
    ));
    let mut group = c.benchmark_group("dhcp_nom_peers_text");
    for (name, bytes) in &inputs {
        let crate_len = ProviderList::parse(bytes).ok().map(|l| l.len());
        assert_eq!(hand_text::parse(bytes), crate_len);
        assert_eq!(nom_text::parse(bytes), crate_len);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("{name}/hand"), |b| {
            b.iter(|| hand_text::parse(black_box(bytes)).unwrap())
        });
        group.bench_function(format!("{name}/nom"), |b| {
            b.iter(|| nom_text::parse(black_box(bytes)).unwrap())
        });
        group.bench_function(format!("{name}/provider-list"), |b| {
            b.iter(|| ProviderList::parse(black_box(bytes)).unwrap().len())
        });
    }
    group.finish();
}

fn nom_peers_tlv(c: &mut Criterion) {
    let mut inputs: Vec<_> = read_vectors("dhcp-tta-options/tests/vectors/vendor", "opt43")
        .into_iter()
        .filter(|(n, _)| n.starts_with("tr069"))
        .collect();
    // The most a value holds: 64 sub-options of 2 bytes, then pad and end.
    let mut many: Vec<u8> = (0..64u8).flat_map(|i| [5 + i, 2, b'x', b'y']).collect();
    many.extend_from_slice(&[0, 0, 255]);
    inputs.push(("64-suboptions".into(), many));
    let mut group = c.benchmark_group("dhcp_nom_peers_tlv");
    for (name, bytes) in &inputs {
        assert_eq!(tlv::nom(bytes), tlv::hand(bytes), "{name}");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("{name}/hand"), |b| {
            b.iter(|| tlv::hand(black_box(bytes)).unwrap().len())
        });
        group.bench_function(format!("{name}/nom"), |b| {
            b.iter(|| tlv::nom(black_box(bytes)).unwrap().len())
        });
        group.bench_function(format!("{name}/acs-options"), |b| {
            b.iter(|| AcsOptions::parse(black_box(bytes)).unwrap().other().len())
        });
    }
    group.finish();
}

criterion_group!(
    group,
    option43,
    option43_tr069,
    options_field,
    nom_peers_text,
    nom_peers_tlv
);
criterion_main!(group);
