//! The parser core: quick-xml events, elements and their attributes, text, what is skipped or
//! kept raw, and the errors and warnings, each with its offset and element path.

use std::borrow::Cow;

use quick_xml::events::{BytesCData, BytesEnd, BytesRef, BytesStart, BytesText, Event};
use smallvec::SmallVec;

use super::fast::{Markup, fast_lane_enabled};
use super::lex::*;
use super::ns::{Binding, Ns};
use super::{Parsed, RawElement, ReadOptions};
use crate::error::{Construct, ErrorKind, Limit, ParseError, Warning, WarningKind, excerpt};
use crate::limits::Limits;
use crate::value::Value;

/// A start tag quick-xml reads first when the input where it starts begins with a byte order
/// mark ([`Parser::start_reader`]).
pub(crate) const PRIMER: &str = "<_>";

#[derive(Debug, Clone, Copy)]
pub(crate) struct Open<'a> {
    pub(super) qname: &'a [u8],
    pub(super) local: &'a str,
    /// 1-based index among array items, 0 when not an array item.
    pub(super) index: usize,
}

/// An attribute of interest: its namespace prefix (resolved lazily) and value.
#[derive(Debug, Clone)]
pub(crate) struct Attr<'a> {
    pub(crate) prefix: Option<&'a [u8]>,
    pub(crate) value: Cow<'a, str>,
}

/// What an element may hold, as quick-xml reads it ([`Parser::next_content`]).
pub(crate) enum Content<'a> {
    /// A start tag, and whether it was self-closed.
    Start(BytesStart<'a>, bool),
    End(BytesEnd<'a>),
    Text(BytesText<'a>),
    CData(BytesCData<'a>),
    Reference(BytesRef<'a>),
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
    pub(super) attr_at: [u32; 3],
}

/// No such attribute, in [`Elem::attr_at`].
pub(crate) const NO_ATTR: u32 = u32::MAX;

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

/// The reader state shared by every `FromXml` implementation.
pub(crate) struct Parser<'a> {
    /// The input, checked as UTF-8 once, so every span taken from it is text without a
    /// second check.
    pub(super) src: &'a str,
    /// Bytes removed before `input` (a byte order mark), added to every reported offset.
    pub(super) base: usize,
    pub(super) reader: quick_xml::Reader<&'a [u8]>,
    pub(crate) strict: bool,
    pub(crate) limits: Limits,
    /// Offset of the event being handled.
    pub(super) pos: usize,
    /// Open elements; inline for twice the depth of the deepest CWMP envelope, so reading one
    /// allocates nothing for it (quick-xml keeps its own copy of the names, which its parser
    /// needs). Kept small: the parser is moved when made, and its size is copied each time.
    pub(super) stack: SmallVec<[Open<'a>; 16]>,
    /// Namespace declarations in scope; inline for the usual five to eight.
    pub(super) bindings: SmallVec<[Binding<'a>; 8]>,
    pub(super) warnings: Option<Vec<Warning>>,
    /// Warnings past `max_warnings`, counted.
    pub(super) dropped_warnings: usize,
    /// Namespace declarations in scope that count against `max_namespace_bindings`: all but
    /// the canonical five ([`is_canonical_binding`]), which the writer adds to every envelope,
    /// so that what was read always reads back.
    pub(super) counted_bindings: usize,
    /// Bytes of unknown content kept raw so far, against `max_raw_bytes`.
    pub(super) raw_bytes: usize,
    /// The cwmp namespace minor number seen in the current envelope.
    pub(super) cwmp_minor: Option<u8>,
    /// Default-namespace declarations in scope: while there are none, an unprefixed name is in
    /// no namespace without a lookup.
    pub(super) default_bindings: usize,
    /// Input read behind quick-xml's back (the fast lane: [`Parser::plain_tag`],
    /// [`Parser::plain_text`], [`Parser::fast_parameter`]): added to its positions so every
    /// offset stays exact.
    pub(super) skipped: usize,
    /// Whether quick-xml stands between markup, where it reads whatever comes next from
    /// scratch: then the fast lane may read the next markup itself. After a text event
    /// quick-xml has already looked at the `<` or `&` that ended the text, so it must read on.
    pub(super) between_markup: bool,
    /// Whether quick-xml has been asked for an event ([`Parser::start_reader`]).
    pub(super) reader_started: bool,
    /// Whether quick-xml read [`PRIMER`] first, which its positions count.
    pub(super) primed: bool,
    /// Whether the fast lane is used at all (always, but in tests that compare the lanes).
    pub(super) fast_lane: bool,
    /// Bumped whenever the namespace table changes, so [`Parser::usual_type_prefixes`] can keep
    /// its answer.
    pub(super) bindings_generation: u64,
    /// Whether the input holds anything the fast lane must look for in each text
    /// ([`text_suspects`]); most inputs hold none, and their texts are then taken as they are.
    pub(super) text_suspects: bool,
    /// Whether the element opened last was empty and is still open ([`Parser::settle`]).
    pub(super) pending_pop: bool,
    /// The element name checked last ([`Parser::open_tag`]).
    pub(super) last_checked_name: &'a [u8],
    /// Whether `xsi` and `xsd` were bound as usual, at a generation of the namespace table.
    pub(super) xsd_prefixes_checked: Option<(u64, bool)>,
}

/// The kind of a quick-xml error: each condition its own kind, any other (quick-xml adds
/// some now and then) malformed markup.
pub(crate) fn quick_xml_error(e: &quick_xml::Error) -> ErrorKind {
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
pub(crate) fn escape_error(e: &quick_xml::escape::EscapeError) -> ErrorKind {
    use quick_xml::escape::EscapeError;
    match e {
        EscapeError::UnrecognizedEntity(_, name) => ErrorKind::UnknownEntity(excerpt(name)),
        EscapeError::InvalidCharRef(e) => ErrorKind::InvalidCharRef(excerpt(&e.to_string())),
        _ => ErrorKind::UnterminatedReference,
    }
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
        let text_suspects = text_suspects(src.as_bytes());
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
            last_checked_name: b"",
            pending_pop: false,
            text_suspects,
        })
    }

    /// Starts a new envelope: forgets the cwmp namespace of the previous one.
    pub(crate) fn start_envelope(&mut self) {
        self.cwmp_minor = None;
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
    pub(crate) fn path_of(&self, elem: &Elem<'a>) -> String {
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
    pub(crate) fn record(
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

    pub(crate) fn limit_error(&self, offset: usize, limit: Limit) -> ParseError {
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
    pub(crate) fn position(&self) -> usize {
        self.in_src(self.reader.buffer_position())
    }

    /// A quick-xml position as an offset in `src`: past the primer, if it was read, plus what
    /// the fast lane read.
    pub(crate) fn in_src(&self, reader_position: u64) -> usize {
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
    pub(crate) fn start_reader(&mut self) -> Result<(), ParseError> {
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

    /// Closes the empty element opened last, if it is still open ([`Parser::open_tag`]):
    /// every read starts here.
    pub(crate) fn settle(&mut self) {
        if self.pending_pop {
            self.pending_pop = false;
            self.pop();
        }
    }

    pub(crate) fn next_event(&mut self) -> Result<Event<'a>, ParseError> {
        self.settle();
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

    /// The next event inside an element that its reader must look at: comments and processing
    /// instructions are checked and accepted here, and what cannot stand inside an element (an
    /// XML declaration, a DOCTYPE, the end of input) is refused, the same way wherever it is.
    fn next_content(&mut self) -> Result<Content<'a>, ParseError> {
        loop {
            return Ok(match self.next_event()? {
                Event::Start(s) => Content::Start(s, false),
                Event::Empty(s) => Content::Start(s, true),
                Event::End(e) => Content::End(e),
                Event::Text(t) => Content::Text(t),
                Event::CData(c) => Content::CData(c),
                Event::GeneralRef(r) => Content::Reference(r),
                Event::Comment(c) => {
                    self.comment(&c)?;
                    continue;
                }
                Event::PI(pi) => {
                    self.processing_instruction(&pi)?;
                    continue;
                }
                Event::Decl(_) => return Err(self.error(ErrorKind::MisplacedDeclaration)),
                Event::DocType(_) => return Err(self.error(ErrorKind::DocType)),
                Event::Eof => return Err(self.error(ErrorKind::UnexpectedEof)),
            });
        }
    }

    /// The part of the input a borrowed quick-xml buffer points into.
    pub(crate) fn span_of(&self, text: &str) -> Option<&'a str> {
        let start = (text.as_ptr() as usize).checked_sub(self.src.as_ptr() as usize)?;
        self.src.get(start..start.checked_add(text.len())?)
    }

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

    pub(crate) fn open(
        &mut self,
        start: &BytesStart<'_>,
        empty: bool,
    ) -> Result<Elem<'a>, ParseError> {
        let raw = self
            .span_of(start)
            .ok_or_else(|| self.error(ErrorKind::Internal("start tag outside the input")))?;
        self.open_tag(raw, start.name().as_ref().len(), empty)
    }

    /// Opens an element from the text of its start tag between `<` and `>` (or `/>`), whose
    /// first `name_len` bytes are its name; `self.pos` is at its `<`.
    pub(crate) fn open_tag(
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
        // Siblings mostly share a name (array items): the last one checked is not checked again.
        if qname.as_bytes() != self.last_checked_name && !is_qname(qname.as_bytes()) {
            return Err(self.error_at(offset, ErrorKind::InvalidName(excerpt(qname))));
        }
        self.last_checked_name = qname.as_bytes();
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
        // An empty element is complete: its content readers see no events. It stays open, with
        // its declarations in scope, until the next read: its reader may still resolve a prefix
        // it declares itself (`<Value xmlns:x=".." xsi:type="x:T"/>`).
        self.pending_pop = empty;
        Ok(elem)
    }

    /// Reads and checks the attributes of a start tag: binds its namespace declarations,
    /// notes which attributes of interest it has, and checks the rest as XML requires
    /// (names, values, no attribute twice, every prefix bound), since unknown content is kept
    /// and written back as it stands.
    pub(crate) fn read_attributes(
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
    pub(crate) fn check_attr_value(&self, name: &[u8], value: &'a str) -> Result<(), ParseError> {
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
    pub(crate) fn check_attribute_namespaces(&self, names: &[&'a [u8]]) -> Result<(), ParseError> {
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

    pub(crate) fn unescape_attr(&self, value: &'a str) -> Result<Cow<'a, str>, ParseError> {
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

    pub(crate) fn pop(&mut self) {
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

    pub(crate) fn close(&mut self, end_name: &[u8]) -> Result<(), ParseError> {
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
            match self.next_content()? {
                Content::Start(s, empty) => return self.open(&s, empty).map(Some),
                Content::End(e) => {
                    self.close(e.name().as_ref().as_bytes())?;
                    return Ok(None);
                }
                Content::Text(t) => {
                    if !t.bytes().all(is_xml_space_byte) {
                        return Err(self.error(ErrorKind::UnexpectedText));
                    }
                }
                Content::CData(c) => {
                    if !c.bytes().all(is_xml_space_byte) {
                        return Err(self.error(ErrorKind::UnexpectedText));
                    }
                    self.tolerate(WarningKind::CData)?;
                }
                Content::Reference(_) => return Err(self.error(ErrorKind::UnexpectedText)),
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
            let piece: Cow<'a, str> = match self.next_content()? {
                Content::Text(t) => {
                    let s = t.into_inner();
                    self.check_text(&s)?;
                    if memchr::memchr(b'\r', s.as_bytes()).is_some() {
                        self.tolerate(WarningKind::CarriageReturn)?;
                        Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
                    } else {
                        s
                    }
                }
                Content::Reference(r) => Cow::Owned(self.resolve_reference(&r)?.to_string()),
                Content::CData(c) => {
                    self.tolerate(WarningKind::CData)?;
                    let s = c.into_inner();
                    self.check_chars(&s)?;
                    s
                }
                Content::End(e) => {
                    self.close(e.name().as_ref().as_bytes())?;
                    return Ok(acc.unwrap_or(Cow::Borrowed("")));
                }
                Content::Start(s, _) => {
                    let name = excerpt(s.name().as_ref());
                    return Err(self.error(ErrorKind::UnexpectedElement(name)));
                }
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
    pub(crate) fn check_chars(&self, text: &str) -> Result<(), ParseError> {
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
    pub(crate) fn check_text(&self, text: &str) -> Result<(), ParseError> {
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
    pub(crate) fn comment(&mut self, text: &str) -> Result<(), ParseError> {
        if memchr::memmem::find(text.as_bytes(), b"--").is_some() || text.ends_with('-') {
            return Err(self.error(ErrorKind::MalformedComment));
        }
        self.check_chars(text)?;
        self.tolerate(WarningKind::Comment)
    }

    /// Checks a processing instruction (a target that is a name without colon and not `xml`
    /// in any case, legal characters) and accepts it.
    pub(crate) fn processing_instruction(
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

    pub(crate) fn resolve_reference(&mut self, r: &BytesRef<'_>) -> Result<char, ParseError> {
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
            other => Err(self.error(ErrorKind::UnknownEntity(excerpt(other)))),
        }
    }

    /// Skips an element and everything in it; returns the offset just past its end tag.
    pub(crate) fn skip(&mut self, elem: &Elem<'a>) -> Result<usize, ParseError> {
        if elem.empty {
            return Ok(self.reader_position());
        }
        let depth = self.stack.len();
        loop {
            match self.next_content()? {
                Content::Start(s, empty) => {
                    self.open(&s, empty)?;
                }
                Content::End(e) => {
                    self.close(e.name().as_ref().as_bytes())?;
                    if self.stack.len() < depth {
                        return Ok(self.reader_position());
                    }
                }
                Content::Reference(r) => {
                    self.resolve_reference(&r)?;
                }
                Content::Text(t) => self.check_text(&t)?,
                Content::CData(c) => {
                    self.check_chars(&c)?;
                    self.tolerate(WarningKind::CData)?;
                }
            }
        }
    }

    /// Reads the content of a `ParameterValueStruct`: its `Name` and `Value`, either of which
    /// may be missing (the caller decides what that costs). Parameters in the usual shape are
    /// read by the fast lane, anything else by the general path; which one ran does not show.
    pub(crate) fn read_parameter(
        &mut self,
        elem: &Elem<'a>,
    ) -> Result<(Option<Cow<'a, str>>, Option<Value<'a>>), ParseError> {
        self.no_xsi_type(elem)?;
        let (mut name, mut value) = match self.fast_parameter(elem) {
            Some((n, v)) => (Some(n), Some(v)),
            None => (None, None),
        };
        while let Some(child) = self.next_child(elem)? {
            match child.local {
                "Name" => {
                    self.check_unqualified(&child)?;
                    if value.is_some() {
                        self.tolerate_in(&child, WarningKind::OutOfOrder)?;
                    }
                    super::accept_once(&mut name, self, child)?;
                }
                "Value" => {
                    self.check_unqualified(&child)?;
                    super::accept_once(&mut value, self, child)?;
                }
                _ => self.skip_unknown(&child)?,
            }
        }
        Ok((name, value))
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

    pub(crate) fn reader_position(&self) -> usize {
        self.base + self.position()
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
