//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use fwupgrade_proto::{CheckRequest, CheckResponse, DevId, DeviceInfo, ParseError, Report};

/// Which message a vector holds, from its file-name prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Request,
    Response,
    Report,
}

impl Kind {
    pub fn from_name(name: &str) -> Kind {
        if name.starts_with("request") {
            Kind::Request
        } else if name.starts_with("response") {
            Kind::Response
        } else if name.starts_with("report") {
            Kind::Report
        } else {
            panic!("vector {name}: name must start with request, response or report")
        }
    }

    pub const ALL: [Kind; 3] = [Kind::Request, Kind::Response, Kind::Report];
}

/// Parses `input` as `kind` and writes it back.
pub fn parse_write(kind: Kind, input: &[u8]) -> Result<String, ParseError> {
    Ok(match kind {
        Kind::Request => CheckRequest::parse(input)?.to_string(),
        Kind::Response => CheckResponse::parse(input)?.to_string(),
        Kind::Report => Report::parse(input)?.to_string(),
    })
}

pub fn device() -> DeviceInfo<'static> {
    DeviceInfo {
        dev_manu_fact: "SEC".into(),
        dev_model: "IPTV_STB".into(),
        dev_ip_addr: "10.0.0.2".into(),
        dev_id: DevId::normalize("00:1f:3c:0a:f0:4c").unwrap(),
        dev_fw_ver: "1.5.8".into(),
        sa_id: "000000000".into(),
    }
}

pub const SPEC_REQUEST: &str = "devManuFact=SEC&devModel=IPTV_STB&devIpAddr=125.147.11.11&devId=00:FF:FF:FF:FF:FF&devFWver=1.5.8&pkgId=Firmware&saID=000000000&reqType=1";
pub const UPDATE_RESPONSE: &str = "retCode=200&retMessage=OK&mcastSvrAddr=239.1.1.1&mcastSvrPort=5000&dlSvrUrl=https://upgrade.example.net/fw/a.bin&dlSvrId=stb&dlSvrPwd=s3cr%26t&upgradeMode=2&pkgFileSize=73400320&pkgFileVersion=1.6.0&pkgFileName=a.bin&normalPeriod=1440&errorPeriod=60";
pub const REPORT: &str = "devManuFact=SEC&devModel=IPTV_STB&devIpAddr=125.147.11.11&devId=00:FF:FF:FF:FF:FF&devFwVer=1.5.8&pkgId=Firmware&pkgVersion=1.6.0&saID=000000000&resultCode=27&errMessage=checksumError";
