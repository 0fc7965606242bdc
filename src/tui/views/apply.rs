//! Step 6: each step of the plan with its progress (spinner and elapsed time while it runs), and
//! when the run stopped early, why, with the hints and what r and Esc do.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::plan::{Action, Step};
use cmek_core::run::events::StepOutcome;
use cmek_core::wizard::{StepProgress, Viewport, Wizard, Work};

use super::super::theme::Theme;
use super::body::Body;
use super::text;

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let width = usize::from(area.width);
    let Some(plan) = wizard.checks().plan() else { return Viewport::default() };
    let progress = wizard.apply_progress();
    let running = wizard.busy() == Some(Work::Apply);
    let mut body = Body::default();
    let elapsed = wizard.elapsed().map(|d| format!(" · {}", text::duration(d))).unwrap_or_default();
    let heading = if running {
        format!(" {} Applying the plan{elapsed}", text::spinner(wizard.spinner_frame()))
    } else {
        " The run stopped before validation".to_string()
    };
    body.push(Line::from(Span::styled(heading, if running { theme.warn } else { theme.bad })));
    body.blank();
    for (i, (step, state)) in plan.steps.iter().zip(progress.steps()).enumerate() {
        // The step under way stays on screen however long the plan.
        let add = |b: &mut Body| add_step(b, i, step, state, wizard.spinner_frame(), theme, width);
        if matches!(state, StepProgress::Running) { body.focused(add) } else { add(&mut body) }
    }
    if let Some(report) = progress.report().filter(|_| !running) {
        body.blank();
        match &report.failure {
            Some(e) => body.focused(|b| b.extend(text::error_lines("Stopped", e, theme, width))),
            None => body.extend(text::indented(2, "The run ended without validating the key.", theme.bad, width)),
        }
        let journal = report.journal_dir.display().to_string();
        if !journal.is_empty() {
            body.extend(text::field_line("journal", 7, &journal, theme.dim, theme, width));
        }
        body.blank();
        body.extend(text::indented(
            1,
            "r (or Enter) checks and plans again, then asks before applying: finished steps are not repeated. Esc goes \
             back to the Key step.",
            theme.dim,
            width,
        ));
    }
    body.draw(frame, area, theme, wizard.scroll())
}

fn add_step(body: &mut Body, i: usize, step: &Step, state: &StepProgress, frame: usize, theme: &Theme, width: usize) {
    let title = match state {
        StepProgress::Finished(StepOutcome::Skipped) => format!("{} (skipped)", step.action.title()),
        _ => step.action.title(),
    };
    let (mark, mark_style, detail, detail_style) = match state {
        StepProgress::Waiting => ("·", theme.dim, None, theme.dim),
        StepProgress::Running => (text::spinner(frame), theme.warn, None, theme.dim),
        StepProgress::Finished(outcome) => match outcome {
            StepOutcome::Done { detail } => ("✓", theme.good, Some(detail.clone()), theme.dim),
            StepOutcome::Unchanged { reason } => ("=", theme.dim, Some(format!("already done: {reason}")), theme.dim),
            StepOutcome::Gated { how } => {
                let text = match &step.action {
                    Action::Attach { .. } if how.contains("--confirm-attach") => {
                        "waits for your typed confirmation after validation".to_string()
                    }
                    _ => how.clone(),
                };
                ("!", theme.warn, Some(text), theme.warn)
            }
            StepOutcome::Skipped => ("-", theme.dim, None, theme.dim),
            // The error itself is shown in full under the steps, with its hints.
            StepOutcome::Failed { .. } => ("✗", theme.bad, Some("failed: why is below".to_string()), theme.bad),
        },
    };
    let title_style = match state {
        StepProgress::Running => theme.strong,
        StepProgress::Waiting | StepProgress::Finished(StepOutcome::Skipped) => theme.dim,
        StepProgress::Finished(_) => theme.text,
    };
    let prefix = vec![Span::raw("  "), Span::styled(format!("{mark} "), mark_style), Span::raw(format!("{}. ", i + 1))];
    let add = |b: &mut Body| {
        b.extend(text::hanging(prefix, &title, title_style, width));
        if let Some(d) = &detail {
            b.extend(text::indented(7, d, detail_style, width));
        }
    };
    if matches!(state, StepProgress::Running) { body.focused(add) } else { add(body) }
}
