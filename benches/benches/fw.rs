//! Benchmarks for the `fw` codecs: parse and write of each upgrade form message. Under the
//! `compare` feature, `serde_urlencoded` into an equivalent struct is measured in the same run
//! on the same bytes (the canonical spelling, since serde matches names exactly).
//!
//! Each parse group also times `nom-splitter`: a nom 8 version of the form splitter alone
//! (pairs and percent-decoding, no field matching or typing), the part of the crate's hand
//! parser nom would replace. The crate README records the comparison and the decision.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fwupgrade_proto::{CheckRequest, CheckResponse, Report};

const REQUEST: &[u8] =
    include_bytes!("../../fwupgrade-proto/tests/vectors/spec/request-example.form");
const RESPONSE: &[u8] =
    include_bytes!("../../fwupgrade-proto/tests/vectors/spec/response-update.form");
const REPORT: &[u8] =
    include_bytes!("../../fwupgrade-proto/tests/vectors/spec/report-integrity-error.form");

#[cfg(feature = "compare")]
mod peer {
    //! The same messages as plain serde structs.
    use std::borrow::Cow;

    use serde::{Deserialize, Serialize};

    #[derive(Debug, Deserialize, Serialize)]
    pub(crate) struct Request<'a> {
        #[serde(rename = "devManuFact", borrow)]
        pub(crate) dev_manu_fact: Cow<'a, str>,
        #[serde(rename = "devModel", borrow)]
        pub(crate) dev_model: Cow<'a, str>,
        #[serde(rename = "devIpAddr", borrow)]
        pub(crate) dev_ip_addr: Cow<'a, str>,
        #[serde(rename = "devId", borrow)]
        pub(crate) dev_id: Cow<'a, str>,
        #[serde(rename = "devFwVer", borrow)]
        pub(crate) dev_fw_ver: Cow<'a, str>,
        #[serde(rename = "pkgId", borrow)]
        pub(crate) pkg_id: Cow<'a, str>,
        #[serde(rename = "saID", borrow)]
        pub(crate) sa_id: Cow<'a, str>,
        #[serde(rename = "reqType")]
        pub(crate) req_type: u32,
    }

    #[derive(Debug, Deserialize, Serialize)]
    pub(crate) struct Response<'a> {
        #[serde(rename = "retCode")]
        pub(crate) ret_code: u32,
        #[serde(rename = "retMessage", borrow)]
        pub(crate) ret_message: Option<Cow<'a, str>>,
        #[serde(rename = "mcastSvrAddr", borrow)]
        pub(crate) mcast_svr_addr: Option<Cow<'a, str>>,
        #[serde(rename = "mcastSvrPort", borrow)]
        pub(crate) mcast_svr_port: Option<Cow<'a, str>>,
        #[serde(rename = "dlSvrUrl", borrow)]
        pub(crate) dl_svr_url: Option<Cow<'a, str>>,
        #[serde(rename = "dlSvrId", borrow)]
        pub(crate) dl_svr_id: Option<Cow<'a, str>>,
        #[serde(rename = "dlSvrPwd", borrow)]
        pub(crate) dl_svr_pwd: Option<Cow<'a, str>>,
        #[serde(rename = "upgradeMode")]
        pub(crate) upgrade_mode: Option<u32>,
        #[serde(rename = "pkgFileSize")]
        pub(crate) pkg_file_size: Option<u64>,
        #[serde(rename = "pkgFileVersion", borrow)]
        pub(crate) pkg_file_version: Option<Cow<'a, str>>,
        #[serde(rename = "pkgFileName", borrow)]
        pub(crate) pkg_file_name: Option<Cow<'a, str>>,
        #[serde(rename = "normalPeriod")]
        pub(crate) normal_period: Option<u32>,
        #[serde(rename = "errorPeriod")]
        pub(crate) error_period: Option<u32>,
    }

    #[derive(Debug, Deserialize, Serialize)]
    pub(crate) struct Report<'a> {
        #[serde(rename = "devManuFact", borrow)]
        pub(crate) dev_manu_fact: Cow<'a, str>,
        #[serde(rename = "devModel", borrow)]
        pub(crate) dev_model: Cow<'a, str>,
        #[serde(rename = "devIpAddr", borrow)]
        pub(crate) dev_ip_addr: Cow<'a, str>,
        #[serde(rename = "devId", borrow)]
        pub(crate) dev_id: Cow<'a, str>,
        #[serde(rename = "devFwVer", borrow)]
        pub(crate) dev_fw_ver: Cow<'a, str>,
        #[serde(rename = "pkgId", borrow)]
        pub(crate) pkg_id: Cow<'a, str>,
        #[serde(rename = "pkgVersion", borrow)]
        pub(crate) pkg_version: Cow<'a, str>,
        #[serde(rename = "saID", borrow)]
        pub(crate) sa_id: Cow<'a, str>,
        #[serde(rename = "resultCode")]
        pub(crate) result_code: u32,
        #[serde(rename = "errMessage", borrow)]
        pub(crate) err_message: Option<Cow<'a, str>>,
    }
}

mod nom_split {
    //! The form splitter in nom: `&`-separated pairs, an optional `=value`, `+` as a space and
    //! `%XX` escapes, borrowing when nothing needs decoding, as the hand parser does.
    use std::borrow::Cow;

    use nom::bytes::complete::{take_till, take_while_m_n};
    use nom::character::complete::char;
    use nom::combinator::{map_res, opt};
    use nom::multi::separated_list0;
    use nom::sequence::preceded;
    use nom::{IResult, Parser};

    type Pair<'a> = (&'a [u8], Option<&'a [u8]>);

    fn pair(i: &[u8]) -> IResult<&[u8], Pair<'_>> {
        (
            take_till(|b| b == b'=' || b == b'&'),
            opt(preceded(char('='), take_till(|b| b == b'&'))),
        )
            .parse(i)
    }

    fn pairs(i: &[u8]) -> IResult<&[u8], Vec<Pair<'_>>> {
        separated_list0(char('&'), pair).parse(i)
    }

    fn escape(i: &[u8]) -> IResult<&[u8], u8> {
        map_res(
            preceded(
                char('%'),
                take_while_m_n(2, 2, |b: u8| b.is_ascii_hexdigit()),
            ),
            |hex: &[u8]| u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("x"), 16),
        )
        .parse(i)
    }

    fn decode(raw: &[u8]) -> Option<Cow<'_, str>> {
        if !raw.iter().any(|&b| b == b'%' || b == b'+') {
            return std::str::from_utf8(raw).ok().map(Cow::Borrowed);
        }
        let mut out = Vec::with_capacity(raw.len());
        let mut rest = raw;
        while !rest.is_empty() {
            let (after, plain) = take_till::<_, _, ()>(|b| b == b'%' || b == b'+')
                .parse(rest)
                .ok()?;
            out.extend_from_slice(plain);
            rest = match after.first() {
                None => after,
                Some(b'+') => {
                    out.push(b' ');
                    &after[1..]
                }
                Some(_) => {
                    let (after, byte) = escape(after).ok()?;
                    out.push(byte);
                    after
                }
            };
        }
        String::from_utf8(out).ok().map(Cow::Owned)
    }

    /// Splits and decodes every field; the decoded pairs are the result.
    pub(crate) fn split(input: &[u8]) -> Option<Vec<(Cow<'_, str>, Cow<'_, str>)>> {
        let (rest, raw) = pairs(input).ok()?;
        if !rest.is_empty() {
            return None;
        }
        raw.into_iter()
            .filter(|(name, value)| !name.is_empty() || value.is_some())
            .map(|(name, value)| Some((decode(name)?, decode(value.unwrap_or_default())?)))
            .collect()
    }
}

fn canonical(input: &[u8], parse: impl Fn(&[u8]) -> String) -> Vec<u8> {
    parse(input).into_bytes()
}

macro_rules! bench_message {
    ($c:expr, $name:literal, $ty:ty, $peer:ty, $input:expr) => {{
        let input = canonical($input, |b| {
            <$ty>::parse(b).expect("vector parses").to_string()
        });
        let mut group = $c.benchmark_group(concat!("fw_parse/", $name));
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function("fwupgrade-proto", |b| {
            b.iter(|| <$ty>::parse(black_box(&input[..])).expect("parses"))
        });
        group.bench_function("nom-splitter", |b| {
            b.iter(|| nom_split::split(black_box(&input[..])).expect("splits"))
        });
        #[cfg(feature = "compare")]
        group.bench_function("serde_urlencoded", |b| {
            b.iter(|| serde_urlencoded::from_bytes::<$peer>(black_box(&input[..])).expect("parses"))
        });
        group.finish();

        let message = <$ty>::parse(&input[..]).expect("parses");
        let mut group = $c.benchmark_group(concat!("fw_write/", $name));
        group.throughput(Throughput::Bytes(input.len() as u64));
        let mut out = Vec::with_capacity(input.len() * 2);
        group.bench_function("fwupgrade-proto", |b| {
            b.iter(|| {
                out.clear();
                black_box(&message).write_into(&mut out);
                black_box(out.len())
            })
        });
        #[cfg(feature = "compare")]
        {
            let peer: $peer = serde_urlencoded::from_bytes(&input[..]).expect("parses");
            group.bench_function("serde_urlencoded", |b| {
                b.iter(|| serde_urlencoded::to_string(black_box(&peer)).expect("writes"))
            });
        }
        group.finish();
    }};
}

fn benches(c: &mut Criterion) {
    bench_message!(c, "request", CheckRequest<'_>, peer::Request<'_>, REQUEST);
    bench_message!(
        c,
        "response",
        CheckResponse<'_>,
        peer::Response<'_>,
        RESPONSE
    );
    bench_message!(c, "report", Report<'_>, peer::Report<'_>, REPORT);
}

criterion_group!(group, benches);
criterion_main!(group);
