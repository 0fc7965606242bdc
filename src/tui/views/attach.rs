//! Step 8: what attaching makes permanent, the ids involved, and the confirmation field where the
//! workspace's name must be typed exactly; a mismatch is said, not acted on.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::wizard::{Viewport, Wizard, Work};

use super::super::theme::Theme;
use super::body::Body;
use super::field::FieldView;
use super::text;

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let width = usize::from(area.width);
    let Some(offer) = wizard.attach_offer() else { return Viewport::default() };
    let attach = wizard.attach_screen();
    let name = &offer.workspace_name;
    let mut body = Body::default();
    body.push(Line::from(vec![
        Span::styled(" Attach the key to workspace ", theme.strong),
        Span::styled(name.clone(), theme.accent),
        Span::styled("?", theme.strong),
    ]));
    if !offer.then.is_empty() {
        body.extend(text::indented(
            1,
            &format!("Then: {} (each confirmed on its own; Esc skips this one).", offer.then.join(", ")),
            theme.dim,
            width,
        ));
    }
    body.push(Line::from(Span::styled(" This is permanent:", theme.permanent)));
    let mut points = vec![
        format!("the key can never be detached from {name} or replaced by another key;"),
        format!("{name}'s data-retention setting becomes locked;"),
    ];
    points.push(if offer.workspace_is_new {
        format!("{name} is new: everything written to it is protected.")
    } else {
        format!(
            "{name} already exists: if it serves traffic, the key takes effect within a day and older data \
             stays under Anthropic-managed keys."
        )
    });
    for p in points {
        body.extend(text::hanging(vec![Span::raw("   • ")], &p, theme.text, width));
    }
    body.blank();
    body.extend(text::field_line("external key", 12, &offer.external_key_id, theme.text, theme, width));
    body.extend(text::field_line(
        "workspace",
        12,
        &format!("{name} ({})", offer.workspace_id),
        theme.text,
        theme,
        width,
    ));
    body.push(Line::from(vec![
        Span::styled(" Type the workspace's name to attach: ", theme.text),
        Span::styled(name.clone(), theme.strong),
    ]));
    let typed = attach.typed();
    let attaching = wizard.busy() == Some(Work::Attach);
    body.focused(|b| {
        let matches = typed.value() == name.as_str();
        FieldView {
            label: "Name",
            label_width: 5,
            field: typed,
            focused: !attaching,
            placeholder: "",
            box_width: 42,
            mark_valid: false,
            suffix: matches.then_some(("✓ matches", theme.good)),
        }
        .add_to(b, theme, width);
        if let Some(why) = attach.refusal() {
            b.extend(text::hanging(vec![Span::styled("   ✗ ".to_string(), theme.bad)], why, theme.bad, width));
        }
        if attaching {
            b.push(Line::from(Span::styled(
                format!("   {} attaching {} to {name}", text::spinner(wizard.spinner_frame()), offer.external_key_id),
                theme.warn,
            )));
        }
        if let Some(e) = attach.error() {
            b.extend(text::error_lines("Not attached", e, theme, width));
            b.extend(text::indented(4, "Enter tries again; Esc skips attaching.", theme.dim, width));
        }
    });
    body.extend(text::indented(
        1,
        "Esc skips: the key stays registered and validated; it can be attached later.",
        theme.dim,
        width,
    ));
    body.draw(frame, area, theme, wizard.scroll())
}
