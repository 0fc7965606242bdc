//! The organisation label on the key (GCP-09). `cryptoKeys.patch` with `updateMask=labels`
//! replaces the whole map, so the plan merges: it adds the label and keeps every other one,
//! within Cloud KMS's limit of 64 labels.

use std::collections::BTreeMap;

use crate::model::OrgUuid;
use crate::model::gcp::{GcpKeyFacts, GcpKeyName, org_label_key};
use crate::plan::{Check, Severity, Step, StepState};

use super::GcpStep;
use super::gcloud::gcloud_key_flags;

/// Google Cloud allows at most 64 labels on a resource.
pub const MAX_LABELS: usize = 64;
/// The value of the organisation label Anthropic checks.
pub const LABEL_VALUE: &str = "true";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    #[error(
        "adding {adding} to the key's {existing} labels would give it {would_have}, and Google Cloud allows \
         {MAX_LABELS}: remove {excess} unused label{s} first",
        s = if *excess == 1 { "" } else { "s" }
    )]
    TooMany { adding: String, existing: usize, would_have: usize, excess: usize },
}

/// `existing` with `add` merged in (an `add` key replaces that key's value); every other label
/// kept. Refused when the result would exceed [`MAX_LABELS`].
pub fn merge_labels(
    existing: &BTreeMap<String, String>,
    add: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, LabelError> {
    let mut merged = existing.clone();
    merged.extend(add.iter().map(|(k, v)| (k.clone(), v.clone())));
    if merged.len() > MAX_LABELS {
        let new: Vec<&str> = add.keys().filter(|k| !existing.contains_key(*k)).map(String::as_str).collect();
        return Err(LabelError::TooMany {
            adding: new.join(", "),
            existing: existing.len(),
            would_have: merged.len(),
            excess: merged.len() - MAX_LABELS,
        });
    }
    Ok(merged)
}

/// The label for the organisation, as a one-entry map.
pub fn org_label(org: &OrgUuid) -> BTreeMap<String, String> {
    BTreeMap::from([(org_label_key(org), LABEL_VALUE.to_string())])
}

fn title(name: &GcpKeyName, label: &str) -> String {
    format!("key {} carries the label {label}={LABEL_VALUE}", name.key)
}

/// For a key this run creates: it is created with the label.
pub(crate) fn new_key_check(name: &GcpKeyName, org: &OrgUuid) -> Check {
    let label = org_label_key(org);
    Check::fail(
        "GCP-09",
        Severity::High,
        title(name, &label),
        format!("key {} does not exist yet; the plan creates it with {label}={LABEL_VALUE}", name.key),
    )
    .planned()
}

/// For an existing key: the check and the merge step (already done when the label is there).
pub(crate) fn label_plan(key: &GcpKeyFacts, name: &GcpKeyName, org: &OrgUuid) -> (Check, Step) {
    let add = org_label(org);
    let label = org_label_key(org);
    let kept = key.labels.keys().filter(|k| **k != label).count();
    let step = |labels: BTreeMap<String, String>, state: StepState| {
        Step::cloud(GcpStep::MergeLabels { key: name.clone(), add: add.clone(), labels, kept }, state)
    };
    let current = key.labels.get(&label);
    if current.map(String::as_str) == Some(LABEL_VALUE) {
        let why = format!("key {} already carries {label}={LABEL_VALUE}", name.key);
        return (
            Check::pass("GCP-09", Severity::High, title(name, &label)),
            step(key.labels.clone(), StepState::AlreadyDone(why)),
        );
    }
    let observed = match current {
        Some(other) => format!("key {} has {label}={other}", name.key),
        None => format!("key {} has no label {label} (its labels: {})", name.key, describe(&key.labels)),
    };
    let gcloud = format!("gcloud kms keys update {} --update-labels={label}={LABEL_VALUE}", gcloud_key_flags(name));
    match merge_labels(&key.labels, &add) {
        Ok(merged) => {
            let check = Check::fail(
                "GCP-09",
                Severity::High,
                title(name, &label),
                format!(
                    "{observed}; the plan adds it, keeping the other {kept} label{}",
                    if kept == 1 { "" } else { "s" }
                ),
            )
            .with_fix(format!("{gcloud} (gcloud keeps the other labels)"))
            .planned();
            (check, step(merged, StepState::Planned))
        }
        Err(e) => {
            let check = Check::fail("GCP-09", Severity::High, title(name, &label), format!("{observed}; {e}"))
                .with_fix(format!(
                    "remove the labels nobody uses (gcloud kms keys update {} --remove-labels=<label>,...), then \
                     re-run",
                    gcloud_key_flags(name)
                ));
            (check, step(key.labels.clone(), StepState::Gated(e.to_string())))
        }
    }
}

fn describe(labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "none".into();
    }
    labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}
