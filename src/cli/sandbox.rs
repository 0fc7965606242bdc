//! `cmek sandbox`: runs the emulated Claude Platform and AWS KMS/STS on loopback in the foreground,
//! prints one `export NAME=VALUE` line per variable a client needs, then `# ready`, and serves
//! until interrupted (saving `--state FILE` as it goes). Also the `--sandbox` start-up for other
//! commands.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use rand::distr::{Alphanumeric, SampleString};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::Cli;
use super::args::SandboxArgs;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::providers::aws::StaticCredentials;
use crate::sandbox::platform::{AwsBackend, PlatformSandboxConfig, start};
use crate::sandbox::scenarios::{self, SCENARIOS, Scenario};
use crate::sandbox::{Sandbox, SandboxOptions};

/// How often a foreground sandbox with `--state` saves what changed.
const SAVE_EVERY: Duration = Duration::from_secs(1);

pub fn scenario(name: Option<&str>) -> Result<&'static Scenario> {
    match name {
        None => Ok(scenarios::default_scenario()),
        Some(n) => scenarios::find(n).ok_or_else(|| {
            Error::usage(format!("there is no sandbox scenario `{n}`; the scenarios are: {}", scenarios::names()))
                .with_hint("cmek sandbox --list-scenarios describes each")
        }),
    }
}

/// Starts the in-process sandbox for `cmek --sandbox[=SCENARIO] <command>`.
pub async fn start_for_command(cli: &Cli, out: &Output) -> Result<Option<Sandbox>> {
    let Some(name) = cli.sandbox.as_deref() else { return Ok(None) };
    let scenario = scenario(Some(name))?;
    let sandbox = Sandbox::start(SandboxOptions {
        scenario,
        state_file: cli.sandbox_state.clone(),
        platform_port: 0,
        aws_port: 0,
        azure_port: 0,
    })
    .await
    .map_err(|e| Error::usage(e.to_string()))?;
    if !out.is_json() {
        let origin = match (&cli.sandbox_state, sandbox.restored) {
            (Some(file), true) => format!("state restored from {}", file.display()),
            _ => format!("scenario `{}`: {}", scenario.name, scenario.summary),
        };
        out.progress(&format!("sandbox: {origin} (emulated platform and AWS on loopback; nothing real is touched)"));
    }
    Ok(Some(sandbox))
}

pub async fn run(cli: &Cli, args: &SandboxArgs, out: &Output) -> Result<i32> {
    if args.list_scenarios {
        list(out);
        return Ok(0);
    }
    if let Some(endpoint) = cli.aws.aws_endpoint.clone().filter(|e| !e.is_empty()) {
        return run_with_external_aws(args, endpoint).await;
    }
    let scenario = scenario(args.scenario.as_deref().or(cli.sandbox.as_deref()))?;
    let sandbox = Sandbox::start(SandboxOptions {
        scenario,
        state_file: args.state.clone(),
        platform_port: args.port,
        aws_port: args.aws_port,
        azure_port: args.azure_port,
    })
    .await
    .map_err(|e| {
        Error::usage(e.to_string()).with_hint("pick other ports (0 picks free ones), or remove the state file")
    })?;
    let e = sandbox.endpoints();
    print_ready(&[
        format!("export ANTHROPIC_BASE_URL={}", e.base_url.as_str().trim_end_matches('/')),
        format!("export ANTHROPIC_ADMIN_KEY={}", e.admin_key.expose_secret()),
        format!("export AWS_ENDPOINT_URL={}", e.aws_endpoint),
        format!("export AWS_ACCESS_KEY_ID={}", e.aws_credentials.access_key_id),
        format!("export AWS_SECRET_ACCESS_KEY={}", e.aws_credentials.secret_access_key.expose_secret()),
        format!("export AWS_REGION={}", e.aws_region),
        format!("# organisation: {} ({})", sandbox.platform.org.name, sandbox.platform.org.id),
        format!("# scenario: {}: {}", sandbox.scenario.name, sandbox.scenario.summary),
    ]);

    let mut tick = tokio::time::interval(SAVE_EVERY);
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = tick.tick() => {
                if let Err(e) = sandbox.save_if_changed() {
                    out.progress(&format!("warning: {e}"));
                }
            }
        }
    }
    sandbox.shutdown().await.map_err(|e| Error::remote(format!("the sandbox did not stop cleanly: {e}")))?;
    Ok(0)
}

fn print_ready(lines: &[String]) {
    let mut stdout = std::io::stdout().lock();
    for l in lines {
        let _ = writeln!(stdout, "{l}");
    }
    let _ = writeln!(stdout, "# ready");
    let _ = stdout.flush();
}

fn list(out: &Output) {
    if out.is_json() {
        let items: Vec<_> =
            SCENARIOS.iter().map(|s| json!({"name": s.name, "summary": s.summary, "shows": s.shows})).collect();
        out.json(&json!({"schema": "cmek.sandbox-scenarios/v1", "scenarios": items}));
        return;
    }
    let width = SCENARIOS.iter().map(|s| s.name.len()).max().unwrap_or(0);
    for s in SCENARIOS {
        out.text(&format!("{:<width$}  {}", s.name, s.summary));
    }
}

/// Credentials the sandbox hands to an external AWS stand-in (moto accepts any).
const EXTERNAL_AWS_ACCESS_KEY_ID: &str = "AKIASANDBOXCMEK00001";
const EXTERNAL_AWS_SECRET: &str = "sandbox-secret-access-key-not-a-real-one";
const EXTERNAL_AWS_REGION: &str = "us-east-2";

/// The platform emulator alone, validating against an AWS endpoint the user runs (moto).
async fn run_with_external_aws(args: &SandboxArgs, endpoint_url: String) -> Result<i32> {
    if args.scenario.is_some() || args.state.is_some() {
        return Err(Error::usage(
            "--scenario and --state need the built-in AWS emulator: drop --aws-endpoint to use them",
        ));
    }
    let admin_key = format!("sk-ant-admin01-sandbox-{}", Alphanumeric.sample_string(&mut rand::rng(), 32));
    let credentials = StaticCredentials {
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
        format!("# organisation: {} ({})", running.org.name, running.org.id),
    ]);
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown().await.map_err(|e| Error::remote(format!("the sandbox did not stop cleanly: {e}")))?;
    Ok(0)
}
