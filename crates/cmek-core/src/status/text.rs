//! The text form: a title, the table (fitted to the width: at least 80 columns, wider when the
//! terminal is), the call-outs wrapped to the width, and a summary line. Colour is the front
//! end's: cells are laid out plain, then handed to `paint` with their emphasis.

use super::layout::{Column, GAP, fit, wrap};
use super::when::ago;
use super::{Health, KeyStatus, Row, StatusReport, WorkspaceStatus};
use crate::text::escape_controls;

/// How a cell or word should stand out; the front end maps it to colour (or nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    Plain,
    Good,
    Warn,
    Bad,
    Strong,
    Dim,
}

/// How many call-outs of one kind the text shows (a large organisation may have hundreds).
const CALLOUTS_PER_KIND: usize = 10;

/// Placeholder for a cell with nothing to show.
const NONE: &str = "—";

pub fn render_text(report: &StatusReport, width: usize, paint: &dyn Fn(Emphasis, &str) -> String) -> String {
    let width = width.max(super::MIN_WIDTH);
    let mut out: Vec<String> = Vec::new();
    out.push(paint(Emphasis::Strong, fit(&title(report), width).trim_end()));
    out.push(String::new());
    table(report, width, paint, &mut out);
    if !report.callouts.is_empty() {
        out.push(String::new());
        out.push(paint(Emphasis::Strong, "Called out:"));
        let mut shown: Vec<(super::CalloutKind, usize)> = Vec::new();
        for c in &report.callouts {
            let n = match shown.iter_mut().find(|(k, _)| *k == c.kind) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    shown.push((c.kind, 1));
                    1
                }
            };
            if n > CALLOUTS_PER_KIND {
                if n == CALLOUTS_PER_KIND + 1 {
                    let more = report.callouts.iter().filter(|o| o.kind == c.kind).count() - CALLOUTS_PER_KIND;
                    out.push(format!("  … and {more} more {} (--output json lists every one)", c.kind.label()));
                }
                continue;
            }
            let emphasis = match c.kind {
                super::CalloutKind::Failing | super::CalloutKind::UnlistedKey => Emphasis::Bad,
                super::CalloutKind::UsedOutOfView => Emphasis::Dim,
                _ => Emphasis::Warn,
            };
            let label = c.kind.label();
            let text = format!("{label}: {}", escape_controls(&c.message));
            for (i, line) in wrap(&text, width - 2, 4).into_iter().enumerate() {
                // The label keeps its colour; the rest stays plain.
                let line = match (i, line.strip_prefix(label)) {
                    (0, Some(rest)) => format!("{}{rest}", paint(emphasis, label)),
                    _ => line,
                };
                out.push(format!("  {line}"));
            }
            // Whole, so it can be copied.
            if let Some(next) = &c.next {
                out.push(format!("      {} {}", paint(Emphasis::Dim, "next:"), escape_controls(next)));
            }
        }
    }
    out.push(String::new());
    out.extend(wrap(&summary(report), width, 0));
    let mut text = out.join("\n");
    text.push('\n');
    text
}

fn title(report: &StatusReport) -> String {
    let org = match &report.organization {
        Some(o) => format!("{} ({})", o.name, o.id),
        None => "the organisation".to_string(),
    };
    format!("cmek status: {}", escape_controls(&org))
}

fn registered(report: &StatusReport) -> usize {
    report.keys.iter().filter(|k| k.listed).count()
}

/// The cells of one row, and the health that colours it.
fn cells(report: &StatusReport, row: Row) -> ([String; 7], Health) {
    let key_cells = |k: &KeyStatus| -> [String; 5] {
        [
            k.display_name.clone().unwrap_or_else(|| k.id.clone()),
            k.provider.clone().unwrap_or_else(|| "?".into()),
            k.coordinates.as_ref().map_or_else(|| NONE.to_string(), |c| c.summary.clone()),
            match k.attached {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => "?".into(),
            },
            validated(k, report),
        ]
    };
    let none = || [NONE.to_string(), NONE.to_string(), NONE.to_string(), NONE.to_string(), NONE.to_string()];
    match row {
        Row::Workspace { workspace, key } => {
            let w: &WorkspaceStatus = &report.workspaces[workspace];
            let [k, p, c, a, v] = key.map_or_else(none, |i| key_cells(&report.keys[i]));
            ([w.facts.name.clone(), k, p, c, a, v, w.health.label().to_string()], w.health)
        }
        Row::Key { key } => {
            let k = &report.keys[key];
            let workspace = if k.in_use() { "(not listed)".to_string() } else { NONE.to_string() };
            let [kc, p, c, a, v] = key_cells(k);
            ([workspace, kc, p, c, a, v, k.health.label().to_string()], k.health)
        }
    }
}

/// `✓ now`, `✗ 3h ago`, `never`, `error` (a fresh validation that could not run, nothing older).
fn validated(k: &KeyStatus, report: &StatusReport) -> String {
    match k.newest() {
        Some(v) => format!("{} {}", if v.passed { "✓" } else { "✗" }, ago(v.at, report.now)),
        None if matches!(k.fresh, Some(Err(_))) => "error".to_string(),
        None => "never".to_string(),
    }
}

fn health_emphasis(health: Health) -> Emphasis {
    match health {
        Health::Ok => Emphasis::Good,
        Health::Failing => Emphasis::Bad,
        Health::Unchecked => Emphasis::Dim,
        Health::NotProtected | Health::Orphan => Emphasis::Warn,
    }
}

fn table(report: &StatusReport, width: usize, paint: &dyn Fn(Emphasis, &str) -> String, out: &mut Vec<String>) {
    let rows: Vec<([String; 7], Health)> = report
        .rows
        .iter()
        .map(|&r| {
            let (cells, health) = cells(report, r);
            // Names come from the platform: written out before they are measured and laid out.
            (cells.map(|c| escape_controls(&c).into_owned()), health)
        })
        .collect();
    let column = |i: usize, header: &'static str, min: Option<usize>, shrink_order: u8| Column {
        header,
        cells: rows.iter().map(|(c, _)| c[i].clone()).collect(),
        min,
        shrink_order,
    };
    // Coordinates give way first, then the key's name, then the workspace's.
    let columns = [
        column(0, "WORKSPACE", Some(11), 2),
        column(1, "KEY", Some(10), 1),
        column(2, "CLOUD", None, 0),
        column(3, "COORDINATES", Some(10), 0),
        column(4, "ATTACHED", None, 0),
        column(5, "VALIDATED", None, 0),
        column(6, "HEALTH", None, 0),
    ];
    let widths = super::layout::widths(&columns, width);
    let gap = " ".repeat(GAP);
    let header: Vec<String> = columns.iter().zip(&widths).map(|(c, &w)| fit(c.header, w)).collect();
    out.push(paint(Emphasis::Dim, header.join(&gap).trim_end()));
    let mut group = None;
    for (&row, (cells, health)) in report.rows.iter().zip(&rows) {
        let this = group_of(report, row);
        if group != Some(this) && this != Group::Live {
            out.push(paint(Emphasis::Dim, this.heading()));
        }
        group = Some(this);
        let mut line: Vec<String> = cells.iter().zip(&widths).map(|(c, &w)| fit(c, w)).collect();
        let last = line.len() - 1;
        line[last] = paint(health_emphasis(*health), line[last].trim_end());
        out.push(line.join(&gap));
    }
    if rows.is_empty() {
        out.push("(no workspaces and no external keys)".to_string());
    }
}

/// The table's groups, in order: live workspaces, archived ones, keys no listed workspace uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Live,
    Archived,
    Unused,
}

impl Group {
    fn heading(self) -> &'static str {
        match self {
            Group::Live => "",
            Group::Archived => "archived workspaces:",
            Group::Unused => "keys no listed workspace uses:",
        }
    }
}

fn group_of(report: &StatusReport, row: Row) -> Group {
    match row {
        Row::Workspace { workspace, .. } if report.workspaces[workspace].facts.archived => Group::Archived,
        Row::Workspace { .. } => Group::Live,
        Row::Key { .. } => Group::Unused,
    }
}

fn summary(report: &StatusReport) -> String {
    let live = report.workspaces.iter().filter(|w| !w.facts.archived).count();
    let archived = report.workspaces.len() - live;
    let unprotected = report.workspaces.iter().filter(|w| w.health == Health::NotProtected).count();
    let count = |h: Health| report.keys.iter().filter(|k| k.health == h).count();
    let in_use = report.keys.iter().filter(|k| k.in_use()).count();
    let archived = if report.include_archived { format!(" ({live} live, {archived} archived)") } else { String::new() };
    let mut s = format!(
        "{}{archived}: {} protected, {unprotected} not protected. {}: {in_use} in use, {} ok, {} failing, {} unchecked, {} orphan.",
        counted(report.workspaces.len(), "workspace"),
        report.workspaces.len() - unprotected,
        counted(registered(report), "external key"),
        count(Health::Ok),
        count(Health::Failing),
        count(Health::Unchecked),
        count(Health::Orphan),
    );
    s.push_str(if report.validated {
        " Validated now."
    } else {
        " Validations as recorded on this machine; --validate asks the platform now."
    });
    s
}

/// `1 workspace`, `3 workspaces`.
fn counted(n: usize, what: &str) -> String {
    if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") }
}
