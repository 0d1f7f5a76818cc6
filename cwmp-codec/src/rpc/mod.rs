//! The RPC bodies of CWMP 1.0-1.4 and the structures they carry.
//!
//! Each schema type is declared once, as a field table (`cwmp_struct!`): field, Rust type,
//! occurrence and element name. The table generates the struct, its reader, its writer (in
//! schema order), `into_owned` and, with the `arbitrary` feature, a generator of valid
//! instances, so reading and writing cannot drift apart.

use std::borrow::Cow;

use crate::error::{ErrorKind, ParseError, WarningKind};
use crate::read::{AttrName, Elem, FromXml, Ns, Parser};
use crate::write::{ToXml, XmlWriter};

pub(crate) mod acs;
pub(crate) mod cpe;
pub(crate) mod types;

/// Conversion of borrowed model data into owned (`'static`) data, for the generated code: every
/// public type has an inherent `into_owned` that callers use without importing anything.
pub(crate) trait IntoOwned {
    /// The owned type.
    type Owned;
    /// Converts, copying borrowed text.
    fn into_owned(self) -> Self::Owned;
}

impl IntoOwned for Cow<'_, str> {
    type Owned = Cow<'static, str>;
    fn into_owned(self) -> Cow<'static, str> {
        Cow::Owned(match self {
            Cow::Borrowed(s) => s.to_owned(),
            Cow::Owned(s) => s,
        })
    }
}

macro_rules! owned_is_self {
    ($($t:ty),*) => {$(
        impl IntoOwned for $t {
            type Owned = $t;
            fn into_owned(self) -> Self::Owned { self }
        }
    )*};
}
owned_is_self!(u32, i32, bool);

impl<T: IntoOwned> IntoOwned for Vec<T> {
    type Owned = Vec<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        self.into_iter().map(IntoOwned::into_owned).collect()
    }
}

impl<T: IntoOwned> IntoOwned for Option<T> {
    type Owned = Option<T::Owned>;
    fn into_owned(self) -> Self::Owned {
        self.map(IntoOwned::into_owned)
    }
}

impl IntoOwned for crate::value::Value<'_> {
    type Owned = crate::value::Value<'static>;
    fn into_owned(self) -> Self::Owned {
        crate::value::Value::into_owned(self)
    }
}

impl IntoOwned for crate::value::DateTimeText<'_> {
    type Owned = crate::value::DateTimeText<'static>;
    fn into_owned(self) -> Self::Owned {
        crate::value::DateTimeText::into_owned(self)
    }
}

pub(crate) const fn index_of(names: &[&str], name: &str) -> usize {
    let mut i = 0;
    while i < names.len() {
        let a = names[i].as_bytes();
        let b = name.as_bytes();
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    usize::MAX
}

/// Reads a SOAP array whose items are elements named `item`.
///
/// The `arrayType` count is only a capacity hint, capped by the limits and the input size:
/// senders lie (one real CPE always claims `[16]`).
pub(crate) fn read_array<'a, T: ArrayItem<'a>>(
    p: &mut Parser<'a>,
    elem: Elem<'a>,
    item: &'static str,
) -> Result<Vec<T>, ParseError> {
    p.no_xsi_type(&elem)?;
    let claimed = match &p.attr(&elem, AttrName::ArrayType)? {
        None => {
            p.tolerate_in(&elem, WarningKind::MissingArrayType)?;
            None
        }
        Some(attr) => {
            if p.resolve(attr.prefix, false)? != Ns::SoapEnc {
                p.tolerate_in(&elem, WarningKind::ArrayTypeNamespace)?;
            }
            array_count(&attr.value)
        }
    };
    let mut items: Vec<T> = Vec::new();
    if let Some(n) = claimed {
        // Each item takes at least 16 bytes of input, so a huge claim cannot reserve much.
        let cap = n.min(p.limits.max_list_items).min(p.remaining_input() / 16);
        items.reserve_exact(cap);
    }
    let mut seen = 0usize;
    while let Some(child) = p.next_child(&elem)? {
        if child.local != item {
            p.skip_unknown(&child)?;
            continue;
        }
        seen += 1;
        if seen > p.limits.max_list_items {
            return Err(p.error_in(
                &child,
                ErrorKind::LimitExceeded {
                    limit: crate::error::Limit::MaxListItems,
                    max: p.limits.max_list_items,
                },
            ));
        }
        p.set_index(seen);
        p.check_unqualified(&child)?;
        if let Some(v) = T::read_item(p, child)? {
            items.push(v);
        }
    }
    if let Some(n) = claimed.filter(|&n| n != seen) {
        p.tolerate_in(
            &elem,
            WarningKind::ArrayTypeCount {
                claimed: n,
                actual: seen,
            },
        )?;
    }
    Ok(items)
}

/// The `N` of `cwmp:ParameterValueStruct[N]`.
fn array_count(array_type: &str) -> Option<usize> {
    let open = array_type.rfind('[')?;
    array_type
        .get(open + 1..array_type.len().checked_sub(1)?)?
        .trim()
        .parse()
        .ok()
}

/// An array item type; `read_item` may drop an item the lenient reader cannot keep whole.
pub(crate) trait ArrayItem<'a>: FromXml<'a> {
    fn read_item(p: &mut Parser<'a>, elem: Elem<'a>) -> Result<Option<Self>, ParseError> {
        Self::from_xml(p, elem).map(Some)
    }
}

impl<'a> ArrayItem<'a> for Cow<'a, str> {}

/// Writing of a structure's child elements, in schema order.
pub(crate) trait Children {
    fn write_children(&self, w: &mut XmlWriter<'_>);
}

pub(crate) fn write_array<T: ToXml>(
    w: &mut XmlWriter<'_>,
    name: &str,
    item: &str,
    item_type: &str,
    items: &[T],
) {
    w.array_start(name, item_type, items.len());
    for v in items {
        v.to_xml(w, item);
    }
    w.end(name);
}

pub(crate) fn accept_repeated<'a, T: FromXml<'a>>(
    slot: &mut Vec<T>,
    p: &mut Parser<'a>,
    elem: Elem<'a>,
) -> Result<(), ParseError> {
    if slot.len() >= p.limits.max_list_items {
        return Err(p.error_in(
            &elem,
            ErrorKind::LimitExceeded {
                limit: crate::error::Limit::MaxListItems,
                max: p.limits.max_list_items,
            },
        ));
    }
    p.set_index(slot.len() + 1);
    slot.push(T::from_xml(p, elem)?);
    Ok(())
}

pub(crate) fn missing<'a>(p: &Parser<'a>, elem: &Elem<'a>, name: &'static str) -> ParseError {
    p.error_in(elem, ErrorKind::MissingElement(name))
}

macro_rules! slot_type {
    (one, $t:ty) => { Option<$t> };
    (opt, $t:ty) => { $t };
    (array, $t:ty) => { Option<$t> };
    (repeated, $t:ty) => { $t };
    (many, $t:ty) => { $t };
}

macro_rules! accept_field {
    (one, $slot:ident, $p:ident, $child:ident) => {
        crate::read::accept_once(&mut $slot, $p, $child)?
    };
    (opt, $slot:ident, $p:ident, $child:ident) => {
        crate::read::accept_once(&mut $slot, $p, $child)?
    };
    (array, $slot:ident, $p:ident, $child:ident, $item:literal) => {{
        if $slot.is_some() {
            let name = $child.local.to_owned();
            return Err($p.error_at($child.offset, crate::ErrorKind::DuplicateElement(name)));
        }
        $slot = Some(crate::rpc::read_array($p, $child, $item)?);
    }};
    (repeated, $slot:ident, $p:ident, $child:ident) => {
        crate::rpc::accept_repeated(&mut $slot, $p, $child)?
    };
    (many, $slot:ident, $p:ident, $child:ident) => {
        crate::rpc::accept_repeated(&mut $slot, $p, $child)?
    };
}

macro_rules! finish_field {
    (one, $slot:ident, $p:ident, $elem:ident, $xml:literal) => {
        $slot.ok_or_else(|| crate::rpc::missing($p, &$elem, $xml))?
    };
    (opt, $slot:ident, $p:ident, $elem:ident, $xml:literal) => {
        $slot
    };
    (array, $slot:ident, $p:ident, $elem:ident, $xml:literal) => {
        $slot.ok_or_else(|| crate::rpc::missing($p, &$elem, $xml))?
    };
    (repeated, $slot:ident, $p:ident, $elem:ident, $xml:literal) => {{
        if $slot.is_empty() {
            return Err(crate::rpc::missing($p, &$elem, $xml));
        }
        $slot
    }};
    (many, $slot:ident, $p:ident, $elem:ident, $xml:literal) => {
        $slot
    };
}

macro_rules! write_field {
    (one, $w:ident, $v:expr, $xml:literal) => {
        crate::write::ToXml::to_xml($v, $w, $xml)
    };
    (opt, $w:ident, $v:expr, $xml:literal) => {
        if let Some(v) = $v {
            crate::write::ToXml::to_xml(v, $w, $xml)
        }
    };
    (array, $w:ident, $v:expr, $xml:literal, $item:literal, $atype:literal) => {
        crate::rpc::write_array($w, $xml, $item, $atype, $v)
    };
    (repeated, $w:ident, $v:expr, $xml:literal) => {
        for v in $v {
            crate::write::ToXml::to_xml(v, $w, $xml)
        }
    };
    (many, $w:ident, $v:expr, $xml:literal) => {
        for v in $v {
            crate::write::ToXml::to_xml(v, $w, $xml)
        }
    };
}

#[cfg(feature = "arbitrary")]
macro_rules! arb_field {
    (one, $u:ident) => {
        crate::arb::Arb::arb($u)?
    };
    (opt, $u:ident) => {
        crate::arb::Arb::arb($u)?
    };
    (array, $u:ident) => {
        crate::arb::arb_list($u, 0)?
    };
    (repeated, $u:ident) => {
        crate::arb::arb_list($u, 1)?
    };
    (many, $u:ident) => {
        crate::arb::arb_list($u, 0)?
    };
}

/// Declares a schema structure: see the module docs.
macro_rules! cwmp_struct {
    (
        $(#[$meta:meta])*
        $name:ident<$lt:lifetime> { $($body:tt)* }
    ) => {
        cwmp_struct!(@emit [$(#[$meta])*] $name [$name<$lt>] [$name<'static>] [<$lt>] $lt { $($body)* });
    };
    (
        $(#[$meta:meta])*
        $name:ident { $($body:tt)* }
    ) => {
        cwmp_struct!(@emit [$(#[$meta])*] $name [$name] [$name] [] 'a { $($body)* });
    };
    (@emit [$($meta:tt)*] $name:ident [$ty:ty] [$sty:ty] [$($gen:tt)*] $lt:lifetime {
        $(
            $(#[$fmeta:meta])*
            $field:ident : $fty:ty = $mode:ident ( $xml:literal $(, $item:literal, $atype:literal)? ),
        )*
    }) => {
        $($meta)*
        #[derive(Debug, Clone, PartialEq, Eq, Default)]
        #[cfg_attr(feature = "serde", derive(serde::Serialize))]
        pub struct $name $($gen)* {
            $(
                $(#[$fmeta])*
                #[cfg_attr(feature = "serde", serde(rename = $xml))]
                pub $field: $fty,
            )*
        }

        impl<$lt> crate::read::FromXml<$lt> for $ty {
            #[allow(unused_mut, unused_variables)]
            fn from_xml(
                p: &mut crate::read::Parser<$lt>,
                elem: crate::read::Elem<$lt>,
            ) -> Result<Self, crate::ParseError> {
                #[allow(dead_code)]
                const NAMES: &[&str] = &[$($xml),*];
                p.no_xsi_type(&elem)?;
                $( let mut $field: crate::rpc::slot_type!($mode, $fty) = Default::default(); )*
                let mut last = 0usize;
                while let Some(child) = p.next_child(&elem)? {
                    match child.local {
                        $(
                            $xml => {
                                const IDX: usize = crate::rpc::index_of(NAMES, $xml);
                                p.check_unqualified(&child)?;
                                if IDX < last {
                                    p.tolerate_in(&child, crate::WarningKind::OutOfOrder)?;
                                }
                                last = IDX;
                                crate::rpc::accept_field!($mode, $field, p, child $(, $item)?);
                            }
                        )*
                        _ => p.skip_unknown(&child)?,
                    }
                }
                Ok(Self { $( $field: crate::rpc::finish_field!($mode, $field, p, elem, $xml), )* })
            }
        }

        impl<$lt> crate::write::ToXml for $ty {
            fn to_xml(&self, w: &mut crate::write::XmlWriter<'_>, name: &str) {
                const NAMES: &[&str] = &[$($xml),*];
                if NAMES.is_empty() {
                    w.empty(name);
                    return;
                }
                w.start(name);
                crate::rpc::Children::write_children(self, w);
                w.end(name);
            }
        }

        impl<$lt> crate::rpc::Children for $ty {
            #[allow(unused_variables)]
            fn write_children(&self, w: &mut crate::write::XmlWriter<'_>) {
                $( crate::rpc::write_field!($mode, w, &self.$field, $xml $(, $item, $atype)?); )*
            }
        }

        impl<$lt> $ty {
            /// Converts any borrowed text into owned data.
            #[must_use]
            pub fn into_owned(self) -> $sty {
                $name { $( $field: crate::rpc::IntoOwned::into_owned(self.$field), )* }
            }
        }

        impl<$lt> crate::rpc::IntoOwned for $ty {
            type Owned = $sty;
            fn into_owned(self) -> $sty {
                <$ty>::into_owned(self)
            }
        }

        #[cfg(feature = "arbitrary")]
        impl<$lt> arbitrary::Arbitrary<$lt> for $ty {
            #[allow(unused_variables)]
            fn arbitrary(u: &mut arbitrary::Unstructured<$lt>) -> arbitrary::Result<Self> {
                Ok($name { $( $field: crate::rpc::arb_field!($mode, u), )* })
            }
        }

        #[cfg(feature = "arbitrary")]
        impl<$lt> crate::arb::Arb<$lt> for $ty {
            fn arb(u: &mut arbitrary::Unstructured<$lt>) -> arbitrary::Result<Self> {
                <Self as arbitrary::Arbitrary<$lt>>::arbitrary(u)
            }
        }
    };
}

#[cfg(feature = "arbitrary")]
pub(crate) use arb_field;
pub(crate) use {accept_field, cwmp_struct, finish_field, slot_type, write_field};
