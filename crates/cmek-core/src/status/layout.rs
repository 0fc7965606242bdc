//! Fitting a table into a width: each column as wide as its widest cell, and when the whole is
//! too wide, the flexible columns give up width (in their order) down to their minimum, cells
//! cut with `…`. Widths are display widths (a CJK character takes two). Also word wrapping for
//! the lines under the table.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The space between two columns.
pub const GAP: usize = 2;

/// One column: its header, its cells, and how far it may shrink.
pub struct Column {
    pub header: &'static str,
    pub cells: Vec<String>,
    /// `Some(min)` for a column that may be cut down to `min`; `None` keeps its natural width.
    pub min: Option<usize>,
    /// Lower shrinks first.
    pub shrink_order: u8,
}

pub fn width_of(text: &str) -> usize {
    text.width()
}

/// The width of each column so the table fits `width` if the fixed columns and minimums allow.
pub fn widths(columns: &[Column], width: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = columns
        .iter()
        .map(|c| c.cells.iter().map(|s| width_of(s)).chain([width_of(c.header)]).max().unwrap_or(0))
        .collect();
    let total = widths.iter().sum::<usize>() + GAP * columns.len().saturating_sub(1);
    let mut excess = total.saturating_sub(width);
    let mut order: Vec<usize> = (0..columns.len()).filter(|&i| columns[i].min.is_some()).collect();
    order.sort_by_key(|&i| columns[i].shrink_order);
    for i in order {
        if excess == 0 {
            break;
        }
        let min = columns[i].min.unwrap_or(widths[i]).max(width_of(columns[i].header));
        let give = excess.min(widths[i].saturating_sub(min));
        widths[i] -= give;
        excess -= give;
    }
    widths
}

/// `text` cut to `width` (ending in `…` when cut) and padded to exactly `width`.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    if width_of(text) <= width {
        out.push_str(text);
    } else {
        let mut used = 0;
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
    }
    let pad = width.saturating_sub(width_of(&out));
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// `text` broken at spaces into lines of at most `width`, every line after the first indented by
/// `indent` spaces; a word longer than a line (an ARN) is broken where the line ends.
pub fn wrap(text: &str, width: usize, indent: usize) -> Vec<String> {
    let lines = crate::wrap::lines(text, width, width.saturating_sub(indent), crate::wrap::LongWords::Break);
    let pad = " ".repeat(indent);
    lines.into_iter().enumerate().map(|(i, l)| if i == 0 { l } else { format!("{pad}{l}") }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(header: &'static str, cells: &[&str], min: Option<usize>, order: u8) -> Column {
        Column { header, cells: cells.iter().map(|s| s.to_string()).collect(), min, shrink_order: order }
    }

    #[test]
    fn columns_keep_their_natural_width_when_it_fits() {
        let cols = [col("A", &["abcdef"], Some(3), 0), col("BB", &["x"], None, 0)];
        assert_eq!(widths(&cols, 80), [6, 2]);
    }

    #[test]
    fn flexible_columns_shrink_in_order_down_to_their_minimum() {
        let cols =
            [col("A", &["a".repeat(30).as_str()], Some(10), 1), col("B", &["b".repeat(30).as_str()], Some(8), 0)];
        // 30 + 2 + 30 = 62 into 50: B gives 12 first.
        assert_eq!(widths(&cols, 50), [30, 18]);
        // Into 20: B stops at 8, A gives the rest down to 10.
        assert_eq!(widths(&cols, 20), [10, 8]);
    }

    #[test]
    fn cells_are_cut_by_display_width_with_an_ellipsis() {
        assert_eq!(fit("production", 12), "production  ");
        assert_eq!(fit("production", 6), "produ…");
        // Each of these takes two columns.
        assert_eq!(fit("本番環境", 5), "本番…");
        assert_eq!(width_of(&fit("本番環境", 6)), 6);
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_indents() {
        assert_eq!(wrap("one two three four", 9, 2), ["one two", "  three", "  four"]);
        assert_eq!(wrap("", 9, 2), [""]);
        assert_eq!(wrap("abcdefghijkl x", 5, 0), ["abcde", "fghij", "kl x"]);
        assert_eq!(wrap("go arn:aws:kms", 8, 2), ["go", "  arn:aw", "  s:kms"]);
    }
}
