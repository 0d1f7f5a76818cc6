//! The result report (STB -> server), sent after the download and again after burning.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::check::{DeviceFields, take_device};
use crate::codes::{PkgId, ResultCode};
use crate::device::DeviceInfo;
use crate::error::ParseError;
use crate::form::{
    Collected, Field, FormWriter, Out, ReadOptions, Sink, Warnings, form_table, message_verbs,
};

form_table! {
    /// The result report's fields, in the standard's order (all mandatory but `errMessage`).
    ReportFields, REPORT for Report as r {
        dev_manu_fact = "devManuFact" => Out::Text(&r.device.dev_manu_fact),
        dev_model = "devModel" => Out::Text(&r.device.dev_model),
        dev_ip_addr = "devIpAddr" => Out::Text(&r.device.dev_ip_addr),
        dev_id = "devId" => Out::DevId(r.device.dev_id),
        dev_fw_ver = "devFwVer" => Out::Text(&r.device.dev_fw_ver),
        pkg_id = "pkgId" => Out::Text(r.pkg_id.as_str()),
        pkg_version = "pkgVersion" => Out::Text(&r.pkg_version),
        sa_id = "saID" => Out::Text(&r.device.sa_id),
        result_code = "resultCode" => Out::Int(u64::from(r.result_code.code())),
        err_message = "errMessage" => Out::opt(r.err_message.as_deref()),
    }
}

/// The result report: the device, the package and the [`ResultCode`]. A server tells it from a
/// check request by the presence of `resultCode` (see [`Incoming`](crate::Incoming)).
///
/// ```
/// use fwupgrade_proto::{Report, ResultCode, ResultGroup};
///
/// let body = "devManuFact=SEC&devModel=IPTV_STB&devIpAddr=10.0.0.2&devId=00:1F:3C:0A:F0:4C\
///             &devFwVer=1.5.8&pkgId=Firmware&pkgVersion=1.6.0&saID=000000000&resultCode=23\
///             &errMessage=HTTP+404";
/// let report = Report::parse(body)?;
/// assert_eq!(report.result_code, ResultCode::UNICAST_NOT_FOUND);
/// assert_eq!(report.result_code.group(), ResultGroup::UnicastFailure);
/// assert_eq!(report.err_message.as_deref(), Some("HTTP 404"));
/// assert_eq!(report.to_string(), body);
/// # Ok::<(), fwupgrade_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Report<'a> {
    /// `devManuFact`, `devModel`, `devIpAddr`, `devId`, `devFwVer`, `saID`.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub device: DeviceInfo<'a>,
    /// `pkgId`.
    #[cfg_attr(feature = "serde", serde(rename = "pkgId"))]
    pub pkg_id: PkgId<'a>,
    /// `pkgVersion`: the version of the new package.
    #[cfg_attr(feature = "serde", serde(rename = "pkgVersion"))]
    pub pkg_version: Cow<'a, str>,
    /// `resultCode`.
    #[cfg_attr(feature = "serde", serde(rename = "resultCode"))]
    pub result_code: ResultCode,
    /// `errMessage`: error detail.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "errMessage", skip_serializing_if = "Option::is_none")
    )]
    pub err_message: Option<Cow<'a, str>>,
    /// Fields the standard does not define, in input order.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub extra: Vec<Field<'a>>,
}

impl<'a> Report<'a> {
    /// A report without error message and extra fields.
    pub fn new(
        device: DeviceInfo<'a>,
        pkg_id: PkgId<'a>,
        pkg_version: impl Into<Cow<'a, str>>,
        result_code: ResultCode,
    ) -> Self {
        Self {
            device,
            pkg_id,
            pkg_version: pkg_version.into(),
            result_code,
            err_message: None,
            extra: Vec::new(),
        }
    }

    pub(crate) fn read(
        input: &'a [u8],
        opts: &ReadOptions,
        warnings: &mut Warnings,
    ) -> Result<Self, ParseError> {
        let f = &REPORT;
        let mut c = Collected::new(&ReportFields::NAMES);
        c.fill(input, opts, warnings)?;
        let device = take_device(
            &mut c,
            &DeviceFields {
                dev_manu_fact: f.dev_manu_fact,
                dev_model: f.dev_model,
                dev_ip_addr: f.dev_ip_addr,
                dev_id: f.dev_id,
                dev_fw_ver: f.dev_fw_ver,
                sa_id: f.sa_id,
            },
        )?;
        let pkg_id = PkgId::from_value(c.text(f.pkg_id)?);
        let pkg_version = c.text(f.pkg_version)?;
        let result_code = ResultCode(c.int(f.result_code)?);
        let err_message = c.opt_text(f.err_message);
        Ok(Self {
            device,
            pkg_id,
            pkg_version,
            result_code,
            err_message,
            extra: c.extra,
        })
    }

    fn write_sink<S: Sink + ?Sized>(&self, out: &mut S) -> Result<(), S::Error> {
        let mut w = FormWriter::new(out);
        self.write_fields(&mut w)?;
        w.extra(&self.extra, &ReportFields::NAMES)
    }

    /// Detaches the report from the input.
    pub fn into_owned(self) -> Report<'static> {
        Report {
            device: self.device.into_owned(),
            pkg_id: self.pkg_id.into_owned(),
            pkg_version: Cow::Owned(self.pkg_version.into_owned()),
            result_code: self.result_code,
            err_message: self.err_message.map(|m| Cow::Owned(m.into_owned())),
            extra: self.extra.into_iter().map(Field::into_owned).collect(),
        }
    }
}

message_verbs!(Report);
