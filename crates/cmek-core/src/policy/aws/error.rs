//! The error a policy document reports when it cannot be read: it names the JSON path and the bad value.

/// Why a policy document could not be parsed.
///
/// Every variant names where the problem is (a JSON path such as `Statement[2].Effect`) and what
/// was found there, so the person fixing the policy can go straight to it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The text is not JSON at all.
    #[error("the policy is not valid JSON: {message} (line {line}, column {column}); fix the JSON syntax there")]
    Json { message: String, line: usize, column: usize },
    /// The JSON is well formed but an element is not something AWS accepts.
    #[error("{path}: {problem}; found {found}")]
    Invalid { path: String, problem: String, found: String },
}

/// Longest excerpt of an offending value that an error message quotes.
const MAX_FOUND_CHARS: usize = 120;

impl PolicyError {
    pub(crate) fn invalid(path: &str, problem: impl Into<String>, found: &serde_json::Value) -> Self {
        PolicyError::Invalid { path: display_path(path), problem: problem.into(), found: excerpt(found) }
    }

    pub(crate) fn missing(path: &str, problem: impl Into<String>) -> Self {
        PolicyError::Invalid { path: display_path(path), problem: problem.into(), found: "nothing".to_string() }
    }

    /// The JSON path of the offending element (empty for JSON syntax errors).
    pub fn path(&self) -> &str {
        match self {
            PolicyError::Json { .. } => "",
            PolicyError::Invalid { path, .. } => path,
        }
    }
}

impl From<serde_json::Error> for PolicyError {
    fn from(e: serde_json::Error) -> Self {
        PolicyError::Json { message: e.to_string(), line: e.line(), column: e.column() }
    }
}

fn display_path(path: &str) -> String {
    if path.is_empty() { "the policy document".to_string() } else { path.to_string() }
}

/// A short, single-line rendering of a JSON value for error messages.
fn excerpt(value: &serde_json::Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_FOUND_CHARS {
        return text;
    }
    let cut: String = text.chars().take(MAX_FOUND_CHARS).collect();
    format!("{cut}...")
}

/// Builds the JSON paths used in error messages (`Statement[2].Condition.StringEquals`).
pub(crate) fn child_path(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") }
}

pub(crate) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}
