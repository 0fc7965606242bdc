//! The wizard's Google Cloud KMS screens: the Key screen (project, US region, key ring, and a new
//! key or one the ring already holds).

mod key;

use cmek_core::model::ProviderKind;
use cmek_core::wizard::{Viewport, Wizard};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::clouds::CloudViews;
use crate::tui::theme::Theme;

pub struct Gcp;

impl CloudViews for Gcp {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Gcp
    }

    fn key_screen(&self, wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
        key::render(wizard, theme, frame, area)
    }

    fn key_help(&self) -> (&'static str, &'static [(&'static str, &'static str)]) {
        (
            "Choose the project, the US region and the key ring, then create a new key (HSM, ENCRYPT_DECRYPT, rotated \
             every 90 days, the organisation label) or pick one the ring already holds. A missing key ring is created; \
             an existing key is checked and its labels merged, never replaced.",
            &[
                ("↑ ↓", "choose a key (new, or one in the ring)"),
                ("Tab", "the fields: project, region, key ring, key id"),
                ("← →", "on the region: another US region"),
                ("r", "look at the key ring again"),
                ("Enter", "check the key"),
                ("Esc ←", "leave the field / back"),
            ],
        )
    }

    fn permanence(&self) -> &'static str {
        "Cloud KMS key rings and keys can never be deleted (only a key's versions can be destroyed, after a waiting \
         period)"
    }
}
