//! AWS KMS as Terraform: `aws_kms_key` (symmetric, single-Region, rotation on, a 30-day deletion
//! window, `prevent_destroy`), `aws_kms_key_policy` with the exact policy `cmek` applies (customer
//! statements included; byte-identical to what GetKeyPolicy returns after setup) and
//! `aws_kms_alias`. An existing key is written as it is (its description, spec and tags), so
//! importing it plans no replacement.

use crate::model::ProviderKind;
use crate::model::aws::marker::{CREATED_BY_CMEK, TAG_ALIAS, TAG_CREATED_BY, TAG_ORGANIZATION};
use crate::model::aws::{AwsKeyFacts, KmsKeyArn};
use crate::plan::StepState;
use crate::plan::aws::{AwsAnswers, AwsFacts, AwsStep, DUPLICATE_DELETION_DAYS};

use super::documented::Documented;
use super::hcl::{Block, Value};
use super::{CloudConfig, ExportError, ExportRequest, RequiredProvider, Resource};

/// The key policy's file beside `main.tf` (`--out`).
pub const POLICY_FILE: &str = "key-policy.json";
/// The longest waiting period KMS allows before deleting a key: a destroy can be cancelled for a month.
pub const DELETION_WINDOW_DAYS: i64 = 30;

const KEY: &str = "aws_kms_key.cmek";

/// The AWS part of the export.
pub fn render(req: &ExportRequest<'_>) -> Result<CloudConfig, ExportError> {
    let wrong = |facts| ExportError::WrongCloud { cloud: ProviderKind::Aws, facts };
    let aws = req.facts.cloud.downcast_ref::<AwsFacts>().ok_or_else(|| wrong(req.facts.provider()))?;
    let asked = req.answers.cloud.downcast_ref::<AwsAnswers>().ok_or_else(|| wrong(req.answers.provider()))?;
    let steps: Vec<(&AwsStep, &StepState)> =
        req.plan.steps.iter().filter_map(|s| s.action.cloud_step::<AwsStep>().map(|a| (a, &s.state))).collect();
    let step = |f: fn(&AwsStep) -> bool| steps.iter().find(|(s, _)| f(s)).copied();

    let created = step(|s| matches!(s, AwsStep::CreateKey { .. }));
    let adopted_arn = steps.iter().find_map(|(s, _)| match s {
        AwsStep::CreateAlias { key: Some(arn), .. } => Some(arn.clone()),
        _ => None,
    });
    let existing = match (&aws.key, &adopted_arn) {
        (Some(k), _) => Some(k),
        (None, Some(arn)) => aws.orphans.iter().find(|k| &k.description.arn == arn),
        (None, None) => None,
    };
    let mut resources = Vec::new();
    let region;
    match (created, existing) {
        (Some((AwsStep::CreateKey { region: r, alias, organization, description, policy, .. }, _)), _) => {
            region = r.to_string();
            let tags = vec![
                (TAG_CREATED_BY.to_string(), CREATED_BY_CMEK.to_string()),
                (TAG_ORGANIZATION.to_string(), organization.to_string()),
                (TAG_ALIAS.to_string(), alias.to_string()),
            ];
            let key = key_block(description, "SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", false, true, &tags);
            resources.push(Resource::new(key, None).note(KEY_NOTE));
            resources.push(policy_resource(policy.to_json_pretty(), None));
            resources.push(alias_resource(alias.as_str(), None));
        }
        (_, Some(k)) => {
            region = k.description.region.to_string();
            let key_id = k.description.key_id.to_string();
            let rotation_planned = steps
                .iter()
                .any(|(s, st)| matches!(s, AwsStep::EnableRotation { .. }) && matches!(st, StepState::Planned));
            let rotation = rotation_planned || k.rotation_enabled != Some(false);
            let d = &k.description;
            let key = key_block(&d.description, &d.spec, &d.usage, d.multi_region, rotation, &k.tags);
            let mut key = Resource::new(key, Some(key_id.clone())).note(KEY_NOTE);
            if k.rotation_enabled.is_none() {
                key = key
                    .note("The key's rotation status could not be read: rotation is written on, as cmek recommends.");
            }
            resources.push(key);
            resources.push(policy_resource(policy_after(&steps, k), Some(key_id)));
            let alias_exists = k.aliases.iter().any(|a| a == &asked.alias);
            if alias_exists || adopted_arn.is_some() {
                let id = alias_exists.then(|| asked.alias.to_string());
                resources.push(alias_resource(asked.alias.as_str(), id));
            }
        }
        _ => {
            return Err(ExportError::Unrepresentable(
                "the plan neither creates a KMS key nor names an existing one; nothing to export".into(),
            ));
        }
    }

    let mut notes = Vec::new();
    if let Some((AwsStep::RetireDuplicates { keys, .. }, _)) = step(|s| matches!(s, AwsStep::RetireDuplicates { .. })) {
        let arns: Vec<String> = keys.iter().map(KmsKeyArn::to_string).collect();
        notes.push(format!(
            "cmek setup also schedules the deletion (in {DUPLICATE_DELETION_DAYS} days) of duplicate keys a dead run \
             left, which Terraform does not manage: {}",
            arns.join(", ")
        ));
    }
    Ok(CloudConfig {
        providers: vec![RequiredProvider { name: "aws", source: "hashicorp/aws", version: ">= 5.0, < 7.0" }],
        provider_blocks: vec![Block::new("provider", &["aws"]).attr("region", Value::str(region))],
        resources,
        notes,
    })
}

const KEY_NOTE: &str = "The key Anthropic uses. prevent_destroy and the 30-day deletion window guard the data \
                        encrypted under it: a destroyed key cannot decrypt anything.";

fn key_block(
    description: &str,
    spec: &str,
    usage: &str,
    multi_region: bool,
    rotation: bool,
    tags: &[(String, String)],
) -> Block {
    let mut key = Block::new("resource", &["aws_kms_key", "cmek"]);
    if !description.is_empty() {
        key = key.attr("description", Value::str(description));
    }
    key = key
        .attr("key_usage", Value::str(usage))
        .attr("customer_master_key_spec", Value::str(spec))
        .attr("multi_region", Value::Bool(multi_region))
        .attr("enable_key_rotation", Value::Bool(rotation))
        .attr("deletion_window_in_days", Value::Int(DELETION_WINDOW_DAYS));
    if !tags.is_empty() {
        key = key.attr("tags", Value::Map(tags.iter().map(|(k, v)| (k.clone(), Value::str(v))).collect()));
    }
    key.blank().block(Block::new("lifecycle", &[]).attr("prevent_destroy", Value::Bool(true)))
}

/// The policy the key has after the plan: the one on it, byte for byte, when the plan leaves it;
/// the merged one, as `cmek` writes it, when the plan changes it.
fn policy_after(steps: &[(&AwsStep, &StepState)], key: &AwsKeyFacts) -> String {
    steps
        .iter()
        .find_map(|(s, state)| match (s, state) {
            (AwsStep::UpdateKeyPolicy { before, .. }, StepState::AlreadyDone(_)) => Some(before.clone()),
            (AwsStep::UpdateKeyPolicy { after, .. }, _) => Some(after.to_json_pretty()),
            _ => None,
        })
        .unwrap_or_else(|| key.policy.clone())
}

fn policy_resource(policy: String, import_id: Option<String>) -> Resource {
    let block = Block::new("resource", &["aws_kms_key_policy", "cmek"])
        .attr("key_id", Value::Expr(format!("{KEY}.key_id")))
        .attr("policy", Value::Document { file: POLICY_FILE.into(), contents: policy });
    Resource::new(block, import_id).note(
        "The key policy cmek applies, exactly: your statements and Anthropic's role-scoped grants, bound to the \
         organisation (and workspace compartments).",
    )
}

fn alias_resource(alias: &str, import_id: Option<String>) -> Resource {
    let block = Block::new("resource", &["aws_kms_alias", "cmek"])
        .attr("name", Value::str(alias))
        .attr("target_key_id", Value::Expr(format!("{KEY}.key_id")));
    Resource::new(block, import_id)
}

/// What this renderer may write, each with the page that documents it (the checked list).
pub const DOCUMENTED: &[Documented] = &[
    Documented {
        path: "provider.aws",
        link: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs#region",
        attributes: &["region"],
    },
    Documented {
        path: "aws_kms_key",
        link: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key",
        attributes: &[
            "description",
            "key_usage",
            "customer_master_key_spec",
            "multi_region",
            "enable_key_rotation",
            "deletion_window_in_days",
            "tags",
        ],
    },
    Documented {
        path: "aws_kms_key_policy",
        link: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_key_policy",
        attributes: &["key_id", "policy"],
    },
    Documented {
        path: "aws_kms_alias",
        link: "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/kms_alias",
        attributes: &["name", "target_key_id"],
    },
];
