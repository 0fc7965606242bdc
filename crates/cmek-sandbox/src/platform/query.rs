//! Query-string parameters of the list endpoints, with 400s that name the parameter and value.
//! Unknown parameters are ignored, as the real API does.

use super::error::{ApiError, ApiResult, shown};
use super::pagination::IdCursor;

/// The decoded query string, in order (a repeated scalar parameter: the last one wins).
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(raw: Option<&str>) -> Self {
        Self(url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()).into_owned().collect())
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every value of a list parameter, sent as `name[]=a&name[]=b` (the SDKs) or `name=a&name=b`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        let bracketed = format!("{name}[]");
        self.0.iter().filter(|(k, _)| *k == name || *k == bracketed).map(|(_, v)| v.as_str()).collect()
    }

    pub fn limit(&self, default: usize, max: usize) -> ApiResult<usize> {
        let Some(raw) = self.get("limit") else { return Ok(default) };
        match raw.trim().parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::invalid(format!("`limit` must be an integer from 1 to {max}, got `{}`", shown(raw)))),
        }
    }

    pub fn bool(&self, name: &str, default: bool) -> ApiResult<bool> {
        let Some(raw) = self.get(name) else { return Ok(default) };
        match raw.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(ApiError::invalid(format!("`{name}` must be true or false, got `{}`", shown(raw)))),
        }
    }

    pub fn id_cursor(&self) -> ApiResult<IdCursor> {
        let nonempty = |name: &str| self.get(name).filter(|v| !v.is_empty()).map(str::to_string);
        match (nonempty("after_id"), nonempty("before_id")) {
            (Some(_), Some(_)) => {
                Err(ApiError::invalid("`after_id` and `before_id` cannot both be given; page in one direction"))
            }
            (Some(after), None) => Ok(IdCursor::After(after)),
            (None, Some(before)) => Ok(IdCursor::Before(before)),
            (None, None) => Ok(IdCursor::First),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_checked() {
        let q = Query::parse(Some("limit=0&include_archived=maybe&ids[]=a&ids[]=b&beta=true"));
        assert!(q.limit(20, 100).unwrap_err().message.contains("`limit` must be an integer from 1 to 100, got `0`"));
        assert!(q.bool("include_archived", false).unwrap_err().message.contains("maybe"));
        assert!(q.bool("include_default", false).is_ok());
        assert_eq!(q.all("ids"), ["a", "b"]);
        assert_eq!(Query::parse(None).limit(20, 100).unwrap(), 20);
        assert_eq!(Query::parse(Some("limit=1000")).limit(20, 1000).unwrap(), 1000);
        assert!(Query::parse(Some("limit=x")).limit(20, 1000).is_err());
        assert!(Query::parse(Some("after_id=a&before_id=b")).id_cursor().is_err());
        assert_eq!(Query::parse(Some("after_id=a")).id_cursor().unwrap(), IdCursor::After("a".into()));
    }
}
