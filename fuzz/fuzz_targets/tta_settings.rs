#![no_main]
//! Settings: an arbitrary parameter list (names drawn from the catalog, its misprints and raw
//! text) reads without panic; what reads writes canonical parameters that read back equal,
//! under both roots.

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use tta_datamodel::{Param, ParamType, Parameter, Root, Settings};

const MISPRINTS: &[&str] = &[
    "Device.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.ConnectionProtocols",
    "Device.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.SPID",
    "Device.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.SPIId",
    "Device.Services.STBService.1.Components.X_TTA_SPServer.SDSServer.IPPort",
    "Device.Services.1.STBService.Components.1.X_TTA_SPServer.SMSServer.IPAddress",
];

const TYPES: [ParamType; 4] = [
    ParamType::String,
    ParamType::UnsignedInt,
    ParamType::Int,
    ParamType::Other,
];

fn item(u: &mut Unstructured<'_>) -> arbitrary::Result<Param<'static>> {
    let name = match u.int_in_range(0..=9)? {
        0 => String::arbitrary(u)?,
        1 => u.choose(MISPRINTS)?.to_string(),
        _ => u
            .choose(Parameter::ALL)?
            .name(Root::Device)
            .unwrap_or("Device.X")
            .to_owned(),
    };
    let xsd_type = if u.ratio(7, 8)? {
        ParamType::String
    } else {
        *u.choose(&TYPES)?
    };
    let value = match u.int_in_range(0..=3)? {
        0 => u.int_in_range(0u32..=70_000)?.to_string(),
        1 => u
            .choose(&[
                "DVBSTP",
                "HTTP,HTTPS",
                "01",
                "02",
                "021",
                "SSLTLS",
                "0xABCD,1",
                "http://a/",
            ])?
            .to_string(),
        _ => String::arbitrary(u)?,
    };
    Ok(Param::new(name, xsd_type, value))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut list = Vec::new();
    while !u.is_empty() && list.len() < 64 {
        match item(&mut u) {
            Ok(p) => list.push(p),
            Err(_) => break,
        }
    }
    let Ok(settings) = Settings::read(&list) else {
        return;
    };
    for root in [Root::Device, Root::InternetGatewayDevice] {
        let written = settings.to_params(root);
        let back = Settings::read(&written).expect("canonical settings read");
        assert_eq!(back, settings);
        assert!(
            written
                .iter()
                .all(|p| tta_datamodel::lookup_canonical(&p.name).is_some())
        );
    }
});
