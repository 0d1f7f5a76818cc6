//! The fast lane: plain markup (tags, leaf text with at most the predefined entity references,
//! parameters in the usual shape) read straight from the input where quick-xml stands between
//! markup, with the same results as the general path (checked by the tests at the end of this
//! file and by the `cwmp_parse` fuzz target).

use std::borrow::Cow;

use super::lex::*;
use super::ns::Ns;
use super::parser::{Elem, Parser};

#[cfg(any(test, fuzzing, feature = "arbitrary"))]
thread_local! {
    static FAST_LANE: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Turns the fast lane (plain tags, text and parameters read straight from the input) off or
/// on for parsers made later on this thread, so tests and fuzzing can check that both lanes
/// read every input alike.
#[cfg(any(test, fuzzing, feature = "arbitrary"))]
#[doc(hidden)]
#[allow(unreachable_pub)] // exported only to the fuzz targets and property tests
pub fn set_fast_lane(on: bool) {
    FAST_LANE.with(|f| f.set(on));
}

/// Whether parsers use the fast lane: always, but under test or fuzzing.
pub(crate) fn fast_lane_enabled() -> bool {
    #[cfg(any(test, fuzzing, feature = "arbitrary"))]
    return FAST_LANE.with(std::cell::Cell::get);
    #[cfg(not(any(test, fuzzing, feature = "arbitrary")))]
    true
}

/// A tag the fast lane read ([`Parser::plain_tag`]).
pub(crate) enum Markup<'a> {
    /// A start tag: its text between `<` and `>` (or `/>`), the length of its name, and
    /// whether it was self-closed.
    Start {
        raw: &'a str,
        name_len: usize,
        empty: bool,
    },
    /// An end tag's name.
    End(&'a [u8]),
}

/// The position after `lit` at `i`, if it is there.
pub(crate) fn expect(src: &[u8], i: usize, lit: &[u8]) -> Option<usize> {
    src.get(i..)?.starts_with(lit).then_some(i + lit.len())
}

/// The plain text starting at `i` and where it ends (its `<`), with the predefined entity
/// references (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`) replaced, which the general path
/// replaces without a warning. `None` for text the general path would warn about or reject:
/// any other reference, a carriage return or another control character than tab and line feed,
/// or no `<` to end it.
pub(crate) fn plain_text_at(src: &str, i: usize, suspects: bool) -> Option<(usize, Cow<'_, str>)> {
    let rest = src.get(i..)?;
    let len = memchr::memchr(b'<', rest.as_bytes())?;
    let text = rest.get(..len)?;
    let bytes = text.as_bytes();
    // Control bytes, noncharacters and `>` are rare: one vectorised scan finds candidates, the
    // exact tests run only then.
    if suspects
        && (may_hold_illegal_chars(bytes)
            && (bytes.iter().any(|&b| b < 0x20 && b != b'\t' && b != b'\n')
                || first_illegal_char(text).is_some())
            || has_cdata_end(bytes))
    {
        return None;
    }
    let Some(first) = memchr::memchr(b'&', bytes) else {
        return Some((i + len, Cow::Borrowed(text)));
    };
    let mut out = String::with_capacity(len);
    let mut rest = text;
    let mut amp = first;
    loop {
        out.push_str(rest.get(..amp)?);
        let after = rest.get(amp + 1..)?;
        let (c, name_len) = match after.as_bytes() {
            [b'a', b'm', b'p', b';', ..] => ('&', 4),
            [b'l', b't', b';', ..] => ('<', 3),
            [b'g', b't', b';', ..] => ('>', 3),
            [b'q', b'u', b'o', b't', b';', ..] => ('"', 5),
            [b'a', b'p', b'o', b's', b';', ..] => ('\'', 5),
            _ => return None,
        };
        out.push(c);
        rest = after.get(name_len..)?;
        match memchr::memchr(b'&', rest.as_bytes()) {
            Some(next) => amp = next,
            None => break,
        }
    }
    out.push_str(rest);
    Some((i + len, Cow::Owned(out)))
}

/// Where the tag whose `<` is just before `i` ends (its `>`), skipping quoted attribute
/// values as quick-xml does.
pub(crate) fn tag_end(src: &[u8], i: usize) -> Option<usize> {
    let rest = src.get(i..)?;
    let mut quote = None;
    for at in memchr::memchr3_iter(b'>', b'"', b'\'', rest) {
        quote = match (quote, *rest.get(at)?) {
            (None, b'>') => return Some(i + at),
            (None, q) => Some(q),
            (Some(q), c) if q == c => None,
            (open, _) => open,
        };
    }
    None
}

/// An end tag's name as quick-xml reads it: without XML whitespace at its end, unless it is
/// all whitespace (then kept whole, for its error message).
pub(crate) fn end_tag_name(b: &[u8]) -> &[u8] {
    match b.iter().rposition(|&c| !is_xml_space_byte(c)) {
        Some(last) => b.get(..=last).unwrap_or_default(),
        None => b,
    }
}

impl<'a> Parser<'a> {
    /// Reads the next start or end tag (after any whitespace) straight from the input, the
    /// way quick-xml would read it: same name, attribute text and emptiness, so both lanes
    /// give the same elements, warnings and errors. `None`, having consumed nothing, when
    /// quick-xml must read on, or when the next thing is text, a comment, CDATA, a processing
    /// instruction or a declaration, or the tag does not end: quick-xml reads those.
    ///
    /// Most of an envelope is plain tags, and reading them here skips quick-xml's per-event
    /// work (its own UTF-8 check of each event, the whitespace text events and its element
    /// stack), which the whole-input check and this parser's own stack make redundant.
    pub(crate) fn plain_tag(&mut self) -> Option<Markup<'a>> {
        self.settle();
        if !self.between_markup {
            return None;
        }
        let src = self.src.as_bytes();
        let start = self.position();
        let lt = skip_space(src, start);
        if src.get(lt) != Some(&b'<') {
            return None;
        }
        let gt = match src.get(lt + 1)? {
            b'!' | b'?' => return None,
            _ => tag_end(src, lt + 1)?,
        };
        let content = self.src.get(lt + 1..gt)?;
        let markup = match content.strip_prefix('/') {
            Some(name) => Markup::End(end_tag_name(name.as_bytes())),
            None => {
                let (raw, empty) = match content.strip_suffix('/') {
                    Some(raw) => (raw, true),
                    None => (content, false),
                };
                let name_len = raw.bytes().position(is_xml_space_byte).unwrap_or(raw.len());
                Markup::Start {
                    raw,
                    name_len,
                    empty,
                }
            }
        };
        self.advance_to(lt, gt + 1);
        Some(markup)
    }

    /// Reads the plain text of a leaf and its end tag straight from the input: `None`, having
    /// consumed nothing, when quick-xml must read on or the text is not plain (see
    /// [`plain_text_at`]; also more than `max_text_bytes` as written) or is not followed by an
    /// end tag.
    pub(crate) fn plain_text(&mut self) -> Option<(Cow<'a, str>, &'a [u8])> {
        self.settle();
        if !self.between_markup {
            return None;
        }
        let src = self.src.as_bytes();
        let start = self.position();
        let (lt, text) = plain_text_at(self.src, start, self.text_suspects)?;
        if lt - start > self.limits.max_text_bytes || src.get(lt + 1) != Some(&b'/') {
            return None;
        }
        let gt = tag_end(src, lt + 1)?;
        let name = end_tag_name(src.get(lt + 2..gt)?);
        self.advance_to(lt, gt + 1);
        Some((text, name))
    }

    /// Whether only whitespace is left (then read), as the fast lane sees it.
    pub(crate) fn plain_end(&mut self) -> bool {
        self.settle();
        let end = self.src.len();
        if !self.between_markup || skip_space(self.src.as_bytes(), self.position()) != end {
            return false;
        }
        self.advance_to(end, end);
        true
    }

    /// Moves past input the fast lane has read: `self.pos` to `at` (where the markup being
    /// handled starts, for its errors) and the reader to `end`.
    pub(crate) fn advance_to(&mut self, at: usize, end: usize) {
        let start = self.position();
        self.pos = at;
        *self.reader.get_mut() = self.src.as_bytes().get(end..).unwrap_or_default();
        self.skipped += end - start;
    }

    /// Reads the usual shape of a `ParameterValueStruct`'s content straight from the input:
    /// `<Name>text</Name>` then `<Value xsi:type="xsd:T">text</Value>` (or an empty
    /// `<Value xsi:type="xsd:T"/>`), whitespace allowed between them. Only input the general
    /// path reads without any warning qualifies: plain text ([`plain_text_at`]: no CDATA,
    /// comment, carriage return, control character or reference but the predefined entities), a name without surrounding whitespace, a known
    /// type whose text is in canonical form, `xsi`/`xsd` bound as usual and no default
    /// namespace in scope. Anything else returns `None` having consumed nothing, and the general
    /// path reads it; where both apply they give the same result.
    ///
    /// Large responses are almost all parameters, and this skips quick-xml's six events per
    /// parameter. quick-xml never sees the two leaves, which are balanced, so its own element
    /// stack stays consistent; `skipped` keeps the offsets exact.
    pub(super) fn fast_parameter(
        &mut self,
        parent: &Elem<'a>,
    ) -> Option<(Cow<'a, str>, crate::value::Value<'a>)> {
        use crate::value::{Value, XsdType};
        if !self.between_markup
            || parent.empty
            || self.default_bindings > 0
            || parent.depth + 1 > self.limits.max_depth
        {
            return None;
        }
        let src = self.src.as_bytes();
        let start = self.position();
        let mut i = skip_space(src, start);
        i = expect(src, i, b"<Name>")?;
        let name_at = i;
        let name;
        (i, name) = plain_text_at(self.src, i, self.text_suspects)?;
        let name_len = i - name_at;
        i = expect(src, i, b"</Name>")?;
        i = skip_space(src, i);
        i = expect(src, i, b"<Value xsi:type=\"")?;
        let type_at = i;
        i += src.get(i..)?.iter().position(|&b| b == b'"')?;
        let type_name = self.src.get(type_at..i)?;
        i += 1;
        let empty = match src.get(i..i + 2)? {
            [b'/', b'>'] => true,
            [b'>', _] => false,
            _ => return None,
        };
        i += if empty { 2 } else { 1 };
        let value_at = i;
        let mut text = Cow::Borrowed("");
        if !empty {
            (i, text) = plain_text_at(self.src, i, self.text_suspects)?;
        }
        let text_len = i - value_at;
        if !empty {
            i = expect(src, i, b"</Value>")?;
        }
        let (prefix, local) = type_name.split_once(':')?;
        let xsd_type = XsdType::from_local_name(local);
        let plain_name = !name.is_empty()
            && trim_str(&name).len() == name.len()
            && name_len.max(text_len) <= self.limits.max_text_bytes;
        let canonical = match &xsd_type {
            XsdType::Other(_) => false,
            XsdType::String => true,
            XsdType::Boolean => matches!(&*text, "true" | "false" | "1" | "0"),
            t => trim_str(&text).len() == text.len() && t.accepts(&text),
        };
        if !plain_name || !canonical || !self.usual_type_prefixes(prefix) {
            return None;
        }
        self.advance_to(start, i);
        Some((name, Value { xsd_type, text }))
    }

    /// Whether `xsi` and `prefix` are bound to the XML Schema instance and XML Schema
    /// namespaces; for the usual `xsd`, the answer is kept until a declaration changes.
    pub(crate) fn usual_type_prefixes(&mut self, prefix: &str) -> bool {
        let check = |p: &Self, prefix: &[u8]| {
            p.resolve(Some(b"xsi"), false).ok() == Some(Ns::Xsi)
                && p.resolve(Some(prefix), false).ok() == Some(Ns::Xsd)
        };
        if prefix != "xsd" {
            return check(self, prefix.as_bytes());
        }
        match self.xsd_prefixes_checked {
            Some((generation, ok)) if generation == self.bindings_generation => ok,
            _ => {
                let ok = check(self, b"xsd");
                self.xsd_prefixes_checked = Some((self.bindings_generation, ok));
                ok
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::set_fast_lane;
    use crate::{Message, ReadOptions};

    /// Every test vector of the crate, as (name, bytes).
    fn vectors() -> Vec<(String, Vec<u8>)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
        let mut out = Vec::new();
        for dir in std::fs::read_dir(root).unwrap() {
            for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|e| e == "xml") {
                    out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
                }
            }
        }
        out.sort();
        assert!(out.len() > 20, "the vectors are missing");
        out
    }

    /// Both lanes give the same envelopes, warnings and errors for `input`, leniently and
    /// strictly.
    fn same_in_both_lanes(name: &str, input: &[u8]) {
        for opts in [ReadOptions::lenient(), ReadOptions::strict()] {
            set_fast_lane(true);
            let fast = Message::parse_with(input, &opts);
            set_fast_lane(false);
            let general = Message::parse_with(input, &opts);
            set_fast_lane(true);
            assert_eq!(
                fast,
                general,
                "{name} (strict: {}): {}",
                opts.strict,
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn the_fast_lane_reads_the_vectors_as_the_general_path_does() {
        for (name, bytes) in vectors() {
            same_in_both_lanes(&name, &bytes);
        }
    }

    #[test]
    fn the_fast_lane_reads_odd_tags_as_the_general_path_does() {
        const ENV: &str = r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:cwmp="urn:dslforum-org:cwmp-1-0">"#;
        for tail in [
            // An end tag that is all whitespace (found by fuzzing: quick-xml keeps it whole).
            "<SOAP-ENV:Body></ \t\r\n>",
            "<SOAP-ENV:Body ></SOAP-ENV:Body\n\t></SOAP-ENV:Envelope >",
            "<SOAP-ENV:Body><cwmp:RebootResponse/></SOAP-ENV:Body a='>'></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:RebootResponse a=\"/>\"/></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:RebootResponse/ ></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body>< cwmp:RebootResponse/></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><></></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0\r</Status></cwmp:SetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0<!----></Status></cwmp:SetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0</Status ></cwmp:SetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0</status></cwmp:SetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0</Status></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>0",
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse>",
        ] {
            same_in_both_lanes(tail, format!("{ENV}{tail}").as_bytes());
        }
        // References: the predefined entities are read in the fast lane, the others not.
        const GPVR: &str = r#"<SOAP-ENV:Body><cwmp:GetParameterValuesResponse xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><ParameterList>"#;
        for text in [
            "a&amp;b",
            "&lt;&gt;&quot;&apos;",
            "&amp;amp;",
            "a&#32;b",
            "&#x26;",
            "&bogus;",
            "a&amp",
            "a & b",
            "&",
            "&amp;&",
            "&amp ;",
            "1&#13;",
            " &amp;1 ",
            "&lt;x&gt;",
        ] {
            for tail in [
                format!(
                    "<ParameterValueStruct><Name>{text}</Name><Value xsi:type=\"xsd:string\">{text}</Value></ParameterValueStruct>"
                ),
                format!(
                    "<ParameterValueStruct><Name>A</Name><Value xsi:type=\"xsd:int\">{text}</Value></ParameterValueStruct>"
                ),
                format!(
                    "<ParameterValueStruct><Name>A</Name><Value xsi:type=\"xsd:boolean\">{text}</Value></ParameterValueStruct>"
                ),
                format!(
                    "<ParameterValueStruct><Name>A</Name><Value>{text}</Value></ParameterValueStruct>"
                ),
            ] {
                let xml = format!(
                    "{ENV}{GPVR}{tail}</ParameterList></cwmp:GetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
                );
                same_in_both_lanes(&tail, xml.as_bytes());
            }
        }
        for tail in [
            "<SOAP-ENV:Body><cwmp:SetParameterValuesResponse><Status>&amp;0</Status></cwmp:SetParameterValuesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>",
            "<SOAP-ENV:Header><cwmp:ID SOAP-ENV:mustUnderstand=\"1\">a&lt;b&#62;</cwmp:ID></SOAP-ENV:Header><SOAP-ENV:Body/></SOAP-ENV:Envelope>",
        ] {
            same_in_both_lanes(tail, format!("{ENV}{tail}").as_bytes());
        }
    }

    #[test]
    fn the_fast_lane_reads_cut_and_damaged_input_as_the_general_path_does() {
        // Each byte that starts, ends or quotes markup or text, put in at many places, and
        // many cuts of every vector (strides keep a debug build under a few seconds; the
        // fuzz target `cwmp_parse` compares the lanes on everything it makes).
        const BYTES: &[u8] = b"<>/\"' &\r!?=:\t";
        for (name, bytes) in vectors() {
            for cut in (0..bytes.len()).step_by(5) {
                same_in_both_lanes(&name, &bytes[..cut]);
            }
            for at in (0..bytes.len()).step_by(31) {
                for &b in BYTES {
                    let mut damaged = bytes.clone();
                    damaged[at] = b;
                    same_in_both_lanes(&name, &damaged);
                    damaged.insert(at, b);
                    same_in_both_lanes(&name, &damaged);
                }
            }
        }
    }
}
