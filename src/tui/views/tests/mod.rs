//! Snapshots of every screen in its states at 80x24 and 120x40 (ratatui `TestBackend`, the
//! buffer as text), plus a render of long random walks at many sizes that must never panic.

mod apply_and_validate;
mod attach_and_summary;
mod azure;
mod checks_and_plan;
mod colours;
mod gcp;
mod key;
mod overlays;
mod random_renders;
mod scrolling;
mod welcome_and_workspace;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::tui::theme::Theme;
use cmek_core::wizard::{Msg, Wizard};

use super::render;

/// Draws `wizard` on a `width` x `height` test terminal as the runtime does (what was drawn told
/// to the wizard, and drawn again when that changed it); returns the buffer.
pub fn draw_buffer(wizard: &Wizard, theme: &Theme, width: u16, height: u16) -> Buffer {
    let mut wizard = wizard.clone();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    for _ in 0..2 {
        let mut drawn = wizard.viewport();
        terminal.draw(|frame| drawn = render(&wizard, theme, frame)).unwrap();
        if drawn == wizard.viewport() {
            break;
        }
        wizard.update(Msg::Viewport(drawn));
    }
    terminal.backend().buffer().clone()
}

/// The buffer as text, one line per row, trailing blanks trimmed.
pub fn buffer_text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Snapshots `wizard` at 80x24 and at 120x40 (told to the wizard too, as the runtime would).
pub fn snap(name: &str, wizard: &Wizard) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        for (width, height) in [(80, 24), (120, 40)] {
            let mut sized = wizard.clone();
            sized.update(Msg::Resize { width, height });
            let text = buffer_text(&draw_buffer(&sized, &Theme::default(), width, height));
            insta::assert_snapshot!(format!("{name}_{width}x{height}"), text);
        }
    });
}
