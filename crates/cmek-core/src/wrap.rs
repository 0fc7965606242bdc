//! Breaking text into lines of a given display width, between words: one rule for the status
//! table, the wizard's screens and the Terraform comments, so each counts rows the same way.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What to do with a word wider than a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LongWords {
    /// Break it where the line ends (a terminal would cut it anyway).
    Break,
    /// Leave it whole on a line of its own (a file: an ARN in a comment stays searchable).
    Keep,
}

/// `text` in lines at most `first` columns wide for the first line and `rest` for the others,
/// broken at spaces (runs of spaces count as one); always at least one line. Widths are display
/// columns (a CJK character takes two).
pub fn lines(text: &str, first: usize, rest: usize, long: LongWords) -> Vec<String> {
    let room = |lines: &Vec<String>| if lines.is_empty() { first } else { rest }.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        if !line.is_empty() && line.width() + 1 + word.width() > room(&lines) {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        if long == LongWords::Keep || word.width() <= room(&lines) {
            line.push_str(word);
            continue;
        }
        for c in word.chars() {
            if line.width() + c.width().unwrap_or(0) > room(&lines) && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fill_each_line_and_long_ones_break_or_stay_whole() {
        assert_eq!(lines("the key policy grants", 10, 10, LongWords::Break), ["the key", "policy", "grants"]);
        assert_eq!(lines("", 10, 10, LongWords::Break), [""]);
        assert_eq!(lines("a  b", 10, 10, LongWords::Break), ["a b"], "runs of spaces are one");
        let arn = "arn:aws:kms:us-east-1:111122223333:key/1";
        assert_eq!(
            lines(&format!("see {arn}"), 16, 16, LongWords::Break),
            ["see", "arn:aws:kms:us-e", "ast-1:1111222233", "33:key/1"]
        );
        assert_eq!(lines(&format!("see {arn} now"), 16, 16, LongWords::Keep), ["see", arn, "now"]);
    }

    #[test]
    fn the_first_line_and_the_rest_have_their_own_width_in_display_columns() {
        assert_eq!(lines("one two three four", 7, 5, LongWords::Break), ["one two", "three", "four"]);
        // Two columns each: four fit in eight.
        assert_eq!(lines("鍵鍵鍵鍵 鍵", 8, 8, LongWords::Break), ["鍵鍵鍵鍵", "鍵"]);
        assert_eq!(lines("x", 0, 0, LongWords::Break), ["x"], "a zero width still makes progress");
    }
}
