//! AWS KMS in the registry: hands over to `plan::aws`, `doctor::aws` and `wizard::aws`.

use crate::doctor::aws::{AwsDoctorFacts, AwsDoctorKey, terraform, validation_text, why};
use crate::doctor::{CloudDoctorFacts, CloudKeyRef};
use crate::identities;
use crate::model::aws::{AwsKeyConfig, AwsKeyRef, AwsRegion};
use crate::model::{KeyCoordinates, ProviderConfig, ProviderKind};
use crate::plan::{Check, RegisteredKey};
use crate::wizard::aws::AwsKeyScreen;
use crate::wizard::{KeyScreen, Prefill};

use super::Cloud;
use crate::export::terraform::documented::Documented;
use crate::export::terraform::{CloudConfig, ExportError, ExportRequest};

pub struct Aws;

impl Cloud for Aws {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Aws
    }

    fn label(&self) -> &'static str {
        "AWS"
    }

    fn anthropic_principal(&self) -> String {
        identities::published().aws.role_arn.clone()
    }

    fn anthropic_principal_display(&self) -> String {
        self.anthropic_principal()
    }

    fn same_key(&self, a: &ProviderConfig, b: &ProviderConfig) -> bool {
        match (AwsKeyConfig::read(a), AwsKeyConfig::read(b)) {
            (Some(a), Some(b)) => a.same_key(&b),
            _ => false,
        }
    }

    fn describe_config(&self, config: &ProviderConfig) -> Option<String> {
        AwsKeyConfig::read(config).map(|c| c.kms_arn)
    }

    fn coordinates(&self, config: &ProviderConfig) -> Option<KeyCoordinates> {
        AwsKeyConfig::read(config).map(|c| c.coordinates())
    }

    fn doctor_key(&self, r: &RegisteredKey) -> Result<Box<dyn CloudKeyRef>, String> {
        let arn = AwsKeyConfig::read(&r.config)
            .map(|c| c.kms_arn)
            .ok_or_else(|| format!("external key {} registers no kms_arn", r.id))?;
        let key: AwsKeyRef = arn
            .parse()
            .map_err(|e| format!("external key {} registers kms_arn `{arn}`, which is not usable: {e}", r.id))?;
        let region = key.region().cloned().unwrap_or_else(|| {
            identities::published().aws.default_region().parse().unwrap_or_else(|_| AwsRegion::recommended())
        });
        Ok(Box::new(AwsDoctorKey { key, region }))
    }

    fn doctor_coordinates(&self) -> &'static str {
        "--provider aws --key ARN"
    }

    fn doctor_unreadable(&self, why: String) -> Box<dyn CloudDoctorFacts> {
        Box::new(AwsDoctorFacts(Err(why)))
    }

    fn validation_causes(&self, error: &str) -> Vec<Check> {
        validation_text::causes(error)
    }

    fn network_ids(&self) -> &'static [&'static str] {
        &["AWS-13"]
    }

    fn grant_names_compartments(&self) -> bool {
        true
    }

    fn why(&self, id: &str) -> Option<&'static str> {
        why(id)
    }

    fn terraform(&self, id: &str) -> Option<&'static str> {
        terraform(id)
    }

    fn cause_order(&self, id: &str) -> Option<u8> {
        crate::doctor::aws::cause_order(id)
    }

    fn needs_credentials(&self) -> (&'static str, &'static str) {
        (
            "needs AWS credentials: set them up, then press r",
            "AWS KMS needs AWS credentials (see above): set them up (e.g. export AWS_PROFILE=..., or aws sso login), \
             then press r to look again.",
        )
    }

    fn key_screen(&self, prefill: &Prefill) -> Box<dyn KeyScreen> {
        Box::new(AwsKeyScreen::new(prefill))
    }

    fn terraform_export(&self, req: &ExportRequest<'_>) -> Result<CloudConfig, ExportError> {
        crate::export::terraform::aws::render(req)
    }

    fn terraform_documented(&self) -> &'static [Documented] {
        crate::export::terraform::aws::DOCUMENTED
    }
}
