//! The engine calls behind the wizard's intents, in the small steps an interactive flow needs:
//! an overview for the first screens, key candidates, a new workspace, facts + plan, and attach.
//! The wizard never calls these itself; the TUI runtime does, and feeds the results back.

use crate::error::{Error, Result};
use crate::platform::Client;
use crate::platform::types::{CreateWorkspace, Workspace};
use crate::providers::aws::AwsProvider;
use crate::providers::azure::AzureProvider;
use cmek_core::model::{AwsKeyRef, KmsAliasName, OrgUuid, ProviderKind};
use cmek_core::plan::{self, Plan, SetupAnswers, SetupFacts};

use super::Services;
use cmek_core::run::events::Discard;
use cmek_core::wizard::overview::{AzureOverview, KeyCandidate, Overview, VaultSummary, WorkspaceSummary};

impl From<&Workspace> for WorkspaceSummary {
    fn from(w: &Workspace) -> Self {
        Self {
            id: w.id.clone(),
            name: w.name.clone(),
            external_key_id: w.external_key_id.clone(),
            created_at: w.created_at,
        }
    }
}

/// The organisation, its active workspaces, the AWS identity and the Azure identity with its
/// vaults, concurrently. Cloud problems are reported in the overview, not as errors.
pub async fn overview(
    platform: &Client,
    aws: &AwsProvider,
    azure: std::result::Result<&AzureProvider, &str>,
) -> Result<Overview> {
    let (org, workspaces, identity, azure) =
        tokio::join!(platform.organization(), platform.all_workspaces(false), aws.whoami(), azure_overview(azure));
    let org = org.map_err(Error::from)?;
    let org_uuid: OrgUuid = org.id.parse().map_err(|e| {
        Error::remote(format!("the platform returned organisation id `{}`, which is not a bare UUID: {e}", org.id))
    })?;
    let workspaces = workspaces.map_err(Error::from)?;
    Ok(Overview {
        org_name: org.name,
        org_uuid,
        workspaces: workspaces.iter().filter(|w| w.archived_at.is_none()).map(WorkspaceSummary::from).collect(),
        aws_identity: identity.map_err(|e| e.to_string()),
        azure,
        other_providers: vec![(ProviderKind::Gcp, "not supported by this version of cmek yet".to_string())],
    })
}

async fn azure_overview(
    azure: std::result::Result<&AzureProvider, &str>,
) -> std::result::Result<AzureOverview, String> {
    let azure = azure.map_err(|why| format!("the Azure settings are unusable: {why}"))?;
    let with_step = |e: crate::providers::azure::AzureError| match e.next_step() {
        Some(step) => format!("{e}; {step}"),
        None => e.to_string(),
    };
    let caller = azure.whoami().await.map_err(with_step)?;
    let vaults = azure.list_vaults().await.map_err(with_step)?;
    if vaults.is_empty() {
        let subscription = azure.subscription().await.unwrap_or_else(|_| "the default subscription".to_string());
        return Err(format!(
            "signed in to tenant {}, but no Key Vault is visible in subscription {subscription}: create one \
             (az keyvault create --name <name> --resource-group <group> --location eastus2 \
             --enable-rbac-authorization true --enable-purge-protection true) or choose another subscription",
            caller.tenant_id
        ));
    }
    Ok(AzureOverview {
        caller,
        credential_source: azure.credential_source().map(str::to_string),
        vaults: vaults
            .into_iter()
            .map(|v| VaultSummary { name: v.name, uri: v.uri, id: v.id, location: v.location, tenant_id: v.tenant_id })
            .collect(),
    })
}

/// The keys worth offering: the one the alias names, if any.
pub async fn key_candidates(aws: &AwsProvider, alias: &KmsAliasName) -> Result<Vec<KeyCandidate>> {
    let found = aws.find_key(&AwsKeyRef::Alias(alias.clone())).await.map_err(Error::from)?;
    Ok(found
        .into_iter()
        .map(|k| KeyCandidate {
            note: format!(
                "named by {alias}; {}, {}",
                k.description.state.as_str(),
                if k.description.multi_region { "multi-Region" } else { "single-Region" }
            ),
            arn: k.description.arn,
            alias: Some(alias.clone()),
            state: k.description.state,
        })
        .collect())
}

/// Creates a workspace (the recommended home for a CMEK key: nothing in it predates the key).
pub async fn create_workspace(platform: &Client, name: &str) -> Result<WorkspaceSummary> {
    let created = platform
        .create_workspace(&CreateWorkspace { name: name.to_string(), ..Default::default() })
        .await
        .map_err(|e| Error::from(e).context(format!("creating workspace `{name}`")))?;
    Ok(WorkspaceSummary::from(&created))
}

/// Gathers the facts for `answers` and builds the plan (its checks included).
pub async fn prepare(services: &Services, answers: &SetupAnswers) -> Result<(SetupFacts, Plan)> {
    let facts = super::gather(services, answers, &mut Discard).await?;
    let plan = plan::build(answers, &facts).map_err(|e| Error::usage(e.to_string()))?;
    Ok((facts, plan))
}
