//! How to read ([`ReadOptions`]) and what reading returns besides the value ([`Parsed`]).

use alloc::vec::Vec;

use crate::error::{Location, Warning, WarningKind};
use crate::limits::Limits;

/// How to read: lenient (the default) or strict, and the limits.
///
/// Lenient mode accepts the quirks real DHCP servers add (whitespace, a trailing NUL or `|`
/// around the option-43 text; a TR-069 sub-option whose value does not decode, kept raw) and
/// records each as a [`Warning`]. Strict mode refuses every one of them, accepting only what the
/// canonical writer writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ReadOptions {
    /// Refuse every tolerated quirk.
    pub strict: bool,
    /// Bounds on the input.
    pub limits: Limits,
}

impl ReadOptions {
    /// Lenient reading with the default limits (the same as `default()`).
    #[must_use]
    pub fn lenient() -> Self {
        Self::default()
    }

    /// Strict reading with the default limits.
    #[must_use]
    pub fn strict() -> Self {
        ReadOptions {
            strict: true,
            limits: Limits::default(),
        }
    }

    /// These options with other limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// A parsed value with the warnings the lenient reader recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Parsed<T> {
    /// What was parsed.
    pub value: T,
    /// The tolerances used, in input order, up to
    /// [`Limits::max_warnings`](crate::Limits::max_warnings).
    pub warnings: Vec<Warning>,
    /// How many more tolerances were used than `warnings` holds: past the cap they are counted,
    /// not recorded, so none goes unseen.
    pub dropped_warnings: usize,
}

/// Where a parser puts the warnings: recorded up to a cap for `parse_with`, only counted for
/// `parse` (which returns none), so that `parse` allocates nothing for them.
#[derive(Debug)]
pub(crate) struct Warnings {
    list: Vec<Warning>,
    dropped: usize,
    max: usize,
}

impl Warnings {
    /// A sink that records up to `max` warnings.
    pub(crate) fn new(max: usize) -> Self {
        Warnings {
            list: Vec::new(),
            dropped: 0,
            max,
        }
    }

    /// A sink that records nothing.
    pub(crate) fn discard() -> Self {
        Self::new(0)
    }

    pub(crate) fn push(&mut self, offset: usize, location: Location, kind: WarningKind) {
        if self.list.len() < self.max {
            self.list.push(Warning {
                offset,
                location,
                kind,
            });
        } else {
            self.dropped += 1;
        }
    }

    /// The value with what was recorded.
    pub(crate) fn finish<T>(self, value: T) -> Parsed<T> {
        Parsed {
            value,
            warnings: self.list,
            dropped_warnings: self.dropped,
        }
    }
}
