//! The line diff of two key policies, as their pretty JSON.

pub use crate::policy::diff::{CONTEXT_LINES, DiffLine, LineChange, PolicyDiff};

use super::document::PolicyDocument;

/// Diffs the pretty JSON of `before` (None for a new key: everything is added) and `after`.
pub fn diff(before: Option<&PolicyDocument>, after: &PolicyDocument) -> PolicyDiff {
    crate::policy::diff::diff_text(before.map(PolicyDocument::to_json_pretty).as_deref(), &after.to_json_pretty())
}
