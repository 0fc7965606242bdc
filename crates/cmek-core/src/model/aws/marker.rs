//! The tags `cmek` puts on every KMS key it creates. The alias is not the only link from a run to
//! its key: a run that dies between CreateKey and CreateAlias leaves a key no alias points at, and
//! the next run (on this machine or another) finds it by these tags and adopts it instead of making
//! a second one. The organisation and the alias say which setup the key was made for; the run says
//! which attempt made it, so a create whose answer was lost can be recognised as its own.

use crate::model::OrgUuid;

use super::KmsAliasName;

/// Who made the key (kept from the first releases, so older keys are recognised too).
pub const TAG_CREATED_BY: &str = "created-by";
pub const CREATED_BY_CMEK: &str = "cmek";
/// The organisation UUID the key was created for.
pub const TAG_ORGANIZATION: &str = "cmek:organization";
/// The alias the key was created to carry.
pub const TAG_ALIAS: &str = "cmek:alias";
/// The run (its journal's name) that created the key.
pub const TAG_RUN: &str = "cmek:run";

/// What a cmek-made key says about itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct KeyMarker {
    pub organization: OrgUuid,
    pub alias: KmsAliasName,
    pub run: String,
}

impl KeyMarker {
    /// The tags CreateKey sets.
    pub fn tags(&self) -> Vec<(String, String)> {
        vec![
            (TAG_CREATED_BY.to_string(), CREATED_BY_CMEK.to_string()),
            (TAG_ORGANIZATION.to_string(), self.organization.to_string()),
            (TAG_ALIAS.to_string(), self.alias.to_string()),
            (TAG_RUN.to_string(), self.run.clone()),
        ]
    }

    /// Reads a key's tags; `None` unless cmek made it for a known organisation and alias.
    pub fn read(tags: &[(String, String)]) -> Option<KeyMarker> {
        let get = |k: &str| tags.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
        if get(TAG_CREATED_BY) != Some(CREATED_BY_CMEK) {
            return None;
        }
        Some(KeyMarker {
            organization: get(TAG_ORGANIZATION)?.parse().ok()?,
            alias: get(TAG_ALIAS)?.parse().ok()?,
            run: get(TAG_RUN).unwrap_or_default().to_string(),
        })
    }

    /// Made by cmek for this organisation and alias (by any run).
    pub fn is_for(&self, organization: &OrgUuid, alias: &KmsAliasName) -> bool {
        &self.organization == organization && &self.alias == alias
    }
}

/// True when cmek made the key (any release): its rotation and tags are cmek's to keep right.
pub fn made_by_cmek(tags: &[(String, String)]) -> bool {
    tags.iter().any(|(k, v)| k == TAG_CREATED_BY && v == CREATED_BY_CMEK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tags_read_back_and_name_the_setup() {
        let m = KeyMarker {
            organization: "6f0c8a3e-1b2d-4e5f-8a9b-0c1d2e3f4a5b".parse().unwrap(),
            alias: "alias/anthropic-cmek".parse().unwrap(),
            run: "20261204T101010.123Z-setup-abc123".into(),
        };
        let tags = m.tags();
        assert_eq!(KeyMarker::read(&tags), Some(m.clone()));
        assert!(made_by_cmek(&tags));
        let other_org = "11111111-2222-4333-8444-555555555555".parse().unwrap();
        assert!(m.is_for(&m.organization, &m.alias) && !m.is_for(&other_org, &m.alias));
    }

    #[test]
    fn a_key_without_the_marker_or_with_a_broken_one_is_not_cmeks() {
        assert_eq!(KeyMarker::read(&[]), None);
        let foreign = vec![("cmek:organization".into(), "x".into()), ("created-by".into(), "terraform".into())];
        assert_eq!(KeyMarker::read(&foreign), None);
        let broken = vec![("created-by".into(), "cmek".into()), ("cmek:organization".into(), "not-a-uuid".into())];
        assert_eq!(KeyMarker::read(&broken), None);
        assert!(made_by_cmek(&broken), "an older cmek key carries only created-by");
    }
}
