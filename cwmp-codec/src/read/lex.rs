//! Byte- and character-level helpers shared by both lanes: XML whitespace, characters and names,
//! attribute syntax.

/// Whitespace as XML defines it.
pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

pub(crate) fn is_xml_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Takes the next `name="value"` from `rest`; `None` at the end, `Err` when malformed. Every
/// delimiter is ASCII, so the positions found are character boundaries of the text.
pub(crate) fn next_attribute<'a>(rest: &mut &'a str) -> Result<Option<(&'a [u8], &'a str)>, ()> {
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

/// Splits `prefix:local` at the first colon, by byte (a colon is ASCII, so both halves are
/// text).
pub(crate) fn split_str_qname(name: &str) -> (Option<&[u8]>, &str) {
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

pub(crate) fn skip_space(src: &[u8], mut i: usize) -> usize {
    while src.get(i).is_some_and(|&b| is_xml_space_byte(b)) {
        i += 1;
    }
    i
}

/// Whether any byte is below 0x20 (a control character, a line end or a tab): the common case,
/// none, is one pass the compiler vectorises.
pub(crate) fn has_control_bytes(bytes: &[u8]) -> bool {
    bytes.iter().fold(u8::MAX, |m, &b| m.min(b)) < 0x20
}

/// Whether `bytes` may hold a character XML 1.0 forbids: a byte below 0x20 (tab and line ends
/// included) or one from 0xEF up (U+FFFE and U+FFFF start with 0xEF). One pass the compiler
/// vectorises; [`first_illegal_char`] gives the exact answer where this says yes.
pub(crate) fn may_hold_illegal_chars(bytes: &[u8]) -> bool {
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
pub(crate) fn first_illegal_char(text: &str) -> Option<u32> {
    text.chars().find(|&c| is_illegal_char(c)).map(u32::from)
}

/// Whether `input` holds anything that makes a text not plain for the fast lane
/// ([`super::fast::plain_text_at`]): a control character other than tab and line feed (a
/// carriage return among them), a byte from 0xEF up (U+FFFE and U+FFFF start with 0xEF), or
/// `]]>`. Two vectorised passes over the whole input, so that the usual input's texts need no
/// check of their own.
pub(crate) fn text_suspects(input: &[u8]) -> bool {
    // Non-short-circuit `&` and `|`, so the compiler turns the fold into vector compares.
    let odd = input.iter().fold(false, |acc, &b| {
        acc | ((b < 0x20) & (b != b'\t') & (b != b'\n')) | (b >= 0xEF)
    });
    odd || memchr::memmem::find(input, b"]]>").is_some()
}

/// Whether `]]>` stands in `text`, which XML forbids outside a CDATA section.
pub(crate) fn has_cdata_end(bytes: &[u8]) -> bool {
    memchr::memchr(b'>', bytes).is_some() && memchr::memmem::find(bytes, b"]]>").is_some()
}

/// The class of each byte in a name: [`NAME_START`] and [`NAME`] for ASCII name characters,
/// [`NON_ASCII`] for the bytes of any other character (checked by character, rarely).
const NAME_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() || c == b'_' {
            NAME_START | NAME
        } else if c.is_ascii_digit() || c == b'-' || c == b'.' {
            NAME
        } else if c >= 0x80 {
            NON_ASCII
        } else {
            0
        };
        b += 1;
    }
    t
};
const NAME_START: u8 = 1;
const NAME: u8 = 2;
const NON_ASCII: u8 = 4;

/// Whether `name` is an XML name without colon (Namespaces in XML 1.0, `NCName`): ASCII
/// checked by a table lookup per byte, other characters against the ranges of XML 1.0 fifth
/// edition.
pub(crate) fn is_ncname(name: &[u8]) -> bool {
    let Some((&first, rest)) = name.split_first() else {
        return false;
    };
    // A `u8` index is always within the 256 entries.
    let class = |b: u8| NAME_CLASS[usize::from(b)];
    if class(first) & NAME_START != 0 && rest.iter().all(|&b| class(b) & NAME != 0) {
        return true;
    }
    // Not a plain ASCII name: one still where non-ASCII name characters make the difference.
    if !name.iter().any(|&b| class(b) & NON_ASCII != 0) {
        return false;
    }
    let Ok(name) = std::str::from_utf8(name) else {
        return false;
    };
    let mut chars = name.chars();
    chars.next().is_some_and(is_name_start_char) && chars.all(is_name_char)
}

/// XML 1.0 production 4, `NameStartChar`, without the colon.
pub(crate) fn is_name_start_char(c: char) -> bool {
    matches!(c,
        'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 production 4a, `NameChar`, without the colon.
pub(crate) fn is_name_char(c: char) -> bool {
    is_name_start_char(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// Whether `name` is `NCName` or `NCName:NCName`.
pub(crate) fn is_qname(name: &[u8]) -> bool {
    match split_qname(name) {
        (Some(prefix), local) => is_ncname(prefix) && is_ncname(local),
        (None, local) => is_ncname(local),
    }
}

pub(crate) fn split_qname(name: &[u8]) -> (Option<&[u8]>, &[u8]) {
    // Names are short: a plain loop beats a call into memchr.
    match name.iter().position(|&b| b == b':') {
        Some(i) => (name.get(..i), name.get(i + 1..).unwrap_or_default()),
        None => (None, name),
    }
}

pub(crate) fn trim_bytes(b: &[u8]) -> &[u8] {
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

/// Whether `xml` names `prefix` (`prefix:` after a character that cannot be part of a name):
/// in an element or attribute name, or in a value such as `xsi:type="p:T"` that a reader of
/// the raw element may resolve. Reading more uses than there are costs a declaration; reading
/// fewer would leave a prefix unbound, so any `prefix:` counts.
pub(crate) fn uses_prefix(xml: &str, prefix: &str) -> bool {
    let bytes = xml.as_bytes();
    memchr::memmem::find_iter(bytes, prefix.as_bytes()).any(|at| {
        let before = at.checked_sub(1).and_then(|i| bytes.get(i));
        bytes.get(at + prefix.len()) == Some(&b':')
            && !before.is_some_and(|&b| {
                b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.') || b >= 0x80
            })
    })
}
