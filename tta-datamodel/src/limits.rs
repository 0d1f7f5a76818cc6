//! Bounds on untrusted input.

/// Bounds checked while reading paths, parameter lists and values, so a hostile peer cannot
/// make the reader use unbounded memory or time.
///
/// | field | default | why |
/// |---|---|---|
/// | `max_input_bytes` | 1 024 bytes | One path. TR-106 caps a full parameter name at 256 characters; four times that leaves room for deep vendor trees. |
/// | `max_segments` | 64 | Segments of one path; the deepest TTA path has 9. |
/// | `max_parameters` | 65 536 | Items of one parameter list (an Inform, a SetParameterValues). A full GetParameterValuesResponse of a real STB has about 20 000. |
/// | `max_value_bytes` | 65 536 bytes | One value; the longest the standard names is the certificate of `X_TTA_CertificateInfo` (a few KiB in base64). |
///
/// A limit hit is [`ErrorKind::LimitExceeded`](crate::ErrorKind::LimitExceeded) for a path,
/// [`Reason::LimitExceeded`](crate::Reason::LimitExceeded) for a parameter list or a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Limits {
    /// Longest path, in bytes.
    pub max_input_bytes: usize,
    /// Most segments of a path.
    pub max_segments: usize,
    /// Most items of a parameter list.
    pub max_parameters: usize,
    /// Longest value, in bytes.
    pub max_value_bytes: usize,
}

impl Limits {
    /// The defaults of the table above.
    pub const DEFAULT: Self = Self {
        max_input_bytes: 1024,
        max_segments: 64,
        max_parameters: 65_536,
        max_value_bytes: 65_536,
    };

    /// No limits at all: for trusted input only.
    pub const UNLIMITED: Self = Self {
        max_input_bytes: usize::MAX,
        max_segments: usize::MAX,
        max_parameters: usize::MAX,
        max_value_bytes: usize::MAX,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// How to read: the tolerances for the standard's misprints (on by default, as the spec's
/// Decisions ask) and the [`Limits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Refuse every tolerance: the misprinted parameter names of the spec's Decisions
    /// (`ConnectionProtocols`, `SPID`, `SPIId`, the garbled `X_TTA_SPServer` path,
    /// `SDSServer.IPPort`) and size-faceted or missing types.
    pub strict: bool,
    /// Bounds on the input.
    pub limits: Limits,
}

impl ReadOptions {
    /// The default: tolerances on, default limits.
    pub const fn lenient() -> Self {
        Self {
            strict: false,
            limits: Limits::DEFAULT,
        }
    }

    /// Tolerances off, default limits.
    pub const fn strict() -> Self {
        Self {
            strict: true,
            limits: Limits::DEFAULT,
        }
    }

    /// These options with other limits.
    #[must_use]
    pub const fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self::lenient()
    }
}

/// A value read with [`ReadOptions`], and the tolerances used to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Parsed<T> {
    /// The value.
    pub value: T,
    /// The tolerances used (misprinted names), at most `max_parameters` of them.
    pub warnings: alloc::vec::Vec<crate::Alias>,
    /// How many more were used but not recorded.
    pub dropped_warnings: usize,
}
