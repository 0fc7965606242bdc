//! `cmek doctor`: parse the selectors (a malformed value makes no call), gather the facts through
//! the engine (read-only), evaluate them, print the report. Exit 1 when a high or critical check
//! fails, 3 when the admin credential is refused, else 0.

use super::args::DoctorArgs;
use super::clouds;
use super::connect::Reach;
use super::doctor_report;
use super::setup::parse_opt;
use super::setup_report::ProgressPrinter;
use crate::engine::doctor::{DoctorRequest, gather};
use crate::error::{Error, ErrorKind, Result};
use crate::output::Output;
use cmek_core::doctor;
use cmek_core::model::{ProviderKind, WorkspaceRef};

pub async fn run(request: &DoctorRequest, reach: &Reach<'_>, out: &Output) -> Result<i32> {
    let client = match reach.platform_client() {
        Ok(c) => Ok(c),
        // A bad base URL is a usage error; a missing or unusable admin credential is a finding (ANT-01).
        Err(e) if e.kind == ErrorKind::Usage && e.message.starts_with("--base-url") => return Err(e),
        Err(e) => Err(e),
    };
    let reason = |e: &Error| match e.hints.first() {
        Some(h) => format!("{} ({h})", e.message),
        None => e.message.clone(),
    };
    let connect = |provider| reach.cloud(provider).map_err(|e| reason(&e));
    let mut progress = ProgressPrinter::new(out);
    let facts = gather(client.as_ref().map_err(reason), request, &connect, &mut progress).await?;
    let report = doctor::evaluate(&facts);
    doctor_report::print(out, &report);
    Ok(report.exit_code())
}

/// Parses and cross-checks the selectors before anything is called.
pub fn request_from(args: &DoctorArgs) -> Result<DoctorRequest> {
    let workspace = parse_opt::<WorkspaceRef>(&args.workspace)?;
    let external_key = args.external_key.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    if let Some(id) = &external_key
        && (id.contains('/') || id.chars().any(char::is_whitespace))
    {
        return Err(Error::usage(format!("--external-key `{id}` is not an external key id (ekey_...)"))
            .with_hint("list them: cmek doctor (with no selector) names every registered key"));
    }
    let given: Vec<&dyn clouds::CliCloud> =
        clouds::all().iter().copied().filter(|c| c.doctor_flags_given(args)).collect();
    let provider = match args.provider.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(p.parse::<ProviderKind>()?),
        None => match given.as_slice() {
            [] => None,
            [one] => Some(one.kind()),
            many => {
                let named: Vec<String> =
                    many.iter().map(|c| format!("{} ({})", c.doctor_flags(), label(c.kind()))).collect();
                return Err(Error::usage(format!("{} cannot be combined", named.join(" and "))));
            }
        },
    };
    let cloud = match provider {
        None => None,
        Some(kind) => {
            let Some(cloud) = clouds::get(kind) else {
                return Err(Error::usage(format!(
                    "provider `{kind}` is not supported yet; doctor inspects {} keys",
                    clouds::provider_list()
                )));
            };
            if let Some(other) = given.iter().find(|c| c.kind() != kind) {
                return Err(Error::usage(format!(
                    "{} are for --provider {}, not {kind}",
                    other.doctor_flags(),
                    other.kind()
                )));
            }
            Some(cloud.doctor_key(args)?)
        }
    };
    Ok(DoctorRequest { external_key, workspace, cloud, validate: !args.no_validate })
}

/// The cloud's short name in messages ("AWS").
fn label(kind: ProviderKind) -> &'static str {
    cmek_core::clouds::get(kind).map_or(kind.as_str(), |c| c.label())
}
