//! Each cloud's own screens, one registration line each (`all`): its Key screen (in its folder,
//! `views/aws`, `views/azure`), that screen's help, and what Welcome says about undoing a key it
//! creates.

use cmek_core::model::ProviderKind;
use cmek_core::wizard::{Viewport, Wizard};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::super::theme::Theme;

/// One cloud's screens.
pub trait CloudViews: Sync {
    fn kind(&self) -> ProviderKind;

    /// Draws the cloud's Key screen.
    fn key_screen(&self, wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport;

    /// The Key screen's help: what it is for, then (keys, what they do).
    fn key_help(&self) -> (&'static str, &'static [(&'static str, &'static str)]);

    /// How a key this cloud creates can (not) be undone, for Welcome's "Permanent" paragraph.
    fn permanence(&self) -> &'static str;
}

pub fn all() -> &'static [&'static dyn CloudViews] {
    &[&super::aws::Aws, &super::gcp::Gcp, &super::azure::Azure]
}

pub fn get(kind: ProviderKind) -> Option<&'static dyn CloudViews> {
    all().iter().copied().find(|c| c.kind() == kind)
}
