//! Bounds on untrusted input.

/// Bounds applied while parsing untrusted input; a limit hit is
/// [`ErrorKind::LimitExceeded`](crate::ErrorKind::LimitExceeded) naming the field
/// ([`Limit`](crate::Limit)).
///
/// | field | default | why |
/// |---|---|---|
/// | `max_input_bytes` | 65 535 | the largest UDP payload; an option-43 value or `X_TTA_ProviderInfos` string is far smaller, a whole DHCP message cannot be larger |
/// | `max_providers` | 32 | the STB shows the list to the user; the standard's example has two, real deployments a handful |
/// | `max_field_bytes` | 1 024 | a URL or host name; generous for HTTP URLs, small enough to show on screen |
/// | `max_option_instances` | 512 | every option instance costs one slot while RFC 3396 pieces are joined; a 64 KiB message of 2-byte options would otherwise cost 32 768 |
/// | `max_suboptions` | 64 | sub-options in one option 43 or 125 (TR-069 defines 4, TR-111 defines 6) |
/// | `max_warnings` | 64 | warnings recorded by [`parse_with`](crate::ProviderList::parse_with); past it they are counted in [`Parsed::dropped_warnings`](crate::Parsed::dropped_warnings), not recorded, and reading goes on |
///
/// The total size is checked first, then the others while parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_input_bytes: usize,
    /// Most provider entries in one option-43 text.
    pub max_providers: usize,
    /// Longest option-43 field, in bytes, after trimming.
    pub max_field_bytes: usize,
    /// Most option instances (before RFC 3396 joining) in one options field.
    pub max_option_instances: usize,
    /// Most sub-options in one option 43 or one option-125 enterprise block.
    pub max_suboptions: usize,
    /// Most warnings recorded; the rest are only counted.
    pub max_warnings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 65_535,
            max_providers: 32,
            max_field_bytes: 1024,
            max_option_instances: 512,
            max_suboptions: 64,
            max_warnings: 64,
        }
    }
}
