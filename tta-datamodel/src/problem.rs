//! Per-parameter problems, shared by the Inform checks and the settings reader.

use alloc::vec::Vec;
use core::fmt;

use crate::catalog::{Alias, Match, Param, ParamType, Parameter, lookup};
use crate::error::Limit;
use crate::limits::ReadOptions;
use crate::path::Root;

/// Why one parameter was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// A mandatory parameter is absent.
    Missing,
    /// The value's type is not the parameter's.
    WrongType {
        /// The catalog's type.
        expected: ParamType,
        /// The type received.
        found: ParamType,
    },
    /// The parameter came twice (under one name or under a name and its misprint).
    Duplicate,
    /// The value is empty.
    Empty,
    /// Not one of the values the standard defines (`ProvStatus` `01`/`02`, `ProvResult`
    /// `01`/`021`/`022`, SMS `SSLTLS`/`DigiEnv`).
    NotDefined,
    /// Not a MAC address.
    NotMac,
    /// Not a device ID `OUI-ProductClass-SerialNumber`.
    NotDeviceId,
    /// A device ID other than the Inform's `DeviceId` (OUI, ProductClass, SerialNumber).
    DeviceIdMismatch,
    /// Not an `http://` or `https://` URL.
    NotHttpUrl,
    /// Not a port number 1..=65535.
    NotPort,
    /// Item `item` (from 0) of the list is not a 16-bit hex ID (`0xABCD` or `ABCD`).
    NotHex16 {
        /// Index of the item, from 0.
        item: usize,
    },
    /// Item `item` (from 0) is not `DVBSTP`, `HTTP` or `HTTPS`.
    UnknownProtocol {
        /// Index of the item, from 0.
        item: usize,
    },
    /// PackageIdentifiers and PackageSegmentIDs differ in length.
    PairCount {
        /// Items of PackageIdentifiers.
        identifiers: usize,
        /// Items of PackageSegmentIDs.
        segments: usize,
    },
    /// Mandatory because ConnectionProtocol has DVBSTP (multicast).
    MissingForMulticast,
    /// Mandatory because ConnectionProtocol has HTTP or HTTPS (unicast).
    MissingForUnicast,
    /// The provider list does not follow the option-43 grammar.
    ProviderList(dhcp_tta_options::ParseError),
    /// A bound of [`Limits`](crate::Limits).
    LimitExceeded {
        /// The `Limits` field.
        limit: Limit,
        /// Its value.
        max: usize,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("missing"),
            Self::WrongType { expected, found } => {
                write!(f, "type {found}, expected {expected}")
            }
            Self::Duplicate => f.write_str("given twice"),
            Self::Empty => f.write_str("empty"),
            Self::NotDefined => f.write_str("not one of the values the standard defines"),
            Self::NotMac => f.write_str("not a MAC address"),
            Self::NotDeviceId => f.write_str("not a device ID OUI-ProductClass-SerialNumber"),
            Self::DeviceIdMismatch => f.write_str("does not match the inform's DeviceId"),
            Self::NotHttpUrl => f.write_str("not an http:// or https:// url"),
            Self::NotPort => f.write_str("not a port number 1..=65535"),
            Self::NotHex16 { item } => write!(f, "item {item} is not a 16-bit hex id"),
            Self::UnknownProtocol { item } => {
                write!(f, "item {item} is not DVBSTP, HTTP or HTTPS")
            }
            Self::PairCount {
                identifiers,
                segments,
            } => write!(
                f,
                "{segments} segment ids for {identifiers} package identifiers"
            ),
            Self::MissingForMulticast => f.write_str("missing, mandatory with DVBSTP"),
            Self::MissingForUnicast => f.write_str("missing, mandatory with HTTP or HTTPS"),
            Self::ProviderList(e) => write!(f, "provider list: {e}"),
            Self::LimitExceeded { limit, max } => {
                write!(f, "limit exceeded: {} is {max}", limit.name())
            }
        }
    }
}

/// One refused parameter: which, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    parameter: Option<Parameter>,
    root: Root,
    reason: Reason,
}

impl Problem {
    pub(crate) fn new(parameter: Parameter, root: Root, reason: Reason) -> Self {
        Self {
            parameter: Some(parameter),
            root,
            reason,
        }
    }

    pub(crate) fn list(root: Root, reason: Reason) -> Self {
        Self {
            parameter: None,
            root,
            reason,
        }
    }

    /// The parameter, or `None` for a problem of the list as a whole (a limit).
    pub fn parameter(&self) -> Option<Parameter> {
        self.parameter
    }

    /// The parameter's canonical name under the root of the list (`ParameterList` for the
    /// list as a whole).
    pub fn name(&self) -> &'static str {
        self.parameter
            .and_then(|p| p.name(self.root).or(p.name(Root::InternetGatewayDevice)))
            .unwrap_or("ParameterList")
    }

    /// Why.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name(), self.reason)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Problem", 2)?;
        st.serialize_field("parameter", self.name())?;
        st.serialize_field("reason", &alloc::format!("{}", self.reason))?;
        st.end()
    }
}

pub(crate) fn write_problems(f: &mut fmt::Formatter<'_>, problems: &[Problem]) -> fmt::Result {
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{p}")?;
    }
    Ok(())
}

const COUNT: usize = Parameter::ALL.len();

/// The catalog parameters of a list, each at its index, with the problems of reading them.
pub(crate) struct Collected<'p, 'a> {
    slots: [Option<&'p Param<'a>>; COUNT],
    pub(crate) root: Root,
    pub(crate) problems: Vec<Problem>,
    pub(crate) aliases: Vec<Alias>,
    pub(crate) dropped_aliases: usize,
}

fn index(p: Parameter) -> usize {
    Parameter::ALL.iter().position(|q| *q == p).unwrap_or(0)
}

impl<'p, 'a> Collected<'p, 'a> {
    pub(crate) fn collect(params: &'p [Param<'a>], options: &ReadOptions) -> Self {
        let root = params
            .iter()
            .find_map(|p| Root::split(&p.name).map(|(r, _)| r))
            .unwrap_or(Root::Device);
        let mut c = Self {
            slots: [None; COUNT],
            root,
            problems: Vec::new(),
            aliases: Vec::new(),
            dropped_aliases: 0,
        };
        let limits = &options.limits;
        if params.len() > limits.max_parameters {
            c.problems.push(Problem::list(
                root,
                Reason::LimitExceeded {
                    limit: Limit::Parameters,
                    max: limits.max_parameters,
                },
            ));
            return c;
        }
        // Whether the SMS port slot holds the misprint `SDSServer.IPPort`.
        let mut port_from_alias = false;
        for p in params {
            let Some(m @ Match { parameter, .. }) = lookup(&p.name) else {
                continue;
            };
            if m.root != root || (options.strict && !m.aliases.is_empty()) {
                continue;
            }
            if p.value.len() > limits.max_value_bytes {
                c.problems.push(Problem::new(
                    parameter,
                    root,
                    Reason::LimitExceeded {
                        limit: Limit::ValueBytes,
                        max: limits.max_value_bytes,
                    },
                ));
                continue;
            }
            for a in m.aliases.iter() {
                if c.aliases.len() < limits.max_parameters {
                    c.aliases.push(a);
                } else {
                    c.dropped_aliases += 1;
                }
            }
            let is_port_alias = m.aliases.contains(Alias::SdsIpPort);
            let slot = &mut c.slots[index(parameter)];
            match slot {
                None => {
                    *slot = Some(p);
                    if parameter == Parameter::SmsIpPort {
                        port_from_alias = is_port_alias;
                    }
                }
                // The misprint counts only when no SMS port is given otherwise.
                Some(_) if is_port_alias => {}
                Some(_) if parameter == Parameter::SmsIpPort && port_from_alias => {
                    *slot = Some(p);
                    port_from_alias = false;
                }
                Some(_) => c
                    .problems
                    .push(Problem::new(parameter, root, Reason::Duplicate)),
            }
        }
        c
    }

    pub(crate) fn get(&self, p: Parameter) -> Option<&'p Param<'a>> {
        self.slots[index(p)]
    }

    pub(crate) fn any(&self, ps: &[Parameter]) -> bool {
        ps.iter().any(|p| self.get(*p).is_some())
    }

    pub(crate) fn problem(&mut self, p: Parameter, reason: Reason) {
        self.problems.push(Problem::new(p, self.root, reason));
    }

    /// The value of a string parameter, if present and of a type that holds text.
    pub(crate) fn text(&mut self, p: Parameter, mandatory: bool) -> Option<&'p str> {
        let Some(param) = self.get(p) else {
            if mandatory {
                self.problem(p, Reason::Missing);
            }
            return None;
        };
        let expected = p.xsd_type();
        let ok = match expected {
            ParamType::String => param.xsd_type == ParamType::String,
            ParamType::UnsignedInt => {
                matches!(
                    param.xsd_type,
                    ParamType::UnsignedInt | ParamType::String | ParamType::Int
                ) && param.value.trim().parse::<u32>().is_ok()
            }
            other => param.xsd_type == other,
        };
        if !ok {
            let reason = if param.xsd_type == expected {
                Reason::NotPort
            } else {
                Reason::WrongType {
                    expected,
                    found: param.xsd_type,
                }
            };
            self.problem(p, reason);
            return None;
        }
        Some(&param.value)
    }
}
