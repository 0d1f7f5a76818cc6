//! SOAP faults and the CWMP `Fault` detail (TR-069 A.5).

use std::borrow::Cow;

use crate::codes::FaultCode;
use crate::error::ParseError;
use crate::read::{Elem, FromXml, Ns, Parser};
use crate::rpc::{IntoOwned, cwmp_struct};
use crate::write::{ToXml, XmlWriter};

cwmp_struct! {
    /// One parameter's failure inside a SetParameterValues fault.
    SetParameterValuesFault<'a> {
        /// The parameter.
        parameter_name: Cow<'a, str> = one("ParameterName"),
        /// Why it failed.
        fault_code: FaultCode = one("FaultCode"),
        /// Fault text.
        fault_string: Option<Cow<'a, str>> = opt("FaultString"),
    }
}

cwmp_struct! {
    /// The `cwmp:Fault` inside a SOAP fault's `detail`.
    CwmpFault<'a> {
        /// The fault code.
        fault_code: FaultCode = one("FaultCode"),
        /// Fault text.
        fault_string: Option<Cow<'a, str>> = opt("FaultString"),
        /// Per-parameter faults (SetParameterValues only).
        set_parameter_values_faults: Vec<SetParameterValuesFault<'a>> =
            many("SetParameterValuesFault"),
    }
}

/// The SOAP `faultcode`: `Client` (the request was at fault) or `Server`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SoapFaultCode<'a> {
    /// `Client`.
    #[default]
    Client,
    /// `Server`.
    Server,
    /// Anything else, without its prefix.
    Other(Cow<'a, str>),
}

/// As written in `faultcode`, without its prefix: `"Client"`, `"Server"`, or the name kept.
#[cfg(feature = "serde")]
impl serde::Serialize for SoapFaultCode<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl SoapFaultCode<'_> {
    /// The local name written in `faultcode`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Client => "Client",
            Self::Server => "Server",
            Self::Other(s) => s,
        }
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> SoapFaultCode<'static> {
        match self {
            Self::Client => SoapFaultCode::Client,
            Self::Server => SoapFaultCode::Server,
            Self::Other(s) => SoapFaultCode::Other(IntoOwned::into_owned(s)),
        }
    }
}

/// A SOAP `Fault` body: TR-069 puts a [`CwmpFault`] in its `detail`.
///
/// ```
/// use cwmp_codec::{Fault, FaultCode};
/// let f = Fault::cwmp(FaultCode::InvalidParameterName, "Invalid parameter name");
/// assert_eq!(f.faultcode.as_str(), "Client");
/// assert_eq!(f.faultstring, "CWMP fault");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Fault<'a> {
    /// `Client` or `Server`.
    pub faultcode: SoapFaultCode<'a>,
    /// `CWMP fault` for TR-069 faults.
    pub faultstring: Cow<'a, str>,
    /// The CWMP detail, when present.
    pub detail: Option<CwmpFault<'a>>,
}

impl<'a> Fault<'a> {
    /// A TR-069 fault: `Client` or `Server` as the code's class says, `CWMP fault`, and the
    /// detail.
    pub fn cwmp(code: FaultCode, fault_string: impl Into<Cow<'a, str>>) -> Self {
        Self {
            faultcode: if code.is_client_fault() {
                SoapFaultCode::Client
            } else {
                SoapFaultCode::Server
            },
            faultstring: Cow::Borrowed("CWMP fault"),
            detail: Some(CwmpFault {
                fault_code: code,
                fault_string: Some(fault_string.into()),
                set_parameter_values_faults: Vec::new(),
            }),
        }
    }

    /// The CWMP fault code, if the detail carries one.
    #[must_use]
    pub fn code(&self) -> Option<FaultCode> {
        self.detail.as_ref().map(|d| d.fault_code)
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> Fault<'static> {
        Fault {
            faultcode: self.faultcode.into_owned(),
            faultstring: IntoOwned::into_owned(self.faultstring),
            detail: self.detail.map(IntoOwned::into_owned),
        }
    }
}

impl<'a> FromXml<'a> for Fault<'a> {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        p.no_xsi_type(&elem)?;
        let mut faultcode = None;
        let mut faultstring = None;
        let mut detail = None;
        while let Some(child) = p.next_child(&elem)? {
            match child.local {
                "faultcode" => {
                    let text: Cow<'a, str> = FromXml::from_xml(p, child)?;
                    let local = text.trim().rsplit(':').next().unwrap_or_default();
                    faultcode = Some(match local {
                        "Client" => SoapFaultCode::Client,
                        "Server" => SoapFaultCode::Server,
                        other => SoapFaultCode::Other(Cow::Owned(other.to_owned())),
                    });
                }
                "faultstring" => faultstring = Some(FromXml::from_xml(p, child)?),
                "detail" => {
                    p.no_xsi_type(&child)?;
                    while let Some(d) = p.next_child(&child)? {
                        if d.local == "Fault" && matches!(d.ns, Ns::Cwmp(_)) && detail.is_none() {
                            p.note_cwmp_namespace(d.ns);
                            detail = Some(CwmpFault::from_xml(p, d)?);
                        } else {
                            p.skip_unknown(&d)?;
                        }
                    }
                }
                _ => p.skip_unknown(&child)?,
            }
        }
        Ok(Self {
            faultcode: faultcode.ok_or_else(|| crate::rpc::missing(p, &elem, "faultcode"))?,
            faultstring: faultstring.ok_or_else(|| crate::rpc::missing(p, &elem, "faultstring"))?,
            detail,
        })
    }
}

impl ToXml for Fault<'_> {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
        w.start(name);
        w.leaf("faultcode", self.faultcode.as_str());
        w.leaf("faultstring", &self.faultstring);
        if let Some(d) = &self.detail {
            w.start("detail");
            d.to_xml(w, "cwmp:Fault");
            w.end("detail");
        }
        w.end(name);
    }
}

#[cfg(feature = "arbitrary")]
impl<'a> crate::arb::Arb<'a> for Fault<'a> {
    fn arb(u: &mut arbitrary::Unstructured<'a>) -> arbitrary::Result<Self> {
        let detail: CwmpFault<'a> = crate::arb::Arb::arb(u)?;
        Ok(Self {
            faultcode: if u.arbitrary()? {
                SoapFaultCode::Client
            } else {
                SoapFaultCode::Server
            },
            faultstring: Cow::Borrowed("CWMP fault"),
            detail: if u.ratio(1, 8)? { None } else { Some(detail) },
        })
    }
}
