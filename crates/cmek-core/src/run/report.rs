//! What a run did, as plain data for the front ends: each step's outcome, what was created and
//! registered, the validation's answer and the attach.

use crate::error::Error;
use crate::model::KmsKeyArn;
use crate::plan::{Action, KeyTarget, Plan};

use super::events::StepOutcome;

/// The validation answer, kept whole for the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ValidationResult {
    pub success: bool,
    pub error: Option<String>,
}

/// What a run did. `outcomes[i]` belongs to `plan.steps[i]`.
#[derive(Debug, Clone)]
pub struct RunReport {
    pub outcomes: Vec<StepOutcome>,
    pub key_arn: Option<KmsKeyArn>,
    pub external_key_id: Option<String>,
    pub validation: Option<ValidationResult>,
    pub attached_to: Option<String>,
    /// Why the run stopped early, if it did.
    pub failure: Option<Error>,
    /// Where the run's journal (and any policy backup) is.
    pub journal_dir: std::path::PathBuf,
    /// What the run left in Azure.
    pub cloud: CloudResult,
}

/// What a run left in the cloud beyond the AWS key ARN: the Azure key id and service principal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudResult {
    /// Azure: the key id (`kid`, with its version) the run created, or the existing key's.
    pub azure_key_id: Option<String>,
    /// Azure: the object id of Anthropic's service principal, created by the run or found.
    pub azure_service_principal: Option<String>,
}

impl RunReport {
    /// A run that could not start (no AWS connection, no journal): every step skipped.
    pub fn not_started(plan: &Plan, error: Error) -> RunReport {
        RunReport {
            outcomes: plan.steps.iter().map(|_| StepOutcome::Skipped).collect(),
            key_arn: initial_key(plan),
            external_key_id: initial_registration(plan),
            validation: None,
            attached_to: None,
            failure: Some(error),
            journal_dir: std::path::PathBuf::new(),
            cloud: CloudResult::default(),
        }
    }
}

pub fn initial_key(plan: &Plan) -> Option<KmsKeyArn> {
    plan.steps.iter().find_map(|s| match &s.action {
        Action::UpdateKeyPolicy { key, .. } => Some(key.clone()),
        Action::RegisterKey { target: KeyTarget::Aws { kms_arn, .. }, .. } => kms_arn.clone(),
        _ => None,
    })
}

pub fn initial_registration(plan: &Plan) -> Option<String> {
    plan.steps.iter().find_map(|s| match &s.action {
        Action::RegisterKey { existing_id, .. } => existing_id.clone(),
        _ => None,
    })
}
