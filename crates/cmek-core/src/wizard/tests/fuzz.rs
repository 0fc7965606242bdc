//! Long pseudo-random walks through `update`, with and without results: no panic, and the
//! invariants that make the wizard safe hold after every message.

use crate::wizard::simulate::{ticket_of, walk};
use crate::wizard::*;

#[derive(Default)]
struct Seen {
    screens: std::collections::BTreeSet<usize>,
    attaches: usize,
    applies: usize,
    exits: usize,
}

fn check(before: &Wizard, msg: &Msg, out: &[Intent], after: &Wizard, max_ticket: &mut u64, seen: &mut Seen) {
    seen.screens.insert(after.screen().number());
    if before.is_finished() {
        assert!(out.is_empty(), "nothing after exit: {out:?}");
    }
    for (i, intent) in out.iter().enumerate() {
        if let Some(t) = ticket_of(intent) {
            assert!(t.0 > *max_ticket, "every request gets a fresh ticket: {intent:?}");
            *max_ticket = t.0;
        }
        match intent {
            Intent::Attach { workspace_id, workspace_name, external_key_id, .. } => {
                seen.attaches += 1;
                assert_eq!(key_of(msg), Some(KeyInput::Enter), "attach only on Enter");
                assert_eq!(before.screen(), Screen::Attach);
                assert_eq!(
                    before.attach_screen().typed().value(),
                    workspace_name,
                    "attach only with the exact name typed"
                );
                assert_eq!(before.validation(), Some(Validation::Passed), "attach only a validated key");
                let offer = before.attach_offer().unwrap();
                assert_eq!((&offer.workspace_id, &offer.external_key_id), (workspace_id, external_key_id));
            }
            Intent::Apply(_, prepared) => {
                seen.applies += 1;
                assert_eq!(before.overlay(), Some(Overlay::ConfirmApply), "apply only after the y/n question");
                assert!(matches!(key_of(msg), Some(KeyInput::Char('y' | 'Y'))));
                assert!(prepared.1.blocking_failures().is_empty(), "never apply a blocked plan");
            }
            Intent::BuildPlan(_, answers) => assert!(answers.confirm_attach.is_empty()),
            Intent::CreateWorkspace(_, name) => {
                let n = name.chars().count();
                assert!((1..=MAX_WORKSPACE_NAME).contains(&n), "{name:?}");
                let existing = before.overview().map(|o| o.workspaces.iter().any(|w| &w.name == name));
                assert_eq!(existing, Some(false), "no duplicate names: {name}");
            }
            Intent::Exit { code } => {
                seen.exits += 1;
                assert_eq!(i, out.len() - 1, "exit comes last");
                assert!([0, 1, 130].contains(code));
                assert!(after.is_finished());
            }
            Intent::LoadOverview(_) | Intent::Ask(..) | Intent::Cancel(_) | Intent::StopWaiting(_) => {}
        }
    }
    assert!(!after.hints().is_empty());
    if after.screen() == Screen::Attach {
        assert!(after.attach_offer().is_some(), "the Attach screen only with something to attach");
    }
    if let Some(o) = after.overview() {
        let rows = WorkspaceState::rows(o);
        assert!(rows.contains(&after.workspace_screen().highlighted()));
    }
    if let Some(k) = after.key_screen().and_then(|k| k.downcast_ref::<crate::wizard::aws::AwsKeyScreen>()) {
        assert!(k.rows().contains(&k.highlighted()));
    }
    if after.checks().plan().is_some() {
        assert!(after.checks().rows().contains(&after.checks().highlighted()));
    }
    assert!(after.review().scroll() <= after.max_policy_scroll());
    let back = matches!(key_of(msg), Some(KeyInput::Esc | KeyInput::Left));
    if back && before.overlay().is_none() && !before.is_too_small() {
        // Once changes have started, back is not offered.
        if before.screen() == Screen::Validate || before.busy() == Some(Work::Apply) {
            assert_eq!(after.screen(), before.screen());
        }
    }
}

fn key_of(msg: &Msg) -> Option<KeyInput> {
    match msg {
        Msg::Key(k) => Some(*k),
        _ => None,
    }
}

#[test]
fn long_random_walks_never_panic_and_keep_the_invariants() {
    let mut seen = Seen::default();
    for seed in 1..=12u64 {
        let mut max_ticket = 0;
        walk(seed, 6_000, |before, msg, out, after| {
            check(before, msg, out, after, &mut max_ticket, &mut seen);
            if after.is_finished() {
                // A new wizard starts after an exit, and its tickets start again.
                max_ticket = 0;
            }
        });
    }
    // The walks reach deep into the flow, so the invariants were really exercised.
    assert_eq!(seen.screens.len(), 9, "every screen was visited: {:?}", seen.screens);
    assert!(seen.applies > 10, "applies: {}", seen.applies);
    assert!(seen.attaches > 2, "attaches: {}", seen.attaches);
    assert!(seen.exits > 5, "exits: {}", seen.exits);
}

#[test]
fn keys_alone_never_panic() {
    // No results ever arrive: every screen that waits must still take every key.
    let keys = [
        KeyInput::Enter,
        KeyInput::Esc,
        KeyInput::Down,
        KeyInput::Up,
        KeyInput::Tab,
        KeyInput::Char('y'),
        KeyInput::Char('?'),
        KeyInput::Backspace,
    ];
    let (mut w, _) = Wizard::new(Prefill::default());
    let mut rng = crate::wizard::simulate::Rng::new(7);
    for _ in 0..5_000 {
        let out = w.update(Msg::Key(rng.pick(&keys)));
        assert!(out.iter().all(|i| !matches!(i, Intent::Apply(..) | Intent::Attach { .. })));
    }
    assert_eq!(w.screen(), Screen::Welcome, "nothing loaded, so nothing moved on");
}
