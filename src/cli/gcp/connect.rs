//! Where Google Cloud calls go: Application Default Credentials with the flags' endpoint (checked to
//! be an https URL, or http on loopback) and project, or the sandbox's emulator with its token and
//! project (never the environment).

use cmek_sandbox::GcpSandboxEndpoints;

use super::args::GcpConnectArgs;
use crate::cli::connect::Reach;
use crate::cli::endpoint;
use crate::error::{Error, Result};
use crate::providers::gcp::{DEFAULT_ENDPOINT, GcpClient, GcpCredentialSource, GcpSettings};

/// The Google Cloud client for this run (building it makes no call).
pub fn client(reach: &Reach<'_>) -> Result<GcpClient> {
    match reach {
        Reach::Real { clouds, env, .. } => {
            let settings = real_settings(&clouds.gcp, *env)?;
            GcpClient::connect(&settings, *env).map_err(Error::from)
        }
        Reach::Sandbox(s) => GcpClient::connect(&sandbox_settings(&s.gcp), &|_| None).map_err(Error::from),
    }
}

/// The sandbox's emulator, signed in as the customer's admin, in the seeded project.
pub fn sandbox_settings(gcp: &GcpSandboxEndpoints) -> GcpSettings {
    GcpSettings {
        endpoint: Some(gcp.endpoint.clone()),
        project: Some(gcp.project_id.clone()),
        credentials: GcpCredentialSource::AccessToken(gcp.access_token.clone()),
        principal: Some(gcp.principal.clone()),
    }
}

/// Real Google Cloud: ADC; the endpoint override checked; the project from CLOUDSDK_CORE_PROJECT
/// or GOOGLE_CLOUD_PROJECT (the Key screen and `--gcp-project` may name another).
fn real_settings(args: &GcpConnectArgs, env: &(dyn Fn(&str) -> Option<String> + Sync)) -> Result<GcpSettings> {
    let endpoint = match args.gcp_kms_endpoint.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(raw) => Some(endpoint::checked(raw, "--gcp-kms-endpoint / CMEK_GCP_KMS_ENDPOINT", DEFAULT_ENDPOINT)?),
        None => None,
    };
    let project = ["CLOUDSDK_CORE_PROJECT", "GOOGLE_CLOUD_PROJECT"]
        .iter()
        .find_map(|var| env(var).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()));
    Ok(GcpSettings { endpoint, project, credentials: GcpCredentialSource::Adc, principal: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_must_be_https_or_loopback_http() {
        let env = |k: &str| (k == "GOOGLE_CLOUD_PROJECT").then(|| "acme-prod".to_string());
        let ok = GcpConnectArgs { gcp_kms_endpoint: Some("http://127.0.0.1:8085/".into()) };
        let s = real_settings(&ok, &env).unwrap();
        assert_eq!(s.endpoint.as_deref(), Some("http://127.0.0.1:8085"));
        assert_eq!(s.project.as_deref(), Some("acme-prod"));
        let bad = GcpConnectArgs { gcp_kms_endpoint: Some("http://kms.example.com".into()) };
        let e = real_settings(&bad, &env).unwrap_err();
        assert!(e.message.contains("http://kms.example.com"), "{e}");
    }
}
