//! Step 9: what was done (key, external key id, validation, workspace, journal), whether the key
//! is attached and why not, and the equivalent non-interactive command line.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::wizard::{Mood, Validation, Viewport, Wizard};

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
    for field in wizard.result_fields() {
        let style = match field.mood {
            Mood::Good => theme.good,
            Mood::Warn => theme.warn,
            Mood::Bad => theme.bad,
            Mood::Plain => theme.text,
            Mood::Dim => theme.dim,
        };
        body.extend(text::field_line(field.label, LABEL, &field.value, style, theme, width));
    }
    body.blank();
    match (wizard.attach_later_command().filter(|_| healthy), wizard.summary_command()) {
        (Some(cmd), same) if wizard.attach_results().len() > 1 => {
            body.extend(text::indented(1, "To attach the rest later (permanent), run this:", theme.strong, width));
            body.extend(text::indented(3, &cmd, theme.text, width));
            if let Some(same) = same {
                body.push(Line::from(Span::styled(" The same run, non-interactively:", theme.strong)));
                body.extend(text::indented(3, &same, theme.text, width));
            }
        }
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
