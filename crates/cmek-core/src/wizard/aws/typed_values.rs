//! Validators for what is typed into the Key screen: the `model` parsers plus CMEK's own rules,
//! each returning the message shown under the field (naming the value and what would do).

use crate::identities;
use crate::model::aws::{AwsKeyRef, AwsRegion, KmsAliasName};

pub fn check_region(value: &str) -> Result<(), String> {
    let region: AwsRegion = value.parse().map_err(|e: crate::model::ParseError| e.to_string())?;
    if region.is_supported_for_cmek() {
        Ok(())
    } else {
        Err(format!(
            "{region} is outside the US commercial regions: CMEK keys must be in one, e.g. {}",
            identities::published().aws.default_region()
        ))
    }
}

pub fn check_alias(value: &str) -> Result<(), String> {
    value.parse::<KmsAliasName>().map(|_| ()).map_err(|e| e.to_string())
}

pub fn check_key_ref(value: &str) -> Result<(), String> {
    value.parse::<AwsKeyRef>().map(|_| ()).map_err(|e| e.to_string())
}
