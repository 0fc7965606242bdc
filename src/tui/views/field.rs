//! A text field drawn on one line: label, the visible part of the value in a box (or a dim
//! placeholder), and under it the validation error, if any.

use ratatui::text::{Line, Span};

use cmek_core::wizard::{FieldStatus, TextField};

use super::super::theme::Theme;
use super::body::Body;
use super::text;

pub struct FieldView<'a> {
    pub label: &'a str,
    pub label_width: usize,
    pub field: &'a TextField,
    pub focused: bool,
    pub placeholder: &'a str,
    /// Width of the value box in columns.
    pub box_width: usize,
    /// Show a ✓ when the value is valid.
    pub mark_valid: bool,
    /// Said right after the box (e.g. "✓ matches").
    pub suffix: Option<(&'a str, ratatui::style::Style)>,
}

impl FieldView<'_> {
    pub fn add_to(&self, body: &mut Body, theme: &Theme, width: usize) {
        let prefix = format!("  {:<w$} [", self.label, w = self.label_width);
        let inner = self.box_width.max(4);
        let scroll = self.field.visual_scroll(inner - 1);
        let shown: String = visible(self.field.value(), scroll, inner);
        let style = if self.focused { theme.field_focused } else { theme.field };
        let mut spans = vec![Span::styled(prefix.clone(), if self.focused { theme.strong } else { theme.dim })];
        if shown.is_empty() && !self.focused {
            let placeholder: String = visible(self.placeholder, 0, inner);
            let pad = inner.saturating_sub(text::width(&placeholder));
            spans.push(Span::styled(format!("{placeholder}{}", " ".repeat(pad)), theme.dim));
        } else {
            let pad = inner.saturating_sub(text::width(&shown));
            spans.push(Span::styled(format!("{shown}{}", " ".repeat(pad)), style));
        }
        spans.push(Span::styled("]", if self.focused { theme.strong } else { theme.dim }));
        if let Some((text, style)) = self.suffix {
            spans.push(Span::styled(format!(" {text}"), style));
        }
        match self.field.status() {
            FieldStatus::Valid if self.mark_valid => spans.push(Span::styled(" ✓", theme.good)),
            FieldStatus::Invalid(_) => spans.push(Span::styled(" ✗", theme.bad)),
            _ => {}
        }
        if self.focused {
            let column = text::width(&prefix) + self.field.visual_cursor().saturating_sub(scroll);
            body.cursor_on_next_line(u16::try_from(column).unwrap_or(u16::MAX));
        }
        body.push(Line::from(spans));
        if let Some(error) = self.field.error() {
            let indent = text::width(&prefix);
            body.extend(text::hanging(vec![Span::raw(" ".repeat(indent))], error, theme.bad, width));
        }
    }
}

/// The part of `value` that fits `width` columns after skipping `skip` columns.
fn visible(value: &str, skip: usize, width: usize) -> String {
    let mut skipped = 0;
    let mut used = 0;
    let mut out = String::new();
    for c in value.chars() {
        let w = text::width(c.encode_utf8(&mut [0; 4]));
        if skipped < skip {
            skipped += w;
            continue;
        }
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out
}
