//! What does not fit at 80x24 scrolls: the longest Azure plan to its last step (keys and wheel),
//! the apply question whole with its y/n, the footer keeping a consent's key, and a help that
//! lists only keys that do something where it is opened.

use super::{buffer_text, snap};
use crate::tui::theme::Theme;
use crate::tui::views::render;
use cmek_core::plan::azure::fixtures;
use cmek_core::wizard::journey::Journey;
use cmek_core::wizard::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Draws at `width` x `height` and tells the wizard what was drawn, as the runtime does.
fn show(j: &mut Journey, width: u16, height: u16) -> String {
    j.send(Msg::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    for _ in 0..2 {
        let mut drawn = j.wizard.viewport();
        terminal.draw(|frame| drawn = render(&j.wizard, &Theme::default(), frame)).unwrap();
        if drawn == j.wizard.viewport() {
            break;
        }
        j.send(Msg::Viewport(drawn));
    }
    buffer_text(terminal.backend().buffer())
}

/// The longest Azure plan the scenarios produce: consent, the firewall to fix (a missing range, a
/// retired address), purge protection to confirm, the key, the role, registration, validation,
/// and the attach step.
fn longest_azure_plan() -> Journey {
    let mut j = Journey::to_azure_checks(0);
    let mut azure = fixtures::sandbox();
    azure.vault.purge_protection = Some(false);
    azure.vault.ip_rules = vec!["34.162.102.82/32".into(), "203.0.113.10/32".into()];
    j.azure_plan_ready(azure);
    j.press_all(&[KeyInput::End, KeyInput::Enter]);
    assert_eq!(j.wizard.screen(), Screen::Plan);
    j
}

#[test]
fn the_longest_azure_plan_scrolls_to_its_last_step_at_80x24() {
    let mut j = longest_azure_plan();
    let top = show(&mut j, 80, 24);
    assert!(top.contains("more") && !top.contains("attach the key"), "the plan overflows:\n{top}");
    assert!(top.contains("PgUp/Dn scroll"), "the footer says how to see the rest:\n{top}");
    snap("azure_plan_longest", &j.wizard);

    j.press(KeyInput::End);
    let bottom = show(&mut j, 80, 24);
    assert!(bottom.contains("attach the key to workspace"), "the attach step is reachable:\n{bottom}");
    assert!(bottom.contains("Enter applies after a y/n question"), "{bottom}");
    assert!(bottom.contains("↑") && bottom.contains("more"), "and says what is above:\n{bottom}");
    snap("azure_plan_longest_end", &j.wizard);

    // Page by page, the arrows and the wheel get there too, and back.
    j.press(KeyInput::Home);
    assert_eq!(show(&mut j, 80, 24), top);
    for _ in 0..10 {
        j.press(KeyInput::PageDown);
        show(&mut j, 80, 24);
    }
    assert_eq!(show(&mut j, 80, 24), bottom, "PgDn stops at the last line");
    j.press(KeyInput::PageUp);
    assert_ne!(show(&mut j, 80, 24), bottom, "one PgUp moves at once, however often PgDn was pressed");
    j.press(KeyInput::Home);
    for _ in 0..20 {
        j.press(KeyInput::WheelDown);
        show(&mut j, 80, 24);
    }
    assert_eq!(show(&mut j, 80, 24), bottom, "the wheel reaches the end");
    for _ in 0..40 {
        j.press(KeyInput::Up);
    }
    assert_eq!(show(&mut j, 80, 24), top, "the arrows scroll back to the top");
}

#[test]
fn the_apply_question_shows_whole_with_its_answer_keys_at_80x24() {
    let mut j = longest_azure_plan();
    j.press(KeyInput::Enter);
    assert_eq!(j.wizard.overlay(), Some(Overlay::ConfirmApply));
    let screen = show(&mut j, 80, 24);
    assert!(screen.contains("y apply") && screen.contains("n / Esc not now"), "{screen}");
    assert!(screen.contains("Apply these"), "{screen}");
    assert!(screen.contains("Attaching is not part of this"), "the attach is explicitly left out:\n{screen}");
    // Every step that is hard to undo is named: the key creation here.
    assert!(screen.contains("create an RSA 3072-bit key"), "{screen}");
    snap("azure_plan_confirm_apply", &j.wizard);
}

#[test]
fn a_consents_key_stays_in_the_footer_at_80_columns() {
    let mut j = Journey::to_checks(Some(0), false);
    j.plan_ready(Some("console-wizard.json"));
    let screen = show(&mut j, 80, 24);
    let footer = screen.lines().rfind(|l| !l.is_empty()).unwrap().to_string();
    assert!(footer.contains("g replace Anthropic's grants"), "{footer}");
    assert!(footer.contains("Esc back") && footer.contains("? help"), "{footer}");
}

/// Each key the help lists, as key presses (`wheel` is a notch down).
fn keys_of(label: &str) -> Vec<KeyInput> {
    label
        .split([' ', ','])
        .filter(|t| !t.is_empty())
        .flat_map(|t| match t {
            "↑" => vec![KeyInput::Up],
            "↓" => vec![KeyInput::Down],
            "↑↓" => vec![KeyInput::Up, KeyInput::Down],
            "←" => vec![KeyInput::Left],
            "→" => vec![KeyInput::Right],
            "Enter" => vec![KeyInput::Enter],
            "Esc" => vec![KeyInput::Esc],
            "Tab" => vec![KeyInput::Tab],
            "PgUp" => vec![KeyInput::PageUp],
            "PgDn" => vec![KeyInput::PageDown],
            "Home" => vec![KeyInput::Home],
            "End" => vec![KeyInput::End],
            "wheel" => vec![KeyInput::WheelDown],
            one if one.chars().count() == 1 => vec![KeyInput::Char(one.chars().next().unwrap())],
            other => panic!("the help names a key the test does not know: {other}"),
        })
        .collect()
}

/// True when `key` changes the wizard or asks the runtime for something.
fn does_something(j: &Journey, key: KeyInput) -> bool {
    let mut pressed = Journey { wizard: j.wizard.clone(), history: Vec::new() };
    let before = format!("{:?}", pressed.wizard);
    let intents = pressed.press(key);
    !intents.is_empty() || format!("{:?}", pressed.wizard) != before
}

/// The states to check: every screen, with the variations that change its keys.
fn states() -> Vec<(&'static str, Journey)> {
    let mut out = Vec::new();
    let mut welcome = Journey::start(Prefill::default());
    welcome.overview(true, false);
    out.push(("welcome", welcome));
    let mut workspace = Journey::start(Prefill::default());
    workspace.overview(true, false);
    workspace.choose_aws();
    out.push(("workspace", workspace));
    let mut checks = Journey::to_checks(Some(0), false);
    checks.plan_ready(Some("console-wizard.json"));
    out.push(("checks with a consent", checks));
    let mut aws_plan = Journey::to_checks(Some(0), false);
    aws_plan.plan_ready(None);
    aws_plan.press_all(&[KeyInput::End, KeyInput::Enter]);
    out.push(("aws plan steps", aws_plan));
    let mut policy = Journey::to_checks(Some(0), false);
    policy.plan_ready(None);
    policy.press_all(&[KeyInput::End, KeyInput::Enter, KeyInput::Tab]);
    out.push(("aws plan policy", policy));
    out.push(("azure plan with a confirmation", longest_azure_plan()));
    let (applying, _) = Journey::to_apply(Some(0), false);
    out.push(("applying", applying));
    let (validated, _) = Journey::validated_for_production();
    out.push(("validated", validated));
    let (mut failed, plan) = Journey::to_apply(Some(0), false);
    failed.applied(cmek_core::wizard::test_data::validation_failed_report(&plan));
    out.push(("validation failed", failed));
    // Attach is left out: its name field takes every letter, `?` included (Ctrl-C still quits).
    out
}

#[test]
fn the_help_lists_only_keys_that_do_something_there() {
    for (name, mut j) in states() {
        // Enough to scroll in both directions, as on a small terminal.
        j.send(Msg::Viewport(Viewport { offset: 5, rows: 10, total: 40 }));
        j.press(KeyInput::Char('?'));
        assert_eq!(j.wizard.overlay(), Some(Overlay::Help), "{name}");
        let help = show(&mut j, 120, 40);
        j.press(KeyInput::Esc);
        // The box's rows; the keys come after the paragraph and its blank row, one per row
        // (a wrapped description continues indented).
        let rows: Vec<&str> = help.lines().filter_map(|l| l.split('│').nth(1)).collect();
        let labels: Vec<String> = rows
            .iter()
            .skip_while(|r| !r.trim().is_empty())
            .filter_map(|r| r.strip_prefix(' '))
            .filter(|r| !r.is_empty() && !r.starts_with(' '))
            .map(|r| r.split("  ").next().unwrap().trim().to_string())
            .filter(|k| !["?", "q", "Ctrl-C"].contains(&k.as_str()))
            .collect();
        assert!(!labels.is_empty(), "{name}: no keys read from\n{help}");
        for label in labels {
            // At one end of a list or a text one direction rightly does nothing: of each pair
            // (↑ ↓, PgUp PgDn, Home End) one must work; every other key must.
            let keys = keys_of(&label);
            let pairs = [
                [KeyInput::Up, KeyInput::Down],
                [KeyInput::PageUp, KeyInput::PageDown],
                [KeyInput::Home, KeyInput::End],
            ];
            for pair in pairs.iter().filter(|p| p.iter().any(|k| keys.contains(k))) {
                assert!(
                    pair.iter().filter(|k| keys.contains(k)).any(|k| does_something(&j, *k)),
                    "{name}: help lists {label} but neither of {pair:?} does anything\n{help}"
                );
            }
            for key in keys.iter().filter(|k| !pairs.iter().flatten().any(|p| p == *k)) {
                assert!(does_something(&j, *key), "{name}: help lists {label} but {key:?} does nothing\n{help}");
            }
        }
    }
}

#[test]
fn every_help_fits_at_80x24() {
    for (name, mut j) in states() {
        j.press(KeyInput::Char('?'));
        let help = show(&mut j, 80, 24);
        assert!(help.contains("Ctrl-C  ") || help.contains("Ctrl-C "), "{name}: the help is cut:\n{help}");
        assert!(help.contains('└'), "{name}: the box is closed:\n{help}");
    }
}
