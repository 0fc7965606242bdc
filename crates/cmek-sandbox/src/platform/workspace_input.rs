//! Reading workspace create and update bodies into checked values (form only: names, colours,
//! tags, data residency). Rules that need the store (uniqueness, attach) are in `workspace_rules`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::platform::wire::DataResidency;

use super::error::{ApiError, ApiResult, codes, shown};
use super::json_input::{Field, Fields, describe};
use super::seed;

/// `POST /v1/organizations/workspaces`, checked.
#[derive(Debug, Clone)]
pub struct NewWorkspace {
    pub name: String,
    pub display_color: Option<String>,
    pub external_key_id: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub data_residency: DataResidency,
    pub user_profile_id: Option<String>,
}

/// `POST /v1/organizations/workspaces/{id}`, checked; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct WorkspacePatch {
    pub name: Option<String>,
    pub display_color: Option<String>,
    /// `Null` asks to detach, which is refused when a key is attached.
    pub external_key_id: Option<Field<String>>,
    /// A `None` value removes that tag.
    pub tags: Option<BTreeMap<String, Option<String>>>,
    pub allowed_inference_geos: Option<Value>,
    pub default_inference_geo: Option<String>,
    pub user_profile_id: Option<String>,
}

const FIELDS: [&str; 6] = ["name", "display_color", "external_key_id", "tags", "data_residency", "user_profile_id"];

pub fn parse_new(map: &Map<String, Value>) -> ApiResult<NewWorkspace> {
    let f = Fields::new("", map, &FIELDS)?;
    let name = f.required_str("name")?;
    check_name(name)?;
    let display_color = f.str("display_color")?.given().map(check_color).transpose()?;
    let tags = match f.object("tags")? {
        Field::Given(tags) => parse_tags(tags)?.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect(),
        _ => BTreeMap::new(),
    };
    let mut data_residency = seed::default_data_residency();
    if let Field::Given(residency) = f.object("data_residency")? {
        let r = Fields::new(
            "data_residency.",
            residency,
            &["workspace_geo", "default_inference_geo", "allowed_inference_geos"],
        )?;
        if let Some(geo) = r.str("workspace_geo")?.given() {
            if geo != "us" {
                return Err(ApiError::invalid(format!(
                    "`data_residency.workspace_geo` `{}` is not supported; the only workspace geo is `us`",
                    shown(geo)
                ))
                .with_code(codes::WORKSPACE_POLICY_VIOLATION)
                .with_detail("field", "data_residency.workspace_geo"));
            }
            data_residency.workspace_geo = geo.to_string();
        }
        if let Field::Given(allowed) = r.value("allowed_inference_geos") {
            data_residency.allowed_inference_geos = check_allowed_geos(allowed)?;
        }
        if let Some(default) = r.str("default_inference_geo")?.given() {
            data_residency.default_inference_geo =
                check_inference_geo("data_residency.default_inference_geo", default)?;
        }
        check_default_is_allowed(&data_residency)?;
    }
    Ok(NewWorkspace {
        name: name.to_string(),
        display_color,
        external_key_id: f.str("external_key_id")?.given().map(str::to_string),
        tags,
        data_residency,
        user_profile_id: f.str("user_profile_id")?.given().map(str::to_string),
    })
}

pub fn parse_patch(map: &Map<String, Value>) -> ApiResult<WorkspacePatch> {
    let f = Fields::new("", map, &FIELDS)?;
    let name = f.str("name")?.given();
    if let Some(name) = name {
        check_name(name)?;
    }
    let mut patch = WorkspacePatch {
        name: name.map(str::to_string),
        display_color: f.str("display_color")?.given().map(check_color).transpose()?,
        external_key_id: match f.str("external_key_id")? {
            Field::Given(id) => Some(Field::Given(id.to_string())),
            Field::Null => Some(Field::Null),
            Field::Absent => None,
        },
        tags: f.object("tags")?.given().map(parse_tags).transpose()?,
        user_profile_id: f.str("user_profile_id")?.given().map(str::to_string),
        ..WorkspacePatch::default()
    };
    if let Field::Given(residency) = f.object("data_residency")? {
        if residency.contains_key("workspace_geo") {
            return Err(ApiError::invalid(
                "`data_residency.workspace_geo` is immutable after creation; leave it out of the update",
            ));
        }
        let r = Fields::new("data_residency.", residency, &["default_inference_geo", "allowed_inference_geos"])?;
        if let Field::Given(allowed) = r.value("allowed_inference_geos") {
            patch.allowed_inference_geos = Some(check_allowed_geos(allowed)?);
        }
        if let Some(default) = r.str("default_inference_geo")?.given() {
            patch.default_inference_geo = Some(check_inference_geo("data_residency.default_inference_geo", default)?);
        }
    }
    Ok(patch)
}

/// 1 to 40 characters, not only spaces.
pub fn check_name(name: &str) -> ApiResult<()> {
    let n = name.chars().count();
    if (1..=40).contains(&n) && !name.trim().is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(format!("`name` must be 1 to 40 characters and not blank, got {n} (`{}`)", shown(name))))
    }
}

fn check_color(color: &str) -> ApiResult<String> {
    let ok = color.len() == 7 && color.starts_with('#') && color[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(color.to_string())
    } else {
        Err(ApiError::invalid(format!("`display_color` `{}` is not a hex colour like #6C5BB9", shown(color))))
    }
}

fn parse_tags(map: &Map<String, Value>) -> ApiResult<BTreeMap<String, Option<String>>> {
    let mut tags = BTreeMap::new();
    for (key, value) in map {
        if key.is_empty() || key.to_ascii_lowercase().starts_with("anthropic") {
            return Err(ApiError::invalid(format!(
                "`tags` key `{}` is not allowed: tag keys must be non-empty and may not begin with `anthropic`",
                shown(key)
            )));
        }
        let value = match value {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => {
                return Err(ApiError::invalid(format!(
                    "`tags.{}` must be a string, got {}",
                    shown(key),
                    describe(other)
                )));
            }
        };
        tags.insert(key.clone(), value);
    }
    Ok(tags)
}

fn check_inference_geo(path: &str, geo: &str) -> ApiResult<String> {
    if matches!(geo, "global" | "us") {
        Ok(geo.to_string())
    } else {
        Err(ApiError::invalid(format!("`{path}` `{}` must be `global` or `us`", shown(geo))))
    }
}

fn check_allowed_geos(value: &Value) -> ApiResult<Value> {
    match value {
        Value::String(s) if s == "unrestricted" => Ok(value.clone()),
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                match item {
                    Value::String(s) => {
                        check_inference_geo("data_residency.allowed_inference_geos", s)?;
                    }
                    other => {
                        return Err(ApiError::invalid(format!(
                            "`data_residency.allowed_inference_geos` entries must be strings, got {}",
                            describe(other)
                        )));
                    }
                }
            }
            Ok(value.clone())
        }
        other => Err(ApiError::invalid(format!(
            "`data_residency.allowed_inference_geos` must be \"unrestricted\" or a non-empty list of geos, got {}",
            describe(other)
        ))),
    }
}

/// The default inference geo must be allowed, unless everything is.
pub fn check_default_is_allowed(residency: &DataResidency) -> ApiResult<()> {
    let allowed = match &residency.allowed_inference_geos {
        Value::Array(items) => items,
        _ => return Ok(()),
    };
    if allowed.iter().any(|g| g.as_str() == Some(residency.default_inference_geo.as_str())) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "`data_residency.default_inference_geo` `{}` is not one of `allowed_inference_geos`",
            residency.default_inference_geo
        ))
        .with_code(codes::WORKSPACE_POLICY_VIOLATION)
        .with_detail("field", "data_residency.default_inference_geo"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn new_workspace_bodies() {
        let w = parse_new(&obj(json!({"name":"ml","tags":{"team":"ml"},"display_color":"#AABBCC"}))).unwrap();
        assert_eq!((w.name.as_str(), w.tags.len()), ("ml", 1));
        assert_eq!(w.data_residency.workspace_geo, "us");
        assert!(parse_new(&obj(json!({}))).unwrap_err().message.contains("`name`: Field required"));
        assert!(parse_new(&obj(json!({"name":"x".repeat(41)}))).unwrap_err().message.contains("1 to 40"));
        assert!(parse_new(&obj(json!({"name":"a","display_color":"red"}))).unwrap_err().message.contains("red"));
        let e = parse_new(&obj(json!({"name":"a","tags":{"anthropic:x":"y"}}))).unwrap_err();
        assert!(e.message.contains("anthropic:x"), "{}", e.message);
        let e = parse_new(&obj(json!({"name":"a","data_residency":{"workspace_geo":"eu"}}))).unwrap_err();
        assert!(e.message.contains("workspace_geo"), "{}", e.message);
        let e = parse_new(&obj(
            json!({"name":"a","data_residency":{"allowed_inference_geos":["us"],"default_inference_geo":"global"}}),
        ))
        .unwrap_err();
        assert!(e.message.contains("not one of"), "{}", e.message);
    }

    #[test]
    fn patches() {
        let p = parse_patch(&obj(json!({"tags":{"a":null,"b":"c"},"external_key_id":null}))).unwrap();
        assert_eq!(p.tags.unwrap().get("a"), Some(&None));
        assert_eq!(p.external_key_id, Some(Field::Null));
        let e = parse_patch(&obj(json!({"data_residency":{"workspace_geo":"us"}}))).unwrap_err();
        assert!(e.message.contains("immutable"));
        assert!(parse_patch(&obj(json!({"name": 3}))).unwrap_err().message.contains("`name` must be a string"));
    }
}
