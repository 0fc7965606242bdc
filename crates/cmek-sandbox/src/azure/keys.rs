//! Key operations on one vault's keys (after authentication, firewall and authorisation): the
//! Key Vault JSON shapes (KeyBundle, KeyItem, KeyOperationResult) and its validation rules.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::crypto;
use super::state::{Key, KeyVersion, Vault};
use crate::secret::Secret;

/// Key Vault's limit on tags per key version.
pub const MAX_TAGS: usize = 15;
/// The operations an RSA key may allow.
pub const RSA_OPS: &[&str] = &["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"];

/// A key (and optionally a version) named in a request.
#[derive(Debug, Clone)]
pub struct KeyRef {
    pub name: String,
    pub version: Option<String>,
}

/// A Key Vault error.
#[derive(Debug, Clone)]
pub struct KvError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub inner: Option<&'static str>,
}

pub(super) fn bad(message: impl Into<String>) -> KvError {
    KvError { status: StatusCode::BAD_REQUEST, code: "BadParameter", message: message.into(), inner: None }
}

fn forbidden(message: impl Into<String>, inner: &'static str) -> KvError {
    KvError { status: StatusCode::FORBIDDEN, code: "Forbidden", message: message.into(), inner: Some(inner) }
}

pub(super) fn not_found(key: &KeyRef) -> KvError {
    let id = match &key.version {
        Some(v) => format!("{}/{v}", key.name),
        None => key.name.clone(),
    };
    KvError {
        status: StatusCode::NOT_FOUND,
        code: "KeyNotFound",
        message: format!(
            "A key with (name/id) {id} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"
        ),
        inner: None,
    }
}

/// Key names: 1-127 letters, digits and dashes.
pub fn valid_name(name: &str) -> bool {
    (1..=127).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Validates `tags` (at most 15, names up to 512 and values up to 256 characters, strings).
pub fn parse_tags(value: &Value) -> Result<BTreeMap<String, String>, KvError> {
    let Some(map) = value.as_object() else { return Err(bad("tags must be an object of strings.")) };
    if map.len() > MAX_TAGS {
        return Err(bad(format!("Too many tags: {} given, at most {MAX_TAGS} are allowed.", map.len())));
    }
    let mut tags = BTreeMap::new();
    for (k, v) in map {
        let Some(v) = v.as_str() else { return Err(bad(format!("The value of tag `{k}` must be a string."))) };
        if k.is_empty() || k.len() > 512 || v.len() > 256 {
            return Err(bad(format!("Tag `{k}` is invalid: names are 1-512 and values 0-256 characters.")));
        }
        tags.insert(k.clone(), v.to_string());
    }
    Ok(tags)
}

fn parse_ops(value: &Value) -> Result<Vec<String>, KvError> {
    let Some(list) = value.as_array() else { return Err(bad("key_ops must be an array.")) };
    let mut ops = Vec::new();
    for op in list {
        match op.as_str().and_then(|o| RSA_OPS.iter().find(|k| k.eq_ignore_ascii_case(o))) {
            Some(known) if !ops.iter().any(|o| o == known) => ops.push(known.to_string()),
            Some(_) => {}
            None => return Err(bad(format!("Invalid key operation: {op}."))),
        }
    }
    Ok(ops)
}

fn opt_time(attrs: &Value, name: &str) -> Result<Option<Option<i64>>, KvError> {
    match attrs.get(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(v) => v
            .as_i64()
            .map(|t| Some(Some(t)))
            .ok_or_else(|| bad(format!("attributes.{name} must be a Unix time in seconds."))),
    }
}

/// Applies `attributes` (enabled, exp, nbf) from a request body.
fn apply_attributes(version: &mut KeyVersion, attrs: Option<&Value>) -> Result<(), KvError> {
    let Some(attrs) = attrs else { return Ok(()) };
    if let Some(enabled) = attrs.get("enabled").filter(|v| !v.is_null()) {
        version.enabled = enabled.as_bool().ok_or_else(|| bad("attributes.enabled must be a boolean."))?;
    }
    if let Some(exp) = opt_time(attrs, "exp")? {
        version.exp = exp;
    }
    if let Some(nbf) = opt_time(attrs, "nbf")? {
        version.nbf = nbf;
    }
    Ok(())
}

fn recovery_level(vault: &Vault) -> &'static str {
    match (vault.enable_soft_delete, vault.enable_purge_protection == Some(true)) {
        (true, true) => "Recoverable",
        (true, false) => "Recoverable+Purgeable",
        (false, _) => "Purgeable",
    }
}

pub(super) fn attributes(vault: &Vault, v: &KeyVersion) -> Value {
    let mut a = json!({
        "enabled": v.enabled,
        "created": v.created,
        "updated": v.updated,
        "recoveryLevel": recovery_level(vault),
        "exportable": false,
    });
    if vault.enable_soft_delete {
        a["recoverableDays"] = json!(90);
    }
    if let Some(exp) = v.exp {
        a["exp"] = json!(exp);
    }
    if let Some(nbf) = v.nbf {
        a["nbf"] = json!(nbf);
    }
    a
}

/// A KeyBundle.
pub(super) fn bundle(vault: &Vault, base: &str, name: &str, v: &KeyVersion) -> Result<Value, KvError> {
    let der =
        crypto::from_b64url(v.private_key.expose()).ok_or_else(|| internal("stored key material is unreadable"))?;
    let (n, e) = crypto::public_jwk_parts(&der).map_err(internal)?;
    let mut out = json!({
        "key": { "kid": format!("{base}/keys/{name}/{}", v.version), "kty": v.kty, "key_ops": v.key_ops, "n": n, "e": e },
        "attributes": attributes(vault, v),
    });
    if !v.tags.is_empty() {
        out["tags"] = json!(v.tags);
    }
    Ok(out)
}

fn internal(message: impl Into<String>) -> KvError {
    KvError { status: StatusCode::INTERNAL_SERVER_ERROR, code: "InternalError", message: message.into(), inner: None }
}

/// `GET /keys`: the current version of every key (no paging: a vault here holds few keys).
pub fn list(vault: &Vault, base: &str) -> Value {
    let items: Vec<Value> = vault
        .keys
        .iter()
        .filter_map(|k| {
            let v = k.versions.last()?;
            let mut item = json!({ "kid": format!("{base}/keys/{}", k.name), "attributes": attributes(vault, v) });
            if !v.tags.is_empty() {
                item["tags"] = json!(v.tags);
            }
            Some(item)
        })
        .collect();
    json!({ "value": items, "nextLink": null })
}

/// Builds a new key version from a create request (pure validation plus key generation).
pub fn new_version(vault: &Vault, body: &Value, now: i64) -> Result<KeyVersion, KvError> {
    let kty = body.get("kty").and_then(Value::as_str).ok_or_else(|| bad("The parameter kty is required."))?;
    match kty {
        "RSA" => {}
        "RSA-HSM" if vault.sku.eq_ignore_ascii_case("premium") => {}
        "RSA-HSM" => {
            return Err(bad("HSM-protected keys (RSA-HSM) need a Premium vault; this vault's SKU is standard."));
        }
        other => {
            return Err(bad(format!("Key type `{other}` is not supported by the sandbox (RSA and RSA-HSM only).")));
        }
    }
    let key_size = match body.get("key_size") {
        None | Some(Value::Null) => 2048,
        Some(v) => v.as_u64().and_then(|s| u32::try_from(s).ok()).ok_or_else(|| bad("key_size must be a number."))?,
    };
    let der = crypto::generate_rsa(key_size).map_err(bad)?;
    let key_ops = match body.get("key_ops") {
        None | Some(Value::Null) => RSA_OPS.iter().map(|s| s.to_string()).collect(),
        Some(v) => parse_ops(v)?,
    };
    let tags = match body.get("tags") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(v) => parse_tags(v)?,
    };
    let mut version = KeyVersion {
        version: uuid::Uuid::new_v4().simple().to_string(),
        kty: kty.to_string(),
        key_size,
        key_ops,
        enabled: true,
        exp: None,
        nbf: None,
        created: now,
        updated: now,
        tags,
        private_key: Secret::new(crypto::b64url(&der)),
    };
    apply_attributes(&mut version, body.get("attributes"))?;
    Ok(version)
}

/// `POST /keys/{name}/create`: a new key, or a new version of an existing one.
pub fn create(vault: &mut Vault, base: &str, name: &str, body: &Value, now: i64) -> Result<Value, KvError> {
    if !valid_name(name) {
        return Err(bad(format!("Key name `{name}` is invalid: use 1-127 letters, digits and dashes.")));
    }
    if vault.deleted_key(name).is_some() {
        return Err(super::deleted_keys::name_in_bin(name));
    }
    let version = new_version(vault, body, now)?;
    let out = bundle(vault, base, name, &version)?;
    match vault.key_mut(name) {
        Some(key) => key.versions.push(version),
        None => vault.keys.push(Key { name: name.to_string(), versions: vec![version] }),
    }
    Ok(out)
}

/// `GET /keys/{name}[/{version}]`.
pub fn get(vault: &Vault, base: &str, key: &KeyRef) -> Result<Value, KvError> {
    let k = vault.key(&key.name).ok_or_else(|| not_found(key))?;
    let v = k.version(key.version.as_deref()).ok_or_else(|| not_found(key))?;
    bundle(vault, base, &k.name, v)
}

/// `PATCH /keys/{name}[/{version}]`: `tags` REPLACES the whole set; `key_ops` and `attributes` too.
pub fn update(vault: &mut Vault, base: &str, key: &KeyRef, body: &Value, now: i64) -> Result<Value, KvError> {
    let tags = match body.get("tags") {
        None | Some(Value::Null) => None,
        Some(v) => Some(parse_tags(v)?),
    };
    let ops = match body.get("key_ops") {
        None | Some(Value::Null) => None,
        Some(v) => Some(parse_ops(v)?),
    };
    let name = {
        let k = vault.key_mut(&key.name).ok_or_else(|| not_found(key))?;
        let v = k.version_mut(key.version.as_deref()).ok_or_else(|| not_found(key))?;
        let mut updated = v.clone();
        apply_attributes(&mut updated, body.get("attributes"))?;
        if let Some(tags) = tags {
            updated.tags = tags;
        }
        if let Some(ops) = ops {
            updated.key_ops = ops;
        }
        updated.updated = now;
        *v = updated;
        k.name.clone()
    };
    get(vault, base, &KeyRef { name, version: key.version.clone() })
}

/// A cryptographic operation of the data plane; its name is the `key_ops` entry that allows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptOp {
    Wrap,
    Unwrap,
    Encrypt,
    Decrypt,
}

impl CryptOp {
    /// The operation's name, as `key_ops` and Key Vault's messages spell it.
    pub fn name(self) -> &'static str {
        match self {
            CryptOp::Wrap => "wrapKey",
            CryptOp::Unwrap => "unwrapKey",
            CryptOp::Encrypt => "encrypt",
            CryptOp::Decrypt => "decrypt",
        }
    }

    /// Whether it encrypts with the public half (wrap, encrypt) or decrypts with the private one.
    fn seals(self) -> bool {
        matches!(self, CryptOp::Wrap | CryptOp::Encrypt)
    }
}

/// `POST .../wrapkey`, `.../unwrapkey`, `.../encrypt` or `.../decrypt` (RSA-OAEP for all four, as
/// for an RSA key in Key Vault): refuses disabled, expired and not-yet-valid keys and operations
/// outside `key_ops` (403 `KeyOperationForbidden`, "Operation encrypt is not permitted on this
/// key."), as Key Vault does.
pub fn crypt(vault: &Vault, base: &str, key: &KeyRef, body: &Value, now: i64, op: CryptOp) -> Result<Value, KvError> {
    let op_name = op.name();
    let k = vault.key(&key.name).ok_or_else(|| not_found(key))?;
    let v = k.version(key.version.as_deref()).ok_or_else(|| not_found(key))?;
    if !v.enabled {
        return Err(forbidden(format!("Operation {op_name} is not allowed on a disabled key."), "KeyDisabled"));
    }
    if v.exp.is_some_and(|exp| now >= exp) {
        return Err(forbidden(format!("Operation {op_name} is not allowed on an expired key."), "KeyExpired"));
    }
    if v.nbf.is_some_and(|nbf| now < nbf) {
        return Err(forbidden(
            format!("Operation {op_name} is not allowed on a key that is not yet valid."),
            "KeyNotYetValid",
        ));
    }
    if !v.key_ops.iter().any(|o| o == op_name) {
        return Err(forbidden(format!("Operation {op_name} is not permitted on this key."), "KeyOperationForbidden"));
    }
    let alg_name = body.get("alg").and_then(Value::as_str).ok_or_else(|| bad("The parameter alg is required."))?;
    let alg = crypto::oaep(alg_name).ok_or_else(|| {
        bad(format!("Algorithm `{alg_name}` is not supported by the sandbox (RSA-OAEP-256, RSA-OAEP)."))
    })?;
    let value = body.get("value").and_then(Value::as_str).ok_or_else(|| bad("The parameter value is required."))?;
    let value = crypto::from_b64url(value).ok_or_else(|| bad("The parameter value is not base64url."))?;
    let der =
        crypto::from_b64url(v.private_key.expose()).ok_or_else(|| internal("stored key material is unreadable"))?;
    let out = if op.seals() {
        crypto::wrap(&der, alg, &value).map_err(bad)?
    } else {
        crypto::unwrap(&der, alg, &value).map_err(bad)?
    };
    Ok(json!({ "kid": format!("{base}/keys/{}/{}", k.name, v.version), "value": crypto::b64url(&out) }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::state::AzureState;
    use crate::azure::{SeedAzureKey, VAULT_NAME, seed};

    fn vault_with(key_ops: &[&str]) -> Vault {
        let mut state = AzureState::seeded();
        let key = SeedAzureKey {
            key_size: 2048,
            key_ops: key_ops.iter().map(|o| o.to_string()).collect(),
            ..SeedAzureKey::cmek("k")
        };
        seed::seed_key(&mut state, key).unwrap();
        state.vault(VAULT_NAME).unwrap().clone()
    }

    fn crypt_with(vault: &Vault, op: CryptOp, value: &[u8]) -> Result<Value, KvError> {
        let body = json!({ "alg": "RSA-OAEP-256", "value": crypto::b64url(value) });
        crypt(vault, "https://v", &KeyRef { name: "k".into(), version: None }, &body, 0, op)
    }

    #[test]
    fn each_crypto_operation_needs_its_own_key_op() {
        let wrap_only = vault_with(&["wrapKey", "unwrapKey"]);
        let wrapped = crypt_with(&wrap_only, CryptOp::Wrap, b"dek").unwrap();
        let value = crypto::from_b64url(wrapped["value"].as_str().unwrap()).unwrap();
        let back = crypt_with(&wrap_only, CryptOp::Unwrap, &value).unwrap();
        assert_eq!(crypto::from_b64url(back["value"].as_str().unwrap()).unwrap(), b"dek");
        for (op, name) in [(CryptOp::Encrypt, "encrypt"), (CryptOp::Decrypt, "decrypt")] {
            let e = crypt_with(&wrap_only, op, b"data").unwrap_err();
            assert_eq!(
                (e.status, e.code, e.inner),
                (StatusCode::FORBIDDEN, "Forbidden", Some("KeyOperationForbidden"))
            );
            assert_eq!(e.message, format!("Operation {name} is not permitted on this key."));
        }

        let encrypt_only = vault_with(&["encrypt", "decrypt"]);
        let sealed = crypt_with(&encrypt_only, CryptOp::Encrypt, b"data").unwrap();
        let value = crypto::from_b64url(sealed["value"].as_str().unwrap()).unwrap();
        let opened = crypt_with(&encrypt_only, CryptOp::Decrypt, &value).unwrap();
        assert_eq!(crypto::from_b64url(opened["value"].as_str().unwrap()).unwrap(), b"data");
        assert_eq!(crypt_with(&encrypt_only, CryptOp::Wrap, b"dek").unwrap_err().inner, Some("KeyOperationForbidden"));
    }
}
