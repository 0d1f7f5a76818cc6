//! The upgrade server side: tell a check from a report, and answer a check from a package
//! catalog the caller provides.

use alloc::borrow::Cow;
use alloc::string::ToString;

use crate::check::{CheckRequest, CheckResponse, Offer};
use crate::codes::{PkgId, ReqType, RetCode};
use crate::error::{ErrorKind, ParseError};
use crate::form::{self, Parsed, ReadOptions, Warnings};
use crate::report::Report;

/// A message an upgrade server receives: the server tells a report by the presence of
/// `resultCode`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
pub enum Incoming<'a> {
    /// An upgrade check request.
    Check(CheckRequest<'a>),
    /// A result report.
    Report(Report<'a>),
}

impl<'a> Incoming<'a> {
    /// Parses a request body: lenient, with the default [`Limits`](crate::Limits).
    ///
    /// # Errors
    ///
    /// The [`ParseError`] of the message it looks like.
    pub fn parse<I: AsRef<[u8]> + ?Sized>(input: &'a I) -> Result<Self, ParseError> {
        Self::read(
            input.as_ref(),
            &ReadOptions::lenient(),
            &mut Warnings::ignore(),
        )
    }

    /// Parses a request body with other options, and returns the warnings recorded.
    ///
    /// # Errors
    ///
    /// The [`ParseError`] of the message it looks like.
    pub fn parse_with<I: AsRef<[u8]> + ?Sized>(
        input: &'a I,
        opts: &ReadOptions,
    ) -> Result<Parsed<Self>, ParseError> {
        let mut warnings = Warnings::record(opts.limits.max_warnings);
        let value = Self::read(input.as_ref(), opts, &mut warnings)?;
        Ok(warnings.finish(value))
    }

    fn read(
        input: &'a [u8],
        opts: &ReadOptions,
        warnings: &mut Warnings,
    ) -> Result<Self, ParseError> {
        if form::has_field(input, "resultCode", opts) {
            Report::read(input, opts, warnings).map(Self::Report)
        } else {
            CheckRequest::read(input, opts, warnings).map(Self::Check)
        }
    }

    /// Detaches the message from the input.
    pub fn into_owned(self) -> Incoming<'static> {
        match self {
            Self::Check(c) => Incoming::Check(c.into_owned()),
            Self::Report(r) => Incoming::Report(r.into_owned()),
        }
    }
}

/// The return code for a check request that could not be parsed: 203 when `devId` is
/// malformed (wrong device information), 202 otherwise (a mandatory parameter is missing or
/// unusable).
impl From<&ParseError> for RetCode {
    fn from(e: &ParseError) -> Self {
        match e.kind() {
            ErrorKind::InvalidDevId => Self::WrongDeviceInfo,
            _ => Self::MissingParameter,
        }
    }
}

/// What the catalog knows for a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lookup<'c> {
    /// The current package for this device. The server answers 200 when its
    /// `pkgFileVersion` differs from the request's `devFwVer` or the request is in recovery
    /// mode, 201 otherwise.
    Package(Offer<'c>),
    /// No package applies to this device now: 201.
    NoUpdate,
    /// The device or subscriber is unknown: 203.
    UnknownDevice,
    /// The catalog has no such package kind: 204.
    UnknownPackage,
    /// The catalog failed: answered with [`Server::SERVER_ERROR`] and this message.
    Error(Cow<'c, str>),
}

impl Lookup<'_> {
    /// Detaches the answer from the catalog.
    pub fn into_owned(self) -> Lookup<'static> {
        match self {
            Self::Package(offer) => Lookup::Package(offer.into_owned()),
            Self::NoUpdate => Lookup::NoUpdate,
            Self::UnknownDevice => Lookup::UnknownDevice,
            Self::UnknownPackage => Lookup::UnknownPackage,
            Self::Error(message) => Lookup::Error(Cow::Owned(message.into_owned())),
        }
    }
}

/// The server's package catalog, provided by the caller.
pub trait Catalog {
    /// Looks up the package for the request's device and `pkgId` (never called with
    /// [`PkgId::Other`], which the server answers with 204 itself).
    fn lookup(&self, request: &CheckRequest<'_>) -> Lookup<'_>;
}

/// Settings of the responder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerConfig {
    /// `normalPeriod` sent with every answer (default 1440 minutes, a day).
    pub normal_period: Option<u32>,
    /// `errorPeriod` sent with every answer (default 60 minutes).
    pub error_period: Option<u32>,
    /// How request bodies are read.
    pub read: ReadOptions,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            normal_period: Some(1440),
            error_period: Some(60),
            read: ReadOptions::lenient(),
        }
    }
}

/// Builds check responses from a [`Catalog`].
///
/// ```
/// use fwupgrade_proto::{Catalog, CheckRequest, Lookup, Offer, RetCode, Server, UpgradeMode};
///
/// struct OneImage;
/// impl Catalog for OneImage {
///     fn lookup(&self, _: &CheckRequest<'_>) -> Lookup<'_> {
///         Lookup::Package(Offer::new("http://fw.example/1.6.0.img", "1.6.0", UpgradeMode::Normal))
///     }
/// }
///
/// let server = Server::new(OneImage);
/// let body = "devManuFact=SEC&devModel=IPTV_STB&devIpAddr=10.0.0.2&devId=00:1F:3C:0A:F0:4C\
///             &devFwVer=1.5.8&pkgId=Firmware&saID=000000000&reqType=1";
/// assert_eq!(server.respond_to_body(body.as_bytes()).ret_code(), RetCode::UpdateAvailable);
/// let missing = server.respond_to_body(b"devManuFact=SEC");
/// assert_eq!(missing.ret_code(), RetCode::MissingParameter);
/// assert_eq!(
///     missing.ret_message.as_deref(),
///     Some("missing mandatory field at byte 15 (devModel)")
/// );
/// ```
#[derive(Debug, Clone)]
pub struct Server<C> {
    catalog: C,
    config: ServerConfig,
}

impl<C: Catalog> Server<C> {
    /// The code answered when the catalog fails ("any other: unknown server error").
    pub const SERVER_ERROR: RetCode = RetCode::Other(500);

    /// A server with the default [`ServerConfig`].
    pub fn new(catalog: C) -> Self {
        Self::with_config(catalog, ServerConfig::default())
    }

    /// A server with other settings.
    pub fn with_config(catalog: C, config: ServerConfig) -> Self {
        Self { catalog, config }
    }

    /// The catalog.
    pub fn catalog(&self) -> &C {
        &self.catalog
    }

    fn finish<'r>(&self, r: CheckResponse<'r>) -> CheckResponse<'r> {
        r.with_periods(self.config.normal_period, self.config.error_period)
    }

    fn fail<'r>(&self, code: RetCode, message: Cow<'r, str>) -> CheckResponse<'r> {
        let r = CheckResponse::failure(code)
            .unwrap_or_else(|_| CheckResponse::no_update())
            .with_message(message);
        self.finish(r)
    }

    /// Answers a parsed request.
    pub fn respond(&self, request: &CheckRequest<'_>) -> CheckResponse<'_> {
        if let PkgId::Other(_) = request.pkg_id {
            return self.fail(RetCode::UnknownPkgId, Cow::Borrowed("pkgId not recognised"));
        }
        let answer = match self.catalog.lookup(request) {
            Lookup::Package(offer) => {
                let recovery = request.req_type == ReqType::Recovery;
                if recovery || offer.pkg_file_version != request.device.dev_fw_ver {
                    CheckResponse::update(offer)
                } else {
                    CheckResponse::no_update()
                }
            }
            Lookup::NoUpdate => CheckResponse::no_update(),
            Lookup::UnknownDevice => {
                return self.fail(
                    RetCode::WrongDeviceInfo,
                    Cow::Borrowed("unknown device or subscriber"),
                );
            }
            Lookup::UnknownPackage => {
                return self.fail(RetCode::UnknownPkgId, Cow::Borrowed("no such package"));
            }
            Lookup::Error(message) => return self.fail(Self::SERVER_ERROR, message),
        };
        self.finish(answer)
    }

    /// Parses a request body and answers it; a body that does not parse gets the code of
    /// `impl From<&ParseError> for RetCode` with the error as `retMessage`.
    pub fn respond_to_body<'s>(&'s self, body: &[u8]) -> CheckResponse<'s> {
        match CheckRequest::parse_with(body, &self.config.read) {
            Ok(parsed) => self.respond(&parsed.value).into_owned(),
            Err(e) => self.fail(RetCode::from(&e), Cow::Owned(e.to_string())),
        }
    }
}
