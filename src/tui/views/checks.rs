//! Step 4: one line per check (pass / warn / fail); the highlighted one opens to its observation,
//! fix and catalogue id. A blocking failure turns "Continue" into "Blocked".

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::plan::{Check, CheckStatus, SetupAnswers};
use cmek_core::wizard::{ChecksRow, Load, Viewport, Wizard};

use super::super::theme::Theme;
use super::body::Body;
use super::text;

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let width = usize::from(area.width);
    let checks = wizard.checks();
    let mut body = Body::default();
    if let Some(answers) = checks.answers() {
        let (workspace, key) = subject(wizard, answers);
        body.extend(text::field_line("Workspace", 9, &workspace, theme.text, theme, width));
        body.extend(text::field_line("Key", 9, &key, theme.text, theme, width));
    }
    if checks.is_after_run() {
        body.extend(text::indented(
            1,
            "Checking again after the stopped run: finished steps show as already done.",
            theme.warn,
            width,
        ));
    }
    match checks.prepared() {
        Load::Idle | Load::Loading => {
            body.blank();
            let cloud = checks.answers().map(|a| a.cloud.inspecting()).unwrap_or_default();
            let doing = format!(
                "inspecting the organisation and {cloud}, then planning{}",
                wizard.elapsed().map(|d| format!(" ({})", text::duration(d))).unwrap_or_default()
            );
            body.extend(text::hanging(
                vec![Span::styled(format!("   {} ", text::spinner(wizard.spinner_frame())), theme.warn)],
                &doing,
                theme.warn,
                width,
            ));
            body.extend(text::indented(3, "Read-only: nothing is changed while inspecting.", theme.dim, width));
        }
        Load::Failed(e) => {
            body.blank();
            body.extend(text::error_lines("Inspection failed", e, theme, width));
            body.extend(text::indented(
                4,
                "r or Enter tries again; Esc goes back to change the key.",
                theme.dim,
                width,
            ));
        }
        Load::Ready(prepared) => {
            let c = checks.counts();
            // Only what there is: "0 failed" on a happy path reads like a result to check.
            let mut parts = vec![format!("{} passed", c.passed)];
            if c.to_do > 0 {
                parts.push(format!("{} to do", c.to_do));
            }
            if c.warned > 0 {
                parts.push(format!("{} warning{}", c.warned, if c.warned == 1 { "" } else { "s" }));
            }
            if c.failed > 0 {
                parts.push(format!("{} failed", c.failed));
            }
            body.push(Line::from(Span::styled(
                format!(" {}", parts.join(" · ")),
                if c.blocking > 0 { theme.bad } else { theme.dim },
            )));
            body.blank();
            for (i, check) in prepared.1.checks.iter().enumerate() {
                let selected = checks.highlighted() == ChecksRow::Check(i);
                let open = checks.expanded() == Some(i);
                let add = |b: &mut Body| add_check(b, check, selected, open, theme, width);
                if selected { body.focused(add) } else { add(&mut body) }
            }
            let selected = checks.highlighted() == ChecksRow::Continue;
            let (text, style) = if c.blocking > 0 {
                let s = if c.blocking == 1 { "" } else { "s" };
                (format!("✗ Blocked by {} failed check{s}: nothing can be applied yet", c.blocking), theme.bad)
            } else {
                ("→ Continue: review the plan".to_string(), theme.good)
            };
            let marker = if selected { " ▸ " } else { "   " };
            body.focused_if(
                selected,
                Line::from(vec![Span::raw(marker), Span::styled(text, if selected { theme.selected } else { style })]),
            );
        }
    }
    body.draw(frame, area, theme, wizard.scroll())
}

/// What is being checked: the workspace ("production (wrkspc_...)") and the key, short.
fn subject(wizard: &Wizard, a: &SetupAnswers) -> (String, String) {
    let workspace = match (wizard.target().and_then(|t| t.workspace()), a.workspaces.first()) {
        (Some(w), _) => format!("{} ({})", w.name, w.id),
        (None, Some(w)) => w.to_string(),
        (None, None) => "none: register and validate only".to_string(),
    };
    let key = a.cloud.key_choice();
    (workspace, key)
}

fn add_check(body: &mut Body, check: &Check, selected: bool, open: bool, theme: &Theme, width: usize) {
    let (mark, style) = match check.status {
        CheckStatus::Pass => ("✓", theme.good),
        CheckStatus::Warn => ("!", theme.warn),
        CheckStatus::Fail => ("✗", theme.bad),
        // Put right by the plan: neither a pass nor a failure.
        CheckStatus::ToDo => ("→", theme.text),
    };
    let marker = if selected { " ▸ " } else { "   " };
    let prefix = vec![
        Span::raw(marker),
        Span::styled(format!("{mark} "), style),
        Span::styled(format!("{:<7}", check.id), theme.dim),
    ];
    let title_style = if selected { theme.selected } else { theme.text };
    if !open {
        let room = width.saturating_sub(prefix.iter().map(Span::width).sum());
        let mut spans = prefix;
        spans.push(Span::styled(text::truncate(&check.title, room), title_style));
        body.push(Line::from(spans));
        return;
    }
    body.extend(text::hanging(prefix, &check.title, title_style, width));
    let detail = |label: &str, value: &str| {
        text::hanging(vec![Span::styled(format!("            {label:<9}"), theme.dim)], value, theme.text, width)
    };
    if let Some(o) = &check.observed {
        body.extend(detail("observed", o));
    }
    if let Some(f) = &check.fix {
        body.extend(detail("fix", f));
    }
    let blocking = if check.is_blocking_failure() {
        "blocks the run"
    } else if check.blocking {
        "blocks when it fails"
    } else {
        "does not block"
    };
    let severity = format!("{:?}", check.severity).to_lowercase();
    body.extend(detail("id", &format!("{} · severity {severity} · {blocking}", check.id)));
}
