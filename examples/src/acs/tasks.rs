//! Tasks of the northbound API: the JSON an operator posts, written as GenieACS's NBI writes
//! it (operators already script against that form), the CWMP request each becomes in the
//! device's next session, and the JSON result stored from the device's response.
//!
//! ```json
//! {"name": "getParameterValues", "parameterNames": ["Device.DeviceInfo.SoftwareVersion"]}
//! {"name": "setParameterValues",
//!  "parameterValues": [["Device.ManagementServer.PeriodicInformInterval", 300, "xsd:unsignedInt"]]}
//! {"name": "download", "fileName": "stb-2.1.bin"}
//! ```
//!
//! A task goes through three steps:
//! 1. serde reads it ([`TaskSpec`]): unknown task names and unknown fields are serde errors,
//!    so a misspelt `parameterName` is refused rather than ignored;
//! 2. [`TaskSpec::validate`] checks what serde cannot (paths, value types, bounds), naming
//!    the field (`parameterValues[2]: value "abc" of … is not an xsd:unsignedInt`);
//! 3. [`TaskSpec::to_request`] makes the request envelope, and [`response_json`] turns the
//!    device's answer into the stored result.
//!
//! Only the task's own fields are read: the NBI's queueing fields (`expiry`, `uniqueKey`,
//! `device`) belong to the API layer, which takes them out before handing the task here.
//!
//! Decisions where GenieACS's form leaves a choice:
//! - a `parameterValues` entry without a type takes it from the JSON value: a string is
//!   `xsd:string`, a boolean `xsd:boolean`, a whole number `xsd:unsignedInt` when it fits
//!   (most numeric TR-069 parameters are unsigned), else `xsd:int`, `xsd:unsignedLong` or
//!   `xsd:long`; a number with a fraction is sent as `xsd:string` text;
//! - `getParameterNames` defaults `nextLevel` to `true`, so a forgotten field asks for one
//!   level rather than the whole data model;
//! - `addObject` and `deleteObject` take the object's name with or without its trailing dot
//!   (GenieACS writes it without), and send it with;
//! - `download` takes GenieACS's `file` as another name for `fileName` (the file stored on
//!   the server), and `fileType` defaults to `1 Firmware Upgrade Image`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use cwmp_codec::{
    AddObject, Body, CwmpVersion, DeleteObject, Download, Envelope, FactoryReset, FileType,
    GetParameterAttributes, GetParameterNames, GetParameterValues, ParameterValueStruct, Reboot,
    ScheduleInform, Secret, SetParameterAttributes, SetParameterAttributesStruct,
    SetParameterValues, Upload, Value, XsdType,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Number, json};
use tta_datamodel::{Path, Segment};

/// Most entries of one list in a task (names, values, attributes, access list entries): far
/// more than one request needs, few enough that one task cannot make a huge envelope.
pub const MAX_LIST_ENTRIES: usize = 1024;

/// Longest parameter path, in bytes: the `string(256)` of the CWMP schema.
pub const MAX_PATH_BYTES: usize = 256;

/// Longest parameter value, in bytes: the longest the TTA data model names is a certificate
/// of a few KiB.
pub const MAX_VALUE_BYTES: usize = 65_536;

/// Longest `CommandKey` and `ParameterKey`, in bytes: the `string(32)` of the CWMP schema.
pub const MAX_KEY_BYTES: usize = 32;

/// Longest URL, user name, password and target file name, in bytes: `string(256)` in the
/// CWMP schema.
pub const MAX_TRANSFER_TEXT_BYTES: usize = 256;

/// Longest file type, in bytes: `string(64)` in the CWMP schema.
pub const MAX_FILE_TYPE_BYTES: usize = 64;

/// Longest access list entry, in bytes: `string(64)` in the CWMP schema.
pub const MAX_ACCESS_ENTRY_BYTES: usize = 64;

const FIRMWARE: &str = "1 Firmware Upgrade Image";

/// A task as the API takes it, tagged by `name`:
/// `{"name": "getParameterValues", "parameterNames": [...]}`. Field names are camelCase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "name",
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    deny_unknown_fields
)]
pub enum TaskSpec {
    /// `GetParameterValues`: parameter names or object paths ending in `.`.
    GetParameterValues {
        /// Names or partial paths.
        parameter_names: Vec<String>,
    },
    /// `GetParameterNames`: the names under a path (`""` for the whole data model).
    GetParameterNames {
        /// A partial path ending in `.`, a parameter name, or `""`.
        parameter_path: String,
        /// Only the level right below `parameter_path`; `true` when left out.
        #[serde(default = "default_true")]
        next_level: bool,
    },
    /// `GetParameterAttributes`: notification and access list settings.
    GetParameterAttributes {
        /// Names or partial paths.
        parameter_names: Vec<String>,
    },
    /// `SetParameterValues`, in GenieACS's form `[[name, value, type], ...]`.
    SetParameterValues {
        /// The parameters to set.
        parameter_values: Vec<ParameterValueSpec>,
        /// The new `ManagementServer.ParameterKey`; empty when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parameter_key: Option<String>,
    },
    /// `SetParameterAttributes`.
    SetParameterAttributes {
        /// The attributes to set.
        parameter_attributes: Vec<ParameterAttributeSpec>,
    },
    /// `AddObject`: a new instance of a table.
    AddObject {
        /// The table, e.g. `Device.IP.Interface.` (or without the dot, as GenieACS writes it).
        object_name: String,
        /// The new `ManagementServer.ParameterKey`; empty when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parameter_key: Option<String>,
    },
    /// `DeleteObject`: an instance of a table.
    DeleteObject {
        /// The instance, e.g. `Device.IP.Interface.3.` (or without the dot, as GenieACS
        /// writes it).
        object_name: String,
        /// The new `ManagementServer.ParameterKey`; empty when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parameter_key: Option<String>,
    },
    /// `Reboot`.
    Reboot {
        /// Reported back with `M Reboot`; see [`RequestOptions::command_key`] when left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        command_key: Option<String>,
    },
    /// `FactoryReset`.
    FactoryReset {},
    /// `Download`: a file from `url`, or the package `file_name` stored on the server.
    Download(Box<DownloadSpec>),
    /// `Upload`: a configuration or log file to `url`.
    Upload(Box<UploadSpec>),
    /// `ScheduleInform`: an Inform `delay_seconds` from now.
    ScheduleInform {
        /// Seconds until the Inform, at least 1.
        delay_seconds: u32,
        /// Reported back with `M ScheduleInform`; see [`RequestOptions::command_key`] when
        /// left out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        command_key: Option<String>,
    },
}

fn default_true() -> bool {
    true
}

fn default_file_type() -> String {
    FIRMWARE.to_owned()
}

/// The fields of a `download` task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DownloadSpec {
    /// `1 Firmware Upgrade Image` (the default), `3 Vendor Configuration File`, ...
    #[serde(default = "default_file_type")]
    pub file_type: String,
    /// A package stored on the server, which the caller resolves into a [`DownloadTarget`];
    /// GenieACS's `file` is read as this too.
    #[serde(default, alias = "file", skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    /// Where the device fetches the file, used as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Size in bytes (a stored package's size is used when left out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_size: Option<u64>,
    /// The name the device stores the file under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_file_name: Option<String>,
    /// File server user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// File server password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Password>,
    /// Seconds the device waits before starting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_seconds: Option<u32>,
    /// Reported back in the TransferComplete; see [`RequestOptions::command_key`] when left
    /// out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_key: Option<String>,
}

/// The fields of an `upload` task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadSpec {
    /// `1 Vendor Configuration File`, `2 Vendor Log File`, ...
    pub file_type: String,
    /// Where the device puts the file.
    pub url: String,
    /// File server user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// File server password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<Password>,
    /// Seconds the device waits before starting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_seconds: Option<u32>,
    /// Reported back in the TransferComplete; see [`RequestOptions::command_key`] when left
    /// out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_key: Option<String>,
}

/// A file server password in a task.
///
/// `Debug` shows `Password(<redacted>)`, so it never reaches a log. Unlike the workspace's
/// `Secret`, serde writes the text: the task store keeps the task as JSON until the device's
/// next session, and the Download needs the password then. Show tasks to people through
/// [`TaskSpec::redacted`].
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    /// A password holding `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The password itself.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A value in a `parameterValues` entry: JSON allows a string, a number or a boolean.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarValue {
    /// A JSON string.
    String(String),
    /// A JSON number.
    Number(Number),
    /// A JSON boolean.
    Bool(bool),
}

impl Serialize for ScalarValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::String(v) => s.serialize_str(v),
            Self::Number(v) => v.serialize(s),
            Self::Bool(v) => s.serialize_bool(*v),
        }
    }
}

impl<'de> Deserialize<'de> for ScalarValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = ScalarValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ScalarValue, E> {
                Ok(ScalarValue::String(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<ScalarValue, E> {
                Ok(ScalarValue::String(v))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<ScalarValue, E> {
                Ok(ScalarValue::Bool(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ScalarValue, E> {
                Ok(ScalarValue::Number(v.into()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ScalarValue, E> {
                Ok(ScalarValue::Number(v.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<ScalarValue, E> {
                Number::from_f64(v)
                    .map(ScalarValue::Number)
                    .ok_or_else(|| E::custom("a number that is not finite"))
            }
        }
        d.deserialize_any(V)
    }
}

/// One `parameterValues` entry, `[name, value]` or `[name, value, type]` as GenieACS writes it.
///
/// Serde keeps the form it read: the type is written back only when it was given (a `null`
/// type reads as none). `Debug` hides the value: any parameter may hold a credential.
#[derive(Clone, PartialEq)]
pub struct ParameterValueSpec {
    /// The parameter's full name.
    pub name: String,
    /// The value.
    pub value: ScalarValue,
    /// `xsd:string`, `xsd:boolean`, `xsd:unsignedInt`, ...; taken from the value when `None`
    /// (see the module docs).
    pub xsd_type: Option<String>,
}

impl ParameterValueSpec {
    /// An entry with an explicit type.
    pub fn new(name: impl Into<String>, value: ScalarValue, xsd_type: Option<&str>) -> Self {
        Self {
            name: name.into(),
            value,
            xsd_type: xsd_type.map(str::to_owned),
        }
    }
}

impl fmt::Debug for ParameterValueSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParameterValueSpec")
            .field("name", &self.name)
            .field("value", &format_args!("<redacted>"))
            .field("xsd_type", &self.xsd_type)
            .finish()
    }
}

impl Serialize for ParameterValueSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let mut t = s.serialize_tuple(if self.xsd_type.is_some() { 3 } else { 2 })?;
        t.serialize_element(&self.name)?;
        t.serialize_element(&self.value)?;
        if let Some(ty) = &self.xsd_type {
            t.serialize_element(ty)?;
        }
        t.end()
    }
}

impl<'de> Deserialize<'de> for ParameterValueSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ParameterValueSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[name, value] or [name, value, type]")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<ParameterValueSpec, A::Error> {
                use serde::de::Error;
                let name: String = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(0, &self))?;
                let value: ScalarValue = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(1, &self))?;
                let xsd_type: Option<String> = seq.next_element::<Option<String>>()?.flatten();
                if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(A::Error::invalid_length(4, &self));
                }
                Ok(ParameterValueSpec {
                    name,
                    value,
                    xsd_type,
                })
            }
        }
        d.deserialize_seq(V)
    }
}

/// One `parameterAttributes` entry: `{"name": ..., "notification": 2, "accessList": []}`.
/// A field left out is left unchanged on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParameterAttributeSpec {
    /// A parameter name or partial path.
    pub name: String,
    /// 0 off, 1 passive, 2 active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notification: Option<u8>,
    /// Who besides the ACS may write it: `[]` or `["Subscriber"]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_list: Option<Vec<String>>,
}

/// What the server resolved a download's `fileName` into: where its stored package is served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadTarget {
    /// The package's URL.
    pub url: String,
    /// Its size in bytes.
    pub file_size: u64,
    /// User name for the URL, if it needs one.
    pub username: Option<String>,
    /// Password for the URL, if it needs one.
    pub password: Option<Password>,
}

/// How [`TaskSpec::to_request_with`] writes the request.
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct RequestOptions<'a> {
    /// The CWMP version of the envelope: the device's, as its Inform showed it (1.0, the
    /// default, is what every CPE reads).
    pub version: CwmpVersion,
    /// The `CommandKey` of a Download, Upload, Reboot or ScheduleInform whose task names
    /// none. `None` uses the header ID cut to 32 bytes ([`default_command_key`]), so a
    /// caller that passes the task id as the ID finds the task again from the
    /// TransferComplete or the `M Reboot` event.
    pub command_key: Option<&'a str>,
    /// The package a download's `fileName` was resolved into.
    pub download: Option<&'a DownloadTarget>,
}

impl<'a> RequestOptions<'a> {
    /// CWMP 1.0, the header ID as the command key, no download target.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// With this CWMP version.
    #[must_use]
    pub fn with_version(mut self, version: CwmpVersion) -> Self {
        self.version = version;
        self
    }

    /// With this default command key.
    #[must_use]
    pub fn with_command_key(mut self, key: &'a str) -> Self {
        self.command_key = Some(key);
        self
    }

    /// With this download target.
    #[must_use]
    pub fn with_download(mut self, target: &'a DownloadTarget) -> Self {
        self.download = Some(target);
        self
    }
}

/// The `CommandKey` made from a header ID: its first 32 bytes, cut on a character boundary,
/// since the schema allows no longer key.
#[must_use]
pub fn default_command_key(id: &str) -> &str {
    let mut end = id.len().min(MAX_KEY_BYTES);
    while !id.is_char_boundary(end) {
        end -= 1;
    }
    id.get(..end).unwrap_or_default()
}

/// A task that is not valid: which field, and what is wrong with it.
///
/// Displays as `<field>: <problem>`, e.g.
/// `parameterValues[2]: value "abc" of Device.X.Port is not an xsd:unsignedInt`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {kind}")]
pub struct TaskError {
    field: String,
    kind: TaskErrorKind,
}

impl TaskError {
    fn new(field: impl Into<String>, kind: TaskErrorKind) -> Self {
        Self {
            field: field.into(),
            kind,
        }
    }

    /// The field as the JSON names it: `parameterNames[0]`, `url`,
    /// `parameterAttributes[1].accessList[0]`.
    #[must_use]
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong.
    #[must_use]
    pub fn kind(&self) -> &TaskErrorKind {
        &self.kind
    }
}

/// What is wrong with a field of a task. Quoted input is cut to 64 bytes and escaped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaskErrorKind {
    /// A list or a text that needs content has none.
    #[error("is empty")]
    Empty,
    /// A list with more than [`MAX_LIST_ENTRIES`] entries.
    #[error("has {count} entries, more than {max}")]
    TooManyEntries {
        /// Entries given.
        count: usize,
        /// Most allowed.
        max: usize,
    },
    /// A text longer than the schema allows.
    #[error("is {len} bytes long, more than {max}")]
    TooLong {
        /// Bytes given.
        len: usize,
        /// Most allowed.
        max: usize,
    },
    /// A character XML 1.0 cannot carry.
    #[error("character {0:?} cannot be sent in XML")]
    InvalidCharacter(char),
    /// A path that does not follow the TR-106 naming rules.
    #[error("\"{}\" is not a parameter path: {reason}", .path.escape_debug())]
    InvalidPath {
        /// The path given.
        path: String,
        /// Why, as `tta_datamodel::Path::parse` says it.
        reason: String,
    },
    /// An object path where a parameter name is needed.
    #[error("\"{}\" is an object path; a parameter name is needed", .path.escape_debug())]
    NotAParameter {
        /// The path given.
        path: String,
    },
    /// An AddObject path that ends in an instance number instead of the table's name.
    #[error("\"{}\" ends in an instance number; AddObject takes the table", .path.escape_debug())]
    IsAnInstance {
        /// The path given.
        path: String,
    },
    /// A DeleteObject path that does not end in an instance number.
    #[error("\"{}\" does not end in an instance number", .path.escape_debug())]
    NotAnInstance {
        /// The path given.
        path: String,
    },
    /// A parameter set twice in one request, which TR-069 forbids.
    #[error("\"{}\" is already set by an earlier entry", .path.escape_debug())]
    Duplicate {
        /// The path given.
        path: String,
    },
    /// A type this server does not send.
    #[error(
        "unknown type \"{}\" (expected xsd:string, xsd:boolean, xsd:int, xsd:unsignedInt, \
         xsd:long, xsd:unsignedLong, xsd:dateTime, xsd:base64 or xsd:hexBinary)",
        .name.escape_debug()
    )]
    UnknownType {
        /// The type given.
        name: String,
    },
    /// A value that is not a lexical form of its type.
    #[error("value \"{}\" of {parameter} is not an {xsd_type}", .value.escape_debug())]
    ValueType {
        /// The parameter (its last 64 bytes: the end names it).
        parameter: String,
        /// The value given, as text.
        value: String,
        /// The type it should be, e.g. `xsd:unsignedInt`.
        xsd_type: &'static str,
    },
    /// A notification setting outside 0 to 2.
    #[error("{0} is not a notification setting (0 off, 1 passive, 2 active)")]
    Notification(u8),
    /// A `parameterAttributes` entry that changes nothing.
    #[error("changes neither notification nor accessList")]
    NoAttributeChange,
    /// `nextLevel` true with a parameter name, which a CPE refuses (fault 9003).
    #[error("nextLevel is true, so an object path ending in `.` or \"\" is needed, not \"{}\"", .path.escape_debug())]
    NextLevelOnParameter {
        /// The path given.
        path: String,
    },
    /// A download with neither `url` nor `fileName`.
    #[error("a download needs url or fileName")]
    NoDownloadSource,
    /// A download with both `url` and `fileName`.
    #[error("url and fileName are both set; a download takes one")]
    BothDownloadSources,
    /// A URL that is not `scheme://...`.
    #[error("\"{}\" is not a URL (scheme://host/...)", .url.escape_debug())]
    InvalidUrl {
        /// The URL given.
        url: String,
    },
    /// A file type that is neither `<digit> <name>` nor a vendor `X <OUI> <name>`.
    #[error("\"{}\" is not a file type (\"1 Firmware Upgrade Image\", \"X <OUI> <name>\")", .file_type.escape_debug())]
    InvalidFileType {
        /// The file type given.
        file_type: String,
    },
    /// A file size a Download cannot announce (its `FileSize` is an unsignedInt).
    #[error("{0} bytes is more than a Download can announce (4294967295)")]
    FileTooLarge(u64),
    /// A number below its minimum (ScheduleInform's `DelaySeconds` is at least 1).
    #[error("must be at least 1")]
    Zero,
    /// A download naming a stored package, written without the [`DownloadTarget`] it
    /// resolves into.
    #[error("names a stored package, but no download target was given for it")]
    UnresolvedPackage,
}

impl TaskSpec {
    /// The task's name as the JSON writes it, and the CWMP method it sends: one table, so
    /// the two cannot drift apart.
    fn names(&self) -> (&'static str, &'static str) {
        match self {
            Self::GetParameterValues { .. } => ("getParameterValues", "GetParameterValues"),
            Self::GetParameterNames { .. } => ("getParameterNames", "GetParameterNames"),
            Self::GetParameterAttributes { .. } => {
                ("getParameterAttributes", "GetParameterAttributes")
            }
            Self::SetParameterValues { .. } => ("setParameterValues", "SetParameterValues"),
            Self::SetParameterAttributes { .. } => {
                ("setParameterAttributes", "SetParameterAttributes")
            }
            Self::AddObject { .. } => ("addObject", "AddObject"),
            Self::DeleteObject { .. } => ("deleteObject", "DeleteObject"),
            Self::Reboot { .. } => ("reboot", "Reboot"),
            Self::FactoryReset {} => ("factoryReset", "FactoryReset"),
            Self::Download(_) => ("download", "Download"),
            Self::Upload(_) => ("upload", "Upload"),
            Self::ScheduleInform { .. } => ("scheduleInform", "ScheduleInform"),
        }
    }

    /// The task's name as the JSON writes it: `getParameterValues`, `download`, ...
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.names().0
    }

    /// The CWMP method the task sends: `GetParameterValues`, `Download`, ...
    #[must_use]
    pub fn method(&self) -> &'static str {
        self.names().1
    }

    /// Whether `response` answers this task's request: its `…Response`, or a fault.
    #[must_use]
    pub fn is_answered_by(&self, response: &Body<'_>) -> bool {
        is_fault(response)
            || response
                .method_name()
                .strip_suffix("Response")
                .is_some_and(|m| m == self.method())
    }

    /// The same task with its file server passwords replaced by `<redacted>`, for showing it.
    #[must_use]
    pub fn redacted(&self) -> Self {
        let hide = |p: &Option<Password>| p.as_ref().map(|_| Password::new("<redacted>"));
        match self {
            Self::Download(d) => Self::Download(Box::new(DownloadSpec {
                password: hide(&d.password),
                ..(**d).clone()
            })),
            Self::Upload(u) => Self::Upload(Box::new(UploadSpec {
                password: hide(&u.password),
                ..(**u).clone()
            })),
            other => other.clone(),
        }
    }

    /// Checks what serde cannot: every path follows TR-106 (under `Device.` or
    /// `InternetGatewayDevice.`) and is an object path where the method needs one, lists are
    /// non-empty and hold at most [`MAX_LIST_ENTRIES`], values are lexical forms of their
    /// types, texts fit the schema's lengths and XML, a notification is 0 to 2, and a
    /// download names a URL or a stored package.
    ///
    /// # Errors
    ///
    /// The first problem found, as a [`TaskError`] naming the field.
    pub fn validate(&self) -> Result<(), TaskError> {
        match self {
            Self::GetParameterValues { parameter_names }
            | Self::GetParameterAttributes { parameter_names } => {
                check_list("parameterNames", parameter_names.len())?;
                for (i, name) in parameter_names.iter().enumerate() {
                    check_path(&format!("parameterNames[{i}]"), name, PathKind::Any)?;
                }
                Ok(())
            }
            Self::GetParameterNames {
                parameter_path,
                next_level,
            } => {
                if parameter_path.is_empty() {
                    return Ok(());
                }
                let path = check_path("parameterPath", parameter_path, PathKind::Any)?;
                if *next_level && !path.is_partial() {
                    return Err(TaskError::new(
                        "parameterPath",
                        TaskErrorKind::NextLevelOnParameter {
                            path: excerpt(parameter_path),
                        },
                    ));
                }
                Ok(())
            }
            Self::SetParameterValues {
                parameter_values,
                parameter_key,
            } => {
                check_list("parameterValues", parameter_values.len())?;
                let mut seen = HashSet::with_capacity(parameter_values.len());
                for (i, p) in parameter_values.iter().enumerate() {
                    let field = format!("parameterValues[{i}]");
                    check_path(&field, &p.name, PathKind::Parameter)?;
                    if !seen.insert(p.name.as_str()) {
                        let path = excerpt(&p.name);
                        return Err(TaskError::new(field, TaskErrorKind::Duplicate { path }));
                    }
                    typed_value(p).map_err(|kind| TaskError::new(field, kind))?;
                }
                check_opt_text("parameterKey", parameter_key.as_deref(), MAX_KEY_BYTES)
            }
            Self::SetParameterAttributes {
                parameter_attributes,
            } => {
                check_list("parameterAttributes", parameter_attributes.len())?;
                for (i, a) in parameter_attributes.iter().enumerate() {
                    let field = format!("parameterAttributes[{i}]");
                    check_path(&format!("{field}.name"), &a.name, PathKind::Any)?;
                    if a.notification.is_none() && a.access_list.is_none() {
                        return Err(TaskError::new(field, TaskErrorKind::NoAttributeChange));
                    }
                    if let Some(n) = a.notification.filter(|&n| n > 2) {
                        let field = format!("{field}.notification");
                        return Err(TaskError::new(field, TaskErrorKind::Notification(n)));
                    }
                    if let Some(list) = &a.access_list {
                        let list_field = format!("{field}.accessList");
                        if list.len() > MAX_LIST_ENTRIES {
                            return Err(too_many(list_field, list.len()));
                        }
                        for (j, entry) in list.iter().enumerate() {
                            let f = format!("{list_field}[{j}]");
                            check_required_text(&f, entry, MAX_ACCESS_ENTRY_BYTES)?;
                        }
                    }
                }
                Ok(())
            }
            Self::AddObject {
                object_name,
                parameter_key,
            } => {
                check_path("objectName", object_name, PathKind::Table)?;
                check_opt_text("parameterKey", parameter_key.as_deref(), MAX_KEY_BYTES)
            }
            Self::DeleteObject {
                object_name,
                parameter_key,
            } => {
                check_path("objectName", object_name, PathKind::Instance)?;
                check_opt_text("parameterKey", parameter_key.as_deref(), MAX_KEY_BYTES)
            }
            Self::Reboot { command_key } => {
                check_opt_text("commandKey", command_key.as_deref(), MAX_KEY_BYTES)
            }
            Self::FactoryReset {} => Ok(()),
            Self::Download(d) => d.validate(),
            Self::Upload(u) => u.validate(),
            Self::ScheduleInform {
                delay_seconds,
                command_key,
            } => {
                if *delay_seconds == 0 {
                    return Err(TaskError::new("delaySeconds", TaskErrorKind::Zero));
                }
                check_opt_text("commandKey", command_key.as_deref(), MAX_KEY_BYTES)
            }
        }
    }

    /// The CWMP 1.0 request envelope for this task, with header ID `id`, and `id` (cut to 32
    /// bytes) as the CommandKey the task leaves out: see [`RequestOptions`].
    ///
    /// # Errors
    ///
    /// As [`TaskSpec::validate`], which it runs first; and
    /// [`TaskErrorKind::UnresolvedPackage`] for a download naming a stored package without
    /// `download`.
    pub fn to_request(
        &self,
        id: &str,
        download: Option<&DownloadTarget>,
    ) -> Result<Envelope<'static>, TaskError> {
        self.to_request_with(
            id,
            &RequestOptions {
                download,
                ..RequestOptions::default()
            },
        )
    }

    /// The request envelope for this task, with header ID `id`, written as `opts` say.
    ///
    /// A `ParameterKey` left out is sent empty. A download's `url` is used as is; a
    /// `fileName` is sent as the [`DownloadTarget`]'s URL and size (a size above 4 GiB is sent
    /// as 0, which TR-069 reads as unknown), and its credentials unless the task names its
    /// own.
    ///
    /// # Errors
    ///
    /// As [`TaskSpec::to_request`].
    pub fn to_request_with(
        &self,
        id: &str,
        opts: &RequestOptions<'_>,
    ) -> Result<Envelope<'static>, TaskError> {
        self.validate()?;
        let default_key = opts.command_key.unwrap_or_else(|| default_command_key(id));
        let key = |k: &Option<String>| -> Cow<'static, str> {
            owned(k.as_deref().unwrap_or(default_key))
        };
        let parameter_key = |k: &Option<String>| owned(k.as_deref().unwrap_or_default());
        let names = |v: &[String]| v.iter().map(|s| owned(s)).collect::<Vec<_>>();
        let body = match self {
            Self::GetParameterValues { parameter_names } => {
                Body::GetParameterValues(GetParameterValues {
                    parameter_names: names(parameter_names),
                })
            }
            Self::GetParameterNames {
                parameter_path,
                next_level,
            } => Body::GetParameterNames(GetParameterNames {
                parameter_path: owned(parameter_path),
                next_level: *next_level,
            }),
            Self::GetParameterAttributes { parameter_names } => {
                Body::GetParameterAttributes(GetParameterAttributes {
                    parameter_names: names(parameter_names),
                })
            }
            Self::SetParameterValues {
                parameter_values,
                parameter_key: k,
            } => {
                let mut list = Vec::with_capacity(parameter_values.len());
                for (i, p) in parameter_values.iter().enumerate() {
                    let value = typed_value(p)
                        .map_err(|kind| TaskError::new(format!("parameterValues[{i}]"), kind))?;
                    list.push(ParameterValueStruct::new(owned(&p.name), value));
                }
                Body::SetParameterValues(SetParameterValues {
                    parameter_list: list,
                    parameter_key: parameter_key(k),
                })
            }
            Self::SetParameterAttributes {
                parameter_attributes,
            } => Body::SetParameterAttributes(SetParameterAttributes {
                parameter_list: parameter_attributes
                    .iter()
                    .map(|a| SetParameterAttributesStruct {
                        name: owned(&a.name),
                        notification_change: a.notification.is_some(),
                        notification: a.notification.map_or(0, i32::from),
                        access_list_change: a.access_list.is_some(),
                        access_list: a.access_list.as_deref().map(names).unwrap_or_default(),
                    })
                    .collect(),
            }),
            Self::AddObject {
                object_name,
                parameter_key: k,
            } => Body::AddObject(AddObject {
                object_name: object_path(object_name),
                parameter_key: parameter_key(k),
            }),
            Self::DeleteObject {
                object_name,
                parameter_key: k,
            } => Body::DeleteObject(DeleteObject {
                object_name: object_path(object_name),
                parameter_key: parameter_key(k),
            }),
            Self::Reboot { command_key } => Body::Reboot(Reboot {
                command_key: key(command_key),
            }),
            Self::FactoryReset {} => Body::FactoryReset(FactoryReset {}),
            Self::Download(d) => {
                let (url, size, target_user, target_password) = match (&d.url, opts.download) {
                    (Some(url), _) => (url.as_str(), None, None, None),
                    (None, Some(t)) => (
                        t.url.as_str(),
                        Some(t.file_size),
                        t.username.as_deref(),
                        t.password.as_ref(),
                    ),
                    (None, None) => {
                        return Err(TaskError::new("fileName", TaskErrorKind::UnresolvedPackage));
                    }
                };
                let (username, password) = match (&d.username, &d.password) {
                    (None, None) => (target_user, target_password),
                    (u, p) => (u.as_deref(), p.as_ref()),
                };
                // 0 is TR-069's "size unknown": better than a wrapped size for a >4 GiB file.
                let file_size = d
                    .file_size
                    .or(size)
                    .and_then(|s| u32::try_from(s).ok())
                    .unwrap_or(0);
                Body::Download(Download {
                    command_key: key(&d.command_key),
                    file_type: FileType::from_text(owned(&d.file_type)),
                    url: owned(url),
                    username: owned(username.unwrap_or_default()),
                    password: Secret::new(owned(
                        password.map(Password::expose).unwrap_or_default(),
                    )),
                    file_size,
                    target_file_name: owned(d.target_file_name.as_deref().unwrap_or_default()),
                    delay_seconds: d.delay_seconds.unwrap_or(0),
                    success_url: Cow::Borrowed(""),
                    failure_url: Cow::Borrowed(""),
                })
            }
            Self::Upload(u) => Body::Upload(Upload {
                command_key: key(&u.command_key),
                file_type: FileType::from_text(owned(&u.file_type)),
                url: owned(&u.url),
                username: owned(u.username.as_deref().unwrap_or_default()),
                password: Secret::new(owned(
                    u.password
                        .as_ref()
                        .map(Password::expose)
                        .unwrap_or_default(),
                )),
                delay_seconds: u.delay_seconds.unwrap_or(0),
            }),
            Self::ScheduleInform {
                delay_seconds,
                command_key,
            } => Body::ScheduleInform(ScheduleInform {
                delay_seconds: *delay_seconds,
                command_key: key(command_key),
            }),
        };
        Ok(Envelope::new(opts.version, owned(id), body))
    }
}

impl DownloadSpec {
    fn validate(&self) -> Result<(), TaskError> {
        check_file_type(&self.file_type)?;
        match (&self.url, &self.file_name) {
            (None, None) => return Err(TaskError::new("url", TaskErrorKind::NoDownloadSource)),
            (Some(_), Some(_)) => {
                return Err(TaskError::new("url", TaskErrorKind::BothDownloadSources));
            }
            (Some(url), None) => check_url(url)?,
            (None, Some(name)) => check_required_text("fileName", name, MAX_TRANSFER_TEXT_BYTES)?,
        }
        if let Some(size) = self.file_size.filter(|&s| u32::try_from(s).is_err()) {
            return Err(TaskError::new(
                "fileSize",
                TaskErrorKind::FileTooLarge(size),
            ));
        }
        check_opt_text(
            "targetFileName",
            self.target_file_name.as_deref(),
            MAX_TRANSFER_TEXT_BYTES,
        )?;
        check_credentials(self.username.as_deref(), self.password.as_ref())?;
        check_opt_text("commandKey", self.command_key.as_deref(), MAX_KEY_BYTES)
    }
}

impl UploadSpec {
    fn validate(&self) -> Result<(), TaskError> {
        check_file_type(&self.file_type)?;
        check_url(&self.url)?;
        check_credentials(self.username.as_deref(), self.password.as_ref())?;
        check_opt_text("commandKey", self.command_key.as_deref(), MAX_KEY_BYTES)
    }
}

/// An object name as CWMP writes it, with its trailing dot.
fn object_path(name: &str) -> Cow<'static, str> {
    if name.ends_with('.') {
        owned(name)
    } else {
        Cow::Owned(format!("{name}."))
    }
}

fn owned(s: &str) -> Cow<'static, str> {
    Cow::Owned(s.to_owned())
}

/// At most 64 bytes of `text`, cut on a character boundary, `…` marking the cut.
fn excerpt(text: &str) -> String {
    const MAX: usize = 64;
    if text.len() <= MAX {
        return text.to_owned();
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", text.get(..end).unwrap_or_default())
}

/// The last 64 bytes of a path, `…` marking the cut: the end of a path names the parameter.
fn path_tail(path: &str) -> String {
    const MAX: usize = 64;
    if path.len() <= MAX {
        return path.to_owned();
    }
    let mut start = path.len() - MAX;
    while !path.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", path.get(start..).unwrap_or_default())
}

fn too_many(field: impl Into<String>, count: usize) -> TaskError {
    TaskError::new(
        field,
        TaskErrorKind::TooManyEntries {
            count,
            max: MAX_LIST_ENTRIES,
        },
    )
}

fn check_list(field: &str, len: usize) -> Result<(), TaskError> {
    if len == 0 {
        return Err(TaskError::new(field, TaskErrorKind::Empty));
    }
    if len > MAX_LIST_ENTRIES {
        return Err(too_many(field, len));
    }
    Ok(())
}

/// Whether XML 1.0 can carry `c` (its `Char` production, less the surrogates Rust excludes).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

fn check_text(field: &str, text: &str, max: usize) -> Result<(), TaskError> {
    if text.len() > max {
        let len = text.len();
        return Err(TaskError::new(field, TaskErrorKind::TooLong { len, max }));
    }
    if let Some(c) = text.chars().find(|&c| !is_xml_char(c)) {
        return Err(TaskError::new(field, TaskErrorKind::InvalidCharacter(c)));
    }
    Ok(())
}

fn check_required_text(field: &str, text: &str, max: usize) -> Result<(), TaskError> {
    if text.is_empty() {
        return Err(TaskError::new(field, TaskErrorKind::Empty));
    }
    check_text(field, text, max)
}

fn check_opt_text(field: &str, text: Option<&str>, max: usize) -> Result<(), TaskError> {
    text.map_or(Ok(()), |t| check_text(field, t, max))
}

fn check_credentials(username: Option<&str>, password: Option<&Password>) -> Result<(), TaskError> {
    check_opt_text("username", username, MAX_TRANSFER_TEXT_BYTES)?;
    check_opt_text(
        "password",
        password.map(Password::expose),
        MAX_TRANSFER_TEXT_BYTES,
    )
}

/// A `scheme://rest` URL: the device, not this server, fetches it, so its scheme is the
/// device's business (HTTP, HTTPS, FTP, TFTP all occur), but it must be one URL.
fn check_url(url: &str) -> Result<(), TaskError> {
    check_required_text("url", url, MAX_TRANSFER_TEXT_BYTES)?;
    let bad = || TaskError::new("url", TaskErrorKind::InvalidUrl { url: excerpt(url) });
    let (scheme, rest) = url.split_once("://").ok_or_else(bad)?;
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || rest.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    Ok(())
}

/// `<number> <name>` as TR-069 numbers its types, or a vendor's `X <OUI> <name>`.
fn check_file_type(file_type: &str) -> Result<(), TaskError> {
    check_required_text("fileType", file_type, MAX_FILE_TYPE_BYTES)?;
    let well_formed = match file_type.split_once(' ') {
        Some((head, name)) => {
            let head_ok =
                head == "X" || (!head.is_empty() && head.bytes().all(|b| b.is_ascii_digit()));
            head_ok && !name.trim().is_empty()
        }
        None => false,
    };
    if well_formed {
        Ok(())
    } else {
        Err(TaskError::new(
            "fileType",
            TaskErrorKind::InvalidFileType {
                file_type: excerpt(file_type),
            },
        ))
    }
}

/// What a method needs of a path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PathKind {
    /// A parameter name or an object path.
    Any,
    /// A parameter name (no trailing dot).
    Parameter,
    /// A table: an object path whose last segment is not an instance number (the trailing
    /// dot may be left out, as GenieACS writes object names).
    Table,
    /// An instance: an object path whose last segment is an instance number (the trailing
    /// dot may be left out).
    Instance,
}

fn check_path<'p>(field: &str, path: &'p str, kind: PathKind) -> Result<Path<'p>, TaskError> {
    if path.is_empty() {
        return Err(TaskError::new(field, TaskErrorKind::Empty));
    }
    check_text(field, path, MAX_PATH_BYTES)?;
    let parsed = Path::parse(path).map_err(|e| {
        TaskError::new(
            field,
            TaskErrorKind::InvalidPath {
                path: excerpt(path),
                reason: e.to_string(),
            },
        )
    })?;
    let path_text = || excerpt(path);
    let last_is_instance = || matches!(parsed.segments().last(), Some(Segment::Instance(_)));
    let problem = match kind {
        PathKind::Any => None,
        PathKind::Parameter => parsed
            .is_partial()
            .then(|| TaskErrorKind::NotAParameter { path: path_text() }),
        PathKind::Table => {
            last_is_instance().then(|| TaskErrorKind::IsAnInstance { path: path_text() })
        }
        PathKind::Instance => {
            (!last_is_instance()).then(|| TaskErrorKind::NotAnInstance { path: path_text() })
        }
    };
    match problem {
        Some(kind) => Err(TaskError::new(field, kind)),
        None => Ok(parsed),
    }
}

/// The type an entry is sent as: its own, or the one its JSON value suggests.
fn value_type(p: &ParameterValueSpec) -> Result<XsdType<'static>, TaskErrorKind> {
    let Some(name) = &p.xsd_type else {
        return Ok(match &p.value {
            ScalarValue::String(_) => XsdType::String,
            ScalarValue::Bool(_) => XsdType::Boolean,
            ScalarValue::Number(n) => {
                if n.as_u64().is_some_and(|v| u32::try_from(v).is_ok()) {
                    XsdType::UnsignedInt
                } else if n.as_i64().is_some_and(|v| i32::try_from(v).is_ok()) {
                    XsdType::Int
                } else if n.is_u64() {
                    XsdType::UnsignedLong
                } else if n.is_i64() {
                    XsdType::Long
                } else {
                    // TR-069 has no floating point type: such values are strings there.
                    XsdType::String
                }
            }
        });
    };
    Ok(match name.as_str() {
        "xsd:string" => XsdType::String,
        "xsd:boolean" => XsdType::Boolean,
        "xsd:int" => XsdType::Int,
        "xsd:unsignedInt" => XsdType::UnsignedInt,
        "xsd:long" => XsdType::Long,
        "xsd:unsignedLong" => XsdType::UnsignedLong,
        "xsd:dateTime" => XsdType::DateTime,
        // GenieACS writes `xsd:base64`; the schema's name is `base64Binary`.
        "xsd:base64" | "xsd:base64Binary" => XsdType::Base64,
        "xsd:hexBinary" => XsdType::HexBinary,
        other => {
            return Err(TaskErrorKind::UnknownType {
                name: excerpt(other),
            });
        }
    })
}

/// The name a type is reported under in errors and results.
fn type_name(t: &XsdType<'_>) -> &'static str {
    match t {
        XsdType::String => "xsd:string",
        XsdType::Int => "xsd:int",
        XsdType::UnsignedInt => "xsd:unsignedInt",
        XsdType::Long => "xsd:long",
        XsdType::UnsignedLong => "xsd:unsignedLong",
        XsdType::Boolean => "xsd:boolean",
        XsdType::DateTime => "xsd:dateTime",
        XsdType::Base64 => "xsd:base64",
        XsdType::HexBinary => "xsd:hexBinary",
        // Never sent: `value_type` makes none, and results name such types themselves.
        XsdType::Other(_) => "xsd:string",
    }
}

/// The entry's value, typed and checked, in the text the request carries: booleans are
/// written `true`/`false` (the codec's `numeric_booleans` option turns them into `1`/`0`
/// for the CPEs that need it), everything else as given.
fn typed_value(p: &ParameterValueSpec) -> Result<Value<'static>, TaskErrorKind> {
    let xsd_type = value_type(p)?;
    let text: Cow<'_, str> = match &p.value {
        ScalarValue::String(s) => Cow::Borrowed(s),
        ScalarValue::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        ScalarValue::Number(n) => Cow::Owned(n.to_string()),
    };
    let mismatch = || TaskErrorKind::ValueType {
        parameter: path_tail(&p.name),
        value: excerpt(&text),
        xsd_type: type_name(&xsd_type),
    };
    if text.len() > MAX_VALUE_BYTES {
        return Err(TaskErrorKind::TooLong {
            len: text.len(),
            max: MAX_VALUE_BYTES,
        });
    }
    if let Some(c) = text.chars().find(|&c| !is_xml_char(c)) {
        return Err(TaskErrorKind::InvalidCharacter(c));
    }
    let value = match (&xsd_type, &p.value) {
        (XsdType::String, _) => Value::string(text.into_owned()),
        (XsdType::Boolean, ScalarValue::Bool(b)) => Value::boolean(*b),
        // Only the schema's four forms: `TRUE` or `yes` would reach the CPE unreadable.
        (XsdType::Boolean, _) => match &*text {
            "true" | "1" => Value::boolean(true),
            "false" | "0" => Value::boolean(false),
            _ => return Err(mismatch()),
        },
        // A JSON boolean is no number or date, even where its text might pass as one.
        (_, ScalarValue::Bool(_)) => return Err(mismatch()),
        (t, _) => Value::typed(t.clone(), text.to_string()).map_err(|_| mismatch())?,
    };
    Ok(value)
}

/// Whether the device answered with a fault.
#[must_use]
pub fn is_fault(response: &Body<'_>) -> bool {
    matches!(response, Body::Fault(_))
}

/// The stored result of a task, from the device's response:
///
/// | response | result |
/// |---|---|
/// | GetParameterValuesResponse | `{"parameterValues": [[name, value, type], ...]}`, the input form: booleans and integers as JSON values when their text is one, any other text as a string |
/// | GetParameterNamesResponse | `{"parameterList": [[name, writable], ...]}` |
/// | GetParameterAttributesResponse | `{"parameterAttributes": [{"name", "notification", "accessList"}, ...]}`, the input form |
/// | SetParameterValuesResponse, DeleteObjectResponse | `{"status": 0 or 1}` (1: applied, effective later) |
/// | AddObjectResponse | `{"instanceNumber": n, "status": s}` |
/// | DownloadResponse, UploadResponse | `{"status", "startTime", "completeTime"}`; status 1 means a TransferComplete reports the end later |
/// | TransferComplete | `{"commandKey", "startTime", "completeTime"}`, with `"fault": {"code", "string"}` when it failed |
/// | a fault | `{"fault": {"code", "string", "soapCode", "setParameterValuesFaults": [{"parameterName", "code", "string"}]}}`; `code` is `null` for a SOAP fault without CWMP detail, and the list is there only when the CPE sent one |
/// | anything else | `{"method": name}` |
#[must_use]
pub fn response_json(response: &Body<'_>) -> serde_json::Value {
    match response {
        Body::GetParameterValuesResponse(r) => {
            let list: Vec<serde_json::Value> = r
                .parameter_list
                .iter()
                .map(|p| {
                    json!([
                        p.name,
                        value_json(&p.value),
                        result_type_name(&p.value.xsd_type)
                    ])
                })
                .collect();
            json!({ "parameterValues": list })
        }
        Body::GetParameterNamesResponse(r) => {
            let list: Vec<serde_json::Value> = r
                .parameter_list
                .iter()
                .map(|p| json!([p.name, p.writable]))
                .collect();
            json!({ "parameterList": list })
        }
        Body::GetParameterAttributesResponse(r) => {
            let list: Vec<serde_json::Value> = r
                .parameter_list
                .iter()
                .map(|a| {
                    json!({
                        "name": a.name,
                        "notification": a.notification,
                        "accessList": a.access_list,
                    })
                })
                .collect();
            json!({ "parameterAttributes": list })
        }
        Body::SetParameterValuesResponse(r) => json!({ "status": r.status }),
        Body::DeleteObjectResponse(r) => json!({ "status": r.status }),
        Body::AddObjectResponse(r) => {
            json!({ "instanceNumber": r.instance_number, "status": r.status })
        }
        Body::DownloadResponse(r) => json!({
            "status": r.status,
            "startTime": r.start_time.text,
            "completeTime": r.complete_time.text,
        }),
        Body::UploadResponse(r) => json!({
            "status": r.status,
            "startTime": r.start_time.text,
            "completeTime": r.complete_time.text,
        }),
        Body::TransferComplete(t) => {
            let mut out = Map::new();
            out.insert("commandKey".into(), json!(t.command_key));
            out.insert("startTime".into(), json!(t.start_time.text));
            out.insert("completeTime".into(), json!(t.complete_time.text));
            if t.fault_struct.fault_code != 0 {
                out.insert(
                    "fault".into(),
                    json!({
                        "code": t.fault_struct.fault_code,
                        "string": t.fault_struct.fault_string,
                    }),
                );
            }
            serde_json::Value::Object(out)
        }
        Body::Fault(f) => {
            let mut out = Map::new();
            let detail = f.detail.as_ref();
            out.insert(
                "code".into(),
                detail.map_or(serde_json::Value::Null, |d| json!(d.fault_code.code())),
            );
            let text = detail
                .and_then(|d| d.fault_string.as_deref())
                .unwrap_or(&f.faultstring);
            out.insert("string".into(), json!(text));
            out.insert("soapCode".into(), json!(f.faultcode.as_str()));
            if let Some(d) = detail.filter(|d| !d.set_parameter_values_faults.is_empty()) {
                let list: Vec<serde_json::Value> = d
                    .set_parameter_values_faults
                    .iter()
                    .map(|s| {
                        json!({
                            "parameterName": s.parameter_name,
                            "code": s.fault_code.code(),
                            "string": s.fault_string,
                        })
                    })
                    .collect();
                out.insert("setParameterValuesFaults".into(), json!(list));
            }
            json!({ "fault": out })
        }
        other => json!({ "method": other.method_name() }),
    }
}

/// The type as results write it: the input form's names, `xsd:<name>` for others.
fn result_type_name(t: &XsdType<'_>) -> String {
    match t {
        XsdType::Other(name) => format!("xsd:{name}"),
        known => type_name(known).to_owned(),
    }
}

/// A received value as JSON: a boolean or an integer when its text is one of its type,
/// otherwise the text (a mistyped value is kept as the CPE sent it).
fn value_json(v: &Value<'_>) -> serde_json::Value {
    let typed = match v.xsd_type {
        XsdType::Boolean if v.is_valid() => v.as_bool().map(serde_json::Value::Bool),
        XsdType::Int | XsdType::Long if v.is_valid() => v.as_i64().map(|n| json!(n)),
        XsdType::UnsignedInt | XsdType::UnsignedLong if v.is_valid() => {
            v.as_u64().map(|n| json!(n))
        }
        _ => None,
    };
    typed.unwrap_or_else(|| json!(v.text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cwmp_codec::{
        AddObjectResponse, CwmpFault, DateTimeText, DeleteObjectResponse, DownloadResponse, Fault,
        FaultCode, GetParameterAttributesResponse, GetParameterNamesResponse,
        GetParameterValuesResponse, ParameterAttributeStruct, ParameterInfoStruct, RebootResponse,
        SetParameterValuesFault, SetParameterValuesResponse, SoapFaultCode, TransferComplete,
        TransferCompleteFaultStruct, UploadResponse,
    };

    fn parse(json: &str) -> TaskSpec {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    fn target() -> DownloadTarget {
        DownloadTarget {
            url: "https://acs.example.net/packages/stb-2.1.bin".into(),
            file_size: 12_345_678,
            username: Some("pkg".into()),
            password: Some(Password::new("pkg-secret")),
        }
    }

    /// One task of each name, as an operator writes it.
    const EVERY_TASK: &[&str] = &[
        r#"{"name": "getParameterValues", "parameterNames": ["InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANIPConnectionNumberOfEntries", "InternetGatewayDevice.Time.NTPServer1", "InternetGatewayDevice.Time.Status"]}"#,
        r#"{"name": "getParameterNames", "parameterPath": "Device.DeviceInfo."}"#,
        r#"{"name": "getParameterNames", "parameterPath": "", "nextLevel": false}"#,
        r#"{"name": "getParameterAttributes", "parameterNames": ["Device.ManagementServer."]}"#,
        r#"{"name":"setParameterValues","parameterValues":[["InternetGatewayDevice.ManagementServer.PeriodicInformInterval", 300, "xsd:unsignedInt"]]}"#,
        r#"{"name": "setParameterValues", "parameterValues": [["InternetGatewayDevice.ManagementServer.UpgradesManaged", false], ["InternetGatewayDevice.Time.Enable", true], ["InternetGatewayDevice.Time.NTPServer1", "pool.ntp.org"]], "parameterKey": "cfg-7"}"#,
        r#"{"name": "setParameterAttributes", "parameterAttributes": [{"name": "Device.DeviceInfo.SoftwareVersion", "notification": 2}, {"name": "Device.ManagementServer.", "accessList": []}]}"#,
        r#"{"name":"addObject","objectName":"InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection"}"#,
        r#"{"name": "addObject", "objectName": "Device.IP.Interface.", "parameterKey": "k1"}"#,
        r#"{"name": "deleteObject", "objectName": "Device.IP.Interface.3."}"#,
        r#"{"name": "reboot"}"#,
        r#"{"name": "reboot", "commandKey": "maintenance"}"#,
        r#"{"name": "factoryReset"}"#,
        r#"{"name": "download", "file": "mipsbe-6-42-lite.xml"}"#,
        r#"{"name": "download", "fileType": "1 Firmware Upgrade Image", "fileName": "stb-2.1.bin", "targetFileName": "stb.bin"}"#,
        r#"{"name": "download", "fileType": "3 Vendor Configuration File", "url": "http://files.example.net/cfg.xml", "fileSize": 2048, "username": "u", "password": "p", "delaySeconds": 30, "commandKey": "cfg"}"#,
        r#"{"name": "upload", "fileType": "2 Vendor Log File", "url": "ftp://logs.example.net/in/", "username": "u", "password": "p"}"#,
        r#"{"name": "scheduleInform", "delaySeconds": 60}"#,
        r#"{"name": "scheduleInform", "delaySeconds": 5, "commandKey": "soon"}"#,
    ];

    #[test]
    fn every_task_name_parses_and_validates() {
        let mut names = HashSet::new();
        for json in EVERY_TASK {
            let task = parse(json);
            task.validate().unwrap_or_else(|e| panic!("{json}: {e}"));
            names.insert(task.name());
            let back: serde_json::Value = serde_json::to_value(&task).unwrap();
            assert_eq!(back["name"], task.name(), "{json}");
            // What is stored reads back to the same task.
            assert_eq!(
                serde_json::from_value::<TaskSpec>(back).unwrap(),
                task,
                "{json}"
            );
        }
        assert_eq!(names.len(), 12, "{names:?}");
    }

    #[test]
    fn genieacs_set_parameter_values_example() {
        let task = parse(
            r#"{"name":"setParameterValues","parameterValues":[["InternetGatewayDevice.ManagementServer.PeriodicInformInterval", 300, "xsd:unsignedInt"]]}"#,
        );
        assert_eq!(
            task,
            TaskSpec::SetParameterValues {
                parameter_values: vec![ParameterValueSpec::new(
                    "InternetGatewayDevice.ManagementServer.PeriodicInformInterval",
                    ScalarValue::Number(300.into()),
                    Some("xsd:unsignedInt"),
                )],
                parameter_key: None,
            }
        );
        // Written back in the same array form.
        assert_eq!(
            serde_json::to_string(&task).unwrap(),
            r#"{"name":"setParameterValues","parameterValues":[["InternetGatewayDevice.ManagementServer.PeriodicInformInterval",300,"xsd:unsignedInt"]]}"#
        );
        let env = task.to_request("t1", None).unwrap();
        let Body::SetParameterValues(spv) = &env.body else {
            panic!("{env:?}")
        };
        assert_eq!(spv.parameter_list[0].value, Value::unsigned_int(300));
        assert_eq!(spv.parameter_key, "");
    }

    #[test]
    fn defaults() {
        let TaskSpec::GetParameterNames { next_level, .. } =
            parse(r#"{"name": "getParameterNames", "parameterPath": "Device."}"#)
        else {
            panic!()
        };
        assert!(next_level);
        let TaskSpec::Download(d) = parse(r#"{"name": "download", "file": "a.bin"}"#) else {
            panic!()
        };
        assert_eq!(d.file_type, "1 Firmware Upgrade Image");
        assert_eq!(d.file_name.as_deref(), Some("a.bin"));
    }

    #[test]
    fn types_follow_the_json_value_when_left_out() {
        let cases: &[(&str, Value<'static>)] = &[
            (r#""pool.ntp.org""#, Value::string("pool.ntp.org")),
            ("false", Value::boolean(false)),
            ("300", Value::unsigned_int(300)),
            ("-5", Value::int(-5)),
            ("5000000000", Value::unsigned_long(5_000_000_000)),
            ("-5000000000", Value::long(-5_000_000_000)),
            ("1.5", Value::string("1.5")),
        ];
        for (json, want) in cases {
            let p: ParameterValueSpec =
                serde_json::from_str(&format!(r#"["Device.X_TTA_Test.V", {json}]"#)).unwrap();
            assert_eq!(&typed_value(&p).unwrap(), want, "{json}");
        }
    }

    #[test]
    fn values_fit_their_declared_type() {
        let ok: &[(&str, Value<'static>)] = &[
            (r#""1", "xsd:boolean""#, Value::boolean(true)),
            (r#"0, "xsd:boolean""#, Value::boolean(false)),
            (r#"true, "xsd:boolean""#, Value::boolean(true)),
            (r#""300", "xsd:unsignedInt""#, Value::unsigned_int(300)),
            (r#"true, "xsd:string""#, Value::string("true")),
            (r#"7, "xsd:string""#, Value::string("7")),
            (r#"-7, "xsd:int""#, Value::int(-7)),
            (
                r#""2024-02-29T23:59:59Z", "xsd:dateTime""#,
                Value::typed(XsdType::DateTime, "2024-02-29T23:59:59Z").unwrap(),
            ),
            (r#""QUJD", "xsd:base64""#, Value::base64("QUJD").unwrap()),
            (
                r#""QUJD", "xsd:base64Binary""#,
                Value::base64("QUJD").unwrap(),
            ),
            (
                r#""0aFF", "xsd:hexBinary""#,
                Value::hex_binary("0aFF").unwrap(),
            ),
            (r#""x", null"#, Value::string("x")),
        ];
        for (json, want) in ok {
            let p: ParameterValueSpec =
                serde_json::from_str(&format!(r#"["Device.X_TTA_Test.V", {json}]"#)).unwrap();
            assert_eq!(&typed_value(&p).unwrap(), want, "{json}");
        }
        let bad = [
            r#""maybe", "xsd:boolean""#,
            r#""TRUE", "xsd:boolean""#,
            r#"2, "xsd:boolean""#,
            r#""abc", "xsd:unsignedInt""#,
            r#"-1, "xsd:unsignedInt""#,
            r#"" 5", "xsd:unsignedInt""#,
            r#"4294967296, "xsd:unsignedInt""#,
            r#"300.0, "xsd:unsignedInt""#,
            r#"true, "xsd:int""#,
            r#""Tue Oct 11 15:48:26 KST 2011", "xsd:dateTime""#,
            r#"5, "xsd:dateTime""#,
            r#""QUJ", "xsd:base64""#,
            r#""0aF", "xsd:hexBinary""#,
        ];
        for json in bad {
            let p: ParameterValueSpec =
                serde_json::from_str(&format!(r#"["Device.X_TTA_Test.V", {json}]"#)).unwrap();
            assert!(
                matches!(typed_value(&p), Err(TaskErrorKind::ValueType { .. })),
                "{json}: {:?}",
                typed_value(&p)
            );
        }
    }

    #[test]
    fn validation_errors_name_the_field() {
        let cases: &[(&str, &str)] = &[
            (
                r#"{"name": "getParameterValues", "parameterNames": []}"#,
                "parameterNames: is empty",
            ),
            (
                r#"{"name": "getParameterValues", "parameterNames": ["Device.DeviceInfo.", "Device.LAN..IPAddress"]}"#,
                r#"parameterNames[1]: "Device.LAN..IPAddress" is not a parameter path: empty segment at byte 11 (segment 2 "")"#,
            ),
            (
                r#"{"name": "getParameterValues", "parameterNames": ["Foo.Bar"]}"#,
                r#"parameterNames[0]: "Foo.Bar" is not a parameter path: unknown root (expected `Device` or `InternetGatewayDevice`) at byte 0 (segment 0 "Foo")"#,
            ),
            (
                r#"{"name": "getParameterValues", "parameterNames": [""]}"#,
                "parameterNames[0]: is empty",
            ),
            (
                r#"{"name": "getParameterNames", "parameterPath": "Device.DeviceInfo.SoftwareVersion"}"#,
                r#"parameterPath: nextLevel is true, so an object path ending in `.` or "" is needed, not "Device.DeviceInfo.SoftwareVersion""#,
            ),
            (
                r#"{"name": "setParameterValues", "parameterValues": [["Device.A.B", 1], ["Device.A.C", 2], ["Device.ManagementServer.PeriodicInformInterval", "abc", "xsd:unsignedInt"]]}"#,
                r#"parameterValues[2]: value "abc" of Device.ManagementServer.PeriodicInformInterval is not an xsd:unsignedInt"#,
            ),
            (
                r#"{"name": "setParameterValues", "parameterValues": [["Device.ManagementServer.PeriodicInformEnable", "maybe", "xsd:boolean"]]}"#,
                r#"parameterValues[0]: value "maybe" of Device.ManagementServer.PeriodicInformEnable is not an xsd:boolean"#,
            ),
            (
                r#"{"name": "setParameterValues", "parameterValues": [["Device.A.B", 1, "xsd:float"]]}"#,
                r#"parameterValues[0]: unknown type "xsd:float" (expected xsd:string, xsd:boolean, xsd:int, xsd:unsignedInt, xsd:long, xsd:unsignedLong, xsd:dateTime, xsd:base64 or xsd:hexBinary)"#,
            ),
            (
                r#"{"name": "setParameterValues", "parameterValues": [["Device.A.", 1]]}"#,
                r#"parameterValues[0]: "Device.A." is an object path; a parameter name is needed"#,
            ),
            (
                r#"{"name": "setParameterValues", "parameterValues": [["Device.A.B", 1], ["Device.A.B", 2]]}"#,
                r#"parameterValues[1]: "Device.A.B" is already set by an earlier entry"#,
            ),
            (
                r#"{"name": "setParameterValues", "parameterValues": [["Device.A.B", "x\u0001"]]}"#,
                r#"parameterValues[0]: character '\u{1}' cannot be sent in XML"#,
            ),
            (
                r#"{"name": "setParameterValues", "parameterValues": [["Device.A.B", 1]], "parameterKey": "0123456789abcdef0123456789abcdef0"}"#,
                "parameterKey: is 33 bytes long, more than 32",
            ),
            (
                r#"{"name": "setParameterAttributes", "parameterAttributes": [{"name": "Device.A.B", "notification": 3}]}"#,
                "parameterAttributes[0].notification: 3 is not a notification setting (0 off, 1 passive, 2 active)",
            ),
            (
                r#"{"name": "setParameterAttributes", "parameterAttributes": [{"name": "Device.A.B"}]}"#,
                "parameterAttributes[0]: changes neither notification nor accessList",
            ),
            (
                r#"{"name": "setParameterAttributes", "parameterAttributes": [{"name": "Device.A.B", "accessList": [""]}]}"#,
                "parameterAttributes[0].accessList[0]: is empty",
            ),
            (
                r#"{"name": "addObject", "objectName": "Device.IP.Interface.3."}"#,
                r#"objectName: "Device.IP.Interface.3." ends in an instance number; AddObject takes the table"#,
            ),
            (
                r#"{"name": "deleteObject", "objectName": "Device.IP.Interface."}"#,
                r#"objectName: "Device.IP.Interface." does not end in an instance number"#,
            ),
            (
                r#"{"name": "download", "fileType": "1 Firmware Upgrade Image"}"#,
                "url: a download needs url or fileName",
            ),
            (
                r#"{"name": "download", "fileName": "a", "url": "http://h/a"}"#,
                "url: url and fileName are both set; a download takes one",
            ),
            (
                r#"{"name": "download", "url": "files.example.net/a.bin"}"#,
                r#"url: "files.example.net/a.bin" is not a URL (scheme://host/...)"#,
            ),
            (
                r#"{"name": "download", "url": "http://h/a b"}"#,
                r#"url: "http://h/a b" is not a URL (scheme://host/...)"#,
            ),
            (
                r#"{"name": "download", "fileType": "firmware", "fileName": "a"}"#,
                r#"fileType: "firmware" is not a file type ("1 Firmware Upgrade Image", "X <OUI> <name>")"#,
            ),
            (
                r#"{"name": "download", "fileName": "a", "fileSize": 4294967296}"#,
                "fileSize: 4294967296 bytes is more than a Download can announce (4294967295)",
            ),
            (
                r#"{"name": "upload", "fileType": "1 Vendor Configuration File", "url": "http://h/", "commandKey": "0123456789abcdef0123456789abcdef0"}"#,
                "commandKey: is 33 bytes long, more than 32",
            ),
            (
                r#"{"name": "scheduleInform", "delaySeconds": 0}"#,
                "delaySeconds: must be at least 1",
            ),
        ];
        for (json, want) in cases {
            let err = parse(json).validate().unwrap_err();
            assert_eq!(err.to_string(), *want, "{json}");
            assert_eq!(err.field(), want.split(':').next().unwrap());
        }
    }

    #[test]
    fn long_lists_and_paths_are_refused() {
        let names: Vec<String> = (0..=MAX_LIST_ENTRIES)
            .map(|i| format!("Device.A.B{i}"))
            .collect();
        let task = TaskSpec::GetParameterValues {
            parameter_names: names,
        };
        assert_eq!(
            task.validate().unwrap_err().to_string(),
            "parameterNames: has 1025 entries, more than 1024"
        );
        let long = format!("Device.{}", "A".repeat(300));
        let task = TaskSpec::GetParameterValues {
            parameter_names: vec![long],
        };
        assert_eq!(
            task.validate().unwrap_err().to_string(),
            "parameterNames[0]: is 307 bytes long, more than 256"
        );
    }

    #[test]
    fn quoted_input_is_cut_and_escaped() {
        let value = format!("\"\n{}", "é".repeat(100));
        let p = ParameterValueSpec::new(
            format!("Device.{}.Port", "Long".repeat(50)),
            ScalarValue::String(value),
            Some("xsd:unsignedInt"),
        );
        let task = TaskSpec::SetParameterValues {
            parameter_values: vec![p],
            parameter_key: None,
        };
        let msg = task.validate().unwrap_err().to_string();
        assert!(!msg.contains('\n'), "{msg}");
        assert!(msg.contains(r#"value "\"\nééé"#), "{msg}");
        assert!(
            msg.contains(" of …ongLong") && msg.contains("Long.Port is not"),
            "{msg}"
        );
        assert!(msg.len() < 300, "{msg}");
    }

    #[test]
    fn serde_errors_are_clear() {
        let err = |json: &str| {
            serde_json::from_str::<TaskSpec>(json)
                .unwrap_err()
                .to_string()
        };
        let unknown = err(r#"{"name": "refreshObject", "objectName": "Device."}"#);
        assert!(
            unknown.starts_with("unknown variant `refreshObject`, expected one of"),
            "{unknown}"
        );
        let field = err(r#"{"name": "getParameterValues", "parameterName": ["Device."]}"#);
        assert!(
            field.starts_with("unknown field `parameterName`"),
            "{field}"
        );
        let field = err(r#"{"name": "reboot", "comandKey": "x"}"#);
        assert!(field.starts_with("unknown field `comandKey`"), "{field}");
        let field = err(r#"{"name": "factoryReset", "now": true}"#);
        assert!(field.contains("unknown field `now`"), "{field}");
        let field = err(r#"{"name": "download", "fileName": "a", "md5": "x"}"#);
        assert!(field.starts_with("unknown field `md5`"), "{field}");
        let field = err(
            r#"{"name": "setParameterAttributes", "parameterAttributes": [{"name": "Device.A", "notify": 1}]}"#,
        );
        assert!(field.starts_with("unknown field `notify`"), "{field}");
        let missing = err(r#"{"name": "getParameterValues"}"#);
        assert!(
            missing.starts_with("missing field `parameterNames`"),
            "{missing}"
        );
        let no_name = err(r#"{"parameterNames": []}"#);
        assert!(no_name.starts_with("missing field `name`"), "{no_name}");
        let arity = err(r#"{"name": "setParameterValues", "parameterValues": [["Device.A.B"]]}"#);
        assert!(
            arity.contains("expected [name, value] or [name, value, type]"),
            "{arity}"
        );
        let arity = err(
            r#"{"name": "setParameterValues", "parameterValues": [["Device.A.B", 1, "xsd:int", 4]]}"#,
        );
        assert!(
            arity.contains("expected [name, value] or [name, value, type]"),
            "{arity}"
        );
        let value =
            err(r#"{"name": "setParameterValues", "parameterValues": [["Device.A.B", null]]}"#);
        assert!(
            value.contains("expected a string, number or boolean"),
            "{value}"
        );
        let value =
            err(r#"{"name": "setParameterValues", "parameterValues": [["Device.A.B", [1]]]}"#);
        assert!(
            value.contains("expected a string, number or boolean"),
            "{value}"
        );
        let notification = err(
            r#"{"name": "setParameterAttributes", "parameterAttributes": [{"name": "Device.A", "notification": 300}]}"#,
        );
        assert!(notification.contains("300"), "{notification}");
    }

    #[test]
    fn parameter_value_spec_keeps_its_array_form() {
        for json in [
            r#"["Device.A.B","v","xsd:string"]"#,
            r#"["Device.A.B","v"]"#,
            r#"["Device.A.B",false]"#,
            r#"["Device.A.B",-3,"xsd:int"]"#,
            r#"["Device.A.B",1.5]"#,
        ] {
            let p: ParameterValueSpec = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&p).unwrap(), json);
        }
        let p: ParameterValueSpec = serde_json::from_str(r#"["Device.A.B", "v", null]"#).unwrap();
        assert_eq!(p.xsd_type, None);
        assert!(!format!("{p:?}").contains("\"v\""), "{p:?}");
    }

    /// Every task's request writes, and reads back with the codec to the same body.
    #[test]
    fn requests_round_trip_through_the_codec() {
        let t = target();
        for json in EVERY_TASK {
            let task = parse(json);
            let env = task.to_request("task-42", Some(&t)).unwrap();
            assert_eq!(env.body.method_name(), task.method(), "{json}");
            assert_eq!(env.header.id.as_deref(), Some("task-42"));
            assert_eq!(env.version, CwmpVersion::V1_0);
            let xml = env.to_vec();
            let back = Envelope::parse(&xml).unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(back, env, "{json}");
            let strict = Envelope::parse_with(&xml, &cwmp_codec::ReadOptions::strict())
                .unwrap_or_else(|e| panic!("{json}: {e}"));
            assert_eq!(strict.value, env, "{json}");
        }
    }

    #[test]
    fn request_version_and_command_key() {
        let task = parse(r#"{"name": "reboot"}"#);
        let env = task
            .to_request_with(
                "id-1",
                &RequestOptions::new()
                    .with_version(CwmpVersion::V1_2)
                    .with_command_key("task-9"),
            )
            .unwrap();
        assert_eq!(env.version, CwmpVersion::V1_2);
        assert!(String::from_utf8_lossy(&env.to_vec()).contains("urn:dslforum-org:cwmp-1-2"));
        let Body::Reboot(r) = &env.body else { panic!() };
        assert_eq!(r.command_key, "task-9");

        // The header ID is the key when none is given, cut to the schema's 32 bytes.
        let id = "0123456789abcdef0123456789abcdefXYZ";
        let env = task.to_request(id, None).unwrap();
        let Body::Reboot(r) = &env.body else { panic!() };
        assert_eq!(r.command_key, "0123456789abcdef0123456789abcdef");
        assert_eq!(default_command_key(id), r.command_key);
        assert_eq!(default_command_key("é".repeat(20).as_str()).len(), 32);
        assert_eq!(default_command_key("ab"), "ab");

        let task = parse(r#"{"name": "reboot", "commandKey": "own"}"#);
        let env = task.to_request(id, None).unwrap();
        let Body::Reboot(r) = &env.body else { panic!() };
        assert_eq!(r.command_key, "own");
    }

    #[test]
    fn download_uses_the_url_or_the_resolved_package() {
        let t = target();
        let stored = parse(r#"{"name": "download", "fileName": "stb-2.1.bin"}"#);
        assert_eq!(
            stored.to_request("t", None).unwrap_err().to_string(),
            "fileName: names a stored package, but no download target was given for it"
        );
        let env = stored.to_request("t", Some(&t)).unwrap();
        let Body::Download(d) = &env.body else {
            panic!()
        };
        assert_eq!(d.url, t.url);
        assert_eq!(d.file_size, 12_345_678);
        assert_eq!(d.username, "pkg");
        assert_eq!(d.password.expose(), "pkg-secret");
        assert_eq!(d.file_type, FileType::FirmwareUpgradeImage);
        assert_eq!(d.command_key, "t");

        let own = parse(
            r#"{"name": "download", "url": "http://h/f.bin", "username": "u", "password": "p"}"#,
        );
        let env = own.to_request("t", Some(&t)).unwrap();
        let Body::Download(d) = &env.body else {
            panic!()
        };
        assert_eq!(d.url, "http://h/f.bin");
        assert_eq!(d.file_size, 0);
        assert_eq!((&*d.username, d.password.expose()), ("u", "p"));

        let huge = DownloadTarget {
            file_size: 5 << 30,
            ..target()
        };
        let env = stored.to_request("t", Some(&huge)).unwrap();
        let Body::Download(d) = &env.body else {
            panic!()
        };
        assert_eq!(d.file_size, 0, "unknown rather than wrapped");
    }

    #[test]
    fn object_names_are_sent_with_their_dot() {
        let env = parse(
            r#"{"name":"addObject","objectName":"InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection"}"#,
        )
        .to_request("t", None)
        .unwrap();
        let Body::AddObject(a) = &env.body else {
            panic!()
        };
        assert_eq!(
            a.object_name,
            "InternetGatewayDevice.WANDevice.1.WANConnectionDevice.1.WANPPPConnection."
        );
        let env = parse(r#"{"name":"deleteObject","objectName":"Device.IP.Interface.3"}"#)
            .to_request("t", None)
            .unwrap();
        let Body::DeleteObject(d) = &env.body else {
            panic!()
        };
        assert_eq!(d.object_name, "Device.IP.Interface.3.");
    }

    #[test]
    fn set_parameter_attributes_request() {
        let env = parse(
            r#"{"name": "setParameterAttributes", "parameterAttributes": [{"name": "Device.A.B", "notification": 2}, {"name": "Device.C.", "accessList": ["Subscriber"]}]}"#,
        )
        .to_request("t", None)
        .unwrap();
        let Body::SetParameterAttributes(s) = &env.body else {
            panic!()
        };
        let a = &s.parameter_list;
        assert!(a[0].notification_change && !a[0].access_list_change);
        assert_eq!(a[0].notification, 2);
        assert!(!a[1].notification_change && a[1].access_list_change);
        assert_eq!(a[1].access_list, vec![Cow::Borrowed("Subscriber")]);
    }

    #[test]
    fn passwords_stay_out_of_logs_and_views() {
        let task = parse(
            r#"{"name": "download", "url": "http://h/f", "username": "u", "password": "hunter2"}"#,
        );
        assert!(!format!("{task:?}").contains("hunter2"));
        // The store keeps it, since the Download needs it later.
        assert!(serde_json::to_string(&task).unwrap().contains("hunter2"));
        let shown = serde_json::to_string(&task.redacted()).unwrap();
        assert!(
            !shown.contains("hunter2") && shown.contains("<redacted>"),
            "{shown}"
        );
        let upload = parse(
            r#"{"name": "upload", "fileType": "2 Vendor Log File", "url": "http://h/", "password": "hunter2"}"#,
        );
        assert!(
            !serde_json::to_string(&upload.redacted())
                .unwrap()
                .contains("hunter2")
        );
        let t = target();
        assert!(!format!("{t:?}").contains("pkg-secret"));
    }

    fn dt(text: &str) -> DateTimeText<'static> {
        DateTimeText {
            text: Cow::Owned(text.to_owned()),
        }
    }

    #[test]
    fn response_json_of_each_response() {
        let gpv = Body::GetParameterValuesResponse(GetParameterValuesResponse {
            parameter_list: vec![
                ParameterValueStruct::new(
                    "InternetGatewayDevice.ManagementServer.PeriodicInformInterval",
                    Value::unsigned_int(300),
                ),
                ParameterValueStruct::new("Device.A.Enable", Value::boolean(true)),
                ParameterValueStruct::new("Device.A.Offset", Value::int(-4)),
                ParameterValueStruct::new("Device.A.Name", Value::string("stb")),
                ParameterValueStruct::new(
                    "Device.A.Bad",
                    Value {
                        xsd_type: XsdType::UnsignedInt,
                        text: Cow::Borrowed("n/a"),
                    },
                ),
                ParameterValueStruct::new(
                    "Device.A.Vendor",
                    Value::typed(XsdType::Other(Cow::Borrowed("IPAddress")), "10.0.0.1").unwrap(),
                ),
            ],
        });
        assert_eq!(
            response_json(&gpv),
            json!({"parameterValues": [
                ["InternetGatewayDevice.ManagementServer.PeriodicInformInterval", 300, "xsd:unsignedInt"],
                ["Device.A.Enable", true, "xsd:boolean"],
                ["Device.A.Offset", -4, "xsd:int"],
                ["Device.A.Name", "stb", "xsd:string"],
                ["Device.A.Bad", "n/a", "xsd:unsignedInt"],
                ["Device.A.Vendor", "10.0.0.1", "xsd:IPAddress"],
            ]})
        );
        // The result reads as the task's input form.
        let again: TaskSpec = serde_json::from_value(json!({
            "name": "setParameterValues",
            "parameterValues": response_json(&gpv)["parameterValues"].as_array().unwrap()[..4],
        }))
        .unwrap();
        again.validate().unwrap();

        let gpn = Body::GetParameterNamesResponse(GetParameterNamesResponse {
            parameter_list: vec![
                ParameterInfoStruct {
                    name: Cow::Borrowed("Device.DeviceInfo."),
                    writable: false,
                },
                ParameterInfoStruct {
                    name: Cow::Borrowed("Device.DeviceInfo.ProvisioningCode"),
                    writable: true,
                },
            ],
        });
        assert_eq!(
            response_json(&gpn),
            json!({"parameterList": [["Device.DeviceInfo.", false], ["Device.DeviceInfo.ProvisioningCode", true]]})
        );

        let gpa = Body::GetParameterAttributesResponse(GetParameterAttributesResponse {
            parameter_list: vec![ParameterAttributeStruct {
                name: Cow::Borrowed("Device.A.B"),
                notification: 2,
                access_list: vec![Cow::Borrowed("Subscriber")],
            }],
        });
        assert_eq!(
            response_json(&gpa),
            json!({"parameterAttributes": [{"name": "Device.A.B", "notification": 2, "accessList": ["Subscriber"]}]})
        );

        let cases = [
            (
                Body::SetParameterValuesResponse(SetParameterValuesResponse { status: 1 }),
                json!({"status": 1}),
            ),
            (
                Body::DeleteObjectResponse(DeleteObjectResponse { status: 0 }),
                json!({"status": 0}),
            ),
            (
                Body::AddObjectResponse(AddObjectResponse {
                    instance_number: 4,
                    status: 0,
                }),
                json!({"instanceNumber": 4, "status": 0}),
            ),
            (
                Body::DownloadResponse(DownloadResponse {
                    status: 1,
                    start_time: dt("0001-01-01T00:00:00Z"),
                    complete_time: dt("0001-01-01T00:00:00Z"),
                }),
                json!({"status": 1, "startTime": "0001-01-01T00:00:00Z", "completeTime": "0001-01-01T00:00:00Z"}),
            ),
            (
                Body::UploadResponse(UploadResponse {
                    status: 0,
                    start_time: dt("2024-01-01T00:00:00Z"),
                    complete_time: dt("2024-01-01T00:00:09Z"),
                }),
                json!({"status": 0, "startTime": "2024-01-01T00:00:00Z", "completeTime": "2024-01-01T00:00:09Z"}),
            ),
            (
                Body::RebootResponse(RebootResponse {}),
                json!({"method": "RebootResponse"}),
            ),
            (
                Body::TransferComplete(TransferComplete {
                    command_key: Cow::Borrowed("task-42"),
                    fault_struct: TransferCompleteFaultStruct {
                        fault_code: 9010,
                        fault_string: Cow::Borrowed("Download failure"),
                    },
                    start_time: dt("2024-01-01T00:00:00Z"),
                    complete_time: dt("2024-01-01T00:01:00Z"),
                }),
                json!({"commandKey": "task-42", "startTime": "2024-01-01T00:00:00Z", "completeTime": "2024-01-01T00:01:00Z", "fault": {"code": 9010, "string": "Download failure"}}),
            ),
            (
                Body::TransferComplete(TransferComplete {
                    command_key: Cow::Borrowed("task-42"),
                    fault_struct: TransferCompleteFaultStruct::default(),
                    start_time: dt("2024-01-01T00:00:00Z"),
                    complete_time: dt("2024-01-01T00:01:00Z"),
                }),
                json!({"commandKey": "task-42", "startTime": "2024-01-01T00:00:00Z", "completeTime": "2024-01-01T00:01:00Z"}),
            ),
        ];
        for (body, want) in cases {
            assert_eq!(response_json(&body), want, "{body:?}");
            assert!(!is_fault(&body));
        }
    }

    #[test]
    fn response_json_of_faults() {
        let mut spv = Fault::cwmp(FaultCode::from(9003), "Invalid arguments");
        if let Some(d) = spv.detail.as_mut() {
            d.set_parameter_values_faults = vec![
                SetParameterValuesFault {
                    parameter_name: Cow::Borrowed("Device.A.B"),
                    fault_code: FaultCode::from(9007),
                    fault_string: Some(Cow::Borrowed("Invalid parameter value")),
                },
                SetParameterValuesFault {
                    parameter_name: Cow::Borrowed("Device.A.C"),
                    fault_code: FaultCode::from(9008),
                    fault_string: None,
                },
            ];
        }
        let body = Body::Fault(spv);
        assert!(is_fault(&body));
        assert_eq!(
            response_json(&body),
            json!({"fault": {
                "code": 9003,
                "string": "Invalid arguments",
                "soapCode": "Client",
                "setParameterValuesFaults": [
                    {"parameterName": "Device.A.B", "code": 9007, "string": "Invalid parameter value"},
                    {"parameterName": "Device.A.C", "code": 9008, "string": null},
                ],
            }})
        );
        let plain = Body::Fault(Fault::cwmp(FaultCode::from(9005), "Invalid parameter name"));
        assert_eq!(
            response_json(&plain),
            json!({"fault": {"code": 9005, "string": "Invalid parameter name", "soapCode": "Client"}})
        );
        let soap_only = Body::Fault(Fault {
            faultcode: SoapFaultCode::Server,
            faultstring: Cow::Borrowed("Internal error"),
            detail: None,
        });
        assert_eq!(
            response_json(&soap_only),
            json!({"fault": {"code": null, "string": "Internal error", "soapCode": "Server"}})
        );
        let no_text = Body::Fault(Fault {
            faultcode: SoapFaultCode::Client,
            faultstring: Cow::Borrowed("CWMP fault"),
            detail: Some(CwmpFault {
                fault_code: FaultCode::from(9001),
                fault_string: None,
                set_parameter_values_faults: Vec::new(),
            }),
        });
        assert_eq!(response_json(&no_text)["fault"]["string"], "CWMP fault");
    }

    /// The same results from a response as a CPE writes it.
    #[test]
    fn response_json_from_parsed_xml() {
        let xml = br#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/">
<soap:Header><cwmp:ID soap:mustUnderstand="1">task-42</cwmp:ID></soap:Header>
<soap:Body><cwmp:GetParameterValuesResponse><ParameterList soapenc:arrayType="cwmp:ParameterValueStruct[2]">
<ParameterValueStruct><Name>Device.ManagementServer.PeriodicInformEnable</Name><Value xsi:type="xsd:boolean">1</Value></ParameterValueStruct>
<ParameterValueStruct><Name>Device.ManagementServer.PeriodicInformInterval</Name><Value xsi:type="xsd:unsignedInt">86400</Value></ParameterValueStruct>
</ParameterList></cwmp:GetParameterValuesResponse></soap:Body></soap:Envelope>"#;
        let env = Envelope::parse(xml).unwrap();
        let task = parse(
            r#"{"name": "getParameterValues", "parameterNames": ["Device.ManagementServer."]}"#,
        );
        assert!(task.is_answered_by(&env.body));
        assert!(!parse(r#"{"name": "reboot"}"#).is_answered_by(&env.body));
        assert_eq!(
            response_json(&env.body),
            json!({"parameterValues": [
                ["Device.ManagementServer.PeriodicInformEnable", true, "xsd:boolean"],
                ["Device.ManagementServer.PeriodicInformInterval", 86400, "xsd:unsignedInt"],
            ]})
        );

        let fault = br#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">
<soap:Header><cwmp:ID soap:mustUnderstand="1">task-43</cwmp:ID></soap:Header>
<soap:Body><soap:Fault><faultcode>Client</faultcode><faultstring>CWMP fault</faultstring><detail><cwmp:Fault><FaultCode>9003</FaultCode><FaultString>Invalid arguments</FaultString>
<SetParameterValuesFault><ParameterName>Device.Time.NTPServer1</ParameterName><FaultCode>9008</FaultCode><FaultString>Attempt to set a non-writable parameter</FaultString></SetParameterValuesFault>
</cwmp:Fault></detail></soap:Fault></soap:Body></soap:Envelope>"#;
        let env = Envelope::parse(fault).unwrap();
        assert!(is_fault(&env.body));
        assert!(task.is_answered_by(&env.body));
        assert_eq!(
            response_json(&env.body),
            json!({"fault": {
                "code": 9003,
                "string": "Invalid arguments",
                "soapCode": "Client",
                "setParameterValuesFaults": [{"parameterName": "Device.Time.NTPServer1", "code": 9008, "string": "Attempt to set a non-writable parameter"}],
            }})
        );
    }

    /// Odd input gives errors, never a panic.
    #[test]
    fn odd_input_does_not_panic() {
        let odd = [
            r#"{"name": "getParameterValues", "parameterNames": ["é"]}"#,
            r#"{"name": "getParameterValues", "parameterNames": ["Device."]}"#,
            r#"{"name": "getParameterValues", "parameterNames": ["Device"]}"#,
            r#"{"name": "getParameterValues", "parameterNames": ["."]}"#,
            r#"{"name": "getParameterNames", "parameterPath": "Device.1."}"#,
            r#"{"name": "addObject", "objectName": "Device."}"#,
            r#"{"name": "deleteObject", "objectName": "Device."}"#,
            r#"{"name": "deleteObject", "objectName": "Device.A.0."}"#,
            r#"{"name": "setParameterValues", "parameterValues": [["Device.A.B", 1e300, "xsd:unsignedLong"]]}"#,
            r#"{"name": "setParameterValues", "parameterValues": [["Device.A.B", -1e-300]]}"#,
            r#"{"name": "download", "url": "://"}"#,
            r#"{"name": "download", "url": "h://x", "fileType": "X"}"#,
            r#"{"name": "download", "url": "h://x", "fileType": "9 "}"#,
            r#"{"name": "upload", "fileType": "", "url": ""}"#,
        ];
        for json in odd {
            let task = parse(json);
            let checked = task.validate();
            let request = task.to_request("é".repeat(40).as_str(), Some(&target()));
            assert_eq!(checked.is_ok(), request.is_ok(), "{json}");
            if let Ok(env) = request {
                assert_eq!(Envelope::parse(&env.to_vec()).unwrap(), env, "{json}");
            }
        }
    }
}
