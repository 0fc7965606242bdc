//! KMS list pagination: `Limit` (bounded per operation) and an opaque `Marker` in, `Truncated`
//! and `NextMarker` out. The marker names the next item's position, base64-encoded.

use serde_json::{Map, Value};

use super::errors::KmsError;
use super::protocol_json::Input;

/// One page of `items` as the request's `Limit` and `Marker` ask.
pub(super) struct Page<T> {
    pub items: Vec<T>,
    pub next_marker: Option<String>,
}

/// Cuts a page out of `all`; `max_limit` and `default_limit` are the operation's.
pub(super) fn page<T>(all: Vec<T>, input: &Input, default_limit: i64, max_limit: i64) -> Result<Page<T>, KmsError> {
    let limit = input.integer_in("Limit", 1, max_limit)?.unwrap_or(default_limit);
    let start = match input.string("Marker")? {
        None => 0,
        Some(marker) => decode_marker(marker).filter(|&s| s <= all.len()).ok_or_else(|| {
            KmsError::new(
                "InvalidMarkerException",
                format!("The marker '{}' is not valid.", super::errors::shorten(marker)),
            )
        })?,
    };
    let limit = usize::try_from(limit).unwrap_or(1);
    let end = start.saturating_add(limit).min(all.len());
    let next_marker = (end < all.len()).then(|| encode_marker(end));
    let items = all.into_iter().skip(start).take(end - start).collect();
    Ok(Page { items, next_marker })
}

impl<T> Page<T> {
    /// Adds `Truncated` (and `NextMarker` when there is more) to an output object.
    pub fn finish(&self, mut output: Map<String, Value>) -> Value {
        output.insert("Truncated".into(), Value::Bool(self.next_marker.is_some()));
        if let Some(marker) = &self.next_marker {
            output.insert("NextMarker".into(), Value::String(marker.clone()));
        }
        Value::Object(output)
    }
}

fn encode_marker(position: usize) -> String {
    aws_smithy_types::base64::encode(format!("cmek-sandbox-marker:{position}"))
}

fn decode_marker(marker: &str) -> Option<usize> {
    let bytes = aws_smithy_types::base64::decode(marker).ok()?;
    std::str::from_utf8(&bytes).ok()?.strip_prefix("cmek-sandbox-marker:")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: &str) -> Input {
        Input::parse(json.as_bytes()).unwrap()
    }

    #[test]
    fn pages_follow_markers_to_the_end() {
        let all: Vec<u32> = (0..7).collect();
        let first = page(all.clone(), &input(r#"{"Limit":3}"#), 100, 1000).unwrap();
        assert_eq!(first.items, [0, 1, 2]);
        let marker = first.next_marker.clone().unwrap();
        let second = page(all.clone(), &input(&format!(r#"{{"Limit":3,"Marker":"{marker}"}}"#)), 100, 1000).unwrap();
        assert_eq!(second.items, [3, 4, 5]);
        let marker = second.next_marker.clone().unwrap();
        let last = page(all.clone(), &input(&format!(r#"{{"Limit":3,"Marker":"{marker}"}}"#)), 100, 1000).unwrap();
        assert_eq!(last.items, [6]);
        assert!(last.next_marker.is_none());
        assert_eq!(last.finish(Map::new())["Truncated"], false);
        assert_eq!(first.finish(Map::new())["Truncated"], true);
        assert_eq!(page(all.clone(), &input("{}"), 100, 1000).unwrap().items.len(), 7);
    }

    #[test]
    fn bad_limits_and_markers_are_refused() {
        let all: Vec<u32> = (0..3).collect();
        assert_eq!(page(all.clone(), &input(r#"{"Limit":0}"#), 100, 1000).err().unwrap().code, "ValidationException");
        assert_eq!(
            page(all.clone(), &input(r#"{"Limit":1001}"#), 100, 1000).err().unwrap().code,
            "ValidationException"
        );
        for bad in ["x", "AAAA", &encode_marker(99)] {
            let e = page(all.clone(), &input(&format!(r#"{{"Marker":"{bad}"}}"#)), 100, 1000).err().unwrap();
            assert_eq!(e.code, "InvalidMarkerException", "{bad}");
        }
    }
}
