//! The TTA text form: `ID,URL,NTP|ID,URL,NTP`.

use alloc::borrow::Cow;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::{Field, InvalidValue, Limit, Location, ParseError, ParseErrorKind};
use crate::limits::Limits;

/// Tolerances for quirks real DHCP servers add around the TTA text (spec section 3 Decision).
///
/// All are on by default; [`Leniency::STRICT`] turns them all off. Output is always canonical,
/// whatever was tolerated on input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Leniency {
    /// Ignore ASCII whitespace around the whole value and around each field (hand-edited
    /// server configurations, `"KT, http://..."`).
    pub trim_whitespace: bool,
    /// Ignore NUL bytes at the end (servers that send the C string's terminator).
    pub trailing_nul: bool,
    /// Ignore one `|` at the end (servers that join entries with a terminator, not a separator).
    pub trailing_separator: bool,
}

impl Leniency {
    /// Every tolerance off: only canonical text parses.
    pub const STRICT: Leniency = Leniency {
        trim_whitespace: false,
        trailing_nul: false,
        trailing_separator: false,
    };
    /// Every tolerance on (the default).
    pub const LENIENT: Leniency = Leniency {
        trim_whitespace: true,
        trailing_nul: true,
        trailing_separator: true,
    };
}

impl Default for Leniency {
    fn default() -> Self {
        Leniency::LENIENT
    }
}

/// One provider entry: `ServiceProviderID,ProvisioningServerURL,NTPServerURL`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Provider<'a> {
    id: Cow<'a, str>,
    provisioning_url: Cow<'a, str>,
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
    /// Parses with the default [`Limits`] and [`Leniency`].
    ///
    /// # Errors
    ///
    /// [`ParseError`] naming the entry index and the field.
    pub fn parse(input: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_with(input, &Limits::default())
    }

    /// Parses with the given limits and the default [`Leniency`].
    ///
    /// # Errors
    ///
    /// [`ParseError`] naming the entry index and the field, or the limit hit.
    pub fn parse_with(input: &'a [u8], limits: &Limits) -> Result<Self, ParseError> {
        Self::parse_with_leniency(input, limits, Leniency::default())
    }

    /// Parses with the given limits and tolerances.
    ///
    /// # Errors
    ///
    /// [`ParseError`] naming the entry index and the field, or the limit hit.
    pub fn parse_with_leniency(
        input: &'a [u8],
        limits: &Limits,
        leniency: Leniency,
    ) -> Result<Self, ParseError> {
        if input.len() > limits.max_input_len {
            return Err(ParseError::new(
                limits.max_input_len,
                ParseErrorKind::LimitExceeded {
                    limit: Limit::InputLength,
                    max: limits.max_input_len,
                },
            )
            .within(Location::ProviderList));
        }
        let mut start = 0;
        let mut end = input.len();
        loop {
            match input[..end].last() {
                Some(0) if leniency.trailing_nul => end -= 1,
                Some(b) if leniency.trim_whitespace && b.is_ascii_whitespace() => end -= 1,
                _ => break,
            }
        }
        if leniency.trim_whitespace {
            (start, end) = trim_ws(input, start, end);
        }
        if leniency.trailing_separator && end > start && input[end - 1] == b'|' {
            end -= 1;
            if leniency.trim_whitespace {
                (start, end) = trim_ws(input, start, end);
            }
        }
        if start == end {
            return Err(ParseError::new(start, ParseErrorKind::NoEntries));
        }
        let mut len = 0;
        for (entry, (e_start, e_end)) in split(input, start, end, b'|').enumerate() {
            len += 1;
            if len > limits.max_providers {
                return Err(ParseError::new(
                    e_start,
                    ParseErrorKind::LimitExceeded {
                        limit: Limit::Providers,
                        max: limits.max_providers,
                    },
                )
                .within(Location::Entry { entry }));
            }
            check_entry(input, entry, e_start, e_end, limits, leniency)?;
        }
        // Every field is UTF-8 and the separators are ASCII, so this does not fail; mapping the
        // error keeps the no-panic contract without an unwrap.
        let text = core::str::from_utf8(&input[start..end]).map_err(|e| {
            ParseError::new(
                start + e.valid_up_to(),
                ParseErrorKind::NotUtf8 {
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

    /// Writes the canonical text: entries joined by `|`, fields by `,`, nothing around them.
    ///
    /// # Errors
    ///
    /// Only the writer's own errors.
    pub fn write_to(&self, w: &mut impl fmt::Write) -> fmt::Result {
        for (i, p) in self.iter().enumerate() {
            if i > 0 {
                w.write_char('|')?;
            }
            write!(w, "{p}")?;
        }
        Ok(())
    }

    /// The canonical text as bytes (the option-43 value).
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        alloc::string::ToString::to_string(self).into_bytes()
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

fn check_entry(
    input: &[u8],
    entry: usize,
    start: usize,
    end: usize,
    limits: &Limits,
    leniency: Leniency,
) -> Result<(), ParseError> {
    let (ts, te) = trim_ws(input, start, end);
    if ts == te {
        return Err(ParseError::new(start, ParseErrorKind::EmptyEntry { entry }));
    }
    let found = split(input, start, end, b',').count();
    if found != 3 {
        return Err(ParseError::new(
            start,
            ParseErrorKind::FieldCount { entry, found },
        ));
    }
    for (field, (fs, fe)) in Field::ALL.into_iter().zip(split(input, start, end, b',')) {
        let (s, e) = trim_ws(input, fs, fe);
        if !leniency.trim_whitespace && (s, e) != (fs, fe) {
            return Err(ParseError::new(
                fs,
                ParseErrorKind::Whitespace { entry, field },
            ));
        }
        let value = &input[s..e];
        if value.len() > limits.max_field_len {
            return Err(ParseError::new(
                s,
                ParseErrorKind::LimitExceeded {
                    limit: Limit::FieldLength,
                    max: limits.max_field_len,
                },
            )
            .within(Location::EntryField { entry, field }));
        }
        if let Some(i) = value.iter().position(|&b| is_control(b)) {
            return Err(ParseError::new(
                s + i,
                ParseErrorKind::ControlChar {
                    entry,
                    field,
                    byte: value[i],
                },
            ));
        }
        if let Err(err) = core::str::from_utf8(value) {
            return Err(ParseError::new(
                s + err.valid_up_to(),
                ParseErrorKind::NotUtf8 { entry, field },
            ));
        }
        match field {
            Field::ProviderId if value.is_empty() => {
                return Err(ParseError::new(
                    s,
                    ParseErrorKind::EmptyField { entry, field },
                ));
            }
            Field::ProvisioningUrl if !is_http_url(value) => {
                return Err(ParseError::new(
                    s,
                    ParseErrorKind::NotHttpUrl { entry, field },
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Splits `input[start..end]` on `sep`, yielding absolute ranges.
fn split(input: &[u8], start: usize, end: usize, sep: u8) -> impl Iterator<Item = (usize, usize)> {
    let mut pos = Some(start);
    core::iter::from_fn(move || {
        let s = pos?;
        match input[s..end].iter().position(|&b| b == sep) {
            Some(i) => {
                pos = Some(s + i + 1);
                Some((s, s + i))
            }
            None => {
                pos = None;
                Some((s, end))
            }
        }
    })
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
        self.write_to(f)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for ProviderList<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

#[cfg(feature = "arbitrary")]
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

    fn parse(s: &str) -> Result<ProviderList<'_>, ParseErrorKind> {
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
        use Field::*;
        use ParseErrorKind as K;
        let table: &[(&str, ParseErrorKind)] = &[
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
        fn strict(s: &str) -> Result<ProviderList<'_>, ParseErrorKind> {
            ProviderList::parse_with_leniency(s.as_bytes(), &Limits::default(), Leniency::STRICT)
                .map_err(|e| e.kind().clone())
        }
        assert!(strict("A,http://a,n").is_ok());
        assert!(matches!(
            strict("A,http://a,n\0"),
            Err(ParseErrorKind::ControlChar { .. })
        ));
        assert!(matches!(
            strict("A,http://a,n|"),
            Err(ParseErrorKind::EmptyEntry { entry: 1 })
        ));
        assert!(matches!(
            strict(" A,http://a,n"),
            Err(ParseErrorKind::Whitespace { entry: 0, .. })
        ));
    }

    #[test]
    fn not_utf8_names_field_and_offset() {
        let err = ProviderList::parse(b"A,http://a,n\xff").unwrap_err();
        assert_eq!(err.offset(), 12);
        assert_eq!(
            err.kind(),
            &ParseErrorKind::NotUtf8 {
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
