//! What frames every screen: the header (organisation and "Step 3 of 9: Key"), the trail of
//! steps, the safety line (what has changed, what is permanent), the notice, and the footer of
//! keys. Its row count is `wizard::FRAME_ROWS`, which the Plan screen's scrolling relies on.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use cmek_core::wizard::{FRAME_ROWS, Screen, Tone, Wizard, Work};

use super::super::theme::Theme;
use super::text;

/// The parts of the terminal every screen uses.
pub struct Areas {
    pub header: Rect,
    pub trail: Rect,
    pub rule: Rect,
    /// The screen's own content, with a one-column margin on each side.
    pub body: Rect,
    pub safety: Rect,
    pub footer: Rect,
}

pub fn layout(area: Rect) -> Areas {
    let row = |y: u16| Rect { x: area.x, y: area.y + y, width: area.width, height: 1 };
    let body_height = area.height.saturating_sub(FRAME_ROWS);
    Areas {
        header: row(0),
        trail: row(1),
        rule: row(2),
        body: Rect { x: area.x + 1, y: area.y + 3, width: area.width.saturating_sub(2), height: body_height },
        safety: row(area.height.saturating_sub(2)),
        footer: row(area.height.saturating_sub(1)),
    }
}

/// The provider being set up: the one highlighted until one is chosen on Welcome.
fn shown_provider(wizard: &Wizard) -> cmek_core::model::ProviderKind {
    if wizard.screen() == cmek_core::wizard::Screen::Welcome {
        wizard.welcome().highlighted()
    } else {
        wizard.provider()
    }
}

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, areas: &Areas) {
    let org = wizard.overview().map(|o| format!(" · {}", o.org_name)).unwrap_or_default();
    let title = Line::from(vec![
        Span::styled(" cmek setup", theme.accent),
        Span::styled(format!(" · {}{org}", shown_provider(wizard).display_name()), theme.strong),
    ]);
    frame.render_widget(Paragraph::new(title), areas.header);
    let step = Line::from(Span::styled(format!("{} ", wizard.screen().indicator()), theme.accent));
    frame.render_widget(Paragraph::new(step).alignment(Alignment::Right), areas.header);

    frame.render_widget(Paragraph::new(trail(wizard.screen(), theme, usize::from(areas.trail.width))), areas.trail);
    frame.render_widget(Paragraph::new(Span::styled("─".repeat(usize::from(areas.rule.width)), theme.dim)), areas.rule);
    frame.render_widget(Paragraph::new(safety_line(wizard, theme)), areas.safety);
    frame.render_widget(Paragraph::new(footer(wizard, theme, usize::from(areas.footer.width))), areas.footer);
}

/// `Welcome › Workspace › Key › …`, the current step highlighted; left out when it does not fit.
fn trail(current: Screen, theme: &Theme, width: usize) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, screen) in Screen::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", theme.dim));
        }
        let style = match screen.number().cmp(&current.number()) {
            std::cmp::Ordering::Less => theme.text,
            std::cmp::Ordering::Equal => theme.accent,
            std::cmp::Ordering::Greater => theme.dim,
        };
        spans.push(Span::styled(screen.title(), style));
    }
    let line = Line::from(spans);
    if line.width() <= width { line } else { Line::default() }
}

/// One line saying what has changed so far and what cannot be undone here.
fn safety_line(wizard: &Wizard, theme: &Theme) -> Line<'static> {
    let changed = wizard.has_changed_anything();
    let (style, text) = match wizard.screen() {
        Screen::Attach => {
            (theme.permanent, "PERMANENT: an attached key can never be detached or replaced.".to_string())
        }
        Screen::Apply if wizard.busy() == Some(Work::Apply) => {
            (theme.warn, "Changes are being made; going back is not offered once they start.".to_string())
        }
        Screen::Apply => (theme.warn, "The run stopped; finished steps stay done and are not repeated.".to_string()),
        Screen::Validate => {
            (theme.dim, "Changes were made in this run; the key is not attached to anything yet.".into())
        }
        Screen::Summary => (theme.dim, "The journal lists every change this run made.".into()),
        _ if changed => {
            (theme.warn, "Changes were already made in this run; a new plan only does what remains.".into())
        }
        Screen::Welcome => (theme.dim, "Nothing changes until you approve a plan.".into()),
        Screen::Workspace => (theme.dim, "Nothing has been changed yet; creating a workspace happens at once.".into()),
        Screen::Key => (theme.dim, "Nothing has been changed yet; the key is created when you apply the plan.".into()),
        Screen::Checks => (theme.dim, "Read-only: inspecting changed nothing.".into()),
        Screen::Plan => (theme.dim, "Nothing has been changed yet; attaching stays a separate, typed step.".into()),
    };
    Line::from(Span::styled(format!(" {text}"), style))
}

/// The keys of the current state; when they do not fit, the minor ones (moving, scrolling,
/// looking again) go first, then the ones before "? help", so a consent's key, help and quit
/// stay shown.
fn footer(wizard: &Wizard, theme: &Theme, width: usize) -> Line<'static> {
    let mut hints = wizard.hints();
    let line = |hints: &[cmek_core::wizard::KeyHint]| {
        let mut spans = vec![Span::raw(" ")];
        for (i, hint) in hints.iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw("  "));
            }
            spans.push(Span::styled(hint.keys, theme.key));
            spans.push(Span::styled(format!(" {}", hint.action), theme.dim));
        }
        Line::from(spans)
    };
    while line(&hints).width() > width && hints.len() > 2 {
        match hints.iter().rposition(|h| h.minor) {
            Some(i) => hints.remove(i),
            None => hints.remove(hints.len() - 3),
        };
    }
    line(&hints)
}

/// The notice about the last key, wrapped; drawn at the bottom of the body.
pub fn notice_lines(wizard: &Wizard, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let Some(notice) = wizard.notice() else { return Vec::new() };
    let (mark, style) = match notice.tone {
        Tone::Error => ("✗ ", theme.bad),
        Tone::Info => ("› ", theme.warn),
    };
    text::hanging(vec![Span::styled(format!(" {mark}"), style)], &notice.text, style, width)
}
