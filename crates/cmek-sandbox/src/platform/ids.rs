//! Fresh identifiers in the platform's formats: `req_...`, `ekey_...`, `wrkspc_...`, compartment
//! UUIDs, and OAuth tokens (`sk-ant-oat01-...` access, `sk-ant-ort01-...` refresh).

use rand::Rng;
use rand::distr::Alphanumeric;

/// Random letters and digits, the body of the platform's tagged ids.
fn alphanumeric(len: usize) -> String {
    rand::rng().sample_iter(&Alphanumeric).take(len).map(char::from).collect()
}

pub fn request_id() -> String {
    format!("req_{}", alphanumeric(24))
}

pub fn external_key_id() -> String {
    format!("ekey_{}", alphanumeric(24))
}

pub fn workspace_id() -> String {
    format!("wrkspc_{}", alphanumeric(24))
}

/// An OAuth access token: the prefix the API recognises, then 80 random letters and digits.
pub fn access_token() -> String {
    format!("sk-ant-oat01-{}", alphanumeric(80))
}

/// An OAuth refresh token.
pub fn refresh_token() -> String {
    format!("sk-ant-ort01-{}", alphanumeric(80))
}

/// A compartment id is a bare lower-case UUID, like the ones AWS key policies pin.
pub fn compartment_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// A UUID that is certainly not the organisation's: the negative validation probes use it.
pub fn other_uuid(not: &str) -> String {
    loop {
        let candidate = uuid::Uuid::new_v4().hyphenated().to_string();
        if candidate != not {
            return candidate;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cmek_core::model::{CompartmentId, ExternalKeyId, WorkspaceId};

    #[test]
    fn ids_have_the_platform_formats() {
        assert!(request_id().starts_with("req_"));
        external_key_id().parse::<ExternalKeyId>().unwrap();
        workspace_id().parse::<WorkspaceId>().unwrap();
        compartment_id().parse::<CompartmentId>().unwrap();
        assert_ne!(external_key_id(), external_key_id());
        assert_ne!(other_uuid("x"), "x");
    }
}
