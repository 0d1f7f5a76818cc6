//! `application/x-www-form-urlencoded`: the percent codec, raw fields, the reading options,
//! and the field tables and collector the three messages share.
//!
//! The codec is written here rather than taken from a crate: the common ones
//! (`form_urlencoded`, `serde_urlencoded`) need `std`, and `percent-encoding` neither treats
//! `+` as a space nor reports where a bad escape is. What is needed is small: split on `&` and
//! `=`, turn `+` into a space, decode `%XX`, and borrow whenever nothing changes. A nom
//! version of the splitter was measured against this one (see the crate README, "Why a hand
//! parser").

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::convert::Infallible;
use core::fmt;

use crate::device::DevId;
use crate::error::{
    ErrorKind, Limit, Location, ParseError, Warning, WarningKind, excerpt, excerpt_bytes,
};
use crate::limits::Limits;

/// How to read a form: lenient (the default) or strict, and the limits.
///
/// Lenient reading accepts these quirks and records each as a [`Warning`]
/// ([`parse_with`](crate::CheckRequest::parse_with) returns them):
///
/// - a defined field's name in another case ([`WarningKind::NameCase`]): the standard's own
///   example request spells `devFwVer` as `devFWver`, and the spec's **Decision** is to match
///   names case-insensitively;
/// - empty pairs (`a=1&&b=2`, a `&` at either end; [`WarningKind::EmptyPair`]), skipped as
///   the WHATWG form parser skips them;
/// - a pair without `=` ([`WarningKind::NoEquals`]), a field with an empty value as the
///   WHATWG form parser reads it.
///
/// [`ReadOptions::strict`] turns every tolerance off: a name in another case is then a field
/// the message does not define (so the mandatory field it meant is missing), and the other
/// quirks are refused with [`ErrorKind::Strict`]. Strict reading accepts everything the
/// writer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ReadOptions {
    /// Refuse every tolerated quirk.
    pub strict: bool,
    /// The bounds on the input.
    pub limits: Limits,
}

impl ReadOptions {
    /// Lenient reading with the default limits (the same as `default()`).
    #[must_use]
    pub const fn lenient() -> Self {
        Self {
            strict: false,
            limits: Limits::DEFAULT,
        }
    }

    /// Strict reading with the default limits.
    #[must_use]
    pub const fn strict() -> Self {
        Self {
            strict: true,
            limits: Limits::DEFAULT,
        }
    }

    /// These options with other limits.
    #[must_use]
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// A parsed message with the warnings the lenient reader recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    /// What was parsed.
    pub value: T,
    /// The quirks that were accepted, in input order, up to
    /// [`Limits::max_warnings`](crate::Limits::max_warnings).
    pub warnings: Vec<Warning>,
    /// How many more quirks were accepted than `warnings` holds: past the cap they are
    /// counted, not recorded, so none goes unseen.
    pub dropped_warnings: usize,
}

/// Where the reader puts the warnings: nowhere for `parse`, a capped list for `parse_with`.
pub(crate) struct Warnings {
    list: Vec<Warning>,
    dropped: usize,
    max: usize,
    record: bool,
}

impl Warnings {
    /// Records nothing: `parse` has nowhere to return warnings.
    pub(crate) const fn ignore() -> Self {
        Self {
            list: Vec::new(),
            dropped: 0,
            max: 0,
            record: false,
        }
    }

    /// Records up to `max`, counting the others.
    pub(crate) const fn record(max: usize) -> Self {
        Self {
            list: Vec::new(),
            dropped: 0,
            max,
            record: true,
        }
    }

    #[cold]
    fn add(&mut self, offset: usize, location: Location, kind: WarningKind) {
        if !self.record {
            return;
        }
        if self.list.len() < self.max {
            self.list.push(Warning {
                offset,
                location,
                kind,
            });
        } else {
            self.dropped += 1;
        }
    }

    /// The parsed value with the warnings recorded while reading it.
    pub(crate) fn finish<T>(self, value: T) -> Parsed<T> {
        Parsed {
            value,
            warnings: self.list,
            dropped_warnings: self.dropped,
        }
    }
}

/// A field a message does not define, kept as sent (decoded) so that parse -> write keeps it.
///
/// The crate does not know what its value means, so it treats it as it treats a credential:
/// **a value whose meaning the crate does not know is never printed**. The name is shown; the
/// value is a [`Secret`], so `Debug` and serialization show `<redacted>` in its place and
/// [`Secret::expose`] gives it to the code that asks for it explicitly. Writing the message
/// still writes the value. This holds for every unknown field, whatever its name: a name
/// cannot tell a credential from other data (`X_Admin_Pin`, `pa%73s` decoding to `pass`,
/// `p%3Dwd`), so no name is trusted to mean "not secret". It also holds for the offer fields
/// a response other than 200 carries (kept here because they mean nothing there).
///
/// ```
/// use fwupgrade_proto::Field;
///
/// let field = Field::new("X_Vendor_Pin", "1234");
/// assert_eq!(field.value.expose(), "1234");
/// assert!(!format!("{field:?}").contains("1234"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Field<'a> {
    /// The decoded name.
    pub name: Cow<'a, str>,
    /// The decoded value, redacted in `Debug` and serialization.
    pub value: Secret<'a>,
}

impl<'a> Field<'a> {
    /// A field from a name and a value (not encoded: the writer encodes them).
    pub fn new(name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Self {
        Self {
            name: name.into(),
            value: Secret::new(value),
        }
    }

    /// Detaches the field from the input.
    pub fn into_owned(self) -> Field<'static> {
        Field {
            name: Cow::Owned(self.name.into_owned()),
            value: self.value.into_owned(),
        }
    }
}

const REDACTED: &str = "<redacted>";

/// A value that is never shown: a credential (`dlSvrPwd`), or the value of a [`Field`] the
/// crate does not know. It is compared and written like a string, but `Debug` shows
/// `Secret(<redacted>)` and it serializes as `"<redacted>"`; call [`Secret::expose`] to use
/// it.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret<'a>(Cow<'a, str>);

impl<'a> Secret<'a> {
    /// Wraps a value.
    pub fn new(value: impl Into<Cow<'a, str>>) -> Self {
        Self(value.into())
    }

    /// The value in clear, for the code that uses it (the download, a vendor extension).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Detaches the secret from the input.
    pub fn into_owned(self) -> Secret<'static> {
        Secret(Cow::Owned(self.0.into_owned()))
    }
}

impl fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Secret<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(REDACTED)
    }
}

/// Why [`decode`] failed, and where (offset into the bytes given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// A `%` at this offset is not followed by two hex digits.
    BadEscape(usize),
    /// The decoded bytes are not UTF-8; the offset is where the bad sequence starts in the
    /// decoded bytes.
    InvalidUtf8(usize),
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one form name or value: `+` is a space, `%XX` a byte, the result must be UTF-8.
///
/// Borrows when there is nothing to decode, so the common case does not allocate.
///
/// # Errors
///
/// [`DecodeError::BadEscape`] for a `%` not followed by two hex digits,
/// [`DecodeError::InvalidUtf8`] when the decoded bytes are not UTF-8.
pub(crate) fn decode(raw: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    let Some(first) = raw.iter().position(|&b| b == b'%' || b == b'+') else {
        return core::str::from_utf8(raw)
            .map(Cow::Borrowed)
            .map_err(|e| DecodeError::InvalidUtf8(e.valid_up_to()));
    };
    let mut out = Vec::with_capacity(raw.len());
    out.extend_from_slice(&raw[..first]);
    let mut i = first;
    while let Some(&b) = raw.get(i) {
        match b {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = raw.get(i + 1).copied().and_then(hex_val);
                let lo = raw.get(i + 2).copied().and_then(hex_val);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push(hi << 4 | lo),
                    _ => return Err(DecodeError::BadEscape(i)),
                }
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|e| DecodeError::InvalidUtf8(e.utf8_error().valid_up_to()))
}

/// Bytes written as they are. Beyond the unreserved characters of RFC 3986 and `*` (which the
/// WHATWG form serializer also keeps), `:` and `/` are kept: they have no meaning in a form
/// body, and keeping them makes MAC addresses, versions and URLs readable, and the standard's
/// example request byte-identical.
const fn is_plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'*' | b':' | b'/')
}

/// [`is_plain`] for every byte: one load per byte instead of a chain of range tests.
static PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = is_plain(b as u8);
        b += 1;
    }
    table
};

/// Where a message is written: bytes appended to a `Vec`, a `fmt::Formatter` for `Display`,
/// an `io::Write` for `write_to`. Everything written is ASCII or the UTF-8 of a `str`.
pub(crate) trait Sink {
    /// What writing can fail with: nothing for a `Vec`.
    type Error;
    fn put(&mut self, s: &str) -> Result<(), Self::Error>;
}

impl Sink for Vec<u8> {
    type Error = Infallible;
    #[inline]
    fn put(&mut self, s: &str) -> Result<(), Infallible> {
        self.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

impl Sink for fmt::Formatter<'_> {
    type Error = fmt::Error;
    fn put(&mut self, s: &str) -> fmt::Result {
        self.write_str(s)
    }
}

/// An `io::Write` as a [`Sink`]: each piece is written as it comes, so an unbuffered writer
/// should be wrapped in a `BufWriter` by the caller.
#[cfg(feature = "std")]
pub(crate) struct IoSink<'w, W: std::io::Write + ?Sized>(pub(crate) &'w mut W);

#[cfg(feature = "std")]
impl<W: std::io::Write + ?Sized> Sink for IoSink<'_, W> {
    type Error = std::io::Error;
    fn put(&mut self, s: &str) -> std::io::Result<()> {
        self.0.write_all(s.as_bytes())
    }
}

/// `%00%01...%FF`: the escape of byte `b` is `ESCAPES[3 * b..3 * b + 3]`, so an escape is
/// one slice rather than three writes.
const ESCAPES: &str = {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    const BYTES: [u8; 768] = {
        let mut out = [0u8; 768];
        let mut b = 0;
        while b < 256 {
            out[3 * b] = b'%';
            out[3 * b + 1] = HEX[b >> 4];
            out[3 * b + 2] = HEX[b & 0xF];
            b += 1;
        }
        out
    };
    match core::str::from_utf8(&BYTES) {
        Ok(s) => s,
        // Unreachable: the table is ASCII; an empty table would only make escapes empty.
        Err(_) => "",
    }
};

/// Writes `s` form-encoded: a space as `+`, every byte that is not plain as `%XX` (upper-case
/// hex).
pub(crate) fn encode_to<S: Sink + ?Sized>(s: &str, out: &mut S) -> Result<(), S::Error> {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if PLAIN[usize::from(b)] {
            continue;
        }
        // `start..i` holds only ASCII, so it is a char boundary.
        out.put(s.get(start..i).unwrap_or_default())?;
        if b == b' ' {
            out.put("+")?;
        } else {
            let at = 3 * usize::from(b);
            out.put(ESCAPES.get(at..at + 3).unwrap_or_default())?;
        }
        start = i + 1;
    }
    out.put(s.get(start..).unwrap_or_default())
}

/// `s` form-encoded, borrowed when nothing needs escaping.
#[cfg(test)]
pub(crate) fn encode(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| PLAIN[usize::from(b)]) {
        Cow::Borrowed(s)
    } else {
        let mut out = Vec::with_capacity(s.len() + 8);
        let Ok(()) = encode_to(s, &mut out);
        Cow::Owned(String::from_utf8(out).unwrap_or_default())
    }
}

/// How the field table writes one field's value (`Absent` writes nothing).
pub(crate) enum Out<'v> {
    /// Text, form-encoded.
    Text(&'v str),
    /// A decimal number.
    Int(u64),
    /// A `devId`, plain by construction.
    DevId(DevId),
    /// An optional field that has no value.
    Absent,
}

impl<'v> Out<'v> {
    /// Text when there is some.
    pub(crate) fn opt(value: Option<&'v str>) -> Self {
        value.map_or(Self::Absent, Self::Text)
    }

    /// A number when there is one.
    pub(crate) fn opt_int(value: Option<u64>) -> Self {
        value.map_or(Self::Absent, Self::Int)
    }
}

/// Writes the `&`-separated fields of a message.
pub(crate) struct FormWriter<'w, S: Sink + ?Sized> {
    out: &'w mut S,
    first: bool,
}

impl<'w, S: Sink + ?Sized> FormWriter<'w, S> {
    pub(crate) fn new(out: &'w mut S) -> Self {
        Self { out, first: true }
    }

    /// A field the message defines. Its canonical name is plain (a test checks every one),
    /// so it is written without encoding.
    #[inline]
    pub(crate) fn out(&mut self, name: &'static str, value: Out<'_>) -> Result<(), S::Error> {
        match value {
            Out::Absent => Ok(()),
            Out::Text(text) => {
                self.name(name)?;
                encode_to(text, self.out)
            }
            Out::Int(v) => {
                self.name(name)?;
                self.out.put(itoa_buf(v).as_str())
            }
            Out::DevId(id) => {
                self.name(name)?;
                self.out.put(crate::device::DevIdStr::new(id).as_str())
            }
        }
    }

    fn separator(&mut self) -> Result<(), S::Error> {
        if !self.first {
            self.out.put("&")?;
        }
        self.first = false;
        Ok(())
    }

    fn name(&mut self, name: &'static str) -> Result<(), S::Error> {
        self.separator()?;
        self.out.put(name)?;
        self.out.put("=")
    }

    /// Writes the extra fields that bear one of `names` (in any case) under that name, in
    /// the order of `names`.
    pub(crate) fn extra_named(
        &mut self,
        extra: &[Field<'_>],
        names: &[&'static str],
    ) -> Result<(), S::Error> {
        for &name in names {
            for f in extra.iter().filter(|f| f.name.eq_ignore_ascii_case(name)) {
                self.out(name, Out::Text(f.value.expose()))?;
            }
        }
        Ok(())
    }

    /// Writes the unknown fields, skipping any whose name the message writes itself (so the
    /// output never has a duplicate).
    pub(crate) fn extra(&mut self, extra: &[Field<'_>], written: &[&str]) -> Result<(), S::Error> {
        for f in extra {
            if !written.iter().any(|w| w.eq_ignore_ascii_case(&f.name)) {
                self.separator()?;
                encode_to(&f.name, self.out)?;
                self.out.put("=")?;
                encode_to(f.value.expose(), self.out)?;
            }
        }
        Ok(())
    }
}

/// A stack buffer for a decimal number (no allocation when writing ints).
pub(crate) struct NumBuf {
    buf: [u8; 20],
    start: usize,
}

impl NumBuf {
    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(self.buf.get(self.start..).unwrap_or_default()).unwrap_or_default()
    }
}

pub(crate) fn itoa_buf(mut v: u64) -> NumBuf {
    let mut buf = [0u8; 20];
    let mut start = buf.len();
    loop {
        start -= 1;
        // `start` stays in bounds: a u64 has at most 20 digits.
        if let Some(slot) = buf.get_mut(start) {
            *slot = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || start == 0 {
            break;
        }
    }
    NumBuf { buf, start }
}

/// A field of a message's table: its canonical name and its place in the table, so reading
/// and writing refer to it by name ([`form_table!`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldId {
    pub(crate) name: &'static str,
    index: usize,
}

impl FieldId {
    /// The field `name` of `names`; a name not in the table fails to compile (the constant
    /// that names the field cannot be evaluated).
    // Only ever evaluated in a constant (`form_table!`), so the panic is a compile error,
    // never a run-time one.
    #[allow(clippy::panic)]
    pub(crate) const fn new(names: &[&'static str], name: &'static str) -> Self {
        let mut i = 0;
        while i < names.len() {
            if const_eq(names[i], name) {
                return Self { name, index: i };
            }
            i += 1;
        }
        panic!("a field table names a field it does not hold")
    }
}

const fn const_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Declares a message's field table: each field's Rust name, canonical (wire) name, and how
/// the message writes it, in the standard's order. It generates
///
/// - `$table`, a struct with one [`FieldId`] per field, and the constant `$ids` of it, so
///   that reading takes a field by name (`c.text(REQUEST.dev_model)`);
/// - `$table::NAMES`, the canonical names in order, which the collector matches input names
///   against and which name fields in errors;
/// - `$msg::write_fields`, which writes the defined fields in table order.
///
/// Reading and writing thus share one list of names, and the order of the wire form is the
/// order of the table.
macro_rules! form_table {
    (
        $(#[$meta:meta])*
        $table:ident, $ids:ident for $msg:ident as $m:ident {
            $( $field:ident = $wire:literal => $write:expr, )*
        }
    ) => {
        $(#[$meta])*
        pub(crate) struct $table {
            $( pub(crate) $field: crate::form::FieldId, )*
        }

        impl $table {
            /// How many fields the message defines.
            pub(crate) const LEN: usize = [$($wire),*].len();
            /// The canonical names, in the standard's order.
            pub(crate) const NAMES: [&'static str; Self::LEN] = [$($wire),*];
        }

        $(#[$meta])*
        pub(crate) const $ids: $table = $table {
            $( $field: crate::form::FieldId::new(&$table::NAMES, $wire), )*
        };

        impl $msg<'_> {
            /// Writes the fields the message defines, in table order.
            fn write_fields<S: crate::form::Sink + ?Sized>(
                &self,
                w: &mut crate::form::FormWriter<'_, S>,
            ) -> Result<(), S::Error> {
                let $m = self;
                $( w.out($wire, $write)?; )*
                Ok(())
            }
        }
    };
}
pub(crate) use form_table;

/// The verbs every message offers, with one meaning each (docs/STYLE.md, "API shape"): the
/// message provides `read` (the fields to a value) and `write_sink` (the value to a sink).
macro_rules! message_verbs {
    ($msg:ident) => {
        impl<'a> $msg<'a> {
            /// Parses a whole form body: lenient, with the default [`Limits`](crate::Limits).
            ///
            /// # Errors
            ///
            /// A [`ParseError`](crate::ParseError) naming the field: bad escape, invalid
            /// UTF-8, duplicate, missing or mistyped field, malformed `devId`, or a limit hit.
            pub fn parse<I: AsRef<[u8]> + ?Sized>(input: &'a I) -> Result<Self, crate::ParseError> {
                Self::read(
                    input.as_ref(),
                    &crate::ReadOptions::lenient(),
                    &mut crate::form::Warnings::ignore(),
                )
            }

            /// Parses a whole form body with other options, and returns the warnings the
            /// lenient reader recorded (none when `opts` is strict: it refuses the quirks).
            ///
            /// # Errors
            ///
            /// As [`parse`](Self::parse), and with strict options
            /// [`ErrorKind::Strict`](crate::ErrorKind::Strict) for a quirk.
            pub fn parse_with<I: AsRef<[u8]> + ?Sized>(
                input: &'a I,
                opts: &crate::ReadOptions,
            ) -> Result<crate::Parsed<Self>, crate::ParseError> {
                let mut warnings = crate::form::Warnings::record(opts.limits.max_warnings);
                let value = Self::read(input.as_ref(), opts, &mut warnings)?;
                Ok(warnings.finish(value))
            }

            /// Appends the form body to `out`: canonical names in the standard's order, then
            /// the extra fields.
            pub fn write_into(&self, out: &mut alloc::vec::Vec<u8>) {
                let Ok(()) = self.write_sink(out);
            }

            /// The form body as bytes (what [`write_into`](Self::write_into) appends).
            pub fn to_vec(&self) -> alloc::vec::Vec<u8> {
                let mut out = alloc::vec::Vec::with_capacity(256);
                self.write_into(&mut out);
                out
            }

            /// Streams the form body to `out`, piece by piece: wrap an unbuffered writer in a
            /// `std::io::BufWriter`.
            ///
            /// # Errors
            ///
            /// Only those of `out`.
            #[cfg(feature = "std")]
            pub fn write_to(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
                self.write_sink(&mut crate::form::IoSink(out))
            }
        }

        impl core::fmt::Display for $msg<'_> {
            /// The form body, as [`write_into`](Self::write_into) writes it.
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                self.write_sink(f)
            }
        }
    };
}
pub(crate) use message_verbs;

/// One defined field's decoded value and where its value starts.
type Slot<'a> = Option<(Cow<'a, str>, usize)>;

/// The fields of one message, sorted into the defined ones (in table order) and the others.
pub(crate) struct Collected<'a, const N: usize> {
    slots: [Slot<'a>; N],
    pub(crate) extra: Vec<Field<'a>>,
    /// The message's canonical names, to name fields in errors.
    names: &'static [&'static str; N],
    /// The input's length: where a missing field was expected at the latest.
    input_len: usize,
}

/// Where the `&`-separated pair starting at `start` ends, where its first `=` is, and whether
/// its name or its value holds a `%` or `+` (so needs decoding).
struct Pair {
    end: usize,
    eq: Option<usize>,
    name_escaped: bool,
    value_escaped: bool,
}

/// `0x01` in every byte of a word.
const LOW_BITS: u64 = u64::from_le_bytes([0x01; 8]);
/// `0x80` in every byte of a word.
const HIGH_BITS: u64 = u64::from_le_bytes([0x80; 8]);

/// The high bit of each byte of `word` that equals `b`. Only the lowest set bit is exact (a
/// borrow can flag a byte above a match), which is all [`next_special`] needs.
#[inline]
fn bytes_equal(word: u64, b: u8) -> u64 {
    let x = word ^ (LOW_BITS * u64::from(b));
    x.wrapping_sub(LOW_BITS) & !x & HIGH_BITS
}

/// The index of the first `&`, `=`, `%` or `+` at or after `from`, or the input's length.
///
/// Eight bytes at a time: names and values are mostly plain bytes, and a word-wide test
/// costs about as much as testing one byte against the four delimiters.
#[inline]
fn next_special(input: &[u8], mut from: usize) -> usize {
    while let Some(chunk) = input.get(from..).and_then(<[u8]>::first_chunk::<8>) {
        let word = u64::from_le_bytes(*chunk);
        let hits = bytes_equal(word, b'&')
            | bytes_equal(word, b'=')
            | bytes_equal(word, b'%')
            | bytes_equal(word, b'+');
        if hits != 0 {
            // Little-endian: the lowest set bit is the first byte that matches.
            return from + (hits.trailing_zeros() / 8) as usize;
        }
        from += 8;
    }
    while let Some(&b) = input.get(from) {
        if matches!(b, b'&' | b'=' | b'%' | b'+') {
            break;
        }
        from += 1;
    }
    from
}

/// Finds where the pair starting at `start` ends and what it holds, jumping from one
/// delimiter or escape to the next instead of searching for `&`, then `=`, then for `%` and
/// `+` in the name and again in the value.
#[inline]
fn scan_pair(input: &[u8], start: usize) -> Pair {
    let mut eq = None;
    let mut name_escaped = false;
    let mut value_escaped = false;
    let mut at = start;
    loop {
        at = next_special(input, at);
        match input.get(at) {
            None | Some(b'&') => break,
            Some(b'=') => {
                if eq.is_none() {
                    eq = Some(at);
                }
            }
            Some(_) => {
                if eq.is_none() {
                    name_escaped = true;
                } else {
                    value_escaped = true;
                }
            }
        }
        at += 1;
    }
    Pair {
        end: at,
        eq,
        name_escaped,
        value_escaped,
    }
}

/// The name or value at `start..end` of the input: a slice of `text` (the input, when it is
/// UTF-8 as a whole) when nothing needs decoding, else [`decode`].
#[inline]
fn field_text<'a>(
    input: &'a [u8],
    text: Option<&'a str>,
    start: usize,
    end: usize,
    escaped: bool,
) -> Result<Cow<'a, str>, DecodeError> {
    // `start` and `end` sit at the input's ends or next to an ASCII delimiter, so they are
    // char boundaries and the slice cannot fail.
    match text {
        Some(text) if !escaped => Ok(Cow::Borrowed(text.get(start..end).unwrap_or_default())),
        _ => decode(input.get(start..end).unwrap_or_default()),
    }
}

/// The index of `name` in `names`, and whether it matched exactly: the slot after the
/// previous field first (senders write the fields in the standard's order, so this is usually
/// the one), then the exact spelling anywhere, then, if allowed, the case-insensitive scan for
/// quirks. An unknown name counts as exact: it is no quirk.
#[inline]
fn lookup<const N: usize>(
    names: &[&str; N],
    name: &str,
    expected: usize,
    ignore_case: bool,
) -> (Option<usize>, bool) {
    let name = name.as_bytes();
    if names
        .get(expected)
        .is_some_and(|n| same_name(n.as_bytes(), name))
    {
        return (Some(expected), true);
    }
    if let Some(i) = names.iter().position(|n| same_name(n.as_bytes(), name)) {
        return (Some(i), true);
    }
    if ignore_case
        && let Some(i) = names
            .iter()
            .position(|n| n.as_bytes().eq_ignore_ascii_case(name))
    {
        return (Some(i), false);
    }
    (None, true)
}

/// `a == b` for short byte strings without a call to `memcmp`: the names are 4 to 16 bytes, so
/// two possibly overlapping word compares cover them.
#[inline]
fn same_name(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    if a.len() <= 16
        && let (Some(a0), Some(a1), Some(b0), Some(b1)) = (
            a.first_chunk::<8>(),
            a.last_chunk::<8>(),
            b.first_chunk::<8>(),
            b.last_chunk::<8>(),
        )
    {
        return a0 == b0 && a1 == b1;
    }
    if a.len() <= 8
        && let (Some(a0), Some(a1), Some(b0), Some(b1)) = (
            a.first_chunk::<4>(),
            a.last_chunk::<4>(),
            b.first_chunk::<4>(),
            b.last_chunk::<4>(),
        )
    {
        return a0 == b0 && a1 == b1;
    }
    a == b
}

/// How an error names a field: its canonical name when the message defines it, else an
/// excerpt of the name as sent.
#[cold]
fn label<const N: usize>(
    names: &'static [&'static str; N],
    index: Option<usize>,
    name: &str,
) -> Location {
    match index.and_then(|i| names.get(i)) {
        Some(n) => Location::Field(n),
        None => Location::Other(Box::from(excerpt(name))),
    }
}

/// The location of a raw name that does not decode, or is too long: an excerpt of its
/// readable start.
#[cold]
fn raw_label(raw: &[u8]) -> Location {
    Location::Other(Box::from(excerpt_bytes(raw)))
}

/// The error for `raw`, the name or value at `start` that [`decode`] refused.
#[cold]
fn decode_error(e: DecodeError, location: Location, raw: &[u8], start: usize) -> ParseError {
    match e {
        DecodeError::BadEscape(at) => ParseError::new(ErrorKind::BadEscape, start + at, location),
        DecodeError::InvalidUtf8(at) => {
            ParseError::new(ErrorKind::InvalidUtf8, start + raw_index(raw, at), location)
        }
    }
}

/// Where the byte `decoded` of the decoded text came from in `raw` (its `%` when it was
/// escaped), so an error points at the input the sender wrote.
fn raw_index(raw: &[u8], decoded: usize) -> usize {
    let mut i = 0;
    for _ in 0..decoded {
        i += match raw.get(i) {
            Some(b'%') => 3,
            Some(_) => 1,
            None => break,
        };
    }
    i.min(raw.len())
}

/// A quirk: recorded when reading leniently, refused when strict.
#[cold]
fn quirk(
    opts: &ReadOptions,
    warnings: &mut Warnings,
    offset: usize,
    location: Location,
    kind: WarningKind,
) -> Result<(), ParseError> {
    if opts.strict {
        return Err(ParseError::new(ErrorKind::Strict(kind), offset, location));
    }
    warnings.add(offset, location, kind);
    Ok(())
}

fn limit_error(limit: Limit, max: usize, offset: usize, location: Location) -> ParseError {
    ParseError::new(ErrorKind::LimitExceeded { limit, max }, offset, location)
}

impl<'a, const N: usize> Collected<'a, N> {
    /// No field yet; [`Collected::fill`] sorts the fields of an input into the slots of
    /// `names` (a table's `NAMES`).
    #[inline]
    pub(crate) fn new(names: &'static [&'static str; N]) -> Self {
        Self {
            slots: [const { None }; N],
            extra: Vec::new(),
            names,
            input_len: 0,
        }
    }

    /// Splits and decodes `input`, sorting its fields into the slots and the unknown fields,
    /// and recording (or, strict, refusing) the quirks it meets.
    ///
    /// It fills `self` in place rather than returning the fields, so the slots are not moved
    /// on the way out.
    pub(crate) fn fill(
        &mut self,
        input: &'a [u8],
        opts: &ReadOptions,
        warnings: &mut Warnings,
    ) -> Result<(), ParseError> {
        let limits = &opts.limits;
        if input.len() > limits.max_input_bytes {
            return Err(limit_error(
                Limit::InputBytes,
                limits.max_input_bytes,
                limits.max_input_bytes,
                Location::Form,
            ));
        }
        self.input_len = input.len();
        let names = self.names;
        // Validating the whole input once is much cheaper than once per name and value; the
        // fields are then sliced out of it. An input that is not UTF-8 as a whole is decoded
        // field by field, which finds the field and offset to report.
        let text = core::str::from_utf8(input).ok();
        let mut expected = 0usize;
        let mut count = 0usize;
        let mut pos = 0usize;
        while pos <= input.len() {
            let pair_start = pos;
            let pair = scan_pair(input, pos);
            pos = pair.end + 1;
            if pair.end == pair_start {
                // An empty body has no pair at all, not an empty one.
                if !input.is_empty() {
                    quirk(
                        opts,
                        warnings,
                        pair_start,
                        Location::Form,
                        WarningKind::EmptyPair,
                    )?;
                }
                continue;
            }
            count += 1;
            if count > limits.max_fields {
                return Err(limit_error(
                    Limit::Fields,
                    limits.max_fields,
                    pair_start,
                    Location::Form,
                ));
            }
            let (name_end, value_start) = match pair.eq {
                Some(eq) => (eq, eq + 1),
                None => (pair.end, pair.end),
            };
            let name_len = name_end - pair_start;
            if name_len > limits.max_value_bytes {
                let raw_name = input.get(pair_start..name_end).unwrap_or_default();
                return Err(limit_error(
                    Limit::ValueBytes,
                    limits.max_value_bytes,
                    pair_start,
                    raw_label(raw_name),
                ));
            }
            let name =
                field_text(input, text, pair_start, name_end, pair.name_escaped).map_err(|e| {
                    let raw_name = input.get(pair_start..name_end).unwrap_or_default();
                    decode_error(e, raw_label(raw_name), raw_name, pair_start)
                })?;
            let (index, exact) = lookup(names, &name, expected, !opts.strict);
            let value_len = pair.end - value_start;
            if value_len > limits.max_value_bytes {
                return Err(limit_error(
                    Limit::ValueBytes,
                    limits.max_value_bytes,
                    value_start,
                    label(names, index, &name),
                ));
            }
            let slot = index.and_then(|i| self.slots.get_mut(i));
            if let Some(Some(_)) = slot {
                return Err(ParseError::new(
                    ErrorKind::DuplicateField,
                    pair_start,
                    label(names, index, &name),
                ));
            }
            let value = field_text(input, text, value_start, pair.end, pair.value_escaped)
                .map_err(|e| {
                    let raw_value = input.get(value_start..pair.end).unwrap_or_default();
                    decode_error(e, label(names, index, &name), raw_value, value_start)
                })?;
            if !exact {
                quirk(
                    opts,
                    warnings,
                    pair_start,
                    label(names, index, &name),
                    WarningKind::NameCase,
                )?;
            }
            if pair.eq.is_none() {
                quirk(
                    opts,
                    warnings,
                    pair.end,
                    label(names, index, &name),
                    WarningKind::NoEquals,
                )?;
            }
            match slot {
                Some(slot) => {
                    *slot = Some((value, value_start));
                    expected = index.map_or(0, |i| i + 1);
                }
                None => self.extra.push(Field {
                    name,
                    value: Secret::new(value),
                }),
            }
        }
        Ok(())
    }

    fn missing(&self, field: FieldId) -> ParseError {
        ParseError::new(
            ErrorKind::MissingField,
            self.input_len,
            Location::Field(field.name),
        )
    }

    fn take(&mut self, field: FieldId) -> Slot<'a> {
        self.slots.get_mut(field.index).and_then(Option::take)
    }

    /// Takes an optional text field.
    pub(crate) fn opt_text(&mut self, field: FieldId) -> Option<Cow<'a, str>> {
        self.take(field).map(|(v, _)| v)
    }

    /// Takes a mandatory text field.
    pub(crate) fn text(&mut self, field: FieldId) -> Result<Cow<'a, str>, ParseError> {
        self.opt_text(field).ok_or_else(|| self.missing(field))
    }

    /// Takes a mandatory `devId`.
    pub(crate) fn dev_id(&mut self, field: FieldId) -> Result<DevId, ParseError> {
        let (raw, offset) = self.take(field).ok_or_else(|| self.missing(field))?;
        DevId::parse_wire(&raw).ok_or_else(|| {
            ParseError::new(ErrorKind::InvalidDevId, offset, Location::Field(field.name))
        })
    }

    /// Takes an optional `int` field.
    pub(crate) fn opt_int<T: TryFrom<u64>>(
        &mut self,
        field: FieldId,
    ) -> Result<Option<T>, ParseError> {
        match self.take(field) {
            None => Ok(None),
            Some((v, offset)) => parse_int(&v).map(Some).ok_or_else(|| {
                ParseError::new(ErrorKind::InvalidInt, offset, Location::Field(field.name))
            }),
        }
    }

    /// Takes a mandatory `int` field.
    pub(crate) fn int<T: TryFrom<u64>>(&mut self, field: FieldId) -> Result<T, ParseError> {
        self.opt_int(field)?.ok_or_else(|| self.missing(field))
    }

    /// Moves the fields still present among `fields` to the unknown fields, canonical name
    /// first in the order given, before the fields that were unknown already.
    pub(crate) fn demote(&mut self, fields: &[FieldId]) {
        let mut moved = Vec::new();
        for &field in fields {
            if let Some((value, _)) = self.take(field) {
                moved.push(Field {
                    name: Cow::Borrowed(field.name),
                    value: Secret::new(value),
                });
            }
        }
        if !moved.is_empty() {
            moved.append(&mut self.extra);
            self.extra = moved;
        }
    }
}

/// Whether the form has a field named `wanted` (matched as `opts` says); looks at names
/// only, and answers `false` for an input the parser would refuse for its size.
pub(crate) fn has_field(input: &[u8], wanted: &str, opts: &ReadOptions) -> bool {
    if input.len() > opts.limits.max_input_bytes {
        return false;
    }
    input.split(|&b| b == b'&').any(|pair| {
        let raw = pair.split(|&b| b == b'=').next().unwrap_or_default();
        match decode(raw) {
            Ok(name) if opts.strict => name == wanted,
            Ok(name) => name.eq_ignore_ascii_case(wanted),
            Err(_) => false,
        }
    })
}

/// A decimal integer: ASCII digits only (no sign, no spaces), at least one, fitting `T`.
pub(crate) fn parse_int<T: TryFrom<u64>>(s: &str) -> Option<T> {
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for b in s.bytes() {
        let d = hex_digit_dec(b)?;
        v = v.checked_mul(10)?.checked_add(u64::from(d))?;
    }
    T::try_from(v).ok()
}

fn hex_digit_dec(b: u8) -> Option<u8> {
    b.is_ascii_digit().then(|| b - b'0')
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn decode_table() {
        let cases: &[(&[u8], Result<&str, DecodeError>, bool)] = &[
            (b"", Ok(""), true),
            (b"abc", Ok("abc"), true),
            (b"a+b", Ok("a b"), false),
            (b"a%20b", Ok("a b"), false),
            (b"%2b", Ok("+"), false),
            (b"%2B%26%3d", Ok("+&="), false),
            (b"%EA%B0%80", Ok("\u{ac00}"), false),
            (b"%", Err(DecodeError::BadEscape(0)), false),
            (b"ab%4", Err(DecodeError::BadEscape(2)), false),
            (b"%zz", Err(DecodeError::BadEscape(0)), false),
            (b"%4g", Err(DecodeError::BadEscape(0)), false),
            (b"%FF", Err(DecodeError::InvalidUtf8(0)), false),
            (b"ab\xff", Err(DecodeError::InvalidUtf8(2)), true),
        ];
        for (raw, want, borrowed) in cases {
            let got = decode(raw);
            assert_eq!(got.as_deref().map_err(|e| *e), *want, "{raw:?}");
            if let Ok(cow) = got {
                assert_eq!(matches!(cow, Cow::Borrowed(_)), *borrowed, "{raw:?}");
            }
        }
    }

    #[test]
    fn encode_table() {
        let cases = [
            ("", ""),
            ("abc", "abc"),
            ("a b", "a+b"),
            ("a+b&c=d%", "a%2Bb%26c%3Dd%25"),
            ("00:FF:FF:FF:FF:FF", "00:FF:FF:FF:FF:FF"),
            ("http://h/p-1_2.~*", "http://h/p-1_2.~*"),
            ("\u{ac00}", "%EA%B0%80"),
            ("a?b#c", "a%3Fb%23c"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(encode(plain), encoded);
            assert_eq!(decode(encoded.as_bytes()).as_deref(), Ok(plain));
        }
    }

    #[test]
    fn ints() {
        assert_eq!(parse_int::<u32>("0"), Some(0));
        assert_eq!(parse_int::<u32>("007"), Some(7));
        assert_eq!(parse_int::<u32>("4294967295"), Some(u32::MAX));
        assert_eq!(parse_int::<u32>("4294967296"), None);
        assert_eq!(parse_int::<u64>("99999999999999999999"), None);
        for bad in ["", "-1", "+1", " 1", "1 ", "1.0", "0x1"] {
            assert_eq!(parse_int::<u32>(bad), None, "{bad}");
        }
        for v in [0u64, 9, 10, 12345, u64::MAX] {
            assert_eq!(itoa_buf(v).as_str(), v.to_string());
        }
    }

    #[test]
    fn every_extra_value_is_redacted() {
        for name in ["dlSvrPwd", "X_Password", "apiToken", "dlSvrId", "x", "p=wd"] {
            let field = Field::new(name, "hunter2");
            let dbg = alloc::format!("{field:?} {field:#?}");
            assert!(!dbg.contains("hunter2"), "{dbg}");
            assert!(dbg.contains("<redacted>") && dbg.contains(name), "{dbg}");
            assert_eq!(field.value.expose(), "hunter2");
        }
        let dbg = alloc::format!("{:?}", Secret::new("hunter2"));
        assert_eq!(dbg, "Secret(<redacted>)");
    }

    #[test]
    fn utf8_errors_point_at_the_bad_sequence_as_sent() {
        let cases: &[(&[u8], usize)] = &[
            (b"\xff", 0),
            (b"ab\xff", 2),
            (b"%FF", 0),
            (b"a%20b%E2%82", 5),
            (b"%C3%A9%C3", 6),
            (b"++%FF", 2),
        ];
        for (raw, at) in cases {
            let Err(DecodeError::InvalidUtf8(decoded)) = decode(raw) else {
                panic!("{raw:?} decodes");
            };
            assert_eq!(raw_index(raw, decoded), *at, "{raw:?}");
        }
    }
}
