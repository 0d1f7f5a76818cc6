//! The TTA text form: `ID,URL,NTP|ID,URL,NTP`.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::{ErrorKind, Field, InvalidValue, Limit, Location, ParseError, WarningKind};
use crate::read::{Parsed, ReadOptions, Warnings};

/// One provider entry: `ServiceProviderID,ProvisioningServerURL,NTPServerURL`.
///
/// Serializes with those three names as keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Provider<'a> {
    #[cfg_attr(feature = "serde", serde(rename = "ServiceProviderID"))]
    id: Cow<'a, str>,
    #[cfg_attr(feature = "serde", serde(rename = "ProvisioningServerURL"))]
    provisioning_url: Cow<'a, str>,
    #[cfg_attr(feature = "serde", serde(rename = "NTPServerURL"))]
    ntp_server: Cow<'a, str>,
}

impl<'a> Provider<'a> {
    /// Builds an entry, checking what the wire format can carry: a non-empty ID, an `http://` or
    /// `https://` provisioning URL, no `,`, `|`, control characters or surrounding whitespace in
    /// any field. The NTP server (host name, address or URL) may be empty.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] naming the field.
    pub fn new(
        id: impl Into<Cow<'a, str>>,
        provisioning_url: impl Into<Cow<'a, str>>,
        ntp_server: impl Into<Cow<'a, str>>,
    ) -> Result<Self, InvalidValue> {
        let p = Provider {
            id: id.into(),
            provisioning_url: provisioning_url.into(),
            ntp_server: ntp_server.into(),
        };
        for (field, value) in Field::ALL.into_iter().zip(p.fields()) {
            check_field_value(field, value)
                .map_err(|reason| InvalidValue::new(field.name(), reason))?;
        }
        Ok(p)
    }

    /// The service provider ID (compared with the current one on provider change).
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The provisioning (ACS) server URL, `http://` or `https://`.
    #[must_use]
    pub fn provisioning_url(&self) -> &str {
        &self.provisioning_url
    }

    /// The NTP server: a host name, an IP address or a URL; may be empty.
    #[must_use]
    pub fn ntp_server(&self) -> &str {
        &self.ntp_server
    }

    /// The value of a field.
    #[must_use]
    pub fn field(&self, field: Field) -> &str {
        match field {
            Field::ProviderId => &self.id,
            Field::ProvisioningUrl => &self.provisioning_url,
            Field::NtpServer => &self.ntp_server,
        }
    }

    fn fields(&self) -> [&str; 3] {
        [&self.id, &self.provisioning_url, &self.ntp_server]
    }

    /// Copies borrowed text so the entry outlives its input.
    #[must_use]
    pub fn into_owned(self) -> Provider<'static> {
        Provider {
            id: Cow::Owned(self.id.into_owned()),
            provisioning_url: Cow::Owned(self.provisioning_url.into_owned()),
            ntp_server: Cow::Owned(self.ntp_server.into_owned()),
        }
    }
}

impl fmt::Display for Provider<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},{},{}",
            self.id, self.provisioning_url, self.ntp_server
        )
    }
}

/// The why of a field check, shared by the parser and the constructor.
fn check_field_value(field: Field, value: &str) -> Result<(), &'static str> {
    if value.bytes().any(|b| b == b',' || b == b'|') {
        return Err("contains a separator (`,` or `|`)");
    }
    if value.bytes().any(is_control) {
        return Err("contains a control character");
    }
    if value.trim_matches(is_ws) != value {
        return Err("has surrounding whitespace");
    }
    match field {
        Field::ProviderId if value.is_empty() => Err("is empty"),
        Field::ProvisioningUrl if !is_http_url(value.as_bytes()) => {
            Err("is not an http:// or https:// url")
        }
        _ => Ok(()),
    }
}

fn is_control(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

fn is_ws(c: char) -> bool {
    c.is_ascii_whitespace()
}

fn is_http_url(v: &[u8]) -> bool {
    let rest = if starts_with_ci(v, b"http://") {
        &v[7..]
    } else if starts_with_ci(v, b"https://") {
        &v[8..]
    } else {
        return false;
    };
    // A host must follow the scheme.
    rest.first().is_some_and(|&b| b != b'/')
}

fn starts_with_ci(v: &[u8], prefix: &[u8]) -> bool {
    v.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn trim_ws(bytes: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    (start, end)
}

/// The TTA provider list: the option-43 value, and the `X_TTA_ProviderInfos` parameter value.
///
/// Parsing validates the whole text and keeps it borrowed: it allocates nothing. The entries are
/// read by [`iter`](Self::iter), in wire order.
#[derive(Clone)]
pub struct ProviderList<'a> {
    // Validated text; entries are split again on each iteration, trimming what leniency allowed.
    text: Cow<'a, str>,
    len: usize,
}

impl<'a> ProviderList<'a> {
    /// Parses leniently with the default limits: the whole input is the value.
    ///
    /// # Errors
    ///
    /// [`ParseError`] naming the entry index and the field.
    pub fn parse(input: &'a [u8]) -> Result<Self, ParseError> {
        Self::read(input, &ReadOptions::default(), &mut Warnings::discard())
    }

    /// Parses with `options`, returning the tolerances used as warnings: surrounding
    /// whitespace, trailing NULs, one trailing `|`. Strict mode refuses each of them with the
    /// error the text has without the tolerance ([`ErrorKind::Whitespace`],
    /// [`ErrorKind::ControlChar`], [`ErrorKind::EmptyEntry`]).
    ///
    /// # Errors
    ///
    /// [`ParseError`] naming the entry index and the field, or the limit hit.
    pub fn parse_with(input: &'a [u8], options: &ReadOptions) -> Result<Parsed<Self>, ParseError> {
        let mut warnings = Warnings::new(options.limits.max_warnings);
        let list = Self::read(input, options, &mut warnings)?;
        Ok(warnings.finish(list))
    }

    pub(crate) fn read(
        input: &'a [u8],
        options: &ReadOptions,
        warnings: &mut Warnings,
    ) -> Result<Self, ParseError> {
        let limits = &options.limits;
        let lenient = !options.strict;
        if input.len() > limits.max_input_bytes {
            return Err(ParseError::new(
                limits.max_input_bytes,
                ErrorKind::LimitExceeded {
                    limit: Limit::InputBytes,
                    max: limits.max_input_bytes,
                },
            )
            .within(Location::ProviderList));
        }
        // What lenient mode strips around the text, as (offset, quirk), reported in input order
        // after the entries' own warnings: at most leading whitespace, whitespace before the
        // `|`, the `|`, trailing whitespace and trailing NULs.
        let mut tail: [Option<(usize, WarningKind)>; 4] = [None; 4];
        let mut start = 0;
        let mut end = input.len();
        if lenient {
            let (mut ws, mut nul) = (None, None);
            while let Some(&b) = input[..end].last() {
                match b {
                    0 => nul = Some(end - 1),
                    b if b.is_ascii_whitespace() => ws = Some(end - 1),
                    _ => break,
                }
                end -= 1;
            }
            tail[0] = nul.map(|at| (at, WarningKind::TrailingNul));
            tail[1] = ws.map(|at| (at, WarningKind::Whitespace));
            while start < end && input[start].is_ascii_whitespace() {
                start += 1;
            }
            if start > 0 {
                warnings.push(0, Location::ProviderList, WarningKind::Whitespace);
            }
            if end > start && input[end - 1] == b'|' {
                end -= 1;
                tail[2] = Some((end, WarningKind::TrailingSeparator));
                let (_, e) = trim_ws(input, start, end);
                if e < end {
                    tail[3] = Some((e, WarningKind::Whitespace));
                    end = e;
                }
            }
        }
        if start == end {
            return Err(ParseError::new(start, ErrorKind::NoEntries));
        }
        // The grammar (nom): entries `field,field,field` joined by `|`. Each entry is read in
        // place, so reading allocates nothing; the field checks follow it.
        let mut rest = &input[start..end];
        let mut len = 0;
        loop {
            let e_start = end - rest.len();
            if len == limits.max_providers {
                return Err(ParseError::new(
                    e_start,
                    ErrorKind::LimitExceeded {
                        limit: Limit::Providers,
                        max: limits.max_providers,
                    },
                )
                .within(Location::Entry { entry: len }));
            }
            let Ok((after, fields)) = grammar::entry(rest) else {
                return Err(entry_error(input, len, e_start, end));
            };
            // The entry's shape first, then its fields, as the errors say.
            let next = match grammar::separator(after) {
                Ok((next, ())) => Some(next),
                Err(_) if after.is_empty() => None,
                // A fourth field.
                Err(_) => return Err(entry_error(input, len, e_start, end)),
            };
            let e_end = end - after.len();
            for (field, value) in Field::ALL.into_iter().zip(fields) {
                let fs = e_start + offset_in(&input[e_start..e_end], value);
                check_field(input, len, field, (fs, fs + value.len()), options, warnings)?;
            }
            len += 1;
            match next {
                Some(next) => rest = next,
                None => break,
            }
        }
        tail.sort_unstable_by_key(|t| t.map(|(at, _)| at));
        for (at, kind) in tail.into_iter().flatten() {
            warnings.push(at, Location::ProviderList, kind);
        }
        // Every field is UTF-8 and the separators are ASCII, so this does not fail; mapping the
        // error keeps the no-panic contract without an unwrap.
        let text = core::str::from_utf8(&input[start..end]).map_err(|e| {
            ParseError::new(
                start + e.valid_up_to(),
                ErrorKind::NotUtf8 {
                    entry: 0,
                    field: Field::ProviderId,
                },
            )
        })?;
        Ok(ProviderList {
            text: Cow::Borrowed(text),
            len,
        })
    }

    /// Builds a list from entries (already validated by [`Provider::new`]).
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when there is no entry.
    pub fn new<'p>(
        providers: impl IntoIterator<Item = Provider<'p>>,
    ) -> Result<ProviderList<'static>, InvalidValue> {
        let mut text = String::new();
        let mut len = 0;
        for p in providers {
            if len > 0 {
                text.push('|');
            }
            for (i, f) in p.fields().into_iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                text.push_str(f);
            }
            len += 1;
        }
        if len == 0 {
            return Err(InvalidValue::new("provider list", "has no entry"));
        }
        Ok(ProviderList {
            text: Cow::Owned(text),
            len,
        })
    }

    /// Number of entries (at least one).
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always `false`: a provider list has at least one entry.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The entries in wire order.
    #[must_use]
    pub fn iter(&self) -> Providers<'_> {
        Providers {
            rest: Some(&self.text),
        }
    }

    /// The entry at `index`, from 0.
    #[must_use]
    pub fn get(&self, index: usize) -> Option<Provider<'_>> {
        self.iter().nth(index)
    }

    /// The entries, collected.
    #[must_use]
    pub fn to_providers(&self) -> Vec<Provider<'_>> {
        self.iter().collect()
    }

    /// Appends the canonical text: entries joined by `|`, fields by `,`, nothing around them
    /// (the same text as `Display`).
    pub fn write_into(&self, out: &mut Vec<u8>) {
        for (i, p) in self.iter().enumerate() {
            if i > 0 {
                out.push(b'|');
            }
            for (k, f) in p.fields().into_iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(f.as_bytes());
            }
        }
    }

    /// The canonical text as bytes (the option-43 value).
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len());
        self.write_into(&mut out);
        out
    }

    /// Writes the canonical text to `w`.
    ///
    /// # Errors
    ///
    /// Only the writer's own errors.
    #[cfg(feature = "std")]
    pub fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        w.write_all(&self.to_vec())
    }

    /// Copies borrowed text so the list outlives its input.
    #[must_use]
    pub fn into_owned(self) -> ProviderList<'static> {
        ProviderList {
            text: Cow::Owned(self.text.into_owned()),
            len: self.len,
        }
    }
}

/// The nom grammar of the text (the hand-written peer it was measured against is in the
/// workspace bench `benches/benches/dhcp.rs`; the README has the figures and the decision).
mod grammar {
    use nom::bytes::complete::take_till;
    use nom::character::complete::char;
    use nom::combinator::value;
    use nom::{IResult, Parser};

    /// One field: anything up to the next separator.
    fn field(i: &[u8]) -> IResult<&[u8], &[u8], ()> {
        take_till(|b| b == b',' || b == b'|').parse(i)
    }

    /// `ID,URL,NTP`, untrimmed.
    pub(super) fn entry(i: &[u8]) -> IResult<&[u8], [&[u8]; 3], ()> {
        (field, char(','), field, char(','), field)
            .map(|(id, _, url, _, ntp)| [id, url, ntp])
            .parse(i)
    }

    /// The `|` between entries.
    pub(super) fn separator(i: &[u8]) -> IResult<&[u8], (), ()> {
        value((), char('|')).parse(i)
    }
}

/// Where `part`, a slice of `whole`, starts in it.
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

/// The error for entry `entry` at `start` that the grammar refused: empty, or not three fields.
fn entry_error(input: &[u8], entry: usize, start: usize, end: usize) -> ParseError {
    let e_end = input[start..end]
        .iter()
        .position(|&b| b == b'|')
        .map_or(end, |i| start + i);
    let (ts, te) = trim_ws(input, start, e_end);
    if ts == te {
        return ParseError::new(start, ErrorKind::EmptyEntry { entry });
    }
    let found = 1 + input[start..e_end].iter().filter(|&&b| b == b',').count();
    ParseError::new(start, ErrorKind::FieldCount { entry, found })
}

fn check_field(
    input: &[u8],
    entry: usize,
    field: Field,
    (fs, fe): (usize, usize),
    options: &ReadOptions,
    warnings: &mut Warnings,
) -> Result<(), ParseError> {
    let limits = &options.limits;
    let (s, e) = trim_ws(input, fs, fe);
    if (s, e) != (fs, fe) {
        if options.strict {
            return Err(ParseError::new(fs, ErrorKind::Whitespace { entry, field }));
        }
        warnings.push(
            fs,
            Location::EntryField { entry, field },
            WarningKind::Whitespace,
        );
    }
    let value = &input[s..e];
    if value.len() > limits.max_field_bytes {
        return Err(ParseError::new(
            s,
            ErrorKind::LimitExceeded {
                limit: Limit::FieldBytes,
                max: limits.max_field_bytes,
            },
        )
        .within(Location::EntryField { entry, field }));
    }
    if let Some(i) = value.iter().position(|&b| is_control(b)) {
        return Err(ParseError::new(
            s + i,
            ErrorKind::ControlChar {
                entry,
                field,
                byte: value[i],
            },
        ));
    }
    if let Err(err) = core::str::from_utf8(value) {
        return Err(ParseError::new(
            s + err.valid_up_to(),
            ErrorKind::NotUtf8 { entry, field },
        ));
    }
    match field {
        Field::ProviderId if value.is_empty() => {
            return Err(ParseError::new(s, ErrorKind::EmptyField { entry, field }));
        }
        Field::ProvisioningUrl if !is_http_url(value) => {
            return Err(ParseError::new(s, ErrorKind::NotHttpUrl { entry, field }));
        }
        _ => {}
    }
    Ok(())
}

/// Iterator over the entries of a [`ProviderList`].
#[derive(Debug, Clone)]
pub struct Providers<'t> {
    rest: Option<&'t str>,
}

impl<'t> Iterator for Providers<'t> {
    type Item = Provider<'t>;

    fn next(&mut self) -> Option<Provider<'t>> {
        let rest = self.rest?;
        let (entry, tail) = match rest.split_once('|') {
            Some((e, t)) => (e, Some(t)),
            None => (rest, None),
        };
        self.rest = tail;
        let mut fields = entry
            .splitn(3, ',')
            .map(|f| Cow::Borrowed(f.trim_matches(is_ws)));
        Some(Provider {
            id: fields.next().unwrap_or_default(),
            provisioning_url: fields.next().unwrap_or_default(),
            ntp_server: fields.next().unwrap_or_default(),
        })
    }
}

impl<'t> IntoIterator for &'t ProviderList<'_> {
    type Item = Provider<'t>;
    type IntoIter = Providers<'t>;

    fn into_iter(self) -> Providers<'t> {
        self.iter()
    }
}

impl PartialEq for ProviderList<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl Eq for ProviderList<'_> {}

impl fmt::Debug for ProviderList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl fmt::Display for ProviderList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.iter().enumerate() {
            if i > 0 {
                f.write_str("|")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ProviderList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(feature = "arbitrary")]
#[doc(hidden)]
impl<'u> arbitrary::Arbitrary<'u> for ProviderList<'static> {
    fn arbitrary(u: &mut arbitrary::Unstructured<'u>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(1..=4)?;
        let mut providers = Vec::with_capacity(n);
        for _ in 0..n {
            let id: String = u.arbitrary()?;
            let host: String = u.arbitrary()?;
            let ntp: String = u.arbitrary()?;
            let url = alloc::format!("http://{host}");
            let p = Provider::new(id, url, ntp).map_err(|_| arbitrary::Error::IncorrectFormat)?;
            providers.push(p);
        }
        ProviderList::new(providers).map_err(|_| arbitrary::Error::IncorrectFormat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    fn parse(s: &str) -> Result<ProviderList<'_>, ErrorKind> {
        ProviderList::parse(s.as_bytes()).map_err(|e| e.kind().clone())
    }

    #[test]
    fn accepted_inputs_and_their_canonical_form() {
        let table: &[(&str, &str, usize)] = &[
            (
                "KT,https://acs.kt.example:8443/prov,ntp.kt.example|SKB,http://10.1.1.1/acs,10.1.1.2",
                "KT,https://acs.kt.example:8443/prov,ntp.kt.example|SKB,http://10.1.1.1/acs,10.1.1.2",
                2,
            ),
            ("A,http://a,n\0", "A,http://a,n", 1),
            ("A,http://a,n|", "A,http://a,n", 1),
            ("A,http://a,n|\0", "A,http://a,n", 1),
            ("  A , http://a ,\tn \r\n", "A,http://a,n", 1),
            ("A,HTTPS://a,", "A,HTTPS://a,", 1),
            (
                "LG U+,http://acs.example/x?a=b,ntp://t.example",
                "LG U+,http://acs.example/x?a=b,ntp://t.example",
                1,
            ),
            ("한국,http://a,b", "한국,http://a,b", 1),
        ];
        for (input, canonical, n) in table {
            let list = parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(list.len(), *n, "{input:?}");
            assert_eq!(list.to_string(), *canonical, "{input:?}");
        }
    }

    #[test]
    fn rejected_inputs_name_entry_and_field() {
        use ErrorKind as K;
        use Field::*;
        let table: &[(&str, ErrorKind)] = &[
            ("", K::NoEntries),
            (" \0", K::NoEntries),
            ("|", K::NoEntries),
            ("A,http://a", K::FieldCount { entry: 0, found: 2 }),
            (
                "A,http://a,n|B,http://b,n,x",
                K::FieldCount { entry: 1, found: 4 },
            ),
            ("A,http://a,n||B,http://b,n", K::EmptyEntry { entry: 1 }),
            (
                ",http://a,n",
                K::EmptyField {
                    entry: 0,
                    field: ProviderId,
                },
            ),
            (
                "A,ftp://a,n",
                K::NotHttpUrl {
                    entry: 0,
                    field: ProvisioningUrl,
                },
            ),
            (
                "A,http://,n",
                K::NotHttpUrl {
                    entry: 0,
                    field: ProvisioningUrl,
                },
            ),
            (
                "A,http://a,n|B,,n",
                K::NotHttpUrl {
                    entry: 1,
                    field: ProvisioningUrl,
                },
            ),
            (
                "A,http://a,n\0x",
                K::ControlChar {
                    entry: 0,
                    field: NtpServer,
                    byte: 0,
                },
            ),
            (
                "A\x01,http://a,n",
                K::ControlChar {
                    entry: 0,
                    field: ProviderId,
                    byte: 1,
                },
            ),
        ];
        for (input, kind) in table {
            assert_eq!(parse(input).err().as_ref(), Some(kind), "{input:?}");
        }
    }

    #[test]
    fn strict_mode_rejects_each_tolerance() {
        fn strict(s: &str) -> Result<ProviderList<'_>, ErrorKind> {
            ProviderList::parse_with(s.as_bytes(), &ReadOptions::strict())
                .map(|p| p.value)
                .map_err(|e| e.kind().clone())
        }
        assert!(strict("A,http://a,n").is_ok());
        assert!(matches!(
            strict("A,http://a,n\0"),
            Err(ErrorKind::ControlChar { .. })
        ));
        assert!(matches!(
            strict("A,http://a,n|"),
            Err(ErrorKind::EmptyEntry { entry: 1 })
        ));
        assert!(matches!(
            strict(" A,http://a,n"),
            Err(ErrorKind::Whitespace { entry: 0, .. })
        ));
    }

    #[test]
    fn each_tolerance_is_a_warning_in_input_order() {
        use crate::Warning;
        let w = |offset, location, kind| Warning {
            offset,
            location,
            kind,
        };
        let input = b" A,http://a,n |\0";
        let parsed = ProviderList::parse_with(input, &ReadOptions::lenient()).unwrap();
        assert_eq!(parsed.value.to_string(), "A,http://a,n");
        assert_eq!(
            parsed.warnings,
            [
                w(0, Location::ProviderList, WarningKind::Whitespace),
                w(13, Location::ProviderList, WarningKind::Whitespace),
                w(14, Location::ProviderList, WarningKind::TrailingSeparator),
                w(15, Location::ProviderList, WarningKind::TrailingNul),
            ]
        );
        assert_eq!(
            parsed.warnings[3].to_string(),
            "trailing nul ignored at byte 15 (provider list)"
        );
        let parsed = ProviderList::parse_with(b"A, http://a,n", &ReadOptions::lenient()).unwrap();
        assert_eq!(
            parsed.warnings,
            [w(
                2,
                Location::EntryField {
                    entry: 0,
                    field: Field::ProvisioningUrl
                },
                WarningKind::Whitespace
            )]
        );
        let clean = ProviderList::parse_with(b"A,http://a,n", &ReadOptions::strict()).unwrap();
        assert!(clean.warnings.is_empty());
    }

    #[test]
    fn not_utf8_names_field_and_offset() {
        let err = ProviderList::parse(b"A,http://a,n\xff").unwrap_err();
        assert_eq!(err.offset(), 12);
        assert_eq!(
            err.kind(),
            &ErrorKind::NotUtf8 {
                entry: 0,
                field: Field::NtpServer
            }
        );
        assert_eq!(
            err.to_string(),
            "not valid utf-8 at byte 12 (entry 0 ntp server)"
        );
    }

    #[test]
    fn constructor_checks_fields() {
        assert!(Provider::new("A", "http://a", "").is_ok());
        let table = [
            ("", "http://a", "n", "provider id"),
            ("A,B", "http://a", "n", "provider id"),
            ("A", "tftp://a", "n", "provisioning url"),
            ("A", "http://a", "n|m", "ntp server"),
            ("A", "http://a", " n", "ntp server"),
        ];
        for (id, url, ntp, what) in table {
            assert_eq!(Provider::new(id, url, ntp).unwrap_err().what(), what);
        }
        assert!(ProviderList::new([]).is_err());
    }
}
