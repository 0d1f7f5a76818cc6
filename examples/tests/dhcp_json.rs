//! `tta-tool dhcp decode` prints the library's serde form: fields by their TTA, TR-069 and
//! TR-111 names, codes as numbers, raw bytes as hex.

mod common;

use common::run;
use serde_json::{Value, json};

/// The JSON the tool printed for `args`, after exit status 0.
fn decode(args: &[&str]) -> Value {
    let output = run(args, b"");
    assert_eq!(output.status.code(), Some(0), "{args:?}: {output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn provider_list_speaks_tta() {
    let got = decode(&[
        "dhcp",
        "decode",
        "--text",
        "KT,https://acs.kt.example:8443/prov,ntp.kt.example|SKB,http://10.1.1.1/acs,10.1.1.2",
    ]);
    assert_eq!(
        got,
        json!({
            "form": "tta",
            "providers": [
                {
                    "ServiceProviderID": "KT",
                    "ProvisioningServerURL": "https://acs.kt.example:8443/prov",
                    "NTPServerURL": "ntp.kt.example"
                },
                {
                    "ServiceProviderID": "SKB",
                    "ProvisioningServerURL": "http://10.1.1.1/acs",
                    "NTPServerURL": "10.1.1.2"
                }
            ],
            "certain": true
        })
    );
}

#[test]
fn tr069_suboptions_speak_tr069() {
    // 1 URL, 2 ProvisioningCode, 3 and 4 the retry values, 11 unknown.
    let got = decode(&[
        "dhcp",
        "decode",
        "--hex",
        "011b687474703a2f2f6163732e6973702e6578616d706c652f63776d70020453544231\
         030233300404323030300b06303031463343",
    ]);
    assert_eq!(
        got,
        json!({
            "form": "tr069",
            "suboptions": {
                "URL": "http://acs.isp.example/cwmp",
                "ProvisioningCode": "STB1",
                "CWMPRetryMinimumWaitInterval": 30,
                "CWMPRetryIntervalMultiplier": 2000,
                "other": [{"code": 11, "hex": "303031463343"}]
            },
            "certain": true
        })
    );
}

#[test]
fn options_field_has_codes_and_tr111_names() {
    // 53 offer, 60 "IPTV Device", 43 one provider, 125 enterprise 3561 with TR-111 sub-options
    // 1 and 2, 1 subnet mask, end.
    let got = decode(&[
        "dhcp",
        "decode",
        "--options-hex",
        "3501023c0b49505456204465766963652b324b542c68747470733a2f2f6163732e6b742e6578616d706c65\
         3a383434332f70726f762c6e74702e6b742e6578616d706c657d1200000de90d0106303044303945020353\
         4e310104ffffff00ff",
    ]);
    assert_eq!(
        got,
        json!({
            "options": [
                {"code": 53, "hex": "02", "value": "offer"},
                {
                    "code": 60,
                    "hex": "4950545620446576696365",
                    "text": "IPTV Device",
                    "client_kind": "tta_iptv"
                },
                {
                    "code": 43,
                    "hex": "4b542c68747470733a2f2f6163732e6b742e6578616d706c653a383434332f70726f76\
                            2c6e74702e6b742e6578616d706c65",
                    "option43": {
                        "form": "tta",
                        "providers": [{
                            "ServiceProviderID": "KT",
                            "ProvisioningServerURL": "https://acs.kt.example:8443/prov",
                            "NTPServerURL": "ntp.kt.example"
                        }],
                        "certain": true
                    }
                },
                {
                    "code": 125,
                    "hex": "00000de90d01063030443039450203534e31",
                    "option125": {
                        "blocks": [{
                            "enterprise": 3561,
                            "suboptions": [
                                {"code": 1, "hex": "303044303945"},
                                {"code": 2, "hex": "534e31"}
                            ]
                        }],
                        "tr111": {
                            "DeviceManufacturerOUI": "00D09E",
                            "DeviceSerialNumber": "SN1",
                            "DeviceProductClass": null,
                            "GatewayManufacturerOUI": null,
                            "GatewaySerialNumber": null,
                            "GatewayProductClass": null
                        }
                    }
                },
                {"code": 1, "hex": "ffffff00", "value": "255.255.255.0"}
            ]
        })
    );
}
