//! A running sandbox's endpoints as a file: `cmek sandbox` writes it and exports its path, so a
//! `cmek` started elsewhere (another terminal, a test that kills clients) works against that
//! sandbox exactly as against an in-process one: its platform, its AWS, its Azure with its CA and
//! loopback names, its Google Cloud KMS with the customer admin's token, its OAuth and federation
//! side (rules, the CI identity token, the user_oauth tokens, the issuer's key for minting more).
//! The file holds the sandbox's throwaway secrets, as its state file does, and is created readable
//! by its owner only; so is the identity-token file `write_identity_token` writes.

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::SandboxError;
use super::aws::AwsCredentials;
use super::platform::{CiExports, FederationSandboxEndpoints, UserOauthEndpoints};
use super::world::{AzureSandboxEndpoints, GcpSandboxEndpoints, SandboxEndpoints};

const WHAT: &str = "sandbox endpoints file";
pub const ENDPOINTS_FORMAT: &str = "cmek.sandbox-endpoints/v1";

#[derive(Serialize, Deserialize)]
struct File {
    format: String,
    base_url: String,
    admin_key: String,
    aws_endpoint: String,
    aws_region: String,
    aws_access_key_id: String,
    aws_secret_access_key: String,
    azure: AzureFile,
    gcp: GcpFile,
    federation: FederationFile,
}

#[derive(Serialize, Deserialize)]
struct FederationFile {
    organization_id: String,
    organization_name: String,
    issuer_url: String,
    audience: String,
    admin_rule_id: String,
    admin_service_account_id: String,
    developer_rule_id: String,
    developer_service_account_id: String,
    ci: CiFile,
    user_oauth: Option<UserOauthFile>,
    signing_key: String,
    signing_key_id: String,
}

#[derive(Serialize, Deserialize)]
struct CiFile {
    federation_rule_id: String,
    organization_id: String,
    target_service_account_id: String,
    service_account_id: Option<String>,
    workspace_id: Option<String>,
    identity_token: String,
    admin_key_exported: bool,
}

#[derive(Serialize, Deserialize)]
struct UserOauthFile {
    account_email: String,
    client_id: String,
    scope: String,
    workspace_id: Option<String>,
    access_token: String,
    refresh_token: String,
    expires_at: i64,
}

#[derive(Serialize, Deserialize)]
struct GcpFile {
    endpoint: String,
    access_token: String,
    principal: String,
    project_id: String,
    location: String,
}

#[derive(Serialize, Deserialize)]
struct AzureFile {
    port: u16,
    ca_pem: String,
    arm: String,
    graph: String,
    authority: String,
    vault_url: String,
    tenant_id: String,
    client_id: String,
    client_secret: String,
    identity_endpoint: String,
    identity_header: String,
}

/// Writes `endpoints` to `path` (replacing it), readable by its owner only.
pub fn write(endpoints: &SandboxEndpoints, path: &Path) -> Result<(), SandboxError> {
    let e = endpoints;
    let az = &e.azure;
    let file = File {
        format: ENDPOINTS_FORMAT.to_string(),
        base_url: e.base_url.to_string(),
        admin_key: e.admin_key.expose_secret().to_string(),
        aws_endpoint: e.aws_endpoint.clone(),
        aws_region: e.aws_region.clone(),
        aws_access_key_id: e.aws_credentials.access_key_id.clone(),
        aws_secret_access_key: e.aws_credentials.secret_access_key.expose_secret().to_string(),
        azure: AzureFile {
            port: az.port,
            ca_pem: az.ca_pem.clone(),
            arm: az.arm.clone(),
            graph: az.graph.clone(),
            authority: az.authority.clone(),
            vault_url: az.vault_url.clone(),
            tenant_id: az.tenant_id.clone(),
            client_id: az.client_id.clone(),
            client_secret: az.client_secret.expose_secret().to_string(),
            identity_endpoint: az.identity_endpoint.clone(),
            identity_header: az.identity_header.expose_secret().to_string(),
        },
        gcp: GcpFile {
            endpoint: e.gcp.endpoint.clone(),
            access_token: e.gcp.access_token.expose_secret().to_string(),
            principal: e.gcp.principal.clone(),
            project_id: e.gcp.project_id.clone(),
            location: e.gcp.location.clone(),
        },
        federation: federation_file(&e.federation),
    };
    let text = serde_json::to_string_pretty(&file).map_err(|e| config(format!("cannot serialise it: {e}")))?;
    write_private(path, text.as_bytes())
}

/// Writes the CI identity token (what `ANTHROPIC_IDENTITY_TOKEN_FILE` names) to `path`, readable
/// by its owner only.
pub fn write_identity_token(endpoints: &SandboxEndpoints, path: &Path) -> Result<(), SandboxError> {
    write_private(path, endpoints.federation.ci.identity_token.expose_secret().as_bytes())
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), SandboxError> {
    let fail = |e: std::io::Error| config(format!("cannot write {}: {e}", path.display()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(path).map_err(fail)?;
    std::io::Write::write_all(&mut out, bytes).map_err(fail)
}

fn federation_file(f: &FederationSandboxEndpoints) -> FederationFile {
    FederationFile {
        organization_id: f.organization_id.clone(),
        organization_name: f.organization_name.clone(),
        issuer_url: f.issuer_url.clone(),
        audience: f.audience.clone(),
        admin_rule_id: f.admin_rule_id.clone(),
        admin_service_account_id: f.admin_service_account_id.clone(),
        developer_rule_id: f.developer_rule_id.clone(),
        developer_service_account_id: f.developer_service_account_id.clone(),
        ci: CiFile {
            federation_rule_id: f.ci.federation_rule_id.clone(),
            organization_id: f.ci.organization_id.clone(),
            target_service_account_id: f.ci.target_service_account_id.clone(),
            service_account_id: f.ci.service_account_id.clone(),
            workspace_id: f.ci.workspace_id.clone(),
            identity_token: f.ci.identity_token.expose_secret().to_string(),
            admin_key_exported: f.ci.admin_key_exported,
        },
        user_oauth: f.user_oauth.as_ref().map(|u| UserOauthFile {
            account_email: u.account_email.clone(),
            client_id: u.client_id.clone(),
            scope: u.scope.clone(),
            workspace_id: u.workspace_id.clone(),
            access_token: u.access_token.expose_secret().to_string(),
            refresh_token: u.refresh_token.expose_secret().to_string(),
            expires_at: u.expires_at,
        }),
        signing_key: f.signing_key.expose_secret().to_string(),
        signing_key_id: f.signing_key_id.clone(),
    }
}

fn federation_endpoints(f: FederationFile) -> FederationSandboxEndpoints {
    FederationSandboxEndpoints {
        organization_id: f.organization_id,
        organization_name: f.organization_name,
        issuer_url: f.issuer_url,
        audience: f.audience,
        admin_rule_id: f.admin_rule_id,
        admin_service_account_id: f.admin_service_account_id,
        developer_rule_id: f.developer_rule_id,
        developer_service_account_id: f.developer_service_account_id,
        ci: CiExports {
            federation_rule_id: f.ci.federation_rule_id,
            organization_id: f.ci.organization_id,
            target_service_account_id: f.ci.target_service_account_id,
            service_account_id: f.ci.service_account_id,
            workspace_id: f.ci.workspace_id,
            identity_token: SecretString::from(f.ci.identity_token),
            admin_key_exported: f.ci.admin_key_exported,
        },
        user_oauth: f.user_oauth.map(|u| UserOauthEndpoints {
            account_email: u.account_email,
            client_id: u.client_id,
            scope: u.scope,
            workspace_id: u.workspace_id,
            access_token: SecretString::from(u.access_token),
            refresh_token: SecretString::from(u.refresh_token),
            expires_at: u.expires_at,
        }),
        signing_key: SecretString::from(f.signing_key),
        signing_key_id: f.signing_key_id,
    }
}

/// Reads a file `write` wrote.
pub fn read(path: &Path) -> Result<SandboxEndpoints, SandboxError> {
    let bad = |why: String| {
        config(format!(
            "cannot use {}: {why}; start a sandbox with `cmek sandbox` and use the CMEK_SANDBOX_ENDPOINTS it prints",
            path.display()
        ))
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let file: File = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    if file.format != ENDPOINTS_FORMAT {
        return Err(bad(format!("its format is `{}`, this version reads `{ENDPOINTS_FORMAT}`", file.format)));
    }
    let base_url = url::Url::parse(&file.base_url).map_err(|e| bad(format!("base_url: {e}")))?;
    let az = file.azure;
    let gcp = file.gcp;
    Ok(SandboxEndpoints {
        base_url,
        admin_key: SecretString::from(file.admin_key),
        aws_endpoint: file.aws_endpoint,
        aws_region: file.aws_region,
        aws_credentials: AwsCredentials {
            access_key_id: file.aws_access_key_id,
            secret_access_key: SecretString::from(file.aws_secret_access_key),
            session_token: None,
        },
        azure: AzureSandboxEndpoints {
            port: az.port,
            ca_pem: az.ca_pem,
            arm: az.arm,
            graph: az.graph,
            authority: az.authority,
            vault_url: az.vault_url,
            tenant_id: az.tenant_id,
            client_id: az.client_id,
            client_secret: SecretString::from(az.client_secret),
            identity_endpoint: az.identity_endpoint,
            identity_header: SecretString::from(az.identity_header),
        },
        gcp: GcpSandboxEndpoints {
            endpoint: gcp.endpoint,
            access_token: SecretString::from(gcp.access_token),
            principal: gcp.principal,
            project_id: gcp.project_id,
            location: gcp.location,
        },
        federation: federation_endpoints(file.federation),
    })
}

fn config(message: String) -> SandboxError {
    SandboxError::Config { what: WHAT, message }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios;
    use crate::{Sandbox, SandboxOptions};

    #[tokio::test]
    async fn the_endpoints_read_back_as_written_and_the_file_is_private() {
        let sandbox = Sandbox::start(SandboxOptions::new(scenarios::default_scenario())).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("endpoints.json");
        let e = sandbox.endpoints().unwrap();
        write(&e, &path).unwrap();
        let back = read(&path).unwrap();
        assert_eq!(back.base_url, e.base_url);
        assert_eq!(back.admin_key.expose_secret(), e.admin_key.expose_secret());
        assert_eq!(back.aws_credentials.access_key_id, e.aws_credentials.access_key_id);
        assert_eq!(back.azure.port, e.azure.port);
        assert_eq!(back.azure.client_secret.expose_secret(), e.azure.client_secret.expose_secret());
        assert_eq!(back.gcp.endpoint, e.gcp.endpoint);
        assert_eq!(back.gcp.access_token.expose_secret(), e.gcp.access_token.expose_secret());
        assert_eq!((back.gcp.project_id.as_str(), back.gcp.location.as_str()), ("cmek-sandbox", "us-central1"));
        assert_eq!(back.gcp.principal, e.gcp.principal);
        let (f, fb) = (&e.federation, &back.federation);
        assert_eq!(
            (fb.organization_id.as_str(), fb.issuer_url.as_str()),
            (f.organization_id.as_str(), f.issuer_url.as_str())
        );
        assert_eq!(fb.ci.identity_token.expose_secret(), f.ci.identity_token.expose_secret());
        assert_eq!(
            (fb.ci.federation_rule_id.as_str(), fb.ci.admin_key_exported),
            (f.ci.federation_rule_id.as_str(), true)
        );
        let (u, ub) = (f.user_oauth.as_ref().unwrap(), fb.user_oauth.as_ref().unwrap());
        assert_eq!(ub.refresh_token.expose_secret(), u.refresh_token.expose_secret());
        assert_eq!((ub.expires_at, ub.client_id.as_str()), (u.expires_at, "cmek-sandbox-cli"));
        // A token minted from the file's key is one the sandbox accepts the signature of.
        let claims = crate::IdentityClaims::new(
            "repo:acme/cmek-setup:ref:refs/heads/main",
            &f.audience,
            chrono::Duration::minutes(5),
        );
        let minted = fb.mint_identity_token(&claims).unwrap();
        assert_eq!(minted.expose_secret().split('.').count(), 3);
        let token_file = dir.path().join("identity-token");
        write_identity_token(&back, &token_file).unwrap();
        assert_eq!(std::fs::read_to_string(&token_file).unwrap(), f.ci.identity_token.expose_secret());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(std::fs::metadata(&token_file).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "{\"format\":\"other\"}").unwrap();
        assert!(read(&path).is_err());
        sandbox.shutdown().await.unwrap();
    }
}
