//! Errors and warnings: every one says where, as a byte offset and an element path.

use std::fmt;

/// Why an input could not be parsed, and where.
///
/// [`offset`](Self::offset) is the byte offset in the input of the event that failed (usually
/// the `<` of the element, or the first byte of the text); [`location`](Self::location) is the
/// element path from the root, with 1-based indices on array items, e.g.
/// `Envelope/Body/SetParameterValues/ParameterList/ParameterValueStruct[3]/Value`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[error("{kind} at byte {offset} ({})", Quoted(.path))]
pub struct ParseError {
    offset: usize,
    path: String,
    kind: ErrorKind,
}

impl ParseError {
    pub(crate) fn new(offset: usize, path: String, kind: ErrorKind) -> Self {
        Self { offset, path, kind }
    }

    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Byte offset in the input.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Element path from the root (empty before the root element), e.g.
    /// `Envelope/Body/Reboot/CommandKey`.
    #[must_use]
    pub fn location(&self) -> &str {
        &self.path
    }

    /// The message without the position, e.g. `missing element ParameterKey`.
    #[must_use]
    pub fn message(&self) -> String {
        self.kind.to_string()
    }
}

/// Which of the [`Limits`](crate::Limits) was exceeded ([`ErrorKind::LimitExceeded`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Limit {
    /// `max_input_bytes`.
    MaxInputBytes,
    /// `max_depth`.
    MaxDepth,
    /// `max_list_items`.
    MaxListItems,
    /// `max_text_bytes`.
    MaxTextBytes,
    /// `max_envelopes`.
    MaxEnvelopes,
    /// `max_namespace_bindings`.
    MaxNamespaceBindings,
    /// `max_attributes`.
    MaxAttributes,
    /// `max_raw_bytes`.
    MaxRawBytes,
}

impl Limit {
    /// The [`Limits`](crate::Limits) field, as written, e.g. `max_depth`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::MaxInputBytes => "max_input_bytes",
            Self::MaxDepth => "max_depth",
            Self::MaxListItems => "max_list_items",
            Self::MaxTextBytes => "max_text_bytes",
            Self::MaxEnvelopes => "max_envelopes",
            Self::MaxNamespaceBindings => "max_namespace_bindings",
            Self::MaxAttributes => "max_attributes",
            Self::MaxRawBytes => "max_raw_bytes",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Markup that was opened and not closed ([`ErrorKind::Unclosed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Construct {
    /// A start or end tag.
    Tag,
    /// A quoted attribute value.
    AttributeValue,
    /// A comment.
    Comment,
    /// A CDATA section.
    CData,
    /// A processing instruction.
    ProcessingInstruction,
    /// An XML declaration.
    Declaration,
    /// A DOCTYPE declaration.
    Doctype,
}

impl fmt::Display for Construct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Tag => "tag",
            Self::AttributeValue => "attribute value",
            Self::Comment => "comment",
            Self::CData => "cdata section",
            Self::ProcessingInstruction => "processing instruction",
            Self::Declaration => "xml declaration",
            Self::Doctype => "doctype",
        })
    }
}

/// The kinds of [`ParseError`]: one for each condition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is not UTF-8 (the only encoding CWMP uses).
    #[error("invalid utf-8")]
    InvalidUtf8,
    /// Markup that does not end before the input does.
    #[error("unclosed {0}")]
    Unclosed(Construct),
    /// `<!` that opens no comment, CDATA section or DOCTYPE.
    #[error("unknown markup after '<!'")]
    InvalidMarkup,
    /// An XML declaration without a version, or of a version other than 1.0 and 1.1.
    #[error("malformed xml declaration")]
    MalformedDeclaration,
    /// An XML declaration anywhere but at the start of a document.
    #[error("xml declaration not at the start of the document")]
    MisplacedDeclaration,
    /// A `&` that does not start a reference ending in `;`.
    #[error("'&' that starts no reference")]
    UnterminatedReference,
    /// A start tag whose attributes are not `name="value"` pairs separated by whitespace.
    #[error("malformed attribute")]
    MalformedAttribute,
    /// A namespace URI the codec cannot keep as written: one with a reference, a line break,
    /// a tab, `<` or `"` (no URI holds these, and a raw element could not carry it back out).
    #[error("unsupported namespace uri")]
    UnsupportedNamespaceUri,
    /// A declaration Namespaces in XML 1.0 reserves: of the `xmlns` prefix, of `xml` to
    /// another URI, of another prefix to the `xml` or `xmlns` URI, or of a prefix to `""`.
    #[error("reserved namespace declaration of prefix \"{}\"", Quoted(.0))]
    ReservedNamespaceDeclaration(String),
    /// A broken internal invariant: a bug in this crate, not in the input.
    #[error("internal error: {0} (a bug in cwmp-codec)")]
    Internal(&'static str),
    /// An element, attribute or processing-instruction name that is not an XML name (or a
    /// namespace-qualified name where one is required).
    #[error("invalid xml name \"{}\"", Quoted(.0))]
    InvalidName(String),
    /// The same attribute twice on one element (by name, or by namespace and local name).
    #[error("duplicate attribute {}", Quoted(.0))]
    DuplicateAttribute(String),
    /// An attribute value that is not well-formed: a `<`, or a `&` that starts no valid
    /// reference.
    #[error("malformed value of attribute {}", Quoted(.0))]
    MalformedAttributeValue(String),
    /// An end tag that does not close the element open there.
    #[error("end tag </{}> does not match <{}>", Quoted(.found), Quoted(.expected))]
    MismatchedEndTag {
        /// The name of the element open there.
        expected: String,
        /// The name in the end tag (cut to 64 bytes).
        found: String,
    },
    /// `]]>` in text content, which XML reserves for the end of a CDATA section.
    #[error("']]>' in text content")]
    CDataEndInText,
    /// A comment holding `--` or ending in `-`.
    #[error("malformed comment")]
    MalformedComment,
    /// The input ended inside an element.
    #[error("unexpected end of input")]
    UnexpectedEof,
    /// A `<!DOCTYPE>` declaration: never accepted, so no entity can be defined or expanded.
    #[error("doctype declarations are not allowed")]
    DocType,
    /// An entity reference other than the five predefined ones.
    #[error("unknown entity reference &{};", Quoted(.0))]
    UnknownEntity(String),
    /// A character reference that names no valid XML character.
    #[error("invalid character reference &{};", Quoted(.0))]
    InvalidCharRef(String),
    /// A character XML 1.0 does not allow (C0 controls other than tab, line feed and carriage
    /// return, and the noncharacters U+FFFE and U+FFFF), raw or as a reference, anywhere in
    /// the document: text, attribute values, comments, processing instructions.
    #[error("character U+{0:04X} is not allowed in xml")]
    IllegalCharacter(u32),
    /// A namespace prefix with no declaration in scope.
    #[error("unbound namespace prefix {}", Quoted(.0))]
    UnboundPrefix(String),
    /// One of the [`Limits`](crate::Limits) was exceeded.
    #[error("limit exceeded: {limit} is {max}")]
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// Its value.
        max: usize,
    },
    /// The input holds no envelope where one was required (it is empty or whitespace only;
    /// [`Message`](crate::Message) reads that as the empty message).
    #[error("no soap envelope in the input")]
    NoEnvelope,
    /// The root element is not a SOAP 1.1 `Envelope`.
    #[error("root element is not a soap 1.1 envelope")]
    NotAnEnvelope,
    /// The envelope has no `Body`.
    #[error("missing soap body")]
    MissingBody,
    /// The `Body` holds no element.
    #[error("empty soap body")]
    EmptyBody,
    /// The `Body` holds more than one element.
    #[error("more than one element in the soap body")]
    MultipleBodyElements,
    /// A mandatory child element is missing.
    #[error("missing element {0}")]
    MissingElement(&'static str),
    /// A child element that may occur once occurs again.
    #[error("duplicate element {}", Quoted(.0))]
    DuplicateElement(String),
    /// Element content where only text may stand.
    #[error("unexpected element {} in text content", Quoted(.0))]
    UnexpectedElement(String),
    /// Non-whitespace text where only elements may stand.
    #[error("unexpected text in element content")]
    UnexpectedText,
    /// Text that does not parse as the type the schema (or `xsi:type`) gives it.
    #[error("invalid {expected} value \"{}\"", Quoted(.found))]
    InvalidValue {
        /// The expected type, e.g. `unsignedInt`.
        expected: &'static str,
        /// The text found (cut to 64 bytes).
        found: String,
    },
    /// Non-whitespace content before, between or after the envelopes.
    #[error("unexpected content outside an envelope")]
    TrailingContent,
    /// A tolerated quirk, rejected because the parser runs in strict mode.
    #[error("{0} (rejected in strict mode)")]
    Strict(WarningKind),
}

/// A quirk the lenient reader accepted, recorded with where it was.
///
/// Strict mode turns each of these into [`ErrorKind::Strict`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Warning {
    /// Byte offset in the input.
    pub offset: usize,
    /// Element path from the root.
    pub path: String,
    /// What was accepted.
    pub kind: WarningKind,
}

impl Warning {
    /// Whether strict reading may refuse the canonical form of `env` for this warning, which
    /// reading that form recorded: content kept as received (the crate README's list): value
    /// texts as they came, and whatever is in an element kept raw. The round-trip tests and
    /// the `cwmp_parse` fuzz target share this one statement of the rule.
    #[doc(hidden)]
    #[must_use]
    pub fn kept_as_received(&self, env: &crate::Envelope<'_>) -> bool {
        // The element the warning stands in, below Header or Body: its name as the path gives
        // it, without an array index and cut (with `…`) past 64 bytes.
        let mut parts = self.path.split('/');
        let (section, element) = (parts.nth(1), parts.next());
        let element = element.map(|e| e.split('[').next().unwrap_or(e));
        let names = |name: &str| {
            element.is_some_and(|e| {
                e == name || e.strip_suffix('…').is_some_and(|cut| name.starts_with(cut))
            })
        };
        let in_raw = match section {
            Some("Header") => env.header.unknown.iter().any(|h| names(&h.name)),
            Some("Body") => matches!(&env.body, crate::Body::Unknown(m) if names(&m.name)),
            _ => false,
        };
        in_raw
            || matches!(
                self.kind,
                WarningKind::NonRfc3339DateTime
                    | WarningKind::ValueTypeMismatch
                    | WarningKind::UnknownXsiType
                    | WarningKind::SurroundingWhitespace
                    | WarningKind::BooleanCase
            )
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {} ({})",
            self.kind,
            self.offset,
            Quoted(&self.path)
        )
    }
}

/// Most bytes of input an error keeps to quote ([`excerpt`]): enough to recognise a name or a
/// value, too few to flood a log.
pub(crate) const EXCERPT_BYTES: usize = 64;

/// `text` cut to [`EXCERPT_BYTES`] on a character boundary, with `…` where it was cut: what an
/// error or a warning path keeps of input it quotes.
pub(crate) fn excerpt(text: &str) -> String {
    if text.len() <= EXCERPT_BYTES {
        return text.to_owned();
    }
    let mut end = EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut cut = text.get(..end).unwrap_or_default().to_owned();
    cut.push('…');
    cut
}

/// Input quoted in a message: control characters, backslashes, quotes and invisible format
/// characters (bidirectional overrides among them) escaped as Rust escapes them, so a message
/// is one line that shows what was sent and cannot forge other lines or move the cursor.
pub(crate) struct Quoted<'a>(pub(crate) &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.escape_debug(), f)
    }
}

/// The quirks of real CPEs and ACSs that the lenient reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum WarningKind {
    /// A byte order mark before the document.
    #[error("byte order mark")]
    ByteOrderMark,
    /// An XML declaration (`<?xml ...?>`).
    #[error("xml declaration")]
    XmlDeclaration,
    /// A comment.
    #[error("comment")]
    Comment,
    /// A processing instruction.
    #[error("processing instruction")]
    ProcessingInstruction,
    /// A CDATA section in text.
    #[error("cdata section")]
    CData,
    /// A numeric character reference (`&#x41;`) in text.
    #[error("character reference")]
    CharacterReference,
    /// A carriage return (CRLF line ends) inside text.
    #[error("carriage return in text")]
    CarriageReturn,
    /// A well-known namespace bound to another prefix than the canonical one (`SOAP-ENV`,
    /// `SOAP-ENC`, `xsd`, `xsi`, `cwmp`); names are resolved by URI, so this changes nothing.
    #[error("non-canonical namespace prefix")]
    NonCanonicalPrefix,
    /// The RPC element is in the default namespace rather than prefixed.
    #[error("method in the default namespace")]
    MethodInDefaultNamespace,
    /// The RPC element is in no namespace at all.
    #[error("method without namespace")]
    MethodWithoutNamespace,
    /// The 1999 XML Schema (instance) namespace URI.
    #[error("1999 xml schema namespace")]
    Xsd1999Namespace,
    /// A child element qualified with the cwmp namespace (the schema says unqualified).
    #[error("namespace-qualified child element")]
    QualifiedChild,
    /// A header element outside the cwmp namespace it belongs to.
    #[error("header element without the cwmp namespace")]
    UnqualifiedHeader,
    /// `xsi:type` with a size facet, e.g. `xsd:string(64)`.
    #[error("xsi:type with a size facet")]
    SizeFacet,
    /// A `Value` without `xsi:type` (read as `xsd:string`).
    #[error("missing xsi:type")]
    MissingXsiType,
    /// An `xsi:type` that names no type: empty, or a prefix or size facet alone (`xsd:`, as a
    /// deployed Audiocodes CPE sends); read as `xsd:string`, the text kept.
    #[error("empty xsi:type")]
    EmptyXsiType,
    /// An `xsi:type` naming no XML Schema type the codec knows (kept raw).
    #[error("unknown xsi:type")]
    UnknownXsiType,
    /// `xsi:type` on an element whose type the schema fixes.
    #[error("xsi:type on a structural element")]
    XsiTypeOnStructural,
    /// A cwmp `ID` header without `mustUnderstand="1"`.
    #[error("id header without mustunderstand")]
    IdWithoutMustUnderstand,
    /// A `Header` element with nothing in it.
    #[error("empty soap header")]
    EmptyHeader,
    /// A boolean spelled in another case than `true`/`false`/`1`/`0`.
    #[error("boolean in non-canonical case")]
    BooleanCase,
    /// Whitespace around a number, boolean or name.
    #[error("whitespace around a value")]
    SurroundingWhitespace,
    /// An element the schema does not define here (skipped).
    #[error("unknown element skipped")]
    UnknownElement,
    /// Child elements out of the schema's order.
    #[error("element out of schema order")]
    OutOfOrder,
    /// A `SOAP-ENC:arrayType` whose count disagrees with the items.
    #[error("arraytype count {claimed} but {actual} items")]
    ArrayTypeCount {
        /// The count the sender claimed.
        claimed: usize,
        /// The items present.
        actual: usize,
    },
    /// An `arrayType` attribute outside the SOAP encoding namespace (e.g. `SOAP-ENV:arrayType`).
    #[error("arraytype attribute in the wrong namespace")]
    ArrayTypeNamespace,
    /// An array without `arrayType`.
    #[error("missing arraytype")]
    MissingArrayType,
    /// A dateTime that is not RFC 3339 (kept raw).
    #[error("dateTime not in rfc 3339 form")]
    NonRfc3339DateTime,
    /// A value whose text does not match its `xsi:type` (kept raw).
    #[error("value does not match its xsi:type")]
    ValueTypeMismatch,
    /// A `ParameterValueStruct` without `Value`: the item is dropped, the others are kept.
    #[error("parameter without value dropped")]
    MissingValue,
    /// The event code `X TTA VENDOR_PROVISION`, read as the standard's `X TTA VENDER_PROVISION`.
    #[error("vendor event spelled VENDOR_PROVISION")]
    VendorProvisionSpelling,
}
