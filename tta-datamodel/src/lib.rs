#![doc = include_str!("../README.md")]
#![no_std]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod catalog;
#[cfg(feature = "cwmp")]
mod cwmp;
mod error;
mod identity;
mod inform;
mod limits;
mod path;
mod problem;
mod procedure;
mod settings;

// Paths.
pub use path::{OwnedPath, Path, Root, Segment};
// The catalog.
pub use catalog::{
    Alias, Aliases, Direction, Match, Param, ParamType, Parameter, Phase, lookup, lookup_canonical,
};
// Identity.
pub use identity::{Credentials, DEFAULT_PASSWORD, DeviceId, MacAddress, Secret};
// Inform sets.
pub use inform::{
    CheckedInform, DeviceDescription, InvalidInform, TtaEvent, check_inform, check_inform_with,
};
// Settings.
pub use problem::{Problem, Reason};
pub use settings::{
    AuthResult, InvalidSettings, Package, Protocols, ProvResult, ProvStatus, ProviderSelection,
    SdsFields, SdsServer, Settings, SmsProtocol, SmsServer,
};
// The procedure.
pub use procedure::{
    Decision, DeviceRecord, Discovery, Persisted, Policy, ProcedureError, Refusal, Stb, StbAction,
    StbState, decide,
};
// The cwmp-codec bridge.
#[cfg(feature = "cwmp")]
pub use cwmp::{check_cwmp_inform, tta_event};
// Reading, limits and errors.
pub use error::{ErrorKind, InvalidValue, Limit, Location, ParseError};
pub use limits::{Limits, Parsed, ReadOptions};
