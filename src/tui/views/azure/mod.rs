//! The wizard's Azure Key Vault screens: the Key screen (the vault, and the key's name in it).

mod key;

use cmek_core::model::ProviderKind;
use cmek_core::wizard::{Viewport, Wizard};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::clouds::CloudViews;
use crate::tui::theme::Theme;

pub struct Azure;

impl CloudViews for Azure {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Azure
    }

    fn key_screen(&self, wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
        key::render(wizard, theme, frame, area)
    }

    fn key_help(&self) -> (&'static str, &'static [(&'static str, &'static str)]) {
        (
            "Choose the Key Vault (those your Azure sign-in can see) and the key's name in it. A missing key is \
         created (RSA 3072, wrapKey and unwrapKey only, the organisation tag); an existing one is checked and its \
         tags merged.",
            &[
                ("↑ ↓", "choose a vault"),
                ("Tab", "edit the key name, then back to the vaults"),
                ("Enter", "check the vault and key"),
                ("Esc ←", "leave the field / back"),
            ],
        )
    }

    fn permanence(&self) -> &'static str {
        "a deleted Key Vault key stays recoverable for the vault's retention period"
    }
}
