//! XML in: a typed reader on quick-xml's raw `Reader`, with its own prefix-to-URI table.
//!
//! quick-xml's `NsReader` resolves every name (measured at 1.75x the cost of a plain scan);
//! this reader resolves a prefix only where the grammar needs the namespace, keeps the
//! element stack itself (so end-tag checks and error paths cost no allocation in quick-xml)
//! and takes leaf text as the raw span, unescaping only when a reference is present.
//!
//! The reader is split by role: [`parser`] holds the parser core (events, elements,
//! attributes, text, errors and warnings), [`ns`] the namespace table, [`fast`] the fast lane
//! and [`lex`] the byte-level helpers both lanes share.
//!
//! Plain markup (tags, leaf text with at most the predefined entity references, parameters in
//! the usual shape) is read by a fast lane straight from the input, where quick-xml stands
//! between markup; quick-xml reads everything else. Both lanes give the same result for every
//! input, which the tests at the end of this file and the `cwmp_parse` fuzz target check.

mod fast;
mod lex;
mod ns;
mod parser;

use std::borrow::Cow;

use crate::error::{ErrorKind, ParseError, Warning, WarningKind};
use crate::limits::Limits;

#[cfg(any(fuzzing, feature = "arbitrary"))]
pub use fast::set_fast_lane;
pub(crate) use lex::{is_ncname, is_xml_space, trim_str};
pub(crate) use ns::{Ns, SOAP_ENC, SOAP_ENV, XSD, XSI};
pub(crate) use parser::{AttrName, Elem, Parser};

/// How to read: lenient (the default) or strict, and the limits.
///
/// Lenient mode accepts the quirks of real CPEs and records each as a [`Warning`]; strict mode
/// rejects every one of them with [`ErrorKind::Strict`], accepting only what the canonical
/// writer produces (and any whitespace between elements).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ReadOptions {
    /// Reject every tolerated quirk.
    pub strict: bool,
    /// Bounds on the input.
    pub limits: Limits,
}

impl ReadOptions {
    /// Lenient reading with default limits (the same as `default()`).
    #[must_use]
    pub fn lenient() -> Self {
        Self::default()
    }

    /// Strict reading with default limits.
    #[must_use]
    pub fn strict() -> Self {
        Self {
            strict: true,
            limits: Limits::default(),
        }
    }

    /// These options with other limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// A parsed value with the warnings the lenient reader recorded.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Parsed<T> {
    /// What was parsed.
    pub value: T,
    /// The quirks that were accepted, in input order, up to
    /// [`Limits::max_warnings`](crate::Limits::max_warnings).
    pub warnings: Vec<Warning>,
    /// How many more quirks were accepted than `warnings` holds: past the cap they are counted,
    /// not recorded, so that a dropped item is never dropped unseen.
    pub dropped_warnings: usize,
}

/// An element kept raw ([`Parser::keep_raw`]).
pub(crate) struct RawElement<'a> {
    /// Its XML text, start tag to end tag.
    pub(crate) xml: &'a str,
    /// The declarations made outside it that it uses.
    pub(crate) in_scope: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

/// Reading of one schema type from an element whose start tag has been read.
pub(crate) trait FromXml<'a>: Sized {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError>;
}

impl<'a> FromXml<'a> for Cow<'a, str> {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        p.no_xsi_type(&elem)?;
        p.text(&elem)
    }
}

impl<'a> FromXml<'a> for u32 {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        p.parse_text(&elem, "unsignedInt", |t| t.parse().ok())
    }
}

impl<'a> FromXml<'a> for i32 {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        p.parse_text(&elem, "int", |t| t.parse().ok())
    }
}

impl<'a> FromXml<'a> for bool {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        p.no_xsi_type(&elem)?;
        let text = p.text(&elem)?;
        read_bool(p, &text, &elem)
    }
}

fn read_bool<'a>(p: &mut Parser<'a>, text: &str, elem: &Elem<'a>) -> Result<bool, ParseError> {
    p.parse_str(text, elem, "boolean", |t| {
        let v = crate::value::parse_bool(t)?;
        Some((v, matches!(t, "true" | "false" | "1" | "0")))
    })
    .and_then(|(v, canonical)| {
        if !canonical {
            p.tolerate_in(elem, WarningKind::BooleanCase)?;
        }
        Ok(v)
    })
}

impl<'a> FromXml<'a> for crate::value::DateTimeText<'a> {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        p.no_xsi_type(&elem)?;
        let text = p.text(&elem)?;
        let v = Self { text };
        if v.parsed().is_none() {
            p.tolerate_in(&elem, WarningKind::NonRfc3339DateTime)?;
        }
        Ok(v)
    }
}

/// Gathers the value of a field that occurs at most once.
pub(crate) fn accept_once<'a, T: FromXml<'a>>(
    slot: &mut Option<T>,
    p: &mut Parser<'a>,
    elem: Elem<'a>,
) -> Result<(), ParseError> {
    if slot.is_some() {
        let name = elem.local.to_owned();
        return Err(p.error_in(&elem, ErrorKind::DuplicateElement(name)));
    }
    *slot = Some(T::from_xml(p, elem)?);
    Ok(())
}
