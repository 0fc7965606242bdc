//! Boxes drawn over the current screen: help, "Quit?" and "Apply these N changes?".

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use cmek_core::plan::{Reversibility, StepState};
use cmek_core::wizard::{Wizard, Work, change_count};

use super::super::theme::Theme;
use super::{help_text, text};

/// A bordered box in the middle of `area`, sized to `lines`, cleared underneath.
fn popup(frame: &mut Frame, area: Rect, theme: &Theme, title: &str, lines: Vec<Line<'static>>, inner_width: u16) {
    let width = (inner_width + 4).min(area.width);
    let height = (u16::try_from(lines.len()).unwrap_or(u16::MAX).saturating_add(2)).min(area.height);
    let rect = Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height };
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(format!(" {title} "), theme.accent));
    frame.render_widget(Paragraph::new(lines).block(block), rect);
}

fn inner_width(area: Rect) -> u16 {
    area.width.saturating_sub(8).min(72)
}

pub fn help(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) {
    let w = inner_width(area);
    let width = usize::from(w);
    let (about, keys) = help_text::for_screen(wizard.screen(), wizard.provider());
    let mut lines = text::indented(1, &about, theme.text, width);
    lines.push(Line::default());
    let key_width = keys.iter().map(|(k, _)| text::width(k)).max().unwrap_or(0).max(6);
    for (k, what) in keys.iter().chain(&[
        ("?", "this help (not while typing)"),
        ("q", "quit (asks first when something is at stake)"),
        ("Ctrl-C", "quit, even while typing"),
    ]) {
        lines.extend(text::hanging(
            vec![Span::styled(format!(" {k:<key_width$}  "), theme.key)],
            what,
            theme.text,
            width,
        ));
    }
    popup(frame, area, theme, &format!("Help: {}", wizard.screen().indicator()), lines, w);
}

pub fn confirm_quit(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) {
    let w = inner_width(area).min(60);
    let width = usize::from(w);
    let message = match wizard.busy() {
        Some(Work::Apply) => "Changes are being made right now. If you quit, the step in progress may still finish; \
                              the journal records what was done, and running cmek setup again picks up from there."
            .to_string(),
        Some(work) if !wizard.has_changed_anything() => {
            format!("cmek is {}. Nothing has been changed.", work.doing())
        }
        _ => "Changes were made in this run. Running cmek setup again picks up where this run stopped.".to_string(),
    };
    let mut lines = text::indented(1, &message, theme.text, width);
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled(" y", theme.key),
        Span::raw(" quit    "),
        Span::styled("n", theme.key),
        Span::raw(" / "),
        Span::styled("Esc", theme.key),
        Span::raw(" stay"),
    ]));
    popup(frame, area, theme, "Quit the wizard?", lines, w);
}

pub fn confirm_apply(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(plan) = wizard.checks().plan() else { return };
    let w = inner_width(area);
    let width = usize::from(w);
    let n = change_count(plan);
    let mut lines = Vec::new();
    for step in plan.steps.iter().filter(|s| s.state == StepState::Planned) {
        let rev = step.action.reversibility();
        let style = if rev == Reversibility::Permanent { theme.permanent } else { theme.dim };
        lines.extend(text::hanging(vec![Span::raw(" • ")], &step.action.title(), theme.text, width));
        lines.push(Line::from(Span::styled(format!("   {}", rev.label()), style)));
    }
    lines.push(Line::default());
    lines.extend(text::indented(
        1,
        "Attaching is not part of this: it is asked separately, after validation.",
        theme.dim,
        width,
    ));
    lines.push(Line::default());
    lines.push(Line::from(vec![
        Span::styled(" y", theme.key),
        Span::raw(" apply    "),
        Span::styled("n", theme.key),
        Span::raw(" / "),
        Span::styled("Esc", theme.key),
        Span::raw(" not now"),
    ]));
    let title = match n {
        0 => "Nothing to change: validate the key again?".to_string(),
        1 => "Apply this 1 change?".to_string(),
        n => format!("Apply these {n} changes?"),
    };
    popup(frame, area, theme, &title, lines, w);
}
