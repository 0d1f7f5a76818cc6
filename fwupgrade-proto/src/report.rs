//! The result report (STB -> server), sent after the download and again after burning.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::fmt;

use crate::check::{DevIdStr, take_device};
use crate::codes::{PkgId, ResultCode};
use crate::device::DeviceInfo;
use crate::error::ParseError;
use crate::form::{Collected, Field, FormWriter, ParseConfig};
use crate::limits::Limits;

pub(crate) const REPORT_FIELDS: [&str; 10] = [
    "devManuFact",
    "devModel",
    "devIpAddr",
    "devId",
    "devFwVer",
    "pkgId",
    "pkgVersion",
    "saID",
    "resultCode",
    "errMessage",
];

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
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
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

    /// Parses a whole form body with the default [`ParseConfig`].
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the field: bad escape, duplicate, missing or mistyped field,
    /// malformed `devId`, or a limit hit.
    pub fn parse<I: AsRef<[u8]> + ?Sized>(input: &'a I) -> Result<Self, ParseError> {
        Self::parse_with_config(input, &ParseConfig::default())
    }

    /// Parses with other [`Limits`].
    ///
    /// # Errors
    ///
    /// As [`Report::parse`].
    pub fn parse_with<I: AsRef<[u8]> + ?Sized>(
        input: &'a I,
        limits: &Limits,
    ) -> Result<Self, ParseError> {
        Self::parse_with_config(input, &ParseConfig::with_limits(*limits))
    }

    /// Parses with a full [`ParseConfig`] (limits and tolerances).
    ///
    /// # Errors
    ///
    /// As [`Report::parse`].
    pub fn parse_with_config<I: AsRef<[u8]> + ?Sized>(
        input: &'a I,
        config: &ParseConfig,
    ) -> Result<Self, ParseError> {
        let mut c = Collected::new(&REPORT_FIELDS);
        c.fill(input.as_ref(), config)?;
        let device = take_device(&mut c, [0, 1, 2, 3, 4, 7])?;
        let pkg_id = PkgId::from_value(c.str(5)?);
        let pkg_version = c.str(6)?;
        let result_code = ResultCode(c.int(8)?);
        let err_message = c.opt_str(9);
        Ok(Self {
            device,
            pkg_id,
            pkg_version,
            result_code,
            err_message,
            extra: c.extra,
        })
    }

    /// Writes the form body, canonical names in the standard's order, then the extra fields.
    ///
    /// # Errors
    ///
    /// Only those of `out`.
    pub fn write_to(&self, out: &mut (impl fmt::Write + ?Sized)) -> fmt::Result {
        let d = &self.device;
        let mut w = FormWriter::new(out);
        w.field("devManuFact", &d.dev_manu_fact)?;
        w.field("devModel", &d.dev_model)?;
        w.field("devIpAddr", &d.dev_ip_addr)?;
        w.plain("devId", DevIdStr::new(d.dev_id).as_str())?;
        w.field("devFwVer", &d.dev_fw_ver)?;
        w.field("pkgId", self.pkg_id.as_str())?;
        w.field("pkgVersion", &self.pkg_version)?;
        w.field("saID", &d.sa_id)?;
        w.int("resultCode", u64::from(self.result_code.code()))?;
        w.opt("errMessage", self.err_message.as_deref())?;
        w.extra(&self.extra, &REPORT_FIELDS)
    }

    /// The form body as bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        alloc::string::ToString::to_string(self).into_bytes()
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

impl fmt::Display for Report<'_> {
    /// The form body.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}
