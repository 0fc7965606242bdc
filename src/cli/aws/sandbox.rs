//! What the AWS SDKs and CLI need to reach the sandbox's emulated KMS and STS (`cmek sandbox`), and
//! the sandbox with an AWS stand-in the user runs (`cmek sandbox --aws-endpoint`, e.g. moto).

use std::net::{Ipv4Addr, SocketAddr};

use rand::distr::{Alphanumeric, SampleString};
use secrecy::{ExposeSecret, SecretString};

use cmek_sandbox::SandboxEndpoints;
use cmek_sandbox::aws::AwsCredentials;
use cmek_sandbox::platform::{AwsBackend, PlatformSandboxConfig, start};

use crate::cli::args::SandboxArgs;
use crate::cli::sandbox::print_ready;
use crate::error::{Error, Result};

/// The AWS variables for the emulated KMS and STS: credentials and region only, as for the real
/// AWS. The clients reach `kms.<region>.amazonaws.com` and `sts[.<region>].amazonaws.com` through
/// the sandbox's proxy; the loopback endpoint is printed as a comment for a client that wants
/// `AWS_ENDPOINT_URL` instead. The region goes in both variables the AWS tools read:
/// `AWS_REGION` (the SDKs, CLI v2) and `AWS_DEFAULT_REGION` (the CLI v1 and boto3, which ignore
/// `AWS_REGION`).
pub fn exports(e: &SandboxEndpoints) -> Vec<String> {
    vec![
        format!("export AWS_ACCESS_KEY_ID={}", e.aws_credentials.access_key_id),
        format!("export AWS_SECRET_ACCESS_KEY={}", e.aws_credentials.secret_access_key.expose_secret()),
        format!("export AWS_REGION={}", e.aws_region),
        format!("export AWS_DEFAULT_REGION={}", e.aws_region),
        format!(
            "# aws endpoint: {} (KMS and STS, plain http on loopback; through the proxy as \
             kms.{}.amazonaws.com and sts.amazonaws.com)",
            e.aws_endpoint, e.aws_region
        ),
    ]
}

/// Credentials the sandbox hands to an external AWS stand-in (moto accepts any).
const EXTERNAL_AWS_ACCESS_KEY_ID: &str = "AKIASANDBOXCMEK00001";
const EXTERNAL_AWS_SECRET: &str = "sandbox-secret-access-key-not-a-real-one";
const EXTERNAL_AWS_REGION: &str = "us-east-2";

/// The platform emulator alone, validating against an AWS endpoint the user runs (moto).
pub async fn run_with_external_aws(args: &SandboxArgs, endpoint_url: String) -> Result<i32> {
    if args.scenario.is_some() || args.state.is_some() {
        return Err(Error::usage(
            "--scenario and --state need the built-in AWS emulator: drop --aws-endpoint to use them",
        ));
    }
    let admin_key = format!("sk-ant-admin01-sandbox-{}", Alphanumeric.sample_string(&mut rand::rng(), 32));
    let credentials = AwsCredentials {
        access_key_id: EXTERNAL_AWS_ACCESS_KEY_ID.to_string(),
        secret_access_key: SecretString::from(EXTERNAL_AWS_SECRET),
        session_token: None,
    };
    let config = PlatformSandboxConfig {
        aws: Some(AwsBackend {
            endpoint_url: endpoint_url.clone(),
            region_default: EXTERNAL_AWS_REGION.to_string(),
            credentials,
            anthropic: None,
        }),
        bind: SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)),
        ..PlatformSandboxConfig::new(SecretString::from(admin_key.clone()))
    };
    let running = start(config).await.map_err(|e| {
        Error::usage(format!("cannot start the sandbox on 127.0.0.1:{}: {e}", args.port))
            .with_hint("pick another --port, or 0 for a free one")
    })?;
    print_ready(&[
        format!("export ANTHROPIC_BASE_URL={}", running.base_url.as_str().trim_end_matches('/')),
        format!("export ANTHROPIC_ADMIN_KEY={admin_key}"),
        format!("export AWS_ENDPOINT_URL={endpoint_url}"),
        format!("export AWS_ACCESS_KEY_ID={EXTERNAL_AWS_ACCESS_KEY_ID}"),
        format!("export AWS_SECRET_ACCESS_KEY={EXTERNAL_AWS_SECRET}"),
        format!("export AWS_REGION={EXTERNAL_AWS_REGION}"),
        format!("export AWS_DEFAULT_REGION={EXTERNAL_AWS_REGION}"),
        format!("# organisation: {} ({})", running.org.name, running.org.id),
    ]);
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown().await.map_err(|e| Error::remote(format!("the sandbox did not stop cleanly: {e}")))?;
    Ok(0)
}
