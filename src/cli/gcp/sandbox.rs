//! What Google's own clients need to reach the sandbox's emulated Cloud KMS (`cmek sandbox`).

use cmek_sandbox::SandboxEndpoints;
use cmek_sandbox::ca_bundle::CaBundle;
use secrecy::ExposeSecret;

/// gcloud reads its endpoint, token (from a file) and project from the environment; the client
/// libraries reach `cloudkms.googleapis.com` through the sandbox's proxy and take a token in code
/// (shown as a comment). The token file is written
/// beside the CA bundle, so it lives as long as it does.
pub fn exports(e: &SandboxEndpoints, ca: &CaBundle) -> Vec<String> {
    let g = &e.gcp;
    let token_file = write_token_file(ca, g.access_token.expose_secret());
    let token_file = token_file.as_deref();
    let mut lines = vec![
        format!("export CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDKMS={}/", g.endpoint),
        format!("export CLOUDSDK_CORE_PROJECT={}", g.project_id),
        format!("export CMEK_GCP_KMS_ENDPOINT={}", g.endpoint),
        format!("export GCP_SANDBOX_ACCESS_TOKEN={}", g.access_token.expose_secret()),
    ];
    if let Some(path) = token_file {
        lines.push(format!("export CLOUDSDK_AUTH_ACCESS_TOKEN_FILE={}", path.display()));
    }
    lines.extend([
        format!(
            "# gcp cloud kms: {} (plain http on loopback), project {}, location {}",
            g.endpoint, g.project_id, g.location
        ),
        format!("# gcp identity: the token stands for {}", g.principal),
        "# gcp python: KeyManagementServiceClient(transport=\"rest\", credentials=google.oauth2.credentials.\
         Credentials(os.environ[\"GCP_SANDBOX_ACCESS_TOKEN\"])) (cloudkms.googleapis.com through the proxy; the \
         sandbox has no OAuth token endpoint for application default credentials, nor gRPC)"
            .to_string(),
    ]);
    lines
}

/// `<bundle stem>.gcp-token` beside the CA bundle, readable by this user only; `None` (and no
/// export for gcloud) when it cannot be written.
fn write_token_file(ca: &CaBundle, token: &str) -> Option<std::path::PathBuf> {
    // Beside `<state>.ca.pem` as `<state>.gcp-token`; in the private temporary folder as
    // `gcp-token`.
    let stem = ca.path.file_stem()?.to_string_lossy().into_owned();
    let name = match stem.strip_suffix(".ca") {
        Some(state) => format!("{state}.gcp-token"),
        None => "gcp-token".to_string(),
    };
    let path = ca.path.with_file_name(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).ok()?;
    std::io::Write::write_all(&mut file, token.as_bytes()).ok()?;
    Some(path)
}
