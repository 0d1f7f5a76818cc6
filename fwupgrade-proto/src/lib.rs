#![doc = include_str!("../README.md")]
#![no_std]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[cfg(feature = "arbitrary")]
mod arb;
mod check;
mod client;
mod codes;
mod device;
mod error;
mod form;
mod limits;
mod report;
mod server;

// Messages.
pub use check::{CheckRequest, CheckResponse, Offer};
pub use device::{DevId, DeviceInfo, MacSerial};
pub use form::{Field, Secret};
pub use report::Report;
// Codes.
pub use codes::{Assignment, PkgId, ReqType, ResultCode, ResultGroup, RetCode, UpgradeMode};
// Reading, limits and errors.
pub use error::{
    ErrorKind, InvalidValue, Limit, Location, ParseError, UnexpectedEvent, Warning, WarningKind,
};
pub use form::{Parsed, ReadOptions};
pub use limits::Limits;
// The STB's upgrade machine and the server side.
pub use client::{Action, Client, ClientConfig, Download, DownloadFailure, DownloadedImage, Phase};
pub use server::{Catalog, Incoming, Lookup, Server, ServerConfig};
