//! The upgrade check: the STB's request and the server's response.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::codes::{PkgId, ReqType, RetCode, UpgradeMode};
use crate::device::{DevId, DeviceInfo};
use crate::error::{InvalidValue, ParseError};
use crate::form::{Collected, Field, FormWriter, ParseConfig, Secret};
use crate::limits::Limits;

fn cow_owned(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

fn opt_owned(c: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    c.map(cow_owned)
}

fn extra_owned(extra: Vec<Field<'_>>) -> Vec<Field<'static>> {
    extra.into_iter().map(Field::into_owned).collect()
}

/// Reads the identity fields; `idx` gives the slots of devManuFact, devModel, devIpAddr,
/// devId, devFwVer and saID.
pub(crate) fn take_device<'a, const N: usize>(
    c: &mut Collected<'a, N>,
    idx: [usize; 6],
) -> Result<DeviceInfo<'a>, ParseError> {
    let [manu, model, ip, id, fw, sa] = idx;
    let dev_manu_fact = c.str(manu)?;
    let dev_model = c.str(model)?;
    let dev_ip_addr = c.str(ip)?;
    let (raw_id, offset) = c.raw(id)?;
    let dev_id = DevId::parse_wire(&raw_id).ok_or(ParseError::InvalidDevId {
        field: "devId",
        offset,
    })?;
    let dev_fw_ver = c.str(fw)?;
    let sa_id = c.str(sa)?;
    Ok(DeviceInfo {
        dev_manu_fact,
        dev_model,
        dev_ip_addr,
        dev_id,
        dev_fw_ver,
        sa_id,
    })
}

const REQUEST_FIELDS: [&str; 8] = [
    "devManuFact",
    "devModel",
    "devIpAddr",
    "devId",
    "devFwVer",
    "pkgId",
    "saID",
    "reqType",
];

/// The upgrade check request (STB -> server): all fields mandatory.
///
/// ```
/// use fwupgrade_proto::{CheckRequest, PkgId, ReqType};
///
/// let body = "devManuFact=SEC&devModel=IPTV_STB&devIpAddr=125.147.11.11&devId=00:FF:FF:FF:FF:FF\
///             &devFWver=1.5.8&pkgId=Firmware&saID=000000000&reqType=1";
/// let req = CheckRequest::parse(body)?;
/// assert_eq!(req.device.dev_fw_ver, "1.5.8");
/// assert_eq!((req.pkg_id.clone(), req.req_type), (PkgId::Firmware, ReqType::Normal));
/// // Canonical names out: `devFwVer`.
/// assert_eq!(req.to_string(), body.replace("devFWver", "devFwVer"));
/// # Ok::<(), fwupgrade_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct CheckRequest<'a> {
    /// `devManuFact`, `devModel`, `devIpAddr`, `devId`, `devFwVer`, `saID`.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub device: DeviceInfo<'a>,
    /// `pkgId`: `Firmware` or `Application`.
    #[cfg_attr(feature = "serde", serde(rename = "pkgId"))]
    pub pkg_id: PkgId<'a>,
    /// `reqType`: normal or recovery.
    #[cfg_attr(feature = "serde", serde(rename = "reqType"))]
    pub req_type: ReqType,
    /// Fields the standard does not define, in input order.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub extra: Vec<Field<'a>>,
}

impl<'a> CheckRequest<'a> {
    /// A request without extra fields.
    pub fn new(device: DeviceInfo<'a>, pkg_id: PkgId<'a>, req_type: ReqType) -> Self {
        Self {
            device,
            pkg_id,
            req_type,
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
    /// As [`CheckRequest::parse`].
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
    /// As [`CheckRequest::parse`].
    pub fn parse_with_config<I: AsRef<[u8]> + ?Sized>(
        input: &'a I,
        config: &ParseConfig,
    ) -> Result<Self, ParseError> {
        let mut c = Collected::new(&REQUEST_FIELDS);
        c.fill(input.as_ref(), config)?;
        let device = take_device(&mut c, [0, 1, 2, 3, 4, 6])?;
        let pkg_id = PkgId::from_value(c.str(5)?);
        let req_type = ReqType::from_code(c.int(7)?);
        Ok(Self {
            device,
            pkg_id,
            req_type,
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
        w.field("saID", &d.sa_id)?;
        w.int("reqType", u64::from(self.req_type.code()))?;
        w.extra(&self.extra, &REQUEST_FIELDS)
    }

    /// The form body as bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        alloc::string::ToString::to_string(self).into_bytes()
    }

    /// Detaches the request from the input.
    pub fn into_owned(self) -> CheckRequest<'static> {
        CheckRequest {
            device: self.device.into_owned(),
            pkg_id: self.pkg_id.into_owned(),
            req_type: self.req_type,
            extra: extra_owned(self.extra),
        }
    }
}

impl fmt::Display for CheckRequest<'_> {
    /// The form body.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

/// `devId` text on the stack, so writing does not allocate.
pub(crate) struct DevIdStr([u8; 17]);

impl DevIdStr {
    pub(crate) fn new(id: DevId) -> Self {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        let mut out = [b':'; 17];
        for (i, byte) in id.0.into_iter().enumerate() {
            if let Some([hi, lo]) = out
                .get_mut(i * 3..i * 3 + 2)
                .and_then(|s| <&mut [u8; 2]>::try_from(s).ok())
            {
                *hi = HEX[usize::from(byte >> 4)];
                *lo = HEX[usize::from(byte & 0xF)];
            }
        }
        Self(out)
    }

    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

const RESPONSE_FIELDS: [&str; 13] = [
    "retCode",
    "retMessage",
    "mcastSvrAddr",
    "mcastSvrPort",
    "dlSvrUrl",
    "dlSvrId",
    "dlSvrPwd",
    "upgradeMode",
    "pkgFileSize",
    "pkgFileVersion",
    "pkgFileName",
    "normalPeriod",
    "errorPeriod",
];
/// Slots of the fields that describe the package (they only mean something with 200).
const OFFER_SLOTS: core::ops::Range<usize> = 2..11;

/// What a 200 response offers: where and how to download the package, and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
pub struct Offer<'a> {
    /// `mcastSvrAddr`: multicast download address.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "mcastSvrAddr", skip_serializing_if = "Option::is_none")
    )]
    pub mcast_svr_addr: Option<Cow<'a, str>>,
    /// `mcastSvrPort`: multicast download port (a string in the standard).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "mcastSvrPort", skip_serializing_if = "Option::is_none")
    )]
    pub mcast_svr_port: Option<Cow<'a, str>>,
    /// `dlSvrUrl`: unicast download URL (mandatory).
    #[cfg_attr(feature = "serde", serde(rename = "dlSvrUrl"))]
    pub dl_svr_url: Cow<'a, str>,
    /// `dlSvrId`: unicast login ID.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "dlSvrId", skip_serializing_if = "Option::is_none")
    )]
    pub dl_svr_id: Option<Cow<'a, str>>,
    /// `dlSvrPwd`: unicast password; redacted in `Debug` and serialization.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "dlSvrPwd", skip_serializing_if = "Option::is_none")
    )]
    pub dl_svr_pwd: Option<Secret<'a>>,
    /// `upgradeMode`: normal or forced (mandatory).
    #[cfg_attr(feature = "serde", serde(rename = "upgradeMode"))]
    pub upgrade_mode: UpgradeMode,
    /// `pkgFileSize`: package size in bytes.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "pkgFileSize", skip_serializing_if = "Option::is_none")
    )]
    pub pkg_file_size: Option<u64>,
    /// `pkgFileVersion`: the version to install (mandatory).
    #[cfg_attr(feature = "serde", serde(rename = "pkgFileVersion"))]
    pub pkg_file_version: Cow<'a, str>,
    /// `pkgFileName`: package file name.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "pkgFileName", skip_serializing_if = "Option::is_none")
    )]
    pub pkg_file_name: Option<Cow<'a, str>>,
}

impl<'a> Offer<'a> {
    /// An offer with the mandatory fields only (unicast, no credentials).
    pub fn new(
        dl_svr_url: impl Into<Cow<'a, str>>,
        pkg_file_version: impl Into<Cow<'a, str>>,
        upgrade_mode: UpgradeMode,
    ) -> Self {
        Self {
            mcast_svr_addr: None,
            mcast_svr_port: None,
            dl_svr_url: dl_svr_url.into(),
            dl_svr_id: None,
            dl_svr_pwd: None,
            upgrade_mode,
            pkg_file_size: None,
            pkg_file_version: pkg_file_version.into(),
            pkg_file_name: None,
        }
    }

    /// The multicast address and port, when both are given.
    pub fn multicast(&self) -> Option<(&str, &str)> {
        Some((
            self.mcast_svr_addr.as_deref()?,
            self.mcast_svr_port.as_deref()?,
        ))
    }

    /// Detaches the offer from the input.
    pub fn into_owned(self) -> Offer<'static> {
        Offer {
            mcast_svr_addr: opt_owned(self.mcast_svr_addr),
            mcast_svr_port: opt_owned(self.mcast_svr_port),
            dl_svr_url: cow_owned(self.dl_svr_url),
            dl_svr_id: opt_owned(self.dl_svr_id),
            dl_svr_pwd: self.dl_svr_pwd.map(Secret::into_owned),
            upgrade_mode: self.upgrade_mode,
            pkg_file_size: self.pkg_file_size,
            pkg_file_version: cow_owned(self.pkg_file_version),
            pkg_file_name: opt_owned(self.pkg_file_name),
        }
    }
}

/// The upgrade check response (server -> STB).
///
/// The return code and the [`Offer`] go together: a 200 response always has one, every other
/// code never does (**Decision** of the spec: the fields marked mandatory are mandatory only
/// with 200). Offer fields that come with another code mean nothing and are kept, decoded, as
/// [`extra`](Self::extra) fields so that parse -> write loses nothing. Build values with
/// [`CheckResponse::update`], [`CheckResponse::no_update`] and [`CheckResponse::failure`].
///
/// ```
/// use fwupgrade_proto::{CheckResponse, RetCode, UpgradeMode};
///
/// let body = "retCode=200&dlSvrUrl=http://fw.example/stb.img&dlSvrPwd=s3cret\
///             &upgradeMode=2&pkgFileVersion=1.6.0&normalPeriod=1440";
/// let resp = CheckResponse::parse(body)?;
/// assert_eq!(resp.ret_code(), RetCode::UpdateAvailable);
/// let offer = resp.offer().expect("200 has an offer");
/// assert_eq!(offer.upgrade_mode, UpgradeMode::Forced);
/// assert_eq!(offer.dl_svr_pwd.as_ref().map(|p| p.expose()), Some("s3cret"));
/// assert!(!format!("{resp:?}").contains("s3cret"));
/// assert_eq!(resp.to_string(), body);
/// # Ok::<(), fwupgrade_proto::ParseError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CheckResponse<'a> {
    ret_code: RetCode,
    offer: Option<Offer<'a>>,
    /// `retMessage`: error detail.
    pub ret_message: Option<Cow<'a, str>>,
    /// `normalPeriod`: minutes until the next check after a normal check.
    pub normal_period: Option<u32>,
    /// `errorPeriod`: minutes until the next check after a failed check.
    pub error_period: Option<u32>,
    /// Fields the standard does not define (and offer fields of a response other than 200),
    /// in input order.
    pub extra: Vec<Field<'a>>,
}

impl<'a> CheckResponse<'a> {
    fn with(ret_code: RetCode, offer: Option<Offer<'a>>) -> Self {
        Self {
            ret_code,
            offer,
            ret_message: None,
            normal_period: None,
            error_period: None,
            extra: Vec::new(),
        }
    }

    /// 200: an update is available.
    pub fn update(offer: Offer<'a>) -> Self {
        Self::with(RetCode::UpdateAvailable, Some(offer))
    }

    /// 201: no update.
    pub fn no_update() -> Self {
        Self::with(RetCode::NoUpdate, None)
    }

    /// A failure: 202, 203, 204 or any other code but 200 and 201.
    ///
    /// # Errors
    ///
    /// [`InvalidValue::NotAFailure`] for 200 and 201.
    pub fn failure(code: RetCode) -> Result<Self, InvalidValue> {
        if code.is_failure() {
            Ok(Self::with(RetCode::from_code(code.code()), None))
        } else {
            Err(InvalidValue::NotAFailure { code: code.code() })
        }
    }

    /// Sets `normalPeriod` and `errorPeriod` (minutes).
    #[must_use]
    pub fn with_periods(mut self, normal: Option<u32>, error: Option<u32>) -> Self {
        self.normal_period = normal;
        self.error_period = error;
        self
    }

    /// Sets `retMessage`.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<Cow<'a, str>>) -> Self {
        self.ret_message = Some(message.into());
        self
    }

    /// `retCode`.
    pub fn ret_code(&self) -> RetCode {
        self.ret_code
    }

    /// The offer of a 200 response.
    pub fn offer(&self) -> Option<&Offer<'a>> {
        self.offer.as_ref()
    }

    /// The offer of a 200 response, to change it.
    pub fn offer_mut(&mut self) -> Option<&mut Offer<'a>> {
        self.offer.as_mut()
    }

    /// Parses a whole form body with the default [`ParseConfig`].
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the field: bad escape, duplicate, missing or mistyped field, or
    /// a limit hit.
    pub fn parse<I: AsRef<[u8]> + ?Sized>(input: &'a I) -> Result<Self, ParseError> {
        Self::parse_with_config(input, &ParseConfig::default())
    }

    /// Parses with other [`Limits`].
    ///
    /// # Errors
    ///
    /// As [`CheckResponse::parse`].
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
    /// As [`CheckResponse::parse`].
    pub fn parse_with_config<I: AsRef<[u8]> + ?Sized>(
        input: &'a I,
        config: &ParseConfig,
    ) -> Result<Self, ParseError> {
        let mut c = Collected::new(&RESPONSE_FIELDS);
        c.fill(input.as_ref(), config)?;
        let ret_code = RetCode::from_code(c.int(0)?);
        let ret_message = c.opt_str(1);
        let offer = if ret_code == RetCode::UpdateAvailable {
            Some(Offer {
                mcast_svr_addr: c.opt_str(2),
                mcast_svr_port: c.opt_str(3),
                dl_svr_url: c.str(4)?,
                dl_svr_id: c.opt_str(5),
                dl_svr_pwd: c.opt_str(6).map(Secret::new),
                upgrade_mode: UpgradeMode::from_code(c.int(7)?),
                pkg_file_size: c.opt_int(8)?,
                pkg_file_version: c.str(9)?,
                pkg_file_name: c.opt_str(10),
            })
        } else {
            None
        };
        let normal_period = c.opt_int(11)?;
        let error_period = c.opt_int(12)?;
        c.demote(OFFER_SLOTS);
        Ok(Self {
            ret_code,
            offer,
            ret_message,
            normal_period,
            error_period,
            extra: c.extra,
        })
    }

    /// Writes the form body, canonical names in the standard's order, then the extra fields.
    ///
    /// # Errors
    ///
    /// Only those of `out`.
    pub fn write_to(&self, out: &mut (impl fmt::Write + ?Sized)) -> fmt::Result {
        let mut w = FormWriter::new(out);
        w.int("retCode", u64::from(self.ret_code.code()))?;
        w.opt("retMessage", self.ret_message.as_deref())?;
        if let Some(o) = &self.offer {
            w.opt("mcastSvrAddr", o.mcast_svr_addr.as_deref())?;
            w.opt("mcastSvrPort", o.mcast_svr_port.as_deref())?;
            w.field("dlSvrUrl", &o.dl_svr_url)?;
            w.opt("dlSvrId", o.dl_svr_id.as_deref())?;
            w.opt("dlSvrPwd", o.dl_svr_pwd.as_ref().map(Secret::expose))?;
            w.int("upgradeMode", u64::from(o.upgrade_mode.code()))?;
            w.opt_int("pkgFileSize", o.pkg_file_size)?;
            w.field("pkgFileVersion", &o.pkg_file_version)?;
            w.opt("pkgFileName", o.pkg_file_name.as_deref())?;
        }
        w.opt_int("normalPeriod", self.normal_period.map(u64::from))?;
        w.opt_int("errorPeriod", self.error_period.map(u64::from))?;
        if self.offer.is_none() {
            // Without an offer, reading keeps the offer's fields as extra fields, under their
            // standard names, first and in the standard's order (`Collected::demote`): written
            // so, they read back in place.
            w.extra_named(
                &self.extra,
                RESPONSE_FIELDS.get(OFFER_SLOTS).unwrap_or_default(),
            )?;
        }
        w.extra(&self.extra, &RESPONSE_FIELDS)
    }

    /// The form body as bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut s = String::new();
        // Writing into a String cannot fail.
        let _ = self.write_to(&mut s);
        s.into_bytes()
    }

    /// Detaches the response from the input.
    pub fn into_owned(self) -> CheckResponse<'static> {
        CheckResponse {
            ret_code: self.ret_code,
            offer: self.offer.map(Offer::into_owned),
            ret_message: opt_owned(self.ret_message),
            normal_period: self.normal_period,
            error_period: self.error_period,
            extra: extra_owned(self.extra),
        }
    }
}

impl fmt::Display for CheckResponse<'_> {
    /// The form body.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(f)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for CheckResponse<'_> {
    /// Flat, with the wire names; `dlSvrPwd` as `"<redacted>"`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct View<'r, 'a> {
            #[serde(rename = "retCode")]
            ret_code: RetCode,
            #[serde(rename = "retMessage", skip_serializing_if = "Option::is_none")]
            ret_message: &'r Option<Cow<'a, str>>,
            #[serde(flatten)]
            offer: &'r Option<Offer<'a>>,
            #[serde(rename = "normalPeriod", skip_serializing_if = "Option::is_none")]
            normal_period: Option<u32>,
            #[serde(rename = "errorPeriod", skip_serializing_if = "Option::is_none")]
            error_period: Option<u32>,
            #[serde(skip_serializing_if = "<[_]>::is_empty")]
            extra: &'r [Field<'a>],
        }
        serde::Serialize::serialize(
            &View {
                ret_code: self.ret_code,
                ret_message: &self.ret_message,
                offer: &self.offer,
                normal_period: self.normal_period,
                error_period: self.error_period,
                extra: &self.extra,
            },
            s,
        )
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> arbitrary::Arbitrary<'a> for CheckResponse<'a> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let code = RetCode::from_code(u.arbitrary()?);
        let mut r = match code {
            RetCode::UpdateAvailable => Self::update(u.arbitrary()?),
            RetCode::NoUpdate => Self::no_update(),
            other => Self::failure(other).map_err(|_| arbitrary::Error::IncorrectFormat)?,
        };
        r.ret_message = u.arbitrary()?;
        r.normal_period = u.arbitrary()?;
        r.error_period = u.arbitrary()?;
        r.extra = u.arbitrary()?;
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    /// Without an offer, offer fields are kept as extra fields and written back where reading
    /// puts them (first, in the standard's order), so writing is a fixpoint (a fuzz finding).
    #[test]
    fn offer_fields_without_an_offer_keep_their_place() {
        let field = |name: &'static str, value: &'static str| Field::new(name, value);
        let mut r = CheckResponse::no_update();
        r.extra = alloc::vec![
            field("x", "1"),
            field("pkgFileVersion", "2"),
            field("PkgFileName", "3"),
        ];
        let written = r.to_string();
        assert_eq!(written, "retCode=201&pkgFileVersion=2&pkgFileName=3&x=1");
        let again = CheckResponse::parse(&written).unwrap();
        assert_eq!(again.to_string(), written);
        assert_eq!(again.extra.len(), 3);
    }

    const SPEC_EXAMPLE: &str = "devManuFact=SEC&devModel=IPTV_STB&devIpAddr=125.147.11.11&devId=00:FF:FF:FF:FF:FF&devFWver=1.5.8&pkgId=Firmware&saID=000000000&reqType=1";

    #[test]
    fn spec_example_request() {
        let req = CheckRequest::parse(SPEC_EXAMPLE).unwrap();
        assert_eq!(req.device.dev_manu_fact, "SEC");
        assert_eq!(req.device.dev_model, "IPTV_STB");
        assert_eq!(req.device.dev_ip_addr, "125.147.11.11");
        assert_eq!(req.device.dev_id, DevId([0, 255, 255, 255, 255, 255]));
        assert_eq!(req.device.dev_fw_ver, "1.5.8");
        assert_eq!(req.device.sa_id, "000000000");
        assert_eq!(req.pkg_id, PkgId::Firmware);
        assert_eq!(req.req_type, ReqType::Normal);
        assert!(req.extra.is_empty());
        assert_eq!(
            req.to_string(),
            SPEC_EXAMPLE.replace("devFWver", "devFwVer")
        );
    }

    #[test]
    fn canonical_names_are_plain() {
        // The writer puts the names the messages define on the wire without encoding them.
        let names = REQUEST_FIELDS
            .iter()
            .chain(&RESPONSE_FIELDS)
            .chain(&crate::report::REPORT_FIELDS);
        for name in names {
            assert!(
                matches!(crate::form::encode(name), Cow::Borrowed(_)),
                "{name}"
            );
        }
    }

    #[test]
    fn strict_names() {
        let err =
            CheckRequest::parse_with_config(SPEC_EXAMPLE, &ParseConfig::strict()).unwrap_err();
        assert_eq!(
            err,
            ParseError::MissingField {
                field: "devFwVer",
                offset: SPEC_EXAMPLE.len()
            }
        );
    }

    #[test]
    fn responses() {
        let cases: &[(&str, RetCode, bool)] = &[
            (
                "retCode=200&dlSvrUrl=u&upgradeMode=1&pkgFileVersion=2",
                RetCode::UpdateAvailable,
                true,
            ),
            ("retCode=201", RetCode::NoUpdate, false),
            (
                "retCode=202&retMessage=missing+devId",
                RetCode::MissingParameter,
                false,
            ),
            ("retCode=203", RetCode::WrongDeviceInfo, false),
            ("retCode=204", RetCode::UnknownPkgId, false),
            ("retCode=500", RetCode::Other(500), false),
            (
                "retCode=201&dlSvrUrl=u&upgradeMode=x",
                RetCode::NoUpdate,
                false,
            ),
        ];
        for (body, code, offer) in cases {
            let r = CheckResponse::parse(*body).unwrap();
            assert_eq!(r.ret_code(), *code, "{body}");
            assert_eq!(r.offer().is_some(), *offer, "{body}");
            assert_eq!(r.to_string(), *body);
        }
    }

    #[test]
    fn debug_hides_every_password() {
        let bodies = [
            "retCode=200&dlSvrUrl=u&dlSvrPwd=hunter2&upgradeMode=1&pkgFileVersion=2",
            "retCode=201&dlSvrPwd=hunter2",
            "retCode=500&X_Admin_Password=hunter2",
        ];
        for body in bodies {
            let r = CheckResponse::parse(body).unwrap();
            let dbg = alloc::format!("{r:?} {r:#?}");
            assert!(!dbg.contains("hunter2"), "{dbg}");
            assert!(dbg.contains("<redacted>"), "{dbg}");
            // The wire form keeps it: the server has to send it.
            assert!(r.to_string().contains("hunter2"));
        }
    }

    #[test]
    fn failure_constructor() {
        assert!(CheckResponse::failure(RetCode::UpdateAvailable).is_err());
        assert!(CheckResponse::failure(RetCode::Other(201)).is_err());
        assert_eq!(
            CheckResponse::failure(RetCode::Other(203))
                .unwrap()
                .ret_code(),
            RetCode::WrongDeviceInfo
        );
    }
}
