//! The TR-069 form: encapsulated sub-options (TR-069 section 3.1, table "Encapsulated
//! Vendor-Specific Options").

use alloc::borrow::Cow;
use alloc::vec::Vec;

use crate::error::{ErrorKind, InvalidValue, Limit, Location, ParseError, WarningKind};
use crate::read::{Parsed, ReadOptions, Warnings};
use crate::suboptions::{self, PadEnd, SubOption};

/// Sub-option 1: URL of the ACS.
pub const SUB_ACS_URL: u8 = 1;
/// Sub-option 2: ProvisioningCode.
pub const SUB_PROVISIONING_CODE: u8 = 2;
/// Sub-option 3: CWMPRetryMinimumWaitInterval.
pub const SUB_RETRY_MIN_WAIT: u8 = 3;
/// Sub-option 4: CWMPRetryIntervalMultiplier.
pub const SUB_RETRY_MULTIPLIER: u8 = 4;

const CODE: u8 = 43;

/// Option 43 in the TR-069 form.
///
/// The known sub-options are typed: the ACS URL and the provisioning code as text, the two
/// retry values as the decimal strings TR-069 sends (`1..=65535` and `1000..=65535`). Unknown
/// sub-options are kept raw in order, so parse -> write keeps them. Canonical output writes 1,
/// 2, 3, 4, then the raw ones.
///
/// A known sub-option whose value does not decode as its type (real servers send sub-options 3
/// and 4 as binary integers) is kept raw too in lenient mode, with a
/// [`WarningKind::SubOptionKeptRaw`] warning, so the ACS URL and the provisioning code of the
/// same option survive; strict mode refuses it.
///
/// Serializes with TR-069's names for sub-options 1-4 (`URL`, `ProvisioningCode`,
/// `CWMPRetryMinimumWaitInterval`, `CWMPRetryIntervalMultiplier`; `null` when absent, the
/// retry values as numbers) and `other` for the sub-options kept raw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AcsOptions<'a> {
    #[cfg_attr(feature = "serde", serde(rename = "URL"))]
    acs_url: Option<Cow<'a, str>>,
    #[cfg_attr(feature = "serde", serde(rename = "ProvisioningCode"))]
    provisioning_code: Option<Cow<'a, str>>,
    #[cfg_attr(feature = "serde", serde(rename = "CWMPRetryMinimumWaitInterval"))]
    retry_min_wait: Option<u16>,
    #[cfg_attr(feature = "serde", serde(rename = "CWMPRetryIntervalMultiplier"))]
    retry_multiplier: Option<u16>,
    other: Vec<SubOption<'a>>,
}

/// Why a known sub-option's value does not decode; the reader turns it into the
/// [`ErrorKind`] naming the sub-option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Undecodable {
    Empty,
    TooLong(usize),
    NotUtf8,
    ControlChar(u8),
    NotDecimal,
    OutOfRange(u16, u16),
}

impl Undecodable {
    fn kind(self, sub: u8) -> ErrorKind {
        let code = CODE;
        match self {
            Undecodable::Empty => ErrorKind::SubOptionEmpty { code, sub },
            Undecodable::TooLong(max) => ErrorKind::SubOptionTooLong { code, sub, max },
            Undecodable::NotUtf8 => ErrorKind::SubOptionNotUtf8 { code, sub },
            Undecodable::ControlChar(byte) => ErrorKind::SubOptionControlChar { code, sub, byte },
            Undecodable::NotDecimal => ErrorKind::SubOptionNotDecimal { code, sub },
            Undecodable::OutOfRange(value, min) => ErrorKind::SubOptionOutOfRange {
                code,
                sub,
                value,
                min,
            },
        }
    }

    /// The `reason` of the [`InvalidValue`] a setter returns.
    fn reason(self) -> &'static str {
        match self {
            Undecodable::Empty => "empty",
            Undecodable::TooLong(_) => "too long",
            Undecodable::NotUtf8 => "not valid utf-8",
            Undecodable::ControlChar(_) => "control character",
            Undecodable::NotDecimal => "not a decimal number",
            Undecodable::OutOfRange(..) => "out of range",
        }
    }
}

/// Most bytes in sub-option 1 (one sub-option's length byte).
const MAX_ACS_URL: usize = 255;
/// Most bytes in sub-option 2 (TR-069 `ProvisioningCode`, `string(64)`).
const MAX_PROVISIONING_CODE: usize = 64;
/// Least CWMPRetryMinimumWaitInterval.
const MIN_RETRY_WAIT: u16 = 1;
/// Least CWMPRetryIntervalMultiplier.
const MIN_RETRY_MULTIPLIER: u16 = 1000;

fn check_text(v: &str, max: usize) -> Result<(), Undecodable> {
    if v.is_empty() {
        Err(Undecodable::Empty)
    } else if v.len() > max {
        Err(Undecodable::TooLong(max))
    } else if let Some(b) = v.bytes().find(|&b| b < 0x20 || b == 0x7f) {
        Err(Undecodable::ControlChar(b))
    } else {
        Ok(())
    }
}

fn check_number(v: u16, min: u16) -> Result<u16, Undecodable> {
    if v < min {
        Err(Undecodable::OutOfRange(v, min))
    } else {
        Ok(v)
    }
}

/// A known sub-option's value, decoded.
enum Known<'a> {
    Text(&'a str),
    Number(u16),
}

/// Decodes the value of sub-option 1-4; `None` for any other code.
fn decode_known(sub: u8, data: &[u8]) -> Option<Result<Known<'_>, Undecodable>> {
    let text = |max| {
        let t = core::str::from_utf8(data).map_err(|_| Undecodable::NotUtf8)?;
        check_text(t, max).map(|()| Known::Text(t))
    };
    let number = |min| {
        let v = parse_decimal(data).ok_or(Undecodable::NotDecimal)?;
        check_number(v, min).map(Known::Number)
    };
    Some(match sub {
        SUB_ACS_URL => text(MAX_ACS_URL),
        SUB_PROVISIONING_CODE => text(MAX_PROVISIONING_CODE),
        SUB_RETRY_MIN_WAIT => number(MIN_RETRY_WAIT),
        SUB_RETRY_MULTIPLIER => number(MIN_RETRY_MULTIPLIER),
        _ => return None,
    })
}

impl<'a> AcsOptions<'a> {
    /// No sub-option set.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets sub-option 1, the ACS URL (1..=255 bytes, no control characters).
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when the URL does not fit.
    pub fn with_acs_url(mut self, url: impl Into<Cow<'a, str>>) -> Result<Self, InvalidValue> {
        let url = url.into();
        check_text(&url, MAX_ACS_URL).map_err(|r| InvalidValue::new("acs url", r.reason()))?;
        self.acs_url = Some(url);
        Ok(self)
    }

    /// Sets sub-option 2, the ProvisioningCode (1..=64 bytes, TR-069 `string(64)`).
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] when the code does not fit.
    pub fn with_provisioning_code(
        mut self,
        code: impl Into<Cow<'a, str>>,
    ) -> Result<Self, InvalidValue> {
        let code = code.into();
        check_text(&code, MAX_PROVISIONING_CODE)
            .map_err(|r| InvalidValue::new("provisioning code", r.reason()))?;
        self.provisioning_code = Some(code);
        Ok(self)
    }

    /// Sets sub-option 3, CWMPRetryMinimumWaitInterval in seconds (1..=65535).
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] for 0.
    pub fn with_retry_min_wait(mut self, seconds: u16) -> Result<Self, InvalidValue> {
        if check_number(seconds, MIN_RETRY_WAIT).is_err() {
            return Err(InvalidValue::new(
                "retry minimum wait interval",
                "must be 1..=65535",
            ));
        }
        self.retry_min_wait = Some(seconds);
        Ok(self)
    }

    /// Sets sub-option 4, CWMPRetryIntervalMultiplier in thousandths (1000..=65535).
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] below 1000.
    pub fn with_retry_multiplier(mut self, multiplier: u16) -> Result<Self, InvalidValue> {
        if check_number(multiplier, MIN_RETRY_MULTIPLIER).is_err() {
            return Err(InvalidValue::new(
                "retry interval multiplier",
                "must be 1000..=65535",
            ));
        }
        self.retry_multiplier = Some(multiplier);
        Ok(self)
    }

    /// Adds a sub-option kept as raw bytes: any code but 1-4, or one of 1-4 whose value does
    /// not decode as its type (what lenient reading keeps raw), so that reading back what is
    /// written gives the same value.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] for codes 1-4 with a value that decodes (use the typed setters).
    pub fn with_other(mut self, sub: SubOption<'a>) -> Result<Self, InvalidValue> {
        if let Some(Ok(_)) = decode_known(sub.code(), sub.data()) {
            return Err(InvalidValue::new(
                "sub-option",
                "1-4 with a valid value have typed setters",
            ));
        }
        self.other.push(sub);
        Ok(self)
    }

    /// Sub-option 1, the ACS URL.
    #[must_use]
    pub fn acs_url(&self) -> Option<&str> {
        self.acs_url.as_deref()
    }

    /// Sub-option 2, the ProvisioningCode.
    #[must_use]
    pub fn provisioning_code(&self) -> Option<&str> {
        self.provisioning_code.as_deref()
    }

    /// Sub-option 3, CWMPRetryMinimumWaitInterval.
    #[must_use]
    pub fn retry_min_wait(&self) -> Option<u16> {
        self.retry_min_wait
    }

    /// Sub-option 4, CWMPRetryIntervalMultiplier.
    #[must_use]
    pub fn retry_multiplier(&self) -> Option<u16> {
        self.retry_multiplier
    }

    /// The sub-options kept raw, in wire order: codes other than 1-4, and (lenient reading) any
    /// of 1-4 whose value did not decode.
    #[must_use]
    pub fn other(&self) -> &[SubOption<'a>] {
        &self.other
    }

    /// Parses leniently with the default limits: the whole input is the value. Pad (0) is
    /// skipped and end (255) ends the value.
    ///
    /// # Errors
    ///
    /// [`ParseError`] naming the sub-option: truncated or repeated.
    pub fn parse(input: &'a [u8]) -> Result<Self, ParseError> {
        Self::read(input, &ReadOptions::default(), &mut Warnings::discard())
    }

    /// Parses with `options`, returning the sub-options kept raw because their value did not
    /// decode as warnings ([`WarningKind::SubOptionKeptRaw`]). Strict mode refuses them with
    /// the reason ([`ErrorKind::SubOptionNotDecimal`], ...).
    ///
    /// # Errors
    ///
    /// [`ParseError`] naming the sub-option: truncated, repeated, an undecodable value in strict
    /// mode, or the limit hit.
    pub fn parse_with(input: &'a [u8], options: &ReadOptions) -> Result<Parsed<Self>, ParseError> {
        let mut warnings = Warnings::new(options.limits.max_warnings);
        let value = Self::read(input, options, &mut warnings)?;
        Ok(warnings.finish(value))
    }

    pub(crate) fn read(
        input: &'a [u8],
        options: &ReadOptions,
        warnings: &mut Warnings,
    ) -> Result<Self, ParseError> {
        let limits = &options.limits;
        if input.len() > limits.max_input_bytes {
            return Err(ParseError::new(
                limits.max_input_bytes,
                ErrorKind::LimitExceeded {
                    limit: Limit::InputBytes,
                    max: limits.max_input_bytes,
                },
            )
            .within(Location::Option { code: CODE }));
        }
        let subs = suboptions::parse(input, CODE, 0, PadEnd::Honour, limits)?;
        let mut out = AcsOptions::default();
        for sub in subs {
            let Some(decoded) = decode_known(sub.code, sub.data) else {
                out.other.push(sub.to_suboption());
                continue;
            };
            let value = match decoded {
                Ok(v) => v,
                Err(why) if options.strict => {
                    return Err(ParseError::new(sub.offset, why.kind(sub.code)));
                }
                Err(_) => {
                    // One odd sub-option must not cost the ACS URL and the provisioning code
                    // beside it: keep its bytes and say so.
                    warnings.push(
                        sub.offset,
                        Location::SubOption {
                            code: CODE,
                            sub: sub.code,
                        },
                        WarningKind::SubOptionKeptRaw,
                    );
                    out.other.push(sub.to_suboption());
                    continue;
                }
            };
            let repeated = match value {
                Known::Text(t) => {
                    let slot = if sub.code == SUB_ACS_URL {
                        &mut out.acs_url
                    } else {
                        &mut out.provisioning_code
                    };
                    slot.replace(Cow::Borrowed(t)).is_some()
                }
                Known::Number(v) => {
                    let slot = if sub.code == SUB_RETRY_MIN_WAIT {
                        &mut out.retry_min_wait
                    } else {
                        &mut out.retry_multiplier
                    };
                    slot.replace(v).is_some()
                }
            };
            // Two values for one parameter: which one the server meant cannot be known.
            if repeated {
                return Err(ParseError::new(
                    sub.offset,
                    ErrorKind::SubOptionRepeated {
                        code: CODE,
                        sub: sub.code,
                    },
                ));
            }
        }
        Ok(out)
    }

    /// Appends the canonical encoding: sub-options 1, 2, 3, 4, then the raw ones in order.
    pub fn write_into(&self, out: &mut Vec<u8>) {
        let mut put = |code: u8, data: &[u8]| {
            out.push(code);
            // The setters and the reader keep every value at most 255 bytes long.
            out.push(u8::try_from(data.len()).unwrap_or(u8::MAX));
            out.extend_from_slice(data);
        };
        if let Some(v) = &self.acs_url {
            put(SUB_ACS_URL, v.as_bytes());
        }
        if let Some(v) = &self.provisioning_code {
            put(SUB_PROVISIONING_CODE, v.as_bytes());
        }
        let mut digits = [0u8; 5];
        if let Some(v) = self.retry_min_wait {
            put(SUB_RETRY_MIN_WAIT, decimal(v, &mut digits));
        }
        if let Some(v) = self.retry_multiplier {
            put(SUB_RETRY_MULTIPLIER, decimal(v, &mut digits));
        }
        for sub in &self.other {
            sub.write_into(out);
        }
    }

    /// The canonical encoding.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_into(&mut out);
        out
    }

    /// Writes the canonical encoding to `w`.
    ///
    /// # Errors
    ///
    /// Only the writer's own errors.
    #[cfg(feature = "std")]
    pub fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        w.write_all(&self.to_vec())
    }

    /// Copies borrowed data so the value outlives its input.
    #[must_use]
    pub fn into_owned(self) -> AcsOptions<'static> {
        AcsOptions {
            acs_url: self.acs_url.map(|v| Cow::Owned(v.into_owned())),
            provisioning_code: self.provisioning_code.map(|v| Cow::Owned(v.into_owned())),
            retry_min_wait: self.retry_min_wait,
            retry_multiplier: self.retry_multiplier,
            other: self.other.into_iter().map(SubOption::into_owned).collect(),
        }
    }
}

/// `v` in decimal, without allocating.
fn decimal(mut v: u16, buf: &mut [u8; 5]) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        // A digit is below 10.
        buf[at] = b'0' + u8::try_from(v % 10).unwrap_or(0);
        v /= 10;
        if v == 0 {
            return &buf[at..];
        }
    }
}

fn parse_decimal(data: &[u8]) -> Option<u16> {
    if data.is_empty() || data.len() > 5 || !data.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = data
        .iter()
        .fold(0u32, |acc, &d| acc * 10 + u32::from(d - b'0'));
    u16::try_from(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let v = AcsOptions::parse(
            b"\x01\x10http://acs.test/\x02\x03abc\x03\x0230\x04\x042000\x05\x01z\xff",
        )
        .unwrap();
        assert_eq!(v.acs_url(), Some("http://acs.test/"));
        assert_eq!(v.provisioning_code(), Some("abc"));
        assert_eq!(v.retry_min_wait(), Some(30));
        assert_eq!(v.retry_multiplier(), Some(2000));
        assert_eq!(v.other().len(), 1);
        assert_eq!(
            v.to_vec(),
            b"\x01\x10http://acs.test/\x02\x03abc\x03\x0230\x04\x042000\x05\x01z"
        );
    }

    /// Each undecodable value: refused in strict mode with its reason, kept raw with a warning
    /// in lenient mode, the ACS URL beside it kept.
    #[test]
    fn undecodable_values_strict_and_lenient() {
        use ErrorKind as K;
        let (code, url) = (43, b"\x01\x08http://a");
        let table: &[(&[u8], ErrorKind)] = &[
            (b"\x01\x00", K::SubOptionEmpty { code, sub: 1 }),
            (b"\x01\x01\xff", K::SubOptionNotUtf8 { code, sub: 1 }),
            (
                b"\x02\x02a\n",
                K::SubOptionControlChar {
                    code,
                    sub: 2,
                    byte: b'\n',
                },
            ),
            (
                b"\x03\x010",
                K::SubOptionOutOfRange {
                    code,
                    sub: 3,
                    value: 0,
                    min: 1,
                },
            ),
            (
                b"\x04\x03999",
                K::SubOptionOutOfRange {
                    code,
                    sub: 4,
                    value: 999,
                    min: 1000,
                },
            ),
            (b"\x03\x06100000", K::SubOptionNotDecimal { code, sub: 3 }),
            (b"\x03\x0565536", K::SubOptionNotDecimal { code, sub: 3 }),
            // Binary forms real servers send: 30 s as a 16-bit and 2000 as a 32-bit integer.
            (b"\x03\x02\x00\x1e", K::SubOptionNotDecimal { code, sub: 3 }),
            (
                b"\x04\x04\x00\x00\x07\xd0",
                K::SubOptionNotDecimal { code, sub: 4 },
            ),
        ];
        for (odd, kind) in table {
            let input = [&url[..], odd].concat();
            let err = AcsOptions::parse_with(&input, &ReadOptions::strict()).unwrap_err();
            assert_eq!((err.kind(), err.offset()), (kind, 10), "{odd:?}");

            let parsed = AcsOptions::parse_with(&input, &ReadOptions::lenient()).unwrap();
            assert_eq!(parsed.value.acs_url(), Some("http://a"), "{odd:?}");
            assert_eq!(parsed.value.other().len(), 1, "{odd:?}");
            assert_eq!(parsed.value.other()[0].code(), odd[0]);
            assert_eq!(
                parsed.warnings,
                [crate::Warning {
                    offset: 10,
                    location: Location::SubOption { code, sub: odd[0] },
                    kind: WarningKind::SubOptionKeptRaw,
                }],
                "{odd:?}"
            );
            // What was kept raw is written back as it came, and reads back the same.
            let bytes = parsed.value.to_vec();
            assert_eq!(bytes, input);
            assert_eq!(AcsOptions::parse(&bytes).unwrap(), parsed.value);
            assert_eq!(AcsOptions::parse(&input).unwrap(), parsed.value);
        }
    }

    #[test]
    fn repeated_is_an_error_in_both_modes() {
        for options in [ReadOptions::lenient(), ReadOptions::strict()] {
            let err = AcsOptions::parse_with(b"\x02\x01a\x02\x01b", &options).unwrap_err();
            assert_eq!(err.offset(), 3);
            assert_eq!(
                err.kind(),
                &ErrorKind::SubOptionRepeated { code: 43, sub: 2 }
            );
        }
    }

    #[test]
    fn with_other_takes_known_codes_only_when_undecodable() {
        let raw = SubOption::new(3, &b"\x00\x1e"[..]).unwrap();
        assert!(AcsOptions::new().with_other(raw).is_ok());
        let decodable = SubOption::new(3, &b"30"[..]).unwrap();
        assert!(AcsOptions::new().with_other(decodable).is_err());
    }

    #[test]
    fn decimal_writes_every_width() {
        let mut buf = [0; 5];
        for v in [0u16, 7, 10, 999, 1000, 65535] {
            assert_eq!(decimal(v, &mut buf), alloc::format!("{v}").as_bytes());
        }
    }
}
