//! The firmware/software upgrade endpoint (`POST /upgrade`, the standard's form protocol on
//! `fwupgrade-proto`) and package downloads (`GET /packages/{name}`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use fwupgrade_proto::{Catalog, CheckRequest, Lookup, Offer, PkgId, RetCode, Server, UpgradeMode};
use serde_json::json;
use tracing::{info, warn};

use super::App;
use super::cwmp::now_ms;
use super::store::{Device, Event, PackageInfo, StoreError};

/// A lookup made before the (synchronous) responder runs.
struct Looked(Lookup<'static>);

impl Catalog for Looked {
    fn lookup(&self, _: &CheckRequest<'_>) -> Lookup<'_> {
        self.0.clone()
    }
}

fn pkg_kind(pkg: &PkgId<'_>) -> Option<&'static str> {
    match pkg {
        PkgId::Firmware => Some("firmware"),
        PkgId::Application => Some("application"),
        PkgId::Other(_) => None,
    }
}

async fn lookup(app: &App, request: &CheckRequest<'_>) -> Result<Lookup<'static>, StoreError> {
    let Some(kind) = pkg_kind(&request.pkg_id) else {
        return Ok(Lookup::UnknownPackage);
    };
    let mut conn = app.store.conn().await?;
    let package = PackageInfo::current(
        &mut conn,
        &request.device.dev_manu_fact,
        &request.device.dev_model,
        kind,
    )
    .await?;
    Ok(match package {
        Some(p) => {
            let mut offer = Offer::new(
                format!("{}/packages/{}", app.public_url, p.name),
                p.version.clone(),
                UpgradeMode::Normal,
            );
            offer.pkg_file_size = u64::try_from(p.size).ok();
            offer.pkg_file_name = Some(p.name.into());
            Lookup::Package(offer)
        }
        None => Lookup::NoUpdate,
    })
}

fn form(body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-www-form-urlencoded")],
        body,
    )
        .into_response()
}

/// `POST /upgrade`: an upgrade check (answered with the form the standard defines, retCode
/// and all, always HTTP 200) or a result report (logged on the device).
pub(crate) async fn post(State(app): State<App>, body: Bytes) -> Response {
    let incoming = match fwupgrade_proto::Incoming::parse(&body[..]) {
        Ok(incoming) => incoming,
        Err(e) => {
            // A check that does not parse gets the retCode for it; a report with resultCode
            // but broken fields is answered the same way (the STB only reads retCode).
            let code = RetCode::from(&e);
            app.metrics.upgrade_check(code.code() as u16);
            warn!(error = %e, "unusable upgrade request");
            let responder = Server::new(Looked(Lookup::NoUpdate));
            return form(responder.respond_to_body(&body).to_vec());
        }
    };
    match incoming {
        fwupgrade_proto::Incoming::Check(request) => {
            let looked = match lookup(&app, &request).await {
                Ok(l) => l,
                Err(e) => {
                    warn!(error = %e, "package lookup failed");
                    Lookup::Error("package catalog unavailable".into())
                }
            };
            let responder = Server::new(Looked(looked));
            let response = responder.respond(&request);
            let code = response.ret_code();
            app.metrics.upgrade_check(code.code() as u16);
            info!(device = %request.device.dev_id, pkg = %request.pkg_id, ret_code = code.code(), "upgrade check");
            form(response.to_vec())
        }
        fwupgrade_proto::Incoming::Report(report) => {
            let serial = report.device.dev_id.to_serial();
            let now = now_ms();
            let detail = serde_json::to_value(&report).unwrap_or_default();
            let logged = async {
                let mut conn = app.store.conn().await?;
                let device = Device::find_by_serial(&mut conn, serial.as_str()).await?;
                let device_id =
                    device.map_or_else(|| format!("mac:{}", report.device.dev_id), |d| d.id);
                Event::add(
                    &mut conn,
                    &device_id,
                    now,
                    "upgrade_report",
                    None,
                    &json!({ "report": detail }),
                )
                .await?;
                Ok::<_, StoreError>(device_id)
            }
            .await;
            match logged {
                Ok(device_id) => {
                    info!(device = %device_id, result = %report.result_code, version = %report.pkg_version, "upgrade report");
                    StatusCode::OK.into_response()
                }
                Err(e) => {
                    warn!(error = %e, "upgrade report not stored");
                    StatusCode::SERVICE_UNAVAILABLE.into_response()
                }
            }
        }
    }
}

/// `GET /packages/{name}`: a stored package's content.
pub(crate) async fn package(State(app): State<App>, Path(name): Path<String>) -> Response {
    let content = async {
        let mut conn = app.store.conn().await?;
        PackageInfo::content(&mut conn, &name).await
    }
    .await;
    match content {
        Ok(Some(bytes)) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/octet-stream")],
            bytes,
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "no such package\n").into_response(),
        Err(e) => {
            warn!(error = %e, "package read failed");
            (StatusCode::SERVICE_UNAVAILABLE, "store unavailable\n").into_response()
        }
    }
}
