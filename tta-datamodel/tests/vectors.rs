//! Every TTA vector of the standard read into typed settings or checked as an Inform.
#![cfg(feature = "cwmp")]

use cwmp_codec::{Body, Envelope};
use tta_datamodel::{
    Alias, DeviceDescription, DeviceId, MacAddress, Package, Param, Parameter, Protocols,
    ProvResult, ProvStatus, ReadOptions, Reason, Root, Settings, SmsProtocol, TtaEvent,
    check_cwmp_inform, check_inform, tta_event,
};

fn envelope(name: &str) -> Envelope<'static> {
    let path = format!("{}/tests/vectors/{name}.xml", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(path).unwrap();
    Envelope::parse(&bytes).unwrap().into_owned()
}

fn settings(name: &str) -> Result<Settings<'static>, tta_datamodel::InvalidSettings> {
    let env = envelope(name);
    let Body::SetParameterValues(spv) = &env.body else {
        panic!("{name}: not an SPV")
    };
    Settings::from_cwmp(spv)
}

#[test]
fn informs_of_the_standard_check() {
    for (name, event, root) in [
        (
            "inform-igd-x-tta-dhcp",
            TtaEvent::Dhcp,
            Root::InternetGatewayDevice,
        ),
        (
            "inform-igd-x-tta-service-provision",
            TtaEvent::ServiceProvision,
            Root::InternetGatewayDevice,
        ),
        (
            "inform-device-vender-provision",
            TtaEvent::VenderProvision,
            Root::Device,
        ),
    ] {
        let env = envelope(name);
        let Body::Inform(inform) = &env.body else {
            panic!()
        };
        assert_eq!(tta_event(inform), Some(event), "{name}");
        let checked = check_cwmp_inform(event, inform).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(checked.root, root);
        assert_eq!(checked.device_id.to_string(), "001F3C-IPTV-001F3C0AF04C");
        assert_eq!(checked.mac, MacAddress::parse("001F3C0AF04C").unwrap());
        if event == TtaEvent::VenderProvision {
            assert_eq!(checked.prov_status, Some(ProvStatus::NotComplete));
            assert!(checked.certificate.as_deref().unwrap().starts_with("MIIB"));
        }
    }
}

#[test]
fn a_periodic_inform_is_no_tta_event_and_lacks_the_vender_set() {
    let env = envelope("inform-igd-periodic");
    let Body::Inform(inform) = &env.body else {
        panic!()
    };
    assert_eq!(tta_event(inform), None);
    let params: Vec<Param<'_>> = inform.parameter_list.iter().map(Param::from_cwmp).collect();
    let err = check_inform(TtaEvent::VenderProvision, &params).unwrap_err();
    for p in [
        Parameter::DeviceId,
        Parameter::CertificateInfo,
        Parameter::ProvStatus,
    ] {
        assert!(
            err.problems()
                .iter()
                .any(|x| x.parameter() == Some(p) && *x.reason() == Reason::Missing),
            "{p}: {err}"
        );
    }
}

#[test]
fn inform_problems_name_every_parameter() {
    let env = envelope("inform-device-vender-provision");
    let Body::Inform(inform) = &env.body else {
        panic!()
    };
    let mut params: Vec<Param<'_>> = inform.parameter_list.iter().map(Param::from_cwmp).collect();
    params.retain(|p| !p.name.ends_with("SoftwareVersion"));
    for p in &mut params {
        if p.name.ends_with("X_TTA_ProvStatus") {
            p.value = "03".into();
        }
        if p.name.ends_with("LAN.MACAddress") {
            p.xsd_type = tta_datamodel::ParamType::Int;
        }
    }
    let err = check_inform(TtaEvent::VenderProvision, &params).unwrap_err();
    let text = err.to_string();
    assert_eq!(
        text,
        "invalid X TTA VENDER_PROVISION inform: \
         Device.DeviceInfo.SoftwareVersion: missing; \
         Device.LAN.MACAddress: type int, expected string; \
         Device.Services.STBService.1.Applications.ServiceProvider.1.X_TTA_ProvStatus: not one of the values the standard defines"
    );
}

#[test]
fn built_informs_check_under_both_roots() {
    for root in Root::ALL {
        let mac = MacAddress::parse("00:1f:3c:0a:f0:4c").unwrap();
        let device = DeviceDescription {
            root,
            device_id: DeviceId::from_mac("001F3C", "IPTV", mac).unwrap(),
            device_summary: "summary".into(),
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
        };
        for event in [
            TtaEvent::Dhcp,
            TtaEvent::VenderProvision,
            TtaEvent::ServiceProvision,
        ] {
            let inform =
                device.to_cwmp_inform(event, ProvStatus::Complete, "2011-10-11T15:50:02+09:00", 0);
            let env = Envelope::new(cwmp_codec::CwmpVersion::V1_0, "1", Body::Inform(inform));
            let bytes = env.to_vec();
            let back = Envelope::parse(&bytes).unwrap();
            let Body::Inform(i) = &back.body else {
                panic!()
            };
            assert_eq!(tta_event(i), Some(event));
            let checked = check_cwmp_inform(event, i).unwrap();
            assert_eq!(checked.root, root);
            let expected = match (event, root) {
                (TtaEvent::VenderProvision, Root::InternetGatewayDevice) => 16,
                (TtaEvent::VenderProvision, Root::Device) => 15,
                (_, Root::InternetGatewayDevice) => 11,
                (_, Root::Device) => 10,
            };
            assert_eq!(i.parameter_list.len(), expected, "{event} {root}");
            if event == TtaEvent::VenderProvision {
                assert_eq!(checked.prov_status, Some(ProvStatus::Complete));
            }
            for p in &i.parameter_list {
                let m = tta_datamodel::lookup(&p.name).unwrap();
                assert_eq!(m.root, root);
            }
        }
    }
}

#[test]
fn provider_infos() {
    let s = settings("spv-provider-infos-device").unwrap();
    let list = s.provider_infos.as_ref().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list.get(1).unwrap().id(), "SKB");
    let spv = s.to_cwmp(Root::Device, "k");
    assert_eq!(Settings::from_cwmp(&spv).unwrap(), s);
}

#[test]
fn provider_selection() {
    let s = settings("spv-provider-selection").unwrap();
    let sel = s.selection.as_ref().unwrap();
    assert_eq!(sel.name.as_deref(), Some("KT"));
    assert_eq!(sel.url, "https://192.168.1.90:8443/provisioning");
    assert_eq!(sel.ntp_server.as_deref(), Some("1.1.1.1"));
}

#[test]
fn auth_result() {
    let s = settings("spv-auth-result-igd").unwrap();
    let a = s.auth.as_ref().unwrap();
    assert_eq!(a.result, ProvResult::Success);
    assert_eq!(a.status, ProvStatus::NotComplete);
    assert_eq!(a.message, "");
    assert_eq!(
        a.auto_update_server.as_deref(),
        Some("https://upgrade.iptv-sp.example/fw")
    );
    // Canonical out, same bytes of parameters as the vector.
    let env = envelope("spv-auth-result-igd");
    let Body::SetParameterValues(spv) = &env.body else {
        panic!()
    };
    assert_eq!(
        s.to_cwmp(Root::InternetGatewayDevice, "unsetCommandKey"),
        *spv
    );
}

#[test]
fn sds_sms_valid() {
    let s = settings("spv-sds-sms-device-valid").unwrap();
    let sds = s.sds.as_ref().unwrap().fields();
    assert_eq!(sds.protocols, Protocols::DVBSTP.with(Protocols::HTTPS));
    assert_eq!(sds.multicast_port, Some(1900));
    assert_eq!(sds.sp_id.as_deref(), Some("iptv-sp.example"));
    assert_eq!(
        sds.packages,
        [
            Package {
                id: 0xABCD,
                segment: 1
            },
            Package {
                id: 0x1F2E,
                segment: 0xFF
            }
        ]
    );
    let sms = s.sms.as_ref().unwrap();
    assert_eq!(
        (sms.protocol, &*sms.address, sms.port.get()),
        (SmsProtocol::DigiEnv, "sms.iptv-sp.example", 5000)
    );
    for root in Root::ALL {
        let spv = s.to_cwmp(root, "k");
        assert_eq!(Settings::from_cwmp(&spv).unwrap(), s);
    }
}

#[test]
fn the_standards_sds_example_is_refused_naming_its_parameters() {
    let err = settings("spv-sds-sms-seed-example").unwrap_err();
    assert!(err.names(Parameter::SdsPackageSegmentIds), "{err}");
    let seg = err
        .problems()
        .iter()
        .find(|p| p.parameter() == Some(Parameter::SdsPackageSegmentIds))
        .unwrap();
    assert_eq!(*seg.reason(), Reason::NotHex16 { item: 0 });
    assert_eq!(
        seg.to_string(),
        "InternetGatewayDevice.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.PackageSegmentIDs: item 0 is not a 16-bit hex id"
    );
    // `PackageIdentifiers=d` is a valid hex ID; `PullURL=d` is no URL; the ports are 0.
    assert!(!err.names(Parameter::SdsPackageIdentifiers));
    assert!(err.names(Parameter::SdsPullUrl));
    assert!(err.names(Parameter::SdsIpMulticastPort));
    assert!(err.names(Parameter::SmsIpPort));
    assert_eq!(err.problems().len(), 4, "{err}");
}

#[test]
fn the_seed_examples_spid_is_a_recorded_misprint() {
    let env = envelope("spv-sds-sms-seed-example");
    let Body::SetParameterValues(spv) = &env.body else {
        panic!()
    };
    let mut params: Vec<Param<'_>> = spv.parameter_list.iter().map(Param::from_cwmp).collect();
    for p in &mut params {
        match p.name.rsplit('.').next().unwrap() {
            "PackageSegmentIDs" => p.value = "0x0001".into(),
            "PullURL" => p.value = "http://sds.example/".into(),
            "IPMulticastPort" | "IPPort" => p.value = "1900".into(),
            _ => {}
        }
    }
    let parsed = Settings::read_with(&params, &ReadOptions::lenient()).unwrap();
    assert_eq!(parsed.warnings, [Alias::SpIdUpperCase]);
    assert_eq!(
        parsed.value.sds.as_ref().unwrap().fields().sp_id.as_deref(),
        Some("KT")
    );
    let out = parsed.value.to_params(Root::InternetGatewayDevice);
    assert!(out.iter().any(|p| p.name.ends_with("SDSServer.SPId")));
    assert!(!out.iter().any(|p| p.name.ends_with("SPID")));
}
