//! The Inform parameter sets of the TTA events (spec section 4.1): building them on the STB,
//! checking them on the server.

use alloc::borrow::Cow;
use alloc::vec::Vec;
use core::fmt;

use crate::catalog::{Param, ParamType, Parameter, Phase};
use crate::identity::{DeviceId, MacAddress};
use crate::limits::ReadOptions;
use crate::path::Root;
use crate::problem::{Collected, Problem, Reason, write_problems};
use crate::settings::ProvStatus;

/// The vendor events of the procedure (spec section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TtaEvent {
    /// `X TTA DHCP`: provider discovery over TR-069 (phase 2).
    #[cfg_attr(feature = "serde", serde(rename = "X TTA DHCP"))]
    Dhcp,
    /// `X TTA VENDER_PROVISION` (the standard's spelling): terminal authentication (phase 3).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "X TTA VENDER_PROVISION", alias = "X TTA VENDOR_PROVISION")
    )]
    VenderProvision,
    /// `X TTA SERVICE_PROVISION`: service-provider provisioning (phase 6).
    #[cfg_attr(feature = "serde", serde(rename = "X TTA SERVICE_PROVISION"))]
    ServiceProvision,
}

const BASE: [Parameter; 11] = [
    Parameter::DeviceSummary,
    Parameter::SpecVersion,
    Parameter::HardwareVersion,
    Parameter::SoftwareVersion,
    Parameter::ProvisioningCode,
    Parameter::ConnectionRequestUrl,
    Parameter::ParameterKey,
    Parameter::IpAddress,
    Parameter::AddressingType,
    Parameter::MacAddress,
    Parameter::DeviceId,
];

const VENDER: [Parameter; 16] = [
    Parameter::DeviceSummary,
    Parameter::SpecVersion,
    Parameter::HardwareVersion,
    Parameter::SoftwareVersion,
    Parameter::ProvisioningCode,
    Parameter::ConnectionRequestUrl,
    Parameter::ParameterKey,
    Parameter::IpAddress,
    Parameter::AddressingType,
    Parameter::MacAddress,
    Parameter::DeviceId,
    Parameter::Manufacturer,
    Parameter::ModelName,
    Parameter::SerialNumber,
    Parameter::CertificateInfo,
    Parameter::ProvStatus,
];

impl TtaEvent {
    /// The event code as the standard spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Dhcp => "X TTA DHCP",
            Self::VenderProvision => "X TTA VENDER_PROVISION",
            Self::ServiceProvision => "X TTA SERVICE_PROVISION",
        }
    }

    /// Reads an event code; also accepts `X TTA VENDOR_PROVISION` (spec Decision).
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "X TTA DHCP" => Some(Self::Dhcp),
            "X TTA VENDER_PROVISION" | "X TTA VENDOR_PROVISION" => Some(Self::VenderProvision),
            "X TTA SERVICE_PROVISION" => Some(Self::ServiceProvision),
            _ => None,
        }
    }

    /// The phase it opens.
    pub const fn phase(self) -> Phase {
        match self {
            Self::Dhcp => Phase::ProviderDiscovery,
            Self::VenderProvision => Phase::ProviderAccess,
            Self::ServiceProvision => Phase::ServiceProvisioning,
        }
    }

    /// The parameters its Inform carries, in the standard's order (under `Device` without
    /// `SpecVersion`, which that root does not send).
    pub fn parameters(self, root: Root) -> impl Iterator<Item = Parameter> {
        let set: &'static [Parameter] = match self {
            Self::VenderProvision => &VENDER,
            _ => &BASE,
        };
        set.iter().copied().filter(move |p| p.name(root).is_some())
    }
}

impl fmt::Display for TtaEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the STB knows about itself, to build its Informs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DeviceDescription<'a> {
    /// The root the STB uses.
    pub root: Root,
    /// `X_TTA_DeviceID`; its serial number is `DeviceInfo.SerialNumber`.
    #[cfg_attr(feature = "serde", serde(rename = "X_TTA_DeviceID"))]
    pub device_id: DeviceId<'a>,
    /// `DeviceSummary`.
    #[cfg_attr(feature = "serde", serde(rename = "DeviceSummary"))]
    pub device_summary: Cow<'a, str>,
    /// `DeviceInfo.SpecVersion` (sent under `InternetGatewayDevice` only).
    #[cfg_attr(feature = "serde", serde(rename = "SpecVersion"))]
    pub spec_version: Cow<'a, str>,
    /// `DeviceInfo.HardwareVersion`.
    #[cfg_attr(feature = "serde", serde(rename = "HardwareVersion"))]
    pub hardware_version: Cow<'a, str>,
    /// `DeviceInfo.SoftwareVersion`.
    #[cfg_attr(feature = "serde", serde(rename = "SoftwareVersion"))]
    pub software_version: Cow<'a, str>,
    /// `DeviceInfo.ProvisioningCode`.
    #[cfg_attr(feature = "serde", serde(rename = "ProvisioningCode"))]
    pub provisioning_code: Cow<'a, str>,
    /// `ManagementServer.ConnectionRequestURL`.
    #[cfg_attr(feature = "serde", serde(rename = "ConnectionRequestURL"))]
    pub connection_request_url: Cow<'a, str>,
    /// `ManagementServer.ParameterKey`.
    #[cfg_attr(feature = "serde", serde(rename = "ParameterKey"))]
    pub parameter_key: Cow<'a, str>,
    /// The IP address.
    #[cfg_attr(feature = "serde", serde(rename = "IPAddress"))]
    pub ip_address: Cow<'a, str>,
    /// `AddressingType` (`DHCP`, `Static`).
    #[cfg_attr(feature = "serde", serde(rename = "AddressingType"))]
    pub addressing_type: Cow<'a, str>,
    /// The MAC address (written `00:1F:3C:0A:F0:4C`).
    #[cfg_attr(feature = "serde", serde(rename = "MACAddress"))]
    pub mac: MacAddress,
    /// `DeviceInfo.Manufacturer`.
    #[cfg_attr(feature = "serde", serde(rename = "Manufacturer"))]
    pub manufacturer: Cow<'a, str>,
    /// `DeviceInfo.ModelName`.
    #[cfg_attr(feature = "serde", serde(rename = "ModelName"))]
    pub model_name: Cow<'a, str>,
    /// `X_TTA_CertificateInfo`: the certificate.
    #[cfg_attr(feature = "serde", serde(rename = "X_TTA_CertificateInfo"))]
    pub certificate: Cow<'a, str>,
}

impl DeviceDescription<'_> {
    /// The exact parameter list of the Inform for `event`, canonical names under the
    /// description's root; `status` is `X_TTA_ProvStatus` (sent with `VENDER_PROVISION`).
    ///
    /// ```
    /// use tta_datamodel::{DeviceDescription, DeviceId, MacAddress, ProvStatus, Root, TtaEvent, check_inform};
    ///
    /// let mac = MacAddress::parse("00:1F:3C:0A:F0:4C")?;
    /// let device = DeviceDescription {
    ///     root: Root::Device,
    ///     device_id: DeviceId::from_mac("001F3C", "IPTV", mac)?,
    ///     device_summary: "Device:1.0[](Baseline:1)".into(),
    ///     spec_version: "1.0".into(),
    ///     hardware_version: "1.0.0".into(),
    ///     software_version: "2.1.27".into(),
    ///     provisioning_code: "".into(),
    ///     connection_request_url: "http://192.168.1.80:7547/".into(),
    ///     parameter_key: "0".into(),
    ///     ip_address: "192.168.1.80".into(),
    ///     addressing_type: "DHCP".into(),
    ///     mac,
    ///     manufacturer: "TTA".into(),
    ///     model_name: "retailIPTV-01".into(),
    ///     certificate: "MIIB...".into(),
    /// };
    /// let params = device.inform_parameters(TtaEvent::VenderProvision, ProvStatus::NotComplete);
    /// assert_eq!(params.len(), 15);
    /// let checked = check_inform(TtaEvent::VenderProvision, &params).unwrap();
    /// assert_eq!(checked.device_id.to_string(), "001F3C-IPTV-001F3C0AF04C");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn inform_parameters(&self, event: TtaEvent, status: ProvStatus) -> Vec<Param<'_>> {
        let root = self.root;
        event
            .parameters(root)
            .filter_map(|p| {
                let name = p.name(root)?;
                let b = |s: &Cow<'_, str>| Cow::Owned(alloc::string::String::from(&**s));
                let value: Cow<'_, str> = match p {
                    Parameter::DeviceSummary => b(&self.device_summary),
                    Parameter::SpecVersion => b(&self.spec_version),
                    Parameter::HardwareVersion => b(&self.hardware_version),
                    Parameter::SoftwareVersion => b(&self.software_version),
                    Parameter::ProvisioningCode => b(&self.provisioning_code),
                    Parameter::ConnectionRequestUrl => b(&self.connection_request_url),
                    Parameter::ParameterKey => b(&self.parameter_key),
                    Parameter::IpAddress => b(&self.ip_address),
                    Parameter::AddressingType => b(&self.addressing_type),
                    Parameter::MacAddress => Cow::Owned(alloc::format!("{}", self.mac)),
                    Parameter::DeviceId => Cow::Owned(alloc::format!("{}", self.device_id)),
                    Parameter::Manufacturer => b(&self.manufacturer),
                    Parameter::ModelName => b(&self.model_name),
                    Parameter::SerialNumber => {
                        Cow::Owned(alloc::string::String::from(self.device_id.serial_number()))
                    }
                    Parameter::CertificateInfo => b(&self.certificate),
                    Parameter::ProvStatus => Cow::Borrowed(status.as_str()),
                    _ => return None,
                };
                Some(Param {
                    name: Cow::Borrowed(name),
                    xsd_type: ParamType::String,
                    value,
                })
            })
            .collect()
    }
}

/// What the server learns from an Inform that passed [`check_inform`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct CheckedInform<'a> {
    /// The event.
    #[cfg_attr(feature = "serde", serde(rename = "EventCode"))]
    pub event: TtaEvent,
    /// The root the STB uses.
    pub root: Root,
    /// `X_TTA_DeviceID`.
    #[cfg_attr(feature = "serde", serde(rename = "X_TTA_DeviceID"))]
    pub device_id: DeviceId<'a>,
    /// The MAC address.
    #[cfg_attr(feature = "serde", serde(rename = "MACAddress"))]
    pub mac: MacAddress,
    /// `X_TTA_ProvStatus` (`VENDER_PROVISION` only).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "X_TTA_ProvStatus", skip_serializing_if = "Option::is_none")
    )]
    pub prov_status: Option<ProvStatus>,
    /// `X_TTA_CertificateInfo` (`VENDER_PROVISION` only).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "X_TTA_CertificateInfo",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub certificate: Option<Cow<'a, str>>,
    /// `DeviceInfo.SoftwareVersion`.
    #[cfg_attr(feature = "serde", serde(rename = "SoftwareVersion"))]
    pub software_version: Cow<'a, str>,
    /// `DeviceInfo.Manufacturer` (`VENDER_PROVISION` only).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "Manufacturer", skip_serializing_if = "Option::is_none")
    )]
    pub manufacturer: Option<Cow<'a, str>>,
    /// `DeviceInfo.ModelName` (`VENDER_PROVISION` only).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "ModelName", skip_serializing_if = "Option::is_none")
    )]
    pub model_name: Option<Cow<'a, str>>,
    /// The IP address.
    #[cfg_attr(feature = "serde", serde(rename = "IPAddress"))]
    pub ip_address: Cow<'a, str>,
}

impl CheckedInform<'_> {
    /// Detaches the values from the input.
    pub fn into_owned(self) -> CheckedInform<'static> {
        let own = |c: Cow<'_, str>| Cow::Owned(alloc::string::String::from(c));
        CheckedInform {
            event: self.event,
            root: self.root,
            device_id: self.device_id.into_owned(),
            mac: self.mac,
            prov_status: self.prov_status,
            certificate: self.certificate.map(own),
            software_version: own(self.software_version),
            manufacturer: self.manufacturer.map(own),
            model_name: self.model_name.map(own),
            ip_address: own(self.ip_address),
        }
    }
}

/// An Inform that lacks parameters its event needs or carries them ill-typed: every one of
/// them, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InvalidInform {
    #[cfg_attr(feature = "serde", serde(rename = "EventCode"))]
    event: TtaEvent,
    problems: Vec<Problem>,
}

impl InvalidInform {
    #[cfg(feature = "cwmp")]
    pub(crate) fn new(event: TtaEvent, problems: Vec<Problem>) -> Self {
        Self { event, problems }
    }

    /// The event checked.
    pub fn event(&self) -> TtaEvent {
        self.event
    }

    /// The problems, at least one.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for InvalidInform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} inform: ", self.event)?;
        write_problems(f, &self.problems)
    }
}

impl core::error::Error for InvalidInform {}

/// Checks a received Inform's parameter list for `event` (lenient: extra parameters are
/// ignored; size-faceted types such as `xsd:string(64)` are strings).
///
/// # Errors
///
/// [`InvalidInform`] naming every missing or ill-typed parameter: a type other than the
/// catalog's, a device ID that is not `OUI-ProductClass-SerialNumber`, a MAC address that
/// does not read, a ProvStatus other than `01`/`02`.
pub fn check_inform<'a>(
    event: TtaEvent,
    params: &'a [Param<'_>],
) -> Result<CheckedInform<'a>, InvalidInform> {
    check_inform_with(event, params, &ReadOptions::lenient())
}

/// [`check_inform`] with options (limits).
///
/// # Errors
///
/// As [`check_inform`], and a limit hit.
pub fn check_inform_with<'a>(
    event: TtaEvent,
    params: &'a [Param<'_>],
    options: &ReadOptions,
) -> Result<CheckedInform<'a>, InvalidInform> {
    let mut c = Collected::collect(params, options);
    let root = c.root;
    let mut texts: [Option<&'a str>; VENDER.len()] = [None; VENDER.len()];
    for (i, p) in VENDER.iter().enumerate() {
        let needed = event.parameters(root).any(|q| q == *p);
        if needed {
            texts[i] = c.text(*p, true);
        }
    }
    let get = |p: Parameter| VENDER.iter().position(|q| *q == p).and_then(|i| texts[i]);
    let device_id = get(Parameter::DeviceId).and_then(|t| {
        DeviceId::parse(t.trim())
            .map_err(|_| c.problem(Parameter::DeviceId, Reason::NotDeviceId))
            .ok()
    });
    let mac = get(Parameter::MacAddress).and_then(|t| {
        MacAddress::parse(t)
            .map_err(|_| c.problem(Parameter::MacAddress, Reason::NotMac))
            .ok()
    });
    let prov_status = get(Parameter::ProvStatus).and_then(|t| {
        ProvStatus::parse(t)
            .map_err(|_| c.problem(Parameter::ProvStatus, Reason::NotDefined))
            .ok()
    });
    if !c.problems.is_empty() {
        return Err(InvalidInform {
            event,
            problems: c.problems,
        });
    }
    match (device_id, mac) {
        (Some(device_id), Some(mac)) => Ok(CheckedInform {
            event,
            root,
            device_id,
            mac,
            prov_status,
            certificate: get(Parameter::CertificateInfo).map(Cow::Borrowed),
            software_version: Cow::Borrowed(get(Parameter::SoftwareVersion).unwrap_or_default()),
            manufacturer: get(Parameter::Manufacturer).map(Cow::Borrowed),
            model_name: get(Parameter::ModelName).map(Cow::Borrowed),
            ip_address: Cow::Borrowed(get(Parameter::IpAddress).unwrap_or_default()),
        }),
        // Both are mandatory and checked above, so a problem was recorded.
        _ => Err(InvalidInform {
            event,
            problems: c.problems,
        }),
    }
}
