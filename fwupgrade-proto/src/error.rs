//! Errors of parsing a form and of building values.

use alloc::borrow::Cow;
use alloc::string::{String, ToString};
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
pub(crate) fn excerpt(text: &str) -> Cow<'static, str> {
    let (kept, was_cut) = cut(text);
    let mut out = String::with_capacity(kept.len() + 3);
    out.push_str(kept);
    if was_cut {
        out.push('…');
    }
    Cow::Owned(out)
}

/// [`excerpt`] of the readable start of a raw name that does not decode: its longest UTF-8
/// prefix, `…` marking whatever follows.
pub(crate) fn excerpt_bytes(raw: &[u8]) -> Cow<'static, str> {
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
        out.to_mut().push('…');
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

/// Why a form message could not be parsed.
///
/// It displays as `<message> at byte <offset> (<where>)`, the form the workspace's other
/// codecs use, for example `bad percent escape at byte 29 (devModel)`. `<where>` is the field:
/// its canonical name for fields the message defines (`devFwVer` even when the input spelled
/// it `devFWver`), the name as sent for others; or `form` for the form as a whole (its size,
/// its number of fields). Byte offsets count from the start of the input; a missing field is
/// reported where it was expected at the latest, the end of the input.
///
/// A field name as sent is kept to its first 64 bytes (cut on a character boundary, `…` where
/// cut), and `Display` escapes it as Rust's `str::escape_debug` does, so the message is one
/// short line whatever the input holds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The input is larger than [`Limits::max_input_len`](crate::Limits::max_input_len).
    InputTooLarge {
        /// Size of the input handed to the parser, in bytes. A caller that reads at most one
        /// byte more than the limit hands over that much, so this is a lower bound of the
        /// size sent, and the message does not show it.
        size: usize,
        /// The limit; the error points at the first byte past it.
        limit: usize,
    },
    /// The input has more fields than [`Limits::max_fields`](crate::Limits::max_fields).
    TooManyFields {
        /// The limit.
        limit: usize,
        /// Offset of the first field over the limit.
        offset: usize,
    },
    /// A field name or value is longer than
    /// [`Limits::max_value_len`](crate::Limits::max_value_len).
    ValueTooLong {
        /// The field (an excerpt of the name when the name itself is too long).
        field: Cow<'static, str>,
        /// Offset of the name or value that is too long.
        offset: usize,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// A `%` is not followed by two hex digits.
    BadEscape {
        /// The field (an excerpt of the raw name when the bad escape is in the name).
        field: Cow<'static, str>,
        /// Offset of the `%`.
        offset: usize,
    },
    /// A name or value does not decode to UTF-8.
    InvalidUtf8 {
        /// The field (an excerpt of the readable start of the raw name when the name itself is
        /// not UTF-8).
        field: Cow<'static, str>,
        /// Offset of the first byte, or `%` escape, of the sequence that is not UTF-8.
        offset: usize,
    },
    /// A mandatory field is absent.
    MissingField {
        /// The canonical field name.
        field: &'static str,
        /// Where the field was expected at the latest: the end of the input (its length).
        offset: usize,
    },
    /// A field the message defines appears twice.
    DuplicateField {
        /// The canonical field name.
        field: &'static str,
        /// Offset of the second occurrence.
        offset: usize,
    },
    /// An `int` field is not a decimal number that fits its type.
    InvalidInt {
        /// The canonical field name.
        field: &'static str,
        /// Offset of the value.
        offset: usize,
    },
    /// `devId` is not a MAC address written as 17 upper-case characters, `12:34:56:78:9A:BC`.
    InvalidDevId {
        /// The canonical field name (`devId`).
        field: &'static str,
        /// Offset of the value.
        offset: usize,
    },
}

impl ParseError {
    /// The field the error is about, if it concerns one field: its canonical name, or an
    /// excerpt of the name as sent (unescaped: escape it before showing it).
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::InputTooLarge { .. } | Self::TooManyFields { .. } => None,
            Self::ValueTooLong { field, .. }
            | Self::BadEscape { field, .. }
            | Self::InvalidUtf8 { field, .. } => Some(field),
            Self::MissingField { field, .. }
            | Self::DuplicateField { field, .. }
            | Self::InvalidInt { field, .. }
            | Self::InvalidDevId { field, .. } => Some(field),
        }
    }

    /// The byte offset in the input the error points at.
    pub fn offset(&self) -> usize {
        match self {
            Self::InputTooLarge { limit, .. } => *limit,
            Self::TooManyFields { offset, .. }
            | Self::ValueTooLong { offset, .. }
            | Self::BadEscape { offset, .. }
            | Self::InvalidUtf8 { offset, .. }
            | Self::MissingField { offset, .. }
            | Self::DuplicateField { offset, .. }
            | Self::InvalidInt { offset, .. }
            | Self::InvalidDevId { offset, .. } => *offset,
        }
    }

    /// Whether a limit of [`Limits`](crate::Limits) was hit.
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            Self::InputTooLarge { .. } | Self::TooManyFields { .. } | Self::ValueTooLong { .. }
        )
    }

    /// The message without the position, e.g. `missing mandatory field`.
    pub fn message(&self) -> String {
        Message(self).to_string()
    }
}

/// What [`ParseError::message`] says.
struct Message<'e>(&'e ParseError);

impl fmt::Display for Message<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ParseError::InputTooLarge { limit, .. } => {
                write!(f, "limit exceeded: max_input_len is {limit}")
            }
            ParseError::TooManyFields { limit, .. } => {
                write!(f, "limit exceeded: max_fields is {limit}")
            }
            ParseError::ValueTooLong { len, limit, .. } => {
                write!(
                    f,
                    "limit exceeded: max_value_len is {limit}, found {len} bytes"
                )
            }
            ParseError::BadEscape { .. } => f.write_str("bad percent escape"),
            ParseError::InvalidUtf8 { .. } => f.write_str("invalid utf-8"),
            ParseError::MissingField { .. } => f.write_str("missing mandatory field"),
            ParseError::DuplicateField { .. } => f.write_str("duplicate field"),
            ParseError::InvalidInt { .. } => f.write_str("expected a decimal integer"),
            ParseError::InvalidDevId { .. } => f.write_str(
                "expected a MAC address as 17 upper-case characters like `12:34:56:78:9A:BC`",
            ),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {} (", Message(self), self.offset())?;
        match self.field() {
            Some(field) => write!(f, "{})", Quoted(field)),
            None => f.write_str("form)"),
        }
    }
}

impl core::error::Error for ParseError {}

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
