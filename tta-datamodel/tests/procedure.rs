//! The STB machine and the server's decisions, driven against each other.

use dhcp_tta_options::ProviderList;
use tta_datamodel::*;

fn device(root: Root) -> DeviceDescription<'static> {
    let mac = MacAddress::parse("00:1F:3C:0A:F0:4C").unwrap();
    DeviceDescription {
        root,
        device_id: DeviceId::from_mac("001F3C", "IPTV", mac).unwrap(),
        device_summary: "s".into(),
        spec_version: "1.0".into(),
        hardware_version: "1.0.0".into(),
        software_version: "2.1.27".into(),
        provisioning_code: "".into(),
        connection_request_url: "http://192.168.1.80:7547".into(),
        parameter_key: "0".into(),
        ip_address: "192.168.1.80".into(),
        addressing_type: "DHCP".into(),
        mac,
        manufacturer: "TTA".into(),
        model_name: "retailIPTV-01".into(),
        certificate: "MIIB".into(),
    }
}

#[derive(Default)]
struct Operator {
    subscriber: bool,
    ta_ok: bool,
    ta_calls: usize,
}

impl Policy for Operator {
    fn providers(&mut self, _: &CheckedInform<'_>) -> ProviderList<'static> {
        ProviderList::parse(
            b"KT,https://acs.kt.example/prov,ntp.kt.example|SKB,http://10.1.1.1/acs,10.1.1.2",
        )
        .unwrap()
        .into_owned()
    }
    fn is_subscriber(&mut self, _: &CheckedInform<'_>) -> bool {
        self.subscriber
    }
    fn verify_certificate(&mut self, _: &CheckedInform<'_>, cert: &str) -> bool {
        self.ta_calls += 1;
        self.ta_ok && cert == "MIIB"
    }
    fn message(&mut self, result: ProvResult) -> String {
        match result {
            ProvResult::NotSubscribed => "subscribe at 123".into(),
            ProvResult::TaVerificationFailed => "call the operator".into(),
            ProvResult::Success => String::new(),
        }
    }
    fn auto_update_server(&mut self) -> Option<String> {
        Some("https://upgrade.example/fw".into())
    }
    fn service_settings(
        &mut self,
        _: &CheckedInform<'_>,
    ) -> (SdsServer<'static>, Option<SmsServer<'static>>) {
        let sds = SdsServer::new(SdsFields {
            multicast_address: Some("239.1.1.1".into()),
            multicast_port: Some(1900),
            region_code: "02".into(),
            packages: vec![Package { id: 1, segment: 2 }],
            ..SdsFields::default()
        })
        .unwrap();
        (sds, None)
    }
}

/// The server's side of one session: check the Inform, decide, send the settings as
/// parameters, and the STB reads them back.
fn session(
    action: StbAction,
    record: &mut DeviceRecord,
    op: &mut Operator,
    root: Root,
) -> Result<Settings<'static>, Refusal> {
    let StbAction::SendInform {
        event, parameters, ..
    } = action
    else {
        panic!("{action:?}")
    };
    let checked = check_inform(event, &parameters).unwrap();
    let decision = decide(&checked, record, op)?;
    let params = decision.settings.to_params(root);
    Ok(Settings::read(&params).unwrap().into_owned())
}

fn run_to_done(
    stb: &mut Stb,
    record: &mut DeviceRecord,
    op: &mut Operator,
    root: Root,
    list: &[u8],
) -> Persisted {
    assert_eq!(stb.start(Discovery::Dhcp).unwrap(), StbAction::DhcpDiscover);
    let list = ProviderList::parse(list).unwrap();
    let mut action = stb.on_providers(&list).unwrap();
    if let StbAction::ChooseProvider(l) = &action {
        assert_eq!(l.len(), 2);
        action = stb.choose(1).unwrap();
    }
    if action == StbAction::FactoryReset {
        action = stb.on_factory_reset().unwrap();
    }
    let settings = session(action, record, op, root).unwrap();
    let StbAction::Upgrade { server, client } = stb.on_settings(&settings).unwrap() else {
        panic!()
    };
    assert_eq!(server, "https://upgrade.example/fw");
    assert_eq!(stb.state(), StbState::FirmwareUpgrade);
    let mut client = *client;
    assert!(matches!(
        client.check().unwrap(),
        fwupgrade_proto::Action::SendCheck(_)
    ));
    let StbAction::Upgrade { .. } = stb.on_upgrade_done().unwrap() else {
        panic!()
    };
    assert_eq!(stb.state(), StbState::SoftwareDownload);
    let action = stb.on_upgrade_done().unwrap();
    let settings = session(action, record, op, root).unwrap();
    let StbAction::Done { sds, sms } = stb.on_settings(&settings).unwrap() else {
        panic!()
    };
    assert_eq!(sds.fields().multicast_port, Some(1900));
    assert!(sms.is_none());
    assert_eq!(stb.state(), StbState::Provisioned);
    stb.persisted().clone()
}

#[test]
fn first_access_then_reconnection_skips_the_ta() {
    for root in Root::ALL {
        let mut op = Operator {
            subscriber: true,
            ta_ok: true,
            ..Operator::default()
        };
        let mut record = DeviceRecord::default();
        let mut stb = Stb::new(device(root), Persisted::default());
        let stored = run_to_done(
            &mut stb,
            &mut record,
            &mut op,
            root,
            b"KT,https://acs.kt.example/prov,ntp",
        );
        assert_eq!(stored.prov_status, ProvStatus::Complete);
        assert_eq!(stored.provider_id.as_deref(), Some("KT"));
        assert_eq!(op.ta_calls, 1);
        assert!(record.authenticated && record.provisioned);

        // Reboot: ProvStatus 02, the TA is not asked again.
        let mut stb = Stb::new(device(root), stored);
        stb.start(Discovery::Dhcp).unwrap();
        let list = ProviderList::parse(b"KT,https://acs.kt.example/prov,ntp").unwrap();
        let action = stb.on_providers(&list).unwrap();
        let StbAction::SendInform { parameters, .. } = &action else {
            panic!()
        };
        assert!(
            parameters
                .iter()
                .any(|p| p.name.ends_with("X_TTA_ProvStatus") && p.value == "02")
        );
        let settings = session(action, &mut record, &mut op, root).unwrap();
        assert_eq!(op.ta_calls, 1);
        assert_eq!(settings.auth.unwrap().status, ProvStatus::Complete);
    }
}

#[test]
fn provider_change_resets_then_behaves_as_first_access() {
    let root = Root::InternetGatewayDevice;
    let mut op = Operator {
        subscriber: true,
        ta_ok: true,
        ..Operator::default()
    };
    let mut record = DeviceRecord::default();
    let old = Persisted {
        provider_id: Some("KT".into()),
        provisioning_url: Some("https://acs.kt.example/prov".into()),
        ntp_server: None,
        prov_status: ProvStatus::Complete,
    };
    let mut stb = Stb::new(device(root), old);
    stb.start(Discovery::Dhcp).unwrap();
    let list =
        ProviderList::parse(b"KT,https://acs.kt.example/prov,ntp|SKB,http://10.1.1.1/acs,10.1.1.2")
            .unwrap();
    assert!(matches!(
        stb.on_providers(&list).unwrap(),
        StbAction::ChooseProvider(_)
    ));
    assert_eq!(
        stb.choose(5),
        Err(ProcedureError::NoSuchProvider { index: 5 })
    );
    assert_eq!(stb.choose(1).unwrap(), StbAction::FactoryReset);
    assert_eq!(stb.state(), StbState::Resetting);
    let action = stb.on_factory_reset().unwrap();
    let StbAction::SendInform {
        url, parameters, ..
    } = &action
    else {
        panic!()
    };
    assert_eq!(url, "http://10.1.1.1/acs");
    assert!(
        parameters
            .iter()
            .any(|p| p.name.ends_with("X_TTA_ProvStatus") && p.value == "01")
    );
    assert_eq!(stb.persisted().provider_id.as_deref(), Some("SKB"));
    let _ = session(action, &mut record, &mut op, root).unwrap();
    assert_eq!(op.ta_calls, 1);
}

#[test]
fn refusals_end_in_show_message() {
    for (subscriber, ta_ok, result, message) in [
        (false, true, ProvResult::NotSubscribed, "subscribe at 123"),
        (
            true,
            false,
            ProvResult::TaVerificationFailed,
            "call the operator",
        ),
    ] {
        let root = Root::Device;
        let mut op = Operator {
            subscriber,
            ta_ok,
            ..Operator::default()
        };
        let mut record = DeviceRecord::default();
        let mut stb = Stb::new(device(root), Persisted::default());
        stb.start(Discovery::Dhcp).unwrap();
        let list = ProviderList::parse(b"KT,https://acs.kt.example/prov,ntp").unwrap();
        let action = stb.on_providers(&list).unwrap();
        let settings = session(action, &mut record, &mut op, root).unwrap();
        assert_eq!(
            stb.on_settings(&settings).unwrap(),
            StbAction::ShowMessage {
                result,
                message: message.into()
            }
        );
        assert_eq!(stb.state(), StbState::Refused);
        assert!(!record.authenticated);
        // The server refuses phase 6 out of order.
        let d = device(root);
        let inform = d.inform_parameters(TtaEvent::ServiceProvision, ProvStatus::NotComplete);
        let checked = check_inform(TtaEvent::ServiceProvision, &inform).unwrap();
        let err = decide(&checked, &mut record, &mut op).unwrap_err();
        assert_eq!(err, Refusal::NotAuthenticated);
        assert_eq!(
            err.to_string(),
            "X TTA SERVICE_PROVISION before a successful X TTA VENDER_PROVISION"
        );
    }
}

#[test]
fn tr069_discovery_and_unexpected_inputs() {
    let root = Root::Device;
    let mut op = Operator {
        subscriber: true,
        ta_ok: true,
        ..Operator::default()
    };
    let mut record = DeviceRecord::default();
    let mut stb = Stb::new(device(root), Persisted::default());
    assert_eq!(
        stb.on_upgrade_done().unwrap_err().to_string(),
        "the end of an upgrade is not expected while the machine is idle"
    );
    let action = stb
        .start(Discovery::Tr069 {
            acs_url: "https://discovery.example/".into(),
        })
        .unwrap();
    let StbAction::SendInform { event, .. } = &action else {
        panic!()
    };
    assert_eq!(*event, TtaEvent::Dhcp);
    let settings = session(action, &mut record, &mut op, root).unwrap();
    assert!(matches!(
        stb.on_settings(&settings).unwrap(),
        StbAction::ChooseProvider(_)
    ));
    assert!(matches!(
        stb.on_settings(&settings),
        Err(ProcedureError::Unexpected { .. })
    ));
}

#[cfg(feature = "serde")]
#[test]
fn persisted_state_is_a_serde_value() {
    let p = Persisted {
        provider_id: Some("KT".into()),
        prov_status: ProvStatus::Complete,
        ..Persisted::default()
    };
    let json = serde_json::to_string(&p).unwrap();
    let back: Persisted = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
}
