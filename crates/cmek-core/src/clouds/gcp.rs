//! Google Cloud KMS in the registry: hands over to `plan::gcp`, `doctor::gcp` and `wizard::gcp`.

use crate::doctor::gcp::{
    GcpDoctorFacts, GcpDoctorKey, NETWORK_IDS, explain_validation, terraform, validation_text, why,
};
use crate::doctor::{CloudDoctorFacts, CloudKeyRef, Finding};
use crate::identities;
use crate::model::gcp::{GcpKeyConfig, GcpKeyName};
use crate::model::{KeyCoordinates, ProviderConfig, ProviderKind};
use crate::plan::{Check, RegisteredKey};
use crate::wizard::gcp::GcpKeyScreen;
use crate::wizard::{KeyScreen, Prefill};

use super::Cloud;
use crate::export::terraform::documented::Documented;
use crate::export::terraform::{CloudConfig, ExportError, ExportRequest};

pub struct Gcp;

impl Cloud for Gcp {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Gcp
    }

    fn label(&self) -> &'static str {
        "Google Cloud"
    }

    fn anthropic_principal(&self) -> String {
        identities::published().gcp.service_account.clone()
    }

    fn anthropic_principal_display(&self) -> String {
        let member = &identities::published().gcp.service_account;
        let email = member.strip_prefix("serviceAccount:").unwrap_or(member);
        format!("{email} (service account)")
    }

    fn same_key(&self, a: &ProviderConfig, b: &ProviderConfig) -> bool {
        match (GcpKeyConfig::read(a), GcpKeyConfig::read(b)) {
            (Some(a), Some(b)) => a.same_key(&b),
            _ => false,
        }
    }

    fn describe_config(&self, config: &ProviderConfig) -> Option<String> {
        GcpKeyConfig::read(config).map(|c| c.key_name)
    }

    fn coordinates(&self, config: &ProviderConfig) -> Option<KeyCoordinates> {
        GcpKeyConfig::read(config).map(|c| c.coordinates())
    }

    fn doctor_key(&self, r: &RegisteredKey) -> Result<Box<dyn CloudKeyRef>, String> {
        let c = GcpKeyConfig::read(&r.config).ok_or_else(|| format!("external key {} registers no key_name", r.id))?;
        let key = GcpKeyName::parse(&c.key_name).map_err(|e| {
            format!("external key {} registers key_name `{}`, which is not usable: {}", r.id, c.key_name, e.reason)
        })?;
        Ok(Box::new(GcpDoctorKey(key)))
    }

    fn doctor_coordinates(&self) -> &'static str {
        "--provider gcp --key projects/P/locations/L/keyRings/R/cryptoKeys/K"
    }

    fn doctor_unreadable(&self, why: String) -> Box<dyn CloudDoctorFacts> {
        Box::new(GcpDoctorFacts::unreadable(why))
    }

    fn validation_causes(&self, error: &str) -> Vec<Check> {
        validation_text::causes(error)
    }

    fn explain_validation(&self, error: &str, findings: &[Finding]) -> Vec<Check> {
        explain_validation(error, findings)
    }

    /// A refused Cloud KMS permission right after the bindings were added is IAM propagation.
    fn is_propagating(&self, error: &str) -> bool {
        validation_text::is_iam_refusal(error)
    }

    fn network_ids(&self) -> &'static [&'static str] {
        NETWORK_IDS
    }

    fn why(&self, id: &str) -> Option<&'static str> {
        why(id)
    }

    fn terraform(&self, id: &str) -> Option<&'static str> {
        terraform(id)
    }

    fn cause_order(&self, id: &str) -> Option<u8> {
        crate::doctor::gcp::cause_order(id)
    }

    fn needs_credentials(&self) -> (&'static str, &'static str) {
        (
            "needs Google credentials: set them up, then press r",
            "Google Cloud KMS needs Google credentials (see above): run `gcloud auth application-default login`, or \
             set GOOGLE_APPLICATION_CREDENTIALS to a service-account key or an external_account (workload identity \
             federation) file, and name the project with --gcp-project (or CLOUDSDK_CORE_PROJECT); then press r to \
             look again.",
        )
    }

    fn key_screen(&self, prefill: &Prefill) -> Box<dyn KeyScreen> {
        Box::new(GcpKeyScreen::new(prefill))
    }

    fn terraform_export(&self, req: &ExportRequest<'_>) -> Result<CloudConfig, ExportError> {
        crate::export::terraform::gcp::render(req)
    }

    fn terraform_documented(&self) -> &'static [Documented] {
        crate::export::terraform::gcp::DOCUMENTED
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";

    fn registered(key_name: &str) -> RegisteredKey {
        RegisteredKey {
            id: "ekey_01gcp".into(),
            display_name: None,
            attached: false,
            config: GcpKeyConfig { key_name: key_name.into() }.to_config(),
            attached_compartments: Vec::new(),
        }
    }

    #[test]
    fn a_registered_key_name_is_doctors_key_and_a_version_suffix_is_refused_with_the_reason() {
        let key = Gcp.doctor_key(&registered(NAME)).unwrap();
        assert_eq!(key.describe(), NAME);
        let e = Gcp.doctor_key(&registered(&format!("{NAME}/cryptoKeyVersions/1"))).err().unwrap();
        assert!(e.contains("ekey_01gcp") && e.contains("without /cryptoKeyVersions"), "{e}");
        let other = registered(NAME);
        assert_eq!(Gcp.describe_config(&other.config).as_deref(), Some(NAME));
        assert!(Gcp.same_key(&other.config, &registered(NAME).config));
        assert!(!Gcp.same_key(&other.config, &registered(&NAME.replace("us-central1", "us-east5")).config));
    }

    #[test]
    fn the_principal_is_the_published_service_account() {
        assert_eq!(
            Gcp.anthropic_principal(),
            "serviceAccount:anthropic-cmek-client-us@gcp-anthropic-cmek-clients.iam.gserviceaccount.com"
        );
        assert!(Gcp.anthropic_principal_display().starts_with("anthropic-cmek-client-us@gcp-anthropic-cmek-clients"));
    }

    #[test]
    fn the_credentials_help_names_adc_wif_and_the_project_flag() {
        let (short, long) = Gcp.needs_credentials();
        assert!(short.contains("press r"));
        for needed in [
            "gcloud auth application-default login",
            "GOOGLE_APPLICATION_CREDENTIALS",
            "external_account",
            "--gcp-project",
        ] {
            assert!(long.contains(needed), "{needed}");
        }
    }

    #[test]
    fn iam_refusals_are_waited_out_and_perimeters_are_not() {
        let denied = format!(
            "PERMISSION_DENIED: Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied on resource '{NAME}'"
        );
        assert!(Gcp.is_propagating(&denied));
        assert!(!Gcp.is_propagating(
            "PERMISSION_DENIED: Request is prohibited by organization's policy. vpcServiceControlsUniqueIdentifier: x"
        ));
        assert!(!Gcp.is_propagating("SERVICE_DISABLED"));
    }
}
