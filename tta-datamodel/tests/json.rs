//! The serde form: names and codes as the standard writes them (the README shows a whole
//! settings object and a checked Inform).
#![cfg(feature = "serde")]

use serde_json::{Value, json, to_value};
use tta_datamodel::{
    AuthResult, Param, ParamType, Parameter, Persisted, ProvResult, ProvStatus, ProviderSelection,
    Root, Settings, TtaEvent,
};

#[test]
fn codes_are_their_wire_strings() {
    for e in [
        TtaEvent::Dhcp,
        TtaEvent::VenderProvision,
        TtaEvent::ServiceProvision,
    ] {
        assert_eq!(to_value(e).unwrap(), json!(e.as_str()));
        assert_eq!(
            serde_json::from_value::<TtaEvent>(json!(e.as_str())).unwrap(),
            e
        );
    }
    assert_eq!(
        serde_json::from_value::<TtaEvent>(json!("X TTA VENDOR_PROVISION")).unwrap(),
        TtaEvent::VenderProvision
    );
    for r in [
        ProvResult::Success,
        ProvResult::NotSubscribed,
        ProvResult::TaVerificationFailed,
    ] {
        assert_eq!(to_value(r).unwrap(), json!(r.as_str()));
        assert_eq!(
            serde_json::from_value::<ProvResult>(json!(r.as_str())).unwrap(),
            r
        );
    }
    for s in [ProvStatus::NotComplete, ProvStatus::Complete] {
        assert_eq!(to_value(s).unwrap(), json!(s.as_str()));
    }
    for root in Root::ALL {
        assert_eq!(to_value(root).unwrap(), json!(root.as_str()));
    }
    assert_eq!(to_value(ParamType::Base64).unwrap(), json!("base64Binary"));
    assert_eq!(
        to_value(ParamType::UnsignedInt).unwrap(),
        json!("unsignedInt")
    );
}

#[test]
fn a_parameter_is_its_short_name_and_short_names_are_unique() {
    assert_eq!(
        to_value(Parameter::ProvResult).unwrap(),
        json!("X_TTA_ProvResult")
    );
    assert_eq!(
        to_value(Parameter::DeviceId).unwrap(),
        json!("X_TTA_DeviceID")
    );
    assert_eq!(
        to_value(Parameter::SdsPackageSegmentIds).unwrap(),
        json!("SDSServer.PackageSegmentIDs")
    );
    let mut names: Vec<&str> = Parameter::ALL.iter().map(|p| p.short_name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Parameter::ALL.len());
}

#[test]
fn settings_are_named_after_their_parameters() {
    let settings = Settings {
        selection: Some(ProviderSelection {
            name: Some("KT".into()),
            url: "https://acs.example/".into(),
            ntp_server: None,
        }),
        auth: Some(AuthResult {
            result: ProvResult::NotSubscribed,
            message: "subscribe first".into(),
            status: ProvStatus::NotComplete,
            auto_update_server: None,
        }),
        ..Settings::default()
    };
    assert_eq!(
        to_value(&settings).unwrap(),
        json!({
            "selection": {"Name": "KT", "URL": "https://acs.example/"},
            "auth": {
                "X_TTA_ProvResult": "021",
                "X_TTA_ProvResultMessage": "subscribe first",
                "X_TTA_ProvStatus": "01"
            }
        })
    );
    assert_eq!(to_value(Settings::default()).unwrap(), json!({}));
}

#[test]
fn a_param_is_a_parameter_value_struct() {
    let p = Param::new("Device.LAN.IPAddress", ParamType::String, "10.0.0.2");
    assert_eq!(
        to_value(&p).unwrap(),
        json!({"Name": "Device.LAN.IPAddress", "Value": {"type": "string", "text": "10.0.0.2"}})
    );
}

#[test]
fn persisted_state_reads_the_codes_and_the_old_rust_names() {
    let p = Persisted {
        prov_status: ProvStatus::Complete,
        ..Persisted::default()
    };
    let json = to_value(&p).unwrap();
    assert_eq!(json["prov_status"], Value::from("02"));
    assert_eq!(serde_json::from_value::<Persisted>(json).unwrap(), p);
    let old = json!({"provider_id": null, "provisioning_url": null, "ntp_server": null, "prov_status": "Complete"});
    assert_eq!(serde_json::from_value::<Persisted>(old).unwrap(), p);
}
