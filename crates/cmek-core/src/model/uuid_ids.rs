//! The organisation UUID and workspace compartment ids that key bindings are made of.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use super::ParseError;

fn parse_bare_uuid(what: &'static str, s: &str) -> Result<Uuid, ParseError> {
    let t = s.trim();
    if let Some(rest) = t.strip_prefix("org_") {
        return Err(ParseError::new(
            what,
            s,
            format!(
                "the `org_`-prefixed form is not what the key binding uses; use the bare UUID from \
                 GET /v1/organizations/me (`id`), e.g. not `org_{rest}`"
            ),
        ));
    }
    if t.len() != 36 {
        return Err(ParseError::new(
            what,
            s,
            "expected a UUID like 8c2d1e4f-0a9b-4c3d-8e7f-123456789abc (36 characters, hyphenated)",
        ));
    }
    Uuid::parse_str(t).map_err(|e| ParseError::new(what, s, format!("{e}; expected a hyphenated UUID")))
}

macro_rules! uuid_newtype {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            pub fn from_uuid(u: Uuid) -> Self {
                Self(u)
            }
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_bare_uuid($what, s).map(Self)
            }
        }

        /// Always the bare, lower-case, hyphenated form that policies, labels and tags use.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0.hyphenated())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

uuid_newtype!(
    /// The organisation UUID (`GET /v1/organizations/me` -> `id`), never the `org_` form.
    OrgUuid,
    "organisation UUID"
);
uuid_newtype!(
    /// A workspace's `compartment_id`: the value AWS key policies pin workspaces with.
    CompartmentId,
    "compartment id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_uuid_is_printed_lower_case() {
        let o: OrgUuid = "8C2D1E4F-0A9B-4C3D-8E7F-123456789ABC".parse().unwrap();
        assert_eq!(o.to_string(), "8c2d1e4f-0a9b-4c3d-8e7f-123456789abc");
    }

    #[test]
    fn org_prefixed_form_is_refused_with_the_fix() {
        let e = "org_8c2d1e4f-0a9b-4c3d-8e7f-123456789abc".parse::<OrgUuid>().unwrap_err();
        assert!(e.to_string().contains("GET /v1/organizations/me"), "{e}");
    }

    #[test]
    fn garbage_is_refused_naming_the_value() {
        let e = "<compartment-uuid>".parse::<CompartmentId>().unwrap_err();
        assert!(e.to_string().contains("<compartment-uuid>"));
        assert!("".parse::<CompartmentId>().is_err());
        assert!("8c2d1e4f0a9b4c3d8e7f123456789abc".parse::<CompartmentId>().is_err());
    }
}
