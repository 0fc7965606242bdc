//! The Google Cloud inputs of `setup` and `doctor` (flags, environment, answers file): parsed and
//! cross-checked before any call.

use cmek_core::doctor::CloudKeyRef;
use cmek_core::doctor::gcp::{GcpDoctorKey, GcpDoctorKeyInProject};
use cmek_core::model::gcp::{GcpKeyName, GcpLocation};
use cmek_core::plan::gcp::{DEFAULT_IAM_WAIT, DEFAULT_KEY, DEFAULT_KEY_RING, DEFAULT_LOCATION, GcpAnswers, Protection};

use crate::cli::args::{DoctorArgs, SetupArgs};
use crate::error::{Error, Result};

/// The flags of this cloud that were given (a run for another cloud refuses them).
pub(super) fn gcp_flags(setup: &SetupArgs) -> Vec<&'static str> {
    let a = &setup.clouds.gcp;
    // `--key` is shared: it is Google Cloud's when it reads as a Cloud KMS key name.
    let key = setup.key.as_deref().is_some_and(|k| k.trim().starts_with("projects/"));
    [
        ("--key", key),
        ("--gcp-location", a.gcp_location.is_some()),
        ("--gcp-key-ring", a.gcp_key_ring.is_some()),
        ("--gcp-key", a.gcp_key.is_some()),
        ("--gcp-protection", a.gcp_protection.is_some()),
        ("--gcp-iam-wait", a.gcp_iam_wait.is_some()),
    ]
    .into_iter()
    .filter_map(|(flag, given)| given.then_some(flag))
    .collect()
}

/// The Google Cloud inputs, parsed (defaults when absent).
pub(super) fn gcp_answers(setup: &SetupArgs) -> Result<GcpAnswers> {
    let args = &setup.clouds.gcp;
    let protection = match args.gcp_protection.as_deref() {
        Some(text) => Protection::parse(text).map_err(Error::usage)?,
        None => Protection::Hsm,
    };
    let iam_wait = match args.gcp_iam_wait.as_deref() {
        Some(text) => crate::cli::durations::parse_wait(text).map_err(|why| {
            Error::usage(format!("--gcp-iam-wait `{text}`: {why}"))
                .with_hint("examples: 10m, 90s, 1h, 0 (0 = do not wait)")
        })?,
        None => DEFAULT_IAM_WAIT,
    };
    let project = given(&args.gcp_project).or_else(|| given(&args.google_cloud_project));
    let parts = KeyParts {
        project,
        location: given(&args.gcp_location),
        key_ring: given(&args.gcp_key_ring),
        key: given(&args.gcp_key),
    };
    let key = match given(&setup.key) {
        Some(full) => Some(full_key(&full, &parts)?),
        None => None,
    };
    let answers = GcpAnswers {
        key,
        project: parts.project.clone(),
        location: parts.location.clone().unwrap_or_else(|| DEFAULT_LOCATION.into()),
        key_ring: parts.key_ring.clone().unwrap_or_else(|| DEFAULT_KEY_RING.into()),
        key_id: parts.key.clone().unwrap_or_else(|| DEFAULT_KEY.into()),
        protection,
        iam_wait,
    };
    check_parts(&answers)?;
    Ok(answers)
}

/// The key doctor's flags name: `--key projects/...`, or the parts, in `--gcp-project` (or
/// CLOUDSDK_CORE_PROJECT), else in the credential's project as `setup` takes it.
pub(super) fn doctor_key(args: &DoctorArgs) -> Result<Box<dyn CloudKeyRef>> {
    let a = &args.clouds.gcp;
    let parts = KeyParts {
        project: given(&a.gcp_project),
        location: given(&a.gcp_location),
        key_ring: given(&a.gcp_key_ring),
        key: given(&a.gcp_key),
    };
    if let Some(full) = given(&args.key) {
        return Ok(Box::new(GcpDoctorKey(full_key(&full, &parts)?)));
    }
    let location = parts.location.unwrap_or_else(|| DEFAULT_LOCATION.into());
    let key_ring = parts.key_ring.unwrap_or_else(|| DEFAULT_KEY_RING.into());
    let key = parts.key.unwrap_or_else(|| DEFAULT_KEY.into());
    // Checked now, in a stand-in project when none is named, so a bad part makes no call.
    let probe_project = parts.project.as_deref().unwrap_or("cmek-probe");
    let name = GcpKeyName::new(probe_project, &location, &key_ring, &key)
        .map_err(|e| Error::from(e).context("--gcp-project/--gcp-location/--gcp-key-ring/--gcp-key"))?;
    Ok(match parts.project {
        Some(_) => Box::new(GcpDoctorKey(name)),
        None => Box::new(GcpDoctorKeyInProject { location, key_ring, key }),
    })
}

/// The separate parts of a key name, as given.
struct KeyParts {
    project: Option<String>,
    location: Option<String>,
    key_ring: Option<String>,
    key: Option<String>,
}

/// `--key projects/...`: parsed, and refused when a part flag says otherwise (which one is meant
/// cannot be guessed). The project from the environment does not count as a contradiction.
fn full_key(full: &str, parts: &KeyParts) -> Result<GcpKeyName> {
    let key = GcpKeyName::parse(full).map_err(|e| Error::from(e).context("--key"))?;
    let clashes = [
        ("--gcp-location", &parts.location, &key.location),
        ("--gcp-key-ring", &parts.key_ring, &key.key_ring),
        ("--gcp-key", &parts.key, &key.key),
    ];
    for (flag, given, named) in clashes {
        if let Some(given) = given
            && given != named
        {
            return Err(Error::usage(format!("{flag} {given} contradicts --key {key}, which names {named}"))
                .with_hint(format!("give the key once: --key {key}, without {flag}")));
        }
    }
    Ok(key)
}

/// Each part checked now, so a malformed value stops before any call.
fn check_parts(a: &GcpAnswers) -> Result<()> {
    GcpLocation::parse(&a.location).map_err(|e| Error::from(e).context("--gcp-location"))?;
    let probe_project = a.project.as_deref().unwrap_or("cmek-probe");
    GcpKeyName::new(probe_project, &a.location, &a.key_ring, &a.key_id)
        .map_err(|e| Error::from(e).context("--gcp-project/--gcp-key-ring/--gcp-key"))?;
    Ok(())
}

fn given(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}
