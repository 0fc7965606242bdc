//! Keys shared by every screen: help, quit (and when it asks first), Ctrl-C, the size guard.

use crate::wizard::journey::Journey;
use crate::wizard::*;

#[test]
fn question_mark_toggles_help_for_the_current_screen() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.press(KeyInput::Char('?'));
    assert_eq!(j.wizard.overlay(), Some(Overlay::Help));
    assert_eq!(j.wizard.hints()[0].action, "close help");
    j.press(KeyInput::Down);
    assert_eq!(j.wizard.welcome().highlighted(), crate::model::ProviderKind::Aws, "help takes the keys");
    j.press(KeyInput::Char('?'));
    assert_eq!(j.wizard.overlay(), None);
    j.press(KeyInput::Char('?'));
    j.press(KeyInput::Esc);
    assert_eq!(j.wizard.overlay(), None);
}

#[test]
fn q_quits_at_once_when_nothing_is_at_stake() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    assert_eq!(j.press(KeyInput::Char('q')), vec![Intent::Exit { code: 130 }]);
    assert!(j.wizard.is_finished());
    assert!(j.send(Msg::Tick).is_empty());
}

#[test]
fn q_asks_first_while_work_is_in_flight() {
    let mut j = Journey::start(Prefill::default());
    let t = j.awaited();
    assert!(j.press(KeyInput::Char('q')).is_empty());
    assert_eq!(j.wizard.overlay(), Some(Overlay::ConfirmQuit));
    assert_eq!(j.press(KeyInput::Char('y')), vec![Intent::Cancel(t), Intent::Exit { code: 130 }]);
}

#[test]
fn q_asks_first_once_something_was_changed() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    j.press(KeyInput::Enter);
    j.type_text("analytics");
    let intents = j.press(KeyInput::Enter);
    let [Intent::CreateWorkspace(t, _)] = intents.as_slice() else { panic!() };
    j.send(Msg::WorkspaceCreated(*t, Ok(crate::wizard::test_data::new_workspace())));
    j.candidates(vec![]);
    assert!(j.press(KeyInput::Char('q')).is_empty());
    assert_eq!(j.wizard.overlay(), Some(Overlay::ConfirmQuit));
    j.press(KeyInput::Esc);
    assert_eq!(j.wizard.overlay(), None);
}

#[test]
fn ctrl_c_quits_even_while_typing_and_twice_forces_it() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    j.press(KeyInput::Enter);
    assert!(j.wizard.is_typing());
    assert_eq!(j.press(KeyInput::CtrlC), vec![Intent::Exit { code: 130 }]);

    let mut j = Journey::start(Prefill::default());
    let t = j.awaited();
    assert!(j.press(KeyInput::CtrlC).is_empty());
    assert_eq!(j.press(KeyInput::CtrlC), vec![Intent::Cancel(t), Intent::Exit { code: 130 }]);
}

#[test]
fn a_terminal_below_80x24_takes_only_q() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.send(Msg::Resize { width: 79, height: 30 });
    assert!(j.wizard.is_too_small());
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.screen(), Screen::Welcome, "keys the user cannot see the effect of are ignored");
    assert_eq!(j.wizard.hints().len(), 1);
    j.send(Msg::Resize { width: 80, height: 24 });
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.screen(), Screen::Workspace);
    j.send(Msg::Resize { width: 100, height: 23 });
    assert_eq!(j.press(KeyInput::Char('q')), vec![Intent::Exit { code: 130 }]);
}

#[test]
fn every_screen_has_a_step_indicator_and_footer_hints() {
    for (n, screen) in Screen::ALL.iter().enumerate() {
        assert_eq!(screen.indicator(), format!("Step {} of 9: {}", n + 1, screen.title()));
    }
    let (mut j, _) = Journey::validated_for_production();
    assert!(!j.wizard.hints().is_empty());
    j.press(KeyInput::Enter);
    assert!(j.wizard.hints().iter().any(|h| h.keys == "Esc" && h.action == "skip"));
}
