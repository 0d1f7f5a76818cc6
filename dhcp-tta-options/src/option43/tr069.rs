//! The TR-069 form: encapsulated sub-options (TR-069 section 3.1, table "Encapsulated
//! Vendor-Specific Options").

use alloc::borrow::Cow;
use alloc::string::ToString;
use alloc::vec::Vec;

use crate::error::{InvalidValue, Limit, Location, ParseError, ParseErrorKind};
use crate::limits::Limits;
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
/// sub-options are kept in order, so parse -> write keeps them. Canonical output writes 1, 2, 3,
/// 4, then the unknown ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AcsOptions<'a> {
    acs_url: Option<Cow<'a, str>>,
    provisioning_code: Option<Cow<'a, str>>,
    retry_min_wait: Option<u16>,
    retry_multiplier: Option<u16>,
    other: Vec<SubOption<'a>>,
}

fn text_ok(v: &str, max: usize) -> Result<(), &'static str> {
    if v.is_empty() {
        Err("empty")
    } else if v.len() > max {
        Err("too long")
    } else if v.bytes().any(|b| b < 0x20 || b == 0x7f) {
        Err("control character")
    } else {
        Ok(())
    }
}

fn multiplier_ok(v: u16) -> bool {
    v >= 1000
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
        text_ok(&url, 255).map_err(|r| InvalidValue::new("acs url", r))?;
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
        text_ok(&code, 64).map_err(|r| InvalidValue::new("provisioning code", r))?;
        self.provisioning_code = Some(code);
        Ok(self)
    }

    /// Sets sub-option 3, CWMPRetryMinimumWaitInterval in seconds (1..=65535).
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] for 0.
    pub fn with_retry_min_wait(mut self, seconds: u16) -> Result<Self, InvalidValue> {
        if seconds == 0 {
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
        if !multiplier_ok(multiplier) {
            return Err(InvalidValue::new(
                "retry interval multiplier",
                "must be 1000..=65535",
            ));
        }
        self.retry_multiplier = Some(multiplier);
        Ok(self)
    }

    /// Adds a sub-option other than 1-4, kept as raw bytes.
    ///
    /// # Errors
    ///
    /// [`InvalidValue`] for codes 1-4 (use the typed setters).
    pub fn with_other(mut self, sub: SubOption<'a>) -> Result<Self, InvalidValue> {
        if (1..=4).contains(&sub.code()) {
            return Err(InvalidValue::new(
                "sub-option code",
                "1-4 have typed setters",
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

    /// The sub-options other than 1-4, in wire order.
    #[must_use]
    pub fn other(&self) -> &[SubOption<'a>] {
        &self.other
    }

    /// Parses with the default [`Limits`].
    ///
    /// # Errors
    ///
    /// [`ParseError`] naming the sub-option.
    pub fn parse(input: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_with(input, &Limits::default())
    }

    /// Parses with the given limits. Pad (0) is skipped and end (255) ends the value.
    ///
    /// # Errors
    ///
    /// [`ParseError`] naming the sub-option: truncated, repeated, or an invalid value.
    pub fn parse_with(input: &'a [u8], limits: &Limits) -> Result<Self, ParseError> {
        if input.len() > limits.max_input_len {
            return Err(ParseError::new(
                limits.max_input_len,
                ParseErrorKind::LimitExceeded {
                    limit: Limit::InputLength,
                    max: limits.max_input_len,
                },
            )
            .within(Location::Option { code: CODE }));
        }
        let subs = suboptions::parse(input, CODE, 0, PadEnd::Honour, limits)?;
        let mut out = AcsOptions::default();
        for sub in subs {
            let bad = |reason| {
                ParseError::new(
                    sub.offset,
                    ParseErrorKind::SubOptionInvalid {
                        code: CODE,
                        sub: sub.code,
                        reason,
                    },
                )
            };
            let data = sub.data;
            match sub.code {
                SUB_ACS_URL | SUB_PROVISIONING_CODE => {
                    let text = core::str::from_utf8(data).map_err(|_| bad("not valid utf-8"))?;
                    let max = if sub.code == SUB_ACS_URL { 255 } else { 64 };
                    text_ok(text, max).map_err(bad)?;
                    let slot = if sub.code == SUB_ACS_URL {
                        &mut out.acs_url
                    } else {
                        &mut out.provisioning_code
                    };
                    if slot.replace(Cow::Borrowed(text)).is_some() {
                        return Err(bad("repeated"));
                    }
                }
                SUB_RETRY_MIN_WAIT | SUB_RETRY_MULTIPLIER => {
                    let v =
                        parse_decimal(data).ok_or_else(|| bad("not a decimal number 0..=65535"))?;
                    let (slot, ok) = if sub.code == SUB_RETRY_MIN_WAIT {
                        (&mut out.retry_min_wait, v >= 1)
                    } else {
                        (&mut out.retry_multiplier, multiplier_ok(v))
                    };
                    if !ok {
                        return Err(bad("out of range"));
                    }
                    if slot.replace(v).is_some() {
                        return Err(bad("repeated"));
                    }
                }
                _ => out.other.push(sub.to_suboption()),
            }
        }
        Ok(out)
    }

    /// Appends the canonical encoding: sub-options 1, 2, 3, 4, then the others in order.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        let mut put = |code: u8, data: &[u8]| {
            out.push(code);
            out.push(u8::try_from(data.len()).unwrap_or(u8::MAX));
            out.extend_from_slice(data);
        };
        if let Some(v) = &self.acs_url {
            put(SUB_ACS_URL, v.as_bytes());
        }
        if let Some(v) = &self.provisioning_code {
            put(SUB_PROVISIONING_CODE, v.as_bytes());
        }
        if let Some(v) = self.retry_min_wait {
            put(SUB_RETRY_MIN_WAIT, v.to_string().as_bytes());
        }
        if let Some(v) = self.retry_multiplier {
            put(SUB_RETRY_MULTIPLIER, v.to_string().as_bytes());
        }
        for sub in &self.other {
            sub.write_to(out);
        }
    }

    /// The canonical encoding.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_to(&mut out);
        out
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

        let bad: &[(&[u8], u8, &str)] = &[
            (b"\x01\x00", 1, "empty"),
            (b"\x01\x01\xff", 1, "not valid utf-8"),
            (b"\x03\x010", 3, "out of range"),
            (b"\x04\x03999", 4, "out of range"),
            (b"\x03\x06100000", 3, "not a decimal number 0..=65535"),
            (b"\x03\x0565536", 3, "not a decimal number 0..=65535"),
            (b"\x02\x01a\x02\x01b", 2, "repeated"),
        ];
        for (input, sub, reason) in bad {
            let err = AcsOptions::parse(input).unwrap_err();
            assert_eq!(
                err.kind(),
                &ParseErrorKind::SubOptionInvalid {
                    code: 43,
                    sub: *sub,
                    reason
                },
                "{input:?}"
            );
        }
    }

    #[test]
    fn repeated_error_points_at_second() {
        let err = AcsOptions::parse(b"\x02\x01a\x02\x01b").unwrap_err();
        assert_eq!(err.offset(), 3);
    }
}
