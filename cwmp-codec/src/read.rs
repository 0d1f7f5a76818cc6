//! XML in: a typed reader on quick-xml's raw `Reader`, with its own prefix-to-URI table.
//!
//! quick-xml's `NsReader` resolves every name (measured at 1.75x the cost of a plain scan);
//! this reader resolves a prefix only where the grammar needs the namespace, keeps the
//! element stack itself (so end-tag checks and error paths cost no allocation in quick-xml)
//! and takes leaf text as the raw span, unescaping only when a reference is present.
//!
//! Plain markup (tags, leaf text with at most the predefined entity references, parameters in
//! the usual shape) is read by a fast lane straight from the input, where quick-xml stands
//! between markup; quick-xml reads everything else. Both lanes give the same result for every
//! input, which the tests at the end of this file and the `cwmp_parse` fuzz target check.

use std::borrow::Cow;

use quick_xml::events::{BytesRef, BytesStart, Event};
use smallvec::SmallVec;

use crate::error::{Construct, ErrorKind, Limit, ParseError, Warning, WarningKind, excerpt};
use crate::limits::Limits;

pub(crate) const SOAP_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub(crate) const SOAP_ENC: &str = "http://schemas.xmlsoap.org/soap/encoding/";
pub(crate) const XSD: &str = "http://www.w3.org/2001/XMLSchema";
pub(crate) const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const XSD_1999: &str = "http://www.w3.org/1999/XMLSchema";
const XSI_1999: &str = "http://www.w3.org/1999/XMLSchema-instance";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NS: &str = "http://www.w3.org/2000/xmlns/";

#[cfg(any(test, fuzzing, feature = "arbitrary"))]
thread_local! {
    static FAST_LANE: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Turns the fast lane (plain tags, text and parameters read straight from the input) off or
/// on for parsers made later on this thread, so tests and fuzzing can check that both lanes
/// read every input alike.
#[cfg(any(test, fuzzing, feature = "arbitrary"))]
#[doc(hidden)]
#[allow(unreachable_pub)] // exported only to the fuzz targets and property tests
pub fn set_fast_lane(on: bool) {
    FAST_LANE.with(|f| f.set(on));
}

/// Whether parsers use the fast lane: always, but under test or fuzzing.
fn fast_lane_enabled() -> bool {
    #[cfg(any(test, fuzzing, feature = "arbitrary"))]
    return FAST_LANE.with(std::cell::Cell::get);
    #[cfg(not(any(test, fuzzing, feature = "arbitrary")))]
    true
}

/// A start tag quick-xml reads first when the input where it starts begins with a byte order
/// mark ([`Parser::start_reader`]).
const PRIMER: &str = "<_>";

/// Whitespace as XML defines it.
pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn is_xml_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

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
struct Binding<'a> {
    prefix: &'a [u8],
    ns: Ns<'a>,
    depth: usize,
    /// Whether it counts against `max_namespace_bindings`.
    counted: bool,
}

/// A tag the fast lane read ([`Parser::plain_tag`]).
enum Markup<'a> {
    /// A start tag: its text between `<` and `>` (or `/>`), the length of its name, and
    /// whether it was self-closed.
    Start {
        raw: &'a str,
        name_len: usize,
        empty: bool,
    },
    /// An end tag's name.
    End(&'a [u8]),
}

#[derive(Debug, Clone, Copy)]
struct Open<'a> {
    qname: &'a [u8],
    local: &'a str,
    /// 1-based index among array items, 0 when not an array item.
    index: usize,
}

/// An attribute of interest: its namespace prefix (resolved lazily) and value.
#[derive(Debug, Clone)]
pub(crate) struct Attr<'a> {
    pub(crate) prefix: Option<&'a [u8]>,
    pub(crate) value: Cow<'a, str>,
}

/// An element whose start tag has been read.
#[derive(Debug, Clone)]
pub(crate) struct Elem<'a> {
    pub(crate) local: &'a str,
    pub(crate) ns: Ns<'a>,
    /// Whether the name carried a prefix.
    pub(crate) prefixed: bool,
    pub(crate) empty: bool,
    pub(crate) offset: usize,
    /// Depth of the element (1 for the root), to name it in paths after it has closed.
    pub(crate) depth: usize,
    /// The attribute text of the start tag, checked when it was read; the few attributes the
    /// codec uses are taken from it on demand ([`Parser::attr`]), which keeps `Elem` small.
    pub(crate) attrs: &'a str,
    /// Where in `attrs` each attribute of interest (by `AttrName::index`) starts, or
    /// [`NO_ATTR`], found by the one scan that checks the start tag. Offsets, not spans, keep
    /// `Elem` small enough to be moved without a call to `memcpy`.
    attr_at: [u32; 3],
}

/// No such attribute, in [`Elem::attr_at`].
const NO_ATTR: u32 = u32::MAX;

/// The attributes the codec reads, matched by local name (their namespace is checked where
/// they are used).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AttrName {
    /// `xsi:type`.
    Type,
    /// `SOAP-ENC:arrayType`.
    ArrayType,
    /// `SOAP-ENV:mustUnderstand`.
    MustUnderstand,
}

impl AttrName {
    fn index(self) -> usize {
        match self {
            Self::Type => 0,
            Self::ArrayType => 1,
            Self::MustUnderstand => 2,
        }
    }

    fn of(local: &[u8]) -> Option<Self> {
        match local {
            b"type" => Some(Self::Type),
            b"arrayType" => Some(Self::ArrayType),
            b"mustUnderstand" => Some(Self::MustUnderstand),
            _ => None,
        }
    }
}

impl Elem<'_> {
    pub(crate) fn has(&self, name: AttrName) -> bool {
        self.attr_at
            .get(name.index())
            .is_some_and(|&at| at != NO_ATTR)
    }

    /// Forgets an attribute whose meaning has been used up.
    pub(crate) fn forget(&mut self, name: AttrName) {
        if let Some(at) = self.attr_at.get_mut(name.index()) {
            *at = NO_ATTR;
        }
    }
}

/// Takes the next `name="value"` from `rest`; `None` at the end, `Err` when malformed. Every
/// delimiter is ASCII, so the positions found are character boundaries of the text.
fn next_attribute<'a>(rest: &mut &'a str) -> Result<Option<(&'a [u8], &'a str)>, ()> {
    let start = rest
        .bytes()
        .position(|b| !is_xml_space_byte(b))
        .unwrap_or(rest.len());
    *rest = rest.get(start..).unwrap_or_default();
    if rest.is_empty() {
        return Ok(None);
    }
    let eq = memchr::memchr(b'=', rest.as_bytes()).ok_or(())?;
    let name = trim_bytes(rest.as_bytes().get(..eq).unwrap_or_default());
    let after = rest.get(eq + 1..).unwrap_or_default();
    let q = after
        .bytes()
        .position(|b| !is_xml_space_byte(b))
        .ok_or(())?;
    let quote = *after.as_bytes().get(q).ok_or(())?;
    if (quote != b'"' && quote != b'\'') || name.is_empty() {
        return Err(());
    }
    let body = after.get(q + 1..).unwrap_or_default();
    // Values (namespace URIs above all) are the long part of a tag.
    let close = memchr::memchr(quote, body.as_bytes()).ok_or(())?;
    *rest = body.get(close + 1..).unwrap_or_default();
    Ok(Some((name, body.get(..close).unwrap_or_default())))
}

/// The reader state shared by every `FromXml` implementation.
pub(crate) struct Parser<'a> {
    /// The input, checked as UTF-8 once, so every span taken from it is text without a
    /// second check.
    src: &'a str,
    /// Bytes removed before `input` (a byte order mark), added to every reported offset.
    base: usize,
    reader: quick_xml::Reader<&'a [u8]>,
    pub(crate) strict: bool,
    pub(crate) limits: Limits,
    /// Offset of the event being handled.
    pos: usize,
    /// Open elements; inline for twice the depth of the deepest CWMP envelope, so reading one
    /// allocates nothing for it (quick-xml keeps its own copy of the names, which its parser
    /// needs). Kept small: the parser is moved when made, and its size is copied each time.
    stack: SmallVec<[Open<'a>; 16]>,
    /// Namespace declarations in scope; inline for the usual five to eight.
    bindings: SmallVec<[Binding<'a>; 8]>,
    warnings: Option<Vec<Warning>>,
    /// Warnings past `max_warnings`, counted.
    dropped_warnings: usize,
    /// Namespace declarations in scope that count against `max_namespace_bindings`: all but
    /// the canonical five ([`is_canonical_binding`]), which the writer adds to every envelope,
    /// so that what was read always reads back.
    counted_bindings: usize,
    /// Bytes of unknown content kept raw so far, against `max_raw_bytes`.
    raw_bytes: usize,
    /// The cwmp namespace minor number seen in the current envelope.
    cwmp_minor: Option<u8>,
    /// Default-namespace declarations in scope: while there are none, an unprefixed name is in
    /// no namespace without a lookup.
    default_bindings: usize,
    /// Input read behind quick-xml's back (the fast lane: [`Parser::plain_tag`],
    /// [`Parser::plain_text`], [`Parser::fast_parameter`]): added to its positions so every
    /// offset stays exact.
    skipped: usize,
    /// Whether quick-xml stands between markup, where it reads whatever comes next from
    /// scratch: then the fast lane may read the next markup itself. After a text event
    /// quick-xml has already looked at the `<` or `&` that ended the text, so it must read on.
    between_markup: bool,
    /// Whether quick-xml has been asked for an event ([`Parser::start_reader`]).
    reader_started: bool,
    /// Whether quick-xml read [`PRIMER`] first, which its positions count.
    primed: bool,
    /// Whether the fast lane is used at all (always, but in tests that compare the lanes).
    fast_lane: bool,
    /// Bumped whenever the namespace table changes, so [`Parser::usual_type_prefixes`] can keep
    /// its answer.
    bindings_generation: u64,
    /// Whether `xsi` and `xsd` were bound as usual, at a generation of the namespace table.
    xsd_prefixes_checked: Option<(u64, bool)>,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(
        input: &'a [u8],
        opts: &ReadOptions,
        collect_warnings: bool,
    ) -> Result<Self, ParseError> {
        // Everything that can fail comes first, so that the parser is built once, in place
        // (it is large, and a value made early and returned later is copied).
        let error = |offset, kind| ParseError::new(offset, String::new(), kind);
        let max = opts.limits.max_input_bytes;
        if input.len() > max {
            let kind = ErrorKind::LimitExceeded {
                limit: Limit::MaxInputBytes,
                max,
            };
            return Err(error(0, kind));
        }
        let (input, base) = match input.strip_prefix(b"\xEF\xBB\xBF") {
            Some(_) if opts.strict => {
                return Err(error(0, ErrorKind::Strict(WarningKind::ByteOrderMark)));
            }
            Some(rest) => (rest, 3),
            None => (input, 0),
        };
        let src = std::str::from_utf8(input)
            .map_err(|e| error(base + e.valid_up_to(), ErrorKind::InvalidUtf8))?;
        let bom_dropped =
            usize::from(base > 0 && collect_warnings && opts.limits.max_warnings == 0);
        let warnings = collect_warnings.then(|| {
            let mut w = Vec::new();
            if base > 0 && opts.limits.max_warnings > 0 {
                w.push(Warning {
                    offset: 0,
                    path: String::new(),
                    kind: WarningKind::ByteOrderMark,
                });
            }
            w
        });
        let mut reader = quick_xml::Reader::from_str(src);
        let config = reader.config_mut();
        // End names are checked against our own stack (no allocation inside quick-xml).
        config.check_end_names = false;
        // The fast lane opens and closes most elements without quick-xml, so an end tag it
        // does read may close an element it never saw.
        config.allow_unmatched_ends = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        let fast_lane = fast_lane_enabled();
        Ok(Self {
            src,
            base,
            reader,
            strict: opts.strict,
            limits: opts.limits.clone(),
            pos: 0,
            stack: SmallVec::new(),
            bindings: SmallVec::new(),
            warnings,
            dropped_warnings: bom_dropped,
            counted_bindings: 0,
            raw_bytes: 0,
            cwmp_minor: None,
            default_bindings: 0,
            skipped: 0,
            // Before its first read quick-xml stands between markup, as after a tag.
            between_markup: fast_lane,
            reader_started: false,
            primed: false,
            fast_lane,
            bindings_generation: 0,
            xsd_prefixes_checked: None,
        })
    }

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

    /// Starts a new envelope: forgets the cwmp namespace of the previous one.
    pub(crate) fn start_envelope(&mut self) {
        self.cwmp_minor = None;
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

    /// Input bytes not yet read.
    pub(crate) fn remaining_input(&self) -> usize {
        self.src.len().saturating_sub(self.position())
    }

    /// Reads `input` with `read`, collecting the warnings.
    pub(crate) fn read_with_warnings<T>(
        input: &'a [u8],
        opts: &ReadOptions,
        read: impl FnOnce(&mut Self) -> Result<T, ParseError>,
    ) -> Result<Parsed<T>, ParseError> {
        let mut p = Self::new(input, opts, true)?;
        let value = read(&mut p)?;
        Ok(Parsed {
            value,
            warnings: p.warnings.unwrap_or_default(),
            dropped_warnings: p.dropped_warnings,
        })
    }

    /// The absolute offset of the event being handled.
    pub(crate) fn offset(&self) -> usize {
        self.base + self.pos
    }

    pub(crate) fn path(&self) -> String {
        let mut path = String::new();
        for (i, open) in self.stack.iter().enumerate() {
            if i > 0 {
                path.push('/');
            }
            // Names were checked, so they hold no control character; a long one is cut, so
            // that each warning's path stays small.
            if open.local.len() > crate::error::EXCERPT_BYTES {
                path.push_str(&excerpt(open.local));
            } else {
                path.push_str(open.local);
            }
            if open.index > 0 {
                path.push('[');
                path.push_str(&open.index.to_string());
                path.push(']');
            }
        }
        path
    }

    /// The path of `elem`, whether or not its end tag has been read.
    fn path_of(&self, elem: &Elem<'a>) -> String {
        let mut path = self.path();
        if self.stack.len() < elem.depth {
            if !path.is_empty() {
                path.push('/');
            }
            if elem.local.len() > crate::error::EXCERPT_BYTES {
                path.push_str(&excerpt(elem.local));
            } else {
                path.push_str(elem.local);
            }
        }
        path
    }

    /// An error about `elem`, at its start tag.
    pub(crate) fn error_in(&self, elem: &Elem<'a>, kind: ErrorKind) -> ParseError {
        ParseError::new(elem.offset, self.path_of(elem), kind)
    }

    /// Accepts a quirk of `elem`.
    pub(crate) fn tolerate_in(
        &mut self,
        elem: &Elem<'a>,
        kind: WarningKind,
    ) -> Result<(), ParseError> {
        self.record(elem.offset, |p| p.path_of(elem), kind)
    }

    /// Accepts a quirk: an error in strict mode, a recorded warning otherwise (the path is
    /// only built when warnings are kept).
    fn record(
        &mut self,
        offset: usize,
        path: impl FnOnce(&Self) -> String,
        kind: WarningKind,
    ) -> Result<(), ParseError> {
        if self.strict {
            return Err(ParseError::new(offset, path(self), ErrorKind::Strict(kind)));
        }
        match &self.warnings {
            Some(w) if w.len() < self.limits.max_warnings => {
                let path = path(self);
                if let Some(w) = self.warnings.as_mut() {
                    w.push(Warning { offset, path, kind });
                }
            }
            Some(_) => self.dropped_warnings += 1,
            None => {}
        }
        Ok(())
    }

    pub(crate) fn error_at(&self, offset: usize, kind: ErrorKind) -> ParseError {
        ParseError::new(offset, self.path(), kind)
    }

    /// An error at the event being handled.
    pub(crate) fn error(&self, kind: ErrorKind) -> ParseError {
        self.error_at(self.offset(), kind)
    }

    /// `limit` exceeded at `elem`'s start tag.
    pub(crate) fn limit_error_in(&self, elem: &Elem<'a>, limit: Limit) -> ParseError {
        let max = self.limits.get(limit);
        self.error_in(elem, ErrorKind::LimitExceeded { limit, max })
    }

    fn limit_error(&self, offset: usize, limit: Limit) -> ParseError {
        let max = self.limits.get(limit);
        self.error_at(offset, ErrorKind::LimitExceeded { limit, max })
    }

    /// Accepts a quirk at `offset`, in the element being read.
    pub(crate) fn tolerate_at(
        &mut self,
        offset: usize,
        kind: WarningKind,
    ) -> Result<(), ParseError> {
        self.record(offset, Self::path, kind)
    }

    /// Accepts a quirk at the event being handled.
    pub(crate) fn tolerate(&mut self, kind: WarningKind) -> Result<(), ParseError> {
        self.tolerate_at(self.offset(), kind)
    }

    /// Sets the 1-based array index of the element just opened, for error paths.
    pub(crate) fn set_index(&mut self, index: usize) {
        if let Some(open) = self.stack.last_mut() {
            open.index = index;
        }
    }

    /// Where the reader stands in `src`.
    fn position(&self) -> usize {
        self.in_src(self.reader.buffer_position())
    }

    /// A quick-xml position as an offset in `src`: past the primer, if it was read, plus what
    /// the fast lane read.
    fn in_src(&self, reader_position: u64) -> usize {
        let primer = if self.primed { PRIMER.len() } else { 0 };
        usize::try_from(reader_position)
            .unwrap_or(usize::MAX)
            .saturating_sub(primer)
            .saturating_add(self.skipped)
    }

    /// Readies quick-xml for its first read. It drops a byte order mark wherever that read
    /// starts, without counting it in its positions: the mark at the start of the input was
    /// taken off already, and where the fast lane has read on to a mark that is content,
    /// quick-xml first reads the primer, so that it reads the input as it stands.
    fn start_reader(&mut self) -> Result<(), ParseError> {
        self.reader_started = true;
        let rest: &'a [u8] = self.reader.get_ref();
        if !rest.starts_with(b"\xEF\xBB\xBF") {
            return Ok(());
        }
        *self.reader.get_mut() = PRIMER.as_bytes();
        if !matches!(self.reader.read_event(), Ok(Event::Start(_))) {
            return Err(self.error(ErrorKind::Internal("the reader did not start")));
        }
        *self.reader.get_mut() = rest;
        self.primed = true;
        Ok(())
    }

    fn next_event(&mut self) -> Result<Event<'a>, ParseError> {
        self.pos = self.position();
        if !self.reader_started {
            self.start_reader()?;
        }
        let event = self.reader.read_event();
        // Text ends where quick-xml has looked ahead; at the end or after an error it is done.
        self.between_markup =
            self.fast_lane && !matches!(event, Ok(Event::Text(_) | Event::Eof) | Err(_));
        match event {
            Ok(event) => Ok(event),
            Err(e) => {
                let at = self.in_src(self.reader.error_position());
                Err(self.error_at(self.base + at, quick_xml_error(&e)))
            }
        }
    }

    /// The part of the input a borrowed quick-xml buffer points into.
    fn span_of(&self, text: &str) -> Option<&'a str> {
        let start = (text.as_ptr() as usize).checked_sub(self.src.as_ptr() as usize)?;
        self.src.get(start..start.checked_add(text.len())?)
    }

    // ---------------------------------------------------------------- the fast lane

    /// Reads the next start or end tag (after any whitespace) straight from the input, the
    /// way quick-xml would read it: same name, attribute text and emptiness, so both lanes
    /// give the same elements, warnings and errors. `None`, having consumed nothing, when
    /// quick-xml must read on, or when the next thing is text, a comment, CDATA, a processing
    /// instruction or a declaration, or the tag does not end: quick-xml reads those.
    ///
    /// Most of an envelope is plain tags, and reading them here skips quick-xml's per-event
    /// work (its own UTF-8 check of each event, the whitespace text events and its element
    /// stack), which the whole-input check and this parser's own stack make redundant.
    fn plain_tag(&mut self) -> Option<Markup<'a>> {
        if !self.between_markup {
            return None;
        }
        let src = self.src.as_bytes();
        let start = self.position();
        let lt = skip_space(src, start);
        if src.get(lt) != Some(&b'<') {
            return None;
        }
        let gt = match src.get(lt + 1)? {
            b'!' | b'?' => return None,
            _ => tag_end(src, lt + 1)?,
        };
        let content = self.src.get(lt + 1..gt)?;
        let markup = match content.strip_prefix('/') {
            Some(name) => Markup::End(end_tag_name(name.as_bytes())),
            None => {
                let (raw, empty) = match content.strip_suffix('/') {
                    Some(raw) => (raw, true),
                    None => (content, false),
                };
                let name_len = raw.bytes().position(is_xml_space_byte).unwrap_or(raw.len());
                Markup::Start {
                    raw,
                    name_len,
                    empty,
                }
            }
        };
        self.advance_to(lt, gt + 1);
        Some(markup)
    }

    /// Reads the plain text of a leaf and its end tag straight from the input: `None`, having
    /// consumed nothing, when quick-xml must read on or the text is not plain (see
    /// [`plain_text_at`]; also more than `max_text_bytes` as written) or is not followed by an
    /// end tag.
    fn plain_text(&mut self) -> Option<(Cow<'a, str>, &'a [u8])> {
        if !self.between_markup {
            return None;
        }
        let src = self.src.as_bytes();
        let start = self.position();
        let (lt, text) = plain_text_at(self.src, start)?;
        if lt - start > self.limits.max_text_bytes || src.get(lt + 1) != Some(&b'/') {
            return None;
        }
        let gt = tag_end(src, lt + 1)?;
        let name = end_tag_name(src.get(lt + 2..gt)?);
        self.advance_to(lt, gt + 1);
        Some((text, name))
    }

    /// Whether only whitespace is left (then read), as the fast lane sees it.
    fn plain_end(&mut self) -> bool {
        let end = self.src.len();
        if !self.between_markup || skip_space(self.src.as_bytes(), self.position()) != end {
            return false;
        }
        self.advance_to(end, end);
        true
    }

    /// Moves past input the fast lane has read: `self.pos` to `at` (where the markup being
    /// handled starts, for its errors) and the reader to `end`.
    fn advance_to(&mut self, at: usize, end: usize) {
        let start = self.position();
        self.pos = at;
        *self.reader.get_mut() = self.src.as_bytes().get(end..).unwrap_or_default();
        self.skipped += end - start;
    }

    // ---------------------------------------------------------------- document level

    /// Reads the next top-level element, skipping whitespace, comments, PIs and the XML
    /// declaration; `None` at the end of input.
    pub(crate) fn next_root(&mut self) -> Result<Option<Elem<'a>>, ParseError> {
        // An XML declaration opens its document: after a comment, a processing instruction or
        // another declaration it is not XML. (Whitespace before it is let through with the
        // declaration's own warning: the writer writes neither.)
        let mut prolog_started = false;
        loop {
            match self.plain_tag() {
                Some(Markup::Start {
                    raw,
                    name_len,
                    empty,
                }) => return self.open_tag(raw, name_len, empty).map(Some),
                Some(Markup::End(_)) => return Err(self.error(ErrorKind::TrailingContent)),
                None if self.plain_end() => return Ok(None),
                None => {}
            }
            match self.next_event()? {
                Event::Start(s) => return self.open(&s, false).map(Some),
                Event::Empty(s) => return self.open(&s, true).map(Some),
                Event::Text(t) => {
                    if !t.bytes().all(is_xml_space_byte) {
                        return Err(self.error(ErrorKind::TrailingContent));
                    }
                }
                Event::Decl(d) => {
                    if prolog_started {
                        return Err(self.error(ErrorKind::MisplacedDeclaration));
                    }
                    prolog_started = true;
                    self.check_chars(&d)?;
                    self.tolerate(WarningKind::XmlDeclaration)?;
                }
                Event::Comment(c) => {
                    prolog_started = true;
                    self.comment(&c)?;
                }
                Event::PI(pi) => {
                    prolog_started = true;
                    self.processing_instruction(&pi)?;
                }
                Event::DocType(_) => return Err(self.error(ErrorKind::DocType)),
                Event::Eof => return Ok(None),
                Event::End(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    return Err(self.error(ErrorKind::TrailingContent));
                }
            }
        }
    }

    // ---------------------------------------------------------------- elements

    fn open(&mut self, start: &BytesStart<'_>, empty: bool) -> Result<Elem<'a>, ParseError> {
        let raw = self
            .span_of(start)
            .ok_or_else(|| self.error(ErrorKind::Internal("start tag outside the input")))?;
        self.open_tag(raw, start.name().as_ref().len(), empty)
    }

    /// Opens an element from the text of its start tag between `<` and `>` (or `/>`), whose
    /// first `name_len` bytes are its name; `self.pos` is at its `<`.
    fn open_tag(
        &mut self,
        raw: &'a str,
        name_len: usize,
        empty: bool,
    ) -> Result<Elem<'a>, ParseError> {
        let offset = self.offset();
        if self.stack.len() >= self.limits.max_depth {
            return Err(self.limit_error(offset, Limit::MaxDepth));
        }
        let (qname, attrs) = raw.split_at_checked(name_len).unwrap_or((raw, ""));
        // Every name is checked, skipped and raw ones too: what is kept raw is written back.
        if !is_qname(qname.as_bytes()) {
            return Err(self.error_at(offset, ErrorKind::InvalidName(excerpt(qname))));
        }
        let (prefix, local) = split_str_qname(qname);
        self.stack.push(Open {
            qname: qname.as_bytes(),
            local,
            index: 0,
        });
        let depth = self.stack.len();
        let mut elem = Elem {
            local,
            ns: Ns::None,
            prefixed: prefix.is_some(),
            empty,
            offset,
            depth,
            attrs,
            attr_at: [NO_ATTR; 3],
        };
        if !attrs.bytes().all(is_xml_space_byte) {
            self.read_attributes(attrs, depth, &mut elem)?;
        }
        elem.ns = self.resolve(prefix, true)?;
        if empty {
            // An empty element is complete: its content readers see no events.
            self.pop();
        }
        Ok(elem)
    }

    /// Reads and checks the attributes of a start tag: binds its namespace declarations,
    /// notes which attributes of interest it has, and checks the rest as XML requires
    /// (names, values, no attribute twice, every prefix bound), since unknown content is kept
    /// and written back as it stands.
    fn read_attributes(
        &mut self,
        mut rest: &'a str,
        depth: usize,
        elem: &mut Elem<'a>,
    ) -> Result<(), ParseError> {
        let all = rest;
        // Names seen on this tag; prefixed ones are resolved once every declaration of the tag
        // is bound (a declaration may follow the attribute that uses it).
        let mut names: SmallVec<[&'a [u8]; 8]> = SmallVec::new();
        loop {
            // XML wants whitespace before each attribute (`a="1"b="2"` is not XML).
            if !rest.is_empty() && !rest.starts_with(is_xml_space) {
                return Err(self.error(ErrorKind::MalformedAttribute));
            }
            let Some((name, value)) = next_attribute(&mut rest)
                .map_err(|()| self.error(ErrorKind::MalformedAttribute))?
            else {
                break;
            };
            if names.len() >= self.limits.max_attributes {
                return Err(self.limit_error(self.offset(), Limit::MaxAttributes));
            }
            let lossy = || excerpt(&String::from_utf8_lossy(name));
            if !is_qname(name) {
                return Err(self.error(ErrorKind::InvalidName(lossy())));
            }
            if names.contains(&name) {
                return Err(self.error(ErrorKind::DuplicateAttribute(lossy())));
            }
            names.push(name);
            if value.len() > self.limits.max_text_bytes {
                return Err(self.limit_error(self.offset(), Limit::MaxTextBytes));
            }
            match split_qname(name) {
                (None, b"xmlns") => self.declare(b"", value, depth)?,
                (Some(b"xmlns"), p) => self.declare(p, value, depth)?,
                (_, local) => {
                    // The escapes are checked now; the value is unescaped again when used.
                    self.check_attr_value(name, value)?;
                    if let Some(which) = AttrName::of(local) {
                        let at = (name.as_ptr() as usize).wrapping_sub(all.as_ptr() as usize);
                        if let Some(slot) = elem.attr_at.get_mut(which.index()) {
                            *slot = u32::try_from(at).unwrap_or(NO_ATTR);
                        }
                    }
                }
            }
        }
        self.check_attribute_namespaces(&names)
    }

    /// Checks an attribute value as XML requires: legal characters, no `<`, every `&` a
    /// predefined entity or a character reference to a legal character.
    fn check_attr_value(&self, name: &[u8], value: &'a str) -> Result<(), ParseError> {
        self.check_chars(value)?;
        let bad = || {
            self.error(ErrorKind::MalformedAttributeValue(excerpt(
                &String::from_utf8_lossy(name),
            )))
        };
        if memchr::memchr(b'<', value.as_bytes()).is_some() {
            return Err(bad());
        }
        if let Cow::Owned(unescaped) = self.unescape_attr(value)? {
            self.check_chars(&unescaped)?;
        }
        Ok(())
    }

    /// Resolves the prefix of every prefixed attribute of a start tag (an unbound one is an
    /// error) and refuses two attributes with the same namespace and local name.
    fn check_attribute_namespaces(&self, names: &[&'a [u8]]) -> Result<(), ParseError> {
        for (i, &name) in names.iter().enumerate() {
            let (Some(prefix), local) = split_qname(name) else {
                continue;
            };
            if prefix == b"xmlns" {
                continue;
            }
            let ns = self.resolve(Some(prefix), false)?;
            let clash = names.iter().take(i).any(|&other| match split_qname(other) {
                (Some(p), l) if p != b"xmlns" && l == local => {
                    self.resolve(Some(p), false).ok() == Some(ns)
                }
                _ => false,
            });
            if clash {
                return Err(self.error(ErrorKind::DuplicateAttribute(excerpt(
                    &String::from_utf8_lossy(name),
                ))));
            }
        }
        Ok(())
    }

    fn unescape_attr(&self, value: &'a str) -> Result<Cow<'a, str>, ParseError> {
        if memchr::memchr(b'&', value.as_bytes()).is_none() {
            return Ok(Cow::Borrowed(value));
        }
        quick_xml::escape::unescape(value)
            .map(|v| Cow::Owned(v.into_owned()))
            .map_err(|e| self.error(escape_error(&e)))
    }

    /// The attribute `which` of `elem`, if present (the start tag was checked when read).
    pub(crate) fn attr(
        &self,
        elem: &Elem<'a>,
        which: AttrName,
    ) -> Result<Option<Attr<'a>>, ParseError> {
        let at = elem.attr_at.get(which.index()).copied().unwrap_or(NO_ATTR);
        let mut rest = match elem.attrs.get(at as usize..) {
            Some(rest) if at != NO_ATTR => rest,
            _ => return Ok(None),
        };
        let Ok(Some((name, raw))) = next_attribute(&mut rest) else {
            return Ok(None);
        };
        Ok(Some(Attr {
            prefix: split_qname(name).0,
            value: self.unescape_attr(raw)?,
        }))
    }

    /// Reads a namespace declaration (`value` as written) and binds it. The usual URIs are
    /// known by one comparison, which also shows that they hold nothing to check.
    fn declare(
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
    fn bind(
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

    fn pop(&mut self) {
        let depth = self.stack.len();
        while let Some(b) = self.bindings.last().copied().filter(|b| b.depth >= depth) {
            self.bindings.pop();
            self.bindings_generation += 1;
            if b.prefix.is_empty() {
                self.default_bindings -= 1;
            }
            if b.counted {
                self.counted_bindings -= 1;
            }
        }
        self.stack.pop();
    }

    fn close(&mut self, end_name: &[u8]) -> Result<(), ParseError> {
        let expected = self.stack.last().map(|o| o.qname).unwrap_or_default();
        // quick-xml already trims end names (`trim_markup_names_in_closing_tags`).
        if end_name != expected {
            return Err(self.error(ErrorKind::MismatchedEndTag {
                expected: excerpt(&String::from_utf8_lossy(expected)),
                found: excerpt(&String::from_utf8_lossy(end_name)),
            }));
        }
        self.pop();
        Ok(())
    }

    /// The next child element of the element being read, or `None` after its end tag.
    pub(crate) fn next_child(&mut self, parent: &Elem<'a>) -> Result<Option<Elem<'a>>, ParseError> {
        if parent.empty {
            return Ok(None);
        }
        loop {
            match self.plain_tag() {
                Some(Markup::Start {
                    raw,
                    name_len,
                    empty,
                }) => return self.open_tag(raw, name_len, empty).map(Some),
                Some(Markup::End(name)) => {
                    self.close(name)?;
                    return Ok(None);
                }
                None => {}
            }
            match self.next_event()? {
                Event::Start(s) => return self.open(&s, false).map(Some),
                Event::Empty(s) => return self.open(&s, true).map(Some),
                Event::End(e) => {
                    self.close(e.name().as_ref().as_bytes())?;
                    return Ok(None);
                }
                Event::Text(t) => {
                    if !t.bytes().all(is_xml_space_byte) {
                        return Err(self.error(ErrorKind::UnexpectedText));
                    }
                }
                Event::CData(c) => {
                    if !c.bytes().all(is_xml_space_byte) {
                        return Err(self.error(ErrorKind::UnexpectedText));
                    }
                    self.tolerate(WarningKind::CData)?;
                }
                Event::GeneralRef(_) => return Err(self.error(ErrorKind::UnexpectedText)),
                Event::Comment(c) => self.comment(&c)?,
                Event::PI(pi) => self.processing_instruction(&pi)?,
                Event::Decl(_) => {
                    return Err(self.error(ErrorKind::MisplacedDeclaration));
                }
                Event::DocType(_) => return Err(self.error(ErrorKind::DocType)),
                Event::Eof => return Err(self.error(ErrorKind::UnexpectedEof)),
            }
        }
    }

    /// The text content of a leaf element, unescaped; borrowed from the input unless a
    /// reference, CDATA section or carriage return made it change.
    pub(crate) fn text(&mut self, elem: &Elem<'a>) -> Result<Cow<'a, str>, ParseError> {
        if elem.empty {
            return Ok(Cow::Borrowed(""));
        }
        if let Some((text, end_name)) = self.plain_text() {
            self.close(end_name)?;
            return Ok(text);
        }
        let mut acc: Option<Cow<'a, str>> = None;
        loop {
            let piece: Cow<'a, str> = match self.next_event()? {
                Event::Text(t) => {
                    let s = t.into_inner();
                    self.check_text(&s)?;
                    if may_hold_illegal_chars(s.as_bytes()) {
                        if memchr::memchr(b'\r', s.as_bytes()).is_some() {
                            self.tolerate(WarningKind::CarriageReturn)?;
                            Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
                        } else {
                            s
                        }
                    } else {
                        s
                    }
                }
                Event::GeneralRef(r) => Cow::Owned(self.resolve_reference(&r)?.to_string()),
                Event::CData(c) => {
                    self.tolerate(WarningKind::CData)?;
                    let s = c.into_inner();
                    self.check_chars(&s)?;
                    s
                }
                Event::End(e) => {
                    self.close(e.name().as_ref().as_bytes())?;
                    return Ok(acc.unwrap_or(Cow::Borrowed("")));
                }
                Event::Comment(c) => {
                    self.comment(&c)?;
                    continue;
                }
                Event::PI(pi) => {
                    self.processing_instruction(&pi)?;
                    continue;
                }
                Event::Start(s) | Event::Empty(s) => {
                    let name = excerpt(s.name().as_ref());
                    return Err(self.error(ErrorKind::UnexpectedElement(name)));
                }
                Event::Decl(_) => {
                    return Err(self.error(ErrorKind::MisplacedDeclaration));
                }
                Event::DocType(_) => return Err(self.error(ErrorKind::DocType)),
                Event::Eof => return Err(self.error(ErrorKind::UnexpectedEof)),
            };
            acc = Some(match acc {
                None => piece,
                Some(prev) => {
                    let mut s = prev.into_owned();
                    s.push_str(&piece);
                    Cow::Owned(s)
                }
            });
            if acc
                .as_ref()
                .is_some_and(|a| a.len() > self.limits.max_text_bytes)
            {
                return Err(self.limit_error(self.offset(), Limit::MaxTextBytes));
            }
        }
    }

    /// Rejects the characters XML 1.0 forbids (quick-xml passes them through).
    fn check_chars(&self, text: &str) -> Result<(), ParseError> {
        if !may_hold_illegal_chars(text.as_bytes()) {
            return Ok(());
        }
        match first_illegal_char(text) {
            Some(c) => Err(self.error(ErrorKind::IllegalCharacter(c))),
            None => Ok(()),
        }
    }

    /// Checks text content as written (between markup, references excluded): legal
    /// characters, no `]]>`, and at most `max_text_bytes`.
    fn check_text(&self, text: &str) -> Result<(), ParseError> {
        self.check_chars(text)?;
        if has_cdata_end(text.as_bytes()) {
            return Err(self.error(ErrorKind::CDataEndInText));
        }
        if text.len() > self.limits.max_text_bytes {
            return Err(self.limit_error(self.offset(), Limit::MaxTextBytes));
        }
        Ok(())
    }

    /// Checks a comment (no `--` in it, no `-` at its end, legal characters) and accepts it.
    fn comment(&mut self, text: &str) -> Result<(), ParseError> {
        if memchr::memmem::find(text.as_bytes(), b"--").is_some() || text.ends_with('-') {
            return Err(self.error(ErrorKind::MalformedComment));
        }
        self.check_chars(text)?;
        self.tolerate(WarningKind::Comment)
    }

    /// Checks a processing instruction (a target that is a name without colon and not `xml`
    /// in any case, legal characters) and accepts it.
    fn processing_instruction(
        &mut self,
        pi: &quick_xml::events::BytesPI<'_>,
    ) -> Result<(), ParseError> {
        let target = pi.target();
        if !is_ncname(target.as_bytes()) || target.eq_ignore_ascii_case("xml") {
            return Err(self.error(ErrorKind::InvalidName(excerpt(target))));
        }
        let content = pi.content();
        if !content.is_empty() && !content.starts_with(is_xml_space) {
            return Err(self.error(ErrorKind::InvalidName(excerpt(target))));
        }
        self.check_chars(content)?;
        self.tolerate(WarningKind::ProcessingInstruction)
    }

    fn resolve_reference(&mut self, r: &BytesRef<'_>) -> Result<char, ParseError> {
        if r.is_char_ref() {
            let name = || r.to_string();
            let c = match r.resolve_char_ref() {
                Ok(Some(c)) => c,
                _ => return Err(self.error(ErrorKind::InvalidCharRef(name()))),
            };
            if is_illegal_char(c) {
                return Err(self.error(ErrorKind::IllegalCharacter(u32::from(c))));
            }
            // Canonical output writes a carriage return as a reference (a literal one would
            // be read back as a line feed), so that one is not a quirk.
            if c != '\r' {
                self.tolerate(WarningKind::CharacterReference)?;
            }
            return Ok(c);
        }
        match &**r {
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "amp" => Ok('&'),
            "quot" => Ok('"'),
            "apos" => Ok('\''),
            other => {
                let mut name = other.to_owned();
                name.truncate(64);
                Err(self.error(ErrorKind::UnknownEntity(name)))
            }
        }
    }

    /// Skips an element and everything in it; returns the offset just past its end tag.
    pub(crate) fn skip(&mut self, elem: &Elem<'a>) -> Result<usize, ParseError> {
        if elem.empty {
            return Ok(self.reader_position());
        }
        let depth = self.stack.len();
        loop {
            match self.next_event()? {
                Event::Start(s) => {
                    self.open(&s, false)?;
                }
                Event::End(e) => {
                    self.close(e.name().as_ref().as_bytes())?;
                    if self.stack.len() < depth {
                        return Ok(self.reader_position());
                    }
                }
                Event::GeneralRef(r) => {
                    self.resolve_reference(&r)?;
                }
                Event::DocType(_) => return Err(self.error(ErrorKind::DocType)),
                Event::Eof => return Err(self.error(ErrorKind::UnexpectedEof)),
                Event::Decl(_) => {
                    return Err(self.error(ErrorKind::MisplacedDeclaration));
                }
                Event::Empty(s) => {
                    self.open(&s, true)?;
                }
                Event::Text(t) => self.check_text(&t)?,
                Event::CData(c) => {
                    self.check_chars(&c)?;
                    self.tolerate(WarningKind::CData)?;
                }
                Event::Comment(c) => self.comment(&c)?,
                Event::PI(pi) => self.processing_instruction(&pi)?,
            }
        }
    }

    /// Skips an unknown element, recording that it was skipped.
    pub(crate) fn skip_unknown(&mut self, elem: &Elem<'a>) -> Result<(), ParseError> {
        self.tolerate_in(elem, WarningKind::UnknownElement)?;
        self.skip(elem).map(drop)
    }

    /// Reads an element the codec does not know, to keep it raw: its whole XML text, start
    /// tag to end tag, borrowed from the input, and the namespace declarations made outside it
    /// that it uses ([`uses_prefix`]; the default namespace always), which the writer adds to
    /// its start tag.
    ///
    /// What is kept is bounded so that writing it, and reading that again, stays within the
    /// limits: the text with the declarations the writer adds is at most `max_text_bytes`,
    /// the start tag's attributes with them at most `max_attributes`, and everything kept raw
    /// in the input (with `namespace`, the URI the caller keeps beside it) at most
    /// `max_raw_bytes`, however often one declaration is relied on.
    pub(crate) fn keep_raw(
        &mut self,
        elem: &Elem<'a>,
        namespace: &str,
    ) -> Result<RawElement<'a>, ParseError> {
        // The element's own declarations (made at its depth) win over outer ones, and it
        // carries them itself: their prefixes are left out. Reading it pops them.
        let own: SmallVec<[&[u8]; 8]> = self
            .bindings
            .iter()
            .filter(|b| b.depth == elem.depth)
            .map(|b| b.prefix)
            .collect();
        let start = elem.offset - self.base;
        let end = self.skip(elem)? - self.base;
        let xml = self.src.get(start..end).unwrap_or_default();
        // What is left in scope was declared outside it; innermost first, each prefix once.
        let mut in_scope: Vec<(Cow<'a, str>, Cow<'a, str>)> = Vec::new();
        for (i, b) in self.bindings.iter().enumerate().rev() {
            let shadowed = self
                .bindings
                .get(i + 1..)
                .is_some_and(|inner| inner.iter().any(|later| later.prefix == b.prefix));
            if b.depth >= elem.depth || shadowed || own.contains(&b.prefix) {
                continue;
            }
            let prefix = std::str::from_utf8(b.prefix).unwrap_or_default();
            if prefix.is_empty() || uses_prefix(xml, prefix) {
                in_scope.push((Cow::Borrowed(prefix), Cow::Borrowed(b.ns.uri())));
            }
        }
        // ` xmlns:p="uri"` for each, as the writer adds it.
        let added: usize = in_scope.iter().map(|(p, u)| p.len() + u.len() + 11).sum();
        if xml.len() + added > self.limits.max_text_bytes {
            return Err(self.limit_error_in(elem, Limit::MaxTextBytes));
        }
        let mut attrs = elem.attrs;
        let mut count = in_scope.len();
        while let Ok(Some(_)) = next_attribute(&mut attrs) {
            count += 1;
        }
        if count > self.limits.max_attributes {
            return Err(self.limit_error_in(elem, Limit::MaxAttributes));
        }
        self.raw_bytes = self
            .raw_bytes
            .saturating_add(xml.len() + added + namespace.len());
        if self.raw_bytes > self.limits.max_raw_bytes {
            return Err(self.limit_error_in(elem, Limit::MaxRawBytes));
        }
        Ok(RawElement { xml, in_scope })
    }

    fn reader_position(&self) -> usize {
        self.base + self.position()
    }

    /// Reads the usual shape of a `ParameterValueStruct`'s content straight from the input:
    /// `<Name>text</Name>` then `<Value xsi:type="xsd:T">text</Value>` (or an empty
    /// `<Value xsi:type="xsd:T"/>`), whitespace allowed between them. Only input the general
    /// path reads without any warning qualifies: plain text ([`plain_text_at`]: no CDATA,
    /// comment, carriage return, control character or reference but the predefined entities), a name without surrounding whitespace, a known
    /// type whose text is in canonical form, `xsi`/`xsd` bound as usual and no default
    /// namespace in scope. Anything else returns `None` having consumed nothing, and the general
    /// path reads it; where both apply they give the same result.
    ///
    /// Large responses are almost all parameters, and this skips quick-xml's six events per
    /// parameter. quick-xml never sees the two leaves, which are balanced, so its own element
    /// stack stays consistent; `skipped` keeps the offsets exact.
    pub(crate) fn fast_parameter(
        &mut self,
        parent: &Elem<'a>,
    ) -> Option<(Cow<'a, str>, crate::value::Value<'a>)> {
        use crate::value::{Value, XsdType};
        if !self.between_markup
            || parent.empty
            || self.default_bindings > 0
            || parent.depth + 1 > self.limits.max_depth
        {
            return None;
        }
        let src = self.src.as_bytes();
        let start = self.position();
        let mut i = skip_space(src, start);
        i = expect(src, i, b"<Name>")?;
        let name_at = i;
        let name;
        (i, name) = plain_text_at(self.src, i)?;
        let name_len = i - name_at;
        i = expect(src, i, b"</Name>")?;
        i = skip_space(src, i);
        i = expect(src, i, b"<Value xsi:type=\"")?;
        let type_at = i;
        i += src.get(i..)?.iter().position(|&b| b == b'"')?;
        let type_name = self.src.get(type_at..i)?;
        i += 1;
        let empty = match src.get(i..i + 2)? {
            [b'/', b'>'] => true,
            [b'>', _] => false,
            _ => return None,
        };
        i += if empty { 2 } else { 1 };
        let value_at = i;
        let mut text = Cow::Borrowed("");
        if !empty {
            (i, text) = plain_text_at(self.src, i)?;
        }
        let text_len = i - value_at;
        if !empty {
            i = expect(src, i, b"</Value>")?;
        }
        let (prefix, local) = type_name.split_once(':')?;
        let xsd_type = XsdType::from_local_name(local);
        let plain_name = !name.is_empty()
            && trim_str(&name).len() == name.len()
            && name_len.max(text_len) <= self.limits.max_text_bytes;
        let canonical = match &xsd_type {
            XsdType::Other(_) => false,
            XsdType::String => true,
            XsdType::Boolean => matches!(&*text, "true" | "false" | "1" | "0"),
            t => trim_str(&text).len() == text.len() && t.accepts(&text),
        };
        if !plain_name || !canonical || !self.usual_type_prefixes(prefix) {
            return None;
        }
        self.advance_to(start, i);
        Some((name, Value { xsd_type, text }))
    }

    /// Whether `xsi` and `prefix` are bound to the XML Schema instance and XML Schema
    /// namespaces; for the usual `xsd`, the answer is kept until a declaration changes.
    fn usual_type_prefixes(&mut self, prefix: &str) -> bool {
        let check = |p: &Self, prefix: &[u8]| {
            p.resolve(Some(b"xsi"), false).ok() == Some(Ns::Xsi)
                && p.resolve(Some(prefix), false).ok() == Some(Ns::Xsd)
        };
        if prefix != "xsd" {
            return check(self, prefix.as_bytes());
        }
        match self.xsd_prefixes_checked {
            Some((generation, ok)) if generation == self.bindings_generation => ok,
            _ => {
                let ok = check(self, b"xsd");
                self.xsd_prefixes_checked = Some((self.bindings_generation, ok));
                ok
            }
        }
    }

    /// Parses the trimmed text of a leaf with `parse`, warning about surrounding whitespace.
    pub(crate) fn parse_text<T>(
        &mut self,
        elem: &Elem<'a>,
        expected: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, ParseError> {
        self.no_xsi_type(elem)?;
        let text = self.text(elem)?;
        self.parse_str(&text, elem, expected, parse)
    }

    pub(crate) fn parse_str<T>(
        &mut self,
        text: &str,
        elem: &Elem<'a>,
        expected: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Result<T, ParseError> {
        let trimmed = text.trim_matches(is_xml_space);
        if trimmed.len() != text.len() {
            self.tolerate_in(elem, WarningKind::SurroundingWhitespace)?;
        }
        parse(trimmed).ok_or_else(|| {
            self.error_in(
                elem,
                ErrorKind::InvalidValue {
                    expected,
                    found: crate::value::truncate(text),
                },
            )
        })
    }

    /// Warns about `xsi:type` on an element whose type the schema fixes.
    pub(crate) fn no_xsi_type(&mut self, elem: &Elem<'a>) -> Result<(), ParseError> {
        if elem.has(AttrName::Type) {
            self.tolerate_in(elem, WarningKind::XsiTypeOnStructural)?;
        }
        Ok(())
    }

    /// Checks that a child element is unqualified, as the cwmp schemas say.
    pub(crate) fn check_unqualified(&mut self, elem: &Elem<'a>) -> Result<(), ParseError> {
        if elem.ns != Ns::None {
            self.tolerate_in(elem, WarningKind::QualifiedChild)?;
        }
        Ok(())
    }
}

/// Splits `prefix:local` at the first colon, by byte (a colon is ASCII, so both halves are
/// text).
fn split_str_qname(name: &str) -> (Option<&[u8]>, &str) {
    match name.bytes().position(|b| b == b':') {
        Some(i) => (
            name.as_bytes().get(..i),
            name.get(i + 1..).unwrap_or_default(),
        ),
        None => (None, name),
    }
}

/// `text` without XML whitespace at either end; the common case, none, costs two byte reads.
pub(crate) fn trim_str(text: &str) -> &str {
    let b = text.as_bytes();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) if !is_xml_space_byte(f) && !is_xml_space_byte(l) => text,
        (None, _) | (_, None) => text,
        _ => text.trim_matches(is_xml_space),
    }
}

fn skip_space(src: &[u8], mut i: usize) -> usize {
    while src.get(i).is_some_and(|&b| is_xml_space_byte(b)) {
        i += 1;
    }
    i
}

/// The position after `lit` at `i`, if it is there.
fn expect(src: &[u8], i: usize, lit: &[u8]) -> Option<usize> {
    src.get(i..)?.starts_with(lit).then_some(i + lit.len())
}

/// The plain text starting at `i` and where it ends (its `<`), with the predefined entity
/// references (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`) replaced, which the general path
/// replaces without a warning. `None` for text the general path would warn about or reject:
/// any other reference, a carriage return or another control character than tab and line feed,
/// or no `<` to end it.
fn plain_text_at(src: &str, i: usize) -> Option<(usize, Cow<'_, str>)> {
    let rest = src.get(i..)?;
    let len = memchr::memchr(b'<', rest.as_bytes())?;
    let text = rest.get(..len)?;
    let bytes = text.as_bytes();
    // Control bytes and noncharacters are rare: a vectorised scan first, the exact tests only
    // when it finds a candidate.
    if may_hold_illegal_chars(bytes)
        && (bytes.iter().any(|&b| b < 0x20 && b != b'\t' && b != b'\n')
            || first_illegal_char(text).is_some())
    {
        return None;
    }
    if has_cdata_end(bytes) {
        return None;
    }
    let Some(first) = memchr::memchr(b'&', bytes) else {
        return Some((i + len, Cow::Borrowed(text)));
    };
    let mut out = String::with_capacity(len);
    let mut rest = text;
    let mut amp = first;
    loop {
        out.push_str(rest.get(..amp)?);
        let after = rest.get(amp + 1..)?;
        let (c, name_len) = match after.as_bytes() {
            [b'a', b'm', b'p', b';', ..] => ('&', 4),
            [b'l', b't', b';', ..] => ('<', 3),
            [b'g', b't', b';', ..] => ('>', 3),
            [b'q', b'u', b'o', b't', b';', ..] => ('"', 5),
            [b'a', b'p', b'o', b's', b';', ..] => ('\'', 5),
            _ => return None,
        };
        out.push(c);
        rest = after.get(name_len..)?;
        match memchr::memchr(b'&', rest.as_bytes()) {
            Some(next) => amp = next,
            None => break,
        }
    }
    out.push_str(rest);
    Some((i + len, Cow::Owned(out)))
}

/// Where the tag whose `<` is just before `i` ends (its `>`), skipping quoted attribute
/// values as quick-xml does.
fn tag_end(src: &[u8], i: usize) -> Option<usize> {
    let rest = src.get(i..)?;
    let mut quote = None;
    for at in memchr::memchr3_iter(b'>', b'"', b'\'', rest) {
        quote = match (quote, *rest.get(at)?) {
            (None, b'>') => return Some(i + at),
            (None, q) => Some(q),
            (Some(q), c) if q == c => None,
            (open, _) => open,
        };
    }
    None
}

/// An end tag's name as quick-xml reads it: without XML whitespace at its end, unless it is
/// all whitespace (then kept whole, for its error message).
fn end_tag_name(b: &[u8]) -> &[u8] {
    match b.iter().rposition(|&c| !is_xml_space_byte(c)) {
        Some(last) => b.get(..=last).unwrap_or_default(),
        None => b,
    }
}

/// Whether any byte is below 0x20 (a control character, a line end or a tab): the common case,
/// none, is one pass the compiler vectorises.
fn has_control_bytes(bytes: &[u8]) -> bool {
    bytes.iter().fold(u8::MAX, |m, &b| m.min(b)) < 0x20
}

/// Whether `bytes` may hold a character XML 1.0 forbids: a byte below 0x20 (tab and line ends
/// included) or one from 0xEF up (U+FFFE and U+FFFF start with 0xEF). One pass the compiler
/// vectorises; [`first_illegal_char`] gives the exact answer where this says yes.
fn may_hold_illegal_chars(bytes: &[u8]) -> bool {
    let (lo, hi) = bytes
        .iter()
        .fold((u8::MAX, 0u8), |(lo, hi), &b| (lo.min(b), hi.max(b)));
    lo < 0x20 || hi >= 0xEF
}

/// Whether XML 1.0 forbids `c` (production 2, `Char`; a Rust `char` is never a surrogate).
pub(crate) fn is_illegal_char(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}'
    )
}

/// The first character of `text` that XML 1.0 forbids, as a code point.
fn first_illegal_char(text: &str) -> Option<u32> {
    text.chars().find(|&c| is_illegal_char(c)).map(u32::from)
}

/// Whether `]]>` stands in `text`, which XML forbids outside a CDATA section.
fn has_cdata_end(bytes: &[u8]) -> bool {
    memchr::memchr(b'>', bytes).is_some() && memchr::memmem::find(bytes, b"]]>").is_some()
}

/// Whether a declaration is one of the five the canonical writer puts on every envelope
/// (`SOAP-ENV`, `SOAP-ENC`, `xsd`, `xsi` and `cwmp` bound to their URIs): those do not count
/// against `max_namespace_bindings`, so that reading what was written never meets the limit
/// where reading the original did not. At most five per element and `max_depth` elements
/// deep, so they stay bounded.
fn is_canonical_binding(prefix: &[u8], ns: Ns<'_>, old: bool) -> bool {
    !old && match ns {
        Ns::SoapEnv => prefix == b"SOAP-ENV",
        Ns::SoapEnc => prefix == b"SOAP-ENC",
        Ns::Xsd => prefix == b"xsd",
        Ns::Xsi => prefix == b"xsi",
        Ns::Cwmp(_) => prefix == b"cwmp",
        Ns::None | Ns::Other(_) => false,
    }
}

/// Whether `name` is an XML name without colon (Namespaces in XML 1.0, `NCName`): ASCII
/// checked byte by byte, other characters against the ranges of XML 1.0 fifth edition.
pub(crate) fn is_ncname(name: &[u8]) -> bool {
    let Some((&first, rest)) = name.split_first() else {
        return false;
    };
    if first < 0x80 && rest.iter().all(|&b| b < 0x80) {
        return (first.is_ascii_alphabetic() || first == b'_')
            && rest
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    }
    let Ok(name) = std::str::from_utf8(name) else {
        return false;
    };
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

/// XML 1.0 production 4, `NameStartChar`, without the colon.
fn is_name_start_char(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 production 4a, `NameChar`, without the colon.
fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `name` is `NCName` or `NCName:NCName`.
fn is_qname(name: &[u8]) -> bool {
    match split_qname(name) {
        (Some(prefix), local) => is_ncname(prefix) && is_ncname(local),
        (None, local) => is_ncname(local),
    }
}

fn split_qname(name: &[u8]) -> (Option<&[u8]>, &[u8]) {
    // Names are short: a plain loop beats a call into memchr.
    match name.iter().position(|&b| b == b':') {
        Some(i) => (name.get(..i), name.get(i + 1..).unwrap_or_default()),
        None => (None, name),
    }
}

fn trim_bytes(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|&c| !is_xml_space_byte(c))
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| !is_xml_space_byte(c))
        .map_or(start, |e| e + 1);
    b.get(start..end).unwrap_or_default()
}

/// The kind of a quick-xml error: each condition its own kind, any other (quick-xml adds
/// some now and then) malformed markup.
fn quick_xml_error(e: &quick_xml::Error) -> ErrorKind {
    use quick_xml::errors::{IllFormedError, SyntaxError};
    match e {
        quick_xml::Error::Syntax(s) => match s {
            SyntaxError::InvalidBangMarkup => ErrorKind::InvalidMarkup,
            SyntaxError::UnclosedPI => ErrorKind::Unclosed(Construct::ProcessingInstruction),
            SyntaxError::UnclosedXmlDecl => ErrorKind::Unclosed(Construct::Declaration),
            SyntaxError::UnclosedComment => ErrorKind::Unclosed(Construct::Comment),
            SyntaxError::UnclosedDoctype => ErrorKind::Unclosed(Construct::Doctype),
            SyntaxError::UnclosedCData => ErrorKind::Unclosed(Construct::CData),
            SyntaxError::UnclosedSingleQuotedAttributeValue
            | SyntaxError::UnclosedDoubleQuotedAttributeValue => {
                ErrorKind::Unclosed(Construct::AttributeValue)
            }
            _ => ErrorKind::Unclosed(Construct::Tag),
        },
        quick_xml::Error::IllFormed(i) => match i {
            IllFormedError::MissingDeclVersion(_) | IllFormedError::UnknownVersion => {
                ErrorKind::MalformedDeclaration
            }
            IllFormedError::MissingDoctypeName => ErrorKind::DocType,
            IllFormedError::DoubleHyphenInComment => ErrorKind::MalformedComment,
            IllFormedError::UnclosedReference => ErrorKind::UnterminatedReference,
            IllFormedError::MismatchedEndTag { expected, found } => ErrorKind::MismatchedEndTag {
                expected: excerpt(expected),
                found: excerpt(found),
            },
            IllFormedError::UnmatchedEndTag(found) => ErrorKind::MismatchedEndTag {
                expected: String::new(),
                found: excerpt(found),
            },
            _ => ErrorKind::UnexpectedEof,
        },
        quick_xml::Error::Escape(e) => escape_error(e),
        quick_xml::Error::Encoding(_) => ErrorKind::InvalidUtf8,
        quick_xml::Error::InvalidAttr(_) => ErrorKind::MalformedAttribute,
        _ => {
            ErrorKind::Internal("an i/o or namespace error from quick-xml, which is given neither")
        }
    }
}

/// The kind of an error unescaping text or an attribute value.
fn escape_error(e: &quick_xml::escape::EscapeError) -> ErrorKind {
    use quick_xml::escape::EscapeError;
    match e {
        EscapeError::UnrecognizedEntity(_, name) => ErrorKind::UnknownEntity(excerpt(name)),
        EscapeError::InvalidCharRef(e) => ErrorKind::InvalidCharRef(excerpt(&e.to_string())),
        _ => ErrorKind::UnterminatedReference,
    }
}

/// An element kept raw ([`Parser::keep_raw`]).
pub(crate) struct RawElement<'a> {
    /// Its XML text, start tag to end tag.
    pub(crate) xml: &'a str,
    /// The declarations made outside it that it uses.
    pub(crate) in_scope: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

/// Whether `xml` names `prefix` (`prefix:` after a character that cannot be part of a name):
/// in an element or attribute name, or in a value such as `xsi:type="p:T"` that a reader of
/// the raw element may resolve. Reading more uses than there are costs a declaration; reading
/// fewer would leave a prefix unbound, so any `prefix:` counts.
fn uses_prefix(xml: &str, prefix: &str) -> bool {
    let bytes = xml.as_bytes();
    memchr::memmem::find_iter(bytes, prefix.as_bytes()).any(|at| {
        let before = at.checked_sub(1).and_then(|i| bytes.get(i));
        bytes.get(at + prefix.len()) == Some(&b':')
            && !before.is_some_and(|&b| {
                b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') || b >= 0x80
            })
    })
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

impl<'a> FromXml<'a> for crate::value::Value<'a> {
    fn from_xml(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Self, ParseError> {
        use crate::value::XsdType;
        let xsi_type = p.attr(&elem, AttrName::Type)?;
        let xsd_type = match &xsi_type {
            None => {
                p.tolerate_in(&elem, WarningKind::MissingXsiType)?;
                XsdType::String
            }
            Some(attr) if attr.value.trim_matches(is_xml_space).is_empty() => {
                p.tolerate_in(&elem, WarningKind::EmptyXsiType)?;
                XsdType::String
            }
            Some(attr) => {
                if p.resolve(attr.prefix, false)? != Ns::Xsi {
                    // `type` in another namespace is no xsi:type: treat as missing.
                    p.tolerate_in(&elem, WarningKind::MissingXsiType)?;
                    XsdType::String
                } else {
                    value_type(p, &elem, attr.value.clone())?
                }
            }
        };
        let text = p.text(&elem)?;
        if xsd_type == XsdType::String {
            // Any text is a string: nothing to check.
        } else if !xsd_type.accepts(&text) {
            p.tolerate_in(&elem, WarningKind::ValueTypeMismatch)?;
        } else if !matches!(xsd_type, XsdType::Other(_)) && trim_str(&text).len() != text.len() {
            p.tolerate_in(&elem, WarningKind::SurroundingWhitespace)?;
        } else if xsd_type == XsdType::Boolean && !matches!(&*text, "true" | "false" | "1" | "0") {
            p.tolerate_in(&elem, WarningKind::BooleanCase)?;
        }
        Ok(Self { xsd_type, text })
    }
}

fn value_type<'a>(
    p: &mut Parser<'a>,
    elem: &Elem<'a>,
    raw: Cow<'a, str>,
) -> Result<crate::value::XsdType<'a>, ParseError> {
    use crate::value::XsdType;
    let (prefix, local, facet) = split_type_name(&raw);
    if facet {
        p.tolerate_in(elem, WarningKind::SizeFacet)?;
    }
    // `xsd:` (as a deployed Audiocodes CPE sends), `()`, `xsd:(64)`: a type attribute that
    // names no type is read as no type at all, as an empty one is.
    if trim_str(local).is_empty() {
        p.tolerate_in(elem, WarningKind::EmptyXsiType)?;
        return Ok(XsdType::String);
    }
    let ns = match prefix {
        Some(prefix) => match p.resolve(Some(prefix.as_bytes()), true) {
            Ok(ns) => ns,
            Err(_) if !p.strict => Ns::None,
            Err(e) => return Err(e),
        },
        None => p.resolve(None, true)?,
    };
    let known = matches!(ns, Ns::Xsd | Ns::SoapEnc);
    let t = XsdType::from_local_name(local);
    // A name kept as `Other` is written back into an attribute: it must be a name.
    if matches!(t, XsdType::Other(_)) && !is_ncname(local.as_bytes()) {
        return Err(p.error_in(
            elem,
            ErrorKind::InvalidValue {
                expected: "xsi:type",
                found: crate::value::truncate(&raw),
            },
        ));
    }
    // Written back as `xsd:<name>`: keep that within the limit the reader applies to it.
    if matches!(t, XsdType::Other(_)) && local.len() + 4 > p.limits.max_text_bytes {
        return Err(p.limit_error_in(elem, Limit::MaxTextBytes));
    }
    if !known || matches!(t, XsdType::Other(_)) {
        p.tolerate_in(elem, WarningKind::UnknownXsiType)?;
    }
    Ok(match t {
        XsdType::Other(_) => XsdType::Other(match raw {
            Cow::Borrowed(r) => Cow::Borrowed(split_type_name(r).1),
            Cow::Owned(_) => Cow::Owned(local.to_owned()),
        }),
        t => t.into_owned(),
    })
}

/// Splits an `xsi:type` value into prefix, local name and whether it carried a size facet
/// (`xsd:string(64)`, as the TTA examples write): the one place that reads the value's shape,
/// so the name checked is the name kept.
fn split_type_name(raw: &str) -> (Option<&str>, &str, bool) {
    let trimmed = trim_str(raw);
    let (name, facet) = match memchr::memchr(b'(', trimmed.as_bytes()) {
        Some(i) if trimmed.ends_with(')') => (trimmed.get(..i).unwrap_or_default(), true),
        _ => (trimmed, false),
    };
    match name.split_once(':') {
        Some((prefix, local)) => (Some(prefix), local, facet),
        None => (None, name, facet),
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

#[cfg(test)]
mod tests {
    use super::set_fast_lane;
    use crate::{Message, ReadOptions};

    /// Every test vector of the crate, as (name, bytes).
    fn vectors() -> Vec<(String, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
        let mut out = Vec::new();
        for dir in std::fs::read_dir(root).unwrap() {
            for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|e| e == "xml") {
                    out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
                }
            }
        }
        out.sort();
        assert!(out.len() > 20, "the vectors are missing");
        out
    }

    /// Both lanes give the same envelopes, warnings and errors for `input`, leniently and
    /// strictly.
    fn same_in_both_lanes(name: &str, input: &[u8]) {
        for opts in [ReadOptions::lenient(), ReadOptions::strict()] {
            set_fast_lane(true);
            let fast = Message::parse_with(input, &opts);
            set_fast_lane(false);
            let general = Message::parse_with(input, &opts);
            set_fast_lane(true);
            assert_eq!(
                fast,
                general,
                "{name} (strict: {}): {}",
                opts.strict,
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn the_fast_lane_reads_the_vectors_as_the_general_path_does() {
        for (name, bytes) in vectors() {
            same_in_both_lanes(&name, &bytes);
        }
    }

    #[test]
    fn the_fast_lane_reads_odd_tags_as_the_general_path_does() {
        const ENV: &str = r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">"#;
        for tail in [
            // An end tag that is all whitespace (found by fuzzing: quick-xml keeps it whole).
            "<SOAP-ENV:Body></ \t\r\n>",
            "<SOAP-ENV:Body ></SOAP-ENV:Body\n\t></SOAP-ENV:Envelope >",
            "<SOAP-ENV:Body><cwmp:RebootResponse/></SOAP-ENV:Body a='>'></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:RebootResponse a=\"/>\"/></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:RebootResponse/ ></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body>< cwmp:RebootResponse/></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><></></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0\r</Status></cwmp:SetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0<!----></Status></cwmp:SetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0</Status ></cwmp:SetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0</status></cwmp:SetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0</Status></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse>",
        ] {
            same_in_both_lanes(tail, format!("{ENV}{tail}").as_bytes());
        }
        // References: the predefined entities are read in the fast lane, the others not.
        const GPVR: &str = r#"<SOAP-ENV:Body><cwmp:GetParameterValuesResponse xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><ParameterList>"#;
        for text in [
            "a&amp;b",
            "&lt;&gt;&quot;&apos;",
            "&amp;amp;",
            "a&#32;b",
            "&#x26;",
            "&bogus;",
            "a&amp",
            "a & b",
            "&",
            "&amp;&",
            "&amp ;",
            "1&#13;",
            " &amp;1 ",
            "&lt;x&gt;",
        ] {
            for tail in [
                format!(
                    "<ParameterValueStruct><Name>{text}</Name><Value xsi:type=\"xsd:string\">{text}</Value></ParameterValueStruct>"
                ),
                format!(
                    "<ParameterValueStruct><Name>A</Name><Value xsi:type=\"xsd:int\">{text}</Value></ParameterValueStruct>"
                ),
                format!(
                    "<ParameterValueStruct><Name>A</Name><Value xsi:type=\"xsd:boolean\">{text}</Value></ParameterValueStruct>"
                ),
                format!(
                    "<ParameterValueStruct><Name>A</Name><Value>{text}</Value></ParameterValueStruct>"
                ),
            ] {
                let xml = format!(
                    "{ENV}{GPVR}{tail}</ParameterList></cwmp:GetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
                );
                same_in_both_lanes(&tail, xml.as_bytes());
            }
        }
        for tail in [
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>&amp;0</Status></cwmp:SetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Header><cwmp:ID SOAP-ENV:mustUnderstand=\"1\">a&lt;b&#62;</cwmp:ID></SOAP-ENV:Header><SOAP-ENV:Body/></SOAP-ENV:Envelope>",
        ] {
            same_in_both_lanes(tail, format!("{ENV}{tail}").as_bytes());
        }
    }

    #[test]
    fn the_fast_lane_reads_cut_and_damaged_input_as_the_general_path_does() {
        // Each byte that starts, ends or quotes markup or text, put in at many places, and
        // many cuts of every vector (strides keep a debug build under a few seconds; the
        // fuzz target `cwmp_parse` compares the lanes on everything it makes).
        const BYTES: &[u8] = b"<>/\"' &\r!?=:\t";
        for (name, bytes) in vectors() {
            for cut in (0..bytes.len()).step_by(5) {
                same_in_both_lanes(&name, &bytes[..cut]);
            }
            for at in (0..bytes.len()).step_by(31) {
                for &b in BYTES {
                    let mut damaged = bytes.clone();
                    damaged[at] = b;
                    same_in_both_lanes(&name, &damaged);
                    damaged.insert(at, b);
                    same_in_both_lanes(&name, &damaged);
                }
            }
        }
    }
}
