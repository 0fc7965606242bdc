//! Alias operations: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. Aliases are regional and
//! belong to the caller's account; creating or moving one needs the key policy's permission on
//! the key(s) involved.

use serde_json::{Map, Value, json};

use super::authorize::{self, ExtraContext, Reach};
use super::errors::KmsError;
use super::keys::{self, Forms};
use super::kms::{KmsCall, Output, key_at};
use super::pagination;
use super::protocol_json::{check_length, epoch};
use super::state::{AliasRecord, AwsState};

/// What KMS answers for a name without the prefix (its own words).
const NO_PREFIX: &str = "Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html";

/// `AliasName` as KMS accepts it for creation: the length and character constraints, then the
/// `alias/` prefix (a `ValidationException`, as KMS answers), then a name after it and not the
/// reserved `alias/aws/`.
fn check_alias_name(name: &str) -> Result<(), KmsError> {
    check_length(name, "AliasName", 1, 256)?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || ":/_-".contains(c)) {
        return Err(KmsError::constraint(
            name,
            "aliasName",
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$",
        ));
    }
    if !name.starts_with("alias/") {
        return Err(KmsError::validation(NO_PREFIX));
    }
    if name.len() == "alias/".len() {
        return Err(KmsError::new(
            "InvalidAliasNameException",
            format!("Alias '{name}' must start with the prefix \"alias/\" followed by a name."),
        ));
    }
    if name.starts_with("alias/aws/") {
        return Err(KmsError::new(
            "NotAuthorizedException",
            format!("Alias '{name}': the prefix alias/aws/ is reserved for AWS managed keys."),
        ));
    }
    Ok(())
}

fn alias_not_found(call: &KmsCall<'_>, name: &str) -> KmsError {
    KmsError::not_found(format!("Alias arn:aws:kms:{}:{}:{name} is not found.", call.who.region, call.account()))
}

/// The alias target: resolved, authorised, and in a state an alias may point at.
fn target(state: &AwsState, call: &KmsCall<'_>, member: &str, action: &str) -> Result<usize, KmsError> {
    let index = call.authorized_key(state, member, Forms::Keys, action, Reach::SameAccount, ExtraContext::new())?;
    keys::require_not_pending_deletion(key_at(state, index)?)?;
    Ok(index)
}

pub(super) fn create_alias(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let name = call.input.required_string("AliasName")?;
    check_alias_name(name)?;
    let index = target(state, call, "TargetKeyId", "kms:CreateAlias")?;
    if state.alias_index(call.account(), call.who.region, name).is_some() {
        return Err(KmsError::new(
            "AlreadyExistsException",
            format!("An alias with the name arn:aws:kms:{}:{}:{name} already exists", call.who.region, call.account()),
        ));
    }
    let key_id = key_at(state, index)?.id.clone();
    state.aliases.push(AliasRecord {
        account: call.account().to_string(),
        region: call.who.region.to_string(),
        name: name.to_string(),
        target_key_id: key_id,
        created: call.who.now,
        updated: call.who.now,
    });
    Ok(None)
}

pub(super) fn update_alias(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let name = call.input.required_string("AliasName")?;
    let alias_index =
        state.alias_index(call.account(), call.who.region, name).ok_or_else(|| alias_not_found(call, name))?;
    let current_target = state.aliases.get(alias_index).map(|a| a.target_key_id.clone()).unwrap_or_default();
    if let Some(current) = state.key_index(call.account(), call.who.region, &current_target) {
        let key = key_at(state, current)?;
        authorize::authorize(
            state,
            &call.who,
            call.rcps,
            key,
            "kms:UpdateAlias",
            Reach::SameAccount,
            &ExtraContext::new(),
        )?;
    }
    let new_index = target(state, call, "TargetKeyId", "kms:UpdateAlias")?;
    let new_key = key_at(state, new_index)?;
    if let Some(current) =
        state.key_index(call.account(), call.who.region, &current_target).and_then(|i| state.keys.get(i))
        && (current.key_spec.starts_with("HMAC_") != new_key.key_spec.starts_with("HMAC_")
            || (current.key_spec == "SYMMETRIC_DEFAULT") != (new_key.key_spec == "SYMMETRIC_DEFAULT")
            || current.key_usage != new_key.key_usage)
    {
        return Err(KmsError::validation(format!(
            "{} and {} are not the same type of KMS key with the same key usage; an alias can only move between such keys.",
            current.arn(),
            new_key.arn()
        )));
    }
    let new_id = new_key.id.clone();
    if let Some(alias) = state.aliases.get_mut(alias_index) {
        alias.target_key_id = new_id;
        alias.updated = call.who.now;
    }
    Ok(None)
}

pub(super) fn delete_alias(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let name = call.input.required_string("AliasName")?;
    let alias_index =
        state.alias_index(call.account(), call.who.region, name).ok_or_else(|| alias_not_found(call, name))?;
    let target_id = state.aliases.get(alias_index).map(|a| a.target_key_id.clone()).unwrap_or_default();
    if let Some(key_index) = state.key_index(call.account(), call.who.region, &target_id) {
        // Any key state is fine here: an alias of a key pending deletion may be deleted.
        let key = key_at(state, key_index)?;
        authorize::authorize(
            state,
            &call.who,
            call.rcps,
            key,
            "kms:DeleteAlias",
            Reach::SameAccount,
            &ExtraContext::new(),
        )?;
    }
    state.aliases.remove(alias_index);
    Ok(None)
}

/// The aliases AWS keeps for its managed keys (`alias/aws/...`), listed before any is used.
const PREDEFINED_ALIASES: &[&str] = &[
    "alias/aws/acm",
    "alias/aws/dynamodb",
    "alias/aws/ebs",
    "alias/aws/elasticfilesystem",
    "alias/aws/es",
    "alias/aws/glue",
    "alias/aws/kinesisvideo",
    "alias/aws/lambda",
    "alias/aws/rds",
    "alias/aws/redshift",
    "alias/aws/s3",
    "alias/aws/secretsmanager",
    "alias/aws/ssm",
    "alias/aws/xray",
];

pub(super) fn list_aliases(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    // ListAliases is authorised by IAM alone (assumed to allow) and lists the caller's own aliases.
    let target = match call.input.string("KeyId")? {
        None => None,
        Some(key_id) => {
            let resolved = keys::resolve(state, key_id, call.account(), call.who.region, Forms::Keys)?;
            let key = key_at(state, resolved.index)?;
            if key.account != call.account() {
                return Err(KmsError::new(
                    "AccessDeniedException",
                    format!(
                        "User: {} is not authorized to perform: kms:ListAliases on resource: {} because \
                         kms:ListAliases cannot be used on a KMS key in another AWS account",
                        call.who.caller.arn,
                        key.arn()
                    ),
                ));
            }
            Some(key.id.clone())
        }
    };
    let mut aliases: Vec<Value> = state
        .aliases
        .iter()
        .filter(|a| a.account == call.account() && a.region == call.who.region)
        .filter(|a| target.as_ref().is_none_or(|t| *t == a.target_key_id))
        .map(|a| {
            json!({
                "AliasName": a.name,
                "AliasArn": a.arn(),
                "TargetKeyId": a.target_key_id,
                "CreationDate": epoch(a.created),
                "LastUpdatedDate": epoch(a.updated),
            })
        })
        .collect();
    if target.is_none() {
        // AWS lists its predefined aliases in every account and Region, without a TargetKeyId
        // until a service first uses one (the ListAliases reference says so).
        let taken: Vec<&str> = aliases.iter().filter_map(|a| a["AliasName"].as_str()).collect();
        let predefined: Vec<Value> = PREDEFINED_ALIASES
            .iter()
            .filter(|name| !taken.contains(name))
            .map(|name| {
                json!({
                    "AliasName": name,
                    "AliasArn": format!("arn:aws:kms:{}:{}:{name}", call.who.region, call.account()),
                })
            })
            .collect();
        aliases.extend(predefined);
    }
    let page = pagination::page(aliases, call.input, 50, 100)?;
    let mut out = Map::new();
    out.insert("Aliases".into(), Value::Array(page.items.clone()));
    Ok(Some(page.finish(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_names_are_checked() {
        assert!(check_alias_name("alias/anthropic-cmek").is_ok());
        let e = check_alias_name("anthropic-cmek").unwrap_err();
        assert_eq!((e.code, e.message.as_str()), ("ValidationException", NO_PREFIX));
        assert_eq!(
            check_alias_name("arn:aws:kms:us-east-2:111122223333:alias/x").unwrap_err().code,
            "ValidationException"
        );
        assert_eq!(check_alias_name("alias/").unwrap_err().code, "InvalidAliasNameException");
        assert_eq!(check_alias_name("alias/aws/s3").unwrap_err().code, "NotAuthorizedException");
        assert_eq!(check_alias_name("alias/has space").unwrap_err().code, "ValidationException");
        assert_eq!(check_alias_name("").unwrap_err().code, "ValidationException");
    }
}
