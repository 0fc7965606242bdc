//! Shown instead of any screen when the terminal is below 80x24: what size it is, what is needed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use cmek_core::wizard::{MIN_HEIGHT, MIN_WIDTH};

use super::super::theme::Theme;

pub fn render(theme: &Theme, frame: &mut Frame, area: Rect) {
    let lines = vec![
        Line::from(Span::styled("Terminal too small", theme.bad)),
        Line::from(format!("It is {}x{}; cmek setup needs {MIN_WIDTH}x{MIN_HEIGHT}.", area.width, area.height)),
        Line::from(Span::styled("Enlarge the window, or press q to quit.", theme.dim)),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}
