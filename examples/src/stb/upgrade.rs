//! Phases 4 and 5: the STB's upgrade machine ([`fwupgrade_proto::Client`]) run against an
//! upgrade server over HTTP(S): check, download, verify, burn, report.

use fwupgrade_proto::{Action, CheckResponse, Client, Download, DownloadFailure, DownloadedImage};
use reqwest::StatusCode;

use super::image::Image;

/// What one upgrade run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpgradeOutcome {
    /// The server had nothing newer (retCode 201), or answered with another code.
    NoUpdate {
        /// The retCode.
        ret_code: u32,
    },
    /// A package was installed: the new version.
    Installed {
        /// The version installed.
        version: String,
        /// Whether applying it needs a reboot.
        reboot: bool,
    },
    /// A package was offered but refused or failed: the result code reported.
    Failed {
        /// The report's resultCode (25 info mismatch, 26 version, 27 integrity, 2x transfer).
        result_code: u32,
    },
    /// The server could not be reached.
    Unreachable {
        /// Why.
        error: String,
    },
}

impl UpgradeOutcome {
    /// One line for people.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Self::NoUpdate { ret_code } => format!("no update (retCode {ret_code})"),
            Self::Installed { version, reboot } => {
                format!(
                    "installed {version}{}",
                    if *reboot { ", rebooted" } else { "" }
                )
            }
            Self::Failed { result_code } => {
                format!("refused the package (resultCode {result_code})")
            }
            Self::Unreachable { error } => format!("upgrade server unreachable: {error}"),
        }
    }
}

fn failure_of(status: StatusCode) -> DownloadFailure {
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => DownloadFailure::AuthFailed,
        StatusCode::NOT_FOUND => DownloadFailure::NotFound,
        _ => DownloadFailure::ServerError,
    }
}

/// Runs the machine from its first check until it waits (the STB's timer would start the
/// next check): the whole of one phase 4 or 5.
pub async fn run(client: &reqwest::Client, server: &str, machine: &mut Client) -> UpgradeOutcome {
    let mut action = match machine.check() {
        Ok(a) => a,
        Err(e) => {
            return UpgradeOutcome::Unreachable {
                error: e.to_string(),
            };
        }
    };
    let mut outcome = None;
    let mut image: Option<Image> = None;
    // Each step moves the machine on; it always ends in Wait, bounded here for safety.
    for _ in 0..32 {
        let next = match action {
            Action::SendCheck(request) => {
                let sent = client
                    .post(server)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(request.to_vec())
                    .send()
                    .await;
                let body = match sent {
                    Ok(r) if r.status().is_success() => r.bytes().await.ok(),
                    _ => None,
                };
                match body.as_deref().map(CheckResponse::parse) {
                    Some(Ok(response)) => {
                        let code = response.ret_code().code();
                        if response.offer().is_none() {
                            outcome = Some(UpgradeOutcome::NoUpdate { ret_code: code });
                        }
                        machine.on_check_response(&response)
                    }
                    _ => {
                        outcome = Some(UpgradeOutcome::Unreachable {
                            error: format!("no usable check response from {server}"),
                        });
                        machine.on_check_failed()
                    }
                }
            }
            Action::AskUser(_) => machine.on_user_decision(true),
            Action::Download(Download::Unicast { url, .. }) => {
                match client.get(url.as_ref()).send().await {
                    Ok(r) if r.status().is_success() => match r.bytes().await {
                        Ok(bytes) => match Image::parse(&bytes) {
                            Ok(parsed) => {
                                let downloaded = DownloadedImage {
                                    manufacturer: &parsed.manufacturer,
                                    model: &parsed.model,
                                    version: &parsed.version,
                                    size: bytes.len() as u64,
                                    integrity_ok: parsed.integrity_ok,
                                };
                                let next = machine.on_downloaded(&downloaded);
                                image = Some(parsed.into_image());
                                next
                            }
                            // Not an image at all: the integrity check fails.
                            Err(_) => machine.on_downloaded(&DownloadedImage {
                                manufacturer: "",
                                model: "",
                                version: "",
                                size: bytes.len() as u64,
                                integrity_ok: false,
                            }),
                        },
                        Err(_) => machine.on_download_failed(DownloadFailure::Timeout),
                    },
                    Ok(r) => machine.on_download_failed(failure_of(r.status())),
                    Err(e) if e.is_timeout() => {
                        machine.on_download_failed(DownloadFailure::Timeout)
                    }
                    Err(_) => machine.on_download_failed(DownloadFailure::ConnectFailed),
                }
            }
            Action::Download(_) => machine.on_download_failed(DownloadFailure::NoStream),
            Action::SendReport(report) => {
                let code = report.result_code.0;
                if !matches!(code, 40 | 41 | 42 | 90 | 91) {
                    outcome = Some(UpgradeOutcome::Failed { result_code: code });
                } else if matches!(code, 90 | 91) {
                    let (version, reboot) = image
                        .as_ref()
                        .map(|i| (i.version.clone(), i.reboot))
                        .unwrap_or_default();
                    outcome = Some(UpgradeOutcome::Installed { version, reboot });
                }
                // Delivered or not, the report is not retried (the standard's rule).
                let _ = client
                    .post(server)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(report.to_vec())
                    .send()
                    .await;
                machine.on_report_sent()
            }
            Action::Burn => machine.on_burned(true),
            Action::Wait { .. } => break,
            _ => break,
        };
        action = match next {
            Ok(a) => a,
            Err(e) => {
                return UpgradeOutcome::Unreachable {
                    error: format!("upgrade machine: {e}"),
                };
            }
        };
    }
    outcome.unwrap_or(UpgradeOutcome::NoUpdate { ret_code: 201 })
}
