//! `cmek auth status` (as `gh auth status`): which Admin API credential `cmek` would use and where
//! it came from (the flag, the variable, the profile and its files; never the secret, at most
//! its last 4 characters), the organisation it reaches, an OAuth token's scope and expiry, and
//! whether admin endpoints work. Exit 0 when it works; 3 when no credential works, saying why
//! and what to do; 4 when the platform could not be reached.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::connect::Reach;
use crate::error::{Error, ErrorKind, Result};
use crate::output::{Output, Tone};
use crate::platform::credentials::{Clock, CredentialOrigin, SystemClock, TokenInfo, lookup_order};
use crate::platform::types::Organization;
use crate::platform::{Client, WorkspaceQuery};

/// The admin call that proves the credential may use admin endpoints.
const ADMIN_CHECK: &str = "GET /v1/organizations/workspaces?limit=1";

/// The credential, as it may be shown.
#[derive(Debug, Clone)]
pub struct Shown {
    /// `admin key`, `OAuth token`, `bearer token`.
    pub kind: &'static str,
    pub origin: Option<CredentialOrigin>,
    /// At most the last 4 characters.
    pub fingerprint: Option<String>,
    /// `{"kind", "description", "source"}`, as the setup report and the journal record it.
    pub record: Value,
}

/// What `auth status` found. Holds no secret.
#[derive(Debug, Default)]
pub struct StatusReport {
    pub credential: Option<Shown>,
    /// The URL and where it came from.
    pub base_url: Option<(String, String)>,
    pub api_version: Option<&'static str>,
    pub organization: Option<Organization>,
    pub token: Option<TokenInfo>,
    /// `None` when not reached.
    pub admin_api: Option<bool>,
    pub problem: Option<Error>,
    /// Epoch seconds, for the token's time left.
    pub now: i64,
}

impl StatusReport {
    pub fn exit_code(&self) -> i32 {
        self.problem.as_ref().map_or(0, Error::exit_code)
    }
}

pub async fn status(reach: &Reach<'_>, out: &Output) -> Result<i32> {
    let report = inspect(reach).await?;
    if out.is_json() {
        out.json(&to_json(&report));
    } else {
        for line in text(&report, out) {
            out.text(&line);
        }
    }
    Ok(report.exit_code())
}

/// Finds the credential and tries it. `Err` only for a usage error (a bad flag).
pub async fn inspect(reach: &Reach<'_>) -> Result<StatusReport> {
    let now = SystemClock.now();
    match reach.platform() {
        Ok(platform) => Ok(inspect_client(&platform.client, platform.base_url_from, now).await),
        Err(e) if e.kind == ErrorKind::Usage => Err(e),
        Err(e) => Ok(StatusReport { problem: Some(e), now, ..StatusReport::default() }),
    }
}

/// Tries `client`: the organisation, then an admin listing.
pub async fn inspect_client(client: &Client, base_url_from: String, now: i64) -> StatusReport {
    let credential = client.credential();
    let mut report = StatusReport {
        credential: Some(Shown {
            kind: credential.kind_label(),
            origin: client.credential_origin().cloned(),
            fingerprint: credential.fingerprint(),
            record: client.credential_record().1,
        }),
        base_url: Some((client.base_url().as_str().trim_end_matches('/').to_owned(), base_url_from)),
        now,
        ..StatusReport::default()
    };
    match client.organization().await {
        Ok(org) => report.organization = Some(org),
        Err(e) => report.problem = Some(Error::from(e)),
    }
    if report.problem.is_none() {
        let query = WorkspaceQuery { limit: Some(1), ..WorkspaceQuery::default() };
        match client.list_workspaces(&query).await {
            Ok(_) => report.admin_api = Some(true),
            Err(e) => {
                // Refused only when the platform said so; a timeout or a 5xx leaves it unknown.
                report.admin_api = e.is_auth().then_some(false);
                report.problem = Some(Error::from(e));
            }
        }
    }
    report.token = client.token_info().await;
    report.api_version = Some(client.api_version());
    report
}

/// The report as text lines.
pub fn text(report: &StatusReport, out: &Output) -> Vec<String> {
    let mut lines = vec![out.paint(Tone::Strong, "Claude Platform Admin API credential")];
    let row = |label: &str, value: String| format!("  {label:<14} {value}");
    match &report.credential {
        Some(shown) => {
            let fingerprint = shown.fingerprint.as_ref().map(|f| format!(" ({f})")).unwrap_or_default();
            lines.push(row("credential", format!("{}{fingerprint}", shown.kind)));
            if let Some(origin) = &shown.origin {
                lines.push(row("from", origin.to_string()));
                lines.extend(origin_files(origin).into_iter().map(|(label, value)| row(label, value)));
            }
        }
        None => lines.push(row("credential", "none usable".to_owned())),
    }
    if let Some((url, from)) = &report.base_url {
        lines.push(row("base URL", format!("{url} ({from})")));
    }
    if let Some(org) = &report.organization {
        lines.push(row("organisation", format!("{} ({})", cmek_core::text::escape_controls(&org.name), org.id)));
    }
    if let Some(token) = &report.token {
        lines.push(row("scope", token.scope.clone().unwrap_or_else(|| "not stated".to_owned())));
        lines.push(row("expires", expiry(token.expires_at, report.now)));
    }
    if let Some(version) = report.api_version.filter(|_| report.organization.is_some()) {
        lines.push(row("API version", version.to_owned()));
    }
    match report.admin_api {
        Some(true) => lines.push(row("admin API", format!("works ({ADMIN_CHECK} answered)"))),
        Some(false) => lines.push(row("admin API", "refused".to_owned())),
        None => {}
    }
    lines.push(String::new());
    match &report.problem {
        None => lines.push(format!("{} cmek can use this credential", out.paint(Tone::Good, "✓"))),
        Some(e) => {
            let what = if e.kind == ErrorKind::Auth { "no working credential" } else { "could not check" };
            lines.push(format!("{} {what}: {}", out.paint(Tone::Bad, "✗"), e.message));
            lines.extend(e.hints.iter().map(|h| format!("  hint: {h}")));
            if e.kind == ErrorKind::Auth && report.credential.is_some() {
                lines.push(format!("  hint: the order cmek looks in: {}", lookup_order()));
            }
        }
    }
    lines
}

/// The report as one `cmek.auth/v1` document.
pub fn to_json(report: &StatusReport) -> Value {
    json!({
        "schema": "cmek.auth/v1",
        "status": if report.problem.is_none() { "ok" } else { "failed" },
        "credential": report.credential.as_ref().map(|shown| {
            let mut record = shown.record.clone();
            record["fingerprint"] = json!(shown.fingerprint);
            record
        }),
        "base_url": report.base_url.as_ref().map(|(url, from)| json!({"url": url, "source": from})),
        "api_version": report.api_version,
        "organization": report.organization.as_ref().map(|o| json!({"id": o.id, "name": o.name})),
        "token": report.token.as_ref().map(|t| json!({
            "scope": t.scope,
            "expires_at": rfc3339(t.expires_at),
            "expires_in_seconds": t.expires_at.saturating_sub(report.now),
        })),
        "admin_api": {"checked": ADMIN_CHECK, "works": report.admin_api},
        "error": report.problem,
        "exit_code": report.exit_code(),
    })
}

/// A profile's files, shown below its name.
fn origin_files(origin: &CredentialOrigin) -> Vec<(&'static str, String)> {
    match origin {
        CredentialOrigin::Profile(p) => vec![("token file", p.credentials.display().to_string())],
        CredentialOrigin::Federation(fed) => {
            let mut rows = Vec::new();
            if let Some(account) = &fed.service_account_id {
                rows.push(("service acct", account.clone()));
            }
            if let Some(workspace) = &fed.workspace_id {
                rows.push(("workspace", workspace.clone()));
            }
            rows
        }
        _ => Vec::new(),
    }
}

fn expiry(expires_at: i64, now: i64) -> String {
    let left = expires_at.saturating_sub(now);
    let when = match left {
        l if l <= 0 => format!("expired {} ago", duration(l.saturating_neg())),
        l => format!("in {}", duration(l)),
    };
    format!("{} ({when}; renewed automatically when it can be)", rfc3339(expires_at))
}

fn duration(seconds: i64) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s => format!("{} h", s / 3600),
    }
}

fn rfc3339(epoch: i64) -> String {
    DateTime::<Utc>::from_timestamp(epoch, 0).map_or_else(|| epoch.to_string(), |t| t.to_rfc3339())
}
