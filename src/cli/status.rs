//! `cmek status`: list (and with `--validate`, validate) through the engine, read what this
//! machine remembers of earlier validations, and show what `cmek_core::status` makes of it:
//! a table fitted to the terminal (at least 80 columns; `COLUMNS` wins; piped, nothing is cut)
//! or one `cmek.status/v1` document.

use std::io::IsTerminal;

use chrono::Utc;

use super::args::StatusArgs;
use super::connect::Reach;
use crate::engine::journal::Journal;
use crate::engine::status::{Gathered, StatusRequest, gather};
use crate::engine::validation_history;
use crate::error::Result;
use crate::output::{Output, Tone};
use crate::platform::types::Attachment;
use cmek_core::status::{self, Emphasis, KeyFacts, OrgFacts, Pages, StatusFacts, WorkspaceFacts};
use cmek_core::wizard::Invocation;

pub async fn run(
    args: &StatusArgs,
    reach: &Reach<'_>,
    out: &Output,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
    invocation: &Invocation,
) -> Result<i32> {
    let client = reach.platform_client()?;
    let request = StatusRequest { include_archived: args.all, validate: args.validate };
    if args.validate && !out.is_json() {
        out.progress(&format!(
            "validating every registered key (Anthropic calls each one; up to 30 s each, {} at a time)…",
            crate::engine::status::VALIDATIONS_AT_ONCE
        ));
    }
    let gathered = gather(&client, request).await?;
    let root = Journal::default_root(env);
    let history = root.as_deref().map(validation_history::newest).unwrap_or_default();
    if args.validate && !gathered.fresh.is_empty() {
        let org = gathered.organization.as_ref().map(|o| o.id.as_str());
        let recorded = match &root {
            Some(root) => validation_history::record(root, org, &gathered.fresh).map(|_| ()).map_err(|e| e.to_string()),
            None => Err("no state directory (set XDG_STATE_HOME or HOME)".to_string()),
        };
        if let Err(why) = recorded {
            out.progress(&format!("warning: this run's validations are not remembered: {why}"));
        }
    }
    let report = status::build(facts(gathered, history, request, &invocation.prefix));
    if out.is_json() {
        out.json(&status::render_json(&report));
    } else {
        let paint = |e: Emphasis, text: &str| match tone(e) {
            Some(tone) => out.paint(tone, text),
            None => text.to_string(),
        };
        let terminal = std::io::stdout().is_terminal().then(|| {
            ratatui::crossterm::terminal::size().map_or(status::MIN_WIDTH, |(columns, _)| usize::from(columns))
        });
        out.text(status::render_text(&report, table_width(env("COLUMNS").as_deref(), terminal), &paint).trim_end());
    }
    Ok(report.exit_code())
}

fn facts(
    gathered: Gathered,
    history: std::collections::BTreeMap<String, status::Validation>,
    request: StatusRequest,
    invocation: &str,
) -> StatusFacts {
    StatusFacts {
        organization: gathered.organization.map(|o| OrgFacts { id: o.id, name: o.name }),
        workspaces: gathered
            .workspaces
            .items
            .into_iter()
            .map(|w| WorkspaceFacts {
                id: w.id,
                name: w.name,
                archived: w.archived_at.is_some(),
                external_key_id: w.external_key_id,
            })
            .collect(),
        keys: gathered
            .keys
            .items
            .into_iter()
            .map(|k| KeyFacts {
                id: k.id,
                display_name: k.display_name,
                attached: k.attachment == Attachment::Attached,
                config: k.provider_config,
            })
            .collect(),
        history,
        fresh: gathered.fresh,
        include_archived: request.include_archived,
        validate: request.validate,
        pages: Pages { workspaces: gathered.workspaces.pages, external_keys: gathered.keys.pages },
        now: Utc::now(),
        invocation: invocation.to_string(),
    }
}

fn tone(e: Emphasis) -> Option<Tone> {
    match e {
        Emphasis::Plain => None,
        Emphasis::Good => Some(Tone::Good),
        Emphasis::Warn => Some(Tone::Warn),
        Emphasis::Bad => Some(Tone::Bad),
        Emphasis::Strong => Some(Tone::Strong),
        Emphasis::Dim => Some(Tone::Dim),
    }
}

/// Wide enough that no cell is cut: for output that goes to a file or another program.
const UNCUT: usize = 10_000;

/// The table's width: `COLUMNS` when set (as `ls` and `git` honour it), else the terminal's
/// (`terminal`: `Some` when stdout is one), else uncut; never below 80.
fn table_width(columns: Option<&str>, terminal: Option<usize>) -> usize {
    let columns = columns.and_then(|c| c.trim().parse::<usize>().ok());
    columns.or(terminal).unwrap_or(UNCUT).max(status::MIN_WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_as_wide_as_asked_the_terminal_or_uncut_when_piped() {
        assert_eq!(table_width(Some("200"), Some(100)), 200, "COLUMNS wins");
        assert_eq!(table_width(Some("200"), None), 200);
        assert_eq!(table_width(None, Some(132)), 132);
        assert_eq!(table_width(None, Some(40)), status::MIN_WIDTH);
        assert_eq!(table_width(None, None), UNCUT, "piped: nothing is cut");
        assert_eq!(table_width(Some("40"), None), status::MIN_WIDTH, "never below 80");
        assert_eq!(table_width(Some("wide"), None), UNCUT, "an unreadable COLUMNS is ignored");
    }
}
