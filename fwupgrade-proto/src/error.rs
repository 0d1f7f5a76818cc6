//! Errors of parsing a form and of building values.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

/// Most bytes of a field name as sent that an error keeps: enough to recognise the name, too
/// few to flood a log.
const EXCERPT_BYTES: usize = 64;

/// The end of `text` cut to [`EXCERPT_BYTES`] on a character boundary, and whether it was cut.
fn cut(text: &str) -> (&str, bool) {
    if text.len() <= EXCERPT_BYTES {
        return (text, false);
    }
    let mut end = EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (text.get(..end).unwrap_or_default(), true)
}

/// What an error keeps of a field name as sent: its first [`EXCERPT_BYTES`] bytes, `…` where
/// it was cut.
pub(crate) fn excerpt(text: &str) -> String {
    let (kept, was_cut) = cut(text);
    let mut out = String::with_capacity(kept.len() + 3);
    out.push_str(kept);
    if was_cut {
        out.push('…');
    }
    out
}

/// [`excerpt`] of the readable start of a raw name that does not decode: its longest UTF-8
/// prefix, `…` marking whatever follows.
pub(crate) fn excerpt_bytes(raw: &[u8]) -> String {
    // Only the first bytes can be kept, so only they are validated.
    let head = raw
        .get(..raw.len().min(EXCERPT_BYTES + 1))
        .unwrap_or_default();
    let valid = match core::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) => core::str::from_utf8(head.get(..e.valid_up_to()).unwrap_or_default())
            .unwrap_or_default(),
    };
    let mut out = excerpt(valid);
    if valid.len() < raw.len() && !out.ends_with('…') {
        out.push('…');
    }
    out
}

/// Input quoted in a message, escaped as Rust escapes a string: control characters,
/// backslashes, quotes and invisible format characters (bidirectional overrides among them).
/// A message then cannot forge a second log line, move a terminal's cursor or reorder what it
/// shows. Text longer than an excerpt (a name built by hand, not parsed) is cut here too.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An excerpt is at most EXCERPT_BYTES and its 3-byte marker: shown whole.
        if self.0.len() <= EXCERPT_BYTES + '…'.len_utf8() {
            return fmt::Display::fmt(&self.0.escape_debug(), f);
        }
        let (kept, _) = cut(self.0);
        fmt::Display::fmt(&kept.escape_debug(), f)?;
        f.write_str("…")
    }
}

/// Why a form message could not be parsed: what went wrong ([`ErrorKind`]), where in the
/// input ([`offset`](Self::offset), bytes from the start) and in which field
/// ([`Location`]).
///
/// It displays as `<message> at byte <offset> (<location>)`, the form the workspace's other
/// codecs use, for example `bad percent escape at byte 29 (devModel)`. The location is the
/// field: its canonical name for fields the message defines (`devFwVer` even when the input
/// spelled it `devFWver`), the name as sent for others; or `form` for the form as a whole
/// (its size, its number of fields). A missing field is reported where it was expected at the
/// latest, the end of the input.
///
/// A field name as sent is kept to its first 64 bytes (cut on a character boundary, `…` where
/// cut), and `Display` escapes it as Rust's `str::escape_debug` does, so the message is one
/// short line whatever the input holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    kind: ErrorKind,
    offset: usize,
    location: Location,
}

impl ParseError {
    pub(crate) fn new(kind: ErrorKind, offset: usize, location: Location) -> Self {
        Self {
            kind,
            offset,
            location,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The byte offset in the input the error points at.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The field the error is about, or the whole form.
    pub fn location(&self) -> &Location {
        &self.location
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {} ({})",
            self.kind, self.offset, self.location
        )
    }
}

impl core::error::Error for ParseError {}

/// The conditions a [`ParseError`] reports; `Display` is the message alone, e.g.
/// `missing mandatory field`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A bound of [`Limits`](crate::Limits) was hit: the input size (the error points at the
    /// first byte past it), the number of fields (at the first field over it) or the length of
    /// a raw name or value (at that name or value).
    #[error("limit exceeded: {} is {max}", limit.name())]
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// Its value.
        max: usize,
    },
    /// A `%` is not followed by two hex digits.
    #[error("bad percent escape")]
    BadEscape,
    /// A name or value does not decode to UTF-8.
    #[error("invalid utf-8")]
    InvalidUtf8,
    /// A mandatory field is absent.
    #[error("missing mandatory field")]
    MissingField,
    /// A field the message defines appears twice.
    #[error("duplicate field")]
    DuplicateField,
    /// An `int` field is not a decimal number that fits its type.
    #[error("expected a decimal integer")]
    InvalidInt,
    /// `devId` is not a MAC address written as 17 upper-case characters, `12:34:56:78:9A:BC`.
    #[error("expected a MAC address as 17 upper-case characters like `12:34:56:78:9A:BC`")]
    InvalidDevId,
    /// A quirk the lenient reader tolerates, refused because the options are strict.
    #[error("{0} (rejected in strict mode)")]
    Strict(WarningKind),
}

/// A field of [`Limits`](crate::Limits), as [`ErrorKind::LimitExceeded`] names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// [`Limits::max_input_bytes`](crate::Limits::max_input_bytes).
    InputBytes,
    /// [`Limits::max_fields`](crate::Limits::max_fields).
    Fields,
    /// [`Limits::max_value_bytes`](crate::Limits::max_value_bytes).
    ValueBytes,
}

impl Limit {
    /// The field's name as written in [`Limits`](crate::Limits), e.g. `max_input_bytes`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::InputBytes => "max_input_bytes",
            Self::Fields => "max_fields",
            Self::ValueBytes => "max_value_bytes",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where in the form an error or a warning is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Location {
    /// A field the message defines, by its canonical name (`devFwVer`, however the input
    /// spelled it).
    Field(&'static str),
    /// A field the message does not define, by its name as sent (decoded when it decodes,
    /// else raw), kept to its first 64 bytes with `…` where cut. It is hostile input:
    /// `Display` escapes it as `str::escape_debug` does.
    Other(Box<str>),
    /// The form as a whole: its size, its number of fields, its separators.
    Form,
}

impl Location {
    /// The field's name: canonical, or as sent (unescaped: escape it before showing it);
    /// `None` for the whole form.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Field(name) => Some(name),
            Self::Other(name) => Some(name),
            Self::Form => None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Field(name) => f.write_str(name),
            Self::Other(name) => fmt::Display::fmt(&Quoted(name), f),
            Self::Form => f.write_str("form"),
        }
    }
}

/// A quirk the lenient reader accepted, and where: the reader records one each time it uses a
/// tolerance, so a caller can log or count what its peers send.
///
/// It displays as errors do: `<kind> at byte <offset> (<location>)`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Warning {
    /// Byte offset in the input.
    pub offset: usize,
    /// The field, or the whole form.
    pub location: Location,
    /// What was accepted.
    pub kind: WarningKind,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at byte {} ({})",
            self.kind, self.offset, self.location
        )
    }
}

/// The quirks the lenient reader accepts, each recorded as a [`Warning`]; strict reading
/// refuses them ([`ErrorKind::Strict`]), or, for a name in another case, does not match it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum WarningKind {
    /// A defined field's name in another case, e.g. `devFWver` in the standard's own example
    /// (a **Decision** of the spec: names match case-insensitively). Strict reading keeps such
    /// a field as one the message does not define.
    #[error("field name in another case")]
    NameCase,
    /// An empty pair: `&&`, or a `&` at either end. Skipped.
    #[error("empty pair")]
    EmptyPair,
    /// A pair without `=`: read as a field with an empty value.
    #[error("field without `=`")]
    NoEquals,
}

/// A value given to a constructor is not valid for its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidValue {
    /// Not a MAC address in any spelling [`DevId::normalize`](crate::DevId::normalize) knows.
    #[error("`devId`: not a MAC address (12 hex digits, optionally separated by `:`, `-` or `.`)")]
    DevId,
    /// A response failure code must not be 200 (update available) or 201 (no update).
    #[error("`retCode`: {code} is not a failure code")]
    NotAFailure {
        /// The code given.
        code: u32,
    },
}

/// An event reached the upgrade machine in a state where it does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{event} is not expected while the machine is {state}")]
pub struct UnexpectedEvent {
    /// The event, for example `download result`.
    pub event: &'static str,
    /// The state the machine is in, for example `waiting for the check response`.
    pub state: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn excerpts_cut_on_a_char_boundary_and_mark_the_cut() {
        assert_eq!(excerpt("devModel"), "devModel");
        let exact = "a".repeat(EXCERPT_BYTES);
        assert_eq!(excerpt(&exact), exact.as_str());
        let long = "a".repeat(EXCERPT_BYTES + 1);
        assert_eq!(excerpt(&long), format!("{exact}…"));
        // 63 ASCII bytes then a 3-byte character across the limit: cut before it.
        let split = format!("{}가나", "a".repeat(EXCERPT_BYTES - 1));
        assert_eq!(
            excerpt(&split),
            format!("{}…", "a".repeat(EXCERPT_BYTES - 1))
        );
        assert_eq!(excerpt_bytes(b"ab\xffcd"), "ab…");
        assert_eq!(excerpt_bytes(b"x%zz"), "x%zz");
        assert_eq!(
            excerpt_bytes(&[b'n'; 10_000]),
            format!("{}…", "n".repeat(EXCERPT_BYTES))
        );
    }

    #[test]
    fn quoted_escapes_and_bounds() {
        let cases = [
            ("plain", "plain"),
            ("a\nerror: forged", "a\\nerror: forged"),
            ("\u{1b}[31mred", "\\u{1b}[31mred"),
            ("\u{202e}txt.exe", "\\u{202e}txt.exe"),
            ("tab\tcr\r\"q'\\", "tab\\tcr\\r\\\"q\\'\\\\"),
            (
                "\u{85}\u{2028}\u{200b}\u{feff}",
                "\\u{85}\\u{2028}\\u{200b}\\u{feff}",
            ),
            ("한국어", "한국어"),
        ];
        for (raw, shown) in cases {
            assert_eq!(format!("{}", Quoted(raw)), shown, "{raw:?}");
        }
        let long = "n".repeat(1000);
        assert_eq!(
            format!("{}", Quoted(&long)),
            format!("{}…", "n".repeat(EXCERPT_BYTES))
        );
        let stored = excerpt(&long);
        assert_eq!(format!("{}", Quoted(&stored)), stored);
    }
}
