//! The upgrade check: the STB's request and the server's response.

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::codes::{PkgId, ReqType, RetCode, UpgradeMode};
use crate::device::DeviceInfo;
use crate::error::{InvalidValue, ParseError};
use crate::form::{
    Collected, Field, FieldId, FormWriter, Out, ReadOptions, Secret, Sink, Warnings, form_table,
    message_verbs,
};

fn cow_owned(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

fn opt_owned(c: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    c.map(cow_owned)
}

fn extra_owned(extra: Vec<Field<'_>>) -> Vec<Field<'static>> {
    extra.into_iter().map(Field::into_owned).collect()
}

/// The identity fields of a message's table (the check request's and the report's).
pub(crate) struct DeviceFields {
    pub(crate) dev_manu_fact: FieldId,
    pub(crate) dev_model: FieldId,
    pub(crate) dev_ip_addr: FieldId,
    pub(crate) dev_id: FieldId,
    pub(crate) dev_fw_ver: FieldId,
    pub(crate) sa_id: FieldId,
}

/// Reads the identity fields, in the order the standard lists them.
pub(crate) fn take_device<'a, const N: usize>(
    c: &mut Collected<'a, N>,
    f: &DeviceFields,
) -> Result<DeviceInfo<'a>, ParseError> {
    Ok(DeviceInfo {
        dev_manu_fact: c.text(f.dev_manu_fact)?,
        dev_model: c.text(f.dev_model)?,
        dev_ip_addr: c.text(f.dev_ip_addr)?,
        dev_id: c.dev_id(f.dev_id)?,
        dev_fw_ver: c.text(f.dev_fw_ver)?,
        sa_id: c.text(f.sa_id)?,
    })
}

form_table! {
    /// The check request's fields, in the standard's order (all mandatory).
    RequestFields, REQUEST for CheckRequest as r {
        dev_manu_fact = "devManuFact" => Out::Text(&r.device.dev_manu_fact),
        dev_model = "devModel" => Out::Text(&r.device.dev_model),
        dev_ip_addr = "devIpAddr" => Out::Text(&r.device.dev_ip_addr),
        dev_id = "devId" => Out::DevId(r.device.dev_id),
        dev_fw_ver = "devFwVer" => Out::Text(&r.device.dev_fw_ver),
        pkg_id = "pkgId" => Out::Text(r.pkg_id.as_str()),
        sa_id = "saID" => Out::Text(&r.device.sa_id),
        req_type = "reqType" => Out::Int(u64::from(r.req_type.code())),
    }
}

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

    pub(crate) fn read(
        input: &'a [u8],
        opts: &ReadOptions,
        warnings: &mut Warnings,
    ) -> Result<Self, ParseError> {
        let f = &REQUEST;
        let mut c = Collected::new(&RequestFields::NAMES);
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
        let req_type = ReqType::from_code(c.int(f.req_type)?);
        Ok(Self {
            device,
            pkg_id,
            req_type,
            extra: c.extra,
        })
    }

    fn write_sink<S: Sink + ?Sized>(&self, out: &mut S) -> Result<(), S::Error> {
        let mut w = FormWriter::new(out);
        self.write_fields(&mut w)?;
        w.extra(&self.extra, &RequestFields::NAMES)
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

message_verbs!(CheckRequest);

/// The offer's part of a response, written only with one.
fn offer<'r>(r: &'r CheckResponse<'_>, f: impl FnOnce(&'r Offer<'_>) -> Out<'r>) -> Out<'r> {
    r.offer.as_ref().map_or(Out::Absent, f)
}

form_table! {
    /// The check response's fields, in the standard's order. Those of the offer
    /// ([`OFFER_FIELDS`]) are mandatory or optional with 200 and mean nothing with another
    /// code.
    ResponseFields, RESPONSE for CheckResponse as r {
        ret_code = "retCode" => Out::Int(u64::from(r.ret_code.code())),
        ret_message = "retMessage" => Out::opt(r.ret_message.as_deref()),
        mcast_svr_addr = "mcastSvrAddr" => offer(r, |o| Out::opt(o.mcast_svr_addr.as_deref())),
        mcast_svr_port = "mcastSvrPort" => offer(r, |o| Out::opt(o.mcast_svr_port.as_deref())),
        dl_svr_url = "dlSvrUrl" => offer(r, |o| Out::Text(&o.dl_svr_url)),
        dl_svr_id = "dlSvrId" => offer(r, |o| Out::opt(o.dl_svr_id.as_deref())),
        dl_svr_pwd = "dlSvrPwd" => offer(r, |o| Out::opt(o.dl_svr_pwd.as_ref().map(Secret::expose))),
        upgrade_mode = "upgradeMode" => offer(r, |o| Out::Int(u64::from(o.upgrade_mode.code()))),
        pkg_file_size = "pkgFileSize" => offer(r, |o| Out::opt_int(o.pkg_file_size)),
        pkg_file_version = "pkgFileVersion" => offer(r, |o| Out::Text(&o.pkg_file_version)),
        pkg_file_name = "pkgFileName" => offer(r, |o| Out::opt(o.pkg_file_name.as_deref())),
        normal_period = "normalPeriod" => Out::opt_int(r.normal_period.map(u64::from)),
        error_period = "errorPeriod" => Out::opt_int(r.error_period.map(u64::from)),
    }
}

/// The fields that describe the package: they only mean something with 200.
const OFFER_FIELDS: [FieldId; 9] = [
    RESPONSE.mcast_svr_addr,
    RESPONSE.mcast_svr_port,
    RESPONSE.dl_svr_url,
    RESPONSE.dl_svr_id,
    RESPONSE.dl_svr_pwd,
    RESPONSE.upgrade_mode,
    RESPONSE.pkg_file_size,
    RESPONSE.pkg_file_version,
    RESPONSE.pkg_file_name,
];

/// The canonical names of [`OFFER_FIELDS`].
const OFFER_NAMES: [&str; 9] = {
    let mut names = [""; 9];
    let mut i = 0;
    while i < names.len() {
        names[i] = OFFER_FIELDS[i].name;
        i += 1;
    }
    names
};

/// What a 200 response offers: where and how to download the package, and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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

    pub(crate) fn read(
        input: &'a [u8],
        opts: &ReadOptions,
        warnings: &mut Warnings,
    ) -> Result<Self, ParseError> {
        let f = &RESPONSE;
        let mut c = Collected::new(&ResponseFields::NAMES);
        c.fill(input, opts, warnings)?;
        let ret_code = RetCode::from_code(c.int(f.ret_code)?);
        let ret_message = c.opt_text(f.ret_message);
        let offer = if ret_code == RetCode::UpdateAvailable {
            Some(Offer {
                mcast_svr_addr: c.opt_text(f.mcast_svr_addr),
                mcast_svr_port: c.opt_text(f.mcast_svr_port),
                dl_svr_url: c.text(f.dl_svr_url)?,
                dl_svr_id: c.opt_text(f.dl_svr_id),
                dl_svr_pwd: c.opt_text(f.dl_svr_pwd).map(Secret::new),
                upgrade_mode: UpgradeMode::from_code(c.int(f.upgrade_mode)?),
                pkg_file_size: c.opt_int(f.pkg_file_size)?,
                pkg_file_version: c.text(f.pkg_file_version)?,
                pkg_file_name: c.opt_text(f.pkg_file_name),
            })
        } else {
            None
        };
        let normal_period = c.opt_int(f.normal_period)?;
        let error_period = c.opt_int(f.error_period)?;
        c.demote(&OFFER_FIELDS);
        Ok(Self {
            ret_code,
            offer,
            ret_message,
            normal_period,
            error_period,
            extra: c.extra,
        })
    }

    fn write_sink<S: Sink + ?Sized>(&self, out: &mut S) -> Result<(), S::Error> {
        let mut w = FormWriter::new(out);
        self.write_fields(&mut w)?;
        if self.offer.is_none() {
            // Without an offer, reading keeps the offer's fields as extra fields, under their
            // standard names, first and in the standard's order (`Collected::demote`): written
            // so, they read back in place.
            w.extra_named(&self.extra, &OFFER_NAMES)?;
        }
        w.extra(&self.extra, &ResponseFields::NAMES)
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

message_verbs!(CheckResponse);

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DevId;
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
        let names = RequestFields::NAMES
            .iter()
            .chain(&ResponseFields::NAMES)
            .chain(&crate::report::ReportFields::NAMES);
        for name in names {
            assert!(
                matches!(crate::form::encode(name), Cow::Borrowed(_)),
                "{name}"
            );
        }
    }

    #[test]
    fn strict_names() {
        let err = CheckRequest::parse_with(SPEC_EXAMPLE, &ReadOptions::strict()).unwrap_err();
        assert_eq!(*err.kind(), crate::ErrorKind::MissingField);
        assert_eq!(err.offset(), SPEC_EXAMPLE.len());
        assert_eq!(*err.location(), crate::Location::Field("devFwVer"));
        // Lenient, the name matches and the quirk is recorded where the field starts.
        let parsed = CheckRequest::parse_with(SPEC_EXAMPLE, &ReadOptions::lenient()).unwrap();
        assert_eq!(parsed.warnings.len(), 1);
        let w = &parsed.warnings[0];
        assert_eq!(w.kind, crate::WarningKind::NameCase);
        assert_eq!(w.offset, SPEC_EXAMPLE.find("devFWver").unwrap());
        assert_eq!(w.location, crate::Location::Field("devFwVer"));
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
