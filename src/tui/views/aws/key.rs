//! Step 3: the region and alias (validated as typed), then the key: create a new one, one of
//! the candidates found under the alias, or a typed ARN, key id or alias.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use cmek_core::model::aws::AwsKeyState;
use cmek_core::wizard::aws::{AwsKeyScreen, KeyFocus, KeyRow};
use cmek_core::wizard::{Load, Viewport, Wizard};

use crate::tui::theme::Theme;
use crate::tui::views::body::Body;
use crate::tui::views::field::FieldView;
use crate::tui::views::text;

pub fn render(wizard: &Wizard, theme: &Theme, frame: &mut Frame, area: Rect) -> Viewport {
    let width = usize::from(area.width);
    let Some(k) = wizard.key_screen().and_then(|k| k.downcast_ref::<AwsKeyScreen>()) else {
        return Viewport::default();
    };
    let mut body = Body::default();
    body.push(Line::from(Span::styled(" Where the key lives", theme.strong)));
    for (label, field, focus, placeholder) in [
        ("Region", k.region(), KeyFocus::Region, "a US region, e.g. us-east-2"),
        ("Alias", k.alias(), KeyFocus::Alias, "alias/anthropic-cmek"),
    ] {
        FieldView {
            label,
            label_width: 7,
            field,
            focused: k.focus() == focus,
            placeholder,
            box_width: 40,
            mark_valid: true,
            suffix: None,
        }
        .add_to(&mut body, theme, width);
    }
    body.blank();
    body.push(Line::from(Span::styled(" Which key?", theme.strong)));
    for row in k.rows() {
        let selected = row == k.highlighted();
        let add = |b: &mut Body| add_row(k, theme, b, row, selected, width);
        if selected { body.focused(add) } else { add(&mut body) }
    }
    add_lookup_status(wizard, k, theme, &mut body, width);
    body.blank();
    body.extend(text::hanging(vec![Span::styled(" › ", theme.dim)], &explain(k), theme.dim, width));
    body.draw(frame, area, theme, wizard.scroll())
}

fn add_row(k: &AwsKeyScreen, theme: &Theme, body: &mut Body, row: KeyRow, selected: bool, width: usize) {
    let marker = if selected { " ▸ " } else { "   " };
    let dot = if selected { "● " } else { "○ " };
    let style = if selected { theme.selected } else { theme.text };
    match row {
        KeyRow::CreateNew => body.push(Line::from(vec![
            Span::raw(marker),
            Span::raw(dot),
            Span::styled("Create a new key", style),
            Span::styled("  symmetric, single-Region, automatic rotation", theme.dim),
        ])),
        KeyRow::Candidate(i) => {
            let Some(c) = k.candidates().ready().and_then(|c| c.get(i)) else { return };
            let name = c.alias.as_ref().map_or_else(|| "(no alias)".to_string(), ToString::to_string);
            let id = c.arn.key_id().map_or_else(|| c.arn.to_string(), |id| format!("key {id}"));
            let state_style = if c.state == AwsKeyState::Enabled { theme.good } else { theme.bad };
            body.push(Line::from(vec![
                Span::raw(marker),
                Span::raw(dot),
                Span::styled(name, style),
                Span::styled(format!(" → {id} "), theme.dim),
                Span::styled(c.state.as_str().to_string(), state_style),
            ]));
            body.extend(text::indented(7, &c.note, theme.dim, width));
        }
        KeyRow::Typed => {
            body.push(Line::from(vec![Span::raw(marker), Span::raw(dot), Span::styled("Another existing key", style)]));
            if selected || k.focus() == KeyFocus::Typed || !k.typed().value().is_empty() {
                FieldView {
                    label: "     Key",
                    label_width: 8,
                    field: k.typed(),
                    focused: k.focus() == KeyFocus::Typed,
                    placeholder: "press Enter, then type an ARN, key id or alias/...",
                    box_width: 56,
                    mark_valid: true,
                    suffix: None,
                }
                .add_to(body, theme, width);
            }
        }
    }
}

fn add_lookup_status(wizard: &Wizard, k: &AwsKeyScreen, theme: &Theme, body: &mut Body, width: usize) {
    let (region, alias) = match k.asked_for() {
        Some((r, a)) => (r.to_string(), a.to_string()),
        None => return,
    };
    if k.region().trimmed() != region || k.alias().trimmed() != alias {
        // The fields changed since the lookup: what it found no longer applies.
        return;
    }
    match k.candidates() {
        Load::Loading => body.push(Line::from(Span::styled(
            format!("   {} looking for a key named {alias} in {region}", text::spinner(wizard.spinner_frame())),
            theme.warn,
        ))),
        Load::Ready(found) if found.is_empty() => body.extend(text::indented(
            3,
            &format!("No key is named {alias} in {region}; a new key gets that alias."),
            theme.dim,
            width,
        )),
        Load::Failed(e) => {
            body.extend(text::error_lines("Existing keys could not be looked up", e, theme, width));
            body.extend(text::indented(4, "r tries again; creating a new key still works.", theme.dim, width));
        }
        _ => {}
    }
}

fn explain(k: &AwsKeyScreen) -> String {
    let region = k.region().trimmed();
    let alias = k.alias().trimmed();
    if !(k.region().is_valid() && k.alias().is_valid()) {
        return "Region and Alias must be valid first: Tab moves there.".into();
    }
    match k.highlighted() {
        KeyRow::CreateNew => match k.alias_taken_by() {
            Some(_) => {
                format!("{alias} already names an existing key (listed above): choose it, or type another alias.")
            }
            None => format!(
                "Creates a key in {region} with the Anthropic key policy and alias {alias} when you apply the plan. \
                 Once created, a key can only be scheduled for deletion."
            ),
        },
        KeyRow::Candidate(i) => match k.candidates().ready().and_then(|c| c.get(i)) {
            Some(c) => format!("Its key policy is merged, not replaced: your statements stay. Key: {}", c.arn),
            None => String::new(),
        },
        KeyRow::Typed => "Type the key's ARN, its key id (looked up in Region) or an alias, then press Enter. Its \
                          key policy is merged, not replaced."
            .into(),
    }
}
