//! List pagination as Cloud KMS does it: `pageSize` (at most 1000, the default when absent or
//! 0), an opaque `pageToken` (here: the last name of the previous page, base64url), and the
//! answer's `nextPageToken` and `totalSize`. Items come sorted by name.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::errors::{GResult, GoogleError};
use super::request::Incoming;

const MAX_PAGE: usize = 1000;

/// One page of `items` (sorted by `name`), the next page's token, and the total.
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_page_token: Option<String>,
    pub total_size: usize,
}

pub fn page<T>(mut items: Vec<T>, name: impl Fn(&T) -> String, req: &Incoming) -> GResult<Page<T>> {
    let size = match req.param("pageSize") {
        None => MAX_PAGE,
        Some(raw) => match raw.parse::<i64>() {
            Ok(0) => MAX_PAGE,
            Ok(n) if n > 0 => usize::try_from(n).unwrap_or(MAX_PAGE).min(MAX_PAGE),
            _ => {
                return Err(GoogleError::invalid_argument(format!(
                    "Invalid page_size {raw}: it must not be negative."
                )));
            }
        },
    };
    items.sort_by_key(|i| name(i));
    let total_size = items.len();
    let after = match req.param("pageToken").filter(|t| !t.is_empty()) {
        None => None,
        Some(token) => Some(
            URL_SAFE_NO_PAD
                .decode(token)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| GoogleError::invalid_argument("Invalid page_token."))?,
        ),
    };
    if let Some(after) = &after {
        items.retain(|i| name(i).as_str() > after.as_str());
    }
    let more = items.len() > size;
    items.truncate(size);
    let next_page_token = if more { items.last().map(|i| URL_SAFE_NO_PAD.encode(name(i))) } else { None };
    Ok(Page { items, next_page_token, total_size })
}
