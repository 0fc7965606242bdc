//! The Google Cloud KMS plan: key ring, key (created, or its labels merged), Anthropic's two
//! key-scoped roles, register, validate, attach.
//!
//! Checks that need no change come first and block before anything is made (the API, the
//! location, a perimeter): a key ring and a key can never be deleted, so a refused run must not
//! leave one behind. Steps, in order: create the key ring, create the key | merge its labels,
//! grant Anthropic (read-modify-write of the key's IAM policy, shown as a diff), then the shared
//! register, validate and attach. Each check carries its `doctor-catalogue.md` id; a failure a
//! planned step fixes is "to do", not a failure.

mod access;
mod answers;
mod facts;
mod gcloud;
mod key_checks;
pub mod labels;
mod outcome;
mod project_checks;
pub mod register;
mod steps;
mod versions;

#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixtures;
#[cfg(test)]
mod tests;

pub use access::ANTHROPIC_ROLES;
pub use answers::{DEFAULT_IAM_WAIT, DEFAULT_KEY, DEFAULT_KEY_RING, DEFAULT_LOCATION, GcpAnswers, Protection};
pub use facts::GcpFacts;
pub use labels::{LabelError, MAX_LABELS, merge_labels};
pub use outcome::GcpOutcome;
pub use steps::{ALGORITHM, GcpStep, IamGrant, PURPOSE, ROTATION_PERIOD_SECS, duration_text};

use crate::model::ProviderKind;
use crate::run::CloudOutcome;

use super::{CloudFacts, CloudPlan, PlanError, Propagation, SetupAnswers, SetupFacts, Step, StepState};

impl CloudFacts for GcpFacts {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Gcp
    }

    fn plan<'a>(&self, answers: &SetupAnswers, facts: &'a SetupFacts) -> Result<CloudPlan<'a>, PlanError> {
        let asked = answers.cloud_as::<GcpAnswers>(ProviderKind::Gcp)?;
        plan(answers, asked, facts, self)
    }

    fn outcome(&self) -> Box<dyn CloudOutcome> {
        Box::new(GcpOutcome { key_name: self.key.as_ref().map(|_| self.key_name.to_string()) })
    }

    fn journal(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![
            ("gcp_project", serde_json::json!(self.key_name.project)),
            ("gcp_key", serde_json::json!(self.key_name.to_string())),
            ("gcp_key_exists", serde_json::json!(self.key.is_some())),
            ("gcp_caller", serde_json::json!(self.caller.principal)),
        ]
    }
}

fn plan<'a>(
    answers: &SetupAnswers,
    asked: &GcpAnswers,
    facts: &'a SetupFacts,
    gcp: &GcpFacts,
) -> Result<CloudPlan<'a>, PlanError> {
    let name = &gcp.key_name;
    if let Some(wanted) = asked.key.as_ref().filter(|k| *k != name) {
        return Err(PlanError::Cloud {
            message: format!(
                "the answers name Cloud KMS key {wanted}, but the facts were gathered for {name}; nothing was changed"
            ),
            hint: Some("re-run: inspection and planning must be about the same key".into()),
        });
    }
    let exists = gcp.key_ring.is_some() || gcp.key.is_some();
    let mut checks = vec![
        project_checks::api_check(name, gcp.api_disabled.as_deref()),
        project_checks::location_check(name, exists),
    ];
    if let Some(seen) = &gcp.vpc_service_controls {
        checks.push(project_checks::vpc_sc_check(name, seen));
    }
    if gcp.api_disabled.is_some() {
        // Nothing could be read: what exists is unknown, so no step is proposed.
        let mut plan = CloudPlan::new(Vec::new(), checks);
        plan.document_name = Some(access::DOCUMENT);
        return Ok(plan);
    }

    let org = &facts.org.uuid;
    let ring_state = match exists {
        true => StepState::AlreadyDone(format!("key ring {} already exists in {}", name.key_ring, name.location)),
        false => StepState::Planned,
    };
    let mut steps = vec![Step::cloud(GcpStep::CreateKeyRing { key: name.clone() }, ring_state)];
    match &gcp.key {
        Some(key) => {
            checks.extend(key_checks::existing_key_checks(key, name));
            let (check, step) = labels::label_plan(key, name, org);
            checks.push(check);
            steps.push(step);
        }
        None => {
            checks.extend(key_checks::new_key_checks(name, asked.protection));
            checks.push(labels::new_key_check(name, org));
            let create = GcpStep::CreateKey {
                key: name.clone(),
                protection: asked.protection,
                rotation_period_secs: ROTATION_PERIOD_SECS,
                labels: labels::org_label(org),
            };
            steps.push(Step::cloud(create, StepState::Planned));
        }
    }

    let inherited = access::Inherited { key_ring: gcp.key_ring.as_ref(), project: gcp.project_iam_policy.as_ref() };
    let access = access::access_plan(name, gcp.key.as_ref(), &inherited, &gcp.caller);
    let grant_planned = access.step.state == StepState::Planned;
    checks.extend(access.checks);
    if let Some(seen) = &gcp.deny_policy {
        checks.push(access::deny_policy_check(name, seen));
    }
    if let Some(seen) = &gcp.domain_restriction {
        checks.push(access::domain_restriction_check(name, seen, grant_planned));
    }
    steps.push(access.step);

    let reg = register::register_plan(answers, &facts.registered, name);
    checks.extend(reg.checks);

    let mut plan = CloudPlan::new(steps, checks);
    plan.register = Some(reg.step);
    plan.registered = reg.registered;
    plan.document = access.document;
    plan.document_name = Some(access::DOCUMENT);
    // A deny policy that may refuse Anthropic overrides any binding: a refusal is not worth
    // minutes of waiting for a binding to propagate (GCP-06 says what to change).
    plan.propagation = gcp.deny_policy.is_none().then_some(Propagation {
        budget: asked.iam_wait,
        grant: "IAM binding",
        explain: "Google Cloud IAM changes take minutes to reach Cloud KMS. Until then the platform is refused with \
                  PERMISSION_DENIED, so cmek validates again with growing pauses instead of failing.",
        usually: "within 2 minutes, sometimes 7",
        flag: "--gcp-iam-wait",
        if_never: "check that Anthropic's service account holds roles/cloudkms.cryptoKeyEncrypterDecrypter and \
                   roles/cloudkms.viewer on the key itself (`gcloud kms keys get-iam-policy <key> --keyring <ring> \
                   --location <location> --project <project>`), and that no VPC Service Controls perimeter or IAM \
                   deny policy refuses it",
    });
    Ok(plan)
}
