//! Doctor's look at an Azure Key Vault key, read-only: the same facts a run plans on, and, when the
//! vault cannot be read, whether it waits in the subscription's deleted vaults (AZ-12).

use cmek_core::doctor::azure::{AzureDoctorFacts, AzureDoctorKey};
use cmek_core::doctor::{CloudDoctorFacts, CloudKeyRef};
use cmek_core::run::events::EventSink;

use crate::providers::azure::AzureProvider;

pub(super) async fn diagnose(
    azure: &AzureProvider,
    key: &dyn CloudKeyRef,
    sink: &mut dyn EventSink,
) -> Box<dyn CloudDoctorFacts> {
    let Some(AzureDoctorKey { vault, key }) = key.downcast_ref::<AzureDoctorKey>() else {
        let why = format!("{} is not an Azure Key Vault key", key.describe());
        return Box::new(AzureDoctorFacts { facts: Err(why), deleted_vault: None });
    };
    let gathered = super::facts::gather(azure, vault.as_ref(), key, sink).await;
    // A vault that cannot be read may be in the subscription's bin: look (best effort).
    let deleted_vault = match (&gathered, vault) {
        (Err(_), Some(v)) => azure
            .deleted_vaults()
            .await
            .map_err(|e| tracing::debug!(error = %e, "deleted vaults not readable"))
            .ok()
            .and_then(|bin| bin.into_iter().find(|d| v.matches_name(&d.name))),
        _ => None,
    };
    let facts = gathered.map(Box::new).map_err(|e| match e.hints.first() {
        Some(h) => format!("{} ({h})", e.message),
        None => e.message,
    });
    Box::new(AzureDoctorFacts { facts, deleted_vault })
}
