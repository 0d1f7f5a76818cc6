//! `tta-tool tta`: the TTA provisioning layer over CWMP: settings a server sends, Informs an
//! STB sends, and parameter paths.

use std::process::ExitCode;

use clap::Subcommand;
use cwmp_codec::{Body, Envelope, ReadOptions};
use tta_datamodel::{Path, check_cwmp_inform, lookup, tta_event};

use crate::io::{fail, print_json, read_input, warn};

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Read a SetParameterValues envelope and print the typed TTA settings it carries (provider
    /// infos, provider selection, authentication result, SDS and SMS servers) as JSON.
    Settings {
        /// The file holding the envelope, or `-` for standard input.
        file: String,
    },
    /// Check an Inform for its TTA event and print the event and the typed device facts as
    /// JSON.
    Inform {
        /// The file holding the envelope, or `-` for standard input.
        file: String,
    },
    /// Print a parameter path's canonical form, its root, its catalog entry and any misprint
    /// it used.
    Path {
        /// The parameter path, e.g. `Device.Services.STBService.1.Applications.ServiceProvider.1.X_TTA_ProvResult`.
        path: String,
    },
}

pub(crate) fn run(cmd: Command) -> ExitCode {
    match cmd {
        Command::Settings { file } => settings(&file),
        Command::Inform { file } => inform(&file),
        Command::Path { path } => path_info(&path),
    }
}

/// Reads one envelope, printing the reader's warnings; `Err` is the exit status already
/// reported.
fn envelope(input: &[u8]) -> Result<Envelope<'static>, ExitCode> {
    let parsed = Envelope::parse_with(input, &ReadOptions::lenient()).map_err(fail)?;
    for w in &parsed.warnings {
        warn(w);
    }
    if parsed.dropped_warnings > 0 {
        warn(format_args!(
            "{} more warnings not recorded",
            parsed.dropped_warnings
        ));
    }
    Ok(parsed.value.into_owned())
}

fn read(file: &str) -> Result<Vec<u8>, ExitCode> {
    read_input(file, ReadOptions::lenient().limits.max_input_bytes)
        .map_err(|e| fail(format_args!("cannot read {file}: {e}")))
}

fn settings(file: &str) -> ExitCode {
    let input = match read(file) {
        Ok(input) => input,
        Err(code) => return code,
    };
    let env = match envelope(&input) {
        Ok(env) => env,
        Err(code) => return code,
    };
    let Body::SetParameterValues(spv) = &env.body else {
        return fail(format_args!(
            "expected a SetParameterValues, found {}",
            env.body.method_name()
        ));
    };
    match tta_datamodel::Settings::from_cwmp(spv) {
        Ok(settings) => print_json(&settings),
        Err(invalid) => fail_each(invalid.problems()),
    }
}

fn inform(file: &str) -> ExitCode {
    let input = match read(file) {
        Ok(input) => input,
        Err(code) => return code,
    };
    let env = match envelope(&input) {
        Ok(env) => env,
        Err(code) => return code,
    };
    let Body::Inform(inform) = &env.body else {
        return fail(format_args!(
            "expected an Inform, found {}",
            env.body.method_name()
        ));
    };
    let Some(event) = tta_event(inform) else {
        return fail(
            "the Inform carries no TTA event (X TTA DHCP, X TTA VENDER_PROVISION, X TTA SERVICE_PROVISION)",
        );
    };
    match check_cwmp_inform(event, inform) {
        Ok(checked) => print_json(&checked),
        Err(invalid) => fail_each(invalid.problems()),
    }
}

/// One `error:` line for each problem, naming the parameter and why; exit status 1.
fn fail_each(problems: &[tta_datamodel::Problem]) -> ExitCode {
    let mut code = ExitCode::SUCCESS;
    for p in problems {
        code = fail(p);
    }
    code
}

#[derive(serde::Serialize)]
struct PathInfo<'a> {
    canonical: &'a str,
    root: tta_datamodel::Root,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<CatalogEntry>,
}

#[derive(serde::Serialize)]
struct CatalogEntry {
    name: tta_datamodel::Parameter,
    #[serde(rename = "type")]
    param_type: tta_datamodel::ParamType,
    phases: &'static [tta_datamodel::Phase],
    direction: tta_datamodel::Direction,
    aliases: tta_datamodel::Aliases,
}

fn path_info(text: &str) -> ExitCode {
    let path = match Path::parse(text) {
        Ok(path) => path,
        Err(e) => return fail(e),
    };
    let found = lookup(path.as_str());
    let canonical = found.map_or(path.as_str(), |m| m.canonical_name());
    print_json(&PathInfo {
        canonical,
        root: path.root(),
        parameter: found.map(|m| CatalogEntry {
            name: m.parameter,
            param_type: m.parameter.xsd_type(),
            phases: m.parameter.phases(),
            direction: m.parameter.direction(),
            aliases: m.aliases,
        }),
    })
}
