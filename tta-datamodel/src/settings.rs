//! Typed settings of the server's SetParameterValues (spec section 4.2), both directions.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use dhcp_tta_options::ProviderList;

use crate::catalog::{Param, ParamType, Parameter};
use crate::error::InvalidValue;
use crate::limits::{Parsed, ReadOptions};
use crate::path::Root;
use crate::problem::{Collected, Problem, Reason, write_problems};

/// `X_TTA_ProvResult`: the outcome of terminal authentication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ProvResult {
    /// `01`: authenticated.
    #[cfg_attr(feature = "serde", serde(rename = "01"))]
    Success,
    /// `021`: not subscribed; the STB shows the server's subscription guide.
    #[cfg_attr(feature = "serde", serde(rename = "021"))]
    NotSubscribed,
    /// `022`: trust-authority verification failed; the STB shows the server's instructions.
    #[cfg_attr(feature = "serde", serde(rename = "022"))]
    TaVerificationFailed,
}

impl ProvResult {
    /// The wire value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Success => "01",
            Self::NotSubscribed => "021",
            Self::TaVerificationFailed => "022",
        }
    }

    /// Reads the wire value (ASCII whitespace around it is ignored).
    ///
    /// # Errors
    ///
    /// [`InvalidValue::NotDefined`] for any other value.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        match text.trim() {
            "01" => Ok(Self::Success),
            "021" => Ok(Self::NotSubscribed),
            "022" => Ok(Self::TaVerificationFailed),
            _ => Err(InvalidValue::NotDefined {
                parameter: "X_TTA_ProvResult",
            }),
        }
    }
}

/// `X_TTA_ProvStatus`: whether provisioning is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ProvStatus {
    /// `01`: not complete (first access).
    #[default]
    // The Rust names are read too: state persisted before the JSON spoke the wire codes.
    #[cfg_attr(feature = "serde", serde(rename = "01", alias = "NotComplete"))]
    NotComplete,
    /// `02`: complete (reconnection).
    #[cfg_attr(feature = "serde", serde(rename = "02", alias = "Complete"))]
    Complete,
}

impl ProvStatus {
    /// The wire value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotComplete => "01",
            Self::Complete => "02",
        }
    }

    /// Reads the wire value (ASCII whitespace around it is ignored).
    ///
    /// # Errors
    ///
    /// [`InvalidValue::NotDefined`] for any other value.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        match text.trim() {
            "01" => Ok(Self::NotComplete),
            "02" => Ok(Self::Complete),
            _ => Err(InvalidValue::NotDefined {
                parameter: "X_TTA_ProvStatus",
            }),
        }
    }
}

/// The authentication answer (phase 3).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AuthResult<'a> {
    /// `X_TTA_ProvResult`.
    #[cfg_attr(feature = "serde", serde(rename = "X_TTA_ProvResult"))]
    pub result: ProvResult,
    /// `X_TTA_ProvResultMessage`: the text to show (may be empty).
    #[cfg_attr(feature = "serde", serde(rename = "X_TTA_ProvResultMessage"))]
    pub message: Cow<'a, str>,
    /// `X_TTA_ProvStatus`.
    #[cfg_attr(feature = "serde", serde(rename = "X_TTA_ProvStatus"))]
    pub status: ProvStatus,
    /// `UserInterface.AutoUpdateServer`: the upgrade server (phases 4-5).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "AutoUpdateServer", skip_serializing_if = "Option::is_none")
    )]
    pub auto_update_server: Option<Cow<'a, str>>,
}

/// The answer after the user chose a provider (phase 2): `{SP}.Name`,
/// `ManagementServer.URL` and `Time.NTPServer1`, as the standard's example sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ProviderSelection<'a> {
    /// `{SP}.Name`: the provider's ID.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "Name", skip_serializing_if = "Option::is_none")
    )]
    pub name: Option<Cow<'a, str>>,
    /// `ManagementServer.URL`: the provisioning server (`http://` or `https://`).
    #[cfg_attr(feature = "serde", serde(rename = "URL"))]
    pub url: Cow<'a, str>,
    /// `Time.NTPServer1`.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "NTPServer1", skip_serializing_if = "Option::is_none")
    )]
    pub ntp_server: Option<Cow<'a, str>>,
}

/// The set of SDS `ConnectionProtocol`s; never empty.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Protocols(u8);

impl Protocols {
    /// `DVBSTP` (multicast), also what an absent ConnectionProtocol means.
    pub const DVBSTP: Self = Self(1);
    /// `HTTP` (unicast).
    pub const HTTP: Self = Self(2);
    /// `HTTPS` (unicast).
    pub const HTTPS: Self = Self(4);

    /// The union of two sets.
    #[must_use]
    pub const fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Whether every protocol of `other` is in the set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether DVBSTP is in the set.
    pub const fn multicast(self) -> bool {
        self.contains(Self::DVBSTP)
    }

    /// Whether HTTP or HTTPS is in the set.
    pub const fn unicast(self) -> bool {
        self.0 & 6 != 0
    }

    /// Reads a comma-separated list (whitespace around items ignored); empty means
    /// `DVBSTP`, as absent does.
    ///
    /// # Errors
    ///
    /// The index of the first item that is not `DVBSTP`, `HTTP` or `HTTPS`.
    pub fn parse(text: &str) -> Result<Self, usize> {
        if text.trim().is_empty() {
            return Ok(Self::DVBSTP);
        }
        let mut set = Self(0);
        for (i, item) in text.split(',').enumerate() {
            set = set.with(match item.trim() {
                "DVBSTP" => Self::DVBSTP,
                "HTTP" => Self::HTTP,
                "HTTPS" => Self::HTTPS,
                _ => return Err(i),
            });
        }
        Ok(set)
    }
}

impl Default for Protocols {
    fn default() -> Self {
        Self::DVBSTP
    }
}

impl fmt::Display for Protocols {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (p, name) in [
            (Self::DVBSTP, "DVBSTP"),
            (Self::HTTP, "HTTP"),
            (Self::HTTPS, "HTTPS"),
        ] {
            if self.contains(p) {
                if !first {
                    f.write_str(",")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Protocols {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Protocols({self})")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Protocols {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One package: a PackageIdentifiers item and the PackageSegmentIDs item at the same place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Package {
    /// The package identifier.
    pub id: u16,
    /// Its segment ID.
    pub segment: u16,
}

/// The fields of [`SdsServer`], checked by [`SdsServer::new`].
///
/// serde names them as the standard does (`ConnectionProtocol`, `IPMulticastAddress`, ...,
/// absent ones left out) and writes the packages as the two lists they travel in,
/// `PackageIdentifiers` and `PackageSegmentIDs`, pair by pair, each ID as written (`0xABCD`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SdsFields<'a> {
    /// `ConnectionProtocol`.
    pub protocols: Protocols,
    /// `IPMulticastAddress` (mandatory with DVBSTP).
    pub multicast_address: Option<Cow<'a, str>>,
    /// `IPMulticastPort` (mandatory with DVBSTP).
    pub multicast_port: Option<u16>,
    /// `IPMulticastSource`.
    pub multicast_source: Option<Cow<'a, str>>,
    /// `PullURL` (mandatory with HTTP or HTTPS).
    pub pull_url: Option<Cow<'a, str>>,
    /// `SPId` (mandatory with HTTP or HTTPS).
    pub sp_id: Option<Cow<'a, str>>,
    /// `RegionCode`.
    pub region_code: Cow<'a, str>,
    /// `PackageIdentifiers` and `PackageSegmentIDs`, in pairs; at least one.
    pub packages: Vec<Package>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for SdsFields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Ids<'p>(&'p [Package], fn(&Package) -> u16);
        impl serde::Serialize for Ids<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(
                    self.0
                        .iter()
                        .map(|p| alloc::format!("0x{:04X}", (self.1)(p))),
                )
            }
        }
        fn opt<M: SerializeStruct, T: serde::Serialize>(
            st: &mut M,
            key: &'static str,
            value: Option<&T>,
        ) -> Result<(), M::Error> {
            match value {
                Some(v) => st.serialize_field(key, v),
                None => st.skip_field(key),
            }
        }
        let mut st = s.serialize_struct("SDSServer", 9)?;
        st.serialize_field("ConnectionProtocol", &self.protocols)?;
        opt(
            &mut st,
            "IPMulticastAddress",
            self.multicast_address.as_ref(),
        )?;
        opt(&mut st, "IPMulticastPort", self.multicast_port.as_ref())?;
        opt(&mut st, "IPMulticastSource", self.multicast_source.as_ref())?;
        opt(&mut st, "PullURL", self.pull_url.as_ref())?;
        opt(&mut st, "SPId", self.sp_id.as_ref())?;
        st.serialize_field("RegionCode", &self.region_code)?;
        st.serialize_field("PackageIdentifiers", &Ids(&self.packages, |p| p.id))?;
        st.serialize_field("PackageSegmentIDs", &Ids(&self.packages, |p| p.segment))?;
        st.end()
    }
}

/// The SDS (service discovery and selection) server settings, valid by construction.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SdsServer<'a>(SdsFields<'a>);

fn is_http_url(s: &str) -> bool {
    let rest = s
        .strip_prefix("http://")
        .or_else(|| s.strip_prefix("https://"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && !r.starts_with('/')
            && !r.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}

fn empty(s: &Option<Cow<'_, str>>) -> bool {
    s.as_deref().is_some_and(|s| s.trim().is_empty())
}

impl<'a> SdsServer<'a> {
    /// Checks the fields against the conditional rules of the standard.
    ///
    /// # Errors
    ///
    /// Every rule broken, each naming its parameter: with DVBSTP, IPMulticastAddress and
    /// IPMulticastPort are mandatory; with HTTP or HTTPS, PullURL and SPId; PullURL must be an
    /// `http://` or `https://` URL; RegionCode and present strings must not be empty; at
    /// least one package; a port is 1..=65535.
    pub fn new(fields: SdsFields<'a>) -> Result<Self, InvalidSettings> {
        let root = Root::Device;
        let mut problems = Vec::new();
        let mut bad = |p, r| problems.push(Problem::new(p, root, r));
        let f = &fields;
        if f.protocols.multicast() {
            if f.multicast_address.is_none() {
                bad(
                    Parameter::SdsIpMulticastAddress,
                    Reason::MissingForMulticast,
                );
            }
            if f.multicast_port.is_none() {
                bad(Parameter::SdsIpMulticastPort, Reason::MissingForMulticast);
            }
        }
        if f.protocols.unicast() {
            if f.pull_url.is_none() {
                bad(Parameter::SdsPullUrl, Reason::MissingForUnicast);
            }
            if f.sp_id.is_none() {
                bad(Parameter::SdsSpId, Reason::MissingForUnicast);
            }
        }
        if f.multicast_port == Some(0) {
            bad(Parameter::SdsIpMulticastPort, Reason::NotPort);
        }
        for (p, v) in [
            (Parameter::SdsIpMulticastAddress, &f.multicast_address),
            (Parameter::SdsIpMulticastSource, &f.multicast_source),
            (Parameter::SdsSpId, &f.sp_id),
        ] {
            if empty(v) {
                bad(p, Reason::Empty);
            }
        }
        if let Some(url) = &f.pull_url
            && !is_http_url(url)
        {
            bad(Parameter::SdsPullUrl, Reason::NotHttpUrl);
        }
        if f.region_code.trim().is_empty() {
            bad(Parameter::SdsRegionCode, Reason::Empty);
        }
        if f.packages.is_empty() {
            bad(Parameter::SdsPackageIdentifiers, Reason::Empty);
        }
        if problems.is_empty() {
            Ok(Self(fields))
        } else {
            Err(InvalidSettings { problems })
        }
    }

    /// The fields.
    pub fn fields(&self) -> &SdsFields<'a> {
        &self.0
    }

    /// The fields, to change and check again.
    pub fn into_fields(self) -> SdsFields<'a> {
        self.0
    }

    /// Detaches the settings from the input.
    pub fn into_owned(self) -> SdsServer<'static> {
        let f = self.0;
        SdsServer(SdsFields {
            protocols: f.protocols,
            multicast_address: f.multicast_address.map(own),
            multicast_port: f.multicast_port,
            multicast_source: f.multicast_source.map(own),
            pull_url: f.pull_url.map(own),
            sp_id: f.sp_id.map(own),
            region_code: own(f.region_code),
            packages: f.packages,
        })
    }
}

fn own(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

/// SMS `ConnectionProtocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum SmsProtocol {
    /// `SSLTLS`.
    #[cfg_attr(feature = "serde", serde(rename = "SSLTLS"))]
    SslTls,
    /// `DigiEnv` (digital envelope).
    DigiEnv,
}

impl SmsProtocol {
    /// The wire value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SslTls => "SSLTLS",
            Self::DigiEnv => "DigiEnv",
        }
    }
}

/// The SMS (subscriber management system) server settings.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SmsServer<'a> {
    /// `ConnectionProtocol`.
    #[cfg_attr(feature = "serde", serde(rename = "ConnectionProtocol"))]
    pub protocol: SmsProtocol,
    /// `IPAddress`: an IP address or a domain name.
    #[cfg_attr(feature = "serde", serde(rename = "IPAddress"))]
    pub address: Cow<'a, str>,
    /// `IPPort`.
    #[cfg_attr(feature = "serde", serde(rename = "IPPort"))]
    pub port: core::num::NonZeroU16,
}

/// Every typed setting the standard's SetParameterValues carry; each group is present when
/// any of its parameters is.
///
/// ```
/// use tta_datamodel::{AuthResult, Param, ProvResult, ProvStatus, Root, Settings};
///
/// let settings = Settings {
///     auth: Some(AuthResult {
///         result: ProvResult::Success,
///         message: "".into(),
///         status: ProvStatus::NotComplete,
///         auto_update_server: Some("https://upgrade.example/fw".into()),
///     }),
///     ..Settings::default()
/// };
/// let params = settings.to_params(Root::InternetGatewayDevice);
/// assert_eq!(params[0].name, "InternetGatewayDevice.Services.STBService.1.Applications.ServiceProvider.1.X_TTA_ProvResult");
/// assert_eq!(Settings::read(&params)?, settings);
///
/// // Every invalid value is reported, each with its parameter and why.
/// let bad = [
///     Param::string("Device.Services.STBService.1.Applications.ServiceProvider.1.X_TTA_ProvResult", "03"),
///     Param::string("Device.Services.STBService.1.Applications.ServiceProvider.1.X_TTA_ProvStatus", "2"),
/// ];
/// let err = Settings::read(&bad).unwrap_err();
/// assert_eq!(err.problems().len(), 2);
/// # Ok::<(), tta_datamodel::InvalidSettings>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Settings<'a> {
    /// `X_TTA_ProviderInfos` (phase 2, TR-069 discovery).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "X_TTA_ProviderInfos",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub provider_infos: Option<ProviderList<'a>>,
    /// The provider chosen (phase 2).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub selection: Option<ProviderSelection<'a>>,
    /// The authentication answer (phase 3).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub auth: Option<AuthResult<'a>>,
    /// The SDS server (phase 6).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "SDSServer", skip_serializing_if = "Option::is_none")
    )]
    pub sds: Option<SdsServer<'a>>,
    /// The SMS server (phase 6).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "SMSServer", skip_serializing_if = "Option::is_none")
    )]
    pub sms: Option<SmsServer<'a>>,
}

/// Settings that do not hold: every refused parameter, each with why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InvalidSettings {
    problems: Vec<Problem>,
}

impl InvalidSettings {
    /// The problems, at least one.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether `parameter` is among the refused.
    pub fn names(&self, parameter: Parameter) -> bool {
        self.problems
            .iter()
            .any(|p| p.parameter() == Some(parameter))
    }
}

impl fmt::Display for InvalidSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid settings: ")?;
        write_problems(f, &self.problems)
    }
}

impl core::error::Error for InvalidSettings {}

fn hex16(item: &str) -> Option<u16> {
    let t = item.trim();
    let digits = t
        .strip_prefix("0x")
        .or_else(|| t.strip_prefix("0X"))
        .unwrap_or(t);
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(digits, 16).ok()
}

fn hex_list(c: &mut Collected<'_, '_>, p: Parameter, text: Option<&str>) -> Option<Vec<u16>> {
    let text = text?;
    let mut out = Vec::new();
    for (i, item) in text.split(',').enumerate() {
        match hex16(item) {
            Some(v) => out.push(v),
            None => {
                c.problem(p, Reason::NotHex16 { item: i });
                return None;
            }
        }
    }
    Some(out)
}

fn port(c: &mut Collected<'_, '_>, p: Parameter, text: Option<&str>) -> Option<u16> {
    let text = text?;
    match text.trim().parse::<u16>() {
        Ok(v) if v != 0 => Some(v),
        _ => {
            c.problem(p, Reason::NotPort);
            None
        }
    }
}

fn non_empty<'p>(
    c: &mut Collected<'_, '_>,
    p: Parameter,
    text: Option<&'p str>,
) -> Option<&'p str> {
    match text {
        Some(t) if t.trim().is_empty() => {
            c.problem(p, Reason::Empty);
            None
        }
        t => t,
    }
}

const SELECTION: [Parameter; 3] = [
    Parameter::ServiceProviderName,
    Parameter::ManagementServerUrl,
    Parameter::NtpServer1,
];
const AUTH: [Parameter; 4] = [
    Parameter::ProvResult,
    Parameter::ProvResultMessage,
    Parameter::ProvStatus,
    Parameter::AutoUpdateServer,
];
const SDS: [Parameter; 9] = [
    Parameter::SdsConnectionProtocol,
    Parameter::SdsIpMulticastAddress,
    Parameter::SdsIpMulticastPort,
    Parameter::SdsIpMulticastSource,
    Parameter::SdsPullUrl,
    Parameter::SdsSpId,
    Parameter::SdsRegionCode,
    Parameter::SdsPackageIdentifiers,
    Parameter::SdsPackageSegmentIds,
];
const SMS: [Parameter; 3] = [
    Parameter::SmsConnectionProtocol,
    Parameter::SmsIpAddress,
    Parameter::SmsIpPort,
];

impl<'a> Settings<'a> {
    /// Reads the typed settings from a SetParameterValues' parameter list, leniently (the
    /// misprinted names of the spec's Decisions are read as their canonical names).
    ///
    /// Parameters outside the catalog, or of the catalog but not set by the server (the
    /// Inform's), are left to the caller. The root is the first recognised name's;
    /// parameters under the other root are ignored.
    ///
    /// # Errors
    ///
    /// [`InvalidSettings`] listing every invalid parameter with the reason.
    pub fn read(params: &'a [Param<'_>]) -> Result<Self, InvalidSettings> {
        Self::read_with(params, &ReadOptions::lenient()).map(|p| p.value)
    }

    /// [`Settings::read`] with options: strict mode ignores the misprinted names (so the
    /// canonical parameter they stand for is missing); the warnings are the misprints read.
    ///
    /// # Errors
    ///
    /// As [`Settings::read`], and a limit of [`Limits`](crate::Limits) hit.
    pub fn read_with(
        params: &'a [Param<'_>],
        options: &ReadOptions,
    ) -> Result<Parsed<Self>, InvalidSettings> {
        let mut c = Collected::collect(params, options);
        let mut out = Settings::default();

        if let Some(text) = c.text(Parameter::ProviderInfos, false) {
            let dhcp_options = if options.strict {
                dhcp_tta_options::ReadOptions::strict()
            } else {
                dhcp_tta_options::ReadOptions::lenient()
            };
            match ProviderList::parse_with(text.as_bytes(), &dhcp_options) {
                Ok(list) => out.provider_infos = Some(list.value),
                Err(e) => c.problem(Parameter::ProviderInfos, Reason::ProviderList(e)),
            }
        }

        if c.any(&SELECTION) {
            let name = c.text(Parameter::ServiceProviderName, false);
            let url = c.text(Parameter::ManagementServerUrl, true);
            let ntp = c.text(Parameter::NtpServer1, false);
            if let Some(u) = url
                && !is_http_url(u.trim())
            {
                c.problem(Parameter::ManagementServerUrl, Reason::NotHttpUrl);
            } else if let Some(u) = url {
                out.selection = Some(ProviderSelection {
                    name: name.map(Cow::Borrowed),
                    url: Cow::Borrowed(u.trim()),
                    ntp_server: ntp.map(Cow::Borrowed),
                });
            }
        }

        if c.any(&AUTH) {
            let result = c.text(Parameter::ProvResult, true);
            let message = c.text(Parameter::ProvResultMessage, false);
            let status = c.text(Parameter::ProvStatus, true);
            let server = c.text(Parameter::AutoUpdateServer, false);
            let result = result.and_then(|t| {
                ProvResult::parse(t)
                    .map_err(|_| c.problem(Parameter::ProvResult, Reason::NotDefined))
                    .ok()
            });
            let status = status.and_then(|t| {
                ProvStatus::parse(t)
                    .map_err(|_| c.problem(Parameter::ProvStatus, Reason::NotDefined))
                    .ok()
            });
            if let (Some(result), Some(status)) = (result, status) {
                out.auth = Some(AuthResult {
                    result,
                    message: Cow::Borrowed(message.unwrap_or_default()),
                    status,
                    auto_update_server: server.map(|s| Cow::Borrowed(s.trim())),
                });
            }
        }

        if c.any(&SDS) {
            let before = c.problems.len();
            let protocols = match c.text(Parameter::SdsConnectionProtocol, false) {
                None => Some(Protocols::DVBSTP),
                Some(t) => match Protocols::parse(t) {
                    Ok(p) => Some(p),
                    Err(item) => {
                        c.problem(
                            Parameter::SdsConnectionProtocol,
                            Reason::UnknownProtocol { item },
                        );
                        None
                    }
                },
            };
            let address = c.text(Parameter::SdsIpMulticastAddress, false);
            let address = non_empty(&mut c, Parameter::SdsIpMulticastAddress, address);
            let port_text = c.text(Parameter::SdsIpMulticastPort, false);
            let mport = port(&mut c, Parameter::SdsIpMulticastPort, port_text);
            let source = c.text(Parameter::SdsIpMulticastSource, false);
            let source = non_empty(&mut c, Parameter::SdsIpMulticastSource, source);
            let pull = c.text(Parameter::SdsPullUrl, false);
            let pull = pull.map(str::trim);
            if let Some(u) = pull
                && !is_http_url(u)
            {
                c.problem(Parameter::SdsPullUrl, Reason::NotHttpUrl);
            }
            let sp_id = c.text(Parameter::SdsSpId, false);
            let sp_id = non_empty(&mut c, Parameter::SdsSpId, sp_id);
            let region = c.text(Parameter::SdsRegionCode, true);
            let region = non_empty(&mut c, Parameter::SdsRegionCode, region);
            let ids_text = c.text(Parameter::SdsPackageIdentifiers, true);
            let ids = hex_list(&mut c, Parameter::SdsPackageIdentifiers, ids_text);
            let segs_text = c.text(Parameter::SdsPackageSegmentIds, true);
            let segs = hex_list(&mut c, Parameter::SdsPackageSegmentIds, segs_text);
            if let (Some(ids), Some(segs)) = (&ids, &segs)
                && ids.len() != segs.len()
            {
                c.problem(
                    Parameter::SdsPackageSegmentIds,
                    Reason::PairCount {
                        identifiers: ids.len(),
                        segments: segs.len(),
                    },
                );
            }
            if let Some(p) = protocols {
                if p.multicast() {
                    if c.get(Parameter::SdsIpMulticastAddress).is_none() {
                        c.problem(
                            Parameter::SdsIpMulticastAddress,
                            Reason::MissingForMulticast,
                        );
                    }
                    if c.get(Parameter::SdsIpMulticastPort).is_none() {
                        c.problem(Parameter::SdsIpMulticastPort, Reason::MissingForMulticast);
                    }
                }
                if p.unicast() {
                    if c.get(Parameter::SdsPullUrl).is_none() {
                        c.problem(Parameter::SdsPullUrl, Reason::MissingForUnicast);
                    }
                    if c.get(Parameter::SdsSpId).is_none() {
                        c.problem(Parameter::SdsSpId, Reason::MissingForUnicast);
                    }
                }
            }
            if c.problems.len() == before
                && let (Some(protocols), Some(region), Some(ids), Some(segs)) =
                    (protocols, region, ids, segs)
            {
                out.sds = Some(SdsServer(SdsFields {
                    protocols,
                    multicast_address: address.map(|s| Cow::Borrowed(s.trim())),
                    multicast_port: mport,
                    multicast_source: source.map(|s| Cow::Borrowed(s.trim())),
                    pull_url: pull.map(Cow::Borrowed),
                    sp_id: sp_id.map(|s| Cow::Borrowed(s.trim())),
                    region_code: Cow::Borrowed(region.trim()),
                    packages: ids
                        .into_iter()
                        .zip(segs)
                        .map(|(id, segment)| Package { id, segment })
                        .collect(),
                }));
            }
        }

        if c.any(&SMS) {
            let protocol = c.text(Parameter::SmsConnectionProtocol, true);
            let protocol = protocol.and_then(|t| match t.trim() {
                "SSLTLS" => Some(SmsProtocol::SslTls),
                "DigiEnv" => Some(SmsProtocol::DigiEnv),
                _ => {
                    c.problem(Parameter::SmsConnectionProtocol, Reason::NotDefined);
                    None
                }
            });
            let address = c.text(Parameter::SmsIpAddress, true);
            let address = non_empty(&mut c, Parameter::SmsIpAddress, address);
            let port_text = c.text(Parameter::SmsIpPort, true);
            let p = port(&mut c, Parameter::SmsIpPort, port_text);
            if let (Some(protocol), Some(address), Some(port)) =
                (protocol, address, p.and_then(core::num::NonZeroU16::new))
            {
                out.sms = Some(SmsServer {
                    protocol,
                    address: Cow::Borrowed(address.trim()),
                    port,
                });
            }
        }

        if c.problems.is_empty() {
            Ok(Parsed {
                value: out,
                warnings: c.aliases,
                dropped_warnings: c.dropped_aliases,
            })
        } else {
            Err(InvalidSettings {
                problems: c.problems,
            })
        }
    }

    /// The canonical parameter list under `root`, in the order of the standard's tables.
    pub fn to_params(&self, root: Root) -> Vec<Param<'static>> {
        let mut out = Vec::new();
        let mut push = |p: Parameter, t: ParamType, v: Cow<'static, str>| {
            if let Some(name) = p.name(root) {
                out.push(Param {
                    name: Cow::Borrowed(name),
                    xsd_type: t,
                    value: v,
                });
            }
        };
        let s = ParamType::String;
        let b = |t: &Cow<'_, str>| -> Cow<'static, str> { Cow::Owned(String::from(&**t)) };
        if let Some(list) = &self.provider_infos {
            push(
                Parameter::ProviderInfos,
                s,
                Cow::Owned(alloc::format!("{list}")),
            );
        }
        if let Some(sel) = &self.selection {
            if let Some(n) = &sel.name {
                push(Parameter::ServiceProviderName, s, b(n));
            }
            push(Parameter::ManagementServerUrl, s, b(&sel.url));
            if let Some(n) = &sel.ntp_server {
                push(Parameter::NtpServer1, s, b(n));
            }
        }
        if let Some(a) = &self.auth {
            push(Parameter::ProvResult, s, Cow::Borrowed(a.result.as_str()));
            push(Parameter::ProvResultMessage, s, b(&a.message));
            push(Parameter::ProvStatus, s, Cow::Borrowed(a.status.as_str()));
            if let Some(u) = &a.auto_update_server {
                push(Parameter::AutoUpdateServer, s, b(u));
            }
        }
        if let Some(sds) = &self.sds {
            let f = sds.fields();
            push(
                Parameter::SdsConnectionProtocol,
                s,
                Cow::Owned(alloc::format!("{}", f.protocols)),
            );
            if let Some(v) = &f.multicast_address {
                push(Parameter::SdsIpMulticastAddress, s, b(v));
            }
            if let Some(v) = f.multicast_port {
                push(
                    Parameter::SdsIpMulticastPort,
                    ParamType::UnsignedInt,
                    Cow::Owned(alloc::format!("{v}")),
                );
            }
            if let Some(v) = &f.multicast_source {
                push(Parameter::SdsIpMulticastSource, s, b(v));
            }
            if let Some(v) = &f.pull_url {
                push(Parameter::SdsPullUrl, s, b(v));
            }
            if let Some(v) = &f.sp_id {
                push(Parameter::SdsSpId, s, b(v));
            }
            push(Parameter::SdsRegionCode, s, b(&f.region_code));
            let list = |g: fn(&Package) -> u16| {
                let mut t = String::new();
                for (i, p) in f.packages.iter().enumerate() {
                    if i > 0 {
                        t.push(',');
                    }
                    t.push_str(&alloc::format!("0x{:04X}", g(p)));
                }
                Cow::Owned(t)
            };
            push(Parameter::SdsPackageIdentifiers, s, list(|p| p.id));
            push(Parameter::SdsPackageSegmentIds, s, list(|p| p.segment));
        }
        if let Some(sms) = &self.sms {
            push(
                Parameter::SmsConnectionProtocol,
                s,
                Cow::Borrowed(sms.protocol.as_str()),
            );
            push(Parameter::SmsIpAddress, s, b(&sms.address));
            push(
                Parameter::SmsIpPort,
                ParamType::UnsignedInt,
                Cow::Owned(alloc::format!("{}", sms.port)),
            );
        }
        out
    }

    /// Detaches the settings from the input.
    pub fn into_owned(self) -> Settings<'static> {
        Settings {
            provider_infos: self.provider_infos.map(ProviderList::into_owned),
            selection: self.selection.map(|s| ProviderSelection {
                name: s.name.map(own),
                url: own(s.url),
                ntp_server: s.ntp_server.map(own),
            }),
            auth: self.auth.map(|a| AuthResult {
                result: a.result,
                message: own(a.message),
                status: a.status,
                auto_update_server: a.auto_update_server.map(own),
            }),
            sds: self.sds.map(SdsServer::into_owned),
            sms: self.sms.map(|s| SmsServer {
                protocol: s.protocol,
                address: own(s.address),
                port: s.port,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    const SPS: &str = "InternetGatewayDevice.Services.STBService.1.Components.X_TTA_SPServer.";

    fn p(name: &str, v: &str) -> Param<'static> {
        Param::string(alloc::format!("{SPS}{name}"), String::from(v))
    }

    #[test]
    fn conditional_rules_report_every_problem() {
        let params = [
            p("SDSServer.ConnectionProtocol", "DVBSTP,HTTPS"),
            p("SDSServer.RegionCode", "02"),
            p("SDSServer.PackageIdentifiers", "1,2"),
            p("SDSServer.PackageSegmentIDs", "0x1"),
        ];
        let err = Settings::read(&params).unwrap_err();
        let reasons: Vec<_> = err.problems().iter().map(|p| p.to_string()).collect();
        assert_eq!(
            reasons,
            [
                format_name("PackageSegmentIDs: 1 segment ids for 2 package identifiers"),
                format_name("IPMulticastAddress: missing, mandatory with DVBSTP"),
                format_name("IPMulticastPort: missing, mandatory with DVBSTP"),
                format_name("PullURL: missing, mandatory with HTTP or HTTPS"),
                format_name("SPId: missing, mandatory with HTTP or HTTPS"),
            ]
        );
    }

    fn format_name(s: &str) -> String {
        alloc::format!("{SPS}SDSServer.{s}")
    }

    #[test]
    fn defaults_and_misprints() {
        let params = [
            p("SDSServer.IPMulticastAddress", "239.1.1.1"),
            p("SDSServer.IPMulticastPort", "1900"),
            p("SDSServer.RegionCode", "02"),
            p("SDSServer.PackageIdentifiers", "abcd"),
            p("SDSServer.PackageSegmentIDs", "0X0001"),
            p("SDSServer.IPPort", "5000"),
            p("SMSServer.ConnectionProtocols", "SSLTLS"),
            p("SMSServer.IPAddress", "sms"),
        ];
        let parsed = Settings::read_with(&params, &ReadOptions::lenient()).unwrap();
        let s = parsed.value;
        let sds = s.sds.as_ref().unwrap().fields();
        assert_eq!(sds.protocols, Protocols::DVBSTP);
        assert_eq!(
            sds.packages,
            [Package {
                id: 0xABCD,
                segment: 1
            }]
        );
        assert_eq!(s.sms.as_ref().unwrap().port.get(), 5000);
        assert_eq!(parsed.warnings.len(), 2);
        // Canonical out.
        let out = s.to_params(Root::Device);
        assert!(
            out.iter()
                .any(|p| p.name.ends_with("SMSServer.IPPort") && p.value == "5000")
        );
        assert!(
            out.iter()
                .any(|p| p.name.ends_with("PackageIdentifiers") && p.value == "0xABCD")
        );
        // Strict: the misprints do not count.
        let err = Settings::read_with(&params, &ReadOptions::strict()).unwrap_err();
        assert!(err.names(Parameter::SmsIpPort) && err.names(Parameter::SmsConnectionProtocol));
    }

    #[test]
    fn misprinted_port_yields_to_the_real_one() {
        let params = [
            p("SDSServer.IPPort", "1"),
            p("SMSServer.ConnectionProtocol", "DigiEnv"),
            p("SMSServer.IPAddress", "sms"),
            p("SMSServer.IPPort", "5000"),
        ];
        let s = Settings::read(&params).unwrap();
        assert_eq!(s.sms.unwrap().port.get(), 5000);
    }

    #[test]
    fn sds_new_checks_rules() {
        let err = SdsServer::new(SdsFields {
            protocols: Protocols::HTTP,
            region_code: "02".into(),
            ..SdsFields::default()
        })
        .unwrap_err();
        assert_eq!(err.problems().len(), 3);
    }
}
