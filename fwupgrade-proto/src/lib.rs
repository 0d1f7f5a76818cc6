#![doc = include_str!("../README.md")]
#![no_std]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod check;
pub mod client;
pub mod codes;
pub mod device;
pub mod error;
pub mod form;
pub mod limits;
pub mod report;
pub mod server;

pub use check::{CheckRequest, CheckResponse, Offer};
pub use codes::{Assignment, PkgId, ReqType, ResultCode, ResultGroup, RetCode, UpgradeMode};
pub use device::{DevId, DeviceInfo, MacSerial};
pub use error::{InvalidValue, ParseError, UnexpectedEvent};
pub use form::{Field, ParseConfig, Secret};
pub use limits::Limits;
pub use report::Report;
pub use server::Incoming;
