//! One simulated set-top box: its identity, its parameter tree, the standard's procedure
//! (the `tta_datamodel::Stb` machine) run over real HTTP(S), the upgrade phases, and the
//! plain CWMP sessions after provisioning (periodic Informs, whatever the ACS asks).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use cwmp_codec::{
    Body, CwmpVersion, DeviceIdStruct, DownloadResponse, Envelope, EventCode, Fault, FaultCode,
    Inform, ParameterValueStruct, RebootResponse, RetryPolicy, ScheduleInformResponse, SessionEnd,
    SessionRetry, TransferComplete, TransferCompleteFaultStruct, UploadResponse,
};
use dhcp_tta_options::ProviderList;
use serde::{Deserialize, Serialize};
use tta_datamodel::{
    DeviceDescription, DeviceId, Discovery, MacAddress, Param, Persisted, ProvResult, Root,
    Settings, Stb, StbAction, TtaEvent,
};

use super::connreq::Listener;
use super::image::Image;
use super::session::{self, Capture, Credentials, Endpoint, SessionFailure};
use super::tree::ParameterTree;
use super::upgrade::{self, UpgradeOutcome};

/// TR-069's "unknown time" (3.7.1.5 allows it for a CPE without a clock source).
const UNKNOWN_TIME: &str = "0001-01-01T00:00:00Z";

/// The simulated STBs' `DeviceId.OUI` and `ProductClass` (their serial number is the MAC).
const OUI: &str = "001F3C";
const PRODUCT_CLASS: &str = "IPTV";

/// Who a simulated STB is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Its number among the simulated STBs (the MAC address is made from it).
    pub index: u32,
    /// The data-model root it uses.
    pub root: Root,
    /// `DeviceInfo.Manufacturer` (also the upgrade protocol's `devManuFact`).
    pub manufacturer: String,
    /// `DeviceInfo.ModelName`.
    pub model_name: String,
    /// The software version it ships with.
    pub software_version: String,
}

impl Identity {
    /// STB number `index`, a TTA set-top box of the simulator's model.
    #[must_use]
    pub fn numbered(index: u32, root: Root) -> Self {
        Self {
            index,
            root,
            manufacturer: "TTA".into(),
            model_name: "SIM-STB".into(),
            software_version: "1.0.0".into(),
        }
    }

    /// The MAC address: a locally administered one (`02:...`) holding the index.
    #[must_use]
    pub fn mac(&self) -> MacAddress {
        let [a, b, c, d] = self.index.to_be_bytes();
        MacAddress([0x02, 0x54, a, b, c, d])
    }

    /// The device ID, `001F3C-IPTV-<MAC>`.
    #[must_use]
    pub fn device_id(&self) -> String {
        format!("{OUI}-{PRODUCT_CLASS}-{}", self.mac().serial())
    }
}

/// What an STB keeps across runs (its state file).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StoredState {
    /// The procedure's memory: provider, provisioning URL, ProvStatus.
    pub persisted: Persisted,
    /// The software version now installed.
    pub software_version: Option<String>,
    /// The parameter tree.
    pub tree: Option<ParameterTree>,
    /// The events not yet delivered, and the Inform's RetryCount (TR-069 3.7.1.5).
    pub retry: Option<SessionRetry>,
    /// A Download done since the last session: reported by the next Inform.
    pub transfer: Option<TransferDone>,
}

/// A Download the STB performed, to report in its next session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransferDone {
    /// The Download's CommandKey.
    pub command_key: String,
    /// 0, or the transfer fault.
    pub fault_code: u32,
    /// The fault text.
    pub fault_string: String,
}

/// What one provisioning run ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Provisioned: the service settings arrived.
    Provisioned,
    /// The server refused the STB (`021`, `022`).
    Refused(ProvResult),
    /// It could not finish: the step and why.
    Failed(String),
}

/// One line of what happened, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Short name of the step (`providers`, `auth`, `firmware`, `software`, `settings`...).
    pub what: &'static str,
    /// What happened.
    pub detail: String,
}

/// What ended an STB's wait between sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The periodic timer (or the end of the wait).
    Timer,
    /// A Connection Request was accepted: open a session with `6 CONNECTION REQUEST`.
    ConnectionRequest,
}

/// A simulated set-top box.
#[derive(Debug)]
pub struct SimStb {
    identity: Identity,
    device_id: DeviceId<'static>,
    state: StoredState,
    state_file: Option<PathBuf>,
    tree: ParameterTree,
    client: reqwest::Client,
    password: String,
    /// The ACS URLs to spread requests over (the provider's, when empty).
    acs_urls: Vec<String>,
    next_url: usize,
    /// Events for the next Informs and the retry count, kept until delivered.
    retry: SessionRetry,
    /// How many times a failed session is tried again before the STB gives up.
    max_retries: u32,
    /// Where every CWMP body sent and received is recorded, when set.
    capture: Option<Capture>,
    /// The Connection Request listeners, once started.
    listener: Option<Listener>,
    /// What happened, in order.
    pub steps: Vec<Step>,
}

impl SimStb {
    /// The STB `identity`, with its state from `state_dir` when it has one there.
    ///
    /// # Errors
    ///
    /// The identity makes no valid device ID.
    pub fn new(
        identity: Identity,
        state_dir: Option<PathBuf>,
        client: reqwest::Client,
    ) -> Result<Self, tta_datamodel::InvalidValue> {
        let device_id = DeviceId::from_mac(OUI, PRODUCT_CLASS, identity.mac())?.into_owned();
        debug_assert_eq!(device_id.to_string(), identity.device_id());
        let state_file = state_dir.map(|d| d.join(format!("stb-{}.json", identity.device_id())));
        let state: StoredState = state_file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let mut stb = Self {
            tree: ParameterTree::new(&Self::describe(&identity, &device_id, &state, None)),
            identity,
            device_id,
            state,
            state_file,
            client,
            password: tta_datamodel::DEFAULT_PASSWORD.into(),
            acs_urls: Vec::new(),
            next_url: 0,
            retry: SessionRetry::new(RetryPolicy::default()),
            max_retries: 3,
            capture: None,
            listener: None,
            steps: Vec::new(),
        };
        if let Some(tree) = stb.state.tree.take() {
            stb.tree = tree;
        }
        match stb.state.retry.take() {
            Some(retry) => stb.retry = retry,
            // Never reached a server: the first Inform says so.
            None => stb.retry.add_event(EventCode::Bootstrap, ""),
        }
        // Every start of the simulator is a power-on.
        stb.retry.add_event(EventCode::Boot, "");
        Ok(stb)
    }

    /// Sends every request to these ACS URLs in turn (several nodes), instead of the
    /// provider's provisioning URL.
    #[must_use]
    pub fn with_acs_urls(mut self, urls: Vec<String>) -> Self {
        self.acs_urls = urls;
        self
    }

    /// Retries failed sessions on this TR-069 schedule (`CWMPRetryMinimumWaitInterval` and
    /// `CWMPRetryIntervalMultiplier`), at most `max_retries` times before giving up.
    #[must_use]
    pub fn with_retry(mut self, policy: RetryPolicy, max_retries: u32) -> Self {
        let mut retry = SessionRetry::new(policy);
        for e in self.retry.inform_events() {
            retry.add_event(e.event_code, &e.command_key);
        }
        self.retry = retry;
        self.max_retries = max_retries;
        self
    }

    /// Records every CWMP body the STB sends and receives in `capture` (the schema tests).
    #[must_use]
    pub fn with_capture(mut self, capture: Option<Capture>) -> Self {
        self.capture = capture;
        self
    }

    /// Uses this password (default: the standard's `ttadefault`).
    #[must_use]
    pub fn with_password(mut self, password: impl Into<String>) -> Self {
        self.password = password.into();
        self
    }

    /// Starts accepting Connection Requests on `addr` (port 0: any): HTTP with Digest
    /// authentication, and UDP (TR-069 Annex G), both with the tree's
    /// `ConnectionRequestUsername` and `ConnectionRequestPassword`. Every Inform from now on
    /// reports the `ConnectionRequestURL` and `UDPConnectionRequestAddress`.
    ///
    /// # Errors
    ///
    /// The address cannot be bound.
    pub async fn listen(&mut self, addr: SocketAddr) -> std::io::Result<()> {
        let (username, password) = self.cr_credentials();
        let path = self.identity.mac().serial();
        let listener = Listener::start(addr, &path, &username, &password).await?;
        self.step(
            "listen",
            format!(
                "connection requests at {} and udp {}",
                listener.url(),
                listener.udp_address()
            ),
        );
        self.listener = Some(listener);
        self.note_listener();
        Ok(())
    }

    /// Waits `at_most` for a Connection Request.
    pub async fn wait(&mut self, at_most: Duration) -> Wake {
        let Some(listener) = self.listener.as_mut() else {
            tokio::time::sleep(at_most).await;
            return Wake::Timer;
        };
        match tokio::time::timeout(at_most, listener.next()).await {
            Ok(Some(origin)) => {
                tracing::info!(stb = %self.identity.device_id(), ?origin, "connection request");
                Wake::ConnectionRequest
            }
            Ok(None) => {
                // The listeners stopped: only the timer is left.
                self.listener = None;
                Wake::Timer
            }
            Err(_) => Wake::Timer,
        }
    }

    fn cr_url(&self) -> Option<String> {
        self.listener.as_ref().map(Listener::url)
    }

    fn management_server(&self, name: &str) -> String {
        format!("{}.ManagementServer.{name}", self.identity.root.as_str())
    }

    fn cr_credentials(&self) -> (String, String) {
        let get = |name: &str| {
            self.tree
                .get(&self.management_server(name))
                .map(str::to_owned)
        };
        (
            get("ConnectionRequestUsername").unwrap_or_else(|| self.identity.device_id()),
            get("ConnectionRequestPassword")
                .unwrap_or_else(|| tta_datamodel::DEFAULT_PASSWORD.to_owned()),
        )
    }

    /// Puts the listener's addresses in the tree, and the tree's credentials in the listener
    /// (the ACS may have set new ones).
    fn note_listener(&mut self) {
        let Some(listener) = &self.listener else {
            return;
        };
        let (url, udp) = (listener.url(), listener.udp_address());
        let (username, password) = self.cr_credentials();
        listener.set_credentials(&username, &password);
        let url_name = self.management_server("ConnectionRequestURL");
        let udp_name = self.management_server("UDPConnectionRequestAddress");
        self.tree.set(&url_name, &url);
        self.tree.set(&udp_name, &udp);
    }

    /// The parameters every Inform carries while the STB listens (TR-069 lists
    /// ConnectionRequestURL among the forced Inform parameters), those not in `list` yet.
    fn forced(&self, list: &[ParameterValueStruct<'static>]) -> Vec<ParameterValueStruct<'static>> {
        if self.listener.is_none() {
            return Vec::new();
        }
        let names = [
            self.management_server("ConnectionRequestURL"),
            self.management_server("UDPConnectionRequestAddress"),
        ];
        self.tree
            .values(names.iter().map(String::as_str))
            .into_iter()
            .filter(|p| list.iter().all(|q| q.name != p.name))
            .collect()
    }

    /// The identity.
    #[must_use]
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// What the STB keeps.
    #[must_use]
    pub fn state(&self) -> &StoredState {
        &self.state
    }

    /// The parameter tree.
    #[must_use]
    pub fn tree(&self) -> &ParameterTree {
        &self.tree
    }

    fn describe(
        identity: &Identity,
        device_id: &DeviceId<'static>,
        state: &StoredState,
        connection_request_url: Option<String>,
    ) -> DeviceDescription<'static> {
        let mac = identity.mac();
        DeviceDescription {
            root: identity.root,
            device_id: device_id.clone(),
            device_summary: "Device:1.0[](Baseline:1)".into(),
            spec_version: "1.0".into(),
            hardware_version: "1.0".into(),
            software_version: state
                .software_version
                .clone()
                .unwrap_or_else(|| identity.software_version.clone())
                .into(),
            provisioning_code: "".into(),
            connection_request_url: connection_request_url
                .unwrap_or_else(|| format!("http://127.0.0.1:7547/{}", mac.serial()))
                .into(),
            parameter_key: "".into(),
            ip_address: "127.0.0.1".into(),
            addressing_type: "DHCP".into(),
            mac,
            manufacturer: identity.manufacturer.clone().into(),
            model_name: identity.model_name.clone().into(),
            certificate: format!("SIMCERT-{}", mac.serial()).into(),
        }
    }

    fn save(&mut self) {
        let Some(file) = &self.state_file else { return };
        if let Some(dir) = file.parent()
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot keep the STB's state");
            return;
        }
        self.state.tree = Some(self.tree.clone());
        self.state.retry = Some(self.retry.clone());
        if let Ok(bytes) = serde_json::to_vec_pretty(&self.state) {
            // The state directory is the STB's flash: write whole or not at all.
            let tmp = file.with_extension("json.tmp");
            if std::fs::write(&tmp, bytes).is_ok() {
                let _ = std::fs::rename(&tmp, file);
            }
        }
        self.state.tree = None;
        self.state.retry = None;
    }

    fn step(&mut self, what: &'static str, detail: impl Into<String>) {
        let detail = detail.into();
        tracing::info!(stb = %self.identity.device_id(), what, %detail, "step");
        self.steps.push(Step { what, detail });
    }

    fn endpoint(&mut self, provider_url: &str) -> Endpoint {
        // Several nodes: each session starts on the next, and its POSTs go round them all.
        let mut spread = Vec::new();
        let url = if self.acs_urls.is_empty() {
            provider_url.to_owned()
        } else {
            let first = self.next_url % self.acs_urls.len();
            self.next_url += 1;
            spread.extend_from_slice(&self.acs_urls[first..]);
            spread.extend_from_slice(&self.acs_urls[..first]);
            self.acs_urls[first].clone()
        };
        Endpoint {
            url,
            credentials: Credentials::new(self.identity.device_id(), self.password.clone()),
            client: self.client.clone(),
            capture: self.capture.clone(),
            spread,
            sent: 0,
        }
    }

    fn envelope(&mut self, parameters: Vec<ParameterValueStruct<'static>>) -> Envelope<'static> {
        let desc = Self::describe(&self.identity, &self.device_id, &self.state, self.cr_url());
        let event = self.retry.inform_events();
        let inform = Inform {
            device_id: DeviceIdStruct {
                manufacturer: desc.manufacturer.to_string().into(),
                oui: desc.device_id.oui().to_owned().into(),
                product_class: desc.device_id.product_class().to_owned().into(),
                serial_number: desc.device_id.serial_number().to_owned().into(),
            },
            event,
            max_envelopes: 1,
            current_time: cwmp_codec::DateTimeText {
                text: UNKNOWN_TIME.into(),
            },
            retry_count: self.retry.retry_count(),
            parameter_list: parameters,
        };
        Envelope::new(CwmpVersion::V1_0, "inform", Body::Inform(inform))
    }

    /// Runs one session, answering the ACS from the tree; collects the SetParameterValues
    /// parameters the ACS sent. Pending Download/Reboot/FactoryReset are remembered.
    async fn session(
        &mut self,
        provider_url: &str,
        event: Option<EventCode<'static>>,
        parameters: Vec<ParameterValueStruct<'static>>,
    ) -> Result<Vec<ParameterValueStruct<'static>>, SessionFailure> {
        let mut attempt = 0;
        loop {
            if let Some(code) = &event {
                self.retry.add_event(code.clone(), "");
            }
            match self.session_once(provider_url, parameters.clone()).await {
                Ok(settings) => return Ok(settings),
                Err(e) => {
                    let end = match &e {
                        SessionFailure::Ended(end) => end.clone(),
                        _ => SessionEnd::TransportFailed,
                    };
                    let wait = self.retry.session_ended(&end, &[]);
                    attempt += 1;
                    // Credentials that failed fail again: the STB stops rather than storm.
                    if e.is_auth() || attempt > self.max_retries {
                        self.save();
                        return Err(e);
                    }
                    // The wait is drawn in the range the policy gives for this retry.
                    let (min, max) = wait.unwrap_or((0, 0));
                    let ms = min + rand::random::<u64>() % (max - min).saturating_add(1);
                    self.step("retry", format!("{e}; retry {attempt} in {ms} ms"));
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                }
            }
        }
    }

    async fn session_once(
        &mut self,
        provider_url: &str,
        parameters: Vec<ParameterValueStruct<'static>>,
    ) -> Result<Vec<ParameterValueStruct<'static>>, SessionFailure> {
        let mut requests = Vec::new();
        if let Some(done) = self.state.transfer.clone() {
            requests.push(Envelope::new(
                CwmpVersion::V1_0,
                "tc",
                Body::TransferComplete(TransferComplete {
                    command_key: done.command_key.into(),
                    fault_struct: TransferCompleteFaultStruct {
                        fault_code: done.fault_code,
                        fault_string: done.fault_string.into(),
                    },
                    start_time: cwmp_codec::DateTimeText {
                        text: UNKNOWN_TIME.into(),
                    },
                    complete_time: cwmp_codec::DateTimeText {
                        text: UNKNOWN_TIME.into(),
                    },
                }),
            ));
        }
        let mut parameters = parameters;
        parameters.extend(self.tree.take_changes().passive);
        let forced = self.forced(&parameters);
        parameters.extend(forced);
        let inform = self.envelope(parameters);
        let mut endpoint = self.endpoint(provider_url);
        let mut settings = Vec::new();
        let mut downloads = Vec::new();
        let mut reboot = None;
        let tree = &mut self.tree;
        let report = session::run(&mut endpoint, inform, requests, |request| {
            if let Body::SetParameterValues(spv) = &request.body {
                settings.extend(spv.parameter_list.iter().cloned().map(|p| p.into_owned()));
            }
            if let Some(answer) = tree.handle(&request.body) {
                return answer;
            }
            match &request.body {
                Body::Download(d) => {
                    downloads.push((d.url.to_string(), d.command_key.to_string()));
                    Body::DownloadResponse(DownloadResponse {
                        status: 1,
                        start_time: cwmp_codec::DateTimeText {
                            text: UNKNOWN_TIME.into(),
                        },
                        complete_time: cwmp_codec::DateTimeText {
                            text: UNKNOWN_TIME.into(),
                        },
                    })
                }
                Body::Reboot(r) => {
                    reboot = Some(r.command_key.to_string());
                    Body::RebootResponse(RebootResponse {})
                }
                Body::FactoryReset(_) => {
                    Body::FactoryResetResponse(cwmp_codec::FactoryResetResponse {})
                }
                Body::ScheduleInform(_) => Body::ScheduleInformResponse(ScheduleInformResponse {}),
                Body::Upload(_) => Body::UploadResponse(UploadResponse {
                    status: 1,
                    start_time: cwmp_codec::DateTimeText {
                        text: UNKNOWN_TIME.into(),
                    },
                    complete_time: cwmp_codec::DateTimeText {
                        text: UNKNOWN_TIME.into(),
                    },
                }),
                other => Body::Fault(Fault::cwmp(
                    FaultCode::MethodNotSupported,
                    format!("Method not supported: {}", other.method_name()),
                )),
            }
        })
        .await?;
        // The session completed: what it reported is delivered.
        let mut acknowledged: Vec<String> = vec!["Inform".into()];
        acknowledged.extend(
            report
                .responses
                .iter()
                .map(|r| r.body.method_name().trim_end_matches("Response").to_owned()),
        );
        self.retry
            .session_ended(&SessionEnd::Completed, &acknowledged);
        self.state.transfer = None;
        self.note_listener();
        if let cwmp_codec::AfterSession::FactoryReset = report.then {
            self.factory_reset();
        }
        for (url, key) in downloads {
            self.download(&url, key).await;
        }
        if let Some(key) = reboot {
            self.retry.add_event(EventCode::MReboot, &key);
            self.retry.add_event(EventCode::Boot, "");
        }
        self.save();
        Ok(settings)
    }

    fn factory_reset(&mut self) {
        let software_version = self.state.software_version.clone();
        self.state = StoredState {
            software_version,
            ..StoredState::default()
        };
        self.tree = ParameterTree::new(&Self::describe(
            &self.identity,
            &self.device_id,
            &self.state,
            self.cr_url(),
        ));
        self.note_listener();
        self.retry = SessionRetry::new(self.retry.policy());
        self.retry.add_event(EventCode::Bootstrap, "");
        self.retry.add_event(EventCode::Boot, "");
    }

    /// A CWMP Download: fetch, check, apply; the result goes in the next Inform.
    async fn download(&mut self, url: &str, command_key: String) {
        let result = match self.client.get(url).send().await {
            Ok(r) if r.status().is_success() => match r.bytes().await {
                Ok(bytes) => match Image::parse(&bytes) {
                    Ok(image) if image.integrity_ok => {
                        let image = image.into_image();
                        self.state.software_version = Some(image.version.clone());
                        self.tree.set(&self.software_version_name(), &image.version);
                        if image.reboot {
                            self.retry.add_event(EventCode::Boot, "");
                        }
                        self.step("download", format!("installed {}", image.version));
                        (0, String::new())
                    }
                    _ => (9018, "File corrupted".to_owned()),
                },
                Err(_) => (9010, "Download failure".to_owned()),
            },
            _ => (9010, "Download failure".to_owned()),
        };
        if result.0 != 0 {
            self.step("download", format!("failed: {} {}", result.0, result.1));
        }
        self.retry.add_event(EventCode::TransferComplete, "");
        self.retry.add_event(EventCode::MDownload, &command_key);
        self.state.transfer = Some(TransferDone {
            command_key,
            fault_code: result.0,
            fault_string: result.1,
        });
    }

    fn software_version_name(&self) -> String {
        format!("{}.DeviceInfo.SoftwareVersion", self.identity.root.as_str())
    }

    /// Runs the standard's procedure from an option-43 provider list (phase 2 over DHCP).
    pub async fn provision_from_list(
        &mut self,
        list: &ProviderList<'_>,
        provider: Option<&str>,
    ) -> Outcome {
        self.run_procedure(Discovery::Dhcp, Some(list), provider)
            .await
    }

    /// Runs the standard's procedure from `discovery` to its end: providers, a provider
    /// choice (`provider`, else the first), authentication, the upgrade phases, the service
    /// settings.
    pub async fn provision(&mut self, discovery: Discovery, provider: Option<&str>) -> Outcome {
        self.run_procedure(discovery, None, provider).await
    }

    async fn run_procedure(
        &mut self,
        discovery: Discovery,
        offered: Option<&ProviderList<'_>>,
        provider: Option<&str>,
    ) -> Outcome {
        let desc = Self::describe(&self.identity, &self.device_id, &self.state, self.cr_url());
        let mut machine = Stb::new(desc, self.state.persisted.clone());
        let mut action = match machine.start(discovery) {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(format!("start: {e}")),
        };
        for _ in 0..16 {
            let next = match action {
                StbAction::DhcpDiscover => match offered {
                    Some(list) => {
                        self.step("dhcp", format!("option 43: {} providers", list.len()));
                        machine.on_providers(list)
                    }
                    None => {
                        return Outcome::Failed(
                            "DHCP discovery needs the option-43 provider list".into(),
                        );
                    }
                },
                StbAction::ChooseProvider(list) => {
                    let index = choose(&list, provider);
                    self.step(
                        "providers",
                        format!(
                            "{} offered, chose {}",
                            list.len(),
                            list.get(index)
                                .map(|p| p.id().to_owned())
                                .unwrap_or_default()
                        ),
                    );
                    machine.choose(index)
                }
                StbAction::FactoryReset => {
                    self.step("provider", "provider changed: factory reset");
                    self.factory_reset();
                    machine.on_factory_reset()
                }
                StbAction::SendInform {
                    url,
                    event,
                    parameters,
                } => {
                    let code = match event {
                        TtaEvent::Dhcp => EventCode::TtaDhcp,
                        TtaEvent::VenderProvision => EventCode::TtaVenderProvision,
                        TtaEvent::ServiceProvision => EventCode::TtaServiceProvision,
                    };
                    let params: Vec<ParameterValueStruct<'static>> =
                        parameters.iter().map(Param::to_cwmp).collect();
                    let received = match self.session(&url, Some(code), params).await {
                        Ok(r) => r,
                        Err(e) => return Outcome::Failed(format!("{}: {e}", event.as_str())),
                    };
                    let list: Vec<Param<'_>> = received.iter().map(Param::from_cwmp).collect();
                    let settings = match Settings::read(&list) {
                        Ok(s) => s,
                        Err(e) => {
                            return Outcome::Failed(format!("{}: settings: {e}", event.as_str()));
                        }
                    };
                    self.note_settings(event, &settings);
                    machine.on_settings(&settings)
                }
                StbAction::Upgrade { server, mut client } => {
                    // The machine knows which phase this is: 4 (firmware) or 5 (software).
                    let firmware = machine.state() == tta_datamodel::StbState::FirmwareUpgrade;
                    let outcome = upgrade::run(&self.client, &server, &mut client).await;
                    if let UpgradeOutcome::Installed { version, .. } = &outcome {
                        self.state.software_version = Some(version.clone());
                        let name = self.software_version_name();
                        self.tree.set(&name, version);
                    }
                    self.step(
                        if firmware { "firmware" } else { "software" },
                        outcome.describe(),
                    );
                    machine.on_upgrade_done()
                }
                StbAction::ShowMessage { result, message } => {
                    self.step("auth", format!("refused {}: {message}", result.as_str()));
                    self.state.persisted = machine.persisted().clone();
                    self.save();
                    return Outcome::Refused(result);
                }
                StbAction::Done { sds, sms } => {
                    let f = sds.fields();
                    let mut detail = format!(
                        "SDS {} {}:{} region {}",
                        f.protocols,
                        f.multicast_address
                            .as_deref()
                            .or(f.pull_url.as_deref())
                            .unwrap_or("-"),
                        f.multicast_port.map(|p| p.to_string()).unwrap_or_default(),
                        f.region_code
                    );
                    if let Some(sms) = &sms {
                        detail.push_str(&format!(
                            "; SMS {} {}:{}",
                            sms.protocol.as_str(),
                            sms.address,
                            sms.port
                        ));
                    }
                    self.step("settings", detail);
                    self.state.persisted = machine.persisted().clone();
                    self.save();
                    return Outcome::Provisioned;
                }
                _ => return Outcome::Failed("an action this simulator does not know".into()),
            };
            action = match next {
                Ok(a) => a,
                Err(e) => return Outcome::Failed(format!("procedure: {e}")),
            };
        }
        Outcome::Failed("the procedure did not end".into())
    }

    fn note_settings(&mut self, event: TtaEvent, settings: &Settings<'_>) {
        match event {
            TtaEvent::Dhcp => {
                if let Some(list) = &settings.provider_infos {
                    self.step("providers", format!("{} offered over TR-069", list.len()));
                }
            }
            TtaEvent::VenderProvision => {
                if let Some(auth) = &settings.auth {
                    self.step("auth", format!("ProvResult {}", auth.result.as_str()));
                }
            }
            TtaEvent::ServiceProvision => {}
        }
    }

    /// A plain session to the provider's server (`2 PERIODIC`, or `1 BOOT` after a start):
    /// whatever the ACS asks is done on the tree.
    ///
    /// # Errors
    ///
    /// The session failed.
    pub async fn periodic(&mut self) -> Result<(), SessionFailure> {
        self.inform_now(EventCode::Periodic).await
    }

    /// A session opened for a Connection Request (`6 CONNECTION REQUEST`): whatever the ACS
    /// asks is done on the tree.
    ///
    /// # Errors
    ///
    /// The session failed.
    pub async fn connection_request(&mut self) -> Result<(), SessionFailure> {
        self.inform_now(EventCode::ConnectionRequest).await
    }

    async fn inform_now(&mut self, event: EventCode<'static>) -> Result<(), SessionFailure> {
        let url = self
            .state
            .persisted
            .provisioning_url
            .clone()
            .or_else(|| self.acs_urls.first().cloned())
            .unwrap_or_default();
        let active = self.tree.take_changes();
        // Active changes make it a `4 VALUE CHANGE` session, also when another event opens it.
        let event = match event {
            EventCode::Periodic if !active.active.is_empty() => EventCode::ValueChange,
            other => {
                if !active.active.is_empty() {
                    self.retry.add_event(EventCode::ValueChange, "");
                }
                other
            }
        };
        let mut parameters = active.active;
        parameters.extend(active.passive);
        self.session(&url, Some(event), parameters)
            .await
            .map(|_| ())
    }
}

/// The provider to take from a list: the one named, else the first.
fn choose(list: &ProviderList<'_>, wanted: Option<&str>) -> usize {
    wanted
        .and_then(|id| list.iter().position(|p| p.id() == id))
        .unwrap_or(0)
}
