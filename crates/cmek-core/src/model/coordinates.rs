//! Where a registered key lives in its cloud, as listings show it: a short summary for a table
//! cell and the named parts for JSON. Each cloud's `config.rs` builds its own from its
//! `provider_config` fields; shared code only carries the result.

/// A key's cloud coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCoordinates {
    /// The most telling parts first (a table may cut the end off), e.g.
    /// `111122223333 us-east-2 1234abcd-...` or `my-project/us-east5/ring/key`.
    pub summary: String,
    /// The named parts (`account`, `region`, `key_id`; `project`, `location`, ...), in the order
    /// the cloud names them.
    pub fields: Vec<(&'static str, String)>,
}

impl KeyCoordinates {
    /// Coordinates whose parts could not be read: the raw value is both summary and only field.
    pub fn raw(field: &'static str, value: &str) -> Self {
        Self { summary: value.to_string(), fields: vec![(field, value.to_string())] }
    }
}
