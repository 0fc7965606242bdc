//! Which resource and verb a path names: `/v1/projects/P/locations/L/keyRings/R/cryptoKeys/K:encrypt`
//! and the rest of Cloud KMS's REST surface, plus the two neighbours CMEK needs on the same
//! listener: Resource Manager's project IAM policy (`/v1|v3/projects/P:getIamPolicy`) and Service
//! Usage's view of the Cloud KMS API (`/v1/projects/P/services/cloudkms.googleapis.com[:enable]`).

use super::errors::{GResult, GoogleError};
use super::names::{CryptoKeyName, KeyRingName, LocationName, VersionName, check_id};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Locations {
        project: String,
    },
    Location(LocationName),
    KeyRings(LocationName),
    KeyRing(KeyRingName),
    CryptoKeys(KeyRingName),
    CryptoKey(CryptoKeyName),
    Versions(CryptoKeyName),
    Version(VersionName),
    /// Resource Manager: the project itself (its IAM policy).
    Project {
        project: String,
    },
    /// Service Usage: one API of a project.
    Service {
        project: String,
        service: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub target: Target,
    /// The custom method after `:` (`encrypt`, `getIamPolicy`, ...).
    pub verb: Option<String>,
}

fn unknown(path: &str) -> GoogleError {
    GoogleError::not_found(format!("The requested URL {path} was not found on this server."))
}

pub fn parse(path: &str) -> GResult<Route> {
    let (v3, rest) = match (path.strip_prefix("/v1/"), path.strip_prefix("/v3/")) {
        (Some(rest), _) => (false, rest),
        (None, Some(rest)) => (true, rest),
        _ => return Err(unknown(path)),
    };
    let mut segments: Vec<String> = rest.trim_end_matches('/').split('/').map(str::to_string).collect();
    let verb =
        match segments.last_mut().and_then(|last| last.split_once(':').map(|(a, b)| (a.to_string(), b.to_string()))) {
            Some((resource, verb)) => {
                if let Some(last) = segments.last_mut() {
                    *last = resource;
                }
                Some(verb)
            }
            None => None,
        };
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let location = |p: &str, l: &str| LocationName { project: p.to_string(), location: l.to_string() };
    let ring = |p: &str, l: &str, r: &str| -> GResult<KeyRingName> {
        check_id("key ring id", r)?;
        Ok(KeyRingName { parent: location(p, l), ring: r.to_string() })
    };
    let key = |p: &str, l: &str, r: &str, k: &str| -> GResult<CryptoKeyName> {
        check_id("crypto key id", k)?;
        Ok(CryptoKeyName { ring: ring(p, l, r)?, key: k.to_string() })
    };
    let target = match s.as_slice() {
        ["projects", p] if !p.is_empty() => Target::Project { project: p.to_string() },
        _ if v3 => return Err(unknown(path)),
        ["projects", p, "services", svc] => Target::Service { project: p.to_string(), service: svc.to_string() },
        ["projects", p, "locations"] => Target::Locations { project: p.to_string() },
        ["projects", p, "locations", l] => Target::Location(location(p, l)),
        ["projects", p, "locations", l, "keyRings"] => Target::KeyRings(location(p, l)),
        ["projects", p, "locations", l, "keyRings", r] => Target::KeyRing(ring(p, l, r)?),
        ["projects", p, "locations", l, "keyRings", r, "cryptoKeys"] => Target::CryptoKeys(ring(p, l, r)?),
        ["projects", p, "locations", l, "keyRings", r, "cryptoKeys", k] => Target::CryptoKey(key(p, l, r, k)?),
        ["projects", p, "locations", l, "keyRings", r, "cryptoKeys", k, "cryptoKeyVersions"] => {
            Target::Versions(key(p, l, r, k)?)
        }
        ["projects", p, "locations", l, "keyRings", r, "cryptoKeys", k, "cryptoKeyVersions", v] => {
            let version = v
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| GoogleError::invalid_argument(format!("Invalid crypto key version id '{v}'.")))?;
            Target::Version(VersionName { key: key(p, l, r, k)?, version })
        }
        _ => return Err(unknown(path)),
    };
    if s.iter().any(|seg| seg.is_empty()) {
        return Err(unknown(path));
    }
    Ok(Route { target, verb })
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "/v1/projects/p/locations/us-central1/keyRings/r/cryptoKeys/k";

    #[test]
    fn paths_become_routes() {
        let r = parse(&format!("{KEY}:encrypt")).unwrap();
        assert!(matches!(r.target, Target::CryptoKey(ref k) if k.key == "k"));
        assert_eq!(r.verb.as_deref(), Some("encrypt"));
        let r = parse(&format!("{KEY}/cryptoKeyVersions/2:restore")).unwrap();
        assert!(matches!(r.target, Target::Version(ref v) if v.version == 2));
        let r = parse("/v1/projects/p/locations/us-central1/keyRings/r:getIamPolicy").unwrap();
        assert!(matches!(r.target, Target::KeyRing(_)));
        assert_eq!(parse("/v3/projects/p:getIamPolicy").unwrap().target, Target::Project { project: "p".into() });
        let svc = parse("/v1/projects/p/services/cloudkms.googleapis.com:enable").unwrap();
        assert_eq!(svc.target, Target::Service { project: "p".into(), service: "cloudkms.googleapis.com".into() });
        assert_eq!(svc.verb.as_deref(), Some("enable"));
        assert_eq!(parse("/v2/x").unwrap_err().status, "NOT_FOUND");
        assert_eq!(parse("/v3/projects/p/locations").unwrap_err().status, "NOT_FOUND");
        assert_eq!(parse(&format!("{KEY}/cryptoKeyVersions/x")).unwrap_err().status, "INVALID_ARGUMENT");
        assert_eq!(parse(&format!("{KEY}/cryptoKeyVersions/0")).unwrap_err().status, "INVALID_ARGUMENT");
        assert_eq!(parse("/v1/projects/p/locations/l/keyRings/a.b").unwrap_err().status, "INVALID_ARGUMENT");
        assert_eq!(parse("/v1/projects//locations").unwrap_err().status, "NOT_FOUND");
        assert_eq!(parse("/v1/").unwrap_err().status, "NOT_FOUND");
    }
}
