//! Help, the quit confirmation, and the "terminal too small" notice.

use super::{buffer_text, draw_buffer, snap};
use crate::tui::theme::Theme;
use cmek_core::wizard::journey::Journey;
use cmek_core::wizard::*;

#[test]
fn help_on_the_key_screen() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    j.choose_workspace(0);
    j.candidates(vec![]);
    j.press(KeyInput::Char('?'));
    snap("help_key", &j.wizard);
}

#[test]
fn quit_confirmation_while_applying() {
    let (mut j, _) = Journey::to_apply(Some(0), false);
    j.press(KeyInput::Char('q'));
    snap("quit_while_applying", &j.wizard);
}

#[test]
fn quit_confirmation_while_loading() {
    let mut j = Journey::start(Prefill::default());
    j.press(KeyInput::CtrlC);
    snap("quit_while_loading", &j.wizard);
}

#[test]
fn terminal_too_small() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    let text = buffer_text(&draw_buffer(&j.wizard, &Theme::default(), 60, 20));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!("too_small_60x20", text));
    assert!(buffer_text(&draw_buffer(&j.wizard, &Theme::default(), 80, 23)).contains("needs 80x24"));
    j.send(Msg::Resize { width: 79, height: 24 });
    assert!(buffer_text(&draw_buffer(&j.wizard, &Theme::default(), 79, 24)).contains("It is 79x24"));
}
