//! Everything the writer emits validates against the Broadband Forum schema of its namespace.
//!
//! A sample of every body type, plus the CWMP 1.3/1.4 headers, is written in each namespace
//! whose schema declares it, and `xmllint --schema` checks it offline through the strict
//! catalog in `tests/schemas/cwmp/` (SOAP Header and Body wildcards made strict, so every
//! element must be declared). `NoMoreRequests` is declared by no schema: envelopes carrying it
//! are checked with the lax catalog. Needs `xmllint` (Debian package `libxml2-utils`).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::process::Command;

use cwmp_codec::*;

const TIME: &str = "2011-10-11T15:48:26+09:00";
const UUID: &str = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

fn t() -> DateTimeText<'static> {
    DateTimeText {
        text: Cow::Borrowed(TIME),
    }
}

fn s(v: &'static str) -> Cow<'static, str> {
    Cow::Borrowed(v)
}

fn params() -> Vec<ParameterValueStruct<'static>> {
    vec![
        ParameterValueStruct::new(
            "Device.DeviceInfo.SoftwareVersion",
            Value::string("2.1.27 <beta> & co"),
        ),
        ParameterValueStruct::new(
            "Device.ManagementServer.PeriodicInformInterval",
            Value::unsigned_int(3600),
        ),
        ParameterValueStruct::new("Device.X_TTA.Offset", Value::int(-5)),
        ParameterValueStruct::new("Device.X_TTA.Bytes", Value::unsigned_long(1 << 40)),
        ParameterValueStruct::new("Device.X_TTA.Delta", Value::long(-(1 << 40))),
        ParameterValueStruct::new(
            "Device.ManagementServer.PeriodicInformEnable",
            Value::boolean(true),
        ),
        ParameterValueStruct::new(
            "Device.ManagementServer.PeriodicInformTime",
            Value::date_time(DateTime::parse("2011-10-11T15:48:26.25Z").unwrap()),
        ),
        ParameterValueStruct::new("Device.X_TTA.Blob", Value::base64("AAEC").unwrap()),
        ParameterValueStruct::new("Device.X_TTA.Hex", Value::hex_binary("00FF").unwrap()),
        ParameterValueStruct::new("Device.X_TTA.Empty", Value::string("")),
    ]
}

fn op_result() -> OpResultStruct<'static> {
    OpResultStruct {
        uuid: s(UUID),
        deployment_unit_ref: s("Device.SoftwareModules.DeploymentUnit.1."),
        version: s("1.0"),
        current_state: s("Installed"),
        resolved: true,
        execution_unit_ref_list: s("Device.SoftwareModules.ExecutionUnit.1."),
        start_time: t(),
        complete_time: t(),
        fault: DeploymentUnitFaultStruct {
            fault_code: 0,
            fault_string: Some(s("")),
        },
    }
}

fn device_id() -> DeviceIdStruct<'static> {
    DeviceIdStruct {
        manufacturer: s("TTA"),
        oui: s("001F3C"),
        product_class: s("IPTV"),
        serial_number: s("001F3C0AF04C"),
    }
}

/// One schema-valid sample of every body the codec knows, in `Body::KNOWN_METHODS` order,
/// then a fault.
fn samples() -> Vec<Body<'static>> {
    samples_with_events(vec![
        EventStruct {
            event_code: EventCode::Bootstrap,
            command_key: s(""),
        },
        EventStruct {
            event_code: EventCode::Other(s("X 001F3C BOOT_DIAG")),
            command_key: s(""),
        },
    ])
}

fn samples_with_events(event: Vec<EventStruct<'static>>) -> Vec<Body<'static>> {
    let names = vec![s("Device.DeviceInfo."), s("Device.ManagementServer.URL")];
    let fault_struct = TransferCompleteFaultStruct {
        fault_code: 9010,
        fault_string: s("Download failed"),
    };
    let mut spv_fault = Fault::cwmp(FaultCode::InvalidArguments, "Invalid arguments");
    if let Some(d) = spv_fault.detail.as_mut() {
        d.set_parameter_values_faults.push(SetParameterValuesFault {
            parameter_name: s("Device.ManagementServer.URL"),
            fault_code: FaultCode::InvalidParameterValue,
            fault_string: Some(s("Invalid parameter value")),
        });
    }
    vec![
        Body::GetRpcMethods(GetRpcMethods {}),
        Body::GetRpcMethodsResponse(GetRpcMethodsResponse {
            method_list: vec![s("Inform"), s("GetRPCMethods"), s("TransferComplete")],
        }),
        Body::SetParameterValues(SetParameterValues {
            parameter_list: params(),
            parameter_key: s("key-1"),
        }),
        Body::SetParameterValuesResponse(SetParameterValuesResponse { status: 1 }),
        Body::GetParameterValues(GetParameterValues {
            parameter_names: names.clone(),
        }),
        Body::GetParameterValuesResponse(GetParameterValuesResponse {
            parameter_list: params(),
        }),
        Body::GetParameterNames(GetParameterNames {
            parameter_path: s("Device."),
            next_level: true,
        }),
        Body::GetParameterNamesResponse(GetParameterNamesResponse {
            parameter_list: vec![ParameterInfoStruct {
                name: s("Device.DeviceInfo."),
                writable: false,
            }],
        }),
        Body::SetParameterAttributes(SetParameterAttributes {
            parameter_list: vec![SetParameterAttributesStruct {
                name: s("Device.DeviceInfo.SoftwareVersion"),
                notification_change: true,
                notification: 2,
                access_list_change: true,
                access_list: vec![s("Subscriber")],
            }],
        }),
        Body::SetParameterAttributesResponse(SetParameterAttributesResponse {}),
        Body::GetParameterAttributes(GetParameterAttributes {
            parameter_names: names.clone(),
        }),
        Body::GetParameterAttributesResponse(GetParameterAttributesResponse {
            parameter_list: vec![ParameterAttributeStruct {
                name: s("Device.DeviceInfo.SoftwareVersion"),
                notification: 1,
                access_list: vec![],
            }],
        }),
        Body::AddObject(AddObject {
            object_name: s("Device.X_TTA.Item."),
            parameter_key: s("k"),
        }),
        Body::AddObjectResponse(AddObjectResponse {
            instance_number: 3,
            status: 0,
        }),
        Body::DeleteObject(DeleteObject {
            object_name: s("Device.X_TTA.Item.3."),
            parameter_key: s("k"),
        }),
        Body::DeleteObjectResponse(DeleteObjectResponse { status: 0 }),
        Body::Download(Download {
            command_key: s("fw-2.1.28"),
            file_type: FileType::FirmwareUpgradeImage,
            url: s("https://fw.example/stb-2.1.28.bin"),
            username: s("stb"),
            password: Secret::new(s("secret")),
            file_size: 1_048_576,
            target_file_name: s("stb.bin"),
            delay_seconds: 0,
            success_url: s(""),
            failure_url: s(""),
        }),
        Body::DownloadResponse(DownloadResponse {
            status: 1,
            start_time: DateTime::UNKNOWN.into(),
            complete_time: DateTime::UNKNOWN.into(),
        }),
        Body::Reboot(Reboot {
            command_key: s("reboot-1"),
        }),
        Body::RebootResponse(RebootResponse {}),
        Body::GetQueuedTransfers(GetQueuedTransfers {}),
        Body::GetQueuedTransfersResponse(GetQueuedTransfersResponse {
            transfer_list: vec![QueuedTransferStruct {
                command_key: s("fw"),
                state: 2,
            }],
        }),
        Body::ScheduleInform(ScheduleInform {
            delay_seconds: 60,
            command_key: s("si"),
        }),
        Body::ScheduleInformResponse(ScheduleInformResponse {}),
        Body::SetVouchers(SetVouchers {
            voucher_list: vec![s("AAECAw==")],
        }),
        Body::SetVouchersResponse(SetVouchersResponse {}),
        Body::GetOptions(GetOptions { option_name: s("") }),
        Body::GetOptionsResponse(GetOptionsResponse {
            option_list: vec![OptionStruct {
                option_name: s("HD"),
                voucher_sn: 7,
                state: 1,
                mode: 1,
                start_date: t(),
                expiration_date: Some(t()),
                is_transferable: 0,
            }],
        }),
        Body::Upload(Upload {
            command_key: s("log"),
            file_type: FileType::Other(s("2 Vendor Log File")),
            url: s("https://acs.example/upload"),
            username: s(""),
            password: Secret::new(s("")),
            delay_seconds: 0,
        }),
        Body::UploadResponse(UploadResponse {
            status: 0,
            start_time: t(),
            complete_time: t(),
        }),
        Body::FactoryReset(FactoryReset {}),
        Body::FactoryResetResponse(FactoryResetResponse {}),
        Body::GetAllQueuedTransfers(GetAllQueuedTransfers {}),
        Body::GetAllQueuedTransfersResponse(GetAllQueuedTransfersResponse {
            transfer_list: vec![AllQueuedTransferStruct {
                command_key: s("fw"),
                state: 1,
                is_download: true,
                file_type: FileType::FirmwareUpgradeImage,
                file_size: 10,
                target_file_name: s("stb.bin"),
            }],
        }),
        Body::ScheduleDownload(ScheduleDownload {
            command_key: s("fw"),
            file_type: FileType::FirmwareUpgradeImage,
            url: s("https://fw.example/a.bin"),
            username: s(""),
            password: Secret::new(s("")),
            file_size: 0,
            target_file_name: s(""),
            time_window_list: vec![TimeWindowStruct {
                window_start: 0,
                window_end: 3600,
                window_mode: s("1 At Any Time"),
                user_message: s(""),
                max_retries: -1,
            }],
        }),
        Body::ScheduleDownloadResponse(ScheduleDownloadResponse {}),
        Body::CancelTransfer(CancelTransfer {
            command_key: s("fw"),
        }),
        Body::CancelTransferResponse(CancelTransferResponse {}),
        Body::ChangeDuState(ChangeDuState {
            operations: vec![
                Operation::Install(InstallOpStruct {
                    url: s("https://apps.example/epg.ipk"),
                    uuid: Some(s(UUID)),
                    username: Some(s("u")),
                    password: Some(Secret::new(s("p"))),
                    execution_env_ref: Some(s("Device.SoftwareModules.ExecEnv.1.")),
                }),
                Operation::Update(UpdateOpStruct {
                    uuid: Some(s(UUID)),
                    ..Default::default()
                }),
                Operation::Uninstall(UninstallOpStruct {
                    uuid: s(UUID),
                    version: None,
                    execution_env_ref: None,
                }),
            ],
            command_key: Some(s("du")),
        }),
        Body::ChangeDuStateResponse(ChangeDuStateResponse {}),
        Body::Inform(Inform {
            device_id: device_id(),
            event,
            max_envelopes: 1,
            current_time: t(),
            retry_count: 0,
            parameter_list: params(),
        }),
        Body::InformResponse(InformResponse { max_envelopes: 1 }),
        Body::TransferComplete(TransferComplete {
            command_key: s("fw"),
            fault_struct: fault_struct.clone(),
            start_time: t(),
            complete_time: t(),
        }),
        Body::TransferCompleteResponse(TransferCompleteResponse {}),
        Body::AutonomousTransferComplete(AutonomousTransferComplete {
            announce_url: s(""),
            transfer_url: s("https://fw.example/a.bin"),
            is_download: true,
            file_type: FileType::FirmwareUpgradeImage,
            file_size: 10,
            target_file_name: s(""),
            fault_struct,
            start_time: t(),
            complete_time: t(),
        }),
        Body::AutonomousTransferCompleteResponse(AutonomousTransferCompleteResponse {}),
        Body::DuStateChangeComplete(DuStateChangeComplete {
            results: vec![op_result()],
            command_key: Some(s("du")),
        }),
        Body::DuStateChangeCompleteResponse(DuStateChangeCompleteResponse {}),
        Body::AutonomousDuStateChangeComplete(AutonomousDuStateChangeComplete {
            results: vec![{
                let r = op_result();
                AutonOpResultStruct {
                    uuid: r.uuid,
                    deployment_unit_ref: r.deployment_unit_ref,
                    version: r.version,
                    current_state: r.current_state,
                    resolved: r.resolved,
                    execution_unit_ref_list: r.execution_unit_ref_list,
                    start_time: r.start_time,
                    complete_time: r.complete_time,
                    fault: r.fault,
                    operation_performed: s("Install"),
                }
            }],
        }),
        Body::AutonomousDuStateChangeCompleteResponse(AutonomousDuStateChangeCompleteResponse {}),
        Body::RequestDownload(RequestDownload {
            file_type: FileType::FirmwareUpgradeImage,
            file_type_arg: vec![ArgStruct {
                name: s("Version"),
                value: s("2.1.28"),
            }],
        }),
        Body::RequestDownloadResponse(RequestDownloadResponse {}),
        Body::Kicked(Kicked {
            command: s("x"),
            referer: s(""),
            arg: s(""),
            next: s("http://a.example/"),
        }),
        Body::KickedResponse(KickedResponse {
            next_url: s("http://a.example/next"),
        }),
        Body::Fault(spv_fault),
    ]
}

/// The first CWMP version whose schema declares a method.
fn first_version(method: &str) -> CwmpVersion {
    match method {
        "GetAllQueuedTransfers"
        | "GetAllQueuedTransfersResponse"
        | "AutonomousTransferComplete"
        | "AutonomousTransferCompleteResponse" => CwmpVersion::V1_1,
        m if m.contains("ScheduleDownload")
            || m.contains("CancelTransfer")
            || m.contains("DUState") =>
        {
            CwmpVersion::V1_2
        }
        _ => CwmpVersion::V1_0,
    }
}

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/cwmp")
}

fn schema_file(version: CwmpVersion) -> &'static str {
    match version {
        CwmpVersion::V1_0 => "cwmp-1-0.xsd",
        CwmpVersion::V1_1 => "cwmp-1-1.xsd",
        _ => "cwmp-1-4.xsd",
    }
}

/// Validates each `(name, bytes)` against the schema of `version`; returns the failures.
fn validate(version: CwmpVersion, catalog: &str, docs: &[(String, Vec<u8>)]) -> Vec<String> {
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("cwmp-schema-{}-{run}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    for (name, bytes) in docs {
        let path = dir.join(format!("{name}.xml"));
        std::fs::write(&path, bytes).unwrap();
        files.push(path);
    }
    let out = Command::new("xmllint")
        .env("XML_CATALOG_FILES", schema_dir().join(catalog))
        .arg("--nonet")
        .arg("--noout")
        .arg("--schema")
        .arg(schema_dir().join(schema_file(version)))
        .args(&files)
        .output()
        .expect("xmllint must be installed (Debian package libxml2-utils)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let failures: Vec<String> = stderr
        .lines()
        .filter(|l| !l.ends_with(" validates"))
        .map(str::to_owned)
        .collect();
    std::fs::remove_dir_all(&dir).ok();
    if out.status.success() {
        assert!(failures.is_empty(), "{failures:?}");
    } else {
        assert!(!failures.is_empty(), "xmllint failed without saying why");
    }
    failures
}

fn write_all(
    version: CwmpVersion,
    opts: &WriteOptions,
    filter: impl Fn(&Body<'_>) -> bool,
) -> Vec<(String, Vec<u8>)> {
    samples()
        .into_iter()
        .filter(|b| filter(b))
        .map(|body| {
            let name = body.method_name().to_owned();
            let env = Envelope::new(version, "id-1", body);
            let mut out = Vec::new();
            env.write_into_with(&mut out, opts);
            // What is written reads back strictly, and to the same envelope in canonical form
            // (the CPE-compatibility options change the text of booleans and times).
            let back = Envelope::parse_with(&out, &ReadOptions::strict()).unwrap();
            if *opts == WriteOptions::default() {
                assert_eq!(back.value, env, "{name}");
            }
            (name, out)
        })
        .collect()
}

#[test]
fn samples_cover_every_body_type() {
    let names: Vec<String> = samples()
        .iter()
        .map(|b| b.method_name().to_owned())
        .collect();
    let mut expected: Vec<String> = Body::KNOWN_METHODS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    expected.push("Fault".to_owned());
    assert_eq!(names, expected);
}

#[test]
fn every_body_validates_in_every_namespace_that_declares_it() {
    let variants = [
        WriteOptions::default(),
        WriteOptions::default()
            .with_numeric_booleans(true)
            .with_no_fractional_seconds(true)
            .with_expand_empty_elements(true),
    ];
    for opts in &variants {
        for version in [CwmpVersion::V1_0, CwmpVersion::V1_1, CwmpVersion::V1_2] {
            let docs = write_all(version, opts, |b| {
                matches!(b, Body::Fault(_)) || first_version(b.method_name()) <= version
            });
            assert!(docs.len() >= 40, "{version:?}: only {} samples", docs.len());
            let failures = validate(version, "catalog-strict.xml", &docs);
            assert!(failures.is_empty(), "{version:?} {opts:?}: {failures:#?}");
        }
    }
}

#[test]
fn cwmp_1_4_headers_validate() {
    let header = Header {
        id: Some(s("id-9")),
        hold_requests: Some(true),
        session_timeout: Some(60),
        supported_cwmp_versions: Some(s("1.0,1.1,1.2,1.3,1.4")),
        use_cwmp_version: Some(s("1.4")),
        ..Header::default()
    };
    let env = Envelope {
        version: CwmpVersion::V1_4,
        header,
        body: Body::InformResponse(InformResponse { max_envelopes: 1 }),
    };
    let out = env.to_vec();
    assert_eq!(
        Envelope::parse_with(&out, &ReadOptions::strict())
            .unwrap()
            .value,
        env
    );
    let failures = validate(
        CwmpVersion::V1_4,
        "catalog-strict.xml",
        &[("headers-1-4".into(), out)],
    );
    assert!(failures.is_empty(), "{failures:#?}");
}

/// `NoMoreRequests` is defined by TR-069's text but declared by no schema: with the strict
/// catalog it is rejected, with the lax one (header wildcard `processContents="lax"`) it passes.
#[test]
fn no_more_requests_validates_only_laxly() {
    let header = Header {
        id: Some(s("id-2")),
        no_more_requests: Some(true),
        ..Header::default()
    };
    let env = Envelope {
        version: CwmpVersion::V1_0,
        header,
        body: Body::RebootResponse(RebootResponse {}),
    };
    let docs = [("no-more-requests".to_owned(), env.to_vec())];
    assert!(validate(CwmpVersion::V1_0, "catalog.xml", &docs).is_empty());
    assert!(!validate(CwmpVersion::V1_0, "catalog-strict.xml", &docs).is_empty());
}

/// The TTA events (`X TTA DHCP`, `X TTA VENDER_PROVISION`, `X TTA SERVICE_PROVISION`) match the
/// vendor event pattern `X \S+ .+` of CWMP 1.2, but not CWMP 1.0 and 1.1, whose schemas want an
/// OUI after the `X` (`X [0-9A-F]{6} .*`): the standard's own 1.0 examples are schema-invalid.
#[test]
fn tta_events_are_schema_valid_from_cwmp_1_2() {
    let tta = [
        EventCode::TtaDhcp,
        EventCode::TtaVenderProvision,
        EventCode::TtaServiceProvision,
    ];
    let events: Vec<EventStruct<'static>> = tta
        .into_iter()
        .map(|event_code| EventStruct {
            event_code,
            command_key: s(""),
        })
        .collect();
    let inform = samples_with_events(events)
        .into_iter()
        .find(|b| matches!(b, Body::Inform(_)))
        .unwrap();
    for (version, valid) in [
        (CwmpVersion::V1_0, false),
        (CwmpVersion::V1_1, false),
        (CwmpVersion::V1_2, true),
    ] {
        let env = Envelope::new(version, "id-3", inform.clone());
        let failures = validate(
            version,
            "catalog-strict.xml",
            &[("tta-inform".into(), env.to_vec())],
        );
        assert_eq!(failures.is_empty(), valid, "{version:?}: {failures:#?}");
    }
}

/// Every method a schema declares is read into its typed body: a method missing from the
/// codec's table would be read as `Body::Unknown` without a word, so the table is checked
/// against the schemas both ways.
#[test]
fn every_schema_method_has_a_typed_body() {
    // The header elements, and `Fault`: the CWMP fault detail inside a SOAP Fault
    // ([`CwmpFault`]), not a method.
    const HEADERS: [&str; 7] = [
        "Fault",
        "ID",
        "HoldRequests",
        "NoMoreRequests",
        "SessionTimeout",
        "SupportedCWMPVersions",
        "UseCWMPVersion",
    ];
    let mut declared = std::collections::BTreeSet::new();
    for minor in 0..=4 {
        let xsd =
            std::fs::read_to_string(schema_dir().join(format!("cwmp-1-{minor}.xsd"))).unwrap();
        for line in xsd.lines() {
            // Top-level declarations stand two spaces in.
            if let Some(rest) = line.strip_prefix("  <xs:element name=\"") {
                let name = rest.split('"').next().unwrap();
                if !HEADERS.contains(&name) {
                    declared.insert(name.to_owned());
                }
            }
        }
    }
    assert!(declared.len() > 40, "{declared:?}");
    let known: std::collections::BTreeSet<String> = Body::KNOWN_METHODS
        .iter()
        .map(|m| (*m).to_owned())
        .collect();
    let untyped: Vec<_> = declared.difference(&known).collect();
    let undeclared: Vec<_> = known.difference(&declared).collect();
    assert!(
        untyped.is_empty(),
        "schema methods read as Body::Unknown: {untyped:?}"
    );
    assert!(
        undeclared.is_empty(),
        "methods no schema declares: {undeclared:?}"
    );
}
