//! `cmek sandbox`: runs the emulated Claude Platform, AWS KMS/STS and Azure on loopback in the
//! foreground, prints one `export NAME=VALUE` line per variable a client needs (cmek, the AWS
//! SDKs, and standard Azure clients such as Python's azure-keyvault-keys), then `# ready`, and
//! serves until interrupted (saving `--state FILE` as it goes). Also the `--sandbox` start-up for
//! other commands.

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
use cmek_sandbox::aws::AwsCredentials;
use cmek_sandbox::ca_bundle::{self, CaBundle};
use cmek_sandbox::platform::{AwsBackend, PlatformSandboxConfig, start};
use cmek_sandbox::scenarios::{self, SCENARIOS, Scenario};
use cmek_sandbox::{AzureSandboxEndpoints, Sandbox, SandboxEndpoints, SandboxOptions};

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
        out.progress(&format!(
            "sandbox: {origin} (emulated platform, AWS and Azure on loopback; nothing real is touched)"
        ));
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
    // Kept for the whole run: a temporary bundle is removed when this is dropped.
    let ca = ca_bundle::write(&e.azure.ca_pem, args.state.as_deref()).map_err(|e| Error::usage(e.to_string()))?;
    let mut lines = vec![
        format!("export ANTHROPIC_BASE_URL={}", e.base_url.as_str().trim_end_matches('/')),
        format!("export ANTHROPIC_ADMIN_KEY={}", e.admin_key.expose_secret()),
        format!("export AWS_ENDPOINT_URL={}", e.aws_endpoint),
        format!("export AWS_ACCESS_KEY_ID={}", e.aws_credentials.access_key_id),
        format!("export AWS_SECRET_ACCESS_KEY={}", e.aws_credentials.secret_access_key.expose_secret()),
        format!("export AWS_REGION={}", e.aws_region),
    ];
    lines.extend(azure_lines(&e, &ca));
    lines.push(format!("# organisation: {} ({})", sandbox.platform.org.name, sandbox.platform.org.id));
    lines.push(format!("# scenario: {}: {}", sandbox.scenario.name, sandbox.scenario.summary));
    // Installed before `# ready`, so a signal sent as soon as a client sees it is not lost.
    let stop = stop_signal().map_err(|e| Error::remote(format!("cannot listen for Ctrl-C: {e}")))?;
    tokio::pin!(stop);
    print_ready(&lines);

    let mut tick = tokio::time::interval(SAVE_EVERY);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            _ = tick.tick() => {
                if let Err(e) = sandbox.save_if_changed() {
                    out.progress(&format!("warning: {e}"));
                }
            }
        }
    }
    sandbox.shutdown().await.map_err(|e| Error::remote(format!("the sandbox did not stop cleanly: {e}")))?;
    drop(ca);
    Ok(0)
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM, which stop it cleanly: state saved, the temporary CA
/// bundle removed. The handlers are installed by this call (not on first poll), and the stream
/// keeps a signal that arrives while the loop is busy saving.
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

/// What a standard Azure client on this machine needs to reach the emulated vault, which it
/// resolves through real DNS: the vault as `https://localhost:<port>` (the emulator's first
/// vault), the CA bundle, and the App Service managed-identity endpoint (the customer's
/// principal). No AZURE_CLIENT_SECRET: with one, DefaultAzureCredential would pick the client
/// secret flow and ask the real login.microsoftonline.com.
fn azure_lines(e: &SandboxEndpoints, ca: &CaBundle) -> Vec<String> {
    let az = &e.azure;
    let bundle = ca.path.display();
    let roots = if ca.with_system_roots { "the sandbox CA, then the system roots" } else { "the sandbox CA only" };
    vec![
        format!("export AZURE_KEYVAULT_URL=https://localhost:{}", az.port),
        format!("export SSL_CERT_FILE={bundle}"),
        format!("export REQUESTS_CA_BUNDLE={bundle}"),
        format!("export IDENTITY_ENDPOINT={}", az.identity_endpoint),
        format!("export IDENTITY_HEADER={}", az.identity_header.expose_secret()),
        format!("export AZURE_TENANT_ID={}", az.tenant_id),
        format!("export AZURE_CLIENT_ID={}", az.client_id),
        format!("# azure vault: {} (ARM vaultUri; AZURE_KEYVAULT_URL reaches it on loopback)", vault_uri(az)),
        format!("# azure ca bundle: {roots}"),
        "# azure identity: ManagedIdentityCredential or DefaultAzureCredential (the managed identity is the customer's \
         principal)"
            .to_string(),
        "# azure python: KeyClient(os.environ[\"AZURE_KEYVAULT_URL\"], credential, verify_challenge_resource=False) \
         (the challenge names vault.azure.net, which `localhost` is not under)"
            .to_string(),
    ]
}

/// `https://<vault>.vault.azure.net`, from the data-plane URL with its port.
fn vault_uri(az: &AzureSandboxEndpoints) -> String {
    az.vault_url.rsplit_once(':').map_or_else(|| az.vault_url.clone(), |(uri, _)| uri.to_string())
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
        format!("# organisation: {} ({})", running.org.name, running.org.id),
    ]);
    let _ = tokio::signal::ctrl_c().await;
    running.shutdown().await.map_err(|e| Error::remote(format!("the sandbox did not stop cleanly: {e}")))?;
    Ok(0)
}
