//! The procedure of the standard (spec section 1) as sans-I/O machines: the STB side
//! ([`Stb`]) and the provisioning server's decisions ([`decide`]).
//!
//! The STB machine sends nothing and keeps no time: each method takes what happened and
//! returns the one [`StbAction`] the caller performs next.
//!
//! ```text
//!  Idle --start(Dhcp)--> DHCP DISCOVER ----------\
//!       --start(Tr069)-> Inform X TTA DHCP -------+--> AwaitingProviders
//!                                                 |  on_providers / on_settings(ProviderInfos)
//!                         1 provider  <-----------+--> 2+: ChooseProvider --choose(i)--\
//!                             |                                                       |
//!                             v  <----------------------------------------------------/
//!          provider ID differs from the stored one? --yes--> FactoryReset --on_factory_reset()--\
//!                             | no (first access, same provider)                              |
//!                             v  <------------------------ (state cleared: first access) -----/
//!   Authenticating: Inform X TTA VENDER_PROVISION (ProvStatus 01, or 02 on reconnection)
//!                             | on_settings(ProvResult)
//!          021/022 --> ShowMessage (Refused)      01 --> Upgrade(Firmware) --on_upgrade_done()-->
//!          Upgrade(Application) --on_upgrade_done()--> Inform X TTA SERVICE_PROVISION
//!                             | on_settings(SDS/SMS)
//!                             v
//!                        Provisioned (ProvStatus 02 stored): Done
//! ```

use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use dhcp_tta_options::ProviderList;
use fwupgrade_proto::{Client, ClientConfig, DevId, DeviceInfo, PkgId};

use crate::catalog::Param;
use crate::inform::{CheckedInform, DeviceDescription, TtaEvent};
use crate::settings::{AuthResult, ProvResult, ProvStatus, SdsServer, Settings, SmsServer};

/// What the STB keeps across reboots; the caller stores it (serde with the `serde` feature)
/// and hands it back to [`Stb::new`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Persisted {
    /// The provider in use.
    pub provider_id: Option<String>,
    /// Its provisioning server.
    pub provisioning_url: Option<String>,
    /// Its NTP server.
    pub ntp_server: Option<String>,
    /// Whether provisioning completed (reported as `X_TTA_ProvStatus`).
    pub prov_status: ProvStatus,
}

/// How the STB learns the providers (phase 2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Discovery {
    /// From DHCP option 43 (the mandatory method).
    Dhcp,
    /// From `X_TTA_ProviderInfos`, after an `X TTA DHCP` Inform to this server (optional).
    Tr069 {
        /// The server to send the Inform to.
        acs_url: String,
    },
}

/// What the STB's caller does next.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StbAction {
    /// Send a DHCP DISCOVER with option 60 `IPTV Device`, then call [`Stb::on_providers`] with
    /// the OFFER's option 43.
    DhcpDiscover,
    /// Show the providers and let the user choose, then call [`Stb::choose`].
    ChooseProvider(ProviderList<'static>),
    /// The provider changed: reset to factory state (privacy between providers), then call
    /// [`Stb::on_factory_reset`].
    FactoryReset,
    /// Open a TR-069 session to `url` with this Inform (event and parameter list), with the
    /// default credentials, then call [`Stb::on_settings`] with the SetParameterValues read.
    SendInform {
        /// The server (the provisioning URL, set as `ManagementServer.URL`).
        url: String,
        /// The event.
        event: TtaEvent,
        /// The parameter list.
        parameters: Vec<Param<'static>>,
    },
    /// Run this upgrade machine (phase 4 `Firmware`, phase 5 `Application`) against `server`
    /// until it waits, then call [`Stb::on_upgrade_done`].
    Upgrade {
        /// The upgrade server (`AutoUpdateServer`).
        server: String,
        /// The machine, idle: start it with `check()`.
        client: Box<Client>,
    },
    /// Authentication failed: show the server's message (subscription guide for `021`,
    /// instructions for `022`) and "illegal terminal". The machine is [`StbState::Refused`].
    ShowMessage {
        /// `021` or `022`.
        result: ProvResult,
        /// `X_TTA_ProvResultMessage`.
        message: String,
    },
    /// Provisioning complete: store [`Stb::persisted`] and start the service with these
    /// settings.
    Done {
        /// The SDS server.
        sds: SdsServer<'static>,
        /// The SMS server, if the provider sent one.
        sms: Option<SmsServer<'static>>,
    },
}

/// Where the STB machine is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum StbState {
    /// Not started.
    Idle,
    /// Waiting for the provider list.
    AwaitingProviders,
    /// Waiting for the user's choice.
    Choosing,
    /// Waiting for the factory reset.
    Resetting,
    /// The `VENDER_PROVISION` Inform is out.
    Authenticating,
    /// The firmware check runs.
    FirmwareUpgrade,
    /// The software check runs.
    SoftwareDownload,
    /// The `SERVICE_PROVISION` Inform is out.
    ServiceProvisioning,
    /// Done.
    Provisioned,
    /// Authentication refused (`021`/`022`); [`Stb::start`] tries again.
    Refused,
}

impl StbState {
    const fn describe(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::AwaitingProviders => "waiting for the provider list",
            Self::Choosing => "waiting for the user's choice",
            Self::Resetting => "waiting for the factory reset",
            Self::Authenticating => "waiting for the authentication result",
            Self::FirmwareUpgrade => "upgrading the firmware",
            Self::SoftwareDownload => "downloading the software",
            Self::ServiceProvisioning => "waiting for the service settings",
            Self::Provisioned => "provisioned",
            Self::Refused => "refused",
        }
    }
}

/// An input the machine cannot take now, or cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProcedureError {
    /// The input does not belong to the current state.
    #[error("{event} is not expected while the machine is {state}")]
    Unexpected {
        /// The input.
        event: &'static str,
        /// The state, described.
        state: &'static str,
    },
    /// The settings lack what this step needs.
    #[error("the settings carry no {expected}")]
    MissingSettings {
        /// What was expected.
        expected: &'static str,
    },
    /// The user chose an entry the list does not have.
    #[error("no provider {index} in the list")]
    NoSuchProvider {
        /// The index chosen.
        index: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Chosen {
    id: String,
    url: String,
    ntp: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Idle,
    AwaitingProviders,
    Choosing(ProviderList<'static>),
    Resetting(Chosen),
    Authenticating,
    Upgrading { firmware: bool, server: String },
    ServiceProvisioning,
    Provisioned,
    Refused,
}

/// The STB side of phases 1-6 (spec sections 1 and 7.2): first access, provider change and
/// reconnection.
///
/// ```
/// use tta_datamodel::*;
/// # let mac = MacAddress::parse("00:1F:3C:0A:F0:4C")?;
/// # let device = DeviceDescription { root: Root::Device, device_id: DeviceId::from_mac("001F3C", "IPTV", mac)?,
/// #   device_summary: "".into(), spec_version: "1.0".into(), hardware_version: "1".into(),
/// #   software_version: "2.1.27".into(), provisioning_code: "".into(), connection_request_url: "http://stb/".into(),
/// #   parameter_key: "".into(), ip_address: "192.168.1.80".into(), addressing_type: "DHCP".into(), mac,
/// #   manufacturer: "TTA".into(), model_name: "m".into(), certificate: "MIIB".into() };
/// let mut stb = Stb::new(device, Persisted::default());
/// assert_eq!(stb.start(Discovery::Dhcp)?, StbAction::DhcpDiscover);
/// let offer = dhcp_tta_options::ProviderList::parse(b"KT,https://acs.kt.example/prov,ntp.kt.example")?;
/// let StbAction::SendInform { url, event, parameters } = stb.on_providers(&offer)? else { unreachable!() };
/// assert_eq!((url.as_str(), event), ("https://acs.kt.example/prov", TtaEvent::VenderProvision));
/// assert!(parameters.iter().any(|p| p.name.ends_with("X_TTA_ProvStatus") && p.value == "01"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stb {
    device: DeviceDescription<'static>,
    persisted: Persisted,
    service_id: String,
    upgrade: ClientConfig,
    state: State,
}

impl Stb {
    /// A machine for this device, with the state stored by an earlier run
    /// ([`Persisted::default`] for a factory-new STB).
    pub fn new(device: DeviceDescription<'static>, persisted: Persisted) -> Self {
        Self {
            device,
            persisted,
            service_id: String::new(),
            upgrade: ClientConfig::default(),
            state: State::Idle,
        }
    }

    /// Sets the current service ID (`saID`) and the upgrade machine's settings.
    #[must_use]
    pub fn with_upgrade(mut self, service_id: impl Into<String>, config: ClientConfig) -> Self {
        self.service_id = service_id.into();
        self.upgrade = config;
        self
    }

    /// What to store.
    pub fn persisted(&self) -> &Persisted {
        &self.persisted
    }

    /// Where the machine is.
    pub fn state(&self) -> StbState {
        match self.state {
            State::Idle => StbState::Idle,
            State::AwaitingProviders => StbState::AwaitingProviders,
            State::Choosing(_) => StbState::Choosing,
            State::Resetting(_) => StbState::Resetting,
            State::Authenticating => StbState::Authenticating,
            State::Upgrading { firmware: true, .. } => StbState::FirmwareUpgrade,
            State::Upgrading { .. } => StbState::SoftwareDownload,
            State::ServiceProvisioning => StbState::ServiceProvisioning,
            State::Provisioned => StbState::Provisioned,
            State::Refused => StbState::Refused,
        }
    }

    fn unexpected(&self, event: &'static str) -> ProcedureError {
        ProcedureError::Unexpected {
            event,
            state: self.state().describe(),
        }
    }

    /// Starts (or restarts) the procedure at phase 1.
    ///
    /// # Errors
    ///
    /// None today; kept fallible like every input.
    pub fn start(&mut self, discovery: Discovery) -> Result<StbAction, ProcedureError> {
        self.state = State::AwaitingProviders;
        Ok(match discovery {
            Discovery::Dhcp => StbAction::DhcpDiscover,
            Discovery::Tr069 { acs_url } => self.inform(acs_url, TtaEvent::Dhcp),
        })
    }

    fn inform(&self, url: String, event: TtaEvent) -> StbAction {
        StbAction::SendInform {
            url,
            event,
            parameters: self
                .device
                .inform_parameters(event, self.persisted.prov_status)
                .into_iter()
                .map(Param::into_owned)
                .collect(),
        }
    }

    /// The provider list (option 43, or `X_TTA_ProviderInfos`).
    ///
    /// # Errors
    ///
    /// [`ProcedureError::Unexpected`] unless the machine waits for it.
    pub fn on_providers(&mut self, list: &ProviderList<'_>) -> Result<StbAction, ProcedureError> {
        if self.state != State::AwaitingProviders {
            return Err(self.unexpected("a provider list"));
        }
        if list.len() == 1 {
            return self.select(0, list);
        }
        let owned = list.clone().into_owned();
        self.state = State::Choosing(owned.clone());
        Ok(StbAction::ChooseProvider(owned))
    }

    /// The user's choice, an index into the list of [`StbAction::ChooseProvider`].
    ///
    /// # Errors
    ///
    /// [`ProcedureError::Unexpected`] unless the machine waits for it,
    /// [`ProcedureError::NoSuchProvider`] for an index past the list.
    pub fn choose(&mut self, index: usize) -> Result<StbAction, ProcedureError> {
        let State::Choosing(list) = &self.state else {
            return Err(self.unexpected("a provider choice"));
        };
        let list = list.clone();
        self.select(index, &list)
    }

    fn select(
        &mut self,
        index: usize,
        list: &ProviderList<'_>,
    ) -> Result<StbAction, ProcedureError> {
        let p = list
            .get(index)
            .ok_or(ProcedureError::NoSuchProvider { index })?;
        let chosen = Chosen {
            id: String::from(p.id()),
            url: String::from(p.provisioning_url()),
            ntp: String::from(p.ntp_server()),
        };
        match &self.persisted.provider_id {
            Some(current) if *current != chosen.id => {
                self.state = State::Resetting(chosen);
                Ok(StbAction::FactoryReset)
            }
            _ => Ok(self.access(chosen)),
        }
    }

    /// The factory reset is done: the stored state is cleared and the STB goes on as on first
    /// access.
    ///
    /// # Errors
    ///
    /// [`ProcedureError::Unexpected`] unless the machine asked for it.
    pub fn on_factory_reset(&mut self) -> Result<StbAction, ProcedureError> {
        let State::Resetting(chosen) = &self.state else {
            return Err(self.unexpected("a factory reset"));
        };
        let chosen = chosen.clone();
        self.persisted = Persisted::default();
        Ok(self.access(chosen))
    }

    fn access(&mut self, chosen: Chosen) -> StbAction {
        if self.persisted.provider_id.as_deref() != Some(&chosen.id) {
            self.persisted.prov_status = ProvStatus::NotComplete;
        }
        self.persisted.provider_id = Some(chosen.id);
        self.persisted.provisioning_url = Some(chosen.url.clone());
        self.persisted.ntp_server = Some(chosen.ntp);
        self.state = State::Authenticating;
        self.inform(chosen.url, TtaEvent::VenderProvision)
    }

    fn upgrade(&mut self, firmware: bool, server: String) -> StbAction {
        let d = &self.device;
        let info = DeviceInfo {
            dev_manu_fact: Cow::Owned(String::from(&*d.manufacturer)),
            dev_model: Cow::Owned(String::from(&*d.model_name)),
            dev_ip_addr: Cow::Owned(String::from(&*d.ip_address)),
            dev_id: DevId(d.mac.0),
            dev_fw_ver: Cow::Owned(String::from(&*d.software_version)),
            sa_id: Cow::Owned(self.service_id.clone()),
        };
        let pkg = if firmware {
            PkgId::Firmware
        } else {
            PkgId::Application
        };
        self.state = State::Upgrading {
            firmware,
            server: server.clone(),
        };
        StbAction::Upgrade {
            server,
            client: Box::new(Client::new(info, pkg, self.upgrade)),
        }
    }

    fn service(&mut self) -> StbAction {
        self.state = State::ServiceProvisioning;
        let url = self.persisted.provisioning_url.clone().unwrap_or_default();
        self.inform(url, TtaEvent::ServiceProvision)
    }

    /// The settings of the server's SetParameterValues: the provider list (TR-069
    /// discovery), the authentication result, or the service settings.
    ///
    /// # Errors
    ///
    /// [`ProcedureError::MissingSettings`] if they lack what the state waits for,
    /// [`ProcedureError::Unexpected`] in a state that waits for none.
    pub fn on_settings(&mut self, settings: &Settings<'_>) -> Result<StbAction, ProcedureError> {
        match &self.state {
            State::AwaitingProviders => {
                let list =
                    settings
                        .provider_infos
                        .as_ref()
                        .ok_or(ProcedureError::MissingSettings {
                            expected: "X_TTA_ProviderInfos",
                        })?;
                self.on_providers(list)
            }
            State::Authenticating => {
                let AuthResult {
                    result,
                    message,
                    status,
                    auto_update_server,
                } = settings
                    .auth
                    .as_ref()
                    .ok_or(ProcedureError::MissingSettings {
                        expected: "X_TTA_ProvResult",
                    })?;
                if *result != ProvResult::Success {
                    self.state = State::Refused;
                    return Ok(StbAction::ShowMessage {
                        result: *result,
                        message: String::from(&**message),
                    });
                }
                self.persisted.prov_status = *status;
                Ok(match auto_update_server {
                    Some(server) => self.upgrade(true, String::from(&**server)),
                    None => self.service(),
                })
            }
            State::ServiceProvisioning => {
                let sds = settings
                    .sds
                    .as_ref()
                    .ok_or(ProcedureError::MissingSettings {
                        expected: "SDSServer settings",
                    })?;
                self.persisted.prov_status = ProvStatus::Complete;
                self.state = State::Provisioned;
                Ok(StbAction::Done {
                    sds: sds.clone().into_owned(),
                    sms: settings.sms.clone().map(|s| SmsServer {
                        protocol: s.protocol,
                        address: Cow::Owned(s.address.into_owned()),
                        port: s.port,
                    }),
                })
            }
            _ => Err(self.unexpected("settings")),
        }
    }

    /// The upgrade machine of [`StbAction::Upgrade`] waits (updated, nothing new, or failed:
    /// the procedure goes on either way, as the standard's reconnection case does with 201).
    ///
    /// # Errors
    ///
    /// [`ProcedureError::Unexpected`] unless an upgrade runs.
    pub fn on_upgrade_done(&mut self) -> Result<StbAction, ProcedureError> {
        let State::Upgrading { firmware, server } = &self.state else {
            return Err(self.unexpected("the end of an upgrade"));
        };
        if *firmware {
            let server = server.clone();
            Ok(self.upgrade(false, server))
        } else {
            Ok(self.service())
        }
    }
}

/// The provisioning server's decisions that the standard leaves to the operator: the caller
/// implements them (subscriber database, trust authority, the settings to hand out).
pub trait Policy {
    /// The providers to offer an STB that asked over TR-069 (`X TTA DHCP`).
    fn providers(&mut self, inform: &CheckedInform<'_>) -> ProviderList<'static>;
    /// Whether the device is a subscriber (else `021`).
    fn is_subscriber(&mut self, inform: &CheckedInform<'_>) -> bool;
    /// Whether the trust authority verifies the device's certificate (else `022`).
    fn verify_certificate(&mut self, inform: &CheckedInform<'_>, certificate: &str) -> bool;
    /// The message for a result: the subscription guide for `021`, the instructions for
    /// `022`, usually empty for `01`.
    fn message(&mut self, result: ProvResult) -> String;
    /// The upgrade server for phases 4-5, if any.
    fn auto_update_server(&mut self) -> Option<String>;
    /// The SDS and SMS settings of the device.
    fn service_settings(
        &mut self,
        inform: &CheckedInform<'_>,
    ) -> (SdsServer<'static>, Option<SmsServer<'static>>);
}

/// What the server knows about one device across sessions; the caller stores it, keyed by
/// device ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DeviceRecord {
    /// Authentication succeeded (`01`).
    pub authenticated: bool,
    /// The service settings were sent.
    pub provisioned: bool,
}

/// The server's answer to a checked Inform.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Decision {
    /// The settings to send (as a SetParameterValues under the Inform's root).
    pub settings: Settings<'static>,
    /// Whether the trust authority was asked (not for a reconnecting authenticated STB).
    pub ta_checked: bool,
}

/// An Inform the server will not act on: the order of the procedure was not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// `X TTA SERVICE_PROVISION` from a device that has not authenticated.
    #[error("X TTA SERVICE_PROVISION before a successful X TTA VENDER_PROVISION")]
    NotAuthenticated,
    /// A VENDER_PROVISION Inform without `X_TTA_ProvStatus` or a certificate (an Inform
    /// checked for another event).
    #[error("X TTA VENDER_PROVISION without X_TTA_ProvStatus or X_TTA_CertificateInfo")]
    IncompleteInform,
}

/// Decides the SetParameterValues that answers a checked Inform, updating the device's
/// record.
///
/// - `X TTA DHCP`: the provider list of [`Policy::providers`].
/// - `X TTA VENDER_PROVISION`: `021` unless a subscriber; then, unless the STB reconnects
///   (ProvStatus `02`) and the record says it authenticated before, the trust authority:
///   `022` unless it verifies; else `01`, with [`Policy::auto_update_server`].
/// - `X TTA SERVICE_PROVISION`: the SDS and SMS settings, only after a successful
///   authentication.
///
/// # Errors
///
/// A [`Refusal`] when the procedure's order was not kept.
pub fn decide(
    inform: &CheckedInform<'_>,
    record: &mut DeviceRecord,
    policy: &mut impl Policy,
) -> Result<Decision, Refusal> {
    let mut settings = Settings::default();
    let mut ta_checked = false;
    match inform.event {
        TtaEvent::Dhcp => settings.provider_infos = Some(policy.providers(inform)),
        TtaEvent::VenderProvision => {
            let (Some(status), Some(cert)) = (inform.prov_status, inform.certificate.as_deref())
            else {
                return Err(Refusal::IncompleteInform);
            };
            let reconnecting = status == ProvStatus::Complete && record.authenticated;
            let result = if !policy.is_subscriber(inform) {
                ProvResult::NotSubscribed
            } else if !reconnecting && {
                ta_checked = true;
                !policy.verify_certificate(inform, cert)
            } {
                ProvResult::TaVerificationFailed
            } else {
                ProvResult::Success
            };
            record.authenticated = result == ProvResult::Success;
            if !record.authenticated {
                record.provisioned = false;
            }
            settings.auth = Some(AuthResult {
                result,
                message: Cow::Owned(policy.message(result)),
                status: if record.provisioned {
                    ProvStatus::Complete
                } else {
                    ProvStatus::NotComplete
                },
                auto_update_server: if record.authenticated {
                    policy.auto_update_server().map(Cow::Owned)
                } else {
                    None
                },
            });
        }
        TtaEvent::ServiceProvision => {
            if !record.authenticated {
                return Err(Refusal::NotAuthenticated);
            }
            let (sds, sms) = policy.service_settings(inform);
            settings.sds = Some(sds);
            settings.sms = sms;
            record.provisioned = true;
        }
    }
    Ok(Decision {
        settings,
        ta_checked,
    })
}

impl fmt::Display for StbState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}
