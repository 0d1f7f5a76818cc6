//! The simulated STB's package format: what the upgrade server and the CWMP `Download` hand
//! it, and what it checks before "burning" a package.
//!
//! A package is a text header, a blank line, then the payload:
//!
//! ```text
//! TTA-IMAGE 1
//! manufacturer: TTA
//! model: retailIPTV-01
//! version: 2.1.28
//! kind: firmware
//! reboot: yes
//! size: 5
//! sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
//!
//! hello
//! ```
//!
//! - The first line is the magic `TTA-IMAGE` and the format version (only `1` is defined).
//! - Each header line is `name: value`, ended by `\n`; the seven fields above are mandatory,
//!   each at most once, in any order. Unknown fields are skipped, so a later format can add
//!   some without breaking this reader. Values are UTF-8 without control characters.
//! - `kind` is `firmware` or `application` (the upgrade protocol's `pkgId`); `reboot` is
//!   `yes` or `no` (whether applying the package needs a reboot).
//! - `size` is the payload length in bytes and `sha256` its digest in lower-case hex.
//!
//! The split between the two failures matters to the upgrade protocol: a package whose
//! header does not read is no package at all ([`ImageError`]), while one whose payload does
//! not match its header reads fine and reports [`ParsedImage::integrity_ok`] `false`, which
//! the STB reports as result code 27 (integrity error) rather than as a file it cannot use.

use std::fmt;

use fwupgrade_proto::ResultCode;
use sha2::{Digest, Sha256};

/// The first header line's magic word.
const MAGIC: &str = "TTA-IMAGE";
/// The only format version this reader knows.
const FORMAT_VERSION: &str = "1";
/// Most bytes of header, blank line included: a real header is a few hundred bytes, and
/// bounding it keeps garbage input from being scanned at length for a line end.
pub const MAX_HEADER_BYTES: usize = 4096;

/// What a package contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageKind {
    /// Firmware (the upgrade protocol's `pkgId=Firmware`, phase 4).
    Firmware,
    /// The service software (`pkgId=Application`, phase 5).
    Application,
}

impl ImageKind {
    /// The header's spelling: `firmware` or `application`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Firmware => "firmware",
            Self::Application => "application",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "firmware" => Some(Self::Firmware),
            "application" => Some(Self::Application),
            _ => None,
        }
    }
}

impl fmt::Display for ImageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A package to write: its header fields and payload.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    /// Manufacturer it is built for (the upgrade protocol's `devManuFact`).
    pub manufacturer: String,
    /// Model it is built for (`devModel`).
    pub model: String,
    /// Version it installs (`pkgFileVersion`).
    pub version: String,
    /// Firmware or application.
    pub kind: ImageKind,
    /// Whether applying it needs a reboot.
    pub reboot: bool,
    /// The package contents.
    pub payload: Vec<u8>,
}

// The payload can be megabytes: show its size, not its bytes.
impl fmt::Debug for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Image")
            .field("manufacturer", &self.manufacturer)
            .field("model", &self.model)
            .field("version", &self.version)
            .field("kind", &self.kind)
            .field("reboot", &self.reboot)
            .field("payload_bytes", &self.payload.len())
            .finish()
    }
}

impl Image {
    /// The package bytes: header, blank line, payload.
    ///
    /// Header values are written with every control character (a line break among them)
    /// replaced by a space, so any value gives a header this module reads back; values
    /// without control characters come back unchanged.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let digest = Sha256::digest(&self.payload);
        let header = format!(
            "{MAGIC} {FORMAT_VERSION}\nmanufacturer: {}\nmodel: {}\nversion: {}\nkind: {}\nreboot: {}\nsize: {}\nsha256: {}\n\n",
            clean(&self.manufacturer),
            clean(&self.model),
            clean(&self.version),
            self.kind,
            if self.reboot { "yes" } else { "no" },
            self.payload.len(),
            hex(&digest),
        );
        let mut out = Vec::with_capacity(header.len() + self.payload.len());
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(&self.payload);
        out
    }

    /// Reads a package. A payload that does not match the header's size or digest is not
    /// an error: see [`ParsedImage::integrity_ok`].
    ///
    /// # Errors
    ///
    /// [`ImageError`] when the bytes are not a package: no `TTA-IMAGE 1` line, a header
    /// line that is not `name: value`, a mandatory field missing, repeated or unreadable,
    /// or no blank line within [`MAX_HEADER_BYTES`]. It names the byte offset and the
    /// field.
    pub fn parse(bytes: &[u8]) -> Result<ParsedImage, ImageError> {
        let mut fields = Fields::default();
        let mut at = 0usize;
        let mut first = true;
        loop {
            let (line, next) = next_line(bytes, at, first)?;
            if first {
                check_magic(line, at)?;
                first = false;
            } else if line.is_empty() {
                at = next;
                break;
            } else {
                fields.read_line(line, at)?;
            }
            at = next;
        }
        let header = fields.finish(at)?;
        let payload = bytes.get(at..).unwrap_or_default().to_vec();
        let size_ok = u64::try_from(payload.len()).is_ok_and(|n| n == header.size);
        let integrity_ok = size_ok && Sha256::digest(&payload).as_slice() == header.sha256;
        Ok(ParsedImage {
            manufacturer: header.manufacturer,
            model: header.model,
            version: header.version,
            kind: header.kind,
            reboot: header.reboot,
            size: header.size,
            sha256: header.sha256,
            payload,
            integrity_ok,
        })
    }

    /// Test helper: flips the bits of one payload byte of a written package, so its digest
    /// no longer matches (the header still reads). A package without payload gets one
    /// stray byte instead, which breaks its size.
    pub fn corrupt(bytes: &mut Vec<u8>) {
        match find_header_end(bytes) {
            Some(start) if start < bytes.len() => {
                // The middle byte: away from both ends, where a truncation would show first.
                let i = start + (bytes.len() - start) / 2;
                if let Some(b) = bytes.get_mut(i) {
                    *b ^= 0xFF;
                }
            }
            _ => bytes.push(0),
        }
    }
}

/// A package read by [`Image::parse`]: the header as written, the payload as received, and
/// whether the two agree.
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedImage {
    /// `manufacturer`.
    pub manufacturer: String,
    /// `model`.
    pub model: String,
    /// `version`.
    pub version: String,
    /// `kind`.
    pub kind: ImageKind,
    /// `reboot`.
    pub reboot: bool,
    /// `size`: the payload length the header declares.
    pub size: u64,
    /// `sha256`: the payload digest the header declares.
    pub sha256: [u8; 32],
    /// The bytes after the header.
    pub payload: Vec<u8>,
    /// Whether the payload has the declared size and digest; `false` is the upgrade
    /// protocol's integrity error (result code 27, or 37 over multicast).
    pub integrity_ok: bool,
}

impl fmt::Debug for ParsedImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedImage")
            .field("manufacturer", &self.manufacturer)
            .field("model", &self.model)
            .field("version", &self.version)
            .field("kind", &self.kind)
            .field("reboot", &self.reboot)
            .field("size", &self.size)
            .field("sha256", &hex(&self.sha256))
            .field("payload_bytes", &self.payload.len())
            .field("integrity_ok", &self.integrity_ok)
            .finish()
    }
}

impl ParsedImage {
    /// Checks the package against what the STB expects, in the order the upgrade
    /// protocol's result codes rank them: built for another device (manufacturer, model,
    /// or kind), then another version than announced, then a damaged payload.
    ///
    /// # Errors
    ///
    /// The first [`ImageMismatch`] found.
    pub fn check(
        &self,
        manufacturer: &str,
        model: &str,
        kind: ImageKind,
        version: &str,
    ) -> Result<(), ImageMismatch> {
        if self.manufacturer != manufacturer || self.model != model || self.kind != kind {
            Err(ImageMismatch::Device)
        } else if self.version != version {
            Err(ImageMismatch::Version)
        } else if !self.integrity_ok {
            Err(ImageMismatch::Integrity)
        } else {
            Ok(())
        }
    }

    /// The package as an [`Image`] (dropping what only the header declared).
    #[must_use]
    pub fn into_image(self) -> Image {
        Image {
            manufacturer: self.manufacturer,
            model: self.model,
            version: self.version,
            kind: self.kind,
            reboot: self.reboot,
            payload: self.payload,
        }
    }
}

/// Why a readable package is not the one the STB should install.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImageMismatch {
    /// Built for another manufacturer, model or package kind (result code 25 / 35).
    Device,
    /// Another version than the server announced (26 / 36).
    Version,
    /// The payload does not match its size or digest (27 / 37).
    Integrity,
}

impl ImageMismatch {
    /// The upgrade protocol's result code for a unicast download.
    #[must_use]
    pub fn unicast_code(self) -> ResultCode {
        match self {
            Self::Device => ResultCode::UNICAST_INFO_MISMATCH,
            Self::Version => ResultCode::UNICAST_VERSION_MISMATCH,
            Self::Integrity => ResultCode::UNICAST_INTEGRITY_ERROR,
        }
    }

    /// The upgrade protocol's result code for a multicast download.
    #[must_use]
    pub fn multicast_code(self) -> ResultCode {
        match self {
            Self::Device => ResultCode::MULTICAST_INFO_MISMATCH,
            Self::Version => ResultCode::MULTICAST_VERSION_MISMATCH,
            Self::Integrity => ResultCode::MULTICAST_INTEGRITY_ERROR,
        }
    }
}

impl fmt::Display for ImageMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Device => "package is for another manufacturer, model or kind",
            Self::Version => "package version differs from the announced one",
            Self::Integrity => "package payload does not match its size or checksum",
        })
    }
}

/// What is wrong with bytes that are not a package.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImageErrorKind {
    /// The first line is not `TTA-IMAGE <version>`.
    #[error("not a tta image")]
    NotAnImage,
    /// `TTA-IMAGE` with a format version other than 1.
    #[error("unsupported image format version")]
    UnsupportedFormat,
    /// The input ends inside the header.
    #[error("header ends before its blank line")]
    Truncated,
    /// No blank line within [`MAX_HEADER_BYTES`].
    #[error("header longer than {max} bytes")]
    HeaderTooLong {
        /// [`MAX_HEADER_BYTES`].
        max: usize,
    },
    /// A header line that is not UTF-8 or holds control characters.
    #[error("header line is not text")]
    NotText,
    /// A header line without `: `.
    #[error("header line is not `name: value`")]
    MalformedLine,
    /// A mandatory field is absent.
    #[error("missing field")]
    MissingField,
    /// A field given twice.
    #[error("duplicate field")]
    DuplicateField,
    /// A field whose value does not read.
    #[error("invalid value, expected {expected}")]
    InvalidValue {
        /// What the value should be.
        expected: &'static str,
    },
}

/// Bytes that are not a package: what is wrong, at which byte, in which field.
///
/// `Display` is `<message> at byte <offset> (<field>)`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at byte {offset} ({field})")]
pub struct ImageError {
    kind: ImageErrorKind,
    offset: usize,
    field: &'static str,
}

impl ImageError {
    fn new(kind: ImageErrorKind, offset: usize, field: &'static str) -> Self {
        Self {
            kind,
            offset,
            field,
        }
    }

    /// What is wrong.
    #[must_use]
    pub fn kind(&self) -> &ImageErrorKind {
        &self.kind
    }

    /// Bytes from the start of the package to the line (or value) at fault.
    #[must_use]
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The header field at fault: a field name, or `magic`, or `header` for the structure.
    #[must_use]
    pub fn location(&self) -> &'static str {
        self.field
    }
}

/// The header fields as read so far.
#[derive(Default)]
struct Fields {
    manufacturer: Option<String>,
    model: Option<String>,
    version: Option<String>,
    kind: Option<ImageKind>,
    reboot: Option<bool>,
    size: Option<u64>,
    sha256: Option<[u8; 32]>,
}

/// The complete header.
struct Header {
    manufacturer: String,
    model: String,
    version: String,
    kind: ImageKind,
    reboot: bool,
    size: u64,
    sha256: [u8; 32],
}

impl Fields {
    /// Reads one `name: value` line starting at byte `at`.
    fn read_line(&mut self, line: &str, at: usize) -> Result<(), ImageError> {
        let Some((name, value)) = line.split_once(": ") else {
            return Err(ImageError::new(ImageErrorKind::MalformedLine, at, "header"));
        };
        // Where the value starts, for errors about it.
        let vat = at + name.len() + 2;
        let invalid = |expected, field| {
            ImageError::new(ImageErrorKind::InvalidValue { expected }, vat, field)
        };
        match name {
            "manufacturer" => put(&mut self.manufacturer, value.to_owned(), at, "manufacturer"),
            "model" => put(&mut self.model, value.to_owned(), at, "model"),
            "version" => put(&mut self.version, value.to_owned(), at, "version"),
            "kind" => {
                let kind = ImageKind::parse(value)
                    .ok_or_else(|| invalid("firmware or application", "kind"))?;
                put(&mut self.kind, kind, at, "kind")
            }
            "reboot" => {
                let reboot = match value {
                    "yes" => true,
                    "no" => false,
                    _ => return Err(invalid("yes or no", "reboot")),
                };
                put(&mut self.reboot, reboot, at, "reboot")
            }
            "size" => {
                // Digits only: `parse` would also take a leading `+`.
                let size = value
                    .bytes()
                    .all(|b| b.is_ascii_digit())
                    .then(|| value.parse::<u64>().ok())
                    .flatten()
                    .ok_or_else(|| invalid("a byte count", "size"))?;
                put(&mut self.size, size, at, "size")
            }
            "sha256" => {
                let digest =
                    unhex(value).ok_or_else(|| invalid("64 lower-case hex digits", "sha256"))?;
                put(&mut self.sha256, digest, at, "sha256")
            }
            // A field of a later format: skipped, so that format still reads here.
            _ => Ok(()),
        }
    }

    /// The header, once the blank line at `end` was reached.
    fn finish(self, end: usize) -> Result<Header, ImageError> {
        let missing = |field| ImageError::new(ImageErrorKind::MissingField, end, field);
        Ok(Header {
            manufacturer: self.manufacturer.ok_or_else(|| missing("manufacturer"))?,
            model: self.model.ok_or_else(|| missing("model"))?,
            version: self.version.ok_or_else(|| missing("version"))?,
            kind: self.kind.ok_or_else(|| missing("kind"))?,
            reboot: self.reboot.ok_or_else(|| missing("reboot"))?,
            size: self.size.ok_or_else(|| missing("size"))?,
            sha256: self.sha256.ok_or_else(|| missing("sha256"))?,
        })
    }
}

fn put<T>(
    slot: &mut Option<T>,
    value: T,
    at: usize,
    field: &'static str,
) -> Result<(), ImageError> {
    if slot.is_some() {
        return Err(ImageError::new(ImageErrorKind::DuplicateField, at, field));
    }
    *slot = Some(value);
    Ok(())
}

/// The header line starting at `at` (without its `\n`) and where the next one starts.
fn next_line(bytes: &[u8], at: usize, first: bool) -> Result<(&str, usize), ImageError> {
    let field = if first { "magic" } else { "header" };
    let rest = bytes.get(at..).unwrap_or_default();
    let room = MAX_HEADER_BYTES.saturating_sub(at);
    let window = rest.get(..room).unwrap_or(rest);
    let Some(len) = window.iter().position(|&b| b == b'\n') else {
        // Garbage that is not even a first line is no image, whatever its length.
        if first
            && !MAGIC
                .as_bytes()
                .starts_with(&window[..window.len().min(MAGIC.len())])
        {
            return Err(ImageError::new(ImageErrorKind::NotAnImage, at, field));
        }
        let kind = if rest.len() > room {
            ImageErrorKind::HeaderTooLong {
                max: MAX_HEADER_BYTES,
            }
        } else {
            ImageErrorKind::Truncated
        };
        return Err(ImageError::new(kind, at + window.len(), field));
    };
    let raw = &window[..len];
    let line = std::str::from_utf8(raw)
        .ok()
        .filter(|s| !s.chars().any(char::is_control))
        .ok_or_else(|| {
            let kind = if first {
                ImageErrorKind::NotAnImage
            } else {
                ImageErrorKind::NotText
            };
            ImageError::new(kind, at, field)
        })?;
    Ok((line, at + len + 1))
}

fn check_magic(line: &str, at: usize) -> Result<(), ImageError> {
    match line.split_once(' ') {
        Some((MAGIC, FORMAT_VERSION)) => Ok(()),
        Some((MAGIC, _)) => Err(ImageError::new(
            ImageErrorKind::UnsupportedFormat,
            at + MAGIC.len() + 1,
            "magic",
        )),
        _ => Err(ImageError::new(ImageErrorKind::NotAnImage, at, "magic")),
    }
}

/// Where the payload of a well-formed package starts (after the first `\n\n`).
fn find_header_end(bytes: &[u8]) -> Option<usize> {
    let window = bytes.get(..MAX_HEADER_BYTES).unwrap_or(bytes);
    window.windows(2).position(|w| w == b"\n\n").map(|i| i + 2)
}

/// A header value with control characters (line breaks above all) made spaces.
fn clean(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let b = text.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, pair) in b.chunks_exact(2).enumerate() {
        out[i] = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Image {
        Image {
            manufacturer: "TTA".into(),
            model: "retailIPTV-01".into(),
            version: "2.1.28".into(),
            kind: ImageKind::Firmware,
            reboot: true,
            payload: b"firmware bytes \x00\x01\x02\n\n end".to_vec(),
        }
    }

    #[test]
    fn round_trip() {
        for kind in [ImageKind::Firmware, ImageKind::Application] {
            for reboot in [true, false] {
                for payload in [Vec::new(), b"x".to_vec(), vec![0xAB; 10_000]] {
                    let image = Image {
                        kind,
                        reboot,
                        payload,
                        ..sample()
                    };
                    let parsed = Image::parse(&image.to_bytes()).unwrap();
                    assert!(parsed.integrity_ok);
                    assert_eq!(parsed.size, image.payload.len() as u64);
                    assert_eq!(parsed.into_image(), image);
                }
            }
        }
    }

    #[test]
    fn header_is_as_documented() {
        let image = Image {
            payload: b"hello".to_vec(),
            ..sample()
        };
        let text = String::from_utf8(image.to_bytes()).unwrap();
        assert_eq!(
            text,
            "TTA-IMAGE 1\nmanufacturer: TTA\nmodel: retailIPTV-01\nversion: 2.1.28\nkind: firmware\n\
             reboot: yes\nsize: 5\n\
             sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824\n\nhello"
        );
    }

    #[test]
    fn control_characters_in_values_do_not_break_the_header() {
        let image = Image {
            version: "1.0\nsize: 0".into(),
            ..sample()
        };
        let parsed = Image::parse(&image.to_bytes()).unwrap();
        assert_eq!(parsed.version, "1.0 size: 0");
        assert!(parsed.integrity_ok);
    }

    #[test]
    fn corrupted_payload_reads_but_fails_integrity() {
        let mut bytes = sample().to_bytes();
        Image::corrupt(&mut bytes);
        let parsed = Image::parse(&bytes).unwrap();
        assert!(!parsed.integrity_ok);
        assert_eq!(
            parsed.check("TTA", "retailIPTV-01", ImageKind::Firmware, "2.1.28"),
            Err(ImageMismatch::Integrity)
        );

        let mut empty = Image {
            payload: Vec::new(),
            ..sample()
        }
        .to_bytes();
        Image::corrupt(&mut empty);
        assert!(!Image::parse(&empty).unwrap().integrity_ok);
    }

    #[test]
    fn truncated_payload_fails_integrity() {
        let bytes = sample().to_bytes();
        let parsed = Image::parse(&bytes[..bytes.len() - 1]).unwrap();
        assert!(!parsed.integrity_ok);
        let mut longer = bytes.clone();
        longer.push(b'!');
        assert!(!Image::parse(&longer).unwrap().integrity_ok);
    }

    #[test]
    fn check_ranks_mismatches_as_the_result_codes_do() {
        let parsed = Image::parse(&sample().to_bytes()).unwrap();
        let f = ImageKind::Firmware;
        assert_eq!(parsed.check("TTA", "retailIPTV-01", f, "2.1.28"), Ok(()));
        let cases = [
            (
                ("SEC", "retailIPTV-01", f, "2.1.28"),
                ImageMismatch::Device,
                25,
                35,
            ),
            (("TTA", "other", f, "9"), ImageMismatch::Device, 25, 35),
            (
                ("TTA", "retailIPTV-01", ImageKind::Application, "2.1.28"),
                ImageMismatch::Device,
                25,
                35,
            ),
            (
                ("TTA", "retailIPTV-01", f, "2.1.29"),
                ImageMismatch::Version,
                26,
                36,
            ),
        ];
        for ((m, model, kind, v), want, uni, multi) in cases {
            let got = parsed.check(m, model, kind, v).unwrap_err();
            assert_eq!(got, want);
            assert_eq!(got.unicast_code().code(), uni);
            assert_eq!(got.multicast_code().code(), multi);
        }
        assert_eq!(ImageMismatch::Integrity.unicast_code().code(), 27);
    }

    #[test]
    fn errors_name_offset_and_field() {
        let good = String::from_utf8(
            Image {
                payload: Vec::new(),
                ..sample()
            }
            .to_bytes(),
        )
        .unwrap();
        let magic_len = "TTA-IMAGE 1\n".len();
        let size_at = good.find("size: ").unwrap();
        let cases: Vec<(Vec<u8>, ImageErrorKind, usize, &str)> = vec![
            (b"".to_vec(), ImageErrorKind::Truncated, 0, "magic"),
            (
                b"PK\x03\x04zip".to_vec(),
                ImageErrorKind::NotAnImage,
                0,
                "magic",
            ),
            (b"GIF89a\n".to_vec(), ImageErrorKind::NotAnImage, 0, "magic"),
            (
                b"TTA-IMAGE 2\n\n".to_vec(),
                ImageErrorKind::UnsupportedFormat,
                10,
                "magic",
            ),
            (
                b"TTA-IMAGE 1\n".to_vec(),
                ImageErrorKind::Truncated,
                magic_len,
                "header",
            ),
            (
                good.as_bytes()[..size_at + 3].to_vec(),
                ImageErrorKind::Truncated,
                size_at + 3,
                "header",
            ),
            (
                good.replace("size: 0", "size: -1").into_bytes(),
                ImageErrorKind::InvalidValue {
                    expected: "a byte count",
                },
                size_at + 6,
                "size",
            ),
            (
                good.replace("kind: firmware", "kind: rom").into_bytes(),
                ImageErrorKind::InvalidValue {
                    expected: "firmware or application",
                },
                good.find("kind: ").unwrap() + 6,
                "kind",
            ),
            (
                good.replace("size: 0\n", "").into_bytes(),
                ImageErrorKind::MissingField,
                good.len() - "size: 0\n".len(),
                "size",
            ),
            (
                good.replace("size: 0\n", "size: 0\nsize: 0\n").into_bytes(),
                ImageErrorKind::DuplicateField,
                size_at + "size: 0\n".len(),
                "size",
            ),
            (
                good.replace("reboot: yes", "reboot yes").into_bytes(),
                ImageErrorKind::MalformedLine,
                good.find("reboot").unwrap(),
                "header",
            ),
            (
                good.replace("model: ", "model: \u{7}").into_bytes(),
                ImageErrorKind::NotText,
                good.find("model").unwrap(),
                "header",
            ),
        ];
        for (input, kind, offset, field) in cases {
            let e = Image::parse(&input).unwrap_err();
            assert_eq!(
                (e.kind(), e.offset(), e.location()),
                (&kind, offset, field),
                "{:?}",
                String::from_utf8_lossy(&input)
            );
            assert!(
                e.to_string()
                    .contains(&format!("at byte {offset} ({field})"))
            );
        }
    }

    #[test]
    fn unknown_fields_are_skipped() {
        let good = String::from_utf8(sample().to_bytes()).unwrap();
        let with = good.replacen("\nsize:", "\nsigned-by: someone\nsize:", 1);
        let parsed = Image::parse(with.as_bytes()).unwrap();
        assert!(parsed.integrity_ok);
    }

    #[test]
    fn endless_header_is_refused_at_the_limit() {
        let mut input = b"TTA-IMAGE 1\n".to_vec();
        input.extend(std::iter::repeat_n(b'a', MAX_HEADER_BYTES * 2));
        let e = Image::parse(&input).unwrap_err();
        assert_eq!(
            e.kind(),
            &ImageErrorKind::HeaderTooLong {
                max: MAX_HEADER_BYTES
            }
        );
        assert_eq!(e.offset(), MAX_HEADER_BYTES);
    }

    /// A small deterministic generator (xorshift), so the mutation loop needs no crate.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    #[test]
    fn no_panic_on_mutated_input() {
        let seed = sample().to_bytes();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let mut bytes = seed.clone();
            for _ in 0..=rng.below(4) {
                match rng.below(4) {
                    0 => {
                        let i = rng.below(bytes.len());
                        if let Some(b) = bytes.get_mut(i) {
                            *b = rng.next() as u8;
                        }
                    }
                    1 => {
                        let n = rng.below(bytes.len() + 1);
                        bytes.truncate(n);
                    }
                    2 => {
                        let i = rng.below(bytes.len() + 1);
                        bytes.insert(i, [b'\n', b':', b' ', 0xFF][rng.below(4)]);
                    }
                    _ => {
                        if !bytes.is_empty() {
                            let i = rng.below(bytes.len());
                            bytes.remove(i);
                        }
                    }
                }
            }
            match Image::parse(&bytes) {
                Ok(p) => {
                    // Whatever reads must write back to something that reads the same.
                    let again = Image::parse(&p.clone().into_image().to_bytes()).unwrap();
                    assert!(again.integrity_ok);
                }
                Err(e) => assert!(e.offset() <= bytes.len()),
            }
        }
        for len in 0..64 {
            let garbage: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let _ = Image::parse(&garbage);
        }
    }
}
