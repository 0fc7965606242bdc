//! Step 3 for Azure: the Key Vault (those the signed-in identity can see) and the key's name.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::wizard::azure::{AzureKeyFocus, AzureKeyScreen, vaults};
use cmek_core::wizard::{Viewport, Wizard};

use crate::tui::theme::Theme;
use crate::tui::views::body::Body;
use crate::tui::views::field::FieldView;
use crate::tui::views::text;

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let width = usize::from(area.width);
    let Some(k) = wizard.key_screen().and_then(|k| k.downcast_ref::<AzureKeyScreen>()) else {
        return Viewport::default();
    };
    let vaults = vaults(wizard.cloud_overview());
    let mut body = Body::default();
    body.push(Line::from(Span::styled(" Which Key Vault?", theme.strong)));
    for (i, v) in vaults.iter().enumerate() {
        let selected = i == k.highlighted_vault() && k.focus() == AzureKeyFocus::Vaults;
        let marker = if i == k.highlighted_vault() { " ▸ " } else { "   " };
        let dot = if i == k.highlighted_vault() { "● " } else { "○ " };
        let add = |b: &mut Body| {
            b.push(Line::from(vec![
                Span::raw(marker),
                Span::raw(dot),
                Span::styled(v.name.clone(), if selected { theme.selected } else { theme.text }),
                Span::styled(format!("  {}  {}", v.location, v.uri.trim_end_matches('/')), theme.dim),
            ]))
        };
        if selected { body.focused(add) } else { add(&mut body) }
    }
    body.blank();
    body.push(Line::from(Span::styled(" Which key in it?", theme.strong)));
    FieldView {
        label: "Key name",
        label_width: 9,
        field: k.key_name(),
        focused: k.focus() == AzureKeyFocus::KeyName,
        placeholder: "anthropic-cmek",
        box_width: 40,
        mark_valid: true,
        suffix: None,
    }
    .add_to(&mut body, theme, width);
    body.blank();
    let vault = vaults.get(k.highlighted_vault()).map_or("the vault", |v| v.name.as_str());
    body.extend(text::hanging(
        vec![Span::styled(" › ", theme.dim)],
        &format!(
            "If {vault} has no key named {}, an RSA 3072 key is created with only wrapKey and unwrapKey and the \
             organisation tag; an existing one is checked, and its tags are merged, never replaced. The next step \
             checks the vault itself: access model, purge protection, network rules, Anthropic's access.",
            k.key_name().trimmed()
        ),
        theme.dim,
        width,
    ));
    body.draw(frame, area, theme, wizard.scroll())
}
