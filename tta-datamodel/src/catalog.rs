//! Every parameter the standard names, under both roots, and the lookup of received names.

use alloc::borrow::Cow;
use core::fmt;

use crate::path::Root;

/// The `xsi:type` of a value, as far as the standard uses types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[non_exhaustive]
pub enum ParamType {
    /// `xsd:string`.
    String,
    /// `xsd:unsignedInt`.
    UnsignedInt,
    /// `xsd:int`.
    Int,
    /// `xsd:boolean`.
    Boolean,
    /// `xsd:dateTime`.
    DateTime,
    /// `xsd:base64Binary`.
    #[cfg_attr(feature = "serde", serde(rename = "base64Binary", alias = "base64"))]
    Base64,
    /// Any other type (`xsd:long`, `xsd:hexBinary`, a vendor type).
    #[cfg_attr(feature = "serde", serde(rename = "anySimpleType", alias = "other"))]
    Other,
}

impl ParamType {
    /// The local name written after `xsd:` (`Other` writes `anySimpleType`).
    pub const fn local_name(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::UnsignedInt => "unsignedInt",
            Self::Int => "int",
            Self::Boolean => "boolean",
            Self::DateTime => "dateTime",
            Self::Base64 => "base64Binary",
            Self::Other => "anySimpleType",
        }
    }

    /// Reads an `xsi:type` value or its local name: `xsd:string`, `string`, and the
    /// size-faceted forms of the standard's examples (`xsd:string(64)`). Empty reads as
    /// `String`, as TR-069 reads an untyped value.
    pub fn from_xsi(text: &str) -> Self {
        let text = text.trim();
        let local = text.rsplit_once(':').map_or(text, |(_, l)| l);
        let local = local.split_once('(').map_or(local, |(l, _)| l).trim();
        match local {
            "" | "string" => Self::String,
            "unsignedInt" => Self::UnsignedInt,
            "int" => Self::Int,
            "boolean" => Self::Boolean,
            "dateTime" => Self::DateTime,
            "base64" | "base64Binary" => Self::Base64,
            _ => Self::Other,
        }
    }
}

impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.local_name())
    }
}

/// One item of a parameter list (an Inform's `ParameterList`, a SetParameterValues'): the
/// name, the value's type and its text, as received or to send.
///
/// serde writes it as `cwmp-codec` writes a `ParameterValueStruct`:
/// `{"Name": "...", "Value": {"type": "string", "text": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Param<'a> {
    /// The full parameter name.
    pub name: Cow<'a, str>,
    /// The value's type.
    pub xsd_type: ParamType,
    /// The value's text.
    pub value: Cow<'a, str>,
}

#[cfg(feature = "serde")]
impl serde::Serialize for Param<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Value<'p>(ParamType, &'p str);
        impl serde::Serialize for Value<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut st = s.serialize_struct("Value", 2)?;
                st.serialize_field("type", &self.0)?;
                st.serialize_field("text", self.1)?;
                st.end()
            }
        }
        let mut st = s.serialize_struct("ParameterValueStruct", 2)?;
        st.serialize_field("Name", &self.name)?;
        st.serialize_field("Value", &Value(self.xsd_type, &self.value))?;
        st.end()
    }
}

impl<'a> Param<'a> {
    /// An item.
    pub fn new(
        name: impl Into<Cow<'a, str>>,
        xsd_type: ParamType,
        value: impl Into<Cow<'a, str>>,
    ) -> Self {
        Self {
            name: name.into(),
            xsd_type,
            value: value.into(),
        }
    }

    /// An `xsd:string` item.
    pub fn string(name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Self {
        Self::new(name, ParamType::String, value)
    }

    /// Detaches the item from the input.
    pub fn into_owned(self) -> Param<'static> {
        Param {
            name: Cow::Owned(self.name.into_owned()),
            xsd_type: self.xsd_type,
            value: Cow::Owned(self.value.into_owned()),
        }
    }
}

/// Who sends a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Direction {
    /// The STB reports it in an Inform.
    StbToServer,
    /// The server sets it with SetParameterValues.
    ServerToStb,
    /// Both: `X_TTA_ProvStatus`, reported by the STB and set by the server.
    Both,
}

/// The six phases of the procedure (spec section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Phase {
    /// 1: DHCP with option 60 `IPTV Device`.
    NetworkAttach = 1,
    /// 2: the provider list (option 43, or the `X TTA DHCP` Inform).
    ProviderDiscovery = 2,
    /// 3: terminal authentication (`X TTA VENDER_PROVISION`).
    ProviderAccess = 3,
    /// 4: firmware upgrade (`pkgId=Firmware`).
    FirmwareUpgrade = 4,
    /// 5: software download (`pkgId=Application`).
    SoftwareDownload = 5,
    /// 6: service-provider provisioning (`X TTA SERVICE_PROVISION`).
    ServiceProvisioning = 6,
}

/// A misprinted name the standard itself uses, read as its canonical form (spec section
/// 4.2, Decisions); never written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Alias {
    /// `{R}.Services.1.STBService.Components.1.X_TTA_SPServer.` (table 13-1) for
    /// `{R}.Services.STBService.1.Components.X_TTA_SPServer.`.
    GarbledSpServerPath,
    /// `ConnectionProtocols` (table 13-1) for `ConnectionProtocol`.
    ConnectionProtocols,
    /// `SPID` (the example) for `SPId`.
    SpIdUpperCase,
    /// `SPIId` (Annex 1) for `SPId`.
    SpIdMisprint,
    /// `SDSServer.IPPort` (Annex 1) for `SMSServer.IPPort`.
    SdsIpPort,
}

impl Alias {
    const fn bit(self) -> u8 {
        match self {
            Self::GarbledSpServerPath => 1,
            Self::ConnectionProtocols => 2,
            Self::SpIdUpperCase => 4,
            Self::SpIdMisprint => 8,
            Self::SdsIpPort => 16,
        }
    }

    const ALL: [Alias; 5] = [
        Alias::GarbledSpServerPath,
        Alias::ConnectionProtocols,
        Alias::SpIdUpperCase,
        Alias::SpIdMisprint,
        Alias::SdsIpPort,
    ];
}

impl fmt::Display for Alias {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::GarbledSpServerPath => {
                "misprinted path `Services.1.STBService.Components.1.X_TTA_SPServer.` read as `Services.STBService.1.Components.X_TTA_SPServer.`"
            }
            Self::ConnectionProtocols => "misprinted `ConnectionProtocols` read as `ConnectionProtocol`",
            Self::SpIdUpperCase => "misprinted `SPID` read as `SPId`",
            Self::SpIdMisprint => "misprinted `SPIId` read as `SPId`",
            Self::SdsIpPort => "misprinted `SDSServer.IPPort` read as `SMSServer.IPPort`",
        })
    }
}

/// The [`Alias`]es one name used (a name can use two: the garbled path and `SPID`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Aliases(u8);

impl Aliases {
    /// Whether the name was canonical.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether `alias` was used.
    pub const fn contains(self, alias: Alias) -> bool {
        self.0 & alias.bit() != 0
    }

    /// The aliases used.
    pub fn iter(self) -> impl Iterator<Item = Alias> {
        Alias::ALL.into_iter().filter(move |a| self.contains(*a))
    }

    const fn with(self, alias: Alias) -> Self {
        Self(self.0 | alias.bit())
    }
}

impl fmt::Debug for Aliases {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Aliases {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// What [`lookup`] found for a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Match {
    /// The parameter.
    pub parameter: Parameter,
    /// The root the name is under.
    pub root: Root,
    /// The misprints the name used, if any.
    pub aliases: Aliases,
}

impl Match {
    /// The canonical name of the parameter under the same root.
    pub fn canonical_name(&self) -> &'static str {
        // Every match is of a parameter that exists under its root.
        self.parameter.name(self.root).unwrap_or_default()
    }
}

macro_rules! sp {
    () => {
        "Services.STBService.1.Applications.ServiceProvider.1."
    };
}
macro_rules! sps {
    () => {
        "Services.STBService.1.Components.X_TTA_SPServer."
    };
}
macro_rules! wan {
    () => {
        "WANDevice.1.WANConnectionDevice.1.WANIPConnection.1."
    };
}
macro_rules! both {
    ($($rel:expr),+) => {
        (
            Some(concat!("InternetGatewayDevice.", $($rel),+)),
            Some(concat!("Device.", $($rel),+)),
        )
    };
}

macro_rules! catalog {
    ($(
        $(#[$doc:meta])*
        $id:ident = $short:literal, $names:expr, $ty:ident, $dir:ident, [$($ph:ident),*];
    )*) => {
        /// A parameter the standard names (spec section 4), independent of the root.
        ///
        /// [`Parameter::name`] gives its canonical full name under a root, [`lookup`] finds
        /// it from a received name. serde and `Display` write its [`Parameter::short_name`]
        /// (`X_TTA_ProvResult`, `SoftwareVersion`, `SDSServer.PackageSegmentIDs`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Parameter {
            $( $(#[$doc])* $id, )*
        }

        impl Parameter {
            /// Every parameter of the catalog.
            pub const ALL: &'static [Parameter] = &[$(Parameter::$id),*];

            /// The last segment of its canonical name (with the object for the SDS and SMS
            /// parameters: `SDSServer.SPId`).
            pub const fn short_name(self) -> &'static str {
                match self { $( Parameter::$id => $short, )* }
            }

            const fn names(self) -> (Option<&'static str>, Option<&'static str>) {
                match self { $( Parameter::$id => $names, )* }
            }

            /// Its type.
            pub const fn xsd_type(self) -> ParamType {
                match self { $( Parameter::$id => ParamType::$ty, )* }
            }

            /// Who sends it.
            pub const fn direction(self) -> Direction {
                match self { $( Parameter::$id => Direction::$dir, )* }
            }

            /// The phases it travels in.
            pub const fn phases(self) -> &'static [Phase] {
                match self { $( Parameter::$id => &[$(Phase::$ph),*], )* }
            }
        }
    };
}

catalog! {
    /// `{R}.DeviceSummary`.
    DeviceSummary = "DeviceSummary", both!("DeviceSummary"), String, StbToServer,
        [ProviderDiscovery, ProviderAccess, ServiceProvisioning];
    /// `InternetGatewayDevice.DeviceInfo.SpecVersion` (not under `Device`).
    SpecVersion = "SpecVersion", (Some("InternetGatewayDevice.DeviceInfo.SpecVersion"), None), String, StbToServer,
        [ProviderDiscovery, ProviderAccess, ServiceProvisioning];
    /// `{R}.DeviceInfo.HardwareVersion`.
    HardwareVersion = "HardwareVersion", both!("DeviceInfo.HardwareVersion"), String, StbToServer,
        [ProviderDiscovery, ProviderAccess, ServiceProvisioning];
    /// `{R}.DeviceInfo.SoftwareVersion`.
    SoftwareVersion = "SoftwareVersion", both!("DeviceInfo.SoftwareVersion"), String, StbToServer,
        [ProviderDiscovery, ProviderAccess, ServiceProvisioning];
    /// `{R}.DeviceInfo.ProvisioningCode`.
    ProvisioningCode = "ProvisioningCode", both!("DeviceInfo.ProvisioningCode"), String, StbToServer,
        [ProviderDiscovery, ProviderAccess, ServiceProvisioning];
    /// `{R}.ManagementServer.ConnectionRequestURL`.
    ConnectionRequestUrl = "ConnectionRequestURL", both!("ManagementServer.ConnectionRequestURL"), String, StbToServer,
        [ProviderDiscovery, ProviderAccess, ServiceProvisioning];
    /// `{R}.ManagementServer.ParameterKey`.
    ParameterKey = "ParameterKey", both!("ManagementServer.ParameterKey"), String, StbToServer,
        [ProviderDiscovery, ProviderAccess, ServiceProvisioning];
    /// The IP address: `...WANIPConnection.1.ExternalIPAddress` or `Device.LAN.IPAddress`.
    IpAddress = "IPAddress",
        (Some(concat!("InternetGatewayDevice.", wan!(), "ExternalIPAddress")), Some("Device.LAN.IPAddress")),
        String, StbToServer, [ProviderDiscovery, ProviderAccess, ServiceProvisioning];
    /// `...WANIPConnection.1.AddressingType` or `Device.LAN.AddressingType`.
    AddressingType = "AddressingType",
        (Some(concat!("InternetGatewayDevice.", wan!(), "AddressingType")), Some("Device.LAN.AddressingType")),
        String, StbToServer, [ProviderDiscovery, ProviderAccess, ServiceProvisioning];
    /// `...WANIPConnection.1.MACAddress` or `Device.LAN.MACAddress`.
    MacAddress = "MACAddress",
        (Some(concat!("InternetGatewayDevice.", wan!(), "MACAddress")), Some("Device.LAN.MACAddress")),
        String, StbToServer, [ProviderDiscovery, ProviderAccess, ServiceProvisioning];
    /// `{SP}.X_TTA_DeviceID`.
    DeviceId = "X_TTA_DeviceID", both!(sp!(), "X_TTA_DeviceID"), String, StbToServer,
        [ProviderDiscovery, ProviderAccess, ServiceProvisioning];
    /// `{R}.DeviceInfo.Manufacturer`.
    Manufacturer = "Manufacturer", both!("DeviceInfo.Manufacturer"), String, StbToServer, [ProviderAccess];
    /// `{R}.DeviceInfo.ModelName`.
    ModelName = "ModelName", both!("DeviceInfo.ModelName"), String, StbToServer, [ProviderAccess];
    /// `{R}.DeviceInfo.SerialNumber`.
    SerialNumber = "SerialNumber", both!("DeviceInfo.SerialNumber"), String, StbToServer, [ProviderAccess];
    /// `{SP}.X_TTA_CertificateInfo`: the STB's certificate.
    CertificateInfo = "X_TTA_CertificateInfo", both!(sp!(), "X_TTA_CertificateInfo"), String, StbToServer, [ProviderAccess];
    /// `{SP}.X_TTA_ProvStatus`: `01` not complete, `02` complete.
    ProvStatus = "X_TTA_ProvStatus", both!(sp!(), "X_TTA_ProvStatus"), String, Both, [ProviderAccess];
    /// `{SP}.X_TTA_ProviderInfos`: the provider list, as option 43.
    ProviderInfos = "X_TTA_ProviderInfos", both!(sp!(), "X_TTA_ProviderInfos"), String, ServerToStb, [ProviderDiscovery];
    /// `{SP}.Name`: the chosen provider.
    ServiceProviderName = "Name", both!(sp!(), "Name"), String, ServerToStb, [ProviderDiscovery];
    /// `{R}.ManagementServer.URL`: the chosen provisioning server.
    ManagementServerUrl = "URL", both!("ManagementServer.URL"), String, ServerToStb, [ProviderDiscovery];
    /// `{R}.Time.NTPServer1`: the chosen provider's NTP server.
    NtpServer1 = "NTPServer1", both!("Time.NTPServer1"), String, ServerToStb, [ProviderDiscovery];
    /// `{SP}.X_TTA_ProvResult`: `01`, `021`, `022`.
    ProvResult = "X_TTA_ProvResult", both!(sp!(), "X_TTA_ProvResult"), String, ServerToStb, [ProviderAccess];
    /// `{SP}.X_TTA_ProvResultMessage`: the text to show.
    ProvResultMessage = "X_TTA_ProvResultMessage", both!(sp!(), "X_TTA_ProvResultMessage"), String, ServerToStb, [ProviderAccess];
    /// `{R}.UserInterface.AutoUpdateServer`: the upgrade server.
    AutoUpdateServer = "AutoUpdateServer", both!("UserInterface.AutoUpdateServer"), String, ServerToStb, [ProviderAccess];
    /// `{SPS}.SDSServer.ConnectionProtocol`.
    SdsConnectionProtocol = "SDSServer.ConnectionProtocol", both!(sps!(), "SDSServer.ConnectionProtocol"), String, ServerToStb, [ServiceProvisioning];
    /// `{SPS}.SDSServer.IPMulticastAddress`.
    SdsIpMulticastAddress = "SDSServer.IPMulticastAddress", both!(sps!(), "SDSServer.IPMulticastAddress"), String, ServerToStb, [ServiceProvisioning];
    /// `{SPS}.SDSServer.IPMulticastPort`.
    SdsIpMulticastPort = "SDSServer.IPMulticastPort", both!(sps!(), "SDSServer.IPMulticastPort"), UnsignedInt, ServerToStb, [ServiceProvisioning];
    /// `{SPS}.SDSServer.IPMulticastSource`.
    SdsIpMulticastSource = "SDSServer.IPMulticastSource", both!(sps!(), "SDSServer.IPMulticastSource"), String, ServerToStb, [ServiceProvisioning];
    /// `{SPS}.SDSServer.PullURL`.
    SdsPullUrl = "SDSServer.PullURL", both!(sps!(), "SDSServer.PullURL"), String, ServerToStb, [ServiceProvisioning];
    /// `{SPS}.SDSServer.SPId`.
    SdsSpId = "SDSServer.SPId", both!(sps!(), "SDSServer.SPId"), String, ServerToStb, [ServiceProvisioning];
    /// `{SPS}.SDSServer.RegionCode`.
    SdsRegionCode = "SDSServer.RegionCode", both!(sps!(), "SDSServer.RegionCode"), String, ServerToStb, [ServiceProvisioning];
    /// `{SPS}.SDSServer.PackageIdentifiers`.
    SdsPackageIdentifiers = "SDSServer.PackageIdentifiers", both!(sps!(), "SDSServer.PackageIdentifiers"), String, ServerToStb, [ServiceProvisioning];
    /// `{SPS}.SDSServer.PackageSegmentIDs`.
    SdsPackageSegmentIds = "SDSServer.PackageSegmentIDs", both!(sps!(), "SDSServer.PackageSegmentIDs"), String, ServerToStb, [ServiceProvisioning];
    /// `{SPS}.SMSServer.ConnectionProtocol`.
    SmsConnectionProtocol = "SMSServer.ConnectionProtocol", both!(sps!(), "SMSServer.ConnectionProtocol"), String, ServerToStb, [ServiceProvisioning];
    /// `{SPS}.SMSServer.IPAddress`.
    SmsIpAddress = "SMSServer.IPAddress", both!(sps!(), "SMSServer.IPAddress"), String, ServerToStb, [ServiceProvisioning];
    /// `{SPS}.SMSServer.IPPort`.
    SmsIpPort = "SMSServer.IPPort", both!(sps!(), "SMSServer.IPPort"), UnsignedInt, ServerToStb, [ServiceProvisioning];
}

impl Parameter {
    /// Its canonical full name under `root`, or `None` where the root does not have it
    /// (`SpecVersion` under `Device`).
    pub const fn name(self, root: Root) -> Option<&'static str> {
        let (igd, dev) = self.names();
        match root {
            Root::InternetGatewayDevice => igd,
            Root::Device => dev,
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Parameter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.short_name())
    }
}

impl fmt::Display for Parameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short_name())
    }
}

const SP: &str = sp!();
const SPS: &str = sps!();
const SPS_GARBLED: &str = "Services.1.STBService.Components.1.X_TTA_SPServer.";

fn server_parameter(tail: &str) -> Option<(Parameter, Aliases)> {
    let none = Aliases::default();
    Some(match tail {
        "SDSServer.ConnectionProtocol" => (Parameter::SdsConnectionProtocol, none),
        "SDSServer.ConnectionProtocols" => (
            Parameter::SdsConnectionProtocol,
            none.with(Alias::ConnectionProtocols),
        ),
        "SDSServer.IPMulticastAddress" => (Parameter::SdsIpMulticastAddress, none),
        "SDSServer.IPMulticastPort" => (Parameter::SdsIpMulticastPort, none),
        "SDSServer.IPMulticastSource" => (Parameter::SdsIpMulticastSource, none),
        "SDSServer.PullURL" => (Parameter::SdsPullUrl, none),
        "SDSServer.SPId" => (Parameter::SdsSpId, none),
        "SDSServer.SPID" => (Parameter::SdsSpId, none.with(Alias::SpIdUpperCase)),
        "SDSServer.SPIId" => (Parameter::SdsSpId, none.with(Alias::SpIdMisprint)),
        "SDSServer.RegionCode" => (Parameter::SdsRegionCode, none),
        "SDSServer.PackageIdentifiers" => (Parameter::SdsPackageIdentifiers, none),
        "SDSServer.PackageSegmentIDs" => (Parameter::SdsPackageSegmentIds, none),
        "SDSServer.IPPort" => (Parameter::SmsIpPort, none.with(Alias::SdsIpPort)),
        "SMSServer.ConnectionProtocol" => (Parameter::SmsConnectionProtocol, none),
        "SMSServer.ConnectionProtocols" => (
            Parameter::SmsConnectionProtocol,
            none.with(Alias::ConnectionProtocols),
        ),
        "SMSServer.IPAddress" => (Parameter::SmsIpAddress, none),
        "SMSServer.IPPort" => (Parameter::SmsIpPort, none),
        _ => return None,
    })
}

fn provider_parameter(tail: &str) -> Option<Parameter> {
    Some(match tail {
        "X_TTA_DeviceID" => Parameter::DeviceId,
        "X_TTA_CertificateInfo" => Parameter::CertificateInfo,
        "X_TTA_ProvStatus" => Parameter::ProvStatus,
        "X_TTA_ProviderInfos" => Parameter::ProviderInfos,
        "Name" => Parameter::ServiceProviderName,
        "X_TTA_ProvResult" => Parameter::ProvResult,
        "X_TTA_ProvResultMessage" => Parameter::ProvResultMessage,
        _ => return None,
    })
}

fn other_parameter(root: Root, rel: &str) -> Option<Parameter> {
    Some(match rel {
        "DeviceSummary" => Parameter::DeviceSummary,
        "DeviceInfo.SpecVersion" if root == Root::InternetGatewayDevice => Parameter::SpecVersion,
        "DeviceInfo.HardwareVersion" => Parameter::HardwareVersion,
        "DeviceInfo.SoftwareVersion" => Parameter::SoftwareVersion,
        "DeviceInfo.ProvisioningCode" => Parameter::ProvisioningCode,
        "DeviceInfo.Manufacturer" => Parameter::Manufacturer,
        "DeviceInfo.ModelName" => Parameter::ModelName,
        "DeviceInfo.SerialNumber" => Parameter::SerialNumber,
        "ManagementServer.ConnectionRequestURL" => Parameter::ConnectionRequestUrl,
        "ManagementServer.ParameterKey" => Parameter::ParameterKey,
        "ManagementServer.URL" => Parameter::ManagementServerUrl,
        "Time.NTPServer1" => Parameter::NtpServer1,
        "UserInterface.AutoUpdateServer" => Parameter::AutoUpdateServer,
        "LAN.IPAddress" if root == Root::Device => Parameter::IpAddress,
        "LAN.AddressingType" if root == Root::Device => Parameter::AddressingType,
        "LAN.MACAddress" if root == Root::Device => Parameter::MacAddress,
        concat!(wan!(), "ExternalIPAddress") if root == Root::InternetGatewayDevice => {
            Parameter::IpAddress
        }
        concat!(wan!(), "AddressingType") if root == Root::InternetGatewayDevice => {
            Parameter::AddressingType
        }
        concat!(wan!(), "MACAddress") if root == Root::InternetGatewayDevice => {
            Parameter::MacAddress
        }
        _ => return None,
    })
}

/// Finds the catalog parameter a received name stands for, resolving the standard's
/// misprints (spec section 4.2, Decisions) and saying which were used.
///
/// Names outside the catalog cost a prefix comparison and, for names under the TTA objects, a
/// length-dispatched comparison: no allocation, so it can run over every name of a large
/// GetParameterValuesResponse.
///
/// ```
/// use tta_datamodel::{Alias, Parameter, Root, lookup};
///
/// let m = lookup("InternetGatewayDevice.Services.1.STBService.Components.1.X_TTA_SPServer.SDSServer.SPID").unwrap();
/// assert_eq!(m.parameter, Parameter::SdsSpId);
/// assert!(m.aliases.contains(Alias::GarbledSpServerPath) && m.aliases.contains(Alias::SpIdUpperCase));
/// assert_eq!(
///     m.canonical_name(),
///     "InternetGatewayDevice.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.SPId"
/// );
/// assert!(lookup("Device.DeviceInfo.UpTime").is_none());
/// ```
pub fn lookup(name: &str) -> Option<Match> {
    let (root, rel) = Root::split(name)?;
    let (parameter, aliases) = if let Some(tail) = rel.strip_prefix(SP) {
        (provider_parameter(tail)?, Aliases::default())
    } else if let Some(tail) = rel.strip_prefix(SPS) {
        server_parameter(tail)?
    } else if let Some(tail) = rel.strip_prefix(SPS_GARBLED) {
        let (p, a) = server_parameter(tail)?;
        (p, a.with(Alias::GarbledSpServerPath))
    } else {
        (other_parameter(root, rel)?, Aliases::default())
    };
    Some(Match {
        parameter,
        root,
        aliases,
    })
}

/// [`lookup`] that refuses the misprints (strict reading).
pub fn lookup_canonical(name: &str) -> Option<Match> {
    lookup(name).filter(|m| m.aliases.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_canonical_name_looks_up_to_itself() {
        for &p in Parameter::ALL {
            for root in Root::ALL {
                let Some(name) = p.name(root) else {
                    assert_eq!((p, root), (Parameter::SpecVersion, Root::Device));
                    continue;
                };
                assert!(crate::Path::parse(name).is_ok(), "{name}");
                let m = lookup(name).unwrap();
                assert_eq!((m.parameter, m.root), (p, root), "{name}");
                assert!(m.aliases.is_empty());
                assert_eq!(m.canonical_name(), name);
            }
        }
    }

    #[test]
    fn misprints() {
        let cases = [
            (
                "Device.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.ConnectionProtocols",
                Parameter::SdsConnectionProtocol,
                Alias::ConnectionProtocols,
            ),
            (
                "Device.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.SPIId",
                Parameter::SdsSpId,
                Alias::SpIdMisprint,
            ),
            (
                "Device.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.IPPort",
                Parameter::SmsIpPort,
                Alias::SdsIpPort,
            ),
            (
                "Device.Services.1.STBService.Components.1.X_TTA_SPServer.SMSServer.IPAddress",
                Parameter::SmsIpAddress,
                Alias::GarbledSpServerPath,
            ),
        ];
        for (name, p, a) in cases {
            let m = lookup(name).unwrap();
            assert_eq!(m.parameter, p);
            assert!(m.aliases.contains(a));
            assert!(lookup_canonical(name).is_none());
        }
        assert!(
            lookup("Device.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.MACAddress")
                .is_none()
        );
        assert!(lookup("InternetGatewayDevice.LAN.MACAddress").is_none());
        assert!(lookup("Device.DeviceInfo.SpecVersion").is_none());
    }

    #[test]
    fn types() {
        assert_eq!(ParamType::from_xsi("xsd:string(64)"), ParamType::String);
        assert_eq!(ParamType::from_xsi("unsignedInt"), ParamType::UnsignedInt);
        assert_eq!(ParamType::from_xsi(""), ParamType::String);
        assert_eq!(ParamType::from_xsi("xsd:hexBinary"), ParamType::Other);
    }
}
