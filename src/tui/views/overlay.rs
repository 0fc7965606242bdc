//! Boxes drawn over the current screen: help, "Quit?" and "Apply these N changes?".

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use cmek_core::plan::{Plan, Reversibility, Step, StepState};
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
    let (about, keys) = help_text::for_screen(wizard);
    let mut lines = text::indented(1, &about, theme.text, width);
    lines.push(Line::default());
    let common = [
        ("?", "this help (not while typing)"),
        ("q", "quit (asks first when something is at stake)"),
        ("Ctrl-C", "quit, even while typing"),
    ];
    let keys: Vec<(String, String)> =
        keys.into_iter().chain(common.iter().map(|(k, w)| (k.to_string(), w.to_string()))).collect();
    let key_width = keys.iter().map(|(k, _)| text::width(k)).max().unwrap_or(0).max(6);
    for (k, what) in &keys {
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

/// How much of each step the apply question shows: all of it when it fits, else one line per
/// step, else the irreversible steps one per line and a count of the rest.
#[derive(Clone, Copy)]
enum Detail {
    Full,
    OneLine,
    Summary,
}

/// The planned steps at `detail`.
fn planned_steps(plan: &Plan, detail: Detail, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let planned: Vec<&Step> = plan.steps.iter().filter(|s| s.state == StepState::Planned).collect();
    let style = |rev: Reversibility| if rev == Reversibility::Permanent { theme.permanent } else { theme.dim };
    let one_line = |step: &Step| {
        let rev = step.action.reversibility();
        let label = format!(" [{}]", rev.short_label());
        let room = width.saturating_sub(3 + text::width(&label));
        Line::from(vec![
            Span::raw(" • "),
            Span::styled(text::truncate(&step.action.title(), room), theme.text),
            Span::styled(label, style(rev)),
        ])
    };
    let mut lines = Vec::new();
    match detail {
        Detail::Full => {
            for step in planned {
                let rev = step.action.reversibility();
                lines.extend(text::hanging(vec![Span::raw(" • ")], &step.action.title(), theme.text, width));
                lines.push(Line::from(Span::styled(format!("   {}", rev.label()), style(rev))));
            }
        }
        Detail::OneLine => lines.extend(planned.into_iter().map(one_line)),
        Detail::Summary => {
            let undoable =
                |s: &&Step| matches!(s.action.reversibility(), Reversibility::Reversible | Reversibility::ReadOnly);
            let (easy, hard): (Vec<&Step>, Vec<&Step>) = planned.into_iter().partition(undoable);
            lines.extend(hard.into_iter().map(one_line));
            if !easy.is_empty() {
                let n = easy.len();
                let s = if n == 1 { "" } else { "s" };
                lines.extend(text::indented(
                    1,
                    &format!("and {n} reversible step{s} (the Plan screen lists every step)"),
                    theme.dim,
                    width,
                ));
            }
        }
    }
    lines
}

pub fn confirm_apply(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(plan) = wizard.checks().plan() else { return };
    let w = inner_width(area);
    let width = usize::from(w);
    let n = change_count(plan);
    let mut tail = vec![Line::default()];
    tail.extend(text::indented(
        1,
        "Attaching is not part of this: it is asked separately, after validation.",
        theme.dim,
        width,
    ));
    tail.push(Line::default());
    tail.push(Line::from(vec![
        Span::styled(" y", theme.key),
        Span::raw(" apply    "),
        Span::styled("n", theme.key),
        Span::raw(" / "),
        Span::styled("Esc", theme.key),
        Span::raw(" not now"),
    ]));
    // The whole question must show, answer keys included: the steps give way, never the y/n.
    let room = usize::from(area.height.saturating_sub(2)).saturating_sub(tail.len());
    let mut lines = [Detail::Full, Detail::OneLine]
        .into_iter()
        .map(|d| planned_steps(plan, d, theme, width))
        .find(|l| l.len() <= room)
        .unwrap_or_else(|| planned_steps(plan, Detail::Summary, theme, width));
    lines.truncate(room);
    lines.extend(tail);
    let title = match n {
        0 => "Nothing to change: validate the key again?".to_string(),
        1 => "Apply this 1 change?".to_string(),
        n => format!("Apply these {n} changes?"),
    };
    popup(frame, area, theme, &title, lines, w);
}
