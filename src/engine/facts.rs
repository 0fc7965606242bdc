//! Gathers the facts a `setup` plan needs, from the platform and the cloud, concurrently and
//! read-only.

use crate::error::{Error, Result};
use crate::platform::types::{ExternalKey, ProviderConfig, Workspace};
use crate::providers::aws::AwsProvider;
use cmek_core::model::{AwsKeyRef, CompartmentId, OrgUuid, WorkspaceRef};
use cmek_core::plan::{
    AwsFacts, CloudFacts, OrgFacts, RegisteredAzureKey, RegisteredKey, SetupAnswers, SetupFacts, WorkspaceFacts,
};

use super::{CloudClient, Services};
use cmek_core::run::events::{Event, EventSink};

pub async fn gather(services: &Services, answers: &SetupAnswers, sink: &mut dyn EventSink) -> Result<SetupFacts> {
    sink.emit(Event::Inspecting { what: "the organisation, its workspaces and registered keys".into() });
    let cloud = async {
        match &services.cloud {
            CloudClient::Aws(aws) => {
                sink.emit(Event::Inspecting { what: format!("AWS KMS in {}", answers.aws.region) });
                aws_facts(aws, answers).await.map(|f| CloudFacts::Aws(Box::new(f)))
            }
            CloudClient::Azure(azure) => {
                sink.emit(Event::Inspecting {
                    what: "Azure: the signed-in identity and the Key Vaults in reach".into(),
                });
                super::azure_facts::gather(azure, answers, sink).await.map(|f| CloudFacts::Azure(Box::new(f)))
            }
        }
    };
    let (platform, cloud) = tokio::join!(platform_facts(services, answers), cloud);
    let (org, workspace, registered) = platform?;
    Ok(SetupFacts { org, workspace, registered, cloud: cloud? })
}

async fn platform_facts(
    services: &Services,
    answers: &SetupAnswers,
) -> Result<(OrgFacts, Option<WorkspaceFacts>, Vec<RegisteredKey>)> {
    let client = &services.platform;
    let (org, keys, workspaces) =
        tokio::try_join!(client.organization(), client.all_external_keys(), client.all_workspaces(true))
            .map_err(Error::from)?;
    let uuid: OrgUuid = org.id.parse().map_err(|e| {
        Error::remote(format!("the platform returned organisation id `{}`, which is not a bare UUID: {e}", org.id))
    })?;
    let workspace = match &answers.workspace {
        Some(r) => Some(workspace_facts(find_workspace(client, r, &workspaces).await?)?),
        None => None,
    };
    let registered = keys.iter().map(|k| registered_key(k, &workspaces)).collect();
    Ok((OrgFacts { uuid, name: org.name }, workspace, registered))
}

pub(super) async fn find_workspace(
    client: &crate::platform::Client,
    r: &WorkspaceRef,
    all: &[Workspace],
) -> Result<Workspace> {
    match r {
        WorkspaceRef::Id(id) => client.get_workspace(id.as_str()).await.map_err(|e| {
            if e.is_not_found() {
                Error::usage(format!("workspace {id} was not found in this organisation"))
                    .with_hint(format!("workspaces: {}", names(all)))
            } else {
                Error::from(e)
            }
        }),
        WorkspaceRef::Name(name) => {
            let matching: Vec<&Workspace> = all.iter().filter(|w| &w.name == name && w.archived_at.is_none()).collect();
            match matching.as_slice() {
                [one] => Ok((*one).clone()),
                [] => Err(Error::usage(format!("no active workspace is named `{name}`"))
                    .with_hint(format!("workspaces: {}", names(all)))),
                many => Err(Error::usage(format!(
                    "{} workspaces are named `{name}`: {}; pass the id with --workspace",
                    many.len(),
                    many.iter().map(|w| w.id.as_str()).collect::<Vec<_>>().join(", ")
                ))),
            }
        }
    }
}

fn names(all: &[Workspace]) -> String {
    let active: Vec<String> =
        all.iter().filter(|w| w.archived_at.is_none()).map(|w| format!("{} ({})", w.name, w.id)).collect();
    if active.is_empty() { "none".into() } else { active.join(", ") }
}

pub(super) fn workspace_facts(w: Workspace) -> Result<WorkspaceFacts> {
    let compartment: CompartmentId = w.compartment_id.parse().map_err(|e| {
        Error::remote(format!("workspace {} has compartment id `{}`, which is not a UUID: {e}", w.id, w.compartment_id))
    })?;
    Ok(WorkspaceFacts {
        id: w.id,
        name: w.name,
        compartment,
        external_key_id: w.external_key_id,
        archived: w.archived_at.is_some(),
        just_created: chrono::Utc::now().signed_duration_since(w.created_at) < chrono::Duration::hours(1),
        created_at: w.created_at,
    })
}

pub(super) fn registered_key(k: &ExternalKey, workspaces: &[Workspace]) -> RegisteredKey {
    let attached_compartments = workspaces
        .iter()
        .filter(|w| w.external_key_id.as_deref() == Some(k.id.as_str()))
        .filter_map(|w| w.compartment_id.parse::<CompartmentId>().ok())
        .collect();
    RegisteredKey {
        id: k.id.clone(),
        display_name: k.display_name.clone(),
        attached: matches!(k.attachment, crate::platform::types::Attachment::Attached),
        kms_arn: match &k.provider_config {
            ProviderConfig::Aws(c) => Some(c.kms_arn.clone()),
            _ => None,
        },
        azure: match &k.provider_config {
            ProviderConfig::Azure(c) => Some(RegisteredAzureKey {
                vault_uri: c.vault_uri.clone(),
                key_name: c.key_name.clone(),
                tenant_id: c.tenant_id.clone(),
            }),
            _ => None,
        },
        attached_compartments,
    }
}

async fn aws_facts(aws: &AwsProvider, answers: &SetupAnswers) -> Result<AwsFacts> {
    let wanted = answers.aws.key.clone().unwrap_or_else(|| AwsKeyRef::Alias(answers.aws.alias.clone()));
    let (caller, key) = tokio::try_join!(aws.whoami(), aws.find_key(&wanted)).map_err(Error::from)?;
    let alias_target = match (&answers.aws.key, &key) {
        (None, Some(k)) => Some(k.description.arn.clone()),
        _ => None,
    };
    Ok(AwsFacts { caller, key, alias_target })
}
