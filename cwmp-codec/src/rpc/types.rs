//! Structures the RPCs carry (TR-069 Annex A type definitions).

use std::borrow::Cow;

use crate::codes::{EventCode, FaultCode, FileType};
use crate::error::{ParseError, WarningKind};
use crate::read::{AttrName, Elem, FromXml, Ns, Parser};
use crate::rpc::{ArrayItem, Children, IntoOwned, cwmp_struct};
use crate::value::{DateTimeText, Value};
use crate::write::{ToXml, XmlWriter};

/// A credential (Download/Upload `Password`, deployment-unit passwords): its `Debug` output is
/// `Secret(<redacted>)` and its serde form `"<redacted>"`, so it never reaches a log by
/// accident; [`Secret::expose`] gives the text.
///
/// ```
/// use cwmp_codec::Secret;
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
/// assert_eq!(s.expose(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret<'a>(Cow<'a, str>);

impl<'a> Secret<'a> {
    /// A secret holding `text`.
    pub fn new(text: impl Into<Cow<'a, str>>) -> Self {
        Self(text.into())
    }

    /// The secret text itself.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> Secret<'static> {
        Secret(IntoOwned::into_owned(self.0))
    }
}

impl std::fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Secret<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("<redacted>")
    }
}

impl<'a> From<&'a str> for Secret<'a> {
    fn from(s: &'a str) -> Self {
        Self(Cow::Borrowed(s))
    }
}

impl<'a> FromXml<'a> for Secret<'a> {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        Cow::from_xml(p, elem).map(Secret)
    }
}

impl ToXml for Secret<'_> {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
        w.leaf(name, &self.0);
    }
}

impl IntoOwned for Secret<'_> {
    type Owned = Secret<'static>;
    fn into_owned(self) -> Secret<'static> {
        Secret::into_owned(self)
    }
}

/// `ParameterValueStruct`: a parameter name and its typed value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ParameterValueStruct<'a> {
    /// Full parameter path, e.g. `Device.DeviceInfo.SoftwareVersion`.
    #[cfg_attr(feature = "serde", serde(rename = "Name"))]
    pub name: Cow<'a, str>,
    /// The value with its `xsi:type`.
    #[cfg_attr(feature = "serde", serde(rename = "Value"))]
    pub value: Value<'a>,
}

impl<'a> ParameterValueStruct<'a> {
    /// A parameter with a value.
    pub fn new(name: impl Into<Cow<'a, str>>, value: Value<'a>) -> Self {
        Self {
            name: name.into(),
            value,
        }
    }
}

impl Default for Value<'_> {
    fn default() -> Self {
        Value::string("")
    }
}

/// Reads the item, or `None` (with a warning) when `Value` is missing: a CPE that cannot read
/// one parameter should not cost the ACS the others.
fn parameter_item<'a>(
    p: &mut Parser<'a>,
    elem: Elem<'a>,
) -> Result<Option<ParameterValueStruct<'a>>, ParseError> {
    let (name, value) = p.read_parameter(&elem)?;
    let name = trim_name(
        p,
        &elem,
        name.ok_or_else(|| crate::rpc::missing(p, &elem, "Name"))?,
    )?;
    match value {
        Some(value) => Ok(Some(ParameterValueStruct { name, value })),
        None => {
            p.tolerate_in(&elem, WarningKind::MissingValue)?;
            Ok(None)
        }
    }
}

/// A parameter path never has surrounding whitespace; some CPEs pad it anyway.
fn trim_name<'a>(
    p: &mut Parser<'a>,
    elem: &Elem<'a>,
    name: Cow<'a, str>,
) -> Result<Cow<'a, str>, ParseError> {
    let trimmed = name.trim_matches(crate::read::is_xml_space);
    if trimmed.len() == name.len() {
        return Ok(name);
    }
    p.tolerate_in(elem, WarningKind::SurroundingWhitespace)?;
    Ok(match name {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim_matches(crate::read::is_xml_space)),
        Cow::Owned(s) => Cow::Owned(s.trim_matches(crate::read::is_xml_space).to_owned()),
    })
}

impl<'a> FromXml<'a> for ParameterValueStruct<'a> {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        let at = elem.clone();
        parameter_item(p, elem)?.ok_or_else(|| crate::rpc::missing(p, &at, "Value"))
    }
}

impl<'a> ArrayItem<'a> for ParameterValueStruct<'a> {
    fn read_item(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Option<Self>, ParseError> {
        parameter_item(p, elem)
    }
}

impl ToXml for ParameterValueStruct<'_> {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
        w.parameter(name, &self.name, &self.value);
    }
}

impl ParameterValueStruct<'_> {
    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> ParameterValueStruct<'static> {
        ParameterValueStruct {
            name: IntoOwned::into_owned(self.name),
            value: self.value.into_owned(),
        }
    }
}

impl IntoOwned for ParameterValueStruct<'_> {
    type Owned = ParameterValueStruct<'static>;
    fn into_owned(self) -> Self::Owned {
        ParameterValueStruct::into_owned(self)
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> crate::arb::Arb<'a> for ParameterValueStruct<'a> {
    fn arb(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        // Names are paths: the reader trims surrounding whitespace from them.
        let name = crate::arb::text(u)?
            .trim_matches(crate::read::is_xml_space)
            .to_owned();
        Ok(Self {
            name: Cow::Owned(name),
            value: crate::arb::Arb::arb(u)?,
        })
    }
}

cwmp_struct! {
    /// `DeviceIdStruct`: who the CPE is.
    DeviceIdStruct<'a> {
        /// Manufacturer name.
        manufacturer: Cow<'a, str> = one("Manufacturer"),
        /// Organizationally unique identifier, six upper-case hex digits.
        oui: Cow<'a, str> = one("OUI"),
        /// Product class.
        product_class: Cow<'a, str> = one("ProductClass"),
        /// Serial number.
        serial_number: Cow<'a, str> = one("SerialNumber"),
    }
}

cwmp_struct! {
    /// `EventStruct`: why the CPE opened the session.
    EventStruct<'a> {
        /// The event.
        event_code: EventCode<'a> = one("EventCode"),
        /// The command key of the method that caused the event, or empty.
        command_key: Cow<'a, str> = one("CommandKey"),
    }
}

cwmp_struct! {
    /// `ParameterInfoStruct`: a name GetParameterNames found.
    ParameterInfoStruct<'a> {
        /// Parameter or object path (objects end with `.`).
        name: Cow<'a, str> = one("Name"),
        /// Whether the ACS may set it.
        writable: bool = one("Writable"),
    }
}

cwmp_struct! {
    /// `SetParameterAttributesStruct`.
    SetParameterAttributesStruct<'a> {
        /// Parameter or partial path.
        name: Cow<'a, str> = one("Name"),
        /// Whether to change `notification`.
        notification_change: bool = one("NotificationChange"),
        /// 0 off, 1 passive, 2 active (3-6 lightweight, CWMP 1.4).
        notification: i32 = one("Notification"),
        /// Whether to change `access_list`.
        access_list_change: bool = one("AccessListChange"),
        /// Entities besides the ACS allowed to write (`Subscriber`).
        access_list: Vec<Cow<'a, str>> = array("AccessList", "string", "xsd:string"),
    }
}

cwmp_struct! {
    /// `ParameterAttributeStruct`.
    ParameterAttributeStruct<'a> {
        /// Parameter path.
        name: Cow<'a, str> = one("Name"),
        /// Notification setting.
        notification: i32 = one("Notification"),
        /// Access list.
        access_list: Vec<Cow<'a, str>> = array("AccessList", "string", "xsd:string"),
    }
}

cwmp_struct! {
    /// `TimeWindowStruct` (ScheduleDownload).
    TimeWindowStruct<'a> {
        /// Start, in seconds after the request.
        window_start: u32 = one("WindowStart"),
        /// End, in seconds after the request.
        window_end: u32 = one("WindowEnd"),
        /// `1 At Any Time`, `2 Immediately`, `3 When Idle`, `4 Confirmation Needed`.
        window_mode: Cow<'a, str> = one("WindowMode"),
        /// Message for the user.
        user_message: Cow<'a, str> = one("UserMessage"),
        /// Retries; -1 lets the CPE decide.
        max_retries: i32 = one("MaxRetries"),
    }
}

cwmp_struct! {
    /// `QueuedTransferStruct`.
    QueuedTransferStruct<'a> {
        /// Command key of the transfer.
        command_key: Cow<'a, str> = one("CommandKey"),
        /// 1 not yet started, 2 in progress, 3 completed.
        state: i32 = one("State"),
    }
}

cwmp_struct! {
    /// `AllQueuedTransferStruct`.
    AllQueuedTransferStruct<'a> {
        /// Command key of the transfer.
        command_key: Cow<'a, str> = one("CommandKey"),
        /// 1 not yet started, 2 in progress, 3 completed.
        state: i32 = one("State"),
        /// Download (true) or upload.
        is_download: bool = one("IsDownload"),
        /// File type.
        file_type: FileType<'a> = one("FileType"),
        /// Size in bytes.
        file_size: u32 = one("FileSize"),
        /// Target file name.
        target_file_name: Cow<'a, str> = one("TargetFileName"),
    }
}

cwmp_struct! {
    /// `TransferCompleteFaultStruct`: fault code 0 means success.
    TransferCompleteFaultStruct<'a> {
        /// 0 or a 90xx transfer fault.
        fault_code: u32 = one("FaultCode"),
        /// Fault text, empty on success.
        fault_string: Cow<'a, str> = one("FaultString"),
    }
}

cwmp_struct! {
    /// `DeploymentUnitFaultStruct`.
    DeploymentUnitFaultStruct<'a> {
        /// 0 or a deployment-unit fault.
        fault_code: u32 = one("FaultCode"),
        /// Fault text.
        fault_string: Option<Cow<'a, str>> = opt("FaultString"),
    }
}

cwmp_struct! {
    /// `OpResultStruct` (DUStateChangeComplete).
    OpResultStruct<'a> {
        /// Deployment unit UUID.
        uuid: Cow<'a, str> = one("UUID"),
        /// Path of the DeploymentUnit object.
        deployment_unit_ref: Cow<'a, str> = one("DeploymentUnitRef"),
        /// Version.
        version: Cow<'a, str> = one("Version"),
        /// `Installed`, `Uninstalled` or `Failed`.
        current_state: Cow<'a, str> = one("CurrentState"),
        /// Whether dependencies resolved.
        resolved: bool = one("Resolved"),
        /// Comma-separated execution unit paths.
        execution_unit_ref_list: Cow<'a, str> = one("ExecutionUnitRefList"),
        /// Start of the operation.
        start_time: DateTimeText<'a> = one("StartTime"),
        /// End of the operation.
        complete_time: DateTimeText<'a> = one("CompleteTime"),
        /// Outcome.
        fault: DeploymentUnitFaultStruct<'a> = one("Fault"),
    }
}

cwmp_struct! {
    /// `AutonOpResultStruct` (AutonomousDUStateChangeComplete).
    AutonOpResultStruct<'a> {
        /// Deployment unit UUID.
        uuid: Cow<'a, str> = one("UUID"),
        /// Path of the DeploymentUnit object.
        deployment_unit_ref: Cow<'a, str> = one("DeploymentUnitRef"),
        /// Version.
        version: Cow<'a, str> = one("Version"),
        /// `Installed`, `Uninstalled` or `Failed`.
        current_state: Cow<'a, str> = one("CurrentState"),
        /// Whether dependencies resolved.
        resolved: bool = one("Resolved"),
        /// Comma-separated execution unit paths.
        execution_unit_ref_list: Cow<'a, str> = one("ExecutionUnitRefList"),
        /// Start of the operation.
        start_time: DateTimeText<'a> = one("StartTime"),
        /// End of the operation.
        complete_time: DateTimeText<'a> = one("CompleteTime"),
        /// Outcome.
        fault: DeploymentUnitFaultStruct<'a> = one("Fault"),
        /// `Install`, `Update` or `Uninstall`.
        operation_performed: Cow<'a, str> = one("OperationPerformed"),
    }
}

cwmp_struct! {
    /// `OptionStruct` (GetOptionsResponse).
    OptionStruct<'a> {
        /// Option name.
        option_name: Cow<'a, str> = one("OptionName"),
        /// Voucher serial number.
        voucher_sn: u32 = one("VoucherSN"),
        /// State bits 0-3.
        state: u32 = one("State"),
        /// 0 disabled, 1 enabled with expiration, 2 enabled without.
        mode: i32 = one("Mode"),
        /// Start date.
        start_date: DateTimeText<'a> = one("StartDate"),
        /// Expiration date.
        expiration_date: Option<DateTimeText<'a>> = opt("ExpirationDate"),
        /// 0 or 1.
        is_transferable: i32 = one("IsTransferable"),
    }
}

cwmp_struct! {
    /// `ArgStruct` (RequestDownload `FileTypeArg`).
    ArgStruct<'a> {
        /// Argument name.
        name: Cow<'a, str> = one("Name"),
        /// Argument value.
        value: Cow<'a, str> = one("Value"),
    }
}

cwmp_struct! {
    /// `InstallOpStruct`.
    InstallOpStruct<'a> {
        /// Where to fetch the deployment unit.
        url: Cow<'a, str> = one("URL"),
        /// UUID.
        uuid: Option<Cow<'a, str>> = opt("UUID"),
        /// Username for the file server.
        username: Option<Cow<'a, str>> = opt("Username"),
        /// Password for the file server (redacted in Debug).
        password: Option<Secret<'a>> = opt("Password"),
        /// Execution environment path.
        execution_env_ref: Option<Cow<'a, str>> = opt("ExecutionEnvRef"),
    }
}

cwmp_struct! {
    /// `UpdateOpStruct`.
    UpdateOpStruct<'a> {
        /// UUID.
        uuid: Option<Cow<'a, str>> = opt("UUID"),
        /// Version to update.
        version: Option<Cow<'a, str>> = opt("Version"),
        /// Where to fetch the new version.
        url: Option<Cow<'a, str>> = opt("URL"),
        /// Username for the file server.
        username: Option<Cow<'a, str>> = opt("Username"),
        /// Password for the file server (redacted in Debug).
        password: Option<Secret<'a>> = opt("Password"),
    }
}

cwmp_struct! {
    /// `UninstallOpStruct`.
    UninstallOpStruct<'a> {
        /// UUID.
        uuid: Cow<'a, str> = one("UUID"),
        /// Version.
        version: Option<Cow<'a, str>> = opt("Version"),
        /// Execution environment path.
        execution_env_ref: Option<Cow<'a, str>> = opt("ExecutionEnvRef"),
    }
}

impl<'a> ArrayItem<'a> for EventStruct<'a> {}
impl<'a> ArrayItem<'a> for ParameterInfoStruct<'a> {}
impl<'a> ArrayItem<'a> for SetParameterAttributesStruct<'a> {}
impl<'a> ArrayItem<'a> for ParameterAttributeStruct<'a> {}
impl<'a> ArrayItem<'a> for TimeWindowStruct<'a> {}
impl<'a> ArrayItem<'a> for QueuedTransferStruct<'a> {}
impl<'a> ArrayItem<'a> for AllQueuedTransferStruct<'a> {}
impl<'a> ArrayItem<'a> for OptionStruct<'a> {}
impl<'a> ArrayItem<'a> for ArgStruct<'a> {}

/// A ChangeDUState operation, chosen by the element's `xsi:type`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Operation<'a> {
    /// `cwmp:InstallOpStruct`.
    #[cfg_attr(feature = "serde", serde(rename = "InstallOpStruct"))]
    Install(InstallOpStruct<'a>),
    /// `cwmp:UpdateOpStruct`.
    #[cfg_attr(feature = "serde", serde(rename = "UpdateOpStruct"))]
    Update(UpdateOpStruct<'a>),
    /// `cwmp:UninstallOpStruct`.
    #[cfg_attr(feature = "serde", serde(rename = "UninstallOpStruct"))]
    Uninstall(UninstallOpStruct<'a>),
}

impl<'a> FromXml<'a> for Operation<'a> {
    fn from_xml(p: &mut Parser<'a>, mut elem: Elem<'a>) -> Result<Self, ParseError> {
        let Some(attr) = p.attr(&elem, AttrName::Type)? else {
            return Err(crate::rpc::missing(p, &elem, "xsi:type"));
        };
        // The type chose the variant: it is not the quirk of a typed structural element.
        elem.forget(AttrName::Type);
        let (ns, local) = p.resolve_qname_value(attr.value.trim())?;
        if !matches!(ns, Ns::Cwmp(_)) {
            p.tolerate_in(&elem, WarningKind::UnknownXsiType)?;
        }
        match local {
            "InstallOpStruct" => InstallOpStruct::from_xml(p, elem).map(Self::Install),
            "UpdateOpStruct" => UpdateOpStruct::from_xml(p, elem).map(Self::Update),
            "UninstallOpStruct" => UninstallOpStruct::from_xml(p, elem).map(Self::Uninstall),
            other => Err(p.error_in(
                &elem,
                crate::ErrorKind::InvalidValue {
                    expected: "operation type",
                    found: crate::value::truncate(other),
                },
            )),
        }
    }
}

impl ToXml for Operation<'_> {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
        let (ty, children): (&str, &dyn Children) = match self {
            Self::Install(v) => ("cwmp:InstallOpStruct", v),
            Self::Update(v) => ("cwmp:UpdateOpStruct", v),
            Self::Uninstall(v) => ("cwmp:UninstallOpStruct", v),
        };
        w.out.push(b'<');
        w.raw(name);
        w.raw(" xsi:type=\"");
        w.raw(ty);
        w.raw("\">");
        children.write_children(w);
        w.end(name);
    }
}

impl IntoOwned for Operation<'_> {
    type Owned = Operation<'static>;
    fn into_owned(self) -> Self::Owned {
        Operation::into_owned(self)
    }
}

impl Operation<'_> {
    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> Operation<'static> {
        match self {
            Self::Install(v) => Operation::Install(v.into_owned()),
            Self::Update(v) => Operation::Update(v.into_owned()),
            Self::Uninstall(v) => Operation::Uninstall(v.into_owned()),
        }
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> crate::arb::Arb<'a> for Operation<'a> {
    fn arb(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(match u.choose_index(3)? {
            0 => Self::Install(crate::arb::Arb::arb(u)?),
            1 => Self::Update(crate::arb::Arb::arb(u)?),
            _ => Self::Uninstall(crate::arb::Arb::arb(u)?),
        })
    }
}

/// `FaultCode` of a TransferComplete is an integer; this gives its typed form.
impl TransferCompleteFaultStruct<'_> {
    /// The typed fault code, `None` for success (0).
    #[must_use]
    pub fn code(&self) -> Option<FaultCode> {
        (self.fault_code != 0).then(|| FaultCode::from(self.fault_code))
    }
}
