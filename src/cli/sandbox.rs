//! `cmek sandbox`: runs the emulated Claude Platform and clouds on loopback in the foreground,
//! prints one `export NAME=VALUE` line per variable a client needs (cmek itself through
//! CMEK_SANDBOX_ENDPOINTS, every standard client through the sandbox's HTTPS proxy and CA
//! (`sandbox_proxy`), each cloud's own clients: `CliCloud::sandbox_exports`, and the
//! Workload Identity Federation variables a CI job would get, with its identity token in a file),
//! then `# ready`, and serves until interrupted (saving `--state FILE` after every change). Also
//! the `--sandbox` start-up for other commands.

use std::io::Write;
use std::time::Duration;

use secrecy::ExposeSecret;
use serde_json::json;

use super::Cli;
use super::args::SandboxArgs;
use super::clouds;
use crate::error::{Error, Result};
use crate::output::Output;
use cmek_sandbox::ca_bundle;
use cmek_sandbox::scenarios::{self, SCENARIOS, Scenario};
use cmek_sandbox::traffic::Latency;
use cmek_sandbox::{Sandbox, SandboxOptions};

/// How often a foreground sandbox with `--state` saves what changed.
const SAVE_EVERY: Duration = Duration::from_secs(1);

pub fn scenario(name: Option<&str>) -> Result<&'static Scenario> {
    match name {
        None => Ok(scenarios::default_scenario()),
        Some(n) => scenarios::find(n).ok_or_else(|| {
            Error::usage(format!(
                "there is no sandbox scenario `{}`; the scenarios are: {}",
                cmek_core::text::escape_controls(n),
                scenarios::names()
            ))
            .with_hint("cmek sandbox --list-scenarios describes each")
        }),
    }
}

/// Starts the in-process sandbox for `cmek --sandbox[=SCENARIO] <command>`.
pub async fn start_for_command(cli: &Cli, out: &Output) -> Result<Option<Sandbox>> {
    let Some(name) = cli.sandbox.as_deref() else {
        if cli.sandbox_latency.is_some() || cli.sandbox_latency_jitter.is_some() {
            return Err(Error::usage(
                "--sandbox-latency and --sandbox-latency-jitter need --sandbox (the in-process sandbox)",
            )
            .with_hint("for a sandbox already running, give the latency to it: cmek sandbox --latency MS"));
        }
        return Ok(None);
    };
    let scenario = scenario(Some(name))?;
    let sandbox = Sandbox::start(SandboxOptions {
        state_file: cli.sandbox_state.clone(),
        latency: latency(cli.sandbox_latency.as_ref(), cli.sandbox_latency_jitter, scenario)?,
        ..SandboxOptions::new(scenario)
    })
    .await
    .map_err(|e| Error::usage(e.to_string()))?;
    if !out.is_json() {
        let origin = match (&cli.sandbox_state, sandbox.restored) {
            (Some(file), true) => format!("state restored from {}", file.display()),
            _ => format!("scenario `{}`: {}", scenario.name, scenario.summary),
        };
        let labels: Vec<&str> = cmek_core::clouds::all().iter().map(|c| c.label()).collect();
        out.progress(&format!(
            "sandbox: {origin} (emulated platform, {} on loopback; nothing real is touched)",
            labels.join(" and ")
        ));
    }
    Ok(Some(sandbox))
}

/// The latency given on the command line; `None` keeps the scenario's. A jitter alone varies the
/// scenario's latency (`flaky`'s 150 ms), and needs one to vary.
fn latency(latency: Option<&Latency>, jitter: Option<Duration>, scenario: &Scenario) -> Result<Option<Latency>> {
    match (latency, jitter) {
        (None, Some(jitter)) if !jitter.is_zero() && scenario.latency.is_zero() => {
            Err(Error::usage(format!("a latency jitter of {} ms needs a latency to vary", jitter.as_millis()))
                .with_hint("add --latency MS (or --sandbox-latency MS with --sandbox)"))
        }
        (None, Some(jitter)) if !jitter.is_zero() => Ok(Some(Latency { jitter, ..Latency::uniform(scenario.latency) })),
        (None, _) => Ok(None),
        (Some(latency), jitter) => Ok(Some(Latency { jitter: jitter.unwrap_or_default(), ..latency.clone() })),
    }
}

pub async fn run(cli: &Cli, args: &SandboxArgs, out: &Output) -> Result<i32> {
    if args.list_scenarios {
        list(out);
        return Ok(0);
    }
    if let Some(run) = clouds::external_sandbox(cli, args) {
        return run.await;
    }
    let scenario = scenario(args.scenario.as_deref().or(cli.sandbox.as_deref()))?;
    let sandbox = Sandbox::start(SandboxOptions {
        state_file: args.state.clone(),
        platform_port: args.port,
        aws_port: args.aws_port,
        azure_port: args.azure_port,
        gcp_port: args.gcp_port,
        proxy_port: args.proxy_port,
        azure_rbac_delay: args.azure_rbac_delay,
        latency: latency(
            args.latency.as_ref().or(cli.sandbox_latency.as_ref()),
            args.latency_jitter.or(cli.sandbox_latency_jitter),
            scenario,
        )?,
        ..SandboxOptions::new(scenario)
    })
    .await
    .map_err(|e| {
        Error::usage(e.to_string()).with_hint("pick other ports (0 picks free ones), or remove the state file")
    })?;
    let e = sandbox.endpoints().map_err(|e| Error::usage(e.to_string()).with_hint("remove the state file"))?;
    // Kept for the whole run: a temporary bundle is removed when this is dropped.
    let ca = ca_bundle::write(e.ca_pem(), args.state.as_deref()).map_err(|e| Error::usage(e.to_string()))?;
    // For `cmek` itself started elsewhere (`--sandbox-endpoints`); kept for the whole run.
    let endpoints = endpoints_file(args.state.as_deref(), ".endpoints.json")?;
    cmek_sandbox::endpoints_file::write(&e, endpoints.path()).map_err(|e| Error::usage(e.to_string()))?;
    // The CI job's identity token, as its provider would leave it in a file; kept for the whole run.
    let identity_token = endpoints_file(args.state.as_deref(), ".identity-token")?;
    cmek_sandbox::endpoints_file::write_identity_token(&e, identity_token.path())
        .map_err(|e| Error::usage(e.to_string()))?;
    let mut lines = vec![format!("export ANTHROPIC_BASE_URL={}", e.base_url.as_str().trim_end_matches('/'))];
    if e.federation.ci.admin_key_exported {
        lines.push(format!("export ANTHROPIC_ADMIN_KEY={}", e.admin_key.expose_secret()));
    } else {
        lines.push(format!(
            "# ANTHROPIC_ADMIN_KEY is not exported in scenario `{}`: cmek authenticates with the federation variables",
            scenario.name
        ));
    }
    lines.push(format!("export CMEK_SANDBOX_ENDPOINTS={}", endpoints.path().display()));
    lines.extend(super::sandbox_proxy::exports(&sandbox.proxy.url, &ca));
    for cloud in clouds::all() {
        lines.extend(cloud.sandbox_exports(&e, &ca));
    }
    lines.extend(federation_exports(&e.federation.ci, identity_token.path()));
    lines.push(format!("# organisation: {} ({})", sandbox.platform.org.name, sandbox.platform.org.id));
    lines.push(format!("# scenario: {}: {}", sandbox.scenario.name, sandbox.scenario.summary));
    lines.push(format!(
        "# stats: {}{} (GET: the requests counted per service and operation, and the rounds; DELETE resets)",
        e.base_url.as_str().trim_end_matches('/'),
        cmek_sandbox::traffic::STATS_PATH
    ));
    let latency = sandbox.traffic().latency();
    if !latency.is_zero() {
        lines.push(format!("# latency: {}", describe(&latency)));
    }
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
    if !out.is_json() {
        out.progress(&summary(&sandbox.traffic().stats()));
    }
    sandbox.shutdown().await.map_err(|e| Error::remote(format!("the sandbox did not stop cleanly: {e}")))?;
    drop(ca);
    drop(endpoints);
    drop(identity_token);
    Ok(0)
}

/// `200 ms (aws 300 ms), ± 20 ms jitter`.
fn describe(latency: &Latency) -> String {
    let mut text = format!("{} ms", latency.default.as_millis());
    let own: Vec<String> =
        latency.per_service.iter().map(|(s, d)| format!("{} {} ms", s.name(), d.as_millis())).collect();
    if !own.is_empty() {
        text.push_str(&format!(" ({})", own.join(", ")));
    }
    if !latency.jitter.is_zero() {
        text.push_str(&format!(", ± {} ms jitter", latency.jitter.as_millis()));
    }
    text
}

/// What the sandbox answered while it ran, in one line for its log (stderr).
fn summary(stats: &cmek_sandbox::traffic::Stats) -> String {
    let per_service: Vec<String> = stats.services.iter().map(|(s, c)| format!("{} {}", s.name(), c.calls)).collect();
    format!(
        "sandbox: answered {} request{} ({}) in {} sequential round{}",
        stats.calls,
        if stats.calls == 1 { "" } else { "s" },
        if per_service.is_empty() { "none".to_string() } else { per_service.join(", ") },
        stats.rounds,
        if stats.rounds == 1 { "" } else { "s" }
    )
}

/// The federation variables a CI job set up for Workload Identity Federation gets (an admin key,
/// when also exported, comes first in the credential chain).
fn federation_exports(ci: &cmek_sandbox::CiExports, identity_token: &std::path::Path) -> Vec<String> {
    let mut lines = vec![
        format!("export ANTHROPIC_FEDERATION_RULE_ID={}", ci.federation_rule_id),
        format!("export ANTHROPIC_ORGANIZATION_ID={}", ci.organization_id),
        format!("export ANTHROPIC_IDENTITY_TOKEN_FILE={}", identity_token.display()),
    ];
    match &ci.service_account_id {
        Some(id) => lines.push(format!("export ANTHROPIC_SERVICE_ACCOUNT_ID={id}")),
        None => lines.push(format!(
            "# ANTHROPIC_SERVICE_ACCOUNT_ID is optional (the rule's service account is {})",
            ci.target_service_account_id
        )),
    }
    match &ci.workspace_id {
        Some(id) => lines.push(format!("export ANTHROPIC_WORKSPACE_ID={id}")),
        None => lines.push(
            "# ANTHROPIC_WORKSPACE_ID is unset: needed only when the rule is enabled for several workspaces".into(),
        ),
    }
    lines
}

/// Where a file for clients goes: beside `--state FILE` (`FILE<suffix>`, kept), else a temporary
/// file removed when the sandbox stops.
fn endpoints_file(state: Option<&std::path::Path>, suffix: &str) -> Result<EndpointsFile> {
    let cannot = |e: std::io::Error| Error::usage(format!("cannot create the sandbox file *{suffix}: {e}"));
    match state {
        Some(state) => {
            let mut name = state.file_name().map(|n| n.to_os_string()).unwrap_or_default();
            name.push(suffix);
            Ok(EndpointsFile::Kept(state.with_file_name(name)))
        }
        None => tempfile::Builder::new()
            .prefix("cmek-sandbox-")
            .suffix(suffix)
            .tempfile()
            .map(EndpointsFile::Temporary)
            .map_err(cannot),
    }
}

/// A file for clients (the endpoints, the identity token), removed at the end when temporary.
enum EndpointsFile {
    Kept(std::path::PathBuf),
    Temporary(tempfile::NamedTempFile),
}

impl EndpointsFile {
    fn path(&self) -> &std::path::Path {
        match self {
            EndpointsFile::Kept(p) => p,
            EndpointsFile::Temporary(t) => t.path(),
        }
    }
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

pub(super) fn print_ready(lines: &[String]) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn find(name: &str) -> &'static Scenario {
        scenarios::find(name).unwrap()
    }

    #[test]
    fn a_jitter_varies_the_given_latency_or_else_the_scenarios_own() {
        let ms = Duration::from_millis;
        let given = Latency::uniform(ms(200));
        assert_eq!(latency(None, None, find("flaky")).unwrap(), None, "the scenario's own is kept");
        assert_eq!(
            latency(Some(&given), Some(ms(20)), find("default")).unwrap(),
            Some(Latency { jitter: ms(20), ..given.clone() })
        );
        assert_eq!(
            latency(None, Some(ms(50)), find("flaky")).unwrap(),
            Some(Latency { jitter: ms(50), ..Latency::uniform(ms(150)) }),
            "flaky's 150 ms, varied"
        );
        let refused = latency(None, Some(ms(50)), find("default")).unwrap_err();
        assert!(refused.message.contains("50 ms needs a latency to vary"), "{refused:?}");
        assert_eq!(latency(None, Some(ms(0)), find("default")).unwrap(), None);
    }
}
