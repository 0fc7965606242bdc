//! Step 9: what was done (key, external key id, validation, workspace, journal), whether the key
//! is attached and why not, and the equivalent non-interactive command line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::wizard::{AttachOutcome, Validation, Viewport, Wizard};

use super::super::theme::Theme;
use super::body::Body;
use super::text;

const LABEL: usize = 12;

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let width = usize::from(area.width);
    let mut body = Body::default();
    let healthy = wizard.validation() == Some(Validation::Passed);
    body.push(if healthy {
        Line::from(Span::styled(" ✓ Done: the key is registered and healthy.", theme.good))
    } else {
        Line::from(Span::styled(" ✗ Finished without a healthy key.", theme.bad))
    });
    body.blank();
    let report = wizard.apply_progress().report();
    let mut field =
        |label: &str, value: String, style| body.extend(text::field_line(label, LABEL, &value, style, theme, width));
    if let Some((label, key)) = report.and_then(|r| r.cloud.key().map(|k| (r.cloud.key_label(), k))) {
        field(label, key, theme.text);
    }
    if let Some(id) = report.and_then(|r| r.external_key_id.as_ref()) {
        field("external key", id.clone(), theme.text);
    }
    match wizard.validation() {
        Some(Validation::Passed) => field("validation", "success".into(), theme.good),
        Some(Validation::Failed { error }) => {
            field("validation", format!("failed: {}", shortened(&error, 150)), theme.bad)
        }
        Some(Validation::Waiting(_)) => field("validation", "still waiting".into(), theme.warn),
        None => field("validation", "did not run".into(), theme.bad),
    }
    let workspace = wizard
        .checks()
        .facts()
        .and_then(|f| f.workspace.as_ref())
        .map(|w| format!("{} ({})", w.name, w.id))
        .unwrap_or_default();
    let (attached, style) = match wizard.attach_outcome() {
        Some(AttachOutcome::Attached(sentence)) => (format!("attached: {sentence}"), theme.good),
        Some(AttachOutcome::AlreadyAttached(why)) => (format!("attached already: {why}"), theme.good),
        Some(AttachOutcome::Skipped) => (format!("{workspace}: not attached (skipped)"), theme.warn),
        Some(AttachOutcome::NotOffered(why)) => (format!("not attached: {why}"), theme.warn),
        Some(AttachOutcome::NoWorkspace) | None => ("none: registered and validated only".to_string(), theme.dim),
    };
    field("workspace", attached, style);
    if let Some(dir) = report.map(|r| r.journal_dir.display().to_string()).filter(|d| !d.is_empty()) {
        field("journal", dir, theme.dim);
    }
    body.blank();
    match (wizard.attach_later_command().filter(|_| healthy), wizard.summary_command()) {
        (Some(cmd), _) => {
            body.extend(text::indented(
                1,
                "To attach later (permanent), run this; without --confirm-attach it repeats this run:",
                theme.strong,
                width,
            ));
            body.extend(text::indented(3, &cmd, theme.text, width));
        }
        (None, Some(cmd)) => {
            body.push(Line::from(Span::styled(" The same run, non-interactively:", theme.strong)));
            body.extend(text::indented(3, &cmd, theme.text, width));
        }
        (None, None) => {}
    }
    body.blank();
    body.push(Line::from(Span::styled(
        format!(" Enter exits (exit code {}).", wizard.summary_exit_code()),
        theme.accent,
    )));
    body.draw(frame, area, theme, wizard.scroll())
}

/// At most `max` characters of `s`, with "…" when cut (the full text was on the Validate step).
fn shortened(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}
