//! Every state a long random walk reaches is drawn at several sizes, tiny ones included: the
//! views must never panic, whatever the wizard holds.

use super::draw_buffer;
use crate::tui::theme::Theme;
use cmek_core::wizard::simulate::walk;

#[test]
fn random_states_render_at_any_size() {
    let sizes = [(80, 24), (120, 40), (81, 25), (200, 50), (1, 1), (0, 0), (79, 24), (80, 200)];
    let themes = [Theme::default(), Theme::no_color()];
    let mut drawn = 0;
    for seed in 100..104u64 {
        let mut step = 0usize;
        walk(seed, 1_500, |_, _, _, after| {
            step += 1;
            let (w, h) = sizes[step % sizes.len()];
            draw_buffer(after, &themes[step % 2], w, h);
            drawn += 1;
        });
    }
    assert_eq!(drawn, 6_000);
}
