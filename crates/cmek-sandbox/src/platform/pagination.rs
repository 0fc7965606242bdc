//! The two pagination schemes of the Admin API, as pure functions over already ordered items:
//! cursor pages (`limit` + opaque `page` -> `next_page`) and id pages (`after_id` / `before_id` ->
//! `first_id`, `last_id`, `has_more`).

use crate::platform::wire::{CursorPage, IdPage};

use super::error::{ApiError, ApiResult, shown};

/// The opaque cursor: it encodes the creation sequence number of the last item of a page, so
/// deleting items between two calls neither repeats nor skips anything.
pub fn encode_cursor(seq: u64) -> String {
    let mut cursor = String::from("page_");
    for b in format!("after:{seq}").bytes() {
        cursor.push_str(&format!("{b:02x}"));
    }
    cursor
}

pub fn decode_cursor(cursor: &str) -> ApiResult<u64> {
    let bad = || {
        ApiError::invalid(format!(
            "`page` `{}` is not a cursor this API returned; pass the `next_page` value of the previous page as it was",
            shown(cursor)
        ))
    };
    let hex = cursor.strip_prefix("page_").ok_or_else(bad)?;
    if hex.len() % 2 != 0 || !hex.is_ascii() {
        return Err(bad());
    }
    let bytes: Option<Vec<u8>> =
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok()).collect();
    let text = String::from_utf8(bytes.ok_or_else(bad)?).map_err(|_| bad())?;
    text.strip_prefix("after:").and_then(|n| n.parse().ok()).ok_or_else(bad)
}

/// One cursor page of `items`, which are `(seq, item)` in the order the API lists them (newest
/// first, so `seq` descends). `after` is the decoded cursor: only items with a smaller `seq` follow.
pub fn cursor_page<T: Clone>(items: &[(u64, T)], limit: usize, after: Option<u64>) -> CursorPage<T> {
    let rest: Vec<&(u64, T)> = items.iter().filter(|(seq, _)| after.is_none_or(|a| *seq < a)).collect();
    let page: Vec<&(u64, T)> = rest.iter().take(limit).copied().collect();
    let next_page = if rest.len() > page.len() { page.last().map(|(seq, _)| encode_cursor(*seq)) } else { None };
    CursorPage { data: page.into_iter().map(|(_, item)| item.clone()).collect(), next_page }
}

/// Where an id page starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdCursor {
    First,
    After(String),
    Before(String),
}

/// One id page. `all` is every item in list order (also those `keep` filters out, so a cursor on
/// an item that is now hidden, e.g. archived, still marks a position).
pub fn id_page<T: Clone>(
    all: &[T],
    id_of: impl Fn(&T) -> &str,
    keep: impl Fn(&T) -> bool,
    cursor: &IdCursor,
    limit: usize,
) -> ApiResult<IdPage<T>> {
    let position = |name: &str, id: &str| {
        all.iter().position(|item| id_of(item) == id).ok_or_else(|| {
            ApiError::invalid(format!(
                "`{name}` `{}` does not name a workspace of this organization; use an id from a previous page",
                shown(id)
            ))
        })
    };
    let indexed = all.iter().enumerate().filter(|(_, item)| keep(item));
    let (page, has_more): (Vec<&T>, bool) = match cursor {
        IdCursor::First => {
            let rest: Vec<&T> = indexed.map(|(_, item)| item).collect();
            (rest.iter().take(limit).copied().collect(), rest.len() > limit)
        }
        IdCursor::After(id) => {
            let at = position("after_id", id)?;
            let rest: Vec<&T> = indexed.filter(|(i, _)| *i > at).map(|(_, item)| item).collect();
            (rest.iter().take(limit).copied().collect(), rest.len() > limit)
        }
        IdCursor::Before(id) => {
            let at = position("before_id", id)?;
            let rest: Vec<&T> = indexed.filter(|(i, _)| *i < at).map(|(_, item)| item).collect();
            let skip = rest.len().saturating_sub(limit);
            (rest.iter().skip(skip).copied().collect(), skip > 0)
        }
    };
    Ok(IdPage {
        first_id: page.first().map(|item| id_of(item).to_string()),
        last_id: page.last().map(|item| id_of(item).to_string()),
        has_more,
        data: page.into_iter().cloned().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(42)).unwrap(), 42);
        for bad in ["", "page_", "page_zz", "page_6166746572", "abc", "page_616"] {
            let e = decode_cursor(bad).unwrap_err();
            assert!(e.message.contains("`page`"), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn cursor_pages_walk_every_item_once() {
        let items: Vec<(u64, u64)> = (1..=5).rev().map(|s| (s, s * 10)).collect();
        let p1 = cursor_page(&items, 2, None);
        assert_eq!(p1.data, [50, 40]);
        let p2 = cursor_page(&items, 2, Some(decode_cursor(p1.next_page.as_deref().unwrap()).unwrap()));
        assert_eq!(p2.data, [30, 20]);
        let p3 = cursor_page(&items, 2, Some(decode_cursor(p2.next_page.as_deref().unwrap()).unwrap()));
        assert_eq!(p3.data, [10]);
        assert_eq!(p3.next_page, None);
        assert_eq!(cursor_page(&items, 5, None).next_page, None);
    }

    #[test]
    fn id_pages_forward_backward_and_filtered() {
        let all = ["a", "b", "c", "d", "e"];
        fn id<'a>(s: &'a &str) -> &'a str {
            s
        }
        let keep = |s: &&str| *s != "c";
        let p = id_page(&all, id, keep, &IdCursor::First, 2).unwrap();
        assert_eq!((p.data.clone(), p.has_more), (vec!["a", "b"], true));
        let p = id_page(&all, id, keep, &IdCursor::After("b".into()), 2).unwrap();
        assert_eq!((p.data.clone(), p.has_more), (vec!["d", "e"], false));
        assert_eq!((p.first_id.as_deref(), p.last_id.as_deref()), (Some("d"), Some("e")));
        let p = id_page(&all, id, keep, &IdCursor::After("c".into()), 5).unwrap();
        assert_eq!(p.data, ["d", "e"]);
        let p = id_page(&all, id, keep, &IdCursor::Before("e".into()), 2).unwrap();
        assert_eq!((p.data.clone(), p.has_more), (vec!["b", "d"], true));
        let p = id_page(&all, id, keep, &IdCursor::After("e".into()), 2).unwrap();
        assert!(p.data.is_empty() && p.first_id.is_none() && !p.has_more);
        assert!(id_page(&all, id, keep, &IdCursor::After("zz".into()), 2).unwrap_err().message.contains("after_id"));
    }
}
