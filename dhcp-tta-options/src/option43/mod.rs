//! Option 43, vendor-specific information, in its two forms: the TTA provider list (text) and
//! TR-069's encapsulated sub-options; [`detect`] tells them apart.

mod tr069;
mod tta;

pub use tr069::{
    AcsOptions, SUB_ACS_URL, SUB_PROVISIONING_CODE, SUB_RETRY_MIN_WAIT, SUB_RETRY_MULTIPLIER,
};
pub use tta::{Provider, ProviderList, Providers};

use alloc::vec::Vec;

use crate::error::{ErrorKind, ParseError};
use crate::read::{Parsed, ReadOptions, Warnings};

/// The form of an option-43 value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Form {
    /// The TTA text form, a provider list.
    Tta,
    /// The TR-069 encapsulated sub-option form.
    Tr069,
    /// Neither form parses.
    Unknown,
}

/// What [`detect`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Detection {
    /// The form chosen.
    pub form: Form,
    /// `false` when the value parses as both forms and the choice rests on a heuristic.
    pub certain: bool,
}

/// Tells the TTA text form from the TR-069 sub-option form, and says when it is unsure.
///
/// Each form is parsed leniently with the default limits. When only one parses, that is the
/// answer. When
/// both do (a text whose bytes happen to make valid `code, len, data` triples, or the reverse),
/// the TR-069 form wins if it holds an ACS URL (sub-option 1) that is a URL, the TTA form
/// otherwise, and [`Detection::certain`] is `false`.
#[must_use]
pub fn detect(value: &[u8]) -> Detection {
    let tta = ProviderList::parse(value).is_ok();
    let tr069 = AcsOptions::parse(value).ok();
    match (tta, tr069) {
        (true, None) => Detection {
            form: Form::Tta,
            certain: true,
        },
        (false, Some(_)) => Detection {
            form: Form::Tr069,
            certain: true,
        },
        (false, None) => Detection {
            form: Form::Unknown,
            certain: true,
        },
        (true, Some(acs)) => {
            let url = acs.acs_url().is_some_and(|u| u.contains("://"));
            Detection {
                form: if url { Form::Tr069 } else { Form::Tta },
                certain: false,
            }
        }
    }
}

/// An option-43 value decoded in the form [`detect`] chose.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "form", rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Option43<'a> {
    /// The TTA provider list.
    Tta {
        /// The providers, in wire order.
        providers: ProviderList<'a>,
    },
    /// TR-069 sub-options.
    Tr069 {
        /// The sub-options.
        suboptions: AcsOptions<'a>,
    },
}

impl<'a> Option43<'a> {
    /// Detects the form and parses in it, leniently with the default limits.
    ///
    /// # Errors
    ///
    /// When neither form parses: the TTA parser's error (it names the entry and field) for a
    /// value that looks like text, else the TR-069 parser's.
    pub fn parse(value: &'a [u8]) -> Result<Self, ParseError> {
        Self::read(value, &ReadOptions::default(), &mut Warnings::discard())
    }

    /// Detects the form and parses in it with `options`, returning that parser's warnings.
    ///
    /// # Errors
    ///
    /// As [`parse`](Self::parse), and what strict mode refuses.
    pub fn parse_with(value: &'a [u8], options: &ReadOptions) -> Result<Parsed<Self>, ParseError> {
        let mut warnings = Warnings::new(options.limits.max_warnings);
        let parsed = Self::read(value, options, &mut warnings)?;
        Ok(warnings.finish(parsed))
    }

    fn read(
        value: &'a [u8],
        options: &ReadOptions,
        warnings: &mut Warnings,
    ) -> Result<Self, ParseError> {
        let tr069 = |w: &mut Warnings| {
            AcsOptions::read(value, options, w).map(|s| Option43::Tr069 { suboptions: s })
        };
        let tta = |w: &mut Warnings| {
            ProviderList::read(value, options, w).map(|p| Option43::Tta { providers: p })
        };
        match detect(value).form {
            Form::Tr069 => tr069(warnings),
            Form::Tta => tta(warnings),
            // Sub-option codes 1-4 are control characters: text never starts with them.
            Form::Unknown if value.first().is_some_and(|b| (1..=4).contains(b)) => tr069(warnings),
            Form::Unknown => tta(warnings),
        }
    }

    /// Parses the TTA form only, leniently with the default limits.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::NotTtaForm`] when the value is the TR-069 form, else the TTA parser's
    /// error.
    pub fn parse_tta(value: &'a [u8]) -> Result<ProviderList<'a>, ParseError> {
        ProviderList::parse(value).map_err(|e| {
            if detect(value).form == Form::Tr069 {
                ParseError::new(0, ErrorKind::NotTtaForm)
            } else {
                e
            }
        })
    }

    /// The form.
    #[must_use]
    pub fn form(&self) -> Form {
        match self {
            Option43::Tta { .. } => Form::Tta,
            Option43::Tr069 { .. } => Form::Tr069,
        }
    }

    /// Appends the canonical value.
    pub fn write_into(&self, out: &mut Vec<u8>) {
        match self {
            Option43::Tta { providers } => providers.write_into(out),
            Option43::Tr069 { suboptions } => suboptions.write_into(out),
        }
    }

    /// The canonical value.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write_into(&mut out);
        out
    }

    /// Writes the canonical value to `w`.
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
    pub fn into_owned(self) -> Option43<'static> {
        match self {
            Option43::Tta { providers } => Option43::Tta {
                providers: providers.into_owned(),
            },
            Option43::Tr069 { suboptions } => Option43::Tr069 {
                suboptions: suboptions.into_owned(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn detection_table() {
        let table: &[(&[u8], Form, bool)] = &[
            (b"KT,http://acs.kt.example/,ntp.kt.example", Form::Tta, true),
            (b"\x01\x0fhttp://acs.test", Form::Tr069, true),
            (b"\x01\x0fhttp://acs.test\x00", Form::Tr069, true),
            (b"", Form::Tr069, true),
            (b"garbage", Form::Unknown, true),
            // Valid both ways: code 'A' (65), length 32 (a space), then 32 bytes of data.
            (b"A ,http://aaaaaaaaaaaaaaaaaaaaaa,n", Form::Tta, false),
        ];
        for (value, form, certain) in table {
            assert_eq!(
                detect(value),
                Detection {
                    form: *form,
                    certain: *certain
                },
                "{value:?}"
            );
        }
    }

    #[test]
    fn parse_reports_text_errors_for_text() {
        let err = Option43::parse(b"KT,ftp://x,n").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::NotHttpUrl { entry: 0, .. }));
        let err = Option43::parse(b"\x01\x05ab").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::SubOptionTruncated { .. }));
    }

    /// The field gap: a TR-069 value whose sub-option 3 is binary still yields its ACS URL
    /// in lenient mode, with a warning; strict mode refuses it.
    #[test]
    fn binary_retry_interval_keeps_the_acs_url() {
        let value = b"\x01\x0fhttp://acs.test\x02\x02PC\x03\x02\x00\x1e";
        assert_eq!(detect(value).form, Form::Tr069);
        let parsed = Option43::parse_with(value, &ReadOptions::lenient()).unwrap();
        let Option43::Tr069 { suboptions } = &parsed.value else {
            panic!("{parsed:?}");
        };
        assert_eq!(suboptions.acs_url(), Some("http://acs.test"));
        assert_eq!(suboptions.provisioning_code(), Some("PC"));
        assert_eq!(suboptions.retry_min_wait(), None);
        assert_eq!(parsed.warnings.len(), 1);
        assert_eq!(parsed.value.to_vec(), value);
        let err = Option43::parse_with(value, &ReadOptions::strict()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a decimal number 0..=65535 at byte 21 (option 43 sub-option 3)"
        );
    }
}
