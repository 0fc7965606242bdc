//! A readable line diff of two access documents (a key policy, a set of bindings...) as pretty
//! JSON, for showing a change before it is made. Each cloud prints its own documents.
//!
//! No colour here: the output layer colours lines by their `+`/`-`/` ` prefix.

use similar::{ChangeTag, TextDiff};

/// Lines of context kept around each change by [`PolicyDiff::to_unified`].
pub const CONTEXT_LINES: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineChange {
    Added,
    Removed,
    Same,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DiffLine {
    pub change: LineChange,
    /// The line without its newline.
    pub text: String,
}

/// Every line of the before and after documents, in diff order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicyDiff {
    pub lines: Vec<DiffLine>,
}

/// Diffs two printed documents line by line: `before` is None for a new key (everything is
/// added).
pub fn diff_text(before: Option<&str>, after: &str) -> PolicyDiff {
    let old = before.map(with_final_newline).unwrap_or_default();
    let new = with_final_newline(after);
    let text_diff = TextDiff::from_lines(&old, &new);
    let lines = text_diff
        .iter_all_changes()
        .map(|c| DiffLine {
            change: match c.tag() {
                ChangeTag::Insert => LineChange::Added,
                ChangeTag::Delete => LineChange::Removed,
                ChangeTag::Equal => LineChange::Same,
            },
            text: c.value().trim_end_matches('\n').to_string(),
        })
        .collect();
    PolicyDiff { lines }
}

fn with_final_newline(s: &str) -> String {
    format!("{s}\n")
}

impl PolicyDiff {
    /// True when before and after print identically.
    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(|l| l.change == LineChange::Same)
    }

    /// Unified-diff hunks: a `@@ -old,len +new,len @@` header, then lines prefixed `+`, `-` or ` `,
    /// with [`CONTEXT_LINES`] lines of context around changes. Empty when nothing changed.
    pub fn to_unified(&self) -> String {
        let shown = self.lines_to_show();
        let mut out = String::new();
        let (mut old_no, mut new_no) = (1usize, 1usize);
        let mut i = 0;
        while i < self.lines.len() {
            if !shown[i] {
                advance(&self.lines[i], &mut old_no, &mut new_no);
                i += 1;
                continue;
            }
            let end = (i..self.lines.len()).find(|&j| !shown[j]).unwrap_or(self.lines.len());
            let hunk = &self.lines[i..end];
            let old_len = hunk.iter().filter(|l| l.change != LineChange::Added).count();
            let new_len = hunk.iter().filter(|l| l.change != LineChange::Removed).count();
            out.push_str(&format!(
                "@@ -{},{} +{},{} @@\n",
                start_of(old_no, old_len),
                old_len,
                start_of(new_no, new_len),
                new_len
            ));
            for line in hunk {
                let prefix = match line.change {
                    LineChange::Added => '+',
                    LineChange::Removed => '-',
                    LineChange::Same => ' ',
                };
                out.push(prefix);
                out.push_str(&line.text);
                out.push('\n');
                advance(line, &mut old_no, &mut new_no);
            }
            i = end;
        }
        out
    }

    /// Marks changed lines and the context around them.
    fn lines_to_show(&self) -> Vec<bool> {
        let mut shown = vec![false; self.lines.len()];
        for (i, line) in self.lines.iter().enumerate() {
            if line.change != LineChange::Same {
                let from = i.saturating_sub(CONTEXT_LINES);
                let to = (i + CONTEXT_LINES + 1).min(self.lines.len());
                shown[from..to].iter_mut().for_each(|s| *s = true);
            }
        }
        shown
    }
}

fn advance(line: &DiffLine, old_no: &mut usize, new_no: &mut usize) {
    match line.change {
        LineChange::Added => *new_no += 1,
        LineChange::Removed => *old_no += 1,
        LineChange::Same => {
            *old_no += 1;
            *new_no += 1;
        }
    }
}

/// Unified diff convention: an empty side is reported as starting at the line before it (0 for a new file).
fn start_of(line_no: usize, len: usize) -> usize {
    if len == 0 { line_no.saturating_sub(1) } else { line_no }
}
