//! What every operation works with: the state (locked for the whole request), the caller's
//! principal, the request, the time, and the enum form of the answer; and the authorisation
//! helpers the operations call first, as Google checks access before existence.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::access::{self, Api};
use super::enums::EnumForm;
use super::errors::{GResult, GoogleError};
use super::names::{CryptoKeyName, KeyRingName, LocationName};
use super::request::Incoming;
use super::state::{CryptoKey, GcpState, KeyRing};

pub struct Call<'a> {
    pub state: &'a mut GcpState,
    pub principal: String,
    pub req: &'a Incoming,
    pub now: DateTime<Utc>,
    pub form: EnumForm,
}

impl Call<'_> {
    /// A Cloud KMS permission on a location (`projects/P/locations/L`): project bindings only.
    pub fn on_location(&self, location: &LocationName, permission: &str) -> GResult<()> {
        access::authorize(
            self.state,
            &self.principal,
            Api::Kms,
            &location.project,
            permission,
            &location.to_string(),
            &[],
        )
    }

    pub fn on_ring(&self, ring: &KeyRingName, permission: &str) -> GResult<()> {
        let policies = access::ring_policies(self.state, ring);
        access::authorize(
            self.state,
            &self.principal,
            Api::Kms,
            ring.project(),
            permission,
            &ring.to_string(),
            &policies,
        )
    }

    /// A permission on a key (or on `resource`, one of its versions), with the key's and its ring's bindings.
    pub fn on_key(&self, key: &CryptoKeyName, permission: &str, resource: &str) -> GResult<()> {
        let policies = access::key_policies(self.state, key);
        access::authorize(self.state, &self.principal, Api::Kms, key.project(), permission, resource, &policies)
    }

    pub fn ring(&self, name: &KeyRingName) -> GResult<&KeyRing> {
        self.state.key_ring(name).ok_or_else(|| GoogleError::not_found(format!("KeyRing {name} not found.")))
    }

    pub fn key(&self, name: &CryptoKeyName) -> GResult<&CryptoKey> {
        self.state.crypto_key(name).ok_or_else(|| GoogleError::not_found(format!("CryptoKey {name} not found.")))
    }

    pub fn key_mut(&mut self, name: &CryptoKeyName) -> GResult<&mut CryptoKey> {
        self.state.crypto_key_mut(name).ok_or_else(|| GoogleError::not_found(format!("CryptoKey {name} not found.")))
    }

    /// The `updateMask` query parameter as camelCase paths; required.
    pub fn update_mask(&self) -> GResult<Vec<String>> {
        let raw = self.req.param("updateMask").filter(|m| !m.trim().is_empty());
        let raw = raw.ok_or_else(|| GoogleError::invalid_argument("The request must specify an update_mask."))?;
        Ok(raw.split(',').map(|p| camel_case(p.trim())).collect())
    }
}

/// `rotation_period` -> `rotationPeriod` (field masks come in either form).
pub fn camel_case(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut upper = false;
    for c in path.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// A list answer: the items under `field` (left out when empty, as proto3 JSON does).
pub fn list_answer(field: &str, items: Vec<Value>, next: Option<String>, total: usize) -> Value {
    let mut out = serde_json::Map::new();
    if !items.is_empty() {
        out.insert(field.to_string(), Value::Array(items));
    }
    if let Some(token) = next {
        out.insert("nextPageToken".into(), Value::from(token));
    }
    if total > 0 {
        out.insert("totalSize".into(), Value::from(total));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_read_in_either_case() {
        assert_eq!(super::camel_case("rotation_period"), "rotationPeriod");
        assert_eq!(super::camel_case("version_template.algorithm"), "versionTemplate.algorithm");
        assert_eq!(super::camel_case("labels"), "labels");
    }
}
