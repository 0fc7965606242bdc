//! Checks (loading, errors, expansion, blocking, stale plans) and the Plan screen (tabs,
//! scrolling, the apply confirmation).

use super::request_ticket;
use crate::error::Error;
use crate::plan::CheckStatus;
use crate::wizard::journey::Journey;
use crate::wizard::*;

fn at_checks() -> Journey {
    let j = Journey::to_checks(Some(0), false);
    assert_eq!(j.wizard.screen(), Screen::Checks);
    j
}

#[test]
fn checks_wait_for_the_plan_then_list_every_check() {
    let mut j = at_checks();
    assert!(j.wizard.checks().prepared().is_loading());
    assert_eq!(j.wizard.busy(), Some(Work::Plan));
    let plan = j.plan_ready(None);
    let counts = j.wizard.checks().counts();
    assert_eq!(counts.passed + counts.warned + counts.failed, plan.checks.len());
    assert_eq!(counts.blocking, 0);
    // The cursor starts on the first check that is not a pass (the workspace-in-use warning).
    let ChecksRow::Check(i) = j.wizard.checks().highlighted() else { panic!("cursor on a check") };
    assert_eq!(plan.checks[i].status, CheckStatus::Warn);
}

#[test]
fn enter_and_right_open_a_check_left_closes_it_then_goes_back() {
    let mut j = at_checks();
    j.plan_ready(None);
    j.press(KeyInput::Home);
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.checks().expanded(), Some(0));
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.checks().expanded(), None);
    j.press(KeyInput::Right);
    assert_eq!(j.wizard.checks().expanded(), Some(0));
    j.press(KeyInput::Left);
    assert_eq!(j.wizard.checks().expanded(), None);
    assert_eq!(j.wizard.screen(), Screen::Checks);
    j.press(KeyInput::Left);
    assert_eq!(j.wizard.screen(), Screen::Key);
}

#[test]
fn a_blocking_failure_stops_at_checks() {
    let mut j = Journey::start(Prefill::default());
    j.overview(true, false);
    j.choose_aws();
    j.choose_register_only();
    j.candidates(vec![crate::wizard::test_data::candidate()]);
    j.press_all(&[KeyInput::Down, KeyInput::Enter]);
    j.plan_ready(Some("console-wizard.json"));
    assert_eq!(j.wizard.checks().counts().blocking, 1);
    let ChecksRow::Check(i) = j.wizard.checks().highlighted() else { panic!() };
    assert_eq!(j.wizard.checks().plan().unwrap().checks[i].id, "AWS-08", "the cursor starts on the failure");
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    assert_eq!(j.wizard.screen(), Screen::Checks);
    let notice = &j.wizard.notice().unwrap().text;
    assert!(notice.starts_with("Blocked: 1 failed check must be fixed first"), "{notice}");
    assert!(notice.ends_with("Nothing has been changed."), "{notice}");
    // r checks again; back still works.
    assert!(matches!(j.press(KeyInput::Char('r')).as_slice(), [Intent::BuildPlan(..)]));
    j.press(KeyInput::Esc);
    assert_eq!(j.wizard.screen(), Screen::Key);
}

#[test]
fn a_plan_error_is_shown_and_can_be_retried() {
    let mut j = at_checks();
    j.plan_failed(
        Error::usage("workspace wrkspc_01SbxProduction7Kq2Vd was not found in this organisation")
            .with_hint("workspaces: staging (wrkspc_01SbxStaging4Rm8Tx)"),
    );
    assert!(j.wizard.checks().prepared().error().unwrap().message.contains("was not found"));
    let retry = j.press(KeyInput::Enter);
    assert!(matches!(retry.as_slice(), [Intent::BuildPlan(..)]));
    assert!(j.wizard.checks().prepared().is_loading());
}

#[test]
fn a_plan_for_answers_the_user_left_is_dropped() {
    let mut j = at_checks();
    let stale = j.awaited();
    assert_eq!(j.press(KeyInput::Esc), vec![Intent::Cancel(stale)]);
    assert_eq!(j.wizard.screen(), Screen::Key);
    let (facts, plan) = crate::wizard::test_data::prepared(&j.last_answers(), None);
    j.send(Msg::PlanReady(stale, Ok((facts, plan))));
    assert_eq!(j.wizard.screen(), Screen::Key);
    assert!(j.wizard.checks().plan().is_none(), "the stale plan was not stored");
    // Going forward again asks again, and only the new answer counts.
    let fresh = request_ticket(&j.press(KeyInput::Enter));
    assert_ne!(fresh, stale);
    j.plan_ready(None);
    assert!(j.wizard.checks().plan().is_some());
}

fn at_plan() -> Journey {
    let mut j = at_checks();
    j.plan_ready(None);
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    assert_eq!(j.wizard.screen(), Screen::Plan);
    j
}

#[test]
fn the_plan_screen_counts_changes_and_asks_before_applying() {
    let mut j = at_plan();
    let plan = j.wizard.checks().plan().unwrap().clone();
    assert_eq!(change_count(&plan), 4, "key, alias, rotation and register; validate is read-only, attach is gated");
    assert!(j.press(KeyInput::Enter).is_empty());
    assert_eq!(j.wizard.overlay(), Some(Overlay::ConfirmApply));
    assert!(j.press(KeyInput::Char('n')).is_empty());
    assert_eq!(j.wizard.overlay(), None);
    assert_eq!(j.wizard.screen(), Screen::Plan);
    j.press(KeyInput::Enter);
    let intents = j.press(KeyInput::Char('y'));
    match intents.as_slice() {
        [Intent::Apply(_, prepared)] => assert_eq!(prepared.1, plan),
        other => panic!("{other:?}"),
    }
    assert_eq!(j.wizard.screen(), Screen::Apply);
}

#[test]
fn the_policy_tab_scrolls_within_the_diff() {
    let mut j = at_plan();
    assert_eq!(j.wizard.review().tab(), PlanTab::Steps);
    j.press(KeyInput::Down);
    assert_eq!(j.wizard.review().scroll(), 0, "the steps tab does not scroll");
    j.press(KeyInput::Tab);
    assert_eq!(j.wizard.review().tab(), PlanTab::Policy);
    let lines = policy_change(j.wizard.checks().plan().unwrap()).unwrap().diff.lines.len();
    let max = lines - policy_rows(24);
    assert_eq!(j.wizard.max_policy_scroll(), max);
    j.press(KeyInput::Down);
    assert_eq!(j.wizard.review().scroll(), 1);
    j.press(KeyInput::End);
    assert_eq!(j.wizard.review().scroll(), max);
    j.press(KeyInput::Down);
    assert_eq!(j.wizard.review().scroll(), max, "never past the last page");
    j.press(KeyInput::Up);
    assert_eq!(j.wizard.review().scroll(), max - 1, "every key moves the view");
    j.send(Msg::Resize { width: 120, height: 40 });
    assert_eq!(j.wizard.review().scroll(), lines - policy_rows(40));
    j.press(KeyInput::Home);
    assert_eq!(j.wizard.review().scroll(), 0);
}

#[test]
fn back_from_the_plan_returns_to_checks() {
    let mut j = at_plan();
    j.press(KeyInput::Esc);
    assert_eq!(j.wizard.screen(), Screen::Checks);
    j.press(KeyInput::Esc);
    assert_eq!(j.wizard.screen(), Screen::Key);
    j.press(KeyInput::Esc);
    assert_eq!(j.wizard.screen(), Screen::Workspace);
}
