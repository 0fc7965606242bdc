//! The wizard's AWS KMS screens: the Key screen (region, alias, and the key).

mod key;

use cmek_core::model::ProviderKind;
use cmek_core::wizard::{Viewport, Wizard};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::clouds::CloudViews;
use crate::tui::theme::Theme;

pub struct Aws;

impl CloudViews for Aws {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Aws
    }

    fn key_screen(&self, wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
        key::render(wizard, theme, frame, area)
    }

    fn key_help(&self) -> (&'static str, &'static [(&'static str, &'static str)]) {
        (
            "Create a new key (in Region, under Alias), or use an existing one: found under the alias, or typed as an \
         ARN, key id or alias. Values are checked as you type.",
            &[
                ("↑ ↓", "choose"),
                ("Tab", "edit Region, then Alias"),
                ("Enter", "select; in a field, move on"),
                ("r", "look for existing keys again"),
                ("Esc ←", "leave the field / back"),
            ],
        )
    }

    fn permanence(&self) -> &'static str {
        "a new KMS key can only be scheduled for deletion (7 to 30 days), never removed at once"
    }
}
