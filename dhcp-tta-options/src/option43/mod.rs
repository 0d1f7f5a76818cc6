//! Option 43, vendor-specific information, in its two forms: the TTA provider list (text) and
//! TR-069's encapsulated sub-options; [`detect`] tells them apart.

mod tr069;
mod tta;

pub use tr069::{
    AcsOptions, SUB_ACS_URL, SUB_PROVISIONING_CODE, SUB_RETRY_MIN_WAIT, SUB_RETRY_MULTIPLIER,
};
pub use tta::{Leniency, Provider, ProviderList, Providers};

use alloc::vec::Vec;

use crate::error::{ParseError, ParseErrorKind};
use crate::limits::Limits;

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
/// Each form is parsed with the default limits. When only one parses, that is the answer. When
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
    /// Detects the form and parses in it, with the default limits.
    ///
    /// # Errors
    ///
    /// When neither form parses: the TTA parser's error (it names the entry and field) for a
    /// value that looks like text, else the TR-069 parser's.
    pub fn parse(value: &'a [u8]) -> Result<Self, ParseError> {
        Self::parse_with(value, &Limits::default())
    }

    /// Detects the form and parses in it.
    ///
    /// # Errors
    ///
    /// As [`parse`](Self::parse).
    pub fn parse_with(value: &'a [u8], limits: &Limits) -> Result<Self, ParseError> {
        match detect(value).form {
            Form::Tr069 => Ok(Option43::Tr069 {
                suboptions: AcsOptions::parse_with(value, limits)?,
            }),
            Form::Tta => Ok(Option43::Tta {
                providers: ProviderList::parse_with(value, limits)?,
            }),
            Form::Unknown => {
                // Sub-option codes 1-4 are control characters: text never starts with them.
                if value.first().is_some_and(|b| (1..=4).contains(b)) {
                    AcsOptions::parse_with(value, limits).map(|s| Option43::Tr069 { suboptions: s })
                } else {
                    ProviderList::parse_with(value, limits).map(|p| Option43::Tta { providers: p })
                }
            }
        }
    }

    /// Parses the TTA form only.
    ///
    /// # Errors
    ///
    /// [`ParseErrorKind::Option43`] when the value is the TR-069 form, else the TTA parser's
    /// error.
    pub fn parse_tta(value: &'a [u8]) -> Result<ProviderList<'a>, ParseError> {
        ProviderList::parse(value).map_err(|e| {
            if detect(value).form == Form::Tr069 {
                ParseError::new(
                    0,
                    ParseErrorKind::Option43 {
                        reason: "tr-069 sub-option form, not tta text",
                    },
                )
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

    /// The canonical value.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            Option43::Tta { providers } => providers.to_vec(),
            Option43::Tr069 { suboptions } => suboptions.to_vec(),
        }
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
        assert!(matches!(
            err.kind(),
            ParseErrorKind::NotHttpUrl { entry: 0, .. }
        ));
        let err = Option43::parse(b"\x01\x05ab").unwrap_err();
        assert!(matches!(
            err.kind(),
            ParseErrorKind::SubOptionTruncated { .. }
        ));
    }
}
