//! Bounds on untrusted input.

/// Bounds the reader enforces on untrusted input; exceeding one is
/// [`ErrorKind::LimitExceeded`](crate::ErrorKind::LimitExceeded) naming the field.
///
/// | field | default | why |
/// |---|---|---|
/// | `max_input_bytes` | 16 MiB | a 20,000-parameter GetParameterValuesResponse is about 2.5 MiB; checked before any parsing |
/// | `max_depth` | 32 | the deepest CWMP envelope (ChangeDUState) nests 6 levels; vendor extensions get room, recursion bombs do not |
/// | `max_list_items` | 100,000 | the largest real data models have tens of thousands of parameters |
/// | `max_text_bytes` | 1 MiB | the longest schema field is 1024 characters; certificates in `Value`s run to a few KiB; also bounds each attribute value and each element kept raw |
/// | `max_envelopes` | 64 | MaxEnvelopes is a small number in practice (1 for most CPEs) |
/// | `max_namespace_bindings` | 32 | namespace declarations in scope at once; real envelopes declare 5 to 10 |
/// | `max_attributes` | 32 | attributes on one element; CWMP uses at most 3 |
/// | `max_warnings` | 1,024 | recorded warnings; past it the reader keeps going and counts them ([`Parsed::dropped_warnings`](crate::Parsed::dropped_warnings)) |
/// | `max_raw_bytes` | 1 MiB | unknown content kept raw in one message (unknown headers and methods), with the namespace URIs each relies on counted each time: bounds what the value holds, prints and writes, however often a long declaration is relied on |
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_input_bytes: usize,
    /// Deepest element nesting.
    pub max_depth: usize,
    /// Most items in one array (and most `SetParameterValuesFault`s, `Operations`, `Results`).
    pub max_list_items: usize,
    /// Longest text content of one element, in bytes.
    pub max_text_bytes: usize,
    /// Most envelopes in one message.
    pub max_envelopes: usize,
    /// Most namespace declarations in scope at once.
    pub max_namespace_bindings: usize,
    /// Most attributes on one element.
    pub max_attributes: usize,
    /// Most warnings recorded.
    pub max_warnings: usize,
    /// Most bytes of unknown content kept raw in one message: the XML of each unknown header
    /// and method, the declarations the writer adds to it, and its namespace URI.
    pub max_raw_bytes: usize,
}

impl Limits {
    /// The value of `limit`.
    #[must_use]
    pub fn get(&self, limit: crate::Limit) -> usize {
        use crate::Limit;
        match limit {
            Limit::MaxInputBytes => self.max_input_bytes,
            Limit::MaxDepth => self.max_depth,
            Limit::MaxListItems => self.max_list_items,
            Limit::MaxTextBytes => self.max_text_bytes,
            Limit::MaxEnvelopes => self.max_envelopes,
            Limit::MaxNamespaceBindings => self.max_namespace_bindings,
            Limit::MaxAttributes => self.max_attributes,
            Limit::MaxRawBytes => self.max_raw_bytes,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 16 << 20,
            max_depth: 32,
            max_list_items: 100_000,
            max_text_bytes: 1 << 20,
            max_envelopes: 64,
            max_namespace_bindings: 32,
            max_attributes: 32,
            max_warnings: 1024,
            max_raw_bytes: 1 << 20,
        }
    }
}
