//! The namespace table: declarations checked and bound, prefixes resolved by URI, and the cwmp
//! namespace that tells the version.

use std::borrow::Cow;

use super::lex::*;
use super::parser::Parser;
use crate::error::{ErrorKind, Limit, ParseError, WarningKind, excerpt};

pub(crate) const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";

pub(crate) const SOAP_ENC: &str = "http://schemas.xmlsoap.org/soap/encoding/";

pub(crate) const XSD: &str = "http://www.w3.org/2001/XMLSchema";

pub(crate) const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

pub(crate) const XSD_1999: &str = "http://www.w3.org/1999/XMLSchema";

pub(crate) const XSI_1999: &str = "http://www.w3.org/1999/XMLSchema-instance";

pub(crate) const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

pub(crate) const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

/// A namespace, classified once when its declaration is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns<'a> {
    /// No namespace.
    None,
    SoapEnv,
    SoapEnc,
    Xsd,
    Xsi,
    /// A cwmp namespace, by its minor number (`urn:dslforum-org:cwmp-1-N`).
    Cwmp(u8),
    Other(&'a str),
}

impl<'a> Ns<'a> {
    fn classify(uri: &'a str) -> (Self, bool) {
        match uri {
            SOAP_ENV => (Self::SoapEnv, false),
            SOAP_ENC => (Self::SoapEnc, false),
            XSD => (Self::Xsd, false),
            XSI => (Self::Xsi, false),
            XSD_1999 => (Self::Xsd, true),
            XSI_1999 => (Self::Xsi, true),
            "" => (Self::None, false),
            _ => match uri.strip_prefix("urn:dslforum-org:cwmp-1-") {
                Some(minor @ ("0" | "1" | "2" | "3" | "4")) => {
                    (Self::Cwmp(minor.as_bytes()[0] - b'0'), false)
                }
                _ => (Self::Other(uri), false),
            },
        }
    }

    /// The URI, for unknown content kept raw.
    pub(crate) fn uri(self) -> &'a str {
        match self {
            Self::None => "",
            Self::SoapEnv => SOAP_ENV,
            Self::SoapEnc => SOAP_ENC,
            Self::Xsd => XSD,
            Self::Xsi => XSI,
            Self::Cwmp(minor) => crate::envelope::CWMP_NAMESPACES
                .get(usize::from(minor))
                .copied()
                .unwrap_or_default(),
            Self::Other(uri) => uri,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Binding<'a> {
    pub(super) prefix: &'a [u8],
    pub(super) ns: Ns<'a>,
    pub(super) depth: usize,
    /// Whether it counts against `max_namespace_bindings`.
    pub(super) counted: bool,
}

/// Whether a declaration is one of the five the canonical writer puts on every envelope
/// (`SOAP-ENV`, `SOAP-ENC`, `xsd`, `xsi` and `cwmp` bound to their URIs): those do not count
/// against `max_namespace_bindings`, so that reading what was written never meets the limit
/// where reading the original did not. At most five per element and `max_depth` elements
/// deep, so they stay bounded.
pub(crate) fn is_canonical_binding(prefix: &[u8], ns: Ns<'_>, old: bool) -> bool {
    !old && match ns {
        Ns::SoapEnv => prefix == b"SOAP-ENV",
        Ns::SoapEnc => prefix == b"SOAP-ENC",
        Ns::Xsd => prefix == b"xsd",
        Ns::Xsi => prefix == b"xsi",
        Ns::Cwmp(_) => prefix == b"cwmp",
        Ns::None | Ns::Other(_) => false,
    }
}

impl<'a> Parser<'a> {
    /// Binds the prefixes the canonical root declares but `cwmp` (`SOAP-ENV`, `SOAP-ENC`, `xsd`,
    /// `xsi`) around the whole input, for content read on its own that will be written inside
    /// an envelope ([`crate::RawXml::parse`]).
    pub(crate) fn bind_canonical_prefixes(&mut self) {
        for (prefix, ns) in [
            (&b"SOAP-ENV"[..], Ns::SoapEnv),
            (b"SOAP-ENC", Ns::SoapEnc),
            (b"xsd", Ns::Xsd),
            (b"xsi", Ns::Xsi),
        ] {
            self.bindings.push(Binding {
                prefix,
                ns,
                depth: 0,
                counted: false,
            });
        }
        self.bindings_generation += 1;
    }

    /// The cwmp namespace declared on the envelope element itself, if any: the version of an
    /// envelope whose body has no cwmp element (a SOAP fault without CWMP detail).
    pub(crate) fn declared_cwmp_minor(&self) -> Option<u8> {
        self.bindings
            .iter()
            .rev()
            .filter(|b| b.depth == 1)
            .find_map(|b| match b.ns {
                Ns::Cwmp(minor) => Some(minor),
                _ => None,
            })
    }

    /// Records the cwmp namespace an element was in, for version detection; the body's
    /// method namespace is seen last and wins over the header's.
    pub(crate) fn note_cwmp_namespace(&mut self, ns: Ns<'a>) {
        if let Ns::Cwmp(minor) = ns {
            self.cwmp_minor = Some(minor);
        }
    }

    pub(crate) fn cwmp_minor(&self) -> Option<u8> {
        self.cwmp_minor
    }

    /// Reads a namespace declaration (`value` as written) and binds it. The usual URIs are
    /// known by one comparison, which also shows that they hold nothing to check.
    pub(crate) fn declare(
        &mut self,
        prefix: &'a [u8],
        value: &'a str,
        depth: usize,
    ) -> Result<(), ParseError> {
        let (ns, old) = Ns::classify(value);
        if matches!(ns, Ns::Other(_)) {
            self.check_chars(value)?;
            let uri = self.unescape_attr(value)?;
            // Namespaces are kept as slices of the input, and a raw element may carry one back
            // out in a double-quoted attribute: a URI that needed unescaping has no such slice,
            // and one with a line break, tab, `<` or `"` would not read back the same (XML
            // normalises attribute whitespace). No URI holds these and no CWMP peer writes
            // one: refused, not changed.
            let plain = matches!(uri, Cow::Borrowed(u) if !has_control_bytes(u.as_bytes())
                    && memchr::memchr2(b'<', b'"', u.as_bytes()).is_none());
            if !plain {
                return Err(self.error(ErrorKind::UnsupportedNamespaceUri));
            }
        }
        // The reserved prefixes and names of Namespaces in XML 1.0 (section 3).
        let reserved = match prefix {
            b"xmlns" => true,
            b"xml" => value != XML_NS,
            _ => value == XML_NS || value == XMLNS_NS || (value.is_empty() && !prefix.is_empty()),
        };
        if reserved {
            return Err(self.error(ErrorKind::ReservedNamespaceDeclaration(excerpt(
                &String::from_utf8_lossy(prefix),
            ))));
        }
        self.bind(prefix, ns, old, depth)
    }

    /// Binds `prefix` (empty for the default namespace) to `ns`, from a 1999 XML Schema URI
    /// when `old`.
    pub(crate) fn bind(
        &mut self,
        prefix: &'a [u8],
        ns: Ns<'a>,
        old: bool,
        depth: usize,
    ) -> Result<(), ParseError> {
        let counted = !is_canonical_binding(prefix, ns, old);
        if counted && self.counted_bindings >= self.limits.max_namespace_bindings {
            return Err(self.limit_error(self.offset(), Limit::MaxNamespaceBindings));
        }
        if !prefix.is_empty() && !is_ncname(prefix) {
            return Err(
                self.error(ErrorKind::InvalidName(excerpt(&String::from_utf8_lossy(
                    prefix,
                )))),
            );
        }
        if counted {
            self.counted_bindings += 1;
        }
        if prefix.is_empty() {
            self.default_bindings += 1;
        }
        if old {
            self.tolerate(WarningKind::Xsd1999Namespace)?;
        }
        let canonical: &[u8] = match ns {
            Ns::SoapEnv => b"SOAP-ENV",
            Ns::SoapEnc => b"SOAP-ENC",
            Ns::Xsd => b"xsd",
            Ns::Xsi => b"xsi",
            Ns::Cwmp(_) => b"cwmp",
            Ns::None | Ns::Other(_) => prefix,
        };
        if !prefix.is_empty() && prefix != canonical {
            self.tolerate(WarningKind::NonCanonicalPrefix)?;
        }
        self.bindings_generation += 1;
        self.bindings.push(Binding {
            prefix,
            ns,
            depth,
            counted,
        });
        Ok(())
    }

    /// Resolves a prefix (or the default namespace, for element names) to its namespace.
    pub(crate) fn resolve(
        &self,
        prefix: Option<&[u8]>,
        use_default: bool,
    ) -> Result<Ns<'a>, ParseError> {
        let wanted: &[u8] = match prefix {
            Some(b"xml") => return Ok(Ns::Other(XML_NS)),
            Some(p) => p,
            None if use_default && self.default_bindings > 0 => b"",
            None => return Ok(Ns::None),
        };
        match self.bindings.iter().rev().find(|b| b.prefix == wanted) {
            Some(b) => Ok(b.ns),
            None if wanted.is_empty() => Ok(Ns::None),
            None => Err(self.error(ErrorKind::UnboundPrefix(
                String::from_utf8_lossy(wanted).into_owned(),
            ))),
        }
    }

    /// Resolves the namespace of a QName-valued attribute (`xsi:type="xsd:int"`): returns the
    /// namespace and the local name. Unprefixed values use the default namespace.
    pub(crate) fn resolve_qname_value<'v>(
        &self,
        value: &'v str,
    ) -> Result<(Ns<'a>, &'v str), ParseError> {
        match value.split_once(':') {
            Some((prefix, local)) => Ok((self.resolve(Some(prefix.as_bytes()), true)?, local)),
            None => Ok((self.resolve(None, true)?, value)),
        }
    }
}
