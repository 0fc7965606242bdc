//! Text helpers shared by the views: word wrapping with a hanging indent (so every view knows
//! how many rows it takes), the spinner, durations, and an error with its hints.

use std::time::Duration;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use cmek_core::wrap::{self, LongWords};

use crate::error::Error;

use super::super::theme::Theme;

/// Display width of `s` in terminal columns.
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Splits `text` into lines of at most `width` columns, breaking at spaces (and at each newline);
/// a word longer than a line is cut. Always returns at least one line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    text.split('\n').flat_map(|paragraph| wrap::lines(paragraph, width, width, LongWords::Break)).collect()
}

/// Columns a word too long for its column breaks out to, so an ARN or a path is never cut.
const BREAKOUT_INDENT: usize = 3;

/// `prefix` (styled spans) followed by `text` wrapped to `width`, continuation lines indented to
/// line up under the text. A word too long for that column but not for the line (an ARN, a
/// path) gets a line of its own, indented `BREAKOUT_INDENT`, instead of being cut.
pub fn hanging(prefix: Vec<Span<'static>>, text: &str, style: Style, width: usize) -> Vec<Line<'static>> {
    let indent: usize = prefix.iter().map(|s| s.width()).sum();
    let column = width.saturating_sub(indent).max(8);
    let breakout = width.saturating_sub(BREAKOUT_INDENT);
    let mut rows: Vec<(usize, String)> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let w = self::width(word);
        if w > column && w <= breakout {
            rows.push((indent, std::mem::take(&mut line)));
            rows.push((BREAKOUT_INDENT, word.to_string()));
            continue;
        }
        let needed = if line.is_empty() { w } else { self::width(&line) + 1 + w };
        if needed <= column || line.is_empty() && w <= column {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        } else {
            rows.push((indent, std::mem::take(&mut line)));
            if w <= column {
                line.push_str(word);
            } else {
                let mut pieces = wrap(word, column).into_iter().peekable();
                while let Some(piece) = pieces.next() {
                    if pieces.peek().is_some() {
                        rows.push((indent, piece));
                    } else {
                        line = piece;
                    }
                }
            }
        }
    }
    rows.push((indent, line));
    // Drop empty rows a breakout left behind, but keep the first (it carries the prefix).
    let rows: Vec<(usize, String)> =
        rows.into_iter().enumerate().filter(|(i, (_, t))| *i == 0 || !t.is_empty()).map(|(_, r)| r).collect();
    let mut prefix = Some(prefix);
    rows.into_iter()
        .map(|(pad, t)| {
            let mut spans = match prefix.take() {
                Some(p) => p,
                None => vec![Span::raw(" ".repeat(pad))],
            };
            spans.push(Span::styled(t, style));
            Line::from(spans)
        })
        .collect()
}

/// Plain wrapped text with an indent on every line.
pub fn indented(indent: usize, text: &str, style: Style, width: usize) -> Vec<Line<'static>> {
    hanging(vec![Span::raw(" ".repeat(indent))], text, style, width)
}

/// A label column followed by a wrapped value, e.g. `  Organisation   Sandbox Organisation`.
pub fn field_line(
    label: &str,
    label_width: usize,
    value: &str,
    style: Style,
    theme: &Theme,
    width: usize,
) -> Vec<Line<'static>> {
    let label = format!("  {label:<label_width$} ");
    hanging(vec![Span::styled(label, theme.dim)], value, style, width)
}

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(frame: usize) -> &'static str {
    SPINNER[frame % SPINNER.len()]
}

/// `12.3s` under a minute, `2m05s` after.
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    if secs < 60 { format!("{:.1}s", d.as_secs_f64()) } else { format!("{}m{:02}s", secs / 60, secs % 60) }
}

/// An error: a title line, the message under it, then each hint as "next: ...".
pub fn error_lines(title: &str, error: &Error, theme: &Theme, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(format!("  ✗ {title}"), theme.bad))];
    lines.extend(indented(4, &error.message, theme.text, width));
    for hint in &error.hints {
        lines.extend(hanging(vec![Span::styled("    next: ".to_string(), theme.dim)], hint, theme.text, width));
    }
    lines
}

/// The rows to show from `lines` in `height` rows so that `focus` (a range of line indexes) is
/// visible; the window starts at the top when it fits.
pub fn window(total: usize, focus: std::ops::Range<usize>, height: usize) -> usize {
    if total <= height || focus.end <= height {
        0
    } else {
        let end = focus.end.min(total);
        end.saturating_sub(height).min(focus.start)
    }
}

/// `s` cut to `room` columns, with `…` when cut.
pub fn truncate(s: &str, room: usize) -> String {
    if width(s) <= room {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if width(&out) + 2 > room {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_long_words() {
        assert_eq!(wrap("create a symmetric key", 10), ["create a", "symmetric", "key"]);
        assert_eq!(wrap("arn:aws:kms:us-east-2", 8), ["arn:aws:", "kms:us-e", "ast-2"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
    }

    fn plain(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect()).collect()
    }

    #[test]
    fn a_long_word_breaks_out_of_its_column_instead_of_being_cut() {
        let arn = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let lines = hanging(vec![Span::raw("  KMS key      ")], &format!("uses {arn} now"), Style::default(), 78);
        assert_eq!(plain(&lines), ["  KMS key      uses", &format!("   {arn}"), "               now"]);
        let first = hanging(vec![Span::raw("  KMS key      ")], arn, Style::default(), 78);
        assert_eq!(plain(&first), ["  KMS key      ", &format!("   {arn}")]);
    }

    #[test]
    fn the_window_keeps_the_focus_visible() {
        assert_eq!(window(5, 3..4, 10), 0);
        assert_eq!(window(30, 20..22, 10), 12);
        assert_eq!(window(30, 20..40, 10), 20, "a focus taller than the window shows its start");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::from_millis(2300)), "2.3s");
        assert_eq!(duration(Duration::from_secs(125)), "2m05s");
    }
}
