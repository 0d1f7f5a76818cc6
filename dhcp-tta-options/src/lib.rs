#![doc = include_str!("../README.md")]
#![no_std]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod concat;
mod error;
#[cfg(feature = "dhcproto")]
mod interop;
mod limits;
pub mod option125;
pub mod option43;
pub mod option60;
mod suboptions;
pub mod tr098;

pub use concat::{DhcpOption, MessageType, OptionsField, Overload};
pub use error::{Field, InvalidValue, Limit, Location, ParseError, ParseErrorKind};
pub use limits::Limits;
pub use option43::{
    AcsOptions, Detection, Form, Leniency, Option43, Provider, ProviderList, detect,
};
pub use option60::{ClientKind, IPTV_DEVICE, VendorClass, classify};
pub use option125::{EnterpriseBlock, Tr111, VendorInfo};
pub use suboptions::SubOption;
pub use tr098::{GatewayOption, Tag};
