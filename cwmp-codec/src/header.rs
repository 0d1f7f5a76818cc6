//! The SOAP Header and its CWMP header elements (TR-069 3.4.1).

use std::borrow::Cow;

use crate::error::{ParseError, WarningKind};
use crate::raw::RawXml;
use crate::read::{AttrName, Elem, FromXml, Ns, Parser};
use crate::rpc::IntoOwned;
use crate::write::XmlWriter;

/// The SOAP Header of a CWMP envelope.
///
/// `NoMoreRequests` is defined by TR-069's text but declared by no Broadband Forum schema, so an
/// envelope carrying it validates only against the lax catalog (SOAP header wildcard
/// `processContents="lax"`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Header<'a> {
    /// `cwmp:ID` (written with `mustUnderstand="1"`): a response echoes its request's ID.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "ID", skip_serializing_if = "Option::is_none")
    )]
    pub id: Option<Cow<'a, str>>,
    /// `cwmp:HoldRequests` (ACS to CPE): true forbids CPE requests until cleared.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "HoldRequests", skip_serializing_if = "Option::is_none")
    )]
    pub hold_requests: Option<bool>,
    /// `cwmp:NoMoreRequests`: the sender will send no more requests in this session
    /// (deprecated in CWMP 1.1, still sent by deployed peers).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "NoMoreRequests", skip_serializing_if = "Option::is_none")
    )]
    pub no_more_requests: Option<bool>,
    /// `cwmp:SessionTimeout` in seconds (CWMP 1.3).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "SessionTimeout", skip_serializing_if = "Option::is_none")
    )]
    pub session_timeout: Option<u32>,
    /// `cwmp:SupportedCWMPVersions`, e.g. `1.0,1.1,1.2,1.3,1.4` (CWMP 1.4).
    #[cfg_attr(
        feature = "serde",
        serde(
            rename = "SupportedCWMPVersions",
            skip_serializing_if = "Option::is_none"
        )
    )]
    pub supported_cwmp_versions: Option<Cow<'a, str>>,
    /// `cwmp:UseCWMPVersion` (CWMP 1.4).
    #[cfg_attr(
        feature = "serde",
        serde(rename = "UseCWMPVersion", skip_serializing_if = "Option::is_none")
    )]
    pub use_cwmp_version: Option<Cow<'a, str>>,
    /// Header elements the codec does not know, kept raw.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub unknown: Vec<UnknownHeader<'a>>,
}

/// A header element the codec does not know, kept as its raw XML.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct UnknownHeader<'a> {
    /// Namespace URI.
    pub namespace: Cow<'a, str>,
    /// Local name.
    pub name: Cow<'a, str>,
    /// Whether it carried `SOAP-ENV:mustUnderstand="1"`: a receiver that does not understand
    /// it must answer with a fault (SOAP 1.1 4.2.3; TR-069 uses fault 9000 or 8000).
    #[cfg_attr(feature = "serde", serde(rename = "mustUnderstand"))]
    pub must_understand: bool,
    /// The element as received, with the declarations from outside it that it uses (the
    /// writer adds those to its start tag, so it stays well-formed wherever it is written).
    /// Its `Debug` and serde forms hide every value: see [`RawXml`] on credentials.
    pub raw: RawXml<'a>,
}

impl<'a> UnknownHeader<'a> {
    /// An unknown header element from its XML: one well-formed element that declares every
    /// prefix it uses but those of the canonical envelope (see [`RawXml::parse`]); its
    /// namespace, name and `mustUnderstand` are read from it.
    ///
    /// ```
    /// use cwmp_codec::UnknownHeader;
    /// let h = UnknownHeader::parse(
    ///     r#"<v:Trace xmlns:v="urn:vendor" SOAP-ENV:mustUnderstand="1">on</v:Trace>"#,
    /// )?;
    /// assert_eq!((&*h.namespace, &*h.name, h.must_understand), ("urn:vendor", "Trace", true));
    /// # Ok::<(), cwmp_codec::ParseError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the byte offset in `xml` and the element path.
    pub fn parse(xml: &'a str) -> Result<Self, ParseError> {
        let s = crate::raw::Standalone::read(xml)?;
        Ok(Self {
            namespace: Cow::Borrowed(s.namespace),
            name: Cow::Borrowed(s.local),
            must_understand: s.must_understand,
            raw: s.raw,
        })
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> UnknownHeader<'static> {
        UnknownHeader {
            namespace: IntoOwned::into_owned(self.namespace),
            name: IntoOwned::into_owned(self.name),
            must_understand: self.must_understand,
            raw: self.raw.into_owned(),
        }
    }
}

/// Whether `elem` carries `SOAP-ENV:mustUnderstand="1"` (or `"true"`).
pub(crate) fn must_understand<'a>(p: &Parser<'a>, elem: &Elem<'a>) -> Result<bool, ParseError> {
    Ok(match &p.attr(elem, AttrName::MustUnderstand)? {
        Some(attr) => {
            p.resolve(attr.prefix, false)? == Ns::SoapEnv
                && matches!(attr.value.trim(), "1" | "true")
        }
        None => false,
    })
}

impl<'a> Header<'a> {
    /// Whether no header element is present.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Header::default()
    }

    /// Unknown headers marked `mustUnderstand="1"`: the caller should answer with a fault.
    pub fn not_understood(&self) -> impl Iterator<Item = &UnknownHeader<'a>> {
        self.unknown.iter().filter(|h| h.must_understand)
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> Header<'static> {
        Header {
            id: IntoOwned::into_owned(self.id),
            hold_requests: self.hold_requests,
            no_more_requests: self.no_more_requests,
            session_timeout: self.session_timeout,
            supported_cwmp_versions: IntoOwned::into_owned(self.supported_cwmp_versions),
            use_cwmp_version: IntoOwned::into_owned(self.use_cwmp_version),
            unknown: self
                .unknown
                .into_iter()
                .map(UnknownHeader::into_owned)
                .collect(),
        }
    }

    pub(crate) fn read(p: &mut Parser<'a>, elem: &Elem<'a>) -> Result<Self, ParseError> {
        let mut h = Header::default();
        let mut any = false;
        while let Some(child) = p.next_child(elem)? {
            any = true;
            let known = matches!(
                child.local,
                "ID" | "HoldRequests"
                    | "NoMoreRequests"
                    | "SessionTimeout"
                    | "SupportedCWMPVersions"
                    | "UseCWMPVersion"
            );
            match child.ns {
                Ns::Cwmp(_) if known => p.note_cwmp_namespace(child.ns),
                Ns::None if known => p.tolerate_in(&child, WarningKind::UnqualifiedHeader)?,
                _ => {
                    let must_understand = must_understand(p, &child)?;
                    let namespace = child.ns.uri();
                    let kept = p.keep_raw(&child, namespace)?;
                    h.unknown.push(UnknownHeader {
                        namespace: Cow::Borrowed(namespace),
                        name: Cow::Borrowed(child.local),
                        must_understand,
                        raw: RawXml::read(kept.xml, kept.in_scope),
                    });
                    continue;
                }
            }
            let offset = child.offset;
            let dup = |p: &Parser<'a>, name: &str| {
                p.error_at(offset, crate::ErrorKind::DuplicateElement(name.to_owned()))
            };
            match child.local {
                "ID" => {
                    let ok = p
                        .attr(&child, AttrName::MustUnderstand)?
                        .is_some_and(|a| a.value.trim() == "1");
                    if !ok {
                        p.tolerate_at(offset, WarningKind::IdWithoutMustUnderstand)?;
                    }
                    if h.id.is_some() {
                        return Err(dup(p, "ID"));
                    }
                    h.id = Some(FromXml::from_xml(p, child)?);
                }
                "HoldRequests" => {
                    if h.hold_requests.is_some() {
                        return Err(dup(p, "HoldRequests"));
                    }
                    h.hold_requests = Some(FromXml::from_xml(p, child)?);
                }
                "NoMoreRequests" => {
                    if h.no_more_requests.is_some() {
                        return Err(dup(p, "NoMoreRequests"));
                    }
                    h.no_more_requests = Some(FromXml::from_xml(p, child)?);
                }
                "SessionTimeout" => {
                    if h.session_timeout.is_some() {
                        return Err(dup(p, "SessionTimeout"));
                    }
                    h.session_timeout = Some(FromXml::from_xml(p, child)?);
                }
                "SupportedCWMPVersions" => {
                    if h.supported_cwmp_versions.is_some() {
                        return Err(dup(p, "SupportedCWMPVersions"));
                    }
                    h.supported_cwmp_versions = Some(FromXml::from_xml(p, child)?);
                }
                _ => {
                    if h.use_cwmp_version.is_some() {
                        return Err(dup(p, "UseCWMPVersion"));
                    }
                    h.use_cwmp_version = Some(FromXml::from_xml(p, child)?);
                }
            }
        }
        if !any {
            p.tolerate_in(elem, WarningKind::EmptyHeader)?;
        }
        Ok(h)
    }

    /// Writes the header; an empty one is left out (SOAP 1.1 makes the element optional, and
    /// strict reading refuses an empty one).
    pub(crate) fn write(&self, w: &mut XmlWriter<'_>) {
        if self.is_empty() {
            return;
        }
        w.start("SOAP-ENV:Header");
        if let Some(id) = &self.id {
            w.raw("<cwmp:ID SOAP-ENV:mustUnderstand=\"1\">");
            w.text(id);
            w.end("cwmp:ID");
        }
        if let Some(v) = self.hold_requests {
            w.raw("<cwmp:HoldRequests SOAP-ENV:mustUnderstand=\"1\">");
            w.raw(if v { "1" } else { "0" });
            w.end("cwmp:HoldRequests");
        }
        if let Some(v) = self.no_more_requests {
            w.raw("<cwmp:NoMoreRequests>");
            w.raw(if v { "1" } else { "0" });
            w.end("cwmp:NoMoreRequests");
        }
        if let Some(v) = self.session_timeout {
            w.u64("cwmp:SessionTimeout", u64::from(v));
        }
        if let Some(v) = &self.supported_cwmp_versions {
            w.leaf("cwmp:SupportedCWMPVersions", v);
        }
        if let Some(v) = &self.use_cwmp_version {
            w.raw("<cwmp:UseCWMPVersion SOAP-ENV:mustUnderstand=\"1\">");
            w.text(v);
            w.end("cwmp:UseCWMPVersion");
        }
        for h in &self.unknown {
            write_raw_element(w, &h.raw);
        }
        w.end("SOAP-ENV:Header");
    }
}

/// Writes an element kept raw, adding to its start tag the declarations from `in_scope` (those
/// it relied on from outside) that the canonical root does not already make the same way.
pub(crate) fn write_raw_element(w: &mut XmlWriter<'_>, raw: &RawXml<'_>) {
    let in_scope = raw.in_scope();
    let raw = raw.expose();
    // The reader checked the element's name, so it ends at the first `>`, `/` or space.
    let name_end = raw
        .char_indices()
        .skip(1)
        .find(|&(_, c)| c == '>' || c == '/' || c.is_ascii_whitespace())
        .map_or(raw.len(), |(i, _)| i);
    w.raw(raw.get(..name_end).unwrap_or_default());
    for (prefix, uri) in in_scope {
        let root = match &**prefix {
            "" => Some(""),
            "cwmp" => Some(w.cwmp_ns),
            p => canonical_prefix(p),
        };
        if root == Some(&**uri) {
            continue;
        }
        if prefix.is_empty() {
            w.raw(" xmlns=\"");
        } else {
            w.raw(" xmlns:");
            w.raw(prefix);
            w.raw("=\"");
        }
        w.attr_text(uri);
        w.raw("\"");
    }
    w.raw(raw.get(name_end..).unwrap_or_default());
}

fn canonical_prefix(prefix: &str) -> Option<&'static str> {
    match prefix {
        "SOAP-ENV" => Some(crate::read::SOAP_ENV),
        "SOAP-ENC" => Some(crate::read::SOAP_ENC),
        "xsd" => Some(crate::read::XSD),
        "xsi" => Some(crate::read::XSI),
        _ => None,
    }
}
