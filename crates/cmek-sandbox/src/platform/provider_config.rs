//! Checking an external key's `provider_config`, `geo` and `display_name` as the platform does on
//! create and update (form only: whether the key works is validation's job, not this module's).

use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult, shown};
use super::json_input::Fields;
use crate::platform::wire::{AwsKeyConfig, AzureKeyConfig, GcpKeyConfig, ProviderConfig};
use cmek_core::model::aws::{KmsKeyArn, KmsResource};

/// The only data-residency geo CMEK supports.
pub const SUPPORTED_GEO: &str = "us";

pub fn parse(map: &Map<String, Value>) -> ApiResult<ProviderConfig> {
    const PREFIX: &str = "provider_config.";
    let kind = match map.get("type") {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "`provider_config.type` must be one of aws, gcp, azure, got {}",
                super::json_input::describe(other)
            )));
        }
        None => return Err(ApiError::invalid("`provider_config.type`: Field required (one of aws, gcp, azure)")),
    };
    match kind {
        "aws" => aws(&Fields::new(PREFIX, map, &["type", "kms_arn", "region", "role_arn"])?).map(ProviderConfig::Aws),
        "gcp" => gcp(&Fields::new(PREFIX, map, &["type", "key_name"])?).map(ProviderConfig::Gcp),
        "azure" => azure(&Fields::new(PREFIX, map, &["type", "vault_uri", "key_name", "tenant_id", "client_id"])?)
            .map(ProviderConfig::Azure),
        other => Err(ApiError::invalid(format!(
            "`provider_config.type` `{}` is not a supported provider; use one of aws, gcp, azure",
            shown(other)
        ))),
    }
}

fn aws(f: &Fields<'_>) -> ApiResult<AwsKeyConfig> {
    // `role_arn` is deprecated and ignored: accepted, never stored.
    let _ = f.value("role_arn");
    let raw = f.required_str("kms_arn")?;
    let arn: KmsKeyArn = raw.parse().map_err(|e| ApiError::invalid(format!("`provider_config.kms_arn`: {e}")))?;
    if let KmsResource::Alias(alias) = &arn.resource {
        return Err(ApiError::invalid(format!(
            "`provider_config.kms_arn` `{}` is an alias ARN ({alias}); alias ARNs are rejected: register the key's own \
             ARN, arn:aws:kms:<region>:<account>:key/<key id> (aws kms describe-key --key-id {alias} shows it)",
            shown(raw)
        )));
    }
    if let Some(region) = f.str("region")?.given()
        && region != arn.region.as_str()
    {
        return Err(ApiError::invalid(format!(
            "`provider_config.region` `{}` does not match the region of `provider_config.kms_arn` ({}); omit region \
             or make them agree",
            shown(region),
            arn.region
        )));
    }
    // The region is derived from the ARN when omitted, and the ARN is kept in its canonical form.
    Ok(AwsKeyConfig { region: Some(arn.region.to_string()), kms_arn: arn.to_string() })
}

fn gcp(f: &Fields<'_>) -> ApiResult<GcpKeyConfig> {
    let key_name = f.required_str("key_name")?;
    let parts: Vec<&str> = key_name.split('/').collect();
    let labels = ["projects", "locations", "keyRings", "cryptoKeys"];
    let well_formed = parts.len() == 8
        && parts.iter().step_by(2).zip(labels).all(|(got, want)| *got == want)
        && parts.iter().skip(1).step_by(2).all(|v| {
            !v.is_empty() && v.len() <= 63 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        });
    if well_formed {
        return Ok(GcpKeyConfig { key_name: key_name.to_string() });
    }
    let hint = if key_name.contains("/cryptoKeyVersions/") {
        "it names a key version; register the key itself, without the /cryptoKeyVersions/<n> suffix"
    } else {
        "expected projects/<project>/locations/<location>/keyRings/<key ring>/cryptoKeys/<key>"
    };
    Err(ApiError::invalid(format!(
        "`provider_config.key_name` `{}` is not a Cloud KMS key name: {hint}",
        shown(key_name)
    )))
}

fn azure(f: &Fields<'_>) -> ApiResult<AzureKeyConfig> {
    let vault_uri = f.required_str("vault_uri")?;
    check_vault_uri(vault_uri)?;
    let key_name = f.required_str("key_name")?;
    if key_name.is_empty() || key_name.len() > 127 || !key_name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(ApiError::invalid(format!(
            "`provider_config.key_name` `{}` is not a Key Vault key name (1 to 127 letters, digits and hyphens)",
            shown(key_name)
        )));
    }
    let tenant_id = f.required_str("tenant_id")?;
    check_uuid("provider_config.tenant_id", tenant_id, "the vault's tenant (properties.tenantId of the vault)")?;
    let client_id = f.str("client_id")?.given();
    if let Some(client_id) = client_id {
        check_uuid("provider_config.client_id", client_id, "an application (client) id; omit it for Anthropic's app")?;
    }
    Ok(AzureKeyConfig {
        vault_uri: vault_uri.to_string(),
        key_name: key_name.to_string(),
        tenant_id: tenant_id.to_ascii_lowercase(),
        client_id: client_id.map(str::to_ascii_lowercase),
    })
}

fn check_vault_uri(raw: &str) -> ApiResult<()> {
    let bad = |why: &str| {
        ApiError::invalid(format!(
            "`provider_config.vault_uri` `{}` {why}; expected https://<vault>.vault.azure.net or \
             https://<hsm>.managedhsm.azure.net",
            shown(raw)
        ))
    };
    let url = url::Url::parse(raw).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    if url.scheme() != "https" {
        return Err(bad("does not use https"));
    }
    let host = url.host_str().unwrap_or_default();
    let name = host.strip_suffix(".vault.azure.net").or_else(|| host.strip_suffix(".managedhsm.azure.net"));
    let name_ok = name.is_some_and(|n| {
        (3..=24).contains(&n.len()) && !n.contains('.') && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if !name_ok {
        return Err(bad("is not a Key Vault or Managed HSM address"));
    }
    if url.path() != "/" || url.query().is_some() || url.port().is_some() {
        return Err(bad("must be the vault's address alone, with no path, port or query"));
    }
    Ok(())
}

fn check_uuid(path: &str, value: &str, what: &str) -> ApiResult<()> {
    if value.len() == 36 && uuid::Uuid::parse_str(value).is_ok() {
        Ok(())
    } else {
        Err(ApiError::invalid(format!("`{path}` `{}` is not a UUID; expected {what}", shown(value))))
    }
}

/// `geo`: only `us`.
pub fn check_geo(geo: &str) -> ApiResult<()> {
    if geo == SUPPORTED_GEO {
        Ok(())
    } else {
        Err(ApiError::invalid(format!("`geo` `{}` is not supported; the only supported geo is `us`", shown(geo))))
    }
}

/// `display_name`: 1 to 255 characters.
pub fn check_display_name(name: &str) -> ApiResult<()> {
    let n = name.chars().count();
    if (1..=255).contains(&n) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!("`display_name` must be 1 to 255 characters, got {n} (`{}`)", shown(name))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse_json(v: Value) -> ApiResult<ProviderConfig> {
        match v {
            Value::Object(m) => parse(&m),
            _ => unreachable!("tests pass objects"),
        }
    }

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn aws_configs() {
        let c = parse_json(json!({"type":"aws","kms_arn":ARN,"role_arn":"arn:aws:iam::1:role/x"})).unwrap();
        assert_eq!(c, ProviderConfig::Aws(AwsKeyConfig { kms_arn: ARN.into(), region: Some("us-east-2".into()) }));
        let alias = "arn:aws:kms:us-east-2:111122223333:alias/anthropic-cmek";
        assert!(parse_json(json!({"type":"aws","kms_arn":alias})).unwrap_err().message.contains("alias ARN"));
        let e = parse_json(json!({"type":"aws","kms_arn":"arn:aws:kms:us-east-2:1:key/x"})).unwrap_err();
        assert!(e.message.starts_with("`provider_config.kms_arn`"), "{}", e.message);
        let e = parse_json(json!({"type":"aws","kms_arn":ARN,"region":"us-west-2"})).unwrap_err();
        assert!(e.message.contains("does not match"), "{}", e.message);
        let e = parse_json(json!({"type":"aws","kms_arn":5})).unwrap_err();
        assert!(e.message.contains("`provider_config.kms_arn` must be a string"), "{}", e.message);
    }

    #[test]
    fn gcp_and_azure_configs() {
        let key = "projects/p-1/locations/us-central1/keyRings/r/cryptoKeys/k";
        assert!(parse_json(json!({"type":"gcp","key_name":key})).is_ok());
        let e = parse_json(json!({"type":"gcp","key_name":format!("{key}/cryptoKeyVersions/1")})).unwrap_err();
        assert!(e.message.contains("key version"), "{}", e.message);
        let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let ok =
            json!({"type":"azure","vault_uri":"https://my-vault.vault.azure.net/","key_name":"k","tenant_id":tenant});
        assert!(parse_json(ok).is_ok());
        let hsm =
            json!({"type":"azure","vault_uri":"https://hsm1.managedhsm.azure.net","key_name":"k","tenant_id":tenant});
        assert!(parse_json(hsm).is_ok());
        for bad in ["http://v1x.vault.azure.net", "https://v1x.example.com", "https://v1x.vault.azure.net/keys/k"] {
            let v = json!({"type":"azure","vault_uri":bad,"key_name":"k","tenant_id":tenant});
            assert!(parse_json(v).unwrap_err().message.contains("vault_uri"), "{bad}");
        }
        let v = json!({"type":"azure","vault_uri":"https://v1x.vault.azure.net","key_name":"k","tenant_id":"t"});
        assert!(parse_json(v).unwrap_err().message.contains("tenant_id"));
    }

    #[test]
    fn unknown_provider_and_fields() {
        assert!(parse_json(json!({"type":"oracle"})).unwrap_err().message.contains("`oracle`"));
        assert!(parse_json(json!({"kms_arn":ARN})).unwrap_err().message.contains("provider_config.type"));
        let e = parse_json(json!({"type":"gcp","key_name":"x","extra":1})).unwrap_err();
        assert!(e.message.contains("provider_config.extra"), "{}", e.message);
        assert!(check_geo("eu").is_err() && check_geo("us").is_ok());
        assert!(check_display_name("").is_err() && check_display_name(&"x".repeat(256)).is_err());
    }
}
