//! Colour carries meaning (added green, removed red, failures red) and NO_COLOR keeps the text.

use ratatui::style::{Color, Modifier};

use super::{buffer_text, draw_buffer};
use crate::tui::theme::Theme;
use cmek_core::wizard::journey::Journey;
use cmek_core::wizard::*;

fn policy_tab() -> Journey {
    let mut j = Journey::to_checks(Some(0), false);
    j.plan_ready(None);
    j.press_all(&[KeyInput::End, KeyInput::Enter, KeyInput::Tab]);
    j
}

#[test]
fn added_policy_lines_are_green_and_plain_without_colour() {
    let j = policy_tab();
    let buffer = draw_buffer(&j.wizard, &Theme::default(), 80, 24);
    let text = buffer_text(&buffer);
    let row = text.lines().position(|l| l.contains("+   \"Version\"")).expect("the diff is shown") as u16;
    let x = text.lines().nth(row as usize).unwrap().find('+').unwrap() as u16;
    assert_eq!(buffer[(x, row)].fg, Color::Green);

    let plain = draw_buffer(&j.wizard, &Theme::no_color(), 80, 24);
    assert_eq!(buffer_text(&plain), text, "the same words without colour");
    for y in 0..24 {
        for x in 0..80 {
            let cell = &plain[(x, y)];
            assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "no colour at {x},{y}");
        }
    }
    // The highlighted tab is still marked, by reverse video.
    assert!((0..80).any(|x| plain[(x, 3)].modifier.contains(Modifier::REVERSED)));
}
