//! Unknown content kept as received.

use std::borrow::Cow;
use std::fmt;

use quick_xml::events::Event;

use crate::error::ParseError;
use crate::read::{Parser, ReadOptions};
use crate::rpc::IntoOwned;

/// An element kept as received (an unknown header or method): its XML text, checked to be one
/// well-formed element, and the namespace declarations made outside it that it uses. The
/// writer writes it back as it stands, adding those declarations to its start tag.
///
/// # Credentials
///
/// Unknown content can carry credentials the codec cannot recognise: a `Download` in a later
/// CWMP namespace carries its `Password`, a vendor header a token. So the rule for it is the
/// rule for every value whose meaning the codec does not know: it is never printed. `Debug`
/// and serde show its markup (element and attribute names, namespace declarations) with every
/// text and attribute value replaced by `…`; [`RawXml::expose`] gives the text itself.
///
/// ```
/// use cwmp_codec::RawXml;
/// let raw = RawXml::parse(r#"<v:Login xmlns:v="urn:vendor"><Password>s3cret</Password></v:Login>"#)?;
/// assert_eq!(
///     format!("{raw:?}"),
///     r#"RawXml(<v:Login xmlns:v="urn:vendor"><Password>…</Password></v:Login>)"#
/// );
/// assert!(raw.expose().contains("s3cret"));
///
/// // The prefixes of the canonical envelope need no declaration.
/// let header = RawXml::parse(r#"<v:T xmlns:v="urn:v" SOAP-ENV:mustUnderstand="1">1</v:T>"#)?;
/// assert_eq!(header.in_scope()[0].0, "SOAP-ENV");
/// assert!(RawXml::parse("<v:T>1</v:T>").is_err()); // v is not declared
/// assert!(RawXml::parse("<a></b>").is_err());
/// # Ok::<(), cwmp_codec::ParseError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RawXml<'a> {
    xml: Cow<'a, str>,
    in_scope: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> RawXml<'a> {
    /// Made by the reader from an element it has checked.
    pub(crate) fn read(xml: &'a str, in_scope: Vec<(Cow<'a, str>, Cow<'a, str>)>) -> Self {
        Self {
            xml: Cow::Borrowed(xml),
            in_scope,
        }
    }

    /// Checks that `xml` is one well-formed element that declares every namespace prefix it
    /// uses but those the canonical envelope declares (`SOAP-ENV`, `SOAP-ENC`, `xsd`, `xsi`),
    /// and that strict reading would accept it inside an envelope.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] naming the byte offset in `xml` and the element path.
    pub fn parse(xml: &'a str) -> Result<Self, ParseError> {
        Standalone::read(xml).map(|s| s.raw)
    }

    /// The XML text, start tag to end tag, as received: it may hold credentials, so log
    /// [`RawXml`]'s `Debug` form instead.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.xml
    }

    /// The namespace declarations made outside the element that it uses, as (prefix, URI); an
    /// empty prefix is the default namespace.
    #[must_use]
    pub fn in_scope(&self) -> &[(Cow<'a, str>, Cow<'a, str>)] {
        &self.in_scope
    }

    /// The markup with every text and attribute value (but namespace declarations) replaced
    /// by `…`: what `Debug` and serde show.
    #[must_use]
    pub fn redacted(&self) -> String {
        redact(&self.xml).unwrap_or_else(|| "<redacted>".to_owned())
    }

    /// Converts any borrowed text into owned data.
    #[must_use]
    pub fn into_owned(self) -> RawXml<'static> {
        RawXml {
            xml: IntoOwned::into_owned(self.xml),
            in_scope: self
                .in_scope
                .into_iter()
                .map(|(p, u)| (IntoOwned::into_owned(p), IntoOwned::into_owned(u)))
                .collect(),
        }
    }
}

impl fmt::Debug for RawXml<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawXml({})", self.redacted())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for RawXml<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("RawXml", 2)?;
        st.serialize_field("xml", &self.redacted())?;
        st.serialize_field("in_scope", &self.in_scope)?;
        st.end()
    }
}

/// An element read on its own, to be kept raw: what an unknown header or method is made of.
pub(crate) struct Standalone<'a> {
    pub(crate) namespace: &'a str,
    pub(crate) local: &'a str,
    pub(crate) must_understand: bool,
    pub(crate) raw: RawXml<'a>,
}

impl<'a> Standalone<'a> {
    pub(crate) fn read(xml: &'a str) -> Result<Self, ParseError> {
        let mut p = Parser::new(xml.as_bytes(), &ReadOptions::strict(), false)?;
        p.bind_canonical_prefixes();
        let Some(elem) = p.next_root()? else {
            return Err(p.error(crate::ErrorKind::UnexpectedEof));
        };
        let must_understand = crate::header::must_understand(&p, &elem)?;
        let namespace = elem.ns.uri();
        let kept = p.keep_raw(&elem, namespace)?;
        if p.next_root()?.is_some() {
            return Err(p.error(crate::ErrorKind::TrailingContent));
        }
        Ok(Self {
            namespace,
            local: elem.local,
            must_understand,
            raw: RawXml::read(kept.xml, kept.in_scope),
        })
    }
}

const HIDDEN: &str = "…";

/// The markup of checked XML with its values hidden; `None` if it does not read (it always
/// does: [`RawXml`] holds checked XML only).
fn redact(xml: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut out = String::with_capacity(xml.len());
    let mut hid_last = false;
    let hide = |out: &mut String, hid_last: &mut bool| {
        if !*hid_last {
            out.push_str(HIDDEN);
        }
        *hid_last = true;
    };
    loop {
        let event = reader.read_event().ok()?;
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(s) | Event::Empty(s) => {
                out.push('<');
                out.push_str(s.name().as_ref());
                for attr in s.attributes().with_checks(false) {
                    let attr = attr.ok()?;
                    let key: &str = attr.key.as_ref();
                    out.push(' ');
                    out.push_str(key);
                    out.push_str("=\"");
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        out.push_str(&attr.value);
                    } else {
                        out.push_str(HIDDEN);
                    }
                    out.push('"');
                }
                out.push_str(if empty { "/>" } else { ">" });
                hid_last = false;
            }
            Event::End(e) => {
                out.push_str("</");
                out.push_str(e.name().as_ref());
                out.push('>');
                hid_last = false;
            }
            Event::Text(t) if t.bytes().all(|b| b.is_ascii_whitespace()) => {
                out.push_str(&t);
                hid_last = false;
            }
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) => {
                hide(&mut out, &mut hid_last);
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
            Event::Eof => return Some(out),
        }
    }
}
