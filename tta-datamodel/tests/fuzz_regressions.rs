//! Inputs the fuzz targets found, kept as named regression tests.

use tta_datamodel::{ErrorKind, Path, Root};

/// `tta_path` crash-a5a74a6d: the bare root `Device` read as a path, and mapped to
/// `InternetGatewayDevice.`, which maps back to `Device.`, not `Device`. The bare root is
/// refused: the root object is `Device.`.
#[test]
fn bare_root_is_refused() {
    for root in ["Device", "InternetGatewayDevice"] {
        let err = Path::parse(root).unwrap_err();
        assert_eq!(err.kind(), &ErrorKind::RootWithoutDot);
        assert_eq!(err.offset(), root.len());
        let object = format!("{root}.");
        let p = Path::parse(&object).unwrap();
        for other in Root::ALL {
            let there = p.to_root(other).unwrap();
            assert_eq!(there.to_root(p.root()).unwrap().as_str(), object);
        }
    }
}

/// `tta_path` crash-7abf015a: `Device.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.XN`
/// mapped to `InternetGatewayDevice.`, where it has no way back. Paths whose image would map
/// back elsewhere do not map.
#[test]
fn mapping_is_symmetric_or_refused() {
    for text in [
        "Device.WANDevice.1.WANConnectionDevice.1.WANIPConnection.1.XN.IPAddRess3",
        "Device.DeviceInfo.SpecVersion",
        "InternetGatewayDevice.LAN.IPAddress",
        "InternetGatewayDevice.LAN.",
    ] {
        let p = Path::parse(text).unwrap();
        let other = match p.root() {
            Root::Device => Root::InternetGatewayDevice,
            Root::InternetGatewayDevice => Root::Device,
        };
        assert!(p.to_root(other).is_none(), "{text}");
    }
}

/// `tta_path` crash-911a9ad2: a 1,024-byte `Device.` path (the default size limit) mapped to
/// `InternetGatewayDevice.`, 15 bytes longer, which `Path::parse` then refused. A path whose
/// image would pass the size limit has no image.
#[test]
fn image_past_the_size_limit_is_refused() {
    let text =
        std::fs::read_to_string("tests/fuzz_regressions/path-image-over-size-limit").unwrap();
    let p = Path::parse(&text).unwrap();
    assert_eq!(p.root(), Root::Device);
    assert!(p.to_root(Root::InternetGatewayDevice).is_none());
    // Shorter paths still map, there and back.
    let short = Path::parse("Device.X_TTA_Sts.A").unwrap();
    let there = short.to_root(Root::InternetGatewayDevice).unwrap();
    assert_eq!(
        there.to_root(Root::Device).unwrap().as_str(),
        short.as_str()
    );
}
