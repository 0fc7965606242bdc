//! Step 7: validation's verdict. On success, what comes next; on failure the platform's error
//! text and the checks that were not a clean pass as likely causes, each with its fix.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::plan::CheckStatus;
use cmek_core::wizard::{PropagationWait, Validation, Viewport, Wizard};

use super::super::theme::Theme;
use super::body::Body;
use super::text;

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let width = usize::from(area.width);
    let mut body = Body::default();
    match wizard.validation() {
        Some(Validation::Waiting(wait)) => add_wait(wizard, &wait, theme, &mut body, width),
        Some(Validation::Passed) => {
            body.push(Line::from(Span::styled(
                " ✓ Validated: Anthropic encrypted and decrypted with the key.",
                theme.good,
            )));
            add_ids(wizard, theme, &mut body, width);
            body.blank();
            let next = match (wizard.attach_offer(), wizard.target().and_then(|t| t.workspace())) {
                (Some(offer), _) => format!(
                    "Next: attach it to workspace {}. That is permanent, so the next step explains it and asks you to \
                     type the workspace's name.",
                    offer.workspace_name
                ),
                (None, Some(w)) => format!("{} will not be attached in this run; the summary says why.", w.name),
                (None, None) => "No workspace was chosen: the key is registered and validated, and protects no \
                                 workspace until it is attached."
                    .into(),
            };
            body.extend(text::indented(1, &next, theme.text, width));
            body.blank();
            body.push(Line::from(Span::styled(" Enter continues.", theme.accent)));
        }
        Some(Validation::Failed { error }) => {
            body.push(Line::from(Span::styled(" ✗ Validation failed: the platform could not use the key.", theme.bad)));
            body.extend(text::indented(3, &error, theme.text, width));
            body.blank();
            body.push(Line::from(Span::styled(
                " Likely causes (from the error, then the checks that did not pass):",
                theme.strong,
            )));
            let causes = wizard.likely_causes();
            if causes.is_empty() {
                body.extend(text::indented(
                    3,
                    "No check predicted this. Compare the key policy with the plan's (the Plan step's Key policy tab) \
                     and with the CMEK guide.",
                    theme.dim,
                    width,
                ));
            }
            for (i, c) in causes.into_iter().enumerate() {
                let selected = i == wizard.highlighted_cause();
                let (mark, style) = if c.status == CheckStatus::Fail { ("✗", theme.bad) } else { ("!", theme.warn) };
                let add = |b: &mut Body| {
                    b.extend(text::hanging(
                        vec![
                            Span::raw(if selected { " ▸ " } else { "   " }),
                            Span::styled(format!("{mark} "), style),
                            Span::styled(format!("{:<7}", c.id), theme.dim),
                        ],
                        &c.title,
                        if selected { theme.strong } else { theme.text },
                        width,
                    ));
                    for (label, value) in [("observed", &c.observed), ("fix", &c.fix)] {
                        if let Some(v) = value {
                            b.extend(text::hanging(
                                vec![Span::styled(format!("          {label:<9}"), theme.dim)],
                                v,
                                theme.text,
                                width,
                            ));
                        }
                    }
                };
                if selected { body.focused(add) } else { add(&mut body) }
            }
            body.blank();
            body.extend(text::indented(
                1,
                "Fix the cause, then r checks and plans again (finished steps are not repeated); Enter finishes \
                 with exit code 1.",
                theme.dim,
                width,
            ));
        }
        None => body.push(Line::from(Span::styled(" Validation did not run.", theme.bad))),
    }
    body.draw(frame, area, theme, wizard.scroll())
}

/// The bounded propagation wait: why, how long so far of how long at most, when the next try is.
fn add_wait(wizard: &Wizard, wait: &PropagationWait, theme: &Theme, body: &mut Body, width: usize) {
    body.push(Line::from(vec![
        Span::styled(format!(" {} ", text::spinner(wizard.spinner_frame())), theme.warn),
        Span::styled(format!("Waiting for Anthropic's new {} to take effect", wait.grant), theme.strong),
    ]));
    body.extend(text::indented(3, wait.explain, theme.dim, width));
    body.blank();
    let secs = |d: std::time::Duration| d.as_secs();
    // Moves on every tick between the engine's answers, so the wait never looks frozen.
    let waited = wait.waited_now(wizard.elapsed());
    let next_in = wait.next_in_now(wizard.elapsed());
    let filled = (secs(waited) * 30).checked_div(secs(wait.budget).max(1)).unwrap_or(0).min(30) as usize;
    body.push(Line::from(vec![
        Span::raw("   "),
        Span::styled("█".repeat(filled), theme.accent),
        Span::styled("░".repeat(30 - filled), theme.dim),
        Span::styled(format!("  {}s of at most {}s", secs(waited), secs(wait.budget)), theme.text),
    ]));
    body.extend(text::field_line("attempt", 12, &format!("{} refused", wait.attempt), theme.text, theme, width));
    let next = if next_in.is_zero() { "now".to_string() } else { format!("in {}s", secs(next_in)) };
    body.extend(text::field_line("next try", 12, &next, theme.text, theme, width));
    body.extend(text::field_line("last answer", 12, &wait.why, theme.dim, theme, width));
    body.blank();
    let what = if wait.stopping {
        "Stopping: the run ends at the next pause and reports; r then checks and validates again."
    } else {
        "Esc stops waiting (nothing is undone; run setup again later and it picks up here)."
    };
    body.extend(text::indented(1, what, theme.accent, width));
}

fn add_ids(wizard: &Wizard, theme: &Theme, body: &mut Body, width: usize) {
    let Some(report) = wizard.apply_progress().report() else { return };
    if let Some(id) = &report.external_key_id {
        body.extend(text::field_line("external key", 12, id, theme.text, theme, width));
    }
    if let Some(key) = report.cloud.key() {
        body.extend(text::field_line(report.cloud.key_label(), 12, &key, theme.text, theme, width));
    }
}
