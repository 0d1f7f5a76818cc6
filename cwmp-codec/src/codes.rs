//! Event codes, fault codes and file types: enums with an "other" case, so a vendor code is
//! kept, never refused.

use std::borrow::Cow;

use crate::error::{ErrorKind, ParseError};
use crate::read::{Elem, FromXml, Parser};
use crate::write::{ToXml, XmlWriter};

macro_rules! string_code {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $var:ident = $text:literal, )* }
    ) => {
        $(#[$meta])*
        ///
        /// Codes compare by their wire text, so `Other` holding a known code's text equals
        /// that code.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum $name<'a> {
            $( $(#[$vmeta])* #[doc = concat!("`", $text, "`")] $var, )*
            /// Any other code, as written.
            Other(Cow<'a, str>),
        }

        impl<'a> $name<'a> {
            /// The code as written on the wire.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$var => $text, )*
                    Self::Other(s) => s,
                }
            }

            /// The code for `text` (exact match; anything else is `Other`).
            pub fn from_text(text: impl Into<Cow<'a, str>>) -> Self {
                let text = text.into();
                match &*text {
                    $( $text => Self::$var, )*
                    _ => Self::Other(text),
                }
            }

            /// Converts any borrowed text into owned data.
            #[must_use]
            pub fn into_owned(self) -> $name<'static> {
                match self {
                    $( Self::$var => $name::$var, )*
                    Self::Other(s) => $name::Other(Cow::Owned(s.into_owned())),
                }
            }

            #[cfg(feature = "arbitrary")]
            const KNOWN: &'static [&'static str] = &[$($text),*];
        }

        impl PartialEq for $name<'_> {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $name<'_> {}

        impl std::hash::Hash for $name<'_> {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl std::fmt::Display for $name<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl crate::rpc::IntoOwned for $name<'_> {
            type Owned = $name<'static>;
            fn into_owned(self) -> Self::Owned {
                $name::into_owned(self)
            }
        }

        impl ToXml for $name<'_> {
            fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
                w.leaf(name, self.as_str());
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        #[cfg(feature = "arbitrary")]
        impl<'a> crate::arb::Arb<'a> for $name<'a> {
            fn arb(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
                if u.ratio(1, 4)? {
                    let suffix = crate::arb::word(u)?;
                    Ok(Self::from_text(format!("X 00D09E {suffix}")))
                } else {
                    let i = u.choose_index(Self::KNOWN.len())?;
                    Ok(Self::from_text(*Self::KNOWN.get(i).unwrap_or(&"")))
                }
            }
        }
    };
}

string_code! {
    /// An Inform `EventCode` (TR-069 3.7.1.5, plus the TTA provisioning events).
    ///
    /// The TTA events match the vendor event pattern of the CWMP 1.2 schema (`X \S+ .+`) but
    /// not that of CWMP 1.0 and 1.1 (`X [0-9A-F]{6} .*`, an OUI first): an Inform carrying one
    /// validates only in the `cwmp-1-2` namespace, although the standard's examples use
    /// `cwmp-1-0`. The codec reads and writes them in any namespace.
    EventCode {
        Bootstrap = "0 BOOTSTRAP",
        Boot = "1 BOOT",
        Periodic = "2 PERIODIC",
        Scheduled = "3 SCHEDULED",
        ValueChange = "4 VALUE CHANGE",
        Kicked = "5 KICKED",
        ConnectionRequest = "6 CONNECTION REQUEST",
        TransferComplete = "7 TRANSFER COMPLETE",
        DiagnosticsComplete = "8 DIAGNOSTICS COMPLETE",
        RequestDownload = "9 REQUEST DOWNLOAD",
        AutonomousTransferComplete = "10 AUTONOMOUS TRANSFER COMPLETE",
        DuStateChangeComplete = "11 DU STATE CHANGE COMPLETE",
        AutonomousDuStateChangeComplete = "12 AUTONOMOUS DU STATE CHANGE COMPLETE",
        /// CWMP 1.4.
        Wakeup = "13 WAKEUP",
        MReboot = "M Reboot",
        MScheduleInform = "M ScheduleInform",
        MDownload = "M Download",
        MScheduleDownload = "M ScheduleDownload",
        MUpload = "M Upload",
        MChangeDuState = "M ChangeDUState",
        /// TTA phase 2: provider discovery over TR-069.
        TtaDhcp = "X TTA DHCP",
        /// TTA phase 3: terminal authentication (the standard's spelling; `VENDOR` is read too).
        TtaVenderProvision = "X TTA VENDER_PROVISION",
        /// TTA phase 6: service-provider provisioning.
        TtaServiceProvision = "X TTA SERVICE_PROVISION",
    }
}

impl<'a> FromXml<'a> for EventCode<'a> {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        p.no_xsi_type(&elem)?;
        let text = p.text(&elem)?;
        if &*text == "X TTA VENDOR_PROVISION" {
            p.tolerate_in(&elem, crate::WarningKind::VendorProvisionSpelling)?;
            return Ok(Self::TtaVenderProvision);
        }
        Ok(Self::from_text(text))
    }
}

string_code! {
    /// A transfer `FileType` (Download, Upload, RequestDownload, and the transfer lists).
    FileType {
        FirmwareUpgradeImage = "1 Firmware Upgrade Image",
        WebContent = "2 Web Content",
        VendorConfigurationFile = "3 Vendor Configuration File",
        ToneFile = "4 Tone File",
        RingerFile = "5 Ringer File",
        /// Upload file type 2.
        VendorLogFile = "2 Vendor Log File",
    }
}

impl<'a> FromXml<'a> for FileType<'a> {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        p.no_xsi_type(&elem)?;
        Ok(Self::from_text(p.text(&elem)?))
    }
}

/// A fault code TR-069 does not list ([`FaultCode::Other`]); only [`FaultCode::from`] makes
/// one, so it never holds a listed code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OtherFaultCode(u32);

impl OtherFaultCode {
    /// The numeric code.
    #[must_use]
    pub fn code(self) -> u32 {
        self.0
    }
}

macro_rules! fault_codes {
    ($( $var:ident = $code:literal => $text:literal, )*) => {
        /// A CWMP fault code (TR-069 A.5): ACS codes 8000-8899, CPE codes 9000-9899.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum FaultCode {
            $( #[doc = concat!("`", $code, "`: ", $text)] $var, )*
            /// Any other code (vendor codes 8800-8899 and 9800-9899 among them). It is made by
            /// [`FaultCode::from`] only, so a listed code always has its own variant: one code,
            /// one value.
            Other(OtherFaultCode),
        }

        impl FaultCode {
            /// The numeric code.
            #[must_use]
            pub fn code(self) -> u32 {
                match self {
                    $( Self::$var => $code, )*
                    Self::Other(c) => c.0,
                }
            }

            /// The code's meaning as TR-069 words it; `None` for unlisted codes.
            #[must_use]
            pub fn description(self) -> Option<&'static str> {
                match self {
                    $( Self::$var => Some($text), )*
                    Self::Other(_) => None,
                }
            }

            #[cfg(feature = "arbitrary")]
            pub(crate) const KNOWN: &'static [u32] = &[$($code),*];
        }

        impl From<u32> for FaultCode {
            fn from(code: u32) -> Self {
                match code {
                    $( $code => Self::$var, )*
                    c => Self::Other(OtherFaultCode(c)),
                }
            }
        }
    };
}

fault_codes! {
    AcsMethodNotSupported = 8000 => "Method not supported",
    AcsRequestDenied = 8001 => "Request denied (no reason specified)",
    AcsInternalError = 8002 => "Internal error",
    AcsInvalidArguments = 8003 => "Invalid arguments",
    AcsResourcesExceeded = 8004 => "Resources exceeded",
    AcsRetryRequest = 8005 => "Retry request",
    AcsVersionIncompatible = 8006 => "ACS version incompatible with CPE",
    MethodNotSupported = 9000 => "Method not supported",
    RequestDenied = 9001 => "Request denied (no reason specified)",
    InternalError = 9002 => "Internal error",
    InvalidArguments = 9003 => "Invalid arguments",
    ResourcesExceeded = 9004 => "Resources exceeded",
    InvalidParameterName = 9005 => "Invalid parameter name",
    InvalidParameterType = 9006 => "Invalid parameter type",
    InvalidParameterValue = 9007 => "Invalid parameter value",
    NonWritableParameter = 9008 => "Attempt to set a non-writable parameter",
    NotificationRequestRejected = 9009 => "Notification request rejected",
    FileTransferFailure = 9010 => "File transfer failure",
    UploadFailure = 9011 => "Upload failure",
    FileTransferServerAuthenticationFailure = 9012 => "File transfer server authentication failure",
    UnsupportedProtocol = 9013 => "Unsupported protocol for file transfer",
    MulticastJoinFailure = 9014 => "File transfer failure: unable to join multicast group",
    ServerContactFailure = 9015 => "File transfer failure: unable to contact file server",
    FileAccessFailure = 9016 => "File transfer failure: unable to access file",
    DownloadIncomplete = 9017 => "File transfer failure: unable to complete download",
    FileCorrupted = 9018 => "File transfer failure: file corrupted",
    FileAuthenticationFailure = 9019 => "File transfer failure: file authentication failure",
    TimeWindowFailure = 9020 => "File transfer failure: unable to complete download within specified time windows",
    CancelationNotPermitted = 9021 => "Cancelation of file transfer not permitted in current transfer state",
    InvalidUuidFormat = 9022 => "Invalid UUID Format",
    UnknownExecutionEnvironment = 9023 => "Unknown Execution Environment",
    DisabledExecutionEnvironment = 9024 => "Disabled Execution Environment",
    DeploymentUnitEnvironmentMismatch = 9025 => "Deployment Unit to Execution Environment Mismatch",
    DuplicateDeploymentUnit = 9026 => "Duplicate Deployment Unit",
    SystemResourcesExceeded = 9027 => "System Resources Exceeded",
    UnknownDeploymentUnit = 9028 => "Unknown Deployment Unit",
    InvalidDeploymentUnitState = 9029 => "Invalid Deployment Unit State",
    DowngradeNotPermitted = 9030 => "Invalid Deployment Unit Update: downgrade not permitted",
    VersionNotSpecified = 9031 => "Invalid Deployment Unit Update: version not specified",
    VersionAlreadyExists = 9032 => "Invalid Deployment Unit Update: version already exists",
}

impl FaultCode {
    /// Whether the SOAP `faultcode` for this fault is `Client` (the sender's request was at
    /// fault) rather than `Server`: TR-069 A.5.1 and A.5.2 list which.
    #[must_use]
    pub fn is_client_fault(self) -> bool {
        matches!(self.code(), 8001 | 8003 | 8005 | 8006 | 9001 | 9003 | 9005..=9009 | 9012..=9014 | 9019 | 9021..=9032)
    }
}

impl std::fmt::Display for FaultCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.code())
    }
}

impl<'a> FromXml<'a> for FaultCode {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        u32::from_xml(p, elem).map(Self::from)
    }
}

impl ToXml for FaultCode {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
        self.code().to_xml(w, name);
    }
}

impl crate::rpc::IntoOwned for FaultCode {
    type Owned = Self;
    fn into_owned(self) -> Self {
        self
    }
}

// The variants come from a macro table, where `#[default]` cannot be placed.
#[allow(clippy::derivable_impls)]
impl Default for FaultCode {
    fn default() -> Self {
        Self::InternalError
    }
}

// The variants come from a macro table, where `#[default]` cannot be placed.
#[allow(clippy::derivable_impls)]
impl Default for EventCode<'_> {
    fn default() -> Self {
        Self::Boot
    }
}

// The variants come from a macro table, where `#[default]` cannot be placed.
#[allow(clippy::derivable_impls)]
impl Default for FileType<'_> {
    fn default() -> Self {
        Self::FirmwareUpgradeImage
    }
}

/// The fault a peer answers a request it could not read with ([`ParseError`] to TR-069 A.5.1),
/// in one place. A CPE answers the ACS's requests with 9xxx codes, an ACS the CPE's with
/// 8xxx: the side is taken from the method the error stands in (an `Inform`,
/// `TransferComplete`, `AutonomousTransferComplete`, `DUStateChangeComplete`,
/// `AutonomousDUStateChangeComplete`, `RequestDownload` or `Kicked` is read by an ACS;
/// anything else by a CPE). [`FaultCode::for_cpe`] and [`FaultCode::for_acs`] choose the side
/// explicitly.
///
/// ```
/// use cwmp_codec::{FaultCode, Message};
/// let bad = br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:dslforum-org:cwmp-1-0"><e:Body><c:SetParameterValues><ParameterList/></c:SetParameterValues></e:Body></e:Envelope>"#;
/// let e = Message::parse(bad).unwrap_err();
/// assert_eq!(FaultCode::from(&e), FaultCode::InvalidArguments); // ParameterKey is missing
/// assert_eq!(FaultCode::for_acs(&e), FaultCode::AcsInvalidArguments);
/// ```
impl From<&ParseError> for FaultCode {
    fn from(e: &ParseError) -> Self {
        const ACS_METHODS: [&str; 7] = [
            "Inform",
            "TransferComplete",
            "AutonomousTransferComplete",
            "DUStateChangeComplete",
            "AutonomousDUStateChangeComplete",
            "RequestDownload",
            "Kicked",
        ];
        let method = e.location().split('/').nth(2).unwrap_or_default();
        if ACS_METHODS.contains(&method) {
            Self::for_acs(e)
        } else {
            Self::for_cpe(e)
        }
    }
}

impl FaultCode {
    /// What a CPE answers a request from the ACS that fails to read with `e`: 9004 when a
    /// limit was exceeded, 9006 for a parameter value of the wrong type, 9003 for anything
    /// else the request got wrong.
    #[must_use]
    pub fn for_cpe(e: &ParseError) -> Self {
        match e.kind() {
            ErrorKind::LimitExceeded { .. } => Self::ResourcesExceeded,
            ErrorKind::InvalidValue { .. } if e.location().ends_with("/Value") => {
                Self::InvalidParameterType
            }
            ErrorKind::Internal(_) => Self::InternalError,
            _ => Self::InvalidArguments,
        }
    }

    /// What an ACS answers a request from a CPE that fails to read with `e`: 8004 when a
    /// limit was exceeded, 8003 for anything the request got wrong.
    #[must_use]
    pub fn for_acs(e: &ParseError) -> Self {
        match e.kind() {
            ErrorKind::LimitExceeded { .. } => Self::AcsResourcesExceeded,
            ErrorKind::Internal(_) => Self::AcsInternalError,
            _ => Self::AcsInvalidArguments,
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for FaultCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u32(self.code())
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> crate::arb::Arb<'a> for FaultCode {
    fn arb(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let i = u.choose_index(Self::KNOWN.len() + 1)?;
        Ok(Self::from(match Self::KNOWN.get(i) {
            Some(&c) => c,
            None => u.int_in_range(9800..=9899)?,
        }))
    }
}
