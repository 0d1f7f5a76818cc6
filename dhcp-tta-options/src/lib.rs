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

mod concat;
mod error;
#[cfg(feature = "dhcproto")]
mod interop;
mod limits;
mod option125;
mod option43;
mod option60;
mod read;
mod suboptions;
mod tr098;

// Reading and its outcome.
pub use error::{
    ErrorKind, Field, InvalidValue, Limit, Location, ParseError, Warning, WarningKind,
};
pub use limits::Limits;
pub use read::{Parsed, ReadOptions};

// Option 43 in its two forms.
pub use option43::{
    AcsOptions, Detection, Form, Option43, Provider, ProviderList, Providers, SUB_ACS_URL,
    SUB_PROVISIONING_CODE, SUB_RETRY_MIN_WAIT, SUB_RETRY_MULTIPLIER, detect,
};

// Options 60 and 125, the options field, TR-098.
pub use concat::{DhcpOption, MAGIC_COOKIE, MessageType, OptionsField, Overload};
pub use option60::{ClientKind, IPTV_DEVICE, TR069_MARKER, VendorClass, classify};
pub use option125::{BROADBAND_FORUM, EnterpriseBlock, Tr111, VendorInfo};
pub use suboptions::SubOption;
pub use tr098::{GatewayOption, Tag};
