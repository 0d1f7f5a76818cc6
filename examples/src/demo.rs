//! `tta-demo`: the whole provisioning procedure, end to end, in one process: a `tta-acs` on
//! loopback (HTTPS, embedded SQLite in a temporary directory) and simulated STBs, through
//! first access with a firmware upgrade, reconnection, a provider change and a refusal.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use dhcp_tta_options::ProviderList;
use serde_json::json;

use crate::acs::{Config, Server};
use crate::stb::image::{Image, ImageKind};
use crate::stb::{self, Options, Outcome, Start, StbResult};

/// The firmware the demo's server offers (the STBs ship with 1.0.0).
pub const NEW_FIRMWARE: &str = "1.1.0";

/// Why the demo could not run.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The server did not start.
    #[error("tta-acs: {0}")]
    Server(#[from] crate::acs::StartError),
    /// An API call failed.
    #[error("API {what}: {detail}")]
    Api {
        /// The call.
        what: &'static str,
        /// What went wrong.
        detail: String,
    },
    /// The temporary directory or the HTTP client.
    #[error("{0}")]
    Setup(String),
}

/// What the demo found: the timeline to print and whether every STB ended as expected.
#[derive(Debug, Clone)]
pub struct Report {
    /// The lines to print.
    pub timeline: String,
    /// Every expectation held.
    pub ok: bool,
}

struct Scenario {
    title: &'static str,
    expect: fn(&StbResult) -> Result<(), String>,
}

async fn api(
    http: &reqwest::Client,
    base: &str,
    what: &'static str,
    request: reqwest::RequestBuilder,
) -> Result<(), DemoError> {
    let _ = (http, base);
    let response = request.send().await.map_err(|e| DemoError::Api {
        what,
        detail: e.to_string(),
    })?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(DemoError::Api {
            what,
            detail: format!(
                "{}: {}",
                response.status(),
                response.text().await.unwrap_or_default()
            ),
        })
    }
}

/// Runs the demo with `stbs` set-top boxes (at least 2).
///
/// # Errors
///
/// The server or its API failed; a STB that ends otherwise than expected is in the report,
/// not an error.
pub async fn run(stbs: u32) -> Result<Report, DemoError> {
    let started = Instant::now();
    let stbs = stbs.max(2);
    crate::install_crypto_provider();
    let dir = std::env::temp_dir().join(format!(
        "tta-demo-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir)
        .map_err(|e| DemoError::Setup(format!("{}: {e}", dir.display())))?;
    let _cleanup = RemoveOnDrop(dir.clone());
    let mut config = Config {
        data_dir: dir.join("acs"),
        cwmp_listen: None,
        cwmp_tls_listen: Some(([127, 0, 0, 1], 0).into()),
        nbi_listen: ([127, 0, 0, 1], 0).into(),
        ..Config::default()
    };
    config.limits.session_timeout_secs = 30;
    let server = Server::start(config).await?;
    let base = server.public_url().to_owned();
    let nbi = format!("http://{}", server.nbi_addr());
    let cert = reqwest::Certificate::from_der(server.certificate_der())
        .map_err(|e| DemoError::Setup(e.to_string()))?;
    let client = reqwest::Client::builder()
        .add_root_certificate(cert)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| DemoError::Setup(e.to_string()))?;
    let http = reqwest::Client::new();

    // The operator's data: two providers, the subscribers (all but the last STB), a firmware.
    for (id, path, region) in [("KT", "kt", "11"), ("SKB", "skb", "21")] {
        let body = json!({
            "url": format!("{base}/{path}"),
            "ntp": format!("ntp.{path}.example"),
            "service": {
                "sds": {
                    "connection_protocol": "DVBSTP",
                    "multicast_address": "239.192.0.1",
                    "multicast_port": 5000,
                    "region_code": region,
                    "packages": [[1, 1]],
                },
                "sms": { "connection_protocol": "SSLTLS", "address": format!("sms.{path}.example"), "port": 443 },
            },
        });
        api(
            &http,
            &nbi,
            "PUT /providers",
            http.put(format!("{nbi}/providers/{id}")).json(&body),
        )
        .await?;
    }
    for n in 1..stbs {
        let id = stb::Identity::numbered(n, tta_datamodel::Root::Device).device_id();
        api(
            &http,
            &nbi,
            "PUT /subscribers",
            http.put(format!("{nbi}/subscribers/{id}"))
                .json(&json!({ "name": format!("subscriber {n}") })),
        )
        .await?;
    }
    let image = Image {
        manufacturer: "TTA".into(),
        model: "SIM-STB".into(),
        version: NEW_FIRMWARE.into(),
        kind: ImageKind::Firmware,
        reboot: true,
        payload: vec![0x5A; 64 * 1024],
    };
    api(
        &http,
        &nbi,
        "PUT /packages",
        http.put(format!(
            "{nbi}/packages/sim-stb-{NEW_FIRMWARE}.img?manufacturer=TTA&model=SIM-STB&kind=firmware&version={NEW_FIRMWARE}"
        ))
        .body(image.to_bytes()),
    )
    .await?;

    let option43 = format!("KT,{base}/kt,ntp.kt.example|SKB,{base}/skb,ntp.skb.example");
    let list = ProviderList::parse(option43.as_bytes())
        .map_err(|e| DemoError::Setup(format!("option 43: {e}")))?
        .into_owned();
    let state_dir = dir.join("stb");
    let mut options = Options::one(Start::Option43(list));
    options.count = stbs - 1;
    options.state_dir = Some(state_dir.clone());
    options.provider = Some("KT".into());

    let mut timeline = String::new();
    let mut ok = true;
    let _ = writeln!(
        timeline,
        "tta-acs on {base} (HTTPS, SQLite in a temporary directory); option 43 offers KT and SKB\n"
    );
    let scenarios: [(Scenario, Options); 4] = [
        (
            Scenario {
                title: "first access: DHCP option 43, choose KT, authenticate, firmware upgrade, service settings",
                expect: |r| {
                    provisioned(r)?;
                    detail(r, "firmware", &format!("installed {NEW_FIRMWARE}"))?;
                    detail(r, "auth", "ProvResult 01")
                },
            },
            options.clone(),
        ),
        (
            Scenario {
                title: "reconnection: the same STBs boot again (ProvStatus 02)",
                expect: |r| {
                    provisioned(r)?;
                    detail(r, "firmware", "no update")
                },
            },
            options.clone(),
        ),
        (
            Scenario {
                title: "provider change: the same STBs choose SKB (factory reset, first access again)",
                expect: |r| {
                    provisioned(r)?;
                    detail(r, "provider", "factory reset")
                },
            },
            Options {
                provider: Some("SKB".into()),
                ..options.clone()
            },
        ),
        (
            Scenario {
                title: "an STB that is not a subscriber",
                expect: |r| match r.outcome {
                    Outcome::Refused(tta_datamodel::ProvResult::NotSubscribed) => Ok(()),
                    _ => Err("expected refused(021)".into()),
                },
            },
            Options {
                count: 1,
                first_index: stbs,
                ..options.clone()
            },
        ),
    ];
    for (scenario, options) in scenarios {
        let t = Instant::now();
        let results = stb::run(&options, client.clone()).await;
        let _ = writeln!(
            timeline,
            "== {} ({} STBs, {} ms)",
            scenario.title,
            results.len(),
            t.elapsed().as_millis()
        );
        for r in &results {
            let verdict = match (scenario.expect)(r) {
                Ok(()) => "ok".to_owned(),
                Err(why) => {
                    ok = false;
                    format!("UNEXPECTED: {why}")
                }
            };
            let _ = writeln!(timeline, "  [{verdict}] {}", r.line());
        }
        if results.len() != options.count as usize {
            ok = false;
            let _ = writeln!(
                timeline,
                "  UNEXPECTED: {} of {} STBs ran",
                results.len(),
                options.count
            );
        }
        let _ = writeln!(timeline);
    }
    let _ = writeln!(
        timeline,
        "{} in {} ms",
        if ok {
            "every STB ended as expected"
        } else {
            "SOME STBs DID NOT END AS EXPECTED"
        },
        started.elapsed().as_millis()
    );
    server.shutdown().await;
    Ok(Report { timeline, ok })
}

fn provisioned(r: &StbResult) -> Result<(), String> {
    match &r.outcome {
        Outcome::Provisioned => Ok(()),
        other => Err(format!("expected provisioned, got {other:?}")),
    }
}

fn detail(r: &StbResult, what: &str, contains: &str) -> Result<(), String> {
    if r.steps
        .iter()
        .any(|s| s.what == what && s.detail.contains(contains))
    {
        Ok(())
    } else {
        Err(format!("expected a {what} step with {contains:?}"))
    }
}

struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
