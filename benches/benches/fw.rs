//! Benchmarks for the `fw` codecs: parse and write of each upgrade form message. Under the
//! `compare` feature, `serde_urlencoded` into an equivalent struct is measured in the same run
//! on the same bytes (the canonical spelling, since serde matches names exactly).
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
        #[cfg(feature = "compare")]
        group.bench_function("serde_urlencoded", |b| {
            b.iter(|| serde_urlencoded::from_bytes::<$peer>(black_box(&input[..])).expect("parses"))
        });
        group.finish();

        let message = <$ty>::parse(&input[..]).expect("parses");
        let mut group = $c.benchmark_group(concat!("fw_write/", $name));
        group.throughput(Throughput::Bytes(input.len() as u64));
        let mut out = String::with_capacity(input.len() * 2);
        group.bench_function("fwupgrade-proto", |b| {
            b.iter(|| {
                out.clear();
                black_box(&message).write_to(&mut out).expect("writes");
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
