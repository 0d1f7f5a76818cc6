#![doc = include_str!("../README.md")]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod codes;
mod envelope;
mod error;
mod fault;
mod header;
mod lazy;
mod limits;
mod raw;
mod read;
mod rpc;
mod session;
mod value;
mod write;

#[cfg(feature = "arbitrary")]
mod arb;

pub use codes::{EventCode, FaultCode, FileType, OtherFaultCode};
pub use envelope::{Body, CwmpVersion, Envelope, Message, UnknownMethod};
pub use error::{Construct, ErrorKind, Limit, ParseError, Warning, WarningKind};
pub use fault::{CwmpFault, Fault, SetParameterValuesFault, SoapFaultCode};
pub use header::{Header, UnknownHeader};
pub use lazy::ParameterIter;
pub use limits::Limits;
pub use raw::RawXml;
#[cfg(any(fuzzing, feature = "arbitrary"))]
#[doc(hidden)]
pub use read::set_fast_lane;
pub use read::{Parsed, ReadOptions};
pub use rpc::acs::*;
pub use rpc::cpe::*;
pub use rpc::types::*;
pub use session::{
    AcsPhase, AcsReply, AcsSession, AfterSession, ConnectionRequestGate, ConnectionRequestOutcome,
    ConnectionRequestRejection, CpeAction, CpePhase, CpeSession, EventRetention, Incoming,
    MIN_SESSION_TIMEOUT_MS, RateLimit, RetryPolicy, SessionConfig, SessionEnd, SessionError,
    SessionErrorKind, SessionRetry, UdpConnectionRequest, UdpErrorKind, UdpParseError,
    UdpRejection, UdpRequestVerifier,
};
pub use value::{DateTime, DateTimeText, InvalidValue, Value, XsdType};
pub use write::WriteOptions;
