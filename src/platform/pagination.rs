//! When to fetch the next page, for both of the Admin API's pagination schemes (the SDK's
//! `SyncPageCursor` and `SyncPage` rules), and a guard that stops a server that repeats a
//! cursor (or never stops) from keeping a run busy forever.
//!
//! Pure: it decides, the client fetches.

use std::collections::HashSet;

use super::types::{CursorPage, IdPage};

/// More pages than this means a broken server, not a big organisation (100 keys or
/// 100 workspaces per page).
pub const MAX_PAGES: usize = 1000;

/// The cursor for the page after `page` in the cursor scheme (external keys): `next_page`
/// unless it is null or empty.
pub fn next_cursor<T>(page: &CursorPage<T>) -> Option<&str> {
    page.next_page.as_deref().filter(|cursor| !cursor.is_empty())
}

/// The `after_id` for the page after `page` in the id scheme (workspaces): `last_id`, unless
/// `has_more` is false, the page is empty, or `last_id` is null or empty.
pub fn next_after_id<T>(page: &IdPage<T>) -> Option<&str> {
    if !page.has_more || page.data.is_empty() {
        return None;
    }
    page.last_id.as_deref().filter(|id| !id.is_empty())
}

/// Everything a listing returned, followed to the end, and how many pages that took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub pages: usize,
}

/// Remembers the cursors seen while following pages.
#[derive(Debug, Default)]
pub struct PageGuard {
    seen: HashSet<String>,
}

impl PageGuard {
    /// Accepts `cursor` as the next one to fetch, or says why following it would loop.
    pub fn accept(&mut self, cursor: &str) -> Result<(), String> {
        if self.seen.len() >= MAX_PAGES {
            return Err(format!("the server kept returning further pages after {MAX_PAGES} pages; stopped"));
        }
        if !self.seen.insert(cursor.to_owned()) {
            return Err(format!("the server returned the cursor {cursor:?} twice, so paging would never end; stopped"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor_page(next: Option<&str>) -> CursorPage<u8> {
        CursorPage { data: vec![1], next_page: next.map(str::to_owned) }
    }

    fn id_page(data: Vec<u8>, last: Option<&str>, has_more: bool) -> IdPage<u8> {
        IdPage { data, first_id: None, last_id: last.map(str::to_owned), has_more }
    }

    #[test]
    fn cursor_scheme_stops_on_null_or_empty() {
        assert_eq!(next_cursor(&cursor_page(Some("c2"))), Some("c2"));
        assert_eq!(next_cursor(&cursor_page(Some(""))), None);
        assert_eq!(next_cursor(&cursor_page(None)), None);
    }

    #[test]
    fn id_scheme_follows_last_id_while_has_more() {
        assert_eq!(next_after_id(&id_page(vec![1], Some("w2"), true)), Some("w2"));
        assert_eq!(next_after_id(&id_page(vec![1], Some("w2"), false)), None);
        assert_eq!(next_after_id(&id_page(vec![], Some("w2"), true)), None);
        assert_eq!(next_after_id(&id_page(vec![1], None, true)), None);
        assert_eq!(next_after_id(&id_page(vec![1], Some(""), true)), None);
    }

    #[test]
    fn a_repeated_cursor_is_refused() {
        let mut guard = PageGuard::default();
        assert!(guard.accept("a").is_ok());
        assert!(guard.accept("b").is_ok());
        let err = guard.accept("a").unwrap_err();
        assert!(err.contains("\"a\" twice"), "{err}");
    }

    #[test]
    fn endless_paging_is_refused() {
        let mut guard = PageGuard::default();
        for n in 0..MAX_PAGES {
            assert!(guard.accept(&n.to_string()).is_ok());
        }
        assert!(guard.accept("one more").unwrap_err().contains("1000 pages"));
    }
}
