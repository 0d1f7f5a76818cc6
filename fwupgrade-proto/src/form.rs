//! `application/x-www-form-urlencoded`: the percent codec, raw fields and the field collector
//! the three messages share.
//!
//! The codec is written here rather than taken from a crate: the common ones
//! (`form_urlencoded`, `serde_urlencoded`) need `std`, and `percent-encoding` neither treats
//! `+` as a space nor reports where a bad escape is. What is needed is small: split on `&` and
//! `=`, turn `+` into a space, decode `%XX`, and borrow whenever nothing changes.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::{ParseError, excerpt, excerpt_bytes};
use crate::limits::Limits;

/// How lenient the parser is.
///
/// The default is lenient where the spec records a quirk; [`ParseConfig::strict`] turns every
/// tolerance off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseConfig {
    /// The bounds on the input.
    pub limits: Limits,
    /// Match field names ASCII-case-insensitively (default `true`). The standard's own example
    /// request spells `devFwVer` as `devFWver`; with `false` such a field is kept as an unknown
    /// field and the mandatory field is then missing.
    pub ignore_name_case: bool,
}

impl ParseConfig {
    /// Every tolerance off: field names must match exactly.
    pub const fn strict() -> Self {
        Self {
            limits: Limits::DEFAULT,
            ignore_name_case: false,
        }
    }

    /// The default configuration with other limits.
    pub const fn with_limits(limits: Limits) -> Self {
        Self {
            limits,
            ignore_name_case: true,
        }
    }
}

impl Default for ParseConfig {
    fn default() -> Self {
        Self::with_limits(Limits::DEFAULT)
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
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
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
#[cfg_attr(feature = "arbitrary", derive(arbitrary::Arbitrary))]
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
#[non_exhaustive]
pub enum DecodeError {
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
pub fn decode(raw: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
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

/// Writes `s` form-encoded: a space as `+`, every byte that is not plain as `%XX` (upper-case
/// hex).
///
/// # Errors
///
/// Only those of `out`.
pub fn encode_to(s: &str, out: &mut (impl fmt::Write + ?Sized)) -> fmt::Result {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if PLAIN[usize::from(b)] {
            continue;
        }
        // `start..i` holds only ASCII, so it is a char boundary.
        out.write_str(s.get(start..i).unwrap_or_default())?;
        if b == b' ' {
            out.write_char('+')?;
        } else {
            out.write_char('%')?;
            out.write_char(char::from(HEX[usize::from(b >> 4)]))?;
            out.write_char(char::from(HEX[usize::from(b & 0xF)]))?;
        }
        start = i + 1;
    }
    out.write_str(s.get(start..).unwrap_or_default())
}

/// `s` form-encoded, borrowed when nothing needs escaping.
pub fn encode(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| PLAIN[usize::from(b)]) {
        Cow::Borrowed(s)
    } else {
        let mut out = String::with_capacity(s.len() + 8);
        // Writing into a String cannot fail.
        let _ = encode_to(s, &mut out);
        Cow::Owned(out)
    }
}

/// Writes the `&`-separated fields of a message.
pub(crate) struct FormWriter<'w, W: fmt::Write + ?Sized> {
    out: &'w mut W,
    first: bool,
}

impl<'w, W: fmt::Write + ?Sized> FormWriter<'w, W> {
    pub(crate) fn new(out: &'w mut W) -> Self {
        Self { out, first: true }
    }

    /// A field the message defines. Its canonical name is plain (a test checks every one),
    /// so it is written without encoding.
    pub(crate) fn field(&mut self, name: &'static str, value: &str) -> fmt::Result {
        self.name(name)?;
        encode_to(value, self.out)
    }

    /// A defined field whose value is plain by construction (digits, a `devId`).
    pub(crate) fn plain(&mut self, name: &'static str, value: &str) -> fmt::Result {
        self.name(name)?;
        self.out.write_str(value)
    }

    fn separator(&mut self) -> fmt::Result {
        if !self.first {
            self.out.write_char('&')?;
        }
        self.first = false;
        Ok(())
    }

    fn name(&mut self, name: &'static str) -> fmt::Result {
        self.separator()?;
        self.out.write_str(name)?;
        self.out.write_char('=')
    }

    pub(crate) fn opt(&mut self, name: &'static str, value: Option<&str>) -> fmt::Result {
        match value {
            Some(v) => self.field(name, v),
            None => Ok(()),
        }
    }

    pub(crate) fn int(&mut self, name: &'static str, value: u64) -> fmt::Result {
        self.plain(name, itoa_buf(value).as_str())
    }

    pub(crate) fn opt_int(&mut self, name: &'static str, value: Option<u64>) -> fmt::Result {
        match value {
            Some(v) => self.int(name, v),
            None => Ok(()),
        }
    }

    /// Writes the extra fields that bear one of `names` (in any case) under that name, in
    /// the order of `names`.
    pub(crate) fn extra_named(
        &mut self,
        extra: &[Field<'_>],
        names: &[&'static str],
    ) -> fmt::Result {
        for &name in names {
            for f in extra.iter().filter(|f| f.name.eq_ignore_ascii_case(name)) {
                self.field(name, f.value.expose())?;
            }
        }
        Ok(())
    }

    /// Writes the unknown fields, skipping any whose name the message writes itself (so the
    /// output never has a duplicate).
    pub(crate) fn extra(&mut self, extra: &[Field<'_>], written: &[&str]) -> fmt::Result {
        for f in extra {
            if !written.iter().any(|w| w.eq_ignore_ascii_case(&f.name)) {
                self.separator()?;
                encode_to(&f.name, self.out)?;
                self.out.write_char('=')?;
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

/// One defined field's decoded value and where its value starts.
pub(crate) type Slot<'a> = Option<(Cow<'a, str>, usize)>;

/// The fields of one message, sorted into the defined ones (by index into the message's name
/// table) and the others.
pub(crate) struct Collected<'a, const N: usize> {
    pub(crate) slots: [Slot<'a>; N],
    pub(crate) extra: Vec<Field<'a>>,
    /// The message's canonical names, to name fields in errors.
    pub(crate) names: &'static [&'static str; N],
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

/// The index of `name` in `names`: the slot after the previous field first (senders write
/// the fields in the standard's order, so this is usually the one), then the exact spelling
/// anywhere, then, if allowed, the case-insensitive scan for quirks.
#[inline]
fn lookup<const N: usize>(
    names: &[&str; N],
    name: &str,
    expected: usize,
    ignore_case: bool,
) -> Option<usize> {
    let name = name.as_bytes();
    if names
        .get(expected)
        .is_some_and(|n| same_name(n.as_bytes(), name))
    {
        return Some(expected);
    }
    names
        .iter()
        .position(|n| same_name(n.as_bytes(), name))
        .or_else(|| {
            if ignore_case {
                names
                    .iter()
                    .position(|n| n.as_bytes().eq_ignore_ascii_case(name))
            } else {
                None
            }
        })
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
) -> Cow<'static, str> {
    match index.and_then(|i| names.get(i)) {
        Some(n) => Cow::Borrowed(*n),
        None => excerpt(name),
    }
}

/// The error for `raw`, the name or value at `start` that [`decode`] refused.
#[cold]
fn decode_error(e: DecodeError, field: Cow<'static, str>, raw: &[u8], start: usize) -> ParseError {
    match e {
        DecodeError::BadEscape(at) => ParseError::BadEscape {
            field,
            offset: start + at,
        },
        DecodeError::InvalidUtf8(at) => ParseError::InvalidUtf8 {
            field,
            offset: start + raw_index(raw, at),
        },
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

impl<'a, const N: usize> Collected<'a, N> {
    /// No field yet; [`Collected::fill`] sorts the fields of an input into the slots of
    /// `names` (the message's canonical names).
    #[inline]
    pub(crate) fn new(names: &'static [&'static str; N]) -> Self {
        Self {
            slots: [const { None }; N],
            extra: Vec::new(),
            names,
            input_len: 0,
        }
    }

    /// Splits and decodes `input`, sorting its fields into the slots and the unknown fields.
    ///
    /// It fills `self` in place rather than returning the fields, so the slots are not moved
    /// on the way out.
    pub(crate) fn fill(&mut self, input: &'a [u8], config: &ParseConfig) -> Result<(), ParseError> {
        let limits = &config.limits;
        if input.len() > limits.max_input_len {
            return Err(ParseError::InputTooLarge {
                size: input.len(),
                limit: limits.max_input_len,
            });
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
                continue;
            }
            count += 1;
            if count > limits.max_fields {
                return Err(ParseError::TooManyFields {
                    limit: limits.max_fields,
                    offset: pair_start,
                });
            }
            let (name_end, value_start) = match pair.eq {
                Some(eq) => (eq, eq + 1),
                None => (pair.end, pair.end),
            };
            let name_len = name_end - pair_start;
            if name_len > limits.max_value_len {
                let raw_name = input.get(pair_start..name_end).unwrap_or_default();
                return Err(ParseError::ValueTooLong {
                    field: excerpt_bytes(raw_name),
                    offset: pair_start,
                    len: name_len,
                    limit: limits.max_value_len,
                });
            }
            let name =
                field_text(input, text, pair_start, name_end, pair.name_escaped).map_err(|e| {
                    let raw_name = input.get(pair_start..name_end).unwrap_or_default();
                    decode_error(e, excerpt_bytes(raw_name), raw_name, pair_start)
                })?;
            let index = lookup(names, &name, expected, config.ignore_name_case);
            let value_len = pair.end - value_start;
            if value_len > limits.max_value_len {
                return Err(ParseError::ValueTooLong {
                    field: label(names, index, &name),
                    offset: value_start,
                    len: value_len,
                    limit: limits.max_value_len,
                });
            }
            let slot = index.and_then(|i| self.slots.get_mut(i));
            if let Some(Some(_)) = slot {
                let field = index
                    .and_then(|i| names.get(i))
                    .copied()
                    .unwrap_or_default();
                return Err(ParseError::DuplicateField {
                    field,
                    offset: pair_start,
                });
            }
            let value = field_text(input, text, value_start, pair.end, pair.value_escaped)
                .map_err(|e| {
                    let raw_value = input.get(value_start..pair.end).unwrap_or_default();
                    decode_error(e, label(names, index, &name), raw_value, value_start)
                })?;
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

    fn name(&self, i: usize) -> &'static str {
        self.names.get(i).copied().unwrap_or_default()
    }

    fn missing(&self, i: usize) -> ParseError {
        ParseError::MissingField {
            field: self.name(i),
            offset: self.input_len,
        }
    }

    /// Takes an optional string field.
    pub(crate) fn opt_str(&mut self, i: usize) -> Option<Cow<'a, str>> {
        self.slots.get_mut(i).and_then(Option::take).map(|(v, _)| v)
    }

    /// Takes a mandatory string field.
    pub(crate) fn str(&mut self, i: usize) -> Result<Cow<'a, str>, ParseError> {
        self.opt_str(i).ok_or_else(|| self.missing(i))
    }

    /// Takes a mandatory field with its offset.
    pub(crate) fn raw(&mut self, i: usize) -> Result<(Cow<'a, str>, usize), ParseError> {
        match self.slots.get_mut(i).and_then(Option::take) {
            Some(slot) => Ok(slot),
            None => Err(self.missing(i)),
        }
    }

    /// Takes an optional `int` field.
    pub(crate) fn opt_int<T: TryFrom<u64>>(&mut self, i: usize) -> Result<Option<T>, ParseError> {
        let field = self.name(i);
        match self.slots.get_mut(i).and_then(Option::take) {
            None => Ok(None),
            Some((v, offset)) => parse_int(&v)
                .map(Some)
                .ok_or(ParseError::InvalidInt { field, offset }),
        }
    }

    /// Takes a mandatory `int` field.
    pub(crate) fn int<T: TryFrom<u64>>(&mut self, i: usize) -> Result<T, ParseError> {
        self.opt_int(i)?.ok_or_else(|| self.missing(i))
    }

    /// Moves the fields still present among `indices` to the unknown fields, canonical name
    /// first in index order, before the fields that were unknown already.
    pub(crate) fn demote(&mut self, indices: core::ops::Range<usize>) {
        let mut moved = Vec::new();
        for i in indices {
            let name = self.name(i);
            if let Some((value, _)) = self.slots.get_mut(i).and_then(Option::take) {
                moved.push(Field {
                    name: Cow::Borrowed(name),
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

/// Whether the form has a field named `wanted` (matched as `config` says); looks at names
/// only, and answers `false` for an input the parser would refuse for its size.
pub(crate) fn has_field(input: &[u8], wanted: &str, config: &ParseConfig) -> bool {
    if input.len() > config.limits.max_input_len {
        return false;
    }
    input.split(|&b| b == b'&').any(|pair| {
        let raw = pair.split(|&b| b == b'=').next().unwrap_or_default();
        match decode(raw) {
            Ok(name) if config.ignore_name_case => name.eq_ignore_ascii_case(wanted),
            Ok(name) => name == wanted,
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
