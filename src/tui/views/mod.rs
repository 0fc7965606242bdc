//! The wizard's screens as pure drawing functions: `render` reads a `Wizard` and draws the
//! current screen (one file per screen), the frame around it, and any overlay. Views never
//! change the wizard and hold no state of their own.

mod apply;
mod attach;
mod aws;
mod azure;
mod body;
mod checks;
mod chrome;
mod clouds;
mod field;
mod gcp;
mod help_text;
mod overlay;
mod plan;
mod summary;
mod text;
mod too_small;
mod validate;
mod welcome;
mod workspace;

#[cfg(test)]
mod tests;

use ratatui::Frame;
use ratatui::layout::Rect;

use cmek_core::wizard::{MIN_HEIGHT, MIN_WIDTH, Overlay, Screen, Viewport, Wizard};

use super::theme::Theme;

/// Draws the wizard's current screen on `frame`; returns what the screen's body drew (nothing
/// when the terminal is too small), which the runtime tells the wizard for scrolling.
pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame) -> Viewport {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small::render(theme, frame, area);
        return Viewport::default();
    }
    let areas = chrome::layout(area);
    chrome::render(wizard, theme, frame, &areas);
    let notice = chrome::notice_lines(wizard, theme, usize::from(areas.body.width));
    let notice_rows = u16::try_from(notice.len()).unwrap_or(u16::MAX).min(areas.body.height / 2);
    let content = Rect { height: areas.body.height - notice_rows, ..areas.body };
    let notice_area = Rect { y: content.y + content.height, height: notice_rows, ..areas.body };
    let drawn = match wizard.screen() {
        Screen::Welcome => welcome::render(wizard, theme, frame, content),
        Screen::Workspace => workspace::render(wizard, theme, frame, content),
        Screen::Key => clouds::get(wizard.provider())
            .map(|views| views.key_screen(wizard, theme, frame, content))
            .unwrap_or_default(),
        Screen::Checks => checks::render(wizard, theme, frame, content),
        Screen::Plan => plan::render(wizard, theme, frame, content),
        Screen::Apply => apply::render(wizard, theme, frame, content),
        Screen::Validate => validate::render(wizard, theme, frame, content),
        Screen::Attach => attach::render(wizard, theme, frame, content),
        Screen::Summary => summary::render(wizard, theme, frame, content),
    };
    frame.render_widget(ratatui::widgets::Paragraph::new(notice), notice_area);
    match wizard.overlay() {
        Some(Overlay::Help) => overlay::help(wizard, theme, frame, area),
        Some(Overlay::ConfirmQuit) => overlay::confirm_quit(wizard, theme, frame, area),
        Some(Overlay::ConfirmApply) => overlay::confirm_apply(wizard, theme, frame, area),
        None => {}
    }
    drawn
}
