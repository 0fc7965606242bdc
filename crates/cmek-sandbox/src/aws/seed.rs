//! Seeding keys for scenarios: straight into the state, with no policy validation, lockout check
//! or authorisation, ON PURPOSE (scenarios need broken states). Only what would make the state
//! itself inconsistent is refused.

use chrono::{TimeDelta, Utc};

use super::SeedKey;
use super::ops_keys::{NewKey, new_key};
use super::state::{AccountRecord, AliasRecord, AwsState, KeyState, Rotation};
use cmek_core::model::aws::{AwsAccountId, AwsKeyState, AwsRegion, KmsAliasName, KmsKeyArn, KmsKeyId};

/// The pending window a key seeded as PendingDeletion gets.
const SEEDED_PENDING_DAYS: i64 = 30;

pub(super) fn seed_key(state: &mut AwsState, seed: SeedKey) -> Result<KmsKeyArn, String> {
    let account: AwsAccountId = seed.account.parse().map_err(|e| format!("cannot seed a key: {e}"))?;
    let region: AwsRegion = seed.region.parse().map_err(|e| format!("cannot seed a key: {e}"))?;
    let key_state = match seed.state {
        AwsKeyState::Enabled => KeyState::Enabled,
        AwsKeyState::Disabled => KeyState::Disabled,
        AwsKeyState::PendingDeletion => KeyState::PendingDeletion,
        AwsKeyState::PendingImport => KeyState::PendingImport,
        other => {
            return Err(format!(
                "cannot seed a key in state {}; the emulator models Enabled, Disabled, PendingDeletion and PendingImport",
                other.as_str()
            ));
        }
    };
    if let Some(alias) = &seed.alias
        && state.alias_index(account.as_str(), region.as_str(), alias.as_str()).is_some()
    {
        return Err(format!("cannot seed a key with {alias}: the alias already exists in {account} {region}"));
    }
    if state.account(account.as_str()).is_none() {
        state.accounts.push(AccountRecord { id: account.to_string(), organization: None });
    }
    let now = Utc::now();
    let mut key = new_key(
        NewKey {
            account: account.to_string(),
            region: region.to_string(),
            policy: seed.policy,
            description: seed.description,
            key_spec: "SYMMETRIC_DEFAULT".into(),
            key_usage: "ENCRYPT_DECRYPT".into(),
            origin: if key_state == KeyState::PendingImport { "EXTERNAL".into() } else { "AWS_KMS".into() },
            multi_region: seed.multi_region,
            tags: Vec::new(),
        },
        now,
    );
    key.state = key_state;
    if key_state == KeyState::PendingDeletion {
        key.deletion_date = Some(now + TimeDelta::days(SEEDED_PENDING_DAYS));
        key.pending_window_days = u32::try_from(SEEDED_PENDING_DAYS).ok();
    }
    if seed.rotation {
        key.rotation = Some(Rotation { period_days: 365, next_rotation: now + TimeDelta::days(365) });
    }
    let key_id: KmsKeyId = key.id.parse().map_err(|e| format!("cannot seed a key: {e}"))?;
    if let Some(alias) = seed.alias.as_ref().map(KmsAliasName::to_string) {
        state.aliases.push(AliasRecord {
            account: account.to_string(),
            region: region.to_string(),
            name: alias,
            target_key_id: key.id.clone(),
            created: now,
            updated: now,
        });
    }
    state.keys.push(key);
    Ok(KmsKeyArn::for_key(region, account, key_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_keys_can_be_seeded_but_inconsistent_ones_cannot() {
        let mut state = AwsState::seeded();
        let mut seed = SeedKey::customer("{ this is not a policy");
        seed.state = AwsKeyState::PendingDeletion;
        seed.alias = Some("alias/broken".parse().unwrap());
        seed.multi_region = true;
        let arn = seed_key(&mut state, seed.clone()).unwrap();
        assert!(arn.key_id().unwrap().is_multi_region());
        let key = state.keys.last().unwrap();
        assert_eq!(key.policy, "{ this is not a policy");
        assert!(key.deletion_date.is_some());
        assert_eq!(state.aliases_of(key), ["alias/broken"]);
        assert!(seed_key(&mut state, seed.clone()).unwrap_err().contains("already exists"));
        let bad = SeedKey { alias: None, state: AwsKeyState::Unavailable, ..seed.clone() };
        assert!(seed_key(&mut state, bad).unwrap_err().contains("Unavailable"));
        let bad = SeedKey { alias: None, account: "1".into(), ..seed };
        assert!(seed_key(&mut state, bad).unwrap_err().contains("12 digits"));
    }
}
