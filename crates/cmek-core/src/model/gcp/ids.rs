//! Cloud KMS names with validating parsers: a crypto key's full resource name
//! (`projects/P/locations/L/keyRings/R/cryptoKeys/K`), its parts, and what kind of location
//! a location id is (CMEK needs one US region).

use std::fmt;

use crate::model::{OrgUuid, ParseError};

/// A crypto key's resource name, as registered (`key_name`): never with a version suffix.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GcpKeyName {
    pub project: String,
    pub location: String,
    pub key_ring: String,
    pub key: String,
}

const FORM: &str = "expected projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>";

impl GcpKeyName {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        const WHAT: &str = "Cloud KMS key name";
        let trimmed = input.trim().trim_start_matches("//cloudkms.googleapis.com/");
        let parts: Vec<&str> = trimmed.split('/').collect();
        if parts.len() >= 10 && parts[8] == "cryptoKeyVersions" {
            let without: String = parts[..8].join("/");
            return Err(ParseError::new(
                WHAT,
                input,
                format!(
                    "it names a key version; register the key itself, without /cryptoKeyVersions/...: {without} \
                     (Anthropic always uses the primary version)"
                ),
            ));
        }
        let [projects, project, locations, location, rings, ring, keys, key] = parts.as_slice() else {
            return Err(ParseError::new(WHAT, input, FORM));
        };
        if (*projects, *locations, *rings, *keys) != ("projects", "locations", "keyRings", "cryptoKeys") {
            return Err(ParseError::new(WHAT, input, FORM));
        }
        let name = Self::new(project, location, ring, key).map_err(|e| ParseError::new(WHAT, input, e.reason))?;
        Ok(name)
    }

    /// A key name from its parts, each checked as Google checks it.
    /// The key in `project` (given, or the credential's), or why there is none: setup's and
    /// doctor's one reading of a key named by its parts.
    pub fn in_project(project: Option<&str>, location: &str, key_ring: &str, key: &str) -> Result<Self, String> {
        let Some(project) = project else {
            return Err("no Google Cloud project is known: pass --gcp-project P (or --key \
                        projects/P/locations/L/keyRings/R/cryptoKeys/K), or set CLOUDSDK_CORE_PROJECT"
                .into());
        };
        Self::new(project, location, key_ring, key).map_err(|e| e.to_string())
    }

    pub fn new(project: &str, location: &str, key_ring: &str, key: &str) -> Result<Self, ParseError> {
        check_project(project)?;
        GcpLocation::parse(location)?;
        check_resource_id("key ring id", key_ring)?;
        check_resource_id("crypto key id", key)?;
        Ok(Self { project: project.into(), location: location.into(), key_ring: key_ring.into(), key: key.into() })
    }

    /// `projects/P/locations/L`.
    pub fn location_name(&self) -> String {
        format!("projects/{}/locations/{}", self.project, self.location)
    }

    /// `projects/P/locations/L/keyRings/R`.
    pub fn key_ring_name(&self) -> String {
        format!("{}/keyRings/{}", self.location_name(), self.key_ring)
    }

    pub fn location(&self) -> GcpLocation {
        GcpLocation(self.location.clone())
    }
}

impl fmt::Display for GcpKeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/cryptoKeys/{}", self.key_ring_name(), self.key)
    }
}

/// Project ids: 6-30 lower-case letters, digits or hyphens, starting with a letter, not ending
/// with a hyphen. (Legacy domain-scoped ids `example.com:p` are accepted too.)
fn check_project(project: &str) -> Result<(), ParseError> {
    let id = project.rsplit(':').next().unwrap_or(project);
    let ok = (6..=30).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && !id.ends_with('-')
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ParseError::new(
            "Google Cloud project id",
            project,
            "a project id is 6-30 lower-case letters, digits or hyphens, starting with a letter (the id, not the \
             project's display name or number)",
        ))
    }
}

/// Checks a project id typed on its own (the wizard's field), as `GcpKeyName::new` does.
pub fn check_project_id(project: &str) -> Result<(), ParseError> {
    check_project(project)
}

/// Checks a key ring id typed on its own, as `GcpKeyName::new` does.
pub fn check_key_ring_id(id: &str) -> Result<(), ParseError> {
    check_resource_id("key ring id", id)
}

/// Checks a crypto key id typed on its own, as `GcpKeyName::new` does.
pub fn check_crypto_key_id(id: &str) -> Result<(), ParseError> {
    check_resource_id("crypto key id", id)
}

/// Key ring and key ids: 1-63 letters, digits, underscores or hyphens (Cloud KMS's rule).
fn check_resource_id(what: &'static str, id: &str) -> Result<(), ParseError> {
    let ok = (1..=63).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok { Ok(()) } else { Err(ParseError::new(what, id, "1-63 letters, digits, underscores or hyphens")) }
}

/// A Cloud KMS location id (`us-central1`, `us`, `global`, `europe-west1`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GcpLocation(String);

/// What a location is, as far as CMEK is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocationKind {
    /// One US region: supported.
    UsRegion,
    /// `us`, `global`, `nam*` and other multi- or dual-regions: not supported.
    MultiRegion,
    /// A region outside the US: not supported.
    NonUs,
}

/// Google's US regions (single regions with Cloud KMS), late 2026.
const US_REGIONS: [&str; 9] =
    ["us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "us-west2", "us-west3", "us-west4"];

impl GcpLocation {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let ok = !input.is_empty()
            && input.len() <= 63
            && input.starts_with(|c: char| c.is_ascii_lowercase())
            && input.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(input.to_string()))
        } else {
            Err(ParseError::new(
                "Cloud KMS location",
                input,
                "expected a location id such as us-central1 or us-east5 (lower case)",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> LocationKind {
        let id = self.0.as_str();
        if US_REGIONS.contains(&id) {
            LocationKind::UsRegion
        } else if id == "us" || id == "global" || id.starts_with("nam") || !id.contains('-') {
            LocationKind::MultiRegion
        } else {
            LocationKind::NonUs
        }
    }

    /// The US regions a key ring may be in, for messages and the wizard's choice.
    pub fn us_regions() -> &'static [&'static str] {
        &US_REGIONS
    }
}

impl fmt::Display for GcpLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The label the key carries for the organisation: `anthropic-org-<org uuid, lower case>`
/// (value `true`); 50 characters, within Google's 63-character lower-case label rules.
pub fn org_label_key(org: &OrgUuid) -> String {
    format!("anthropic-org-{}", org.to_string().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";

    #[test]
    fn a_key_name_round_trips_and_names_its_ring() {
        let k = GcpKeyName::parse(NAME).unwrap();
        assert_eq!(k.to_string(), NAME);
        assert_eq!(k.key_ring_name(), "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek");
        assert_eq!(k.location().kind(), LocationKind::UsRegion);
    }

    #[test]
    fn a_version_suffix_is_refused_with_the_key_name_to_use() {
        let e = GcpKeyName::parse(&format!("{NAME}/cryptoKeyVersions/1")).unwrap_err();
        assert!(e.reason.contains(NAME) && e.reason.contains("without /cryptoKeyVersions"), "{e}");
    }

    #[test]
    fn malformed_names_say_the_form() {
        for bad in [
            "",
            "projects/p",
            "projects/cmek-sandbox/locations/us-central1/keyRings/r/keys/k",
            "projects/Bad_Project/locations/us-central1/keyRings/r/cryptoKeys/k",
            "projects/cmek-sandbox/locations/us-central1/keyRings/r r/cryptoKeys/k",
            "projects/cmek-sandbox/locations/US/keyRings/r/cryptoKeys/k",
        ] {
            assert!(GcpKeyName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_single_us_regions_are_supported() {
        let kind = |l: &str| GcpLocation::parse(l).unwrap().kind();
        assert_eq!(kind("us-east5"), LocationKind::UsRegion);
        for multi in ["us", "global", "nam4", "eur3", "asia"] {
            assert_eq!(kind(multi), LocationKind::MultiRegion, "{multi}");
        }
        assert_eq!(kind("europe-west1"), LocationKind::NonUs);
        assert_eq!(kind("northamerica-northeast1"), LocationKind::NonUs);
    }

    #[test]
    fn ids_typed_on_their_own_are_checked_as_in_a_key_name() {
        assert!(check_project_id("cmek-sandbox").is_ok() && check_project_id("example.com:cmek-sandbox").is_ok());
        let e = check_project_id("123456789012").unwrap_err();
        assert_eq!(e.what, "Google Cloud project id");
        assert!(e.reason.contains("not the project's display name or number"), "{e}");
        assert!(check_key_ring_id("anthropic_cmek-1").is_ok() && check_key_ring_id("").is_err());
        assert_eq!(check_crypto_key_id("a b").unwrap_err().what, "crypto key id");
    }

    #[test]
    fn the_org_label_is_lower_case_and_fits_google_rules() {
        let org: OrgUuid = "5A3C9E7D-2B14-4F6A-9C8E-1D2F3A4B5C6D".parse().unwrap();
        let label = org_label_key(&org);
        assert_eq!(label, "anthropic-org-5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d");
        assert_eq!(label.len(), 50);
    }
}
