//! A screen's content as lines, with the part that must stay visible (the highlighted row) and
//! where the text cursor goes; drawn from where the user scrolled, or else so the focus is on
//! screen, with ↑/↓ marks when there is more above or below.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Alignment, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use cmek_core::wizard::Viewport;

use super::super::theme::Theme;
use super::text;

#[derive(Default)]
pub struct Body {
    pub lines: Vec<Line<'static>>,
    /// Lines that must be visible (the highlighted item).
    focus: Option<Range<usize>>,
    /// (line, column) of the text cursor, when a field takes the keys.
    cursor: Option<(usize, u16)>,
}

impl Body {
    pub fn push(&mut self, line: Line<'static>) {
        self.lines.push(line);
    }

    pub fn extend(&mut self, lines: impl IntoIterator<Item = Line<'static>>) {
        self.lines.extend(lines);
    }

    pub fn blank(&mut self) {
        self.lines.push(Line::default());
    }

    /// Marks everything pushed by `add` as the part to keep visible.
    pub fn focused(&mut self, add: impl FnOnce(&mut Body)) {
        let start = self.lines.len();
        add(self);
        self.focus = Some(start..self.lines.len().max(start + 1));
    }

    /// The cursor goes on the next line pushed, `column` columns in.
    pub fn cursor_on_next_line(&mut self, column: u16) {
        self.cursor = Some((self.lines.len(), column));
    }

    /// Draws the lines in `area`: from the line the user scrolled to (`scroll`), or else placed
    /// so the focus (or the text cursor) is in view. Returns what was drawn, for the wizard's
    /// PgUp/PgDn.
    pub fn draw(self, frame: &mut Frame, area: Rect, theme: &Theme, scroll: Option<usize>) -> Viewport {
        let height = usize::from(area.height);
        let total = self.lines.len();
        let focus = self.focus.clone().or_else(|| self.cursor.map(|(line, _)| line..line + 1)).unwrap_or(0..0);
        // When the lines do not fit, a row at the top and/or bottom says how many more there are;
        // settle which rows those take before choosing the window.
        let (mut above, mut below) = (false, false);
        let mut offset = 0;
        let mut rows = height;
        for _ in 0..4 {
            rows = height.saturating_sub(usize::from(above) + usize::from(below));
            offset = match scroll {
                Some(requested) => requested.min(total.saturating_sub(rows)),
                None => text::window(total, focus.clone(), rows),
            };
            let (a, b) = (offset > 0, offset + rows < total);
            if (a, b) == (above, below) {
                break;
            }
            (above, below) = (a, b);
        }
        rows = rows.min(height.saturating_sub(usize::from(above) + usize::from(below)));
        let top = area.y + u16::from(above);
        let shown: Vec<Line<'static>> = self.lines.into_iter().skip(offset).take(rows).collect();
        let rows_u16 = u16::try_from(rows).unwrap_or(area.height);
        frame.render_widget(Paragraph::new(shown), Rect { y: top, height: rows_u16, ..area });
        let mark = |frame: &mut Frame, y: u16, text: String| {
            let at = Rect { x: area.x, y, width: area.width, height: 1 };
            frame.render_widget(Paragraph::new(Span::styled(text, theme.dim)).alignment(Alignment::Right), at);
        };
        if above && height > 0 {
            mark(frame, area.y, format!("↑ {offset} more "));
        }
        if below && height > 1 {
            mark(frame, area.y + area.height - 1, format!("↓ {} more ", total - offset - rows));
        }
        if let Some((line, column)) = self.cursor
            && (offset..offset + rows).contains(&line)
        {
            let y = top + u16::try_from(line - offset).unwrap_or(0);
            frame.set_cursor_position(Position { x: area.x + column.min(area.width.saturating_sub(1)), y });
        }
        Viewport { offset, rows: rows.min(total.saturating_sub(offset)), total }
    }
}

impl Body {
    /// Pushes `line`, marking it as the focus when `focused`.
    pub fn focused_if(&mut self, focused: bool, line: Line<'static>) {
        if focused {
            self.focused(|b| b.push(line));
        } else {
            self.push(line);
        }
    }
}
