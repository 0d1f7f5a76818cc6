//! Errors of parsing a path and of building values.

use alloc::boxed::Box;
use alloc::string::String;
use core::fmt;

const EXCERPT_BYTES: usize = 64;

/// At most [`EXCERPT_BYTES`] of `text`, cut on a character boundary, `…` marking the cut.
pub(crate) fn excerpt(text: &str) -> Box<str> {
    if text.len() <= EXCERPT_BYTES {
        return text.into();
    }
    let mut end = EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end + 3);
    out.push_str(text.get(..end).unwrap_or_default());
    out.push('…');
    out.into_boxed_str()
}

/// A path that does not follow the TR-106 naming rules (or the bounds of [`Limits`](crate::Limits)).
///
/// Displays as `<message> at byte <offset> (<location>)`, e.g.
/// `instance number with a leading zero at byte 26 (segment 3 "01")`.
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

    /// What is wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Bytes from the start of the input to where the problem is.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The path segment the problem is in.
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

#[cfg(feature = "serde")]
impl serde::Serialize for ParseError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ParseError", 3)?;
        st.serialize_field("message", &alloc::format!("{}", self.kind))?;
        st.serialize_field("offset", &self.offset)?;
        st.serialize_field("location", &alloc::format!("{}", self.location))?;
        st.end()
    }
}

/// Why a path was refused; one variant per condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A bound of [`Limits`](crate::Limits) was hit.
    #[error("limit exceeded: {} is {max}", limit.name())]
    LimitExceeded {
        /// The `Limits` field.
        limit: Limit,
        /// Its value.
        max: usize,
    },
    /// The input is empty.
    #[error("empty path")]
    Empty,
    /// Two dots in a row, or a leading dot.
    #[error("empty segment")]
    EmptySegment,
    /// The first segment is neither `Device` nor `InternetGatewayDevice`.
    #[error("unknown root (expected `Device` or `InternetGatewayDevice`)")]
    UnknownRoot,
    /// A name starts with something else than a letter or `_`.
    #[error("name does not start with a letter or `_`")]
    BadNameStart,
    /// A character TR-106 does not allow in a name (letters, digits, `_` and `-` only).
    #[error("character {0:?} not allowed in a name")]
    BadCharacter(char),
    /// An instance number of `0` (instances count from 1).
    #[error("instance number 0")]
    InstanceZero,
    /// An instance number written with a leading zero.
    #[error("instance number with a leading zero")]
    InstanceLeadingZero,
    /// An instance number above `u32::MAX`.
    #[error("instance number too large")]
    InstanceTooLarge,
    /// A vendor segment that is not `X_<VENDOR>_<Name>`.
    #[error("vendor segment is not X_<VENDOR>_<Name>")]
    BadVendorSegment,
    /// The root alone without its dot (the root object is written `Device.`).
    #[error("root without a trailing dot")]
    RootWithoutDot,
    /// An instance number right after the root.
    #[error("instance number where an object name is expected")]
    MisplacedInstance,
}

/// A field of [`Limits`](crate::Limits), named in [`ErrorKind::LimitExceeded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Limit {
    /// `max_input_bytes`.
    InputBytes,
    /// `max_segments`.
    Segments,
    /// `max_parameters`.
    Parameters,
    /// `max_value_bytes`.
    ValueBytes,
}

impl Limit {
    /// The `Limits` field as written.
    pub const fn name(self) -> &'static str {
        match self {
            Self::InputBytes => "max_input_bytes",
            Self::Segments => "max_segments",
            Self::Parameters => "max_parameters",
            Self::ValueBytes => "max_value_bytes",
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where in a path the problem is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Location {
    /// The path as a whole (its length, its emptiness).
    Path,
    /// One segment, counted from 0 (the root), with its text (at most 64 bytes of it).
    Segment {
        /// Index of the segment, the root being 0.
        index: usize,
        /// The segment as written, cut to 64 bytes.
        text: Box<str>,
    },
}

impl Location {
    /// The segment index, if the problem is in one segment.
    pub fn segment(&self) -> Option<usize> {
        match self {
            Self::Path => None,
            Self::Segment { index, .. } => Some(*index),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Path => f.write_str("path"),
            Self::Segment { index, text } => {
                write!(f, "segment {index} \"{}\"", text.escape_debug())
            }
        }
    }
}

/// A value built by the caller that cannot be represented on the wire.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidValue {
    /// Not a MAC address.
    #[error("not a MAC address (12 hex digits, optionally separated by `:`, `-` or `.`)")]
    Mac,
    /// Not an OUI (six hex digits).
    #[error("not an OUI (6 hex digits)")]
    Oui,
    /// An empty or `-`-carrying product class or serial number, or a device ID that is not
    /// `OUI-ProductClass-SerialNumber`.
    #[error("not a device ID `OUI-ProductClass-SerialNumber`")]
    DeviceId,
    /// A value the standard does not define for this parameter.
    #[error("`{parameter}`: not one of the values the standard defines")]
    NotDefined {
        /// The parameter's short name.
        parameter: &'static str,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::ToString;

    #[test]
    fn excerpts_cut_on_char_boundary() {
        assert_eq!(&*excerpt("abc"), "abc");
        let s = format!("{}가", "a".repeat(63));
        assert_eq!(&*excerpt(&s), format!("{}…", "a".repeat(63)));
    }

    #[test]
    fn display_is_one_line() {
        let e = ParseError::new(
            ErrorKind::EmptySegment,
            7,
            Location::Segment {
                index: 1,
                text: "a\nb".into(),
            },
        );
        assert_eq!(
            e.to_string(),
            "empty segment at byte 7 (segment 1 \"a\\nb\")"
        );
    }
}
