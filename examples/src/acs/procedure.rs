//! What an Inform changes, and the TTA procedure's server side: the stored device, the event
//! log, and the settings the standard's phases hand out ([`tta_datamodel::decide`] with a
//! policy read from the store).

use std::net::SocketAddr;

use axum::http::Uri;
use cwmp_codec::{Body, EventCode, FaultCode, Inform, SetParameterValues, TransferComplete};
use dhcp_tta_options::ProviderList;
use serde_json::{Map, Value, json};
use tracing::{info, warn};
use tta_datamodel::{
    CheckedInform, DeviceRecord, Policy, ProvResult, Root, SdsServer, SmsServer, TtaEvent,
};

use super::App;
use super::cwmp::ServerError;
use super::store::{
    Conn, Device, Event, PackageInfo, Provider, Quirks, Subscriber, Task, TaskStatus, Tx, Write,
};
use super::tasks::{DownloadTarget, TaskSpec};

/// What the Inform decided, and what it changes: [`on_inform`] only reads, so it runs before
/// the POST takes its turn to write; [`Informed::store`] writes inside the transaction.
#[derive(Debug)]
pub(crate) struct Informed {
    /// The device as the Inform (and the procedure's step) left it.
    pub(crate) device: Device,
    /// The device's log entries, in order: kind and detail.
    pub(crate) log: Vec<(&'static str, Value)>,
    /// The device's model quirks.
    pub(crate) quirks: Quirks,
    /// The TTA event, when the Inform has one.
    pub(crate) tta_event: Option<TtaEvent>,
    /// `Ok`: an InformResponse; `Err`: the fault that refuses the Inform.
    pub(crate) answer: Result<(), FaultCode>,
    /// The TTA settings to send in this session.
    pub(crate) settings: Option<SetParameterValues<'static>>,
    /// The event codes, for the log.
    pub(crate) events: String,
}

fn suffix<'p>(inform: &'p Inform<'_>, name: &str) -> Option<&'p str> {
    inform
        .parameter_list
        .iter()
        .find(|p| p.name.ends_with(name))
        .map(|p| p.value.text.as_ref())
}

impl Informed {
    /// Stores the device and its log entries.
    pub(crate) async fn store(&self, tx: &mut Tx, now: i64) -> Result<(), ServerError> {
        for write in self.writes(now) {
            write.execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// The writes that store the device and its log entries.
    pub(crate) fn writes(&self, now: i64) -> Vec<Write> {
        let mut writes = vec![self.device.put_write()];
        for (kind, detail) in &self.log {
            writes.push(Event::add_write(&self.device.id, now, kind, None, detail));
        }
        writes
    }
}

/// What the Inform says about the device (`stored`: as read before it), and the TTA
/// procedure's step for a TTA event. Reads the quirks and the procedure's policy on
/// `reads`; writes nothing.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn on_inform(
    app: &App,
    reads: &mut Conn,
    uri: &Uri,
    peer: SocketAddr,
    inform: &Inform<'_>,
    device_id: &str,
    stored: Option<Device>,
    now: i64,
) -> Result<Informed, ServerError> {
    let named_root = inform
        .parameter_list
        .iter()
        .find_map(|p| Root::split(&p.name).map(|(root, _)| root));
    let mut device = match stored {
        Some(d) => d,
        None => Device {
            id: device_id.to_owned(),
            oui: String::new(),
            product_class: String::new(),
            serial_number: String::new(),
            manufacturer: String::new(),
            model_name: String::new(),
            root: String::new(),
            software_version: String::new(),
            hardware_version: String::new(),
            provider_id: None,
            phase: "cwmp".into(),
            prov_result: None,
            record: DeviceRecord::default(),
            connection_request_url: None,
            udp_connection_request_address: None,
            password: None,
            connection_request_username: None,
            connection_request_password: None,
            ip_address: String::new(),
            first_seen_at: now,
            last_inform_at: now,
            last_inform: Value::Null,
            parameters: Map::new(),
        },
    };
    let d = &inform.device_id;
    device.oui = d.oui.trim().to_owned();
    device.product_class = d.product_class.trim().to_owned();
    device.serial_number = d.serial_number.trim().to_owned();
    device.manufacturer = d.manufacturer.trim().to_owned();
    // An Inform without parameters (TR-069 allows an empty ParameterList) names no root:
    // the stored one stays, rather than a TR-098 device turning into a `Device.` one.
    match named_root {
        Some(root) => device.root = root.as_str().to_owned(),
        None if device.root.is_empty() => device.root = Root::Device.as_str().to_owned(),
        None => {}
    }
    device.ip_address = peer.ip().to_string();
    device.last_inform_at = now;
    if let Some(v) = suffix(inform, ".DeviceInfo.SoftwareVersion") {
        device.software_version = v.to_owned();
    }
    if let Some(v) = suffix(inform, ".DeviceInfo.HardwareVersion") {
        device.hardware_version = v.to_owned();
    }
    if let Some(v) = suffix(inform, ".DeviceInfo.ModelName") {
        device.model_name = v.to_owned();
    }
    if let Some(v) = suffix(inform, ".ManagementServer.ConnectionRequestURL") {
        device.connection_request_url = Some(v.to_owned()).filter(|v| !v.is_empty());
    }
    if let Some(v) = suffix(inform, ".ManagementServer.UDPConnectionRequestAddress") {
        device.udp_connection_request_address = Some(v.to_owned()).filter(|v| !v.is_empty());
    }
    let parameters: Vec<Value> = inform
        .parameter_list
        .iter()
        .map(|p| json!([p.name, p.value.text, p.value.xsd_type.local_name()]))
        .collect();
    for p in &inform.parameter_list {
        device.parameters.insert(
            p.name.to_string(),
            json!([p.value.text, p.value.xsd_type.local_name()]),
        );
    }
    let codes: Vec<&str> = inform.event.iter().map(|e| e.event_code.as_str()).collect();
    let mut log = Vec::new();
    if inform
        .event
        .iter()
        .any(|e| e.event_code == EventCode::ValueChange)
    {
        // The STB's alarms: the changed parameters ride in the Inform with the forced ones.
        log.push(("value_change", json!({ "parameters": parameters })));
    }
    device.last_inform = json!({ "events": codes, "parameters": parameters });
    let quirks = Quirks::for_model(
        reads,
        &format!("{}-{}", device.oui, device.product_class),
        &format!("{}/{}", device.manufacturer, device.model_name),
    )
    .await?;
    let mut informed = Informed {
        device,
        log,
        quirks,
        tta_event: tta_datamodel::tta_event(inform),
        answer: Ok(()),
        settings: None,
        events: codes.join(", "),
    };
    if let Some(event) = informed.tta_event {
        match tta_datamodel::check_cwmp_inform(event, inform) {
            Ok(checked) => {
                tta_step(app, reads, uri, &checked, &mut informed).await?;
            }
            Err(invalid) => {
                let problems: Vec<String> =
                    invalid.problems().iter().map(ToString::to_string).collect();
                warn!(device = %device_id, event = event.as_str(), ?problems, "TTA Inform refused");
                informed.log.push((
                    "provisioning",
                    json!({ "event": event.as_str(), "refused": problems }),
                ));
                informed.answer = Err(FaultCode::AcsInvalidArguments);
            }
        }
    }
    Ok(informed)
}

/// The provider an Inform is for: the one whose provisioning URL has the path the Inform
/// was posted to, else the subscriber's, else the first.
fn provider_for<'p>(
    providers: &'p [Provider],
    path: &str,
    subscriber: Option<&Subscriber>,
) -> Option<&'p Provider> {
    let url_path = |url: &str| -> String {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        rest.find('/').map_or("/".into(), |i| rest[i..].to_owned())
    };
    providers
        .iter()
        .find(|p| path != "/" && url_path(&p.url) == path)
        .or_else(|| {
            let id = subscriber?.provider_id.as_deref()?;
            providers.iter().find(|p| p.id == id)
        })
        .or_else(|| providers.first())
}

async fn tta_step(
    app: &App,
    reads: &mut Conn,
    uri: &Uri,
    checked: &CheckedInform<'_>,
    informed: &mut Informed,
) -> Result<(), ServerError> {
    let device = &mut informed.device;
    let providers = Provider::list(reads).await?;
    let subscriber = Subscriber::get(reads, &device.id).await?;
    let provider = provider_for(&providers, uri.path(), subscriber.as_ref()).cloned();
    let mut policy = StorePolicy {
        app,
        providers: &providers,
        subscriber: subscriber.as_ref(),
        provider: provider.as_ref(),
    };
    let mut record = device.record;
    match tta_datamodel::decide(checked, &mut record, &mut policy) {
        Ok(decision) => {
            device.record = record;
            let detail = serde_json::to_value(&decision.settings).unwrap_or_default();
            match checked.event {
                TtaEvent::Dhcp => device.phase = "discovery".into(),
                TtaEvent::VenderProvision => {
                    let result = decision.settings.auth.as_ref().map(|a| a.result);
                    device.prov_result = result.map(|r| r.as_str().to_owned());
                    device.phase = if result == Some(ProvResult::Success) {
                        "authenticated".into()
                    } else {
                        "refused".into()
                    };
                    if let Some(p) = &provider {
                        device.provider_id = Some(p.id.clone());
                    }
                }
                TtaEvent::ServiceProvision => device.phase = "provisioned".into(),
            }
            info!(device = %device.id, event = checked.event.as_str(), phase = %device.phase, "TTA procedure step");
            let entry = json!({
                "event": checked.event.as_str(),
                "phase": device.phase,
                "trustAuthorityChecked": decision.ta_checked,
                "settings": detail,
            });
            informed.log.push(("provisioning", entry));
            informed.settings = Some(decision.settings.to_cwmp(checked.root, ""));
        }
        Err(refusal) => {
            warn!(device = %device.id, %refusal, "TTA Inform out of order");
            informed.log.push((
                "provisioning",
                json!({ "event": checked.event.as_str(), "refused": refusal.to_string() }),
            ));
            informed.answer = Err(FaultCode::AcsRequestDenied);
        }
    }
    Ok(())
}

/// The operator's decisions, read from the store before [`tta_datamodel::decide`] runs.
struct StorePolicy<'a> {
    app: &'a App,
    providers: &'a [Provider],
    subscriber: Option<&'a Subscriber>,
    provider: Option<&'a Provider>,
}

impl Policy for StorePolicy<'_> {
    fn providers(&mut self, _: &CheckedInform<'_>) -> ProviderList<'static> {
        let entries: Vec<_> = self
            .providers
            .iter()
            .filter_map(|p| {
                dhcp_tta_options::Provider::new(p.id.as_str(), p.url.as_str(), p.ntp.as_str()).ok()
            })
            .collect();
        // The list cannot be empty: the server's own entry stands in for an empty table.
        ProviderList::new(entries).unwrap_or_else(|_| self.app.default_providers.clone())
    }

    fn is_subscriber(&mut self, _: &CheckedInform<'_>) -> bool {
        self.app.config.provisioning.open_subscription || self.subscriber.is_some()
    }

    fn verify_certificate(&mut self, _: &CheckedInform<'_>, certificate: &str) -> bool {
        if self.app.config.provisioning.accept_any_certificate {
            return !certificate.trim().is_empty();
        }
        self.subscriber
            .and_then(|s| s.certificate.as_deref())
            .is_some_and(|known| known.trim() == certificate.trim())
    }

    fn message(&mut self, result: ProvResult) -> String {
        match result {
            ProvResult::NotSubscribed => {
                self.app.config.provisioning.not_subscribed_message.clone()
            }
            ProvResult::TaVerificationFailed => self
                .app
                .config
                .provisioning
                .verification_failed_message
                .clone(),
            _ => String::new(),
        }
    }

    fn auto_update_server(&mut self) -> Option<String> {
        self.provider
            .and_then(|p| p.service.auto_update_server.clone())
            .or_else(|| Some(format!("{}/upgrade", self.app.public_url)))
    }

    fn service_settings(
        &mut self,
        _: &CheckedInform<'_>,
    ) -> (SdsServer<'static>, Option<SmsServer<'static>>) {
        let service = self.provider.map(|p| p.service.clone()).unwrap_or_default();
        // Stored settings were checked when the API took them; a default stands in should
        // one not read.
        let sds = service.sds.to_settings();
        let sms = service.sms.and_then(|s| s.to_settings().ok());
        (sds.unwrap_or_else(|_| self.app.default_sds.clone()), sms)
    }
}

/// A `TransferComplete`: finishes the Download task its CommandKey names.
pub(crate) async fn transfer_complete(
    _app: &App,
    tx: &mut Tx,
    device_id: &str,
    tc: &TransferComplete<'_>,
    now: i64,
) -> Result<(), ServerError> {
    let fault = &tc.fault_struct;
    let result = json!({
        "transferComplete": {
            "commandKey": tc.command_key,
            "faultCode": fault.fault_code,
            "faultString": fault.fault_string,
            "startTime": tc.start_time.text.as_ref() as &str,
            "completeTime": tc.complete_time.text.as_ref() as &str,
        }
    });
    Event::add(tx, device_id, now, "transfer_complete", None, &result).await?;
    let task_id = tc
        .command_key
        .strip_prefix("task-")
        .and_then(|n| n.parse::<i64>().ok());
    let mut task = match task_id {
        Some(id) => Task::get(tx, id)
            .await?
            .filter(|t| t.device_id == device_id && !t.status.is_finished()),
        None => None,
    };
    if task.is_none() {
        // A download task may carry the operator's own `commandKey`, which the Download was
        // sent with instead of `task-N`: the device's unfinished download with that key,
        // one waiting for its TransferComplete first.
        let mut candidates: Vec<Task> = Task::for_device(tx, device_id, true)
            .await?
            .into_iter()
            .filter(|t| {
                t.spec.get("name").and_then(Value::as_str) == Some("download")
                    && t.spec.get("commandKey").and_then(Value::as_str)
                        == Some(tc.command_key.as_ref())
            })
            .collect();
        candidates.sort_by_key(|t| (t.status != TaskStatus::Transferring, t.id));
        task = candidates.into_iter().next();
    }
    if let Some(task) = task {
        let id = task.id;
        let status = if fault.fault_code == 0 {
            TaskStatus::Done
        } else {
            TaskStatus::Fault
        };
        let mut merged = task.result.unwrap_or_else(|| json!({}));
        merged["transferComplete"] = result["transferComplete"].clone();
        Task::set_status(
            tx,
            id,
            status,
            task.session_id.as_deref(),
            Some(&merged),
            now,
        )
        .await?;
    }
    Ok(())
}

/// The STB answered the TTA settings.
pub(crate) async fn settings_answered(
    tx: &mut Tx,
    device_id: &str,
    body: &Body<'_>,
    now: i64,
) -> Result<(), ServerError> {
    let detail = match body {
        Body::SetParameterValuesResponse(r) => json!({ "settingsApplied": r.status }),
        Body::Fault(f) => json!({ "settingsRefused": serde_json::to_value(f).unwrap_or_default() }),
        other => json!({ "settingsAnswer": other.method_name() }),
    };
    Event::add(tx, device_id, now, "provisioning", None, &detail).await?;
    Ok(())
}

/// Where a Download task's file is: its URL as given, or the stored package it names.
/// `Ok(Err(message))`: the task cannot be sent (no such package).
pub(crate) async fn resolve_download(
    app: &App,
    tx: &mut Tx,
    spec: &TaskSpec,
) -> Result<Result<Option<DownloadTarget>, String>, ServerError> {
    let TaskSpec::Download(download) = spec else {
        return Ok(Ok(None));
    };
    let Some(name) = download.file_name.as_deref() else {
        return Ok(Ok(None));
    };
    Ok(match PackageInfo::get(tx, name).await? {
        Some(package) => Ok(Some(DownloadTarget {
            url: format!("{}/packages/{}", app.public_url, package.name),
            file_size: u64::try_from(package.size).unwrap_or(0),
            username: None,
            password: None,
        })),
        None => Err(format!("no package named {name:?}")),
    })
}
