//! Gathers the facts of `cmek doctor`, read-only: the organisation, its registered configurations
//! and workspaces, the configuration under diagnosis, then its validation and the cloud key
//! concurrently. A source that fails becomes a reason in the facts (its checks say `unknown`);
//! only a selector that names nothing is an error. Decides nothing: that is `doctor`.

use crate::error::{Error, Result};
use crate::platform::Client;
use crate::platform::types::ValidationStatus;
use crate::providers::aws::AwsProvider;
use crate::providers::azure::AzureProvider;
use cmek_core::doctor::{AwsDoctorFacts, CloudDoctorFacts, DoctorFacts, Target, Validation, ValidationFacts};
use cmek_core::model::{AwsKeyRef, AwsRegion, AzureKeyName, AzureVaultRef, DeletedVaultFacts, OrgUuid, WorkspaceRef};
use cmek_core::plan::{AwsAnswers, AzureAnswers, RegisteredKey, SetupAnswers};

use super::doctor_target::{attached_workspace, cloud_key_of, listing, only_key};
use super::facts::{find_workspace, registered_key, workspace_facts};
use cmek_core::run::events::EventSink;

/// What to diagnose, as parsed from the command line.
#[derive(Debug, Clone, Default)]
pub struct DoctorRequest {
    pub external_key: Option<String>,
    pub workspace: Option<WorkspaceRef>,
    pub cloud: Option<CloudKey>,
    pub validate: bool,
}

/// A cloud key named by coordinates, or by a registered configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloudKey {
    Aws { key: AwsKeyRef, region: AwsRegion },
    Azure { vault: Option<AzureVaultRef>, key: AzureKeyName },
}

impl CloudKey {
    pub fn provider(&self) -> &'static str {
        match self {
            CloudKey::Aws { .. } => "aws",
            CloudKey::Azure { .. } => "azure",
        }
    }

    fn describe(&self) -> String {
        match self {
            CloudKey::Aws { key, .. } => key.to_string(),
            CloudKey::Azure { vault: Some(v), key } => format!("{v}/keys/{key}"),
            CloudKey::Azure { vault: None, key } => format!("{key} (in the only vault in reach)"),
        }
    }
}

/// What the platform said, and the cloud key to look at next.
pub struct PlatformPhase {
    facts: DoctorFacts,
    /// The key to inspect: from the coordinates, else from the registered configuration.
    pub cloud: Option<CloudKey>,
    validate: bool,
}

/// The connected cloud client for `PlatformPhase::cloud` (the front end connects it: it knows the
/// credentials and endpoints).
pub enum CloudConnection {
    Aws(Box<AwsProvider>),
    Azure(Box<AzureProvider>),
    /// Connecting failed (why).
    Failed(String),
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
        provider: req.cloud.as_ref().map(CloudKey::provider),
        key: req.cloud.as_ref().map(CloudKey::describe),
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
                Some(_) => CloudDoctorFacts::None(String::new()),
                None => CloudDoctorFacts::None(
                    "no cloud key to inspect: the registered configuration could not be read".into(),
                ),
            },
            azure_deleted_vault: None,
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
    let org: std::result::Result<OrgUuid, String> = org
        .id
        .parse()
        .map_err(|e| format!("the platform returned organisation id `{}`, which is not a bare UUID: {e}", org.id));
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
                 cloud coordinates (--provider aws --key ARN, or --provider azure --azure-vault NAME --azure-key NAME)",
                ws.name, ws.id
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
    target.workspace = workspace.as_ref().map(|w| format!("{} ({})", w.name, w.id)).or(target.workspace);
    target.provider = cloud.as_ref().map(CloudKey::provider);
    target.key = cloud.as_ref().map(CloudKey::describe);
    let facts = DoctorFacts {
        target,
        org,
        platform_auth_refused: false,
        cmek_not_enabled,
        registered,
        all_registered,
        workspace,
        validation: ValidationFacts::NotRun(String::new()),
        cloud: CloudDoctorFacts::None(no_cloud),
        azure_deleted_vault: None,
    };
    Ok(PlatformPhase { facts, cloud, validate: req.validate })
}

/// Phase 2: the validation and the cloud key, concurrently when the configuration is known.
pub async fn finish(
    phase: PlatformPhase,
    client: Option<&Client>,
    cloud: Option<CloudConnection>,
    sink: &mut dyn EventSink,
) -> DoctorFacts {
    let PlatformPhase { mut facts, cloud: key, validate } = phase;
    let cloud_facts = async {
        match (&key, cloud) {
            (Some(k), Some(conn)) => cloud_facts(k, conn, sink).await,
            (Some(_), None) => (CloudDoctorFacts::None("the cloud could not be connected".into()), None),
            (None, _) => (std::mem::replace(&mut facts.cloud, CloudDoctorFacts::None(String::new())), None),
        }
    };
    let known = facts.registered.clone();
    let platform_read = facts.org.is_ok();
    let validation =
        async { if platform_read { Some(run_validation(client, known.as_ref(), validate).await) } else { None } };
    let (validation, (cloud_facts, deleted_vault)) = tokio::join!(validation, cloud_facts);
    facts.cloud = cloud_facts;
    facts.azure_deleted_vault = deleted_vault;
    // An alias resolves to the key's ARN, a vault to its URI: the report names what was inspected.
    match &facts.cloud {
        CloudDoctorFacts::Aws(Ok(a)) => {
            if let Some(k) = &a.key {
                facts.target.key = Some(k.description.arn.to_string());
            }
        }
        CloudDoctorFacts::Azure(Ok(a)) => {
            if let Some(uri) = &a.vault_uri {
                facts.target.key = Some(format!("{}/keys/{}", uri.as_str(), a.key_name));
            }
        }
        _ => {}
    }
    if let Some(v) = validation {
        facts.validation = v;
    }
    // Cloud coordinates: the configuration that registers the same key, found once the key is known.
    if facts.registered.is_none() && platform_read {
        facts.registered = registered_for(&facts);
        if let Some(r) = &facts.registered {
            facts.target.external_key_id = Some(r.id.clone());
            facts.validation = run_validation(client, Some(r), validate).await;
        }
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

/// The cloud's facts, and the Azure vault's entry among the deleted vaults when it could not be
/// read because it is soft-deleted (AZ-12).
async fn cloud_facts(
    key: &CloudKey,
    conn: CloudConnection,
    sink: &mut dyn EventSink,
) -> (CloudDoctorFacts, Option<DeletedVaultFacts>) {
    match (key, conn) {
        (CloudKey::Aws { key, .. }, CloudConnection::Aws(aws)) => {
            sink.emit(cmek_core::run::events::Event::Inspecting { what: format!("AWS KMS key {key}") });
            let (caller, found) = tokio::join!(aws.whoami(), aws.find_key(key));
            let facts = CloudDoctorFacts::Aws(match found {
                Ok(found) => Ok(Box::new(AwsDoctorFacts {
                    asked: key.to_string(),
                    caller: caller.map_err(|e| e.to_string()),
                    key: found,
                })),
                Err(e) => Err(e.to_string()),
            });
            (facts, None)
        }
        (CloudKey::Azure { vault, key }, CloudConnection::Azure(azure)) => {
            let answers = SetupAnswers {
                provider: cmek_core::model::ProviderKind::Azure,
                workspace: None,
                confirm_attach: None,
                display_name: None,
                aws: AwsAnswers {
                    key: None,
                    region: AwsRegion::recommended(),
                    alias: cmek_core::model::KmsAliasName::default_alias(),
                },
                azure: AzureAnswers { vault: vault.clone(), key_name: key.clone(), ..AzureAnswers::default() },
            };
            let gathered = super::azure_facts::gather(&azure, &answers, sink).await;
            // A vault that cannot be read may be in the subscription's bin: look (best effort).
            let deleted = match (&gathered, vault) {
                (Err(_), Some(v)) => azure
                    .deleted_vaults()
                    .await
                    .map_err(|e| tracing::debug!(error = %e, "deleted vaults not readable"))
                    .ok()
                    .and_then(|bin| bin.into_iter().find(|d| v.matches_name(&d.name))),
                _ => None,
            };
            let facts = CloudDoctorFacts::Azure(gathered.map(Box::new).map_err(|e| match e.hints.first() {
                Some(h) => format!("{} ({h})", e.message),
                None => e.message,
            }));
            (facts, deleted)
        }
        (_, CloudConnection::Failed(why)) => match key {
            CloudKey::Aws { .. } => (CloudDoctorFacts::Aws(Err(why)), None),
            CloudKey::Azure { .. } => (CloudDoctorFacts::Azure(Err(why)), None),
        },
        (k, _) => (CloudDoctorFacts::None(format!("connected to the wrong cloud for {}", k.describe())), None),
    }
}

/// The registered configuration naming the key the cloud facts describe.
fn registered_for(f: &DoctorFacts) -> Option<RegisteredKey> {
    match &f.cloud {
        CloudDoctorFacts::Aws(Ok(a)) => {
            let arn = a.key.as_ref()?.description.arn.to_string();
            f.all_registered.iter().find(|r| r.kms_arn.as_deref() == Some(arn.as_str())).cloned()
        }
        CloudDoctorFacts::Azure(Ok(a)) => {
            cmek_core::plan::azure::register::find(&f.all_registered, a.vault_uri.as_ref()?, &a.key_name).cloned()
        }
        _ => None,
    }
}
