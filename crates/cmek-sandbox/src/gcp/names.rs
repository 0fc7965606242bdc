//! Cloud KMS resource names (`projects/P/locations/L/keyRings/R/cryptoKeys/K/cryptoKeyVersions/V`),
//! the ids Cloud KMS accepts (`[a-zA-Z0-9_-]{1,63}`), and the locations it knows.

use std::fmt;

use super::errors::{GResult, GoogleError};

/// The locations Cloud KMS serves (regions, multi-regions, `global`). A key ring anywhere else
/// is refused as Google refuses it: the request "concerns" a location Cloud KMS does not know.
pub const LOCATIONS: &[&str] = &[
    "global",
    "us",
    "europe",
    "asia",
    "nam3",
    "nam4",
    "nam6",
    "nam7",
    "nam8",
    "nam9",
    "nam10",
    "nam11",
    "nam12",
    "nam13",
    "nam14",
    "nam15",
    "eur3",
    "eur4",
    "eur5",
    "eur6",
    "asia1",
    "nam-eur-asia1",
    "us-central1",
    "us-central2",
    "us-east1",
    "us-east4",
    "us-east5",
    "us-east7",
    "us-south1",
    "us-west1",
    "us-west2",
    "us-west3",
    "us-west4",
    "us-west8",
    "northamerica-northeast1",
    "northamerica-northeast2",
    "northamerica-south1",
    "southamerica-east1",
    "southamerica-west1",
    "europe-central2",
    "europe-north1",
    "europe-north2",
    "europe-southwest1",
    "europe-west1",
    "europe-west2",
    "europe-west3",
    "europe-west4",
    "europe-west6",
    "europe-west8",
    "europe-west9",
    "europe-west10",
    "europe-west12",
    "asia-east1",
    "asia-east2",
    "asia-northeast1",
    "asia-northeast2",
    "asia-northeast3",
    "asia-south1",
    "asia-south2",
    "asia-southeast1",
    "asia-southeast2",
    "australia-southeast1",
    "australia-southeast2",
    "me-central1",
    "me-central2",
    "me-west1",
    "africa-south1",
];

pub fn known_location(location: &str) -> bool {
    LOCATIONS.contains(&location)
}

/// A key ring, crypto key or import job id: 1 to 63 letters, digits, `_` and `-`.
pub fn valid_id(id: &str) -> bool {
    (1..=63).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Refuses an id that does not match Cloud KMS's pattern.
pub fn check_id(field: &str, id: &str) -> GResult<()> {
    if valid_id(id) {
        Ok(())
    } else {
        Err(GoogleError::invalid_argument(format!(
            "Invalid {field} '{id}': it must match the regular expression [a-zA-Z0-9_-]{{1,63}}."
        )))
    }
}

/// A location is answered for only when Cloud KMS serves it.
pub fn check_location(project: &str, location: &str) -> GResult<()> {
    if known_location(location) {
        Ok(())
    } else {
        Err(GoogleError::not_found(format!(
            "The request concerns location '{location}' but was sent to location 'global'. Either Cloud KMS is not \
             available in '{location}' or the request was misrouted (projects/{project}/locations/{location})."
        )))
    }
}

/// `projects/P/locations/L`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationName {
    pub project: String,
    pub location: String,
}

/// `projects/P/locations/L/keyRings/R`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRingName {
    pub parent: LocationName,
    pub ring: String,
}

/// `.../keyRings/R/cryptoKeys/K`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CryptoKeyName {
    pub ring: KeyRingName,
    pub key: String,
}

/// `.../cryptoKeys/K/cryptoKeyVersions/V`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionName {
    pub key: CryptoKeyName,
    pub version: u32,
}

impl fmt::Display for LocationName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "projects/{}/locations/{}", self.project, self.location)
    }
}

impl fmt::Display for KeyRingName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/keyRings/{}", self.parent, self.ring)
    }
}

impl fmt::Display for CryptoKeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/cryptoKeys/{}", self.ring, self.key)
    }
}

impl fmt::Display for VersionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/cryptoKeyVersions/{}", self.key, self.version)
    }
}

impl KeyRingName {
    pub fn project(&self) -> &str {
        &self.parent.project
    }
}

impl CryptoKeyName {
    pub fn project(&self) -> &str {
        self.ring.project()
    }

    /// Parses a full key name (as the platform registers it).
    pub fn parse(name: &str) -> Option<CryptoKeyName> {
        match name.split('/').collect::<Vec<_>>().as_slice() {
            ["projects", p, "locations", l, "keyRings", r, "cryptoKeys", k]
                if [p, l, r, k].iter().all(|s| !s.is_empty()) =>
            {
                Some(CryptoKeyName {
                    ring: KeyRingName {
                        parent: LocationName { project: p.to_string(), location: l.to_string() },
                        ring: r.to_string(),
                    },
                    key: k.to_string(),
                })
            }
            _ => None,
        }
    }

    pub fn version(&self, version: u32) -> VersionName {
        VersionName { key: self.clone(), version }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names() {
        assert!(valid_id("anthropic-cmek") && valid_id("A_b-9") && valid_id(&"x".repeat(63)));
        assert!(!valid_id("") && !valid_id(&"x".repeat(64)) && !valid_id("a.b") && !valid_id("a/b"));
        assert!(check_id("key_ring_id", "bad id").unwrap_err().message.contains("[a-zA-Z0-9_-]{1,63}"));
        assert!(known_location("us-central1") && known_location("us") && known_location("global"));
        assert_eq!(check_location("p", "mars-north1").unwrap_err().status, "NOT_FOUND");
        let name = "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k";
        let parsed = CryptoKeyName::parse(name).unwrap();
        assert_eq!(parsed.to_string(), name);
        assert_eq!(parsed.version(3).to_string(), format!("{name}/cryptoKeyVersions/3"));
        assert!(CryptoKeyName::parse(&format!("{name}/cryptoKeyVersions/1")).is_none());
        assert!(CryptoKeyName::parse("projects//locations/l/keyRings/r/cryptoKeys/k").is_none());
    }
}
