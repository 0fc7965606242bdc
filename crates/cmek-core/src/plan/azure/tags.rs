//! The organisation tag on the key (AZ-10). Key Vault replaces a key's whole tag set on update, so
//! the plan merges: it adds the tag and keeps every other one, within Key Vault's tag limit.

use std::collections::BTreeMap;

use crate::model::OrgUuid;
use crate::model::azure::{AzureKeyFacts, AzureKeyName, VaultUri};

use crate::plan::{Action, Step, StepState};
use crate::plan::{Check, Severity};

use super::AzureStep;

/// Key Vault allows at most 15 tags on a key version (Azure Key Vault service limits); the
/// provider enforces the same number when it writes.
pub(crate) const MAX_TAGS_PER_KEY: usize = 15;

/// The tag Anthropic checks on the key: `anthropic-org-<org uuid>` = `true`.
pub(crate) fn org_tag(org: &OrgUuid) -> (String, String) {
    (format!("anthropic-org-{org}"), "true".to_string())
}

/// The tags a key this run creates carries.
pub(crate) fn new_key_tags(org: &OrgUuid) -> BTreeMap<String, String> {
    let (k, v) = org_tag(org);
    BTreeMap::from([(k, v), ("created-by".to_string(), "cmek".to_string())])
}

pub(crate) fn tag_plan(key: &AzureKeyFacts, vault_uri: &VaultUri, name: &AzureKeyName, org: &OrgUuid) -> (Check, Step) {
    let (tag, value) = org_tag(org);
    let title = format!("key {name} carries the tag {tag}={value}");
    let kept = key.tags.keys().filter(|k| **k != tag).count();
    let action = Action::Cloud(Box::new(AzureStep::MergeKeyTags {
        vault_uri: vault_uri.clone(),
        name: name.clone(),
        add: BTreeMap::from([(tag.clone(), value.clone())]),
        kept,
    }));
    let current = key.tags.get(&tag);
    if current == Some(&value) {
        let state = StepState::AlreadyDone(format!("key {name} already carries {tag}={value}"));
        return (Check::pass("AZ-10", Severity::High, title), Step { action, state });
    }
    let observed = match current {
        Some(other) => format!("key {name} has {tag}={other}"),
        None => format!("key {name} has no tag {tag} (its tags: {})", describe(&key.tags)),
    };
    let after = kept + 1;
    let check = if after > MAX_TAGS_PER_KEY {
        Check::fail(
            "AZ-10",
            Severity::High,
            title,
            format!("{observed}; adding it would give the key {after} tags and Key Vault allows {MAX_TAGS_PER_KEY}"),
        )
        .with_fix(format!(
            "remove {} unused tag{} from key {name}, then re-run (az keyvault key set-attributes --vault-name {} \
             --name {name} --tags <the tags to keep> {tag}={value})",
            after - MAX_TAGS_PER_KEY,
            if after - MAX_TAGS_PER_KEY == 1 { "" } else { "s" },
            vault_uri.vault_name()
        ))
    } else {
        let mut c = Check::fail(
            "AZ-10",
            Severity::High,
            title,
            format!("{observed}; the plan adds it, keeping the other {kept} tag{}", if kept == 1 { "" } else { "s" }),
        )
        .with_fix(format!(
            "az keyvault key set-attributes --vault-name {} --name {name} --tags {} (every tag must be given: the \
             set replaces all of them)",
            vault_uri.vault_name(),
            tags_argument(&key.tags, &tag, &value)
        ));
        c.blocking = false;
        c.planned()
    };
    (check, Step { action, state: StepState::Planned })
}

fn describe(tags: &BTreeMap<String, String>) -> String {
    if tags.is_empty() {
        return "none".into();
    }
    tags.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}

/// The merged tag set as `az ... --tags` arguments, quoted for a POSIX shell where needed.
fn tags_argument(existing: &BTreeMap<String, String>, tag: &str, value: &str) -> String {
    let mut merged = existing.clone();
    merged.insert(tag.to_string(), value.to_string());
    merged.iter().map(|(k, v)| shell_word(&format!("{k}={v}"))).collect::<Vec<_>>().join(" ")
}

fn shell_word(word: &str) -> String {
    if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "=-_.:/@+,".contains(c)) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}
