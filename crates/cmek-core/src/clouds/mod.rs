//! The clouds `cmek` sets up, one registration line each (`all`). What the shared core asks of a
//! cloud when it starts from the cloud's name rather than from one of its values: a registered
//! configuration, a validation error text, a catalogue id, the Welcome screen.
//!
//! Each cloud's entry (`aws.rs`, `gcp.rs`, `azure.rs`) only hands over to its own folders in
//! `plan`, `doctor` and `wizard`.

mod aws;
mod azure;
mod gcp;

use crate::doctor::{CloudDoctorFacts, CloudKeyRef, Finding};
use crate::export::terraform::documented::Documented;
use crate::export::terraform::{CloudConfig, ExportError, ExportRequest};
use crate::model::{KeyCoordinates, ProviderConfig, ProviderKind};
use crate::plan::{Check, RegisteredKey};
use crate::wizard::{KeyScreen, Prefill};

/// One cloud, as the shared core sees it.
pub trait Cloud: Send + Sync {
    fn kind(&self) -> ProviderKind;

    /// The short name on the Welcome screen, e.g. "AWS".
    fn label(&self) -> &'static str;

    /// Anthropic's published identity there, as reported (the role ARN, the app's client id).
    fn anthropic_principal(&self) -> String;

    /// The same, as the Plan screen shows it for a reviewer to compare with the CMEK guide.
    fn anthropic_principal_display(&self) -> String;

    /// Whether two of this cloud's configurations name the same key.
    fn same_key(&self, a: &ProviderConfig, b: &ProviderConfig) -> bool;

    /// How listings name a registered configuration's key (an ARN, a key URL).
    fn describe_config(&self, config: &ProviderConfig) -> Option<String>;

    /// Where a registered configuration's key lives (`cmek status`), when it has this cloud's fields.
    fn coordinates(&self, config: &ProviderConfig) -> Option<KeyCoordinates>;

    /// The key a registered configuration names, for doctor; why it cannot be looked at otherwise.
    fn doctor_key(&self, registered: &RegisteredKey) -> Result<Box<dyn CloudKeyRef>, String>;

    /// How a key of this cloud is named on doctor's command line, e.g. "--provider aws --key ARN".
    fn doctor_coordinates(&self) -> &'static str;

    /// Doctor's facts when the cloud could not be reached at all (why): every check says `unknown`.
    fn doctor_unreadable(&self, why: String) -> Box<dyn CloudDoctorFacts>;

    /// The findings a validation error text points at (ANT-06), most specific first.
    fn validation_causes(&self, error: &str) -> Vec<Check>;

    /// As `validation_causes`, refined with what doctor found (e.g. a refusal that is only a grant
    /// still propagating, when the grant exists).
    fn explain_validation(&self, error: &str, _findings: &[Finding]) -> Vec<Check> {
        self.validation_causes(error)
    }

    /// Whether a validation failure means an access grant has not taken effect yet.
    fn is_propagating(&self, _error: &str) -> bool {
        false
    }

    /// Whether the key's grant names workspaces' compartments (AWS's encryption-context
    /// condition). Then a setup reads the archived workspaces too: a key keeps serving the
    /// compartments of archived workspaces that use it (AWS-14). Elsewhere a setup reads only
    /// the active ones.
    fn grant_names_compartments(&self) -> bool {
        false
    }

    /// The findings about the network path to the key, which a validation timeout points at.
    fn network_ids(&self) -> &'static [&'static str];

    /// Why a catalogue id of this cloud matters.
    fn why(&self, id: &str) -> Option<&'static str>;

    /// The Terraform equivalent of a catalogue id's fix.
    fn terraform(&self, id: &str) -> Option<&'static str>;

    /// How close to the root of a failure one of this cloud's ids is (lower first), for ranking.
    fn cause_order(&self, id: &str) -> Option<u8>;

    /// What Welcome says when the cloud's credentials are not usable: short (in the list), and
    /// when it is chosen anyway (with how to set them up).
    fn needs_credentials(&self) -> (&'static str, &'static str);

    /// The cloud's Key screen, started from the answers' pre-fill.
    fn key_screen(&self, prefill: &Prefill) -> Box<dyn KeyScreen>;

    /// The cloud's part of `cmek export terraform` (`export::terraform::<cloud>`).
    fn terraform_export(&self, req: &ExportRequest<'_>) -> Result<CloudConfig, ExportError>;

    /// What that renderer may write, with the documentation of each (the checked list).
    fn terraform_documented(&self) -> &'static [Documented];
}

/// Every cloud this build sets up, in the order the Welcome screen lists them.
pub fn all() -> &'static [&'static dyn Cloud] {
    &[&aws::Aws, &gcp::Gcp, &azure::Azure]
}

/// The cloud `kind` names, when this build sets it up.
pub fn get(kind: ProviderKind) -> Option<&'static dyn Cloud> {
    all().iter().copied().find(|c| c.kind() == kind)
}

/// The cloud a new run starts on when nothing was asked for.
pub fn default_kind() -> ProviderKind {
    all()[0].kind()
}

/// Whether two configurations name the same key (never across clouds; a cloud this build does not
/// know compares its fields as they are).
pub fn same_key(a: &ProviderConfig, b: &ProviderConfig) -> bool {
    if a.provider != b.provider {
        return false;
    }
    match a.kind().and_then(get) {
        Some(cloud) => cloud.same_key(a, b),
        None => a == b,
    }
}

/// Where a registered configuration's key lives, as its own cloud reads it; `None` for a cloud
/// this build does not know or a configuration missing its cloud's fields.
pub fn coordinates(config: &ProviderConfig) -> Option<KeyCoordinates> {
    config.kind().and_then(get).and_then(|cloud| cloud.coordinates(config))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::aws::AwsKeyConfig;
    use crate::model::azure::AzureKeyConfig;

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn aws(arn: &str, region: Option<&str>) -> ProviderConfig {
        AwsKeyConfig { kms_arn: arn.into(), region: region.map(str::to_owned) }.to_config()
    }

    fn azure(uri: &str, tenant: &str, client: Option<&str>) -> ProviderConfig {
        AzureKeyConfig {
            vault_uri: uri.into(),
            key_name: "cmek".into(),
            tenant_id: tenant.into(),
            client_id: client.map(str::to_owned),
        }
        .to_config()
    }

    #[test]
    fn aws_keys_match_on_the_arn_and_a_region_only_when_both_have_one() {
        assert!(same_key(&aws(ARN, None), &aws(ARN, Some("us-east-2"))));
        assert!(same_key(&aws(ARN, Some("us-east-2")), &aws(ARN, Some("us-east-2"))));
        assert!(!same_key(&aws(ARN, Some("us-west-2")), &aws(ARN, Some("us-east-2"))));
        assert!(!same_key(&aws(ARN, None), &aws(&ARN.replace("1234abcd", "9999abcd"), None)));
    }

    #[test]
    fn different_providers_never_match() {
        let gcp: ProviderConfig = serde_json::from_value(serde_json::json!({"type": "gcp", "key_name": ARN})).unwrap();
        assert!(!same_key(&aws(ARN, None), &gcp));
        assert!(same_key(&gcp, &gcp.clone()));
    }

    #[test]
    fn azure_keys_compare_hosts_and_ids_case_insensitively() {
        let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let want = azure("https://vault.vault.azure.net", tenant, None);
        assert!(same_key(&want, &azure("https://Vault.vault.azure.net/", &tenant.to_uppercase(), None)));
        assert!(!same_key(&want, &azure("https://other.vault.azure.net", tenant, None)));
        assert!(!same_key(&want, &azure("https://vault.vault.azure.net", tenant, Some("app"))));
    }

    #[test]
    fn every_cloud_is_registered_once_and_found_by_its_kind() {
        for cloud in all() {
            assert_eq!(get(cloud.kind()).map(|c| c.kind()), Some(cloud.kind()));
        }
        let mut kinds: Vec<ProviderKind> = all().iter().map(|c| c.kind()).collect();
        kinds.dedup();
        assert_eq!(kinds.len(), all().len());
    }
}
