//! Step 5: the plan in two tabs. Steps: every step in order with whether it can be undone, and
//! the published Anthropic principal. Key policy: the policy as a coloured diff, scrolled by the
//! wizard (`POLICY_HEADER_ROWS` rows above it, as the wizard counts).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use cmek_core::plan::{Action, Plan, Reversibility, StepState};
use cmek_core::policy::diff::LineChange;
use cmek_core::wizard::{PlanTab, Viewport, Wizard, change_count, policy_change};

use super::super::theme::Theme;
use super::body::Body;
use super::text;

/// Draws the Plan screen; the Steps tab reports what it drew (the Policy tab scrolls itself).
pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let Some(plan) = wizard.checks().plan() else { return Viewport::default() };
    let Some(document) = plan.document_name else {
        // No access document (Azure: Anthropic's access is a role assignment, shown as a step).
        return steps(wizard, plan, theme, frame, area);
    };
    let tab = wizard.review().tab();
    let tab_style = |t: PlanTab| if t == tab { theme.selected } else { theme.dim };
    let bar = Line::from(vec![
        Span::raw(" "),
        Span::styled(" Steps ", tab_style(PlanTab::Steps)),
        Span::raw(" "),
        Span::styled(format!(" {document} "), tab_style(PlanTab::Policy)),
        Span::styled("   Tab switches", theme.dim),
    ]);
    frame.render_widget(Paragraph::new(bar), Rect { height: 1, ..area });
    let rest = Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area };
    match tab {
        PlanTab::Steps => steps(wizard, plan, theme, frame, rest),
        PlanTab::Policy => {
            policy(wizard, plan, theme, frame, rest);
            Viewport::default()
        }
    }
}

fn steps(wizard: &Wizard, plan: &Plan, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let width = usize::from(area.width);
    let n = change_count(plan);
    let mut body = Body::default();
    let heading = match n {
        0 => "Nothing needs changing; the run validates the key again.".to_string(),
        1 => "The plan: 1 change, then validation.".to_string(),
        n => format!("The plan: {n} changes, then validation."),
    };
    body.push(Line::from(Span::styled(format!(" {heading}"), theme.strong)));
    for (i, step) in plan.steps.iter().enumerate() {
        let number = format!("  {}. ", i + 1);
        let rev = step.action.reversibility();
        let confirmation = plan.confirmations.iter().find(|c| c.step == step.action.kind());
        let (note, style) = match (&step.action, &step.state) {
            (_, StepState::Planned) if rev == Reversibility::Permanent => (String::new(), theme.permanent),
            (_, StepState::Planned) => (String::new(), theme.text),
            (_, StepState::AlreadyDone(why)) => (format!("; already done: {why}"), theme.dim),
            (Action::Attach { .. }, StepState::Gated(how)) if how.contains("--confirm-attach") => {
                ("; asked after validation: you type the workspace's name".to_string(), theme.permanent)
            }
            // The plan's reason names a command-line flag; here the key on this screen releases it.
            (Action::Attach { .. }, StepState::Gated(_)) if let Some(c) = wizard.pending_confirmation() => (
                format!(
                    "; held until {} is confirmed ({} on this screen), then asked after validation",
                    c.subject, c.key
                ),
                theme.permanent,
            ),
            (_, StepState::Gated(_)) if confirmation.is_some() => {
                (confirmation.map(|c| c.step_note()).unwrap_or_default(), theme.permanent)
            }
            (_, StepState::Gated(how)) => (format!("; not done: {how}"), theme.dim),
        };
        let line = format!("{} [{}{note}]", step.action.title(), rev.label());
        body.extend(text::hanging(vec![Span::raw(number)], &line, style, width));
    }
    body.blank();
    body.extend(text::indented(
        1,
        "Anthropic's principal (published; compare it with the CMEK guide):",
        theme.text,
        width,
    ));
    let principal =
        cmek_core::clouds::get(wizard.provider()).map(|c| c.anthropic_principal_display()).unwrap_or_default();
    body.push(Line::from(Span::styled(format!("   {principal}"), theme.strong)));
    if let Some(p) = policy_change(plan) {
        let added = p.diff.lines.iter().filter(|l| l.change == LineChange::Added).count();
        let removed = p.diff.lines.iter().filter(|l| l.change == LineChange::Removed).count();
        let summary = if p.changes { format!("+{added} -{removed} lines") } else { "no change".to_string() };
        body.push(Line::from(Span::styled(format!(" {}: {summary} (Tab shows it)", p.heading), theme.dim)));
    }
    if let (Some(field), Some(c)) = (wizard.confirmation_field(), wizard.pending_confirmation()) {
        body.blank();
        body.extend(text::indented(1, c.warning, theme.permanent, width));
        super::field::FieldView {
            label: c.label,
            label_width: 6,
            field,
            focused: true,
            placeholder: c.what,
            box_width: 32,
            mark_valid: false,
            suffix: None,
        }
        .add_to(&mut body, theme, width);
    }
    let ask =
        if n == 0 { "Enter runs the validation after a y/n question." } else { "Enter applies after a y/n question." };
    body.push(Line::from(Span::styled(format!(" {ask}"), theme.accent)));
    body.draw(frame, area, theme, wizard.scroll())
}

fn policy(wizard: &Wizard, plan: &Plan, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(p) = policy_change(plan) else {
        let name = plan.document_name.unwrap_or("document").to_lowercase();
        let line =
            Line::from(Span::styled(format!(" This plan writes no {name} (the policy could not be read)."), theme.dim));
        frame.render_widget(Paragraph::new(line), area);
        return;
    };
    let total = p.diff.lines.len();
    let rows = usize::from(area.height.saturating_sub(1));
    let top = wizard.review().scroll().min(total.saturating_sub(rows));
    let last = (top + rows).min(total);
    let heading = Line::from(vec![
        Span::styled(format!(" {}", p.heading), theme.strong),
        Span::styled(format!(" · lines {}-{last} of {total} · ", top + 1), theme.dim),
        Span::styled("+ added", theme.added),
        Span::raw(" "),
        Span::styled("- removed", theme.removed),
    ]);
    frame.render_widget(Paragraph::new(heading), Rect { height: 1, ..area });
    let lines: Vec<Line<'static>> = p.diff.lines[top..last]
        .iter()
        .map(|l| {
            let (mark, style) = match l.change {
                LineChange::Added => ("+ ", theme.added),
                LineChange::Removed => ("- ", theme.removed),
                LineChange::Same => ("  ", theme.text),
            };
            Line::from(Span::styled(format!(" {mark}{}", l.text), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), Rect { y: area.y + 1, height: area.height.saturating_sub(1), ..area });
}
