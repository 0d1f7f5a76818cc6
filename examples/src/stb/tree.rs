//! The STB's parameter tree, and its answers to the parameter RPCs an ACS sends
//! (TR-069 A.3.2): GetParameterValues, SetParameterValues, GetParameterNames,
//! Get/SetParameterAttributes, AddObject, DeleteObject and GetRPCMethods.
//!
//! The tree holds every parameter the TTA procedure reads or writes under the STB's root
//! (`Device.` or `InternetGatewayDevice.`), the `DeviceInfo` and `ManagementServer` objects
//! a TR-069 client needs, and one multi-instance object,
//! `{R}.Services.STBService.1.Applications.ServiceProvider.{i}.`, for AddObject and
//! DeleteObject. It is plain data (serde, for the STB's state directory) with no clock and no
//! I/O: the caller runs the session, and handles the RPCs that act on the device (Reboot,
//! FactoryReset, Download, Upload, ScheduleInform).
//!
//! Bounds, so no ACS can grow it without limit: [`MAX_PARAMETERS`] parameters (and as many
//! objects), names of at most [`MAX_NAME_BYTES`], values of at most [`MAX_VALUE_BYTES`].

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use cwmp_codec::{
    AddObject, AddObjectResponse, Body, DeleteObject, DeleteObjectResponse, Fault, FaultCode,
    GetParameterAttributes, GetParameterAttributesResponse, GetParameterNames,
    GetParameterNamesResponse, GetParameterValues, GetParameterValuesResponse,
    GetRpcMethodsResponse, ParameterAttributeStruct, ParameterInfoStruct, ParameterValueStruct,
    SetParameterAttributes, SetParameterAttributesResponse, SetParameterValues,
    SetParameterValuesFault, SetParameterValuesResponse, Value, XsdType,
};
use serde::{Deserialize, Serialize};
use tta_datamodel::{
    DEFAULT_PASSWORD, DeviceDescription, Direction, ParamType, Parameter, ProvStatus, Root,
    TtaEvent, lookup,
};

/// Most parameters the tree holds (and, separately, most objects): AddObject beyond it
/// fails with 9004 (Resources exceeded).
pub const MAX_PARAMETERS: usize = 10_000;
/// Longest parameter or object name, in bytes (TR-106 names are at most 256 characters).
pub const MAX_NAME_BYTES: usize = 256;
/// Longest value the ACS may set, in bytes: room for a certificate, not for a disk image.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

/// The methods the STB supports, as GetRPCMethods answers: those [`ParameterTree::handle`]
/// answers and those its caller handles.
pub const RPC_METHODS: &[&str] = &[
    "GetRPCMethods",
    "GetParameterNames",
    "GetParameterValues",
    "SetParameterValues",
    "GetParameterAttributes",
    "SetParameterAttributes",
    "AddObject",
    "DeleteObject",
    "Reboot",
    "FactoryReset",
    "Download",
    "Upload",
    "ScheduleInform",
];

/// The value types the tree uses: the codec's [`XsdType`]s without the open-ended `Other`,
/// so a stored tree always reads back with the same types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Kind {
    String,
    Int,
    UnsignedInt,
    Long,
    UnsignedLong,
    Boolean,
    DateTime,
    #[serde(rename = "base64Binary")]
    Base64,
    HexBinary,
}

impl Kind {
    fn xsd(self) -> XsdType<'static> {
        match self {
            Self::String => XsdType::String,
            Self::Int => XsdType::Int,
            Self::UnsignedInt => XsdType::UnsignedInt,
            Self::Long => XsdType::Long,
            Self::UnsignedLong => XsdType::UnsignedLong,
            Self::Boolean => XsdType::Boolean,
            Self::DateTime => XsdType::DateTime,
            Self::Base64 => XsdType::Base64,
            Self::HexBinary => XsdType::HexBinary,
        }
    }

    fn from_param(t: ParamType) -> Self {
        match t {
            ParamType::UnsignedInt => Self::UnsignedInt,
            ParamType::Int => Self::Int,
            ParamType::Boolean => Self::Boolean,
            ParamType::DateTime => Self::DateTime,
            ParamType::Base64 => Self::Base64,
            // The catalog names no other types; an unknown one is text.
            _ => Self::String,
        }
    }

    /// The canonical text of `text` as this type, or `None` when it is not one. Lenient in,
    /// canonical out: numbers lose surrounding whitespace, booleans become `true`/`false`.
    fn canonical(self, text: &str) -> Option<String> {
        let value = Value {
            xsd_type: self.xsd(),
            text: Cow::Borrowed(text),
        };
        if !value.is_valid() {
            return None;
        }
        Some(match self {
            Self::String | Self::Base64 => text.to_owned(),
            Self::Boolean => value.as_bool()?.to_string(),
            _ => text.trim().to_owned(),
        })
    }
}

/// What the ACS may do with a parameter's Notification attribute (TR-106's "forced active"
/// and "active notification rejected" markings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Policy {
    #[default]
    Normal,
    /// Always active: the ACS must learn of a change (ConnectionRequestURL).
    ForcedActive,
    /// Never active: it changes all the time (UpTime).
    ActiveRejected,
}

/// One parameter.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    kind: Kind,
    value: String,
    writable: bool,
    /// A password: GetParameterValues reads it as empty (TR-069 A.3.2.2).
    #[serde(default, skip_serializing_if = "is_false")]
    secret: bool,
    /// Smallest value of an unsigned parameter (PeriodicInformInterval is at least 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    minimum: Option<u64>,
    #[serde(default)]
    notification: u8,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    access_list: Vec<String>,
    #[serde(default, skip_serializing_if = "is_default")]
    policy: Policy,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_default(p: &Policy) -> bool {
    *p == Policy::Normal
}

impl Entry {
    fn new(kind: Kind, value: impl Into<String>, writable: bool) -> Self {
        Self {
            kind,
            value: value.into(),
            writable,
            secret: false,
            minimum: None,
            notification: 0,
            access_list: Vec::new(),
            policy: Policy::Normal,
        }
    }

    fn secret(mut self) -> Self {
        self.secret = true;
        self
    }

    fn notify(mut self, notification: u8, policy: Policy) -> Self {
        self.notification = notification;
        self.policy = policy;
        self
    }

    /// The canonical form of `text` for this parameter, or `None` when it does not fit.
    fn accept(&self, text: &str) -> Option<String> {
        if text.len() > MAX_VALUE_BYTES {
            return None;
        }
        let canonical = self.kind.canonical(text)?;
        match self.minimum {
            Some(min) if !canonical.parse::<u64>().is_ok_and(|v| v >= min) => None,
            _ => Some(canonical),
        }
    }

    /// The value as an ACS reads it.
    fn wire_value(&self) -> Value<'static> {
        Value {
            xsd_type: self.kind.xsd(),
            text: Cow::Owned(if self.secret {
                String::new()
            } else {
                self.value.clone()
            }),
        }
    }
}

// Passwords stay out of logs.
impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value: &dyn fmt::Debug = if self.secret {
            &"<redacted>"
        } else {
            &self.value
        };
        f.debug_struct("Entry")
            .field("kind", &self.kind)
            .field("value", value)
            .field("writable", &self.writable)
            .field("notification", &self.notification)
            .field("access_list", &self.access_list)
            .finish_non_exhaustive()
    }
}

/// A parameter a multi-instance object gives each new instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Template {
    /// Name below the instance (`Name`).
    name: String,
    kind: Kind,
    writable: bool,
    default: String,
}

/// What makes an object multi-instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Table {
    /// The number AddObject gives next: never reused, as TR-069 asks.
    next_instance: u32,
    template: Vec<Template>,
}

/// One object (a name ending in `.`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
struct Object {
    /// For a table: whether AddObject may add to it; for an instance: whether DeleteObject
    /// may remove it (TR-069 A.3.2.3's meaning of an object's Writable).
    writable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    table: Option<Table>,
}

/// The STB's parameters: typed values, attributes, objects, and the value changes awaiting
/// notification. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParameterTree {
    root: Root,
    parameters: BTreeMap<String, Entry>,
    objects: BTreeMap<String, Object>,
    /// Parameters the STB changed itself (`set`) while their notification was on.
    #[serde(default)]
    changed: BTreeSet<String>,
}

/// Value changes to report, drained by [`ParameterTree::take_changes`]. An Inform the
/// caller sends carries both lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Parameters with active notification (2): the caller opens a session with
    /// `4 VALUE CHANGE` at once.
    pub active: Vec<ParameterValueStruct<'static>>,
    /// Parameters with passive notification (1): they ride on the next Inform.
    pub passive: Vec<ParameterValueStruct<'static>>,
}

impl Changes {
    /// Whether there is nothing to report.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.active.is_empty() && self.passive.is_empty()
    }
}

/// A fault answer in the making.
type Answer = Result<Body<'static>, Fault<'static>>;

impl ParameterTree {
    /// The tree of a new STB: the TTA Inform parameters of every event, with the values
    /// `device` gives (ProvStatus `01`, not provisioned), `DeviceInfo` and
    /// `ManagementServer` (credentials: the device ID and the TTA default password), and the
    /// ServiceProvider table with its instance 1.
    ///
    /// SoftwareVersion, ProvisioningCode and ConnectionRequestURL start with active
    /// notification (as TR-098 and TR-106 ask), ConnectionRequestURL's forced; UpTime
    /// refuses active notification.
    #[must_use]
    pub fn new(device: &DeviceDescription<'_>) -> Self {
        let root = device.root;
        let mut tree = Self {
            root,
            parameters: BTreeMap::new(),
            objects: BTreeMap::new(),
            changed: BTreeSet::new(),
        };
        tree.objects
            .insert(root.prefix().to_owned(), Object::default());
        // VENDER_PROVISION's set contains the other events' sets.
        for p in device.inform_parameters(TtaEvent::VenderProvision, ProvStatus::NotComplete) {
            let entry = Entry::new(Kind::from_param(p.xsd_type), p.value, false);
            let entry = match lookup(&p.name).map(|m| m.parameter) {
                Some(Parameter::ProvisioningCode) => Entry {
                    writable: true,
                    ..entry.notify(2, Policy::Normal)
                },
                Some(Parameter::SoftwareVersion) => entry.notify(2, Policy::Normal),
                Some(Parameter::ConnectionRequestUrl) => entry.notify(2, Policy::ForcedActive),
                Some(m) => Entry {
                    writable: server_sets(m),
                    ..entry
                },
                None => entry,
            };
            tree.insert(p.name.into_owned(), entry);
        }

        let r = root.prefix();
        let user = device.device_id.to_string();
        let s = |v: &str, w: bool| Entry::new(Kind::String, v, w);
        let b = |v: bool| Entry::new(Kind::Boolean, v.to_string(), true);
        let info = [
            ("ManufacturerOUI", s(device.device_id.oui(), false)),
            ("Description", s("IPTV set-top box (TTA simulator)", false)),
            ("ProductClass", s(device.device_id.product_class(), false)),
            (
                "UpTime",
                Entry::new(Kind::UnsignedInt, "0", false).notify(0, Policy::ActiveRejected),
            ),
        ];
        for (name, entry) in info {
            tree.insert_new(format!("{r}DeviceInfo.{name}"), entry);
        }
        let server = [
            ("URL", s("", true)),
            ("Username", s(&user, true)),
            ("Password", s(DEFAULT_PASSWORD, true).secret()),
            ("PeriodicInformEnable", b(true)),
            (
                "PeriodicInformInterval",
                Entry {
                    minimum: Some(1),
                    ..Entry::new(Kind::UnsignedInt, "3600", true)
                },
            ),
            (
                "PeriodicInformTime",
                Entry::new(Kind::DateTime, "0001-01-01T00:00:00Z", true),
            ),
            ("ConnectionRequestUsername", s(&user, true)),
            (
                "ConnectionRequestPassword",
                s(DEFAULT_PASSWORD, true).secret(),
            ),
            ("UpgradesManaged", b(false)),
            ("UDPConnectionRequestAddress", s("", false)),
            ("STUNEnable", b(false)),
            ("STUNServerAddress", s("", true)),
            (
                "STUNServerPort",
                Entry::new(Kind::UnsignedInt, "3478", true),
            ),
            ("NATDetected", Entry::new(Kind::Boolean, "false", false)),
        ];
        for (name, entry) in server {
            tree.insert_new(format!("{r}ManagementServer.{name}"), entry);
        }

        let table = format!("{r}{SERVICE_PROVIDERS}");
        tree.objects.insert(
            table.clone(),
            Object {
                writable: true,
                table: Some(Table {
                    next_instance: 2,
                    template: vec![Template {
                        name: "Name".to_owned(),
                        kind: Kind::String,
                        writable: true,
                        default: String::new(),
                    }],
                }),
            },
        );
        // Instance 1 carries the TTA parameters, so the STB keeps it (not deletable).
        tree.insert_new(format!("{table}1.Name"), s("", true));
        tree
    }

    /// The root the STB uses.
    #[must_use]
    pub fn root(&self) -> Root {
        self.root
    }

    /// A parameter's value (passwords included: this is the STB's own view). A misprinted
    /// TTA name the catalog knows reads as its canonical parameter.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        let key = self.resolve(name)?;
        self.parameters.get(key).map(|e| e.value.as_str())
    }

    /// A change the STB makes itself (a new SoftwareVersion after an upgrade, its IP
    /// address, UpTime, a ManagementServer.URL from provider discovery). A change of value
    /// of a parameter whose notification is on is recorded for [`take_changes`].
    ///
    /// A parameter not in the tree is created: with the catalog's type and writability for
    /// a TTA name, else as a read-only string. A name outside the root, an object path, an
    /// over-long name, a value not of the parameter's type, or a full tree leave the tree
    /// as it was (logged as a warning).
    ///
    /// [`take_changes`]: Self::take_changes
    pub fn set(&mut self, name: &str, value: &str) {
        if let Some(key) = self.resolve(name).map(str::to_owned) {
            let Some(entry) = self.parameters.get_mut(&key) else {
                return;
            };
            let Some(canonical) = entry.kind.canonical(value) else {
                tracing::warn!(parameter = %key, "local value is not of the parameter's type; kept the old one");
                return;
            };
            if entry.value != canonical {
                entry.value = canonical;
                if entry.notification > 0 {
                    self.changed.insert(key);
                }
            }
            return;
        }
        let fits = name.len() <= MAX_NAME_BYTES
            && name.starts_with(self.root.prefix())
            && !name.ends_with('.')
            && !name.contains("..");
        if !fits || !self.has_room(1, 0) {
            tracing::warn!(parameter = %excerpt(name), "local parameter refused: bad name or full tree");
            return;
        }
        let (kind, writable) = match lookup(name).filter(|m| m.root == self.root) {
            Some(m) => (
                Kind::from_param(m.parameter.xsd_type()),
                server_sets(m.parameter),
            ),
            None => (Kind::String, false),
        };
        let Some(canonical) = kind.canonical(value) else {
            tracing::warn!(parameter = %excerpt(name), "local value is not of the parameter's type");
            return;
        };
        self.insert(name.to_owned(), Entry::new(kind, canonical, writable));
    }

    /// Answers one ACS request, or `None` for the requests this tree does not handle
    /// (Reboot, FactoryReset, Download, Upload, ScheduleInform, and anything else: the
    /// caller answers those). A request that fails changes nothing and gets its TR-069
    /// fault: 9005 for an unknown name, 9008 for a read-only parameter, 9007 for a value not
    /// of the parameter's type (SetParameterValues lists each in a
    /// `SetParameterValuesFault` under 9003), 9003 for a parameter named twice or
    /// a NextLevel on a parameter, 9009 for a notification refused, 9001 for an instance
    /// the STB keeps, 9004 when the tree is full.
    pub fn handle(&mut self, request: &Body<'_>) -> Option<Body<'static>> {
        let answer = match request {
            Body::GetRpcMethods(_) => Ok(Body::GetRpcMethodsResponse(GetRpcMethodsResponse {
                method_list: RPC_METHODS.iter().map(|m| Cow::Borrowed(*m)).collect(),
            })),
            Body::GetParameterValues(r) => self.get_values(r),
            Body::SetParameterValues(r) => self.set_values(r),
            Body::GetParameterNames(r) => self.get_names(r),
            Body::GetParameterAttributes(r) => self.get_attributes(r),
            Body::SetParameterAttributes(r) => self.set_attributes(r),
            Body::AddObject(r) => self.add_object(r),
            Body::DeleteObject(r) => self.delete_object(r),
            _ => return None,
        };
        Some(answer.unwrap_or_else(Body::Fault))
    }

    /// Drains the value changes awaiting notification (those the STB made with
    /// [`set`](Self::set); TR-069 has a CPE keep quiet about what the ACS set), by the
    /// parameters' notification now: active, passive, or dropped when turned off since.
    pub fn take_changes(&mut self) -> Changes {
        let mut changes = Changes::default();
        for name in std::mem::take(&mut self.changed) {
            let Some(entry) = self.parameters.get(&name) else {
                continue;
            };
            let list = match entry.notification {
                2 => &mut changes.active,
                1 => &mut changes.passive,
                _ => continue,
            };
            list.push(ParameterValueStruct::new(name.clone(), entry.wire_value()));
        }
        changes
    }

    /// Whether a change awaits active notification: time to open a session with
    /// `4 VALUE CHANGE`.
    #[must_use]
    pub fn has_active_changes(&self) -> bool {
        self.changed
            .iter()
            .any(|n| self.parameters.get(n).is_some_and(|e| e.notification == 2))
    }

    /// The typed values of these parameters, in the order given, for an Inform's parameter
    /// list; names not in the tree are left out, passwords read as empty.
    pub fn values<'n>(
        &self,
        names: impl IntoIterator<Item = &'n str>,
    ) -> Vec<ParameterValueStruct<'static>> {
        names
            .into_iter()
            .filter_map(|name| {
                let key = self.resolve(name)?;
                let entry = self.parameters.get(key)?;
                Some(ParameterValueStruct::new(
                    key.to_owned(),
                    entry.wire_value(),
                ))
            })
            .collect()
    }

    /// Back to the tree of a new STB ([`new`](Self::new)): the FactoryReset RPC, and the
    /// provider change of the TTA procedure.
    pub fn factory_reset(&mut self, device: &DeviceDescription<'_>) {
        *self = Self::new(device);
    }

    // ------------------------------------------------------------------ the RPCs

    fn get_values(&self, r: &GetParameterValues<'_>) -> Answer {
        let mut list = Vec::new();
        for name in &r.parameter_names {
            for key in self.select(name)? {
                if list.len() >= MAX_PARAMETERS {
                    return Err(fault(FaultCode::ResourcesExceeded, "response too large"));
                }
                if let Some(entry) = self.parameters.get(key) {
                    list.push(ParameterValueStruct::new(
                        key.to_owned(),
                        entry.wire_value(),
                    ));
                }
            }
        }
        Ok(Body::GetParameterValuesResponse(
            GetParameterValuesResponse {
                parameter_list: list,
            },
        ))
    }

    fn set_values(&mut self, r: &SetParameterValues<'_>) -> Answer {
        // Every item is checked before anything changes: all or nothing (TR-069 A.3.2.1).
        let mut faults = Vec::new();
        let mut keys = BTreeSet::new();
        let mut plan: Vec<(String, Entry, String)> = Vec::new();
        let mut created = 0usize;
        for item in &r.parameter_list {
            let name = &*item.name;
            let text = &*item.value.text;
            let mut refuse = |code: FaultCode| {
                faults.push(SetParameterValuesFault {
                    parameter_name: Cow::Owned(name.to_owned()),
                    fault_code: code,
                    fault_string: code.description().map(Cow::Borrowed),
                });
            };
            let (key, entry) = if let Some(key) = self.resolve(name) {
                let Some(entry) = self.parameters.get(key) else {
                    refuse(FaultCode::InvalidParameterName);
                    continue;
                };
                if !entry.writable {
                    refuse(FaultCode::NonWritableParameter);
                    continue;
                }
                (key.to_owned(), entry.clone())
            } else if let Some(m) = self.creatable(name) {
                created += 1;
                let kind = Kind::from_param(m.xsd_type());
                (canonical_name(m, self.root), Entry::new(kind, "", true))
            } else {
                refuse(FaultCode::InvalidParameterName);
                continue;
            };
            if !keys.insert(key.clone()) {
                return Err(fault(
                    FaultCode::InvalidArguments,
                    &format!("parameter named twice: {}", excerpt(name)),
                ));
            }
            match entry.accept(text) {
                Some(value) => plan.push((key, entry, value)),
                None => refuse(FaultCode::InvalidParameterValue),
            }
        }
        if !faults.is_empty() {
            let mut f = fault(FaultCode::InvalidArguments, "parameters refused");
            if let Some(d) = f.detail.as_mut() {
                d.set_parameter_values_faults = faults;
            }
            return Err(f);
        }
        if !self.has_room(created, 0) {
            return Err(fault(FaultCode::ResourcesExceeded, "parameter tree full"));
        }
        for (key, mut entry, value) in plan {
            entry.value = value;
            // The ACS knows what it set: no notification for it (TR-069 A.3.2.1).
            self.changed.remove(&key);
            self.insert(key, entry);
        }
        self.set_parameter_key(&r.parameter_key);
        Ok(Body::SetParameterValuesResponse(
            SetParameterValuesResponse { status: 0 },
        ))
    }

    fn get_names(&self, r: &GetParameterNames<'_>) -> Answer {
        let path = &*r.parameter_path;
        let mut list: Vec<(&str, bool)> = Vec::new();
        if path.is_empty() {
            // The top of the hierarchy: the root object, or everything.
            let root = self.root.prefix();
            if r.next_level {
                list.push((root, false));
            } else {
                list.extend(self.objects.iter().map(|(n, o)| (n.as_str(), o.writable)));
                list.extend(
                    self.parameters
                        .iter()
                        .map(|(n, e)| (n.as_str(), e.writable)),
                );
            }
        } else if path.ends_with('.') {
            let Some(object) = self
                .objects
                .get(path)
                .filter(|_| path.len() <= MAX_NAME_BYTES)
            else {
                return Err(unknown(path));
            };
            if !r.next_level {
                list.push((path, object.writable));
            }
            // Below the path: everything, or with NextLevel only one segment down.
            let below = |name: &str| {
                let rest = name.strip_prefix(path).unwrap_or_default();
                let inner = rest.strip_suffix('.').unwrap_or(rest);
                !rest.is_empty() && (!r.next_level || !inner.contains('.'))
            };
            list.extend(
                prefixed(&self.objects, path)
                    .filter(|(n, _)| below(n))
                    .map(|(n, o)| (n, o.writable)),
            );
            list.extend(
                prefixed(&self.parameters, path)
                    .filter(|(n, _)| below(n))
                    .map(|(n, e)| (n, e.writable)),
            );
        } else {
            let Some(key) = self.resolve(path) else {
                return Err(unknown(path));
            };
            if r.next_level {
                // TR-069 A.3.2.3: NextLevel true on a parameter is an invalid argument.
                return Err(fault(
                    FaultCode::InvalidArguments,
                    &format!("NextLevel on a parameter: {}", excerpt(path)),
                ));
            }
            let writable = self.parameters.get(key).is_some_and(|e| e.writable);
            list.push((key, writable));
        }
        list.sort_by(|a, b| path_cmp(a.0, b.0));
        Ok(Body::GetParameterNamesResponse(GetParameterNamesResponse {
            parameter_list: list
                .into_iter()
                .map(|(name, writable)| ParameterInfoStruct {
                    name: Cow::Owned(name.to_owned()),
                    writable,
                })
                .collect(),
        }))
    }

    fn get_attributes(&self, r: &GetParameterAttributes<'_>) -> Answer {
        let mut list = Vec::new();
        for name in &r.parameter_names {
            for key in self.select(name)? {
                if list.len() >= MAX_PARAMETERS {
                    return Err(fault(FaultCode::ResourcesExceeded, "response too large"));
                }
                if let Some(entry) = self.parameters.get(key) {
                    list.push(ParameterAttributeStruct {
                        name: Cow::Owned(key.to_owned()),
                        notification: i32::from(entry.notification),
                        access_list: entry
                            .access_list
                            .iter()
                            .map(|a| Cow::Owned(a.clone()))
                            .collect(),
                    });
                }
            }
        }
        Ok(Body::GetParameterAttributesResponse(
            GetParameterAttributesResponse {
                parameter_list: list,
            },
        ))
    }

    fn set_attributes(&mut self, r: &SetParameterAttributes<'_>) -> Answer {
        // Checked whole before applied: TR-069 A.3.2.4 asks for all or nothing here too.
        let mut plan: Vec<(String, Option<u8>, Option<Vec<String>>)> = Vec::new();
        for s in &r.parameter_list {
            let partial = s.name.is_empty() || s.name.ends_with('.');
            let notification = if s.notification_change {
                match s.notification {
                    0..=2 => u8::try_from(s.notification).ok(),
                    // Lightweight notification (CWMP 1.4) needs a UDP channel this STB lacks.
                    3..=6 => {
                        return Err(fault(
                            FaultCode::NotificationRequestRejected,
                            "lightweight notification not supported",
                        ));
                    }
                    _ => {
                        return Err(fault(
                            FaultCode::InvalidArguments,
                            &format!("notification {}", s.notification),
                        ));
                    }
                }
            } else {
                None
            };
            let access_list = if s.access_list_change {
                // TR-069 defines one entity besides the ACS.
                if let Some(bad) = s.access_list.iter().find(|a| **a != "Subscriber") {
                    return Err(fault(
                        FaultCode::InvalidArguments,
                        &format!("access list entry {}", excerpt(bad)),
                    ));
                }
                Some(s.access_list.iter().map(|a| a.to_string()).collect())
            } else {
                None
            };
            for key in self.select(&s.name)? {
                let Some(entry) = self.parameters.get(key) else {
                    continue;
                };
                let mut n = notification;
                let refused = match (entry.policy, n) {
                    (Policy::ForcedActive, Some(v)) => v != 2,
                    (Policy::ActiveRejected, Some(v)) => v == 2,
                    _ => false,
                };
                if refused {
                    if !partial {
                        return Err(fault(
                            FaultCode::NotificationRequestRejected,
                            &format!(
                                "notification {} refused for {}",
                                s.notification,
                                excerpt(key)
                            ),
                        ));
                    }
                    // Named through a partial path: skipped, the rest of the path applies.
                    n = None;
                }
                if plan.len() >= MAX_PARAMETERS {
                    return Err(fault(FaultCode::ResourcesExceeded, "request too large"));
                }
                plan.push((key.to_owned(), n, access_list.clone()));
            }
        }
        for (key, notification, access_list) in plan {
            if let Some(entry) = self.parameters.get_mut(&key) {
                if let Some(n) = notification {
                    entry.notification = n;
                }
                if let Some(list) = access_list {
                    entry.access_list = list;
                }
            }
        }
        Ok(Body::SetParameterAttributesResponse(
            SetParameterAttributesResponse {},
        ))
    }

    fn add_object(&mut self, r: &AddObject<'_>) -> Answer {
        let name = &*r.object_name;
        let Some(object) = self
            .objects
            .get(name)
            .filter(|_| name.ends_with('.') && name.len() <= MAX_NAME_BYTES)
        else {
            return Err(unknown(name));
        };
        let Some(table) = object.table.clone() else {
            return Err(fault(
                FaultCode::InvalidParameterName,
                &format!("not a multi-instance object: {}", excerpt(name)),
            ));
        };
        if !object.writable {
            return Err(fault(FaultCode::RequestDenied, "object is not writable"));
        }
        // Skip numbers a stored tree may already use, so an instance is never overwritten.
        let mut number = table.next_instance.max(1);
        while self.objects.contains_key(&format!("{name}{number}.")) {
            number = number
                .checked_add(1)
                .ok_or_else(|| fault(FaultCode::ResourcesExceeded, "instance numbers used up"))?;
        }
        let instance = format!("{name}{number}.");
        let longest = table
            .template
            .iter()
            .map(|t| t.name.len())
            .max()
            .unwrap_or(0);
        if instance.len() + longest > MAX_NAME_BYTES
            || !self.has_room(table.template.len(), 1)
            || number == u32::MAX
        {
            return Err(fault(FaultCode::ResourcesExceeded, "parameter tree full"));
        }
        self.objects.insert(
            instance.clone(),
            Object {
                writable: true,
                table: None,
            },
        );
        for t in &table.template {
            self.insert(
                format!("{instance}{}", t.name),
                Entry::new(t.kind, t.default.clone(), t.writable),
            );
        }
        if let Some(t) = self.objects.get_mut(name).and_then(|o| o.table.as_mut()) {
            t.next_instance = number + 1;
        }
        self.set_parameter_key(&r.parameter_key);
        Ok(Body::AddObjectResponse(AddObjectResponse {
            instance_number: number,
            status: 0,
        }))
    }

    fn delete_object(&mut self, r: &DeleteObject<'_>) -> Answer {
        let name = &*r.object_name;
        let is_instance = name
            .strip_suffix('.')
            .and_then(|n| n.rsplit_once('.'))
            .is_some_and(|(parent, last)| {
                !last.is_empty()
                    && last.bytes().all(|b| b.is_ascii_digit())
                    && self
                        .objects
                        .get(&format!("{parent}."))
                        .is_some_and(|o| o.table.is_some())
            });
        let Some(object) = self.objects.get(name).filter(|_| is_instance) else {
            return Err(unknown(name));
        };
        if !object.writable {
            return Err(fault(
                FaultCode::RequestDenied,
                &format!("the STB keeps {}", excerpt(name)),
            ));
        }
        let doomed = |n: &String| n.starts_with(name);
        self.parameters.retain(|n, _| !doomed(n));
        self.objects.retain(|n, _| !doomed(n));
        self.changed.retain(|n| !doomed(n));
        self.set_parameter_key(&r.parameter_key);
        Ok(Body::DeleteObjectResponse(DeleteObjectResponse {
            status: 0,
        }))
    }

    // ------------------------------------------------------------------ helpers

    /// The tree's key for `name`: itself, or the canonical name of a misprint the catalog
    /// resolves (the standard's own examples use `SDSServer.SPID`).
    fn resolve(&self, name: &str) -> Option<&str> {
        if name.len() > MAX_NAME_BYTES {
            return None;
        }
        if let Some((key, _)) = self.parameters.get_key_value(name) {
            return Some(key);
        }
        let m = lookup(name).filter(|m| m.root == self.root && !m.aliases.is_empty())?;
        let canonical = m.canonical_name();
        self.parameters
            .get_key_value(canonical)
            .map(|(k, _)| k.as_str())
    }

    /// The catalog parameter a SetParameterValues may create: one the server sets, under
    /// the STB's root (where the server's settings land).
    fn creatable(&self, name: &str) -> Option<Parameter> {
        if name.len() > MAX_NAME_BYTES {
            return None;
        }
        lookup(name)
            .filter(|m| m.root == self.root && server_sets(m.parameter))
            .map(|m| m.parameter)
    }

    /// The parameters a name or partial path (empty: everything) stands for.
    fn select<'s>(&'s self, name: &str) -> Result<Vec<&'s str>, Fault<'static>> {
        if name.is_empty() {
            return Ok(self.parameters.keys().map(String::as_str).collect());
        }
        if name.ends_with('.') {
            if name.len() > MAX_NAME_BYTES || !self.objects.contains_key(name) {
                return Err(unknown(name));
            }
            return Ok(prefixed(&self.parameters, name).map(|(n, _)| n).collect());
        }
        self.resolve(name)
            .map(|k| vec![k])
            .ok_or_else(|| unknown(name))
    }

    fn has_room(&self, parameters: usize, objects: usize) -> bool {
        self.parameters.len().saturating_add(parameters) <= MAX_PARAMETERS
            && self.objects.len().saturating_add(objects) <= MAX_PARAMETERS
    }

    /// Adds or replaces a parameter, creating the objects above it.
    fn insert(&mut self, name: String, entry: Entry) {
        for (i, _) in name.match_indices('.') {
            if let Some(object) = name.get(..=i)
                && !self.objects.contains_key(object)
            {
                self.objects.insert(object.to_owned(), Object::default());
            }
        }
        self.parameters.insert(name, entry);
    }

    /// Adds a parameter unless the tree has it (the Inform set's values come first).
    fn insert_new(&mut self, name: String, entry: Entry) {
        if !self.parameters.contains_key(&name) {
            self.insert(name, entry);
        }
    }

    fn set_parameter_key(&mut self, key: &str) {
        let name = format!("{}ManagementServer.ParameterKey", self.root.prefix());
        match self.parameters.get_mut(&name) {
            Some(entry) => key.clone_into(&mut entry.value),
            None => self.insert(name, Entry::new(Kind::String, key, false)),
        }
    }
}

/// `{R}.` + this is the ServiceProvider table.
const SERVICE_PROVIDERS: &str = "Services.STBService.1.Applications.ServiceProvider.";

/// Whether the server sets the parameter (so the ACS may write it).
fn server_sets(p: Parameter) -> bool {
    matches!(p.direction(), Direction::ServerToStb | Direction::Both)
}

fn canonical_name(p: Parameter, root: Root) -> String {
    p.name(root).unwrap_or_default().to_owned()
}

/// The entries of `map` whose names start with `prefix`.
fn prefixed<'m, V>(
    map: &'m BTreeMap<String, V>,
    prefix: &str,
) -> impl Iterator<Item = (&'m str, &'m V)> {
    map.range::<str, _>((
        std::ops::Bound::Included(prefix),
        std::ops::Bound::Unbounded,
    ))
    .take_while(move |(n, _)| n.starts_with(prefix))
    .map(|(n, v)| (n.as_str(), v))
}

/// Orders paths segment by segment, instance numbers by value (`2.` before `10.`), so a
/// listing reads depth-first as TR-069's examples do.
fn path_cmp(a: &str, b: &str) -> Ordering {
    let mut x = a.split('.');
    let mut y = b.split('.');
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(s), Some(t)) => {
                let o = match (s.parse::<u64>(), t.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n).then_with(|| s.cmp(t)),
                    _ => s.cmp(t),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

fn fault(code: FaultCode, detail: &str) -> Fault<'static> {
    let text = match code.description() {
        Some(d) => format!("{d}: {detail}"),
        None => detail.to_owned(),
    };
    Fault::cwmp(code, text)
}

fn unknown(name: &str) -> Fault<'static> {
    fault(FaultCode::InvalidParameterName, &excerpt(name))
}

/// At most 64 bytes of a name, escaped, for fault texts and logs.
fn excerpt(text: &str) -> String {
    let mut end = text.len().min(64);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text.get(..end).unwrap_or_default();
    let mut out = cut.escape_debug().to_string();
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tta_datamodel::{DeviceId, MacAddress};

    fn device(root: Root) -> DeviceDescription<'static> {
        let mac = MacAddress::parse("00:1F:3C:0A:F0:4C").unwrap();
        DeviceDescription {
            root,
            device_id: DeviceId::from_mac("001F3C", "IPTV", mac).unwrap(),
            device_summary: "Device:1.0[](Baseline:1)".into(),
            spec_version: "1.0".into(),
            hardware_version: "1.0.0".into(),
            software_version: "2.1.27".into(),
            provisioning_code: "".into(),
            connection_request_url: "http://192.168.1.80:7547/".into(),
            parameter_key: "0".into(),
            ip_address: "192.168.1.80".into(),
            addressing_type: "DHCP".into(),
            mac,
            manufacturer: "TTA".into(),
            model_name: "retailIPTV-01".into(),
            certificate: "MIIB...".into(),
        }
    }

    fn tree() -> ParameterTree {
        ParameterTree::new(&device(Root::Device))
    }

    fn fault_code(body: Option<Body<'static>>) -> u32 {
        match body {
            Some(Body::Fault(f)) => f.code().map(FaultCode::code).unwrap_or(0),
            other => panic!("expected a fault, got {other:?}"),
        }
    }

    fn gpv(t: &mut ParameterTree, names: &[&str]) -> Option<Body<'static>> {
        t.handle(&Body::GetParameterValues(GetParameterValues {
            parameter_names: names.iter().map(|n| Cow::Borrowed(*n)).collect(),
        }))
    }

    fn values_of(body: Option<Body<'static>>) -> Vec<(String, String)> {
        match body {
            Some(Body::GetParameterValuesResponse(r)) => r
                .parameter_list
                .into_iter()
                .map(|p| (p.name.into_owned(), p.value.text.into_owned()))
                .collect(),
            other => panic!("expected values, got {other:?}"),
        }
    }

    fn spv(
        t: &mut ParameterTree,
        items: &[(&str, Value<'static>)],
        key: &str,
    ) -> Option<Body<'static>> {
        t.handle(&Body::SetParameterValues(SetParameterValues {
            parameter_list: items
                .iter()
                .map(|(n, v)| ParameterValueStruct::new(*n, v.clone()))
                .collect(),
            parameter_key: Cow::Owned(key.to_owned()),
        }))
    }

    fn gpn(t: &mut ParameterTree, path: &str, next_level: bool) -> Option<Body<'static>> {
        t.handle(&Body::GetParameterNames(GetParameterNames {
            parameter_path: Cow::Owned(path.to_owned()),
            next_level,
        }))
    }

    fn names_of(body: Option<Body<'static>>) -> Vec<(String, bool)> {
        match body {
            Some(Body::GetParameterNamesResponse(r)) => r
                .parameter_list
                .into_iter()
                .map(|p| (p.name.into_owned(), p.writable))
                .collect(),
            other => panic!("expected names, got {other:?}"),
        }
    }

    fn spa(
        t: &mut ParameterTree,
        name: &str,
        notification: Option<i32>,
        access: Option<&[&str]>,
    ) -> Option<Body<'static>> {
        t.handle(&Body::SetParameterAttributes(SetParameterAttributes {
            parameter_list: vec![cwmp_codec::SetParameterAttributesStruct {
                name: Cow::Owned(name.to_owned()),
                notification_change: notification.is_some(),
                notification: notification.unwrap_or(0),
                access_list_change: access.is_some(),
                access_list: access
                    .unwrap_or_default()
                    .iter()
                    .map(|a| Cow::Owned((*a).to_owned()))
                    .collect(),
            }],
        }))
    }

    fn add(t: &mut ParameterTree, name: &str) -> Option<Body<'static>> {
        t.handle(&Body::AddObject(AddObject {
            object_name: Cow::Owned(name.to_owned()),
            parameter_key: Cow::Borrowed("add"),
        }))
    }

    fn delete(t: &mut ParameterTree, name: &str) -> Option<Body<'static>> {
        t.handle(&Body::DeleteObject(DeleteObject {
            object_name: Cow::Owned(name.to_owned()),
            parameter_key: Cow::Borrowed("del"),
        }))
    }

    const SP: &str = "Device.Services.STBService.1.Applications.ServiceProvider.";

    #[test]
    fn new_tree_has_both_inform_sets_under_either_root() {
        for root in Root::ALL {
            let d = device(root);
            let t = ParameterTree::new(&d);
            assert_eq!(t.root(), root);
            for event in [
                TtaEvent::Dhcp,
                TtaEvent::VenderProvision,
                TtaEvent::ServiceProvision,
            ] {
                let want = d.inform_parameters(event, ProvStatus::NotComplete);
                let got = t.values(want.iter().map(|p| &*p.name));
                assert_eq!(got.len(), want.len(), "{root} {event}");
                for (g, w) in got.iter().zip(&want) {
                    assert_eq!((&*g.name, &*g.value.text), (&*w.name, &*w.value));
                }
            }
            let r = root.prefix();
            for name in [
                "DeviceInfo.ManufacturerOUI",
                "DeviceInfo.ProductClass",
                "DeviceInfo.Description",
                "DeviceInfo.UpTime",
                "ManagementServer.URL",
                "ManagementServer.PeriodicInformInterval",
                "ManagementServer.STUNEnable",
                "ManagementServer.UDPConnectionRequestAddress",
            ] {
                assert!(t.get(&format!("{r}{name}")).is_some(), "{name}");
            }
            assert_eq!(
                t.get(&format!("{r}DeviceInfo.ManufacturerOUI")),
                Some("001F3C")
            );
            assert_eq!(
                t.get(&format!("{r}ManagementServer.Username")),
                Some("001F3C-IPTV-001F3C0AF04C")
            );
        }
    }

    #[test]
    fn get_parameter_values_full_partial_and_unknown() {
        let mut t = tree();
        let got = values_of(gpv(
            &mut t,
            &[
                "Device.DeviceInfo.SoftwareVersion",
                "Device.DeviceInfo.UpTime",
            ],
        ));
        assert_eq!(
            got,
            [
                ("Device.DeviceInfo.SoftwareVersion".into(), "2.1.27".into()),
                ("Device.DeviceInfo.UpTime".into(), "0".into())
            ]
        );
        let Some(Body::GetParameterValuesResponse(r)) =
            gpv(&mut t, &["Device.ManagementServer.PeriodicInformInterval"])
        else {
            panic!()
        };
        assert_eq!(r.parameter_list[0].value.xsd_type, XsdType::UnsignedInt);

        let partial = values_of(gpv(&mut t, &["Device.ManagementServer."]));
        assert!(partial.len() > 10);
        assert!(
            partial
                .iter()
                .all(|(n, _)| n.starts_with("Device.ManagementServer."))
        );
        // Passwords read as empty; the STB itself still has them.
        assert!(partial.contains(&("Device.ManagementServer.Password".into(), String::new())));
        assert_eq!(
            t.get("Device.ManagementServer.Password"),
            Some(DEFAULT_PASSWORD)
        );

        let all = values_of(gpv(&mut t, &[""]));
        assert_eq!(all.len(), t.parameters.len());

        let long = "Device.".repeat(60);
        for bad in [
            "Device.DeviceInfo.Nope",
            "Device.Nope.",
            "Device.DeviceInfo",
            "InternetGatewayDevice.DeviceInfo.SoftwareVersion",
            ".",
            "Device..",
            long.as_str(),
        ] {
            assert_eq!(
                fault_code(gpv(&mut t, &["Device.DeviceInfo.UpTime", bad])),
                9005,
                "{bad}"
            );
        }
    }

    #[test]
    fn set_parameter_values_applies_and_stores_the_key() {
        let mut t = tree();
        let body = spv(
            &mut t,
            &[
                ("Device.ManagementServer.URL", Value::string("http://acs/")),
                // Typed wrong, but its text is a valid unsignedInt: accepted.
                (
                    "Device.ManagementServer.PeriodicInformInterval",
                    Value::string(" 60 "),
                ),
                ("Device.ManagementServer.STUNEnable", Value::string("TRUE")),
            ],
            "k1",
        );
        assert!(matches!(body, Some(Body::SetParameterValuesResponse(r)) if r.status == 0));
        assert_eq!(t.get("Device.ManagementServer.URL"), Some("http://acs/"));
        assert_eq!(
            t.get("Device.ManagementServer.PeriodicInformInterval"),
            Some("60")
        );
        assert_eq!(t.get("Device.ManagementServer.STUNEnable"), Some("true"));
        assert_eq!(t.get("Device.ManagementServer.ParameterKey"), Some("k1"));
    }

    #[test]
    fn set_parameter_values_is_all_or_nothing() {
        let mut t = tree();
        let before = t.clone();
        let body = spv(
            &mut t,
            &[
                ("Device.ManagementServer.URL", Value::string("http://acs/")),
                ("Device.Nope", Value::string("x")),
                ("Device.DeviceInfo.SoftwareVersion", Value::string("9")),
                (
                    "Device.ManagementServer.PeriodicInformInterval",
                    Value::unsigned_int(0),
                ),
                ("Device.ManagementServer.STUNEnable", Value::string("maybe")),
                ("Device.ManagementServer.", Value::string("x")),
            ],
            "k2",
        );
        let Some(Body::Fault(f)) = body else {
            panic!("{body:?}")
        };
        assert_eq!(f.code(), Some(FaultCode::InvalidArguments));
        let per: Vec<(&str, u32)> = f
            .detail
            .as_ref()
            .unwrap()
            .set_parameter_values_faults
            .iter()
            .map(|x| (&*x.parameter_name, x.fault_code.code()))
            .collect();
        assert_eq!(
            per,
            [
                ("Device.Nope", 9005),
                ("Device.DeviceInfo.SoftwareVersion", 9008),
                ("Device.ManagementServer.PeriodicInformInterval", 9007),
                ("Device.ManagementServer.STUNEnable", 9007),
                ("Device.ManagementServer.", 9005),
            ]
        );
        assert_eq!(t, before);

        let long = "x".repeat(MAX_VALUE_BYTES + 1);
        assert_eq!(
            fault_code(spv(
                &mut t,
                &[("Device.ManagementServer.URL", Value::string(long))],
                "k"
            )),
            9003
        );
        // The same parameter twice.
        assert_eq!(
            fault_code(spv(
                &mut t,
                &[
                    ("Device.ManagementServer.URL", Value::string("a")),
                    ("Device.ManagementServer.URL", Value::string("b")),
                ],
                "k"
            )),
            9003
        );
        assert_eq!(t, before);
    }

    #[test]
    fn set_parameter_values_creates_tta_settings() {
        let mut t = tree();
        let sps = "Device.Services.STBService.1.Components.X_TTA_SPServer.";
        let pull = format!("{sps}SDSServer.PullURL");
        let port = format!("{sps}SMSServer.IPPort");
        // The standard's example spelling: stored under the canonical name.
        let spid = format!("{sps}SDSServer.SPID");
        let result = "Device.Services.STBService.1.Applications.ServiceProvider.1.X_TTA_ProvResult";
        assert_eq!(fault_code(gpv(&mut t, &[&pull])), 9005);
        let ok = spv(
            &mut t,
            &[
                (pull.as_str(), Value::string("http://sds/")),
                (port.as_str(), Value::unsigned_int(5000)),
                (spid.as_str(), Value::string("sp.example")),
                (result, Value::string("01")),
            ],
            "prov",
        );
        assert!(
            matches!(ok, Some(Body::SetParameterValuesResponse(_))),
            "{ok:?}"
        );
        assert_eq!(t.get(&pull), Some("http://sds/"));
        assert_eq!(t.get(&format!("{sps}SDSServer.SPId")), Some("sp.example"));
        assert_eq!(t.get(&spid), Some("sp.example"));
        assert_eq!(t.get(result), Some("01"));
        let Some(Body::GetParameterValuesResponse(r)) = gpv(&mut t, &[&port]) else {
            panic!()
        };
        assert_eq!(r.parameter_list[0].value.xsd_type, XsdType::UnsignedInt);
        // The catalog's type holds for a new parameter too.
        assert_eq!(
            fault_code(spv(
                &mut t,
                &[(
                    &format!("{sps}SDSServer.IPMulticastPort"),
                    Value::string("x")
                )],
                "k"
            )),
            9003
        );
        // A catalog name under the other root, or one the STB reports, is not created.
        for name in [
            "InternetGatewayDevice.Time.NTPServer1",
            "Device.DeviceInfo.SpecVersion",
        ] {
            assert_eq!(
                fault_code(spv(&mut t, &[(name, Value::string("x"))], "k")),
                9003
            );
        }
        // The new object answers GetParameterNames.
        let names = names_of(gpn(&mut t, sps, true));
        assert_eq!(
            names,
            [
                (format!("{sps}SDSServer."), false),
                (format!("{sps}SMSServer."), false)
            ]
        );
    }

    #[test]
    fn parameter_names_next_level_on_a_small_tree() {
        let mut t = tree();
        // Cut the tree down to a few names, to see every one of them.
        t.parameters
            .retain(|n, _| n.starts_with("Device.DeviceInfo.S") || n.starts_with(SP));
        t.objects.retain(|n, _| {
            n == "Device."
                || n.starts_with("Device.DeviceInfo.")
                || n.starts_with("Device.Services.")
        });
        let w = |n: &str, b: bool| (n.to_owned(), b);

        assert_eq!(names_of(gpn(&mut t, "", true)), [w("Device.", false)]);
        assert_eq!(
            names_of(gpn(&mut t, "Device.", true)),
            [w("Device.DeviceInfo.", false), w("Device.Services.", false)]
        );
        assert_eq!(
            names_of(gpn(&mut t, "Device.DeviceInfo.", true)),
            [
                w("Device.DeviceInfo.SerialNumber", false),
                w("Device.DeviceInfo.SoftwareVersion", false)
            ]
        );
        assert_eq!(
            names_of(gpn(&mut t, "Device.DeviceInfo.", false)),
            [
                w("Device.DeviceInfo.", false),
                w("Device.DeviceInfo.SerialNumber", false),
                w("Device.DeviceInfo.SoftwareVersion", false)
            ]
        );
        let sp1 = format!("{SP}1.");
        assert_eq!(
            names_of(gpn(
                &mut t,
                "Device.Services.STBService.1.Applications.",
                true
            )),
            [w(SP, true)]
        );
        assert_eq!(names_of(gpn(&mut t, SP, true)), [w(&sp1, false)]);
        let everything = names_of(gpn(&mut t, "", false));
        assert_eq!(everything.len(), t.objects.len() + t.parameters.len());
        assert_eq!(everything[0], w("Device.", false));
        assert_eq!(
            names_of(gpn(&mut t, "Device.DeviceInfo.SoftwareVersion", false)),
            [w("Device.DeviceInfo.SoftwareVersion", false)]
        );
        assert_eq!(
            fault_code(gpn(&mut t, "Device.DeviceInfo.SoftwareVersion", true)),
            9003
        );
        for bad in [
            "Device.Nope.",
            "Device.Nope",
            "Device",
            "Device.DeviceInfo.UpTime",
        ] {
            assert_eq!(fault_code(gpn(&mut t, bad, false)), 9005, "{bad}");
        }
        // Writable objects: the table (AddObject) and an added instance (DeleteObject).
        let Some(Body::AddObjectResponse(a)) = add(&mut t, SP) else {
            panic!()
        };
        assert_eq!(
            names_of(gpn(&mut t, &format!("{SP}{}.", a.instance_number), false)),
            [w(&format!("{SP}2."), true), w(&format!("{SP}2.Name"), true)]
        );
    }

    #[test]
    fn instances_sort_by_number() {
        let mut t = tree();
        for _ in 2..=10 {
            add(&mut t, SP);
        }
        let names = names_of(gpn(&mut t, SP, true));
        let numbers: Vec<&str> = names
            .iter()
            .map(|(n, _)| n.trim_start_matches(SP).trim_end_matches('.'))
            .collect();
        assert_eq!(numbers, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]);
    }

    #[test]
    fn add_and_delete_object_round_trip() {
        let mut t = tree();
        let before = t.clone();
        let Some(Body::AddObjectResponse(a)) = add(&mut t, SP) else {
            panic!()
        };
        assert_eq!((a.instance_number, a.status), (2, 0));
        assert_eq!(t.get("Device.ManagementServer.ParameterKey"), Some("add"));
        let name = format!("{SP}2.Name");
        assert!(matches!(
            spv(&mut t, &[(&name, Value::string("KT"))], "k"),
            Some(Body::SetParameterValuesResponse(_))
        ));
        assert_eq!(
            values_of(gpv(&mut t, &[&format!("{SP}2.")])),
            [(name.clone(), "KT".into())]
        );

        assert!(matches!(
            delete(&mut t, &format!("{SP}2.")),
            Some(Body::DeleteObjectResponse(r)) if r.status == 0
        ));
        assert_eq!(t.get("Device.ManagementServer.ParameterKey"), Some("del"));
        assert_eq!(fault_code(gpv(&mut t, &[&name])), 9005);
        assert_eq!(fault_code(gpv(&mut t, &[&format!("{SP}2.")])), 9005);
        assert_eq!(fault_code(delete(&mut t, &format!("{SP}2."))), 9005);
        // Numbers are not reused.
        let Some(Body::AddObjectResponse(a)) = add(&mut t, SP) else {
            panic!()
        };
        assert_eq!(a.instance_number, 3);
        delete(&mut t, &format!("{SP}3."));
        t.set_parameter_key("0");
        let table = |t: &ParameterTree| t.objects.get(SP).cloned();
        assert_eq!(table(&t).unwrap().table.unwrap().next_instance, 4);
        assert_eq!(t.parameters, before.parameters);

        // The STB keeps instance 1; objects that are no table or no instance are refused.
        assert_eq!(fault_code(delete(&mut t, &format!("{SP}1."))), 9001);
        for bad in [
            "Device.DeviceInfo.",
            "Device.DeviceInfo",
            SP,
            "Device.Nope.",
            "",
        ] {
            assert_eq!(fault_code(delete(&mut t, bad)), 9005, "{bad}");
        }
        let first = format!("{SP}1.");
        for bad in [
            "Device.DeviceInfo.",
            first.as_str(),
            "Device.Nope.",
            SP.trim_end_matches('.'),
        ] {
            assert_eq!(fault_code(add(&mut t, bad)), 9005, "{bad}");
        }
    }

    #[test]
    fn add_object_stops_at_the_limit() {
        let mut t = tree();
        let mut added = 0;
        loop {
            match add(&mut t, SP) {
                Some(Body::AddObjectResponse(_)) => added += 1,
                other => {
                    assert_eq!(fault_code(other), 9004);
                    break;
                }
            }
            assert!(added <= MAX_PARAMETERS);
        }
        assert_eq!(t.parameters.len(), MAX_PARAMETERS);
        assert!(added > MAX_PARAMETERS / 2);
        // Still answering, and deleting makes room again.
        delete(&mut t, &format!("{SP}2."));
        assert!(matches!(add(&mut t, SP), Some(Body::AddObjectResponse(_))));
    }

    #[test]
    fn attributes_and_notifications() {
        let mut t = tree();
        let url = "Device.ManagementServer.URL";
        let interval = "Device.ManagementServer.PeriodicInformInterval";
        let attrs = |t: &mut ParameterTree, name: &str| match t.handle(
            &Body::GetParameterAttributes(GetParameterAttributes {
                parameter_names: vec![Cow::Owned(name.to_owned())],
            }),
        ) {
            Some(Body::GetParameterAttributesResponse(r)) => r
                .parameter_list
                .into_iter()
                .map(|a| (a.name.into_owned(), a.notification, a.access_list.len()))
                .collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(attrs(&mut t, url), [(url.to_owned(), 0, 0)]);
        assert_eq!(
            attrs(&mut t, "Device.DeviceInfo.SoftwareVersion")[0].1,
            2,
            "active by default"
        );

        // Active: a local change asks for a session now.
        assert!(matches!(
            spa(&mut t, url, Some(2), Some(&["Subscriber"])),
            Some(Body::SetParameterAttributesResponse(_))
        ));
        assert_eq!(attrs(&mut t, url), [(url.to_owned(), 2, 1)]);
        assert!(!t.has_active_changes());
        t.set(url, "http://new/");
        assert!(t.has_active_changes());
        // Passive: rides along.
        spa(&mut t, interval, Some(1), None);
        t.set(interval, "120");
        let changes = t.take_changes();
        assert_eq!(changes.active.len(), 1);
        assert_eq!(&*changes.active[0].name, url);
        assert_eq!(&*changes.active[0].value.text, "http://new/");
        assert_eq!(changes.passive.len(), 1);
        assert_eq!(changes.passive[0].value.xsd_type, XsdType::UnsignedInt);
        assert!(t.take_changes().is_empty());
        assert!(!t.has_active_changes());

        // Unchanged values and ACS writes are not reported.
        t.set(url, "http://new/");
        spv(&mut t, &[(url, Value::string("http://acs/"))], "k");
        assert!(t.take_changes().is_empty());
        // A local change, then the ACS overwrites it: nothing to report.
        t.set(url, "http://local/");
        spv(&mut t, &[(url, Value::string("http://acs2/"))], "k");
        assert!(!t.has_active_changes());
        // Off since the change: dropped.
        t.set(interval, "121");
        spa(&mut t, interval, Some(0), None);
        assert!(t.take_changes().is_empty());
        // A parameter without notification records nothing.
        t.set("Device.ManagementServer.STUNServerAddress", "stun");
        assert!(t.take_changes().is_empty());
        // Upgrade: SoftwareVersion is active by default.
        t.set("Device.DeviceInfo.SoftwareVersion", "2.1.28");
        assert!(t.has_active_changes());
    }

    #[test]
    fn attribute_faults_and_partial_paths() {
        let mut t = tree();
        let before = t.clone();
        let cr = "Device.ManagementServer.ConnectionRequestURL";
        assert_eq!(fault_code(spa(&mut t, cr, Some(0), None)), 9009);
        assert_eq!(
            fault_code(spa(&mut t, "Device.DeviceInfo.UpTime", Some(2), None)),
            9009
        );
        assert_eq!(
            fault_code(spa(&mut t, "Device.DeviceInfo.UpTime", Some(4), None)),
            9009
        );
        assert_eq!(
            fault_code(spa(&mut t, "Device.DeviceInfo.UpTime", Some(7), None)),
            9003
        );
        assert_eq!(fault_code(spa(&mut t, "Device.Nope", Some(1), None)), 9005);
        assert_eq!(fault_code(spa(&mut t, cr, None, Some(&["Everyone"]))), 9003);
        assert_eq!(t, before);
        // All or nothing over several structs.
        let two = SetParameterAttributes {
            parameter_list: vec![
                cwmp_codec::SetParameterAttributesStruct {
                    name: Cow::Borrowed("Device.ManagementServer.URL"),
                    notification_change: true,
                    notification: 1,
                    ..Default::default()
                },
                cwmp_codec::SetParameterAttributesStruct {
                    name: Cow::Borrowed("Device.Nope"),
                    notification_change: true,
                    notification: 1,
                    ..Default::default()
                },
            ],
        };
        assert_eq!(
            fault_code(t.handle(&Body::SetParameterAttributes(two))),
            9005
        );
        assert_eq!(t, before);

        // Through a partial path the refused ones are skipped, the others set.
        assert!(matches!(
            spa(&mut t, "Device.DeviceInfo.", Some(2), None),
            Some(Body::SetParameterAttributesResponse(_))
        ));
        let uptime = &t.parameters["Device.DeviceInfo.UpTime"];
        assert_eq!(uptime.notification, 0);
        assert_eq!(
            t.parameters["Device.DeviceInfo.Manufacturer"].notification,
            2
        );
        spa(&mut t, "Device.ManagementServer.", Some(0), None);
        assert_eq!(t.parameters[cr].notification, 2);
        assert_eq!(t.parameters["Device.ManagementServer.URL"].notification, 0);
    }

    #[test]
    fn rpc_methods_and_requests_left_to_the_caller() {
        let mut t = tree();
        let Some(Body::GetRpcMethodsResponse(r)) =
            t.handle(&Body::GetRpcMethods(cwmp_codec::GetRpcMethods {}))
        else {
            panic!()
        };
        assert!(r.method_list.iter().any(|m| m == "AddObject"));
        assert!(r.method_list.iter().any(|m| m == "Download"));
        let others = [
            Body::Reboot(cwmp_codec::Reboot::default()),
            Body::FactoryReset(cwmp_codec::FactoryReset {}),
            Body::Download(cwmp_codec::Download::default()),
            Body::Upload(cwmp_codec::Upload::default()),
            Body::ScheduleInform(cwmp_codec::ScheduleInform::default()),
            Body::GetQueuedTransfers(cwmp_codec::GetQueuedTransfers {}),
        ];
        for body in others {
            assert_eq!(t.handle(&body), None, "{}", body.method_name());
        }
    }

    #[test]
    fn local_set_creates_and_checks() {
        let mut t = tree();
        t.set("Device.Time.NTPServer1", "ntp.example");
        assert_eq!(t.get("Device.Time.NTPServer1"), Some("ntp.example"));
        // The catalog says the server sets it: writable.
        assert!(t.parameters["Device.Time.NTPServer1"].writable);
        t.set("Device.X_Vendor.Flag", "on");
        assert!(!t.parameters["Device.X_Vendor.Flag"].writable);
        let before = t.clone();
        t.set("Device.DeviceInfo.UpTime", "soon");
        t.set("InternetGatewayDevice.X", "1");
        t.set("Device.X.", "1");
        t.set(&format!("Device.{}", "a".repeat(300)), "1");
        assert_eq!(t, before);
        t.set("Device.DeviceInfo.UpTime", "42");
        assert_eq!(t.get("Device.DeviceInfo.UpTime"), Some("42"));
    }

    #[test]
    fn serde_round_trip_and_factory_reset() {
        let d = device(Root::InternetGatewayDevice);
        let mut t = ParameterTree::new(&d);
        let sp = "InternetGatewayDevice.Services.STBService.1.Applications.ServiceProvider.";
        add(&mut t, sp);
        spa(
            &mut t,
            "InternetGatewayDevice.ManagementServer.URL",
            Some(2),
            Some(&["Subscriber"]),
        );
        t.set("InternetGatewayDevice.ManagementServer.URL", "http://x/");
        let json = serde_json::to_string(&t).unwrap();
        let back: ParameterTree = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        assert!(back.has_active_changes());
        // Debug hides passwords (the state file keeps them, so a restart still logs in).
        assert!(!format!("{t:?}").contains(DEFAULT_PASSWORD));
        assert!(json.contains(DEFAULT_PASSWORD));

        t.factory_reset(&d);
        assert_eq!(t, ParameterTree::new(&d));
    }

    #[test]
    fn no_panic_on_odd_requests() {
        let mut t = tree();
        let odd = [
            "",
            ".",
            "..",
            "Device",
            "Device.",
            "Device..",
            "Device.DeviceInfo..",
            "é.",
            "\u{0}",
            "Device.Services.STBService.1.Applications.ServiceProvider.0.",
            "Device.Services.STBService.1.Applications.ServiceProvider.99999999999999999999.",
            "Device.Services.STBService.1.Applications.ServiceProvider.1..",
            "Device.Services.STBService.1.Applications.ServiceProvider.-1.",
            "Device.Services.1.STBService.Components.1.X_TTA_SPServer.SDSServer.SPID",
        ];
        let long = format!("Device.{}", "é".repeat(200));
        let long_object = format!("{long}.");
        for name in odd
            .iter()
            .copied()
            .chain([long.as_str(), long_object.as_str()])
        {
            for next in [true, false] {
                let _ = gpn(&mut t, name, next);
            }
            let _ = gpv(&mut t, &[name]);
            let _ = spv(&mut t, &[(name, Value::string(name.to_owned()))], name);
            let _ = spa(&mut t, name, Some(1), Some(&[]));
            let _ = add(&mut t, name);
            let _ = delete(&mut t, name);
            t.set(name, name);
            let _ = t.get(name);
            let _ = t.values([name]);
        }
        // The tree still reads and round-trips.
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<ParameterTree>(&json).unwrap(), t);
    }

    #[test]
    fn path_order() {
        let mut v = vec!["A.10.", "A.2.", "A.2.X", "A.B", "A.", "A.1."];
        v.sort_by(|a, b| path_cmp(a, b));
        assert_eq!(v, ["A.", "A.1.", "A.2.", "A.2.X", "A.10.", "A.B"]);
    }
}
