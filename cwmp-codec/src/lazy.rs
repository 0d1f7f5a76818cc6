//! A lazy walk over the parameters of one envelope, for responses too large to hold twice.

use crate::error::{ErrorKind, ParseError};
use crate::read::{Elem, Ns, Parser, ReadOptions};
use crate::rpc::ArrayItem;
use crate::rpc::types::ParameterValueStruct;

/// Yields the `ParameterList` items of an Inform, SetParameterValues or
/// GetParameterValuesResponse one at a time, borrowing from the input: no allocation per item
/// unless a value needed unescaping.
///
/// It reads up to the end of the list and no further, so what follows the list is not checked;
/// use [`Envelope::parse`](crate::Envelope::parse) to validate the whole envelope.
///
/// ```
/// use cwmp_codec::ParameterIter;
/// let xml = include_bytes!("../tests/vectors/spec/inform-igd-periodic.xml");
/// let mut iter = ParameterIter::new(xml)?;
/// assert_eq!(iter.method_name(), "Inform");
/// let first = iter.next().unwrap()?;
/// assert_eq!(first.name, "InternetGatewayDevice.DeviceSummary");
/// assert_eq!(iter.count(), 9);
/// # Ok::<(), cwmp_codec::ParseError>(())
/// ```
pub struct ParameterIter<'a> {
    p: Parser<'a>,
    list: Elem<'a>,
    method: &'a str,
    index: usize,
    done: bool,
}

impl std::fmt::Debug for ParameterIter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParameterIter")
            .field("method", &self.method)
            .field("index", &self.index)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<'a> ParameterIter<'a> {
    /// Reads up to the first item of the envelope's `ParameterList`, leniently.
    ///
    /// # Errors
    ///
    /// A [`ParseError`] when the input is not an envelope whose body has a `ParameterList`.
    pub fn new(input: &'a [u8]) -> Result<Self, ParseError> {
        Self::with_options(input, &ReadOptions::default())
    }

    /// As [`ParameterIter::new`], with options (strict mode, limits).
    ///
    /// # Errors
    ///
    /// As [`ParameterIter::new`].
    pub fn with_options(input: &'a [u8], opts: &ReadOptions) -> Result<Self, ParseError> {
        let mut p = Parser::new(input, opts, false)?;
        let Some(root) = p.next_root()? else {
            return Err(p.error(ErrorKind::NoEnvelope));
        };
        if root.local != "Envelope" || root.ns != Ns::SoapEnv {
            return Err(p.error_in(&root, ErrorKind::NotAnEnvelope));
        }
        while let Some(child) = p.next_child(&root)? {
            if child.ns != Ns::SoapEnv || child.local != "Body" {
                p.skip(&child)?;
                continue;
            }
            let Some(method) = p.next_child(&child)? else {
                return Err(p.error_in(&child, ErrorKind::EmptyBody));
            };
            while let Some(arg) = p.next_child(&method)? {
                if arg.local == "ParameterList" {
                    return Ok(Self {
                        p,
                        list: arg,
                        method: method.local,
                        index: 0,
                        done: false,
                    });
                }
                p.skip(&arg)?;
            }
            return Err(p.error_in(&method, ErrorKind::MissingElement("ParameterList")));
        }
        Err(p.error_in(&root, ErrorKind::MissingBody))
    }

    /// The name of the method whose parameters these are.
    #[must_use]
    pub fn method_name(&self) -> &'a str {
        self.method
    }

    fn step(&mut self) -> Result<Option<ParameterValueStruct<'a>>, ParseError> {
        while let Some(child) = self.p.next_child(&self.list)? {
            if child.local != "ParameterValueStruct" {
                self.p.skip_unknown(&child)?;
                continue;
            }
            self.index += 1;
            if self.index > self.p.limits.max_list_items {
                return Err(self
                    .p
                    .limit_error_in(&child, crate::error::Limit::MaxListItems));
            }
            self.p.set_index(self.index);
            if let Some(item) = ParameterValueStruct::read_item(&mut self.p, child)? {
                return Ok(Some(item));
            }
        }
        Ok(None)
    }
}

impl<'a> Iterator for ParameterIter<'a> {
    type Item = Result<ParameterValueStruct<'a>, ParseError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.step().transpose();
        if !matches!(item, Some(Ok(_))) {
            self.done = true;
        }
        item
    }
}
