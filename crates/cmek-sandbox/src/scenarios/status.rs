//! The scenarios `cmek status` is shown and tested on: an organisation with keys in every state
//! (`status-mixed`), and one at the platform's raised limits (`status-at-scale`).

use super::{azure, gcp, policies};
use crate::aws::{CUSTOMER_ACCOUNT, SeedKey};
use crate::azure::{CUSTOMER_TENANT, VAULT_NAME};
use crate::platform::SeedWorkspaceSpec;
use crate::platform::wire::{AwsKeyConfig, AzureKeyConfig, GcpKeyConfig, ProviderConfig};
use crate::world::{REGION, Sandbox};

/// Live workspaces in `status-at-scale`, the three seeded ones included.
pub const AT_SCALE_LIVE: usize = 1_000;
/// Archived workspaces in `status-at-scale`.
pub const AT_SCALE_ARCHIVED: usize = 50;
/// Registered keys in `status-at-scale`.
pub const AT_SCALE_KEYS: usize = 200;
/// Of which attached, each to its own live workspace.
pub const AT_SCALE_ATTACHED: usize = 150;

/// A KMS key in the customer's account with `policy`, registered under `display_name`.
fn aws_key(s: &Sandbox, policy: String, display_name: &str) -> Result<String, String> {
    let arn = s.aws.seed_key(SeedKey::customer(policy)).map_err(|e| e.to_string())?;
    let config = ProviderConfig::Aws(AwsKeyConfig { kms_arn: arn.to_string(), region: None });
    Ok(s.platform.seed_external_key(config, display_name))
}

/// production uses a healthy AWS key (as does the archived legacy-2025); staging's AWS key lost
/// its organisation condition, so it fails validation; development has no key; a Google Cloud
/// key is registered, valid and attached to nothing (ready); an Azure key was registered and
/// abandoned (Anthropic never consented in the tenant): an orphan configuration.
pub fn mixed(s: &Sandbox) -> Result<(), String> {
    let healthy = aws_key(s, policies::correct(), "AWS CMEK (production)")?;
    s.platform.attach_seeded_key(&healthy, "production")?;
    let failing = aws_key(s, policies::missing_org_condition(), "AWS CMEK (staging)")?;
    s.platform.attach_seeded_key(&failing, "staging")?;
    let ready = ProviderConfig::Gcp(GcpKeyConfig { key_name: gcp::healthy_key(s)? });
    s.platform.seed_external_key(ready, "GCP CMEK (ready to attach)");
    azure::abandoned_key(s)?;
    let abandoned = ProviderConfig::Azure(AzureKeyConfig {
        vault_uri: format!("https://{VAULT_NAME}.vault.azure.net"),
        key_name: azure::KEY_NAME.to_string(),
        tenant_id: CUSTOMER_TENANT.to_string(),
        client_id: None,
    });
    s.platform.seed_external_key(abandoned, "Azure CMEK (abandoned)");
    s.platform.seed_workspaces(&[SeedWorkspaceSpec {
        name: "legacy-2025".into(),
        archived: true,
        external_key_id: Some(healthy),
    }]);
    Ok(())
}

/// 1,000 live workspaces (the three seeded and `team-0004`..`team-1000`), 50 archived
/// (`old-0001`..), and 200 registered AWS configurations, the first 150 attached to
/// `team-0004`.. one each, the other 50 attached to nothing. The keys are not in the AWS
/// emulator: validating them fails (this scenario is about listing, not about keys).
pub fn at_scale(s: &Sandbox) -> Result<(), String> {
    let keys: Vec<String> = (1..=AT_SCALE_KEYS)
        .map(|n| {
            let kms_arn = format!("arn:aws:kms:{REGION}:{CUSTOMER_ACCOUNT}:key/{n:08x}-0000-4000-8000-{n:012x}");
            let config = ProviderConfig::Aws(AwsKeyConfig { kms_arn, region: None });
            s.platform.seed_external_key(config, &format!("team key {n:03}"))
        })
        .collect();
    let seeded = crate::platform::seed::WORKSPACES.len();
    let mut specs: Vec<SeedWorkspaceSpec> = (seeded + 1..=AT_SCALE_LIVE)
        .map(|n| SeedWorkspaceSpec { name: format!("team-{n:04}"), ..SeedWorkspaceSpec::default() })
        .collect();
    for (spec, key) in specs.iter_mut().zip(keys.iter().take(AT_SCALE_ATTACHED)) {
        spec.external_key_id = Some(key.clone());
    }
    specs.extend((1..=AT_SCALE_ARCHIVED).map(|n| SeedWorkspaceSpec {
        name: format!("old-{n:04}"),
        archived: true,
        external_key_id: None,
    }));
    s.platform.seed_workspaces(&specs);
    Ok(())
}
