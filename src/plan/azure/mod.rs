//! The Azure Key Vault plan: vault, consent, key, role, register, validate, attach.

use super::answers::SetupAnswers;
use super::facts::{AzureFacts, SetupFacts};
use super::{Plan, PlanError};

pub(super) fn build(answers: &SetupAnswers, _facts: &SetupFacts, _azure: &AzureFacts) -> Result<Plan, PlanError> {
    Err(PlanError::ProviderNotSupported(answers.provider))
}
