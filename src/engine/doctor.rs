//! Gathers the facts of `cmek doctor`, read-only: the organisation, its registered configurations
//! and workspaces, the configuration under diagnosis, then its validation and the cloud key
//! concurrently. A source that fails becomes a reason in the facts (its checks say `unknown`);
//! only a selector that names nothing is an error. Decides nothing: that is `doctor`.

use std::sync::Arc;

use cmek_core::doctor::{CloudDiagnosis, CloudKeyRef, DoctorFacts, Target, Validation, ValidationFacts};
use cmek_core::model::{OrgUuid, ProviderKind, WorkspaceRef};
use cmek_core::plan::RegisteredKey;
use cmek_core::run::events::EventSink;

use super::cloud::CloudRuntime;
use super::doctor_target::{attached_workspace, cloud_key_of, listing, only_key};
use super::facts::{find_workspace, registered_key, workspace_facts};
use crate::error::{Error, Result};
use crate::platform::Client;
use crate::platform::types::ValidationStatus;

/// What to diagnose, as parsed from the command line.
#[derive(Debug, Clone, Default)]
pub struct DoctorRequest {
    pub external_key: Option<String>,
    pub workspace: Option<WorkspaceRef>,
    /// A cloud key named by its coordinates (`--provider ... --key ...`).
    pub cloud: Option<Box<dyn CloudKeyRef>>,
    pub validate: bool,
}

/// What the platform said, and the cloud key to look at next.
pub struct PlatformPhase {
    facts: DoctorFacts,
    /// The key to inspect: from the coordinates, else from the registered configuration.
    pub cloud: Option<Box<dyn CloudKeyRef>>,
    validate: bool,
}

/// Phase 1: the organisation, registered configurations and workspaces (concurrently), and the
/// target the selectors name. `client` is `Err(reason)` when no admin credential
/// could be set up: doctor then reports ANT-01 and looks at the cloud key alone.
pub async fn platform_phase(
    client: std::result::Result<&Client, String>,
    req: &DoctorRequest,
) -> Result<PlatformPhase> {
    let mut target = Target {
        selector: match (&req.external_key, &req.workspace, &req.cloud) {
            (Some(_), _, _) => "external_key",
            (None, Some(_), None) => "workspace",
            (None, _, Some(_)) => "cloud_key",
            (None, None, None) => "external_key",
        },
        external_key_id: req.external_key.clone(),
        workspace: req.workspace.as_ref().map(ToString::to_string),
        provider: req.cloud.as_ref().map(|c| c.provider().as_str()),
        key: req.cloud.as_ref().map(|c| c.describe()),
    };
    let unread = |why: String, refused: bool| {
        let cloud = req.cloud.clone();
        let facts = DoctorFacts {
            target: target.clone(),
            org: Err(why.clone()),
            platform_auth_refused: refused,
            cmek_not_enabled: None,
            registered: None,
            all_registered: Vec::new(),
            workspace: None,
            validation: ValidationFacts::NotRun(format!("the Admin API could not be used: {why}")),
            cloud: match &cloud {
                Some(_) => CloudDiagnosis::None(String::new()),
                None => CloudDiagnosis::None(
                    "no cloud key to inspect: the registered configuration could not be read".into(),
                ),
            },
        };
        PlatformPhase { facts, cloud, validate: false }
    };
    let client = match client {
        Ok(c) => c,
        Err(why) => return Ok(unread(why, true)),
    };
    let (org, keys, workspaces) =
        tokio::join!(client.organization(), client.all_external_keys(), client.all_workspaces(true));
    // ANT-02 refuses only the external-key calls: the rest of the platform still answers.
    let (keys, cmek_not_enabled) = match keys {
        Err(e) if e.is_cmek_not_enabled() => (Ok(Vec::new()), Some(e.to_string())),
        other => (other, None),
    };
    let listed = org.and_then(|o| Ok((o, keys?, workspaces?)));
    let (org, keys, workspaces) = match listed {
        Ok(all) => all,
        // Unreachable with nothing else to look at: a platform error, not a diagnosis.
        Err(e) if !e.is_auth() && req.cloud.is_none() => return Err(Error::from(e)),
        Err(e) => {
            let refused = e.is_auth();
            let mut why = e.to_string();
            if let Some(h) = e.hint() {
                why = format!("{why} ({h})");
            }
            return Ok(unread(why, refused));
        }
    };
    let org: std::result::Result<OrgUuid, String> = org.uuid();
    let all_registered: Vec<RegisteredKey> = keys.iter().map(|k| registered_key(k, &workspaces)).collect();

    let workspace = match &req.workspace {
        Some(r) => Some(workspace_facts(find_workspace(client, r, &workspaces).await?)?),
        None => None,
    };
    let chosen_id = match (&req.external_key, &workspace, &req.cloud) {
        (Some(id), _, _) => Some(id.clone()),
        (None, Some(ws), None) => Some(ws.external_key_id.clone().ok_or_else(|| {
            Error::usage(format!(
                "workspace {} ({}) has no key attached: name the key you mean to attach with --external-key, or with \
                 cloud coordinates ({})",
                cmek_core::text::escape_controls(&ws.name),
                ws.id,
                super::doctor_target::coordinates()
            ))
        })?),
        (None, _, Some(_)) => None,
        (None, None, None) => Some(only_key(&all_registered)?),
    };
    let registered = match &chosen_id {
        Some(id) => Some(all_registered.iter().find(|r| &r.id == id).cloned().ok_or_else(|| {
            Error::usage(format!("no external key {id} is registered in this organisation"))
                .with_hint(format!("registered: {}", listing(&all_registered)))
        })?),
        None => None,
    };
    // Without --workspace, a configuration attached to one workspace is checked against it.
    let workspace = match (workspace, &registered) {
        (Some(w), _) => Some(w),
        (None, Some(r)) => attached_workspace(&workspaces, &r.id)?,
        (None, None) => None,
    };
    let (cloud, no_cloud) = match (&req.cloud, &registered) {
        (Some(c), _) => (Some(c.clone()), String::new()),
        (None, Some(r)) => match cloud_key_of(r) {
            Ok(c) => (Some(c), String::new()),
            Err(why) => (None, why),
        },
        (None, None) => (None, "no cloud key is named".to_string()),
    };
    target.external_key_id = registered.as_ref().map(|r| r.id.clone());
    target.workspace = workspace
        .as_ref()
        .map(|w| format!("{} ({})", cmek_core::text::escape_controls(&w.name), w.id))
        .or(target.workspace);
    target.provider = cloud.as_ref().map(|c| c.provider().as_str());
    target.key = cloud.as_ref().map(|c| c.describe());
    let facts = DoctorFacts {
        target,
        org,
        platform_auth_refused: false,
        cmek_not_enabled,
        registered,
        all_registered,
        workspace,
        validation: ValidationFacts::NotRun(String::new()),
        cloud: CloudDiagnosis::None(no_cloud),
    };
    Ok(PlatformPhase { facts, cloud, validate: req.validate })
}

/// Doctor's facts in as few round trips as the selectors allow. A key named by its registration:
/// the platform, then the cloud key and the validation together. A key named by cloud
/// coordinates: the platform and the cloud key together from the start, and the validation as soon
/// as the key's registration is known (`CloudRuntime::registered_name`). `connect`: the runtime
/// of a cloud, or why it could not be set up.
pub async fn gather(
    client: std::result::Result<&Client, String>,
    req: &DoctorRequest,
    connect: &(dyn Fn(ProviderKind) -> std::result::Result<Arc<dyn CloudRuntime>, String> + Sync),
    sink: &mut dyn EventSink,
) -> Result<DoctorFacts> {
    let Some(key) = &req.cloud else {
        let phase = platform_phase(client.clone(), req).await?;
        let connection = phase.cloud.as_ref().map(|key| connect(key.provider()));
        return Ok(finish(phase, client.ok(), connection, sink).await);
    };
    let runtime = connect(key.provider());
    let Ok(cloud) = runtime.clone() else {
        let phase = platform_phase(client.clone(), req).await?;
        return Ok(finish(phase, client.ok(), Some(runtime), sink).await);
    };
    let platform = async {
        let (phase, named) = tokio::join!(platform_phase(client.clone(), req), cloud.registered_name(&**key));
        let phase = phase?;
        // The registration to validate: the one the selectors chose, else the one naming this key.
        let early = phase.facts.registered.clone().or_else(|| {
            let named = named.unwrap_or_else(|| key.clone());
            registration_named(&phase.facts.all_registered, &*named)
        });
        let validation = match (&early, phase.facts.org.is_ok()) {
            (Some(r), true) => Some(run_validation(client.clone().ok(), Some(r), phase.validate).await),
            _ => None,
        };
        Ok::<_, Error>((phase, early, validation))
    };
    let (platform, diagnosed) = tokio::join!(platform, cloud.diagnose(&**key, sink));
    let (phase, early, validation) = platform?;
    let PlatformPhase { mut facts, validate, .. } = phase;
    facts.cloud = CloudDiagnosis::Inspected(diagnosed);
    settle_target(&mut facts);
    if facts.org.is_err() {
        return Ok(facts);
    }
    facts.validation = match (validation, &early) {
        // Validated while the key was read: the same registration.
        (Some(v), Some(e)) if facts.registered.as_ref().is_some_and(|r| r.id == e.id) => v,
        _ => run_validation(client.ok(), facts.registered.as_ref(), validate).await,
    };
    Ok(facts)
}

/// The registration whose key is `key` (as `Cloud::doctor_key` names it).
fn registration_named(all: &[RegisteredKey], key: &dyn CloudKeyRef) -> Option<RegisteredKey> {
    all.iter().find(|r| cloud_key_of(r).is_ok_and(|named| *named == *key)).cloned()
}

/// Names what was inspected (an alias resolves to the key's ARN, a vault to its URI) and, for a
/// key named by cloud coordinates, finds the registration of the same key once the key is known.
/// `true` when that registration was found just now (it has not been validated yet).
fn settle_target(facts: &mut DoctorFacts) -> bool {
    if let CloudDiagnosis::Inspected(c) = &facts.cloud
        && let Some(resolved) = c.resolved_key()
    {
        facts.target.key = Some(resolved);
    }
    if facts.registered.is_some() || facts.org.is_err() {
        return false;
    }
    facts.registered = registered_for(facts);
    let Some(r) = &facts.registered else { return false };
    facts.target.external_key_id = Some(r.id.clone());
    true
}

/// Phase 2: the validation and the cloud key, concurrently when the configuration is known.
/// `cloud`: the runtime of the key's cloud, or why it could not be set up.
pub async fn finish(
    phase: PlatformPhase,
    client: Option<&Client>,
    cloud: Option<std::result::Result<Arc<dyn CloudRuntime>, String>>,
    sink: &mut dyn EventSink,
) -> DoctorFacts {
    let PlatformPhase { mut facts, cloud: key, validate } = phase;
    let cloud_facts = async {
        match (&key, cloud) {
            (Some(k), Some(Ok(runtime))) => CloudDiagnosis::Inspected(runtime.diagnose(&**k, sink).await),
            (Some(k), Some(Err(why))) => match cmek_core::clouds::get(k.provider()) {
                Some(c) => CloudDiagnosis::Inspected(c.doctor_unreadable(why)),
                None => CloudDiagnosis::None(why),
            },
            (Some(_), None) => CloudDiagnosis::None("the cloud could not be connected".into()),
            (None, _) => std::mem::replace(&mut facts.cloud, CloudDiagnosis::None(String::new())),
        }
    };
    let known = facts.registered.clone();
    let platform_read = facts.org.is_ok();
    let validation =
        async { if platform_read { Some(run_validation(client, known.as_ref(), validate).await) } else { None } };
    let (validation, cloud_facts) = tokio::join!(validation, cloud_facts);
    facts.cloud = cloud_facts;
    if let Some(v) = validation {
        facts.validation = v;
    }
    if settle_target(&mut facts) {
        facts.validation = run_validation(client, facts.registered.as_ref(), validate).await;
    }
    facts
}

async fn run_validation(
    client: Option<&Client>,
    registered: Option<&RegisteredKey>,
    validate: bool,
) -> ValidationFacts {
    let (Some(client), Some(r)) = (client, registered) else {
        return ValidationFacts::NotRun(
            "the key is not registered with the organisation: there is nothing to validate (cmek setup registers it)"
                .into(),
        );
    };
    if !validate {
        return ValidationFacts::NotRun(format!("--no-validate: {} was not validated", r.id));
    }
    match client.validate_external_key(&r.id).await {
        Ok(v) => ValidationFacts::Done(Validation { ok: v.status == ValidationStatus::Success, error: v.error }),
        Err(e) => ValidationFacts::Unreadable(format!("validating {} failed: {e}", r.id)),
    }
}

/// The registered configuration naming the key the cloud facts describe.
fn registered_for(f: &DoctorFacts) -> Option<RegisteredKey> {
    match &f.cloud {
        CloudDiagnosis::Inspected(c) => c.registration(&f.all_registered).cloned(),
        CloudDiagnosis::None(_) => None,
    }
}
