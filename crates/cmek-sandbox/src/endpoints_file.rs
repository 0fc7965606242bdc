//! A running sandbox's endpoints as a file: `cmek sandbox` writes it and exports its path, so a
//! `cmek` started elsewhere (another terminal, a test that kills clients) works against that
//! sandbox exactly as against an in-process one: its platform, its AWS, its Azure with its CA and
//! loopback names, its Google Cloud KMS with the customer admin's token. The file holds the sandbox's throwaway secrets, as its state file does, and is
//! created readable by its owner only.

use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::SandboxError;
use super::aws::AwsCredentials;
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
    };
    let text = serde_json::to_string_pretty(&file).map_err(|e| config(format!("cannot serialise it: {e}")))?;
    let fail = |e: std::io::Error| config(format!("cannot write {}: {e}", path.display()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(path).map_err(fail)?;
    std::io::Write::write_all(&mut out, text.as_bytes()).map_err(fail)
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
        let sandbox = Sandbox::start(SandboxOptions {
            scenario: scenarios::default_scenario(),
            state_file: None,
            platform_port: 0,
            aws_port: 0,
            azure_port: 0,
            gcp_port: 0,
        })
        .await
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("endpoints.json");
        let e = sandbox.endpoints();
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
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "{\"format\":\"other\"}").unwrap();
        assert!(read(&path).is_err());
        sandbox.shutdown().await.unwrap();
    }
}
