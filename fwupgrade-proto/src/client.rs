//! The STB side of phases 4 and 5 as a sans-I/O state machine.
//!
//! The machine sends nothing and keeps no time: every method takes what happened and returns
//! the one [`Action`] the caller performs next (send a form, ask the user, download, burn, or
//! wait N minutes). The caller owns HTTP, the download, flash writing and timers.
//!
//! ```text
//!  Idle --check()--> Checking --201--------------------------------> Wait(normalPeriod)
//!                       |  \--202..204, other, on_check_failed-----> Wait(errorPeriod)
//!                       |200
//!                       v
//!        (normal mode) AwaitingUser --declined--> report 15 --> Wait(normalPeriod)
//!                       | accepted / (forced mode: no question)
//!                       v
//!                   Downloading --fails 2x/3x--> report --> Wait(errorPeriod)
//!                       | ok: report 40/41
//!                       v
//!                    Burning --fails--> report 80/81 --> Wait(errorPeriod)
//!                       | ok: report 90/91
//!                       v
//!                   Wait(normalPeriod), devFwVer := pkgFileVersion, reqType := normal
//! ```

use alloc::borrow::Cow;

use crate::check::{CheckRequest, CheckResponse, Offer};
use crate::codes::{PkgId, ReqType, ResultCode, RetCode, UpgradeMode};
use crate::device::DeviceInfo;
use crate::error::UnexpectedEvent;
use crate::form::Secret;
use crate::report::Report;

/// Settings of the machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct ClientConfig {
    /// Minutes until the next check after a normal check, until a response carries
    /// `normalPeriod` (default 1440, a day).
    pub normal_period: u32,
    /// Minutes until the next check after a failure, until a response carries `errorPeriod`
    /// (default 60).
    pub error_period: u32,
    /// Whether this STB can download by multicast; when it can and the offer has both
    /// `mcastSvrAddr` and `mcastSvrPort`, it downloads by multicast, else by unicast
    /// (default `false`).
    pub multicast: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            normal_period: 1440,
            error_period: 60,
            multicast: false,
        }
    }
}

/// How to download the package.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Download {
    /// From `dlSvrUrl`, with the optional credentials.
    Unicast {
        /// `dlSvrUrl`.
        url: Cow<'static, str>,
        /// `dlSvrId`.
        id: Option<Cow<'static, str>>,
        /// `dlSvrPwd` (redacted in `Debug`).
        password: Option<Secret<'static>>,
    },
    /// By joining `mcastSvrAddr`:`mcastSvrPort`.
    Multicast {
        /// `mcastSvrAddr`.
        addr: Cow<'static, str>,
        /// `mcastSvrPort`.
        port: Cow<'static, str>,
    },
}

impl Download {
    fn is_multicast(&self) -> bool {
        matches!(self, Self::Multicast { .. })
    }
}

/// What the caller does next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Action {
    /// POST this check request to the upgrade server, then call
    /// [`Client::on_check_response`] or [`Client::on_check_failed`].
    SendCheck(CheckRequest<'static>),
    /// Ask the user whether to upgrade now (normal mode), then call
    /// [`Client::on_user_decision`].
    AskUser(Offer<'static>),
    /// Download the package, then call [`Client::on_downloaded`] or
    /// [`Client::on_download_failed`].
    Download(Download),
    /// POST this result report, then call [`Client::on_report_sent`] (delivered or not: the
    /// report is not retried).
    SendReport(Report<'static>),
    /// Burn (install) the downloaded image, then call [`Client::on_burned`].
    Burn,
    /// Start a timer; when it fires, call [`Client::check`].
    Wait {
        /// Minutes until the next check.
        minutes: u32,
    },
}

/// What the caller found in the downloaded image, for the checks against the offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadedImage<'a> {
    /// The manufacturer the image is for.
    pub manufacturer: &'a str,
    /// The model the image is for.
    pub model: &'a str,
    /// The image's package version.
    pub version: &'a str,
    /// Bytes received.
    pub size: u64,
    /// Whether checksum and signature verify.
    pub integrity_ok: bool,
}

/// Why a download failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DownloadFailure {
    /// The file server refused the credentials (HTTP 401, FTP 530): 20.
    AuthFailed,
    /// Could not connect: 21 (31 for multicast).
    ConnectFailed,
    /// Connected, then timed out: 22 (31 for multicast).
    Timeout,
    /// No such file (HTTP 404, FTP 550): 23.
    NotFound,
    /// Any other file server error: 24.
    ServerError,
    /// No multicast stream after the IGMP join: 31.
    NoStream,
}

impl DownloadFailure {
    /// The result code for this failure. Multicast has a single transport failure code (31),
    /// so every failure of a multicast download reports it; `NoStream` on unicast reports 21.
    pub const fn result_code(self, multicast: bool) -> ResultCode {
        if multicast {
            return ResultCode::MULTICAST_NO_STREAM;
        }
        match self {
            Self::AuthFailed => ResultCode::UNICAST_AUTH_FAILED,
            Self::ConnectFailed | Self::NoStream => ResultCode::UNICAST_CONNECT_FAILED,
            Self::Timeout => ResultCode::UNICAST_TIMEOUT,
            Self::NotFound => ResultCode::UNICAST_NOT_FOUND,
            Self::ServerError => ResultCode::UNICAST_SERVER_ERROR,
        }
    }
}

/// Where the machine is, for display and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum Phase {
    /// Waiting for the caller's timer; [`Client::check`] starts a check.
    Idle,
    /// A check request is out.
    Checking,
    /// Asking the user.
    AwaitingUser,
    /// Downloading.
    Downloading,
    /// The download report is out.
    ReportingDownload,
    /// Burning.
    Burning,
    /// The burning report (or the cancel report) is out.
    ReportingFinal,
}

impl Phase {
    const fn describe(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Checking => "waiting for the check response",
            Self::AwaitingUser => "waiting for the user",
            Self::Downloading => "downloading",
            Self::ReportingDownload => "reporting the download",
            Self::Burning => "burning",
            Self::ReportingFinal => "reporting the result",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Idle,
    Checking,
    AwaitingUser(Offer<'static>),
    Downloading(Offer<'static>, bool),
    ReportingDownload(Offer<'static>, bool),
    Burning(Offer<'static>),
    /// After the last report: `Some(version)` when the new version is installed, and whether
    /// the run failed.
    ReportingFinal(Option<Cow<'static, str>>, bool),
}

/// The STB upgrade machine for one package (`Firmware` or `Application`).
///
/// ```
/// use fwupgrade_proto::{Action, CheckResponse, Client, ClientConfig, DevId, DeviceInfo, PkgId};
///
/// let device = DeviceInfo {
///     dev_manu_fact: "SEC".into(),
///     dev_model: "IPTV_STB".into(),
///     dev_ip_addr: "10.0.0.2".into(),
///     dev_id: DevId::normalize("001F3C0AF04C")?,
///     dev_fw_ver: "1.5.8".into(),
///     sa_id: "000000000".into(),
/// };
/// let mut stb = Client::new(device, PkgId::Firmware, ClientConfig::default());
/// let Action::SendCheck(request) = stb.check()? else { unreachable!() };
/// assert!(request.to_string().contains("devId=00:1F:3C:0A:F0:4C"));
/// // Reconnection: the server has nothing new.
/// let response = CheckResponse::parse("retCode=201&normalPeriod=720")?;
/// assert_eq!(stb.on_check_response(&response)?, Action::Wait { minutes: 720 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    device: DeviceInfo<'static>,
    pkg_id: PkgId<'static>,
    req_type: ReqType,
    config: ClientConfig,
    normal_period: u32,
    error_period: u32,
    state: State,
}

impl Client {
    /// A machine in [`Phase::Idle`], for a normal-mode STB.
    pub fn new(device: DeviceInfo<'static>, pkg_id: PkgId<'static>, config: ClientConfig) -> Self {
        Self {
            device,
            pkg_id,
            req_type: ReqType::Normal,
            normal_period: config.normal_period,
            error_period: config.error_period,
            config,
            state: State::Idle,
        }
    }

    /// The same in recovery request mode (`reqType=2`): the STB runs its recovery image.
    pub fn recovery(
        device: DeviceInfo<'static>,
        pkg_id: PkgId<'static>,
        config: ClientConfig,
    ) -> Self {
        Self {
            req_type: ReqType::Recovery,
            ..Self::new(device, pkg_id, config)
        }
    }

    /// Where the machine is.
    pub fn phase(&self) -> Phase {
        match self.state {
            State::Idle => Phase::Idle,
            State::Checking => Phase::Checking,
            State::AwaitingUser(_) => Phase::AwaitingUser,
            State::Downloading(..) => Phase::Downloading,
            State::ReportingDownload(..) => Phase::ReportingDownload,
            State::Burning(_) => Phase::Burning,
            State::ReportingFinal(..) => Phase::ReportingFinal,
        }
    }

    /// The device as the next request will describe it (`devFwVer` follows installs).
    pub fn device(&self) -> &DeviceInfo<'static> {
        &self.device
    }

    /// The request mode of the next check.
    pub fn req_type(&self) -> ReqType {
        self.req_type
    }

    /// Gives up whatever is under way and returns to [`Phase::Idle`] (for example after a
    /// reboot in the middle of a download).
    pub fn reset(&mut self) {
        self.state = State::Idle;
    }

    fn unexpected(&self, event: &'static str) -> UnexpectedEvent {
        UnexpectedEvent {
            event,
            state: self.phase().describe(),
        }
    }

    /// Starts a check (at boot, or when the timer of [`Action::Wait`] fires).
    ///
    /// # Errors
    ///
    /// [`UnexpectedEvent`] unless the machine is idle.
    pub fn check(&mut self) -> Result<Action, UnexpectedEvent> {
        if self.state != State::Idle {
            return Err(self.unexpected("check"));
        }
        self.state = State::Checking;
        Ok(Action::SendCheck(CheckRequest::new(
            self.device.clone(),
            self.pkg_id.clone(),
            self.req_type,
        )))
    }

    fn wait(&mut self, failed: bool) -> Action {
        self.state = State::Idle;
        Action::Wait {
            minutes: if failed {
                self.error_period
            } else {
                self.normal_period
            },
        }
    }

    /// The server answered the check.
    ///
    /// 201 waits `normalPeriod`, failures wait `errorPeriod` (each from the response when it
    /// has one, else the last one learned, else the [`ClientConfig`] default). 200 asks the
    /// user in normal mode, or downloads at once in forced mode. An unknown `upgradeMode` is
    /// treated as normal, so the user keeps the choice.
    ///
    /// # Errors
    ///
    /// [`UnexpectedEvent`] unless a check is out.
    pub fn on_check_response(
        &mut self,
        response: &CheckResponse<'_>,
    ) -> Result<Action, UnexpectedEvent> {
        if self.state != State::Checking {
            return Err(self.unexpected("check response"));
        }
        if let Some(p) = response.normal_period {
            self.normal_period = p;
        }
        if let Some(p) = response.error_period {
            self.error_period = p;
        }
        Ok(match (response.ret_code(), response.offer()) {
            (RetCode::UpdateAvailable, Some(offer)) => {
                let offer = offer.clone().into_owned();
                if offer.upgrade_mode == UpgradeMode::Forced {
                    self.start_download(offer)
                } else {
                    self.state = State::AwaitingUser(offer.clone());
                    Action::AskUser(offer)
                }
            }
            (RetCode::NoUpdate, _) => self.wait(false),
            _ => self.wait(true),
        })
    }

    /// The check got no usable answer (connection failed, HTTP error, unparsable body).
    ///
    /// # Errors
    ///
    /// [`UnexpectedEvent`] unless a check is out.
    pub fn on_check_failed(&mut self) -> Result<Action, UnexpectedEvent> {
        if self.state != State::Checking {
            return Err(self.unexpected("check failure"));
        }
        Ok(self.wait(true))
    }

    fn start_download(&mut self, offer: Offer<'static>) -> Action {
        let download = match (
            self.config.multicast,
            &offer.mcast_svr_addr,
            &offer.mcast_svr_port,
        ) {
            (true, Some(addr), Some(port)) => Download::Multicast {
                addr: addr.clone(),
                port: port.clone(),
            },
            _ => Download::Unicast {
                url: offer.dl_svr_url.clone(),
                id: offer.dl_svr_id.clone(),
                password: offer.dl_svr_pwd.clone(),
            },
        };
        self.state = State::Downloading(offer, download.is_multicast());
        Action::Download(download)
    }

    fn report(&self, offer: &Offer<'static>, code: ResultCode) -> Report<'static> {
        let mut report = Report::new(
            self.device.clone(),
            self.pkg_id.clone(),
            offer.pkg_file_version.clone(),
            code,
        );
        if code.is_failure() {
            report.err_message = Some(Cow::Borrowed(code.description()));
        }
        report
    }

    /// The user answered [`Action::AskUser`]: accepted downloads, declined reports 15.
    ///
    /// # Errors
    ///
    /// [`UnexpectedEvent`] unless the machine asked the user.
    pub fn on_user_decision(&mut self, accepted: bool) -> Result<Action, UnexpectedEvent> {
        let State::AwaitingUser(offer) = &self.state else {
            return Err(self.unexpected("user decision"));
        };
        let offer = offer.clone();
        if accepted {
            return Ok(self.start_download(offer));
        }
        let report = self.report(&offer, ResultCode::USER_CANCELLED);
        // A cancel is the user's choice, not a failure: the next check is a normal one.
        self.state = State::ReportingFinal(None, false);
        Ok(Action::SendReport(report))
    }

    /// The download finished; the image is checked against the offer and the device:
    /// manufacturer and model (25, multicast 35), version against `pkgFileVersion` (26 / 36),
    /// size against `pkgFileSize` and integrity (27 / 37). Success reports 40 (41 multicast).
    ///
    /// # Errors
    ///
    /// [`UnexpectedEvent`] unless a download is under way.
    pub fn on_downloaded(
        &mut self,
        image: &DownloadedImage<'_>,
    ) -> Result<Action, UnexpectedEvent> {
        let State::Downloading(offer, multicast) = &self.state else {
            return Err(self.unexpected("download result"));
        };
        let (offer, multicast) = (offer.clone(), *multicast);
        let pick = |unicast: ResultCode, mcast: ResultCode| if multicast { mcast } else { unicast };
        let code = if image.manufacturer != self.device.dev_manu_fact
            || image.model != self.device.dev_model
        {
            pick(
                ResultCode::UNICAST_INFO_MISMATCH,
                ResultCode::MULTICAST_INFO_MISMATCH,
            )
        } else if image.version != offer.pkg_file_version {
            pick(
                ResultCode::UNICAST_VERSION_MISMATCH,
                ResultCode::MULTICAST_VERSION_MISMATCH,
            )
        } else if !image.integrity_ok || offer.pkg_file_size.is_some_and(|s| s != image.size) {
            pick(
                ResultCode::UNICAST_INTEGRITY_ERROR,
                ResultCode::MULTICAST_INTEGRITY_ERROR,
            )
        } else {
            pick(
                ResultCode::UNICAST_DOWNLOADED,
                ResultCode::MULTICAST_DOWNLOADED,
            )
        };
        Ok(self.download_report(offer, code))
    }

    /// The download failed; reports the matching 2x (unicast) or 3x (multicast) code.
    ///
    /// # Errors
    ///
    /// [`UnexpectedEvent`] unless a download is under way.
    pub fn on_download_failed(
        &mut self,
        failure: DownloadFailure,
    ) -> Result<Action, UnexpectedEvent> {
        let State::Downloading(offer, multicast) = &self.state else {
            return Err(self.unexpected("download failure"));
        };
        let (offer, code) = (offer.clone(), failure.result_code(*multicast));
        Ok(self.download_report(offer, code))
    }

    fn download_report(&mut self, offer: Offer<'static>, code: ResultCode) -> Action {
        let report = self.report(&offer, code);
        self.state = State::ReportingDownload(offer, !code.is_failure());
        Action::SendReport(report)
    }

    /// The report of [`Action::SendReport`] went out (or could not be delivered: it is not
    /// retried). After a good download report: burn; after a failed one: wait `errorPeriod`;
    /// after the final report: wait `normalPeriod` (`errorPeriod` if burning failed).
    ///
    /// # Errors
    ///
    /// [`UnexpectedEvent`] unless a report is out.
    pub fn on_report_sent(&mut self) -> Result<Action, UnexpectedEvent> {
        match core::mem::replace(&mut self.state, State::Idle) {
            State::ReportingDownload(offer, true) => {
                self.state = State::Burning(offer);
                Ok(Action::Burn)
            }
            State::ReportingDownload(_, false) => Ok(self.wait(true)),
            State::ReportingFinal(installed, failed) => {
                if let Some(version) = installed {
                    self.device.dev_fw_ver = version;
                    self.req_type = ReqType::Normal;
                }
                Ok(self.wait(failed))
            }
            other => {
                self.state = other;
                Err(self.unexpected("report sent"))
            }
        }
    }

    /// Burning finished: reports 90 (91 in recovery mode) or 80 (81).
    ///
    /// # Errors
    ///
    /// [`UnexpectedEvent`] unless burning is under way.
    pub fn on_burned(&mut self, ok: bool) -> Result<Action, UnexpectedEvent> {
        let State::Burning(offer) = &self.state else {
            return Err(self.unexpected("burn result"));
        };
        let recovery = self.req_type == ReqType::Recovery;
        let code = match (ok, recovery) {
            (true, false) => ResultCode::INSTALLED_NORMAL,
            (true, true) => ResultCode::INSTALLED_RECOVERY,
            (false, false) => ResultCode::BURN_FAILED_NORMAL,
            (false, true) => ResultCode::BURN_FAILED_RECOVERY,
        };
        let report = self.report(offer, code);
        let installed = ok.then(|| offer.pkg_file_version.clone());
        self.state = State::ReportingFinal(installed, !ok);
        Ok(Action::SendReport(report))
    }
}
