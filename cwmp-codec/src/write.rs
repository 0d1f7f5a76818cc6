//! XML out: canonical, schema-valid envelopes written straight into a byte buffer.

use std::borrow::Cow;

use crate::value::{DateTime, DateTimeText, Value, XsdType};

/// Output choices for CPEs and ACSs with known limits. The default is the canonical form.
///
/// ```
/// use cwmp_codec::WriteOptions;
/// let opts = WriteOptions::default().with_numeric_booleans(true);
/// assert!(opts.numeric_booleans && !opts.expand_empty_elements);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct WriteOptions {
    /// Write booleans as `1`/`0` rather than `true`/`false` (some CPEs parse only digits).
    pub numeric_booleans: bool,
    /// Write dateTimes without fractional seconds (some CPEs reject them).
    pub no_fractional_seconds: bool,
    /// Write empty elements as `<X></X>` rather than `<X/>` (some CPE parsers need it).
    pub expand_empty_elements: bool,
}

impl WriteOptions {
    /// These options with `numeric_booleans` set.
    #[must_use]
    pub fn with_numeric_booleans(mut self, on: bool) -> Self {
        self.numeric_booleans = on;
        self
    }

    /// These options with `no_fractional_seconds` set.
    #[must_use]
    pub fn with_no_fractional_seconds(mut self, on: bool) -> Self {
        self.no_fractional_seconds = on;
        self
    }

    /// These options with `expand_empty_elements` set.
    #[must_use]
    pub fn with_expand_empty_elements(mut self, on: bool) -> Self {
        self.expand_empty_elements = on;
        self
    }
}

/// The writer state: the output buffer and the options.
pub(crate) struct XmlWriter<'o> {
    pub(crate) out: &'o mut Vec<u8>,
    pub(crate) opts: WriteOptions,
    /// The namespace the root binds to the `cwmp` prefix.
    pub(crate) cwmp_ns: &'static str,
}

impl XmlWriter<'_> {
    #[inline]
    pub(crate) fn raw(&mut self, s: &str) {
        self.out.extend_from_slice(s.as_bytes());
    }

    #[inline]
    pub(crate) fn start(&mut self, name: &str) {
        self.out.push(b'<');
        self.raw(name);
        self.out.push(b'>');
    }

    #[inline]
    pub(crate) fn end(&mut self, name: &str) {
        self.raw("</");
        self.raw(name);
        self.out.push(b'>');
    }

    /// An element with nothing in it, self-closed unless the options say otherwise.
    pub(crate) fn empty(&mut self, name: &str) {
        if self.opts.expand_empty_elements {
            self.start(name);
            self.end(name);
        } else {
            self.out.push(b'<');
            self.raw(name);
            self.raw("/>");
        }
    }

    /// A leaf element with escaped text.
    pub(crate) fn leaf(&mut self, name: &str, text: &str) {
        self.out.reserve(2 * name.len() + text.len() + 5);
        if text.is_empty() {
            self.empty(name);
        } else {
            self.start(name);
            self.text(text);
            self.end(name);
        }
    }

    /// Escaped text content: `<`, `&`, `>` as entities, a carriage return as `&#xD;` (a
    /// literal one would read back as a line feed), and the characters XML 1.0 cannot carry
    /// at all (C0 controls other than tab and line ends) as U+FFFD.
    pub(crate) fn text(&mut self, text: &str) {
        let bytes = text.as_bytes();
        if bytes.iter().fold(u8::MAX, |m, &b| m.min(b)) >= 0x20 {
            // No control character (the usual case): only `<`, `>` and `&` can need escaping,
            // and memchr jumps between them.
            let mut last = 0;
            for i in memchr::memchr3_iter(b'<', b'>', b'&', bytes) {
                self.out
                    .extend_from_slice(bytes.get(last..i).unwrap_or_default());
                self.out.extend_from_slice(match bytes.get(i) {
                    Some(b'<') => b"&lt;",
                    Some(b'>') => b"&gt;",
                    _ => b"&amp;",
                });
                last = i + 1;
            }
            self.out
                .extend_from_slice(bytes.get(last..).unwrap_or_default());
            return;
        }
        let mut last = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let rep: &[u8] = match b {
                b'<' => b"&lt;",
                b'>' => b"&gt;",
                b'&' => b"&amp;",
                b'\r' => b"&#xD;",
                b'\t' | b'\n' => continue,
                0..=0x1F => "\u{FFFD}".as_bytes(),
                _ => continue,
            };
            self.out
                .extend_from_slice(bytes.get(last..i).unwrap_or_default());
            self.out.extend_from_slice(rep);
            last = i + 1;
        }
        self.out
            .extend_from_slice(bytes.get(last..).unwrap_or_default());
    }

    /// Escaped text inside a double-quoted attribute value.
    pub(crate) fn attr_text(&mut self, text: &str) {
        if !text
            .bytes()
            .any(|b| matches!(b, b'"' | b'<' | b'&' | 0..=0x1F))
        {
            self.raw(text);
            return;
        }
        for c in text.chars() {
            match c {
                '"' => self.raw("&quot;"),
                '<' => self.raw("&lt;"),
                '&' => self.raw("&amp;"),
                '\t' => self.raw("&#x9;"),
                '\n' => self.raw("&#xA;"),
                '\r' => self.raw("&#xD;"),
                '\0'..='\u{1F}' => self.raw("\u{FFFD}"),
                c => {
                    let mut buf = [0u8; 4];
                    self.raw(c.encode_utf8(&mut buf));
                }
            }
        }
    }

    pub(crate) fn u64(&mut self, name: &str, v: u64) {
        self.start(name);
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut n = v;
        loop {
            i -= 1;
            if let Some(slot) = buf.get_mut(i) {
                // n % 10 < 10, so the cast cannot truncate.
                *slot = b'0' + (n % 10) as u8;
            }
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.out.extend_from_slice(buf.get(i..).unwrap_or_default());
        self.end(name);
    }

    pub(crate) fn bool(&mut self, name: &str, v: bool) {
        let text = match (v, self.opts.numeric_booleans) {
            (true, false) => "true",
            (false, false) => "false",
            (true, true) => "1",
            (false, true) => "0",
        };
        self.start(name);
        self.raw(text);
        self.end(name);
    }

    pub(crate) fn date_time(&mut self, name: &str, v: &DateTimeText<'_>) {
        match self.adjusted_time(&v.text) {
            Some(d) => self.leaf(name, &d),
            None => self.leaf(name, &v.text),
        }
    }

    fn adjusted_time(&self, text: &str) -> Option<String> {
        if !self.opts.no_fractional_seconds {
            return None;
        }
        let d = DateTime::parse(text)?;
        (d.nanosecond != 0).then(|| d.without_fraction().to_string())
    }

    /// A `Value` element with its `xsi:type`.
    pub(crate) fn value(&mut self, name: &str, v: &Value<'_>) {
        self.out.reserve(2 * name.len() + v.text.len() + 40);
        self.out.push(b'<');
        self.raw(name);
        self.raw(" xsi:type=\"xsd:");
        match &v.xsd_type {
            XsdType::Other(name) => self.attr_text(name),
            known => self.raw(known.local_name()),
        }
        self.raw("\"");
        let text: Cow<'_, str> = match &v.xsd_type {
            XsdType::Boolean if self.opts.numeric_booleans => match v.as_bool() {
                Some(b) => Cow::Borrowed(if b { "1" } else { "0" }),
                None => Cow::Borrowed(&*v.text),
            },
            XsdType::DateTime => match self.adjusted_time(&v.text) {
                Some(d) => Cow::Owned(d),
                None => Cow::Borrowed(&*v.text),
            },
            _ => Cow::Borrowed(&*v.text),
        };
        if text.is_empty() && !self.opts.expand_empty_elements {
            self.raw("/>");
        } else {
            self.out.push(b'>');
            self.text(&text);
            self.end(name);
        }
    }

    /// The start tag of a SOAP array with its `SOAP-ENC:arrayType`.
    pub(crate) fn array_start(&mut self, name: &str, item_type: &str, len: usize) {
        self.out.push(b'<');
        self.raw(name);
        self.raw(" SOAP-ENC:arrayType=\"");
        self.raw(item_type);
        self.out.push(b'[');
        self.raw(&len.to_string());
        self.raw("]\">");
    }
}

/// Writing of one schema type as an element named `name`.
pub(crate) trait ToXml {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str);
}

impl ToXml for Cow<'_, str> {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
        w.leaf(name, self);
    }
}

impl ToXml for u32 {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
        w.u64(name, u64::from(*self));
    }
}

impl ToXml for i32 {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
        if *self < 0 {
            w.start(name);
            w.raw(&self.to_string());
            w.end(name);
        } else {
            w.u64(name, u64::from(self.unsigned_abs()));
        }
    }
}

impl ToXml for bool {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
        w.bool(name, *self);
    }
}

impl ToXml for DateTimeText<'_> {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
        w.date_time(name, self);
    }
}

impl ToXml for Value<'_> {
    fn to_xml(&self, w: &mut XmlWriter<'_>, name: &str) {
        w.value(name, self);
    }
}
