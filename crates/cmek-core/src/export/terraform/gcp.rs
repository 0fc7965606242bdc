//! Google Cloud KMS as Terraform: `google_kms_key_ring`, `google_kms_crypto_key` (ENCRYPT_DECRYPT,
//! rotated every 90 days, the organisation label, `prevent_destroy`: a key can never be deleted,
//! only its versions destroyed) and Anthropic's two key-scoped roles as
//! `google_kms_crypto_key_iam_member`s (which add a member, never replace the key's policy). An
//! existing key is written as it is, so importing it plans no replacement.

use std::collections::BTreeMap;

use crate::identities;
use crate::model::ProviderKind;
use crate::model::gcp::{ENCRYPTER_DECRYPTER_ROLE, GcpKeyName};
use crate::plan::StepState;
use crate::plan::gcp::{ALGORITHM, ANTHROPIC_ROLES, GcpAnswers, GcpFacts, GcpStep, PURPOSE, duration_text};

use super::documented::Documented;
use super::hcl::{Block, Value};
use super::{CloudConfig, ExportError, ExportRequest, RequiredProvider, Resource};

/// How long a destroyed version waits before it is gone (Cloud KMS's default, 30 days): a
/// mistaken destroy can be restored for a month.
pub const DESTROY_SCHEDULED_SECS: u64 = 30 * 24 * 60 * 60;

const RING: &str = "google_kms_key_ring.cmek";
const KEY: &str = "google_kms_crypto_key.cmek";

/// The Google Cloud part of the export.
pub fn render(req: &ExportRequest<'_>) -> Result<CloudConfig, ExportError> {
    let wrong = |facts| ExportError::WrongCloud { cloud: ProviderKind::Gcp, facts };
    let gcp = req.facts.cloud.downcast_ref::<GcpFacts>().ok_or_else(|| wrong(req.facts.provider()))?;
    req.answers.cloud.downcast_ref::<GcpAnswers>().ok_or_else(|| wrong(req.answers.provider()))?;
    let steps: Vec<(&GcpStep, &StepState)> =
        req.plan.steps.iter().filter_map(|s| s.action.cloud_step::<GcpStep>().map(|a| (a, &s.state))).collect();
    let name = &gcp.key_name;
    let ring_exists = gcp.key_ring.is_some() || gcp.key.is_some();

    let ring = Block::new("resource", &["google_kms_key_ring", "cmek"])
        .attr("project", Value::str(&name.project))
        .attr("name", Value::str(&name.key_ring))
        .attr("location", Value::str(&name.location))
        .blank()
        .block(prevent_destroy());
    let mut resources = vec![
        Resource::new(ring, ring_exists.then(|| name.key_ring_name()))
            .note("Cloud KMS never deletes a key ring: prevent_destroy keeps Terraform from forgetting it."),
    ];

    let key = match (&gcp.key, created(&steps)) {
        (Some(k), _) => {
            let labels = steps
                .iter()
                .find_map(|(s, _)| match s {
                    GcpStep::MergeLabels { labels, .. } => Some(labels.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| k.labels.clone());
            let settings = KeySettings {
                purpose: &k.purpose,
                rotation_period: k.rotation_period.clone(),
                destroy_scheduled_duration: k.destroy_scheduled_duration.clone(),
                algorithm: k.algorithm.as_deref(),
                protection_level: k.protection_level.as_deref(),
                labels: &labels,
            };
            Resource::new(key_block(name, &settings), Some(name.to_string()))
        }
        (None, Some(GcpStep::CreateKey { protection, rotation_period_secs, labels, .. })) => {
            let settings = KeySettings {
                purpose: PURPOSE,
                rotation_period: Some(duration_text(*rotation_period_secs)),
                destroy_scheduled_duration: Some(duration_text(DESTROY_SCHEDULED_SECS)),
                algorithm: Some(ALGORITHM),
                protection_level: Some(protection.api_name()),
                labels,
            };
            Resource::new(key_block(name, &settings), None)
        }
        (None, _) => {
            return Err(ExportError::Unrepresentable(format!(
                "the plan neither creates Cloud KMS key {name} nor found it; nothing to export"
            )));
        }
    };
    resources.push(key.note(
        "The key Anthropic uses. A destroyed key cannot decrypt anything: prevent_destroy guards it, and a \
         destroyed version waits destroy_scheduled_duration before it is gone.",
    ));

    // Already in IAM member form (`serviceAccount:...`).
    let member = identities::published().gcp.service_account.clone();
    let policy = gcp.key.as_ref().and_then(|k| k.iam_policy.as_ref());
    for role in ANTHROPIC_ROLES {
        let held = policy.is_some_and(|p| p.missing(&[role], &member).is_empty());
        let label = match role {
            ENCRYPTER_DECRYPTER_ROLE => "anthropic_encrypter_decrypter",
            _ => "anthropic_viewer",
        };
        let block = Block::new("resource", &["google_kms_crypto_key_iam_member", label])
            .attr("crypto_key_id", Value::Expr(format!("{KEY}.id")))
            .attr("role", Value::str(role))
            .attr("member", Value::str(&member));
        // The import id the provider documents: `{project}/{location}/{ring}/{key} {role} {member}`.
        let short = format!("{}/{}/{}/{}", name.project, name.location, name.key_ring, name.key);
        let import = held.then(|| format!("{short} {role} {member}"));
        let mut resource = Resource::new(block, import);
        if role == ANTHROPIC_ROLES[0] {
            resource.notes.push(
                "Anthropic's service account on the key itself (an _iam_member adds the member; the key's \
                 other bindings stay as they are)."
                    .into(),
            );
        }
        resources.push(resource);
    }

    Ok(CloudConfig {
        providers: vec![RequiredProvider { name: "google", source: "hashicorp/google", version: ">= 5.0, < 8.0" }],
        provider_blocks: vec![Block::new("provider", &["google"]).attr("project", Value::str(&name.project))],
        resources,
        notes: Vec::new(),
    })
}

fn created<'a>(steps: &[(&'a GcpStep, &StepState)]) -> Option<&'a GcpStep> {
    steps.iter().map(|(s, _)| *s).find(|s| matches!(s, GcpStep::CreateKey { .. }))
}

struct KeySettings<'a> {
    purpose: &'a str,
    rotation_period: Option<String>,
    destroy_scheduled_duration: Option<String>,
    algorithm: Option<&'a str>,
    protection_level: Option<&'a str>,
    labels: &'a BTreeMap<String, String>,
}

fn key_block(name: &GcpKeyName, s: &KeySettings<'_>) -> Block {
    let mut key = Block::new("resource", &["google_kms_crypto_key", "cmek"])
        .attr("name", Value::str(&name.key))
        .attr("key_ring", Value::Expr(format!("{RING}.id")))
        .attr("purpose", Value::str(s.purpose));
    if let Some(period) = &s.rotation_period {
        key = key.attr("rotation_period", Value::str(period));
    }
    if let Some(wait) = &s.destroy_scheduled_duration {
        key = key.attr("destroy_scheduled_duration", Value::str(wait));
    }
    if !s.labels.is_empty() {
        key = key.attr("labels", Value::string_map(s.labels));
    }
    if let Some(algorithm) = s.algorithm {
        let mut template = Block::new("version_template", &[]).attr("algorithm", Value::str(algorithm));
        if let Some(level) = s.protection_level {
            template = template.attr("protection_level", Value::str(level));
        }
        key = key.blank().block(template);
    }
    key.blank().block(prevent_destroy())
}

fn prevent_destroy() -> Block {
    Block::new("lifecycle", &[]).attr("prevent_destroy", Value::Bool(true))
}

/// What this renderer may write, each with the page that documents it (the checked list).
pub const DOCUMENTED: &[Documented] = &[
    Documented {
        path: "provider.google",
        link: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/guides/provider_reference#project",
        attributes: &["project"],
    },
    Documented {
        path: "google_kms_key_ring",
        link: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/kms_key_ring",
        attributes: &["project", "name", "location"],
    },
    Documented {
        path: "google_kms_crypto_key",
        link: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/kms_crypto_key",
        attributes: &[
            "name",
            "key_ring",
            "purpose",
            "rotation_period",
            "destroy_scheduled_duration",
            "labels",
            "version_template.algorithm",
            "version_template.protection_level",
        ],
    },
    Documented {
        path: "google_kms_crypto_key_iam_member",
        link: "https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/google_kms_crypto_key_iam",
        attributes: &["crypto_key_id", "role", "member"],
    },
];
