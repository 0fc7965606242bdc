//! `cmek sandbox`: runs the emulated Admin API on loopback in the foreground, prints one
//! `export NAME=VALUE` line per variable a client needs, then `# ready`, and serves until Ctrl-C.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};

use rand::distr::{Alphanumeric, SampleString};
use secrecy::{ExposeSecret, SecretString};

use super::Cli;
use super::args::SandboxArgs;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::providers::aws::StaticCredentials;
use crate::sandbox::platform::{AwsBackend, PlatformSandboxConfig, start};

/// Credentials the sandbox hands to AWS stand-ins (moto accepts any).
const SANDBOX_AWS_ACCESS_KEY_ID: &str = "AKIASANDBOXCMEK00001";
const SANDBOX_AWS_SECRET: &str = "sandbox-secret-access-key-not-a-real-one";
const SANDBOX_AWS_REGION: &str = "us-east-2";

pub async fn run(
    cli: &Cli,
    args: &SandboxArgs,
    _out: &Output,
    _env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<i32> {
    // The sandbox's own throwaway key: printing it is the point of this command.
    let admin_key = format!("sk-ant-admin01-sandbox-{}", Alphanumeric.sample_string(&mut rand::rng(), 32));
    let aws = cli.aws.aws_endpoint.clone().filter(|e| !e.is_empty()).map(|endpoint_url| AwsBackend {
        endpoint_url,
        region_default: SANDBOX_AWS_REGION.to_string(),
        credentials: StaticCredentials {
            access_key_id: SANDBOX_AWS_ACCESS_KEY_ID.to_string(),
            secret_access_key: SecretString::from(SANDBOX_AWS_SECRET),
            session_token: None,
        },
    });
    let config = PlatformSandboxConfig {
        aws: aws.clone(),
        bind: SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)),
        ..PlatformSandboxConfig::new(SecretString::from(admin_key.clone()))
    };
    let running = start(config).await.map_err(|e| {
        Error::usage(format!("cannot start the sandbox on 127.0.0.1:{}: {e}", args.port))
            .with_hint("pick another --port, or 0 for a free one")
    })?;

    let mut lines = vec![
        format!("export ANTHROPIC_BASE_URL={}", running.base_url.as_str().trim_end_matches('/')),
        format!("export ANTHROPIC_ADMIN_KEY={admin_key}"),
    ];
    if let Some(aws) = &aws {
        lines.push(format!("export AWS_ENDPOINT_URL={}", aws.endpoint_url));
        lines.push(format!("export AWS_ACCESS_KEY_ID={}", aws.credentials.access_key_id));
        lines.push(format!("export AWS_SECRET_ACCESS_KEY={}", aws.credentials.secret_access_key.expose_secret()));
        lines.push(format!("export AWS_REGION={}", aws.region_default));
    }
    lines.push(format!("# organisation: {} ({})", running.org.name, running.org.id));
    lines.push("# ready".to_string());
    {
        let mut stdout = std::io::stdout().lock();
        for l in &lines {
            let _ = writeln!(stdout, "{l}");
        }
        let _ = stdout.flush();
    }
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown().await.map_err(|e| Error::remote(format!("the sandbox did not stop cleanly: {e}")))?;
    Ok(0)
}
