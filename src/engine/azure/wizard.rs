//! The wizard's Azure calls: who is signed in and the Key Vaults in reach (Welcome and Key).

use cmek_core::wizard::CloudState;
use cmek_core::wizard::azure::{AzureOverview, VaultSummary};

use crate::providers::azure::{AzureError, AzureProvider};

pub(super) async fn overview(azure: &AzureProvider) -> CloudState {
    match overview_or_why(azure).await {
        Ok(o) => CloudState::Ready(Box::new(o)),
        Err(why) => CloudState::Unusable(why),
    }
}

async fn overview_or_why(azure: &AzureProvider) -> std::result::Result<AzureOverview, String> {
    let with_step = |e: AzureError| match e.next_step() {
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
