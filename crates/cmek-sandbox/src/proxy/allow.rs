//! Which host names the proxy answers for, and which emulator stands behind each: the real names
//! of the services the sandbox emulates, nothing else. Pure; `connection` asks it per CONNECT.

use cmek_core::model::azure::VaultUri;

use crate::aws;

/// The emulator that answers for a host name: Azure's presents the names on its own TLS
/// listener (the proxy passes the TLS bytes through); the others are plain HTTP behind the
/// proxy's TLS.
pub use crate::traffic::Service;

/// Names answered exactly.
const EXACT: &[(&str, Service)] = &[
    ("management.azure.com", Service::Azure),
    ("login.microsoftonline.com", Service::Azure),
    ("graph.microsoft.com", Service::Azure),
    ("sts.amazonaws.com", Service::Aws),
    ("cloudkms.googleapis.com", Service::Gcp),
    ("cloudresourcemanager.googleapis.com", Service::Gcp),
    ("serviceusage.googleapis.com", Service::Gcp),
    ("api.anthropic.com", Service::Platform),
];

/// The names as people read them, for the refusal and the docs.
pub const ANSWERED: &str = "<vault>.vault.azure.net, management.azure.com, login.microsoftonline.com, \
graph.microsoft.com, kms.<region>.amazonaws.com, sts.amazonaws.com, sts.<region>.amazonaws.com, \
cloudkms.googleapis.com, cloudresourcemanager.googleapis.com, serviceusage.googleapis.com, api.anthropic.com";

/// The only port a tunnel may be opened to.
pub const HTTPS_PORT: u16 = 443;

/// The emulator behind `host` (a name as sent in CONNECT; case and a final dot ignored), or
/// `None`: not a service the sandbox emulates.
pub fn service(host: &str) -> Option<Service> {
    let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    if let Some((_, service)) = EXACT.iter().find(|(name, _)| *name == host) {
        return Some(*service);
    }
    if host.ends_with(".vault.azure.net") {
        // Key Vault's own naming rule: a name it would never resolve is refused, not tunnelled.
        return VaultUri::parse(&format!("https://{host}")).is_ok().then_some(Service::Azure);
    }
    let region = host
        .strip_suffix(".amazonaws.com")
        .and_then(|rest| rest.strip_prefix("kms.").or_else(|| rest.strip_prefix("sts.")))?;
    aws::is_known_region(region).then_some(Service::Aws)
}

/// Every name the proxy's own certificate must cover (the services it terminates TLS for).
pub fn terminated_names() -> Vec<String> {
    let mut names: Vec<String> =
        EXACT.iter().filter(|(_, s)| *s != Service::Azure).map(|(name, _)| name.to_string()).collect();
    for region in aws::known_regions() {
        names.push(format!("kms.{region}.amazonaws.com"));
        names.push(format!("sts.{region}.amazonaws.com"));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_real_names_of_the_emulated_services_and_nothing_else() {
        assert_eq!(service("cmek-sandbox.vault.azure.net"), Some(Service::Azure));
        assert_eq!(service("CMEK-Sandbox.Vault.Azure.NET."), Some(Service::Azure));
        assert_eq!(service("management.azure.com"), Some(Service::Azure));
        assert_eq!(service("login.microsoftonline.com"), Some(Service::Azure));
        assert_eq!(service("graph.microsoft.com"), Some(Service::Azure));
        assert_eq!(service("kms.us-east-2.amazonaws.com"), Some(Service::Aws));
        assert_eq!(service("kms.af-south-1.amazonaws.com"), Some(Service::Aws), "opt-in: the emulator refuses it");
        assert_eq!(service("sts.amazonaws.com"), Some(Service::Aws));
        assert_eq!(service("sts.eu-west-1.amazonaws.com"), Some(Service::Aws));
        assert_eq!(service("cloudkms.googleapis.com"), Some(Service::Gcp));
        assert_eq!(service("api.anthropic.com"), Some(Service::Platform));

        for other in [
            "example.com",
            "kms.us-nowhere-9.amazonaws.com",
            "s3.us-east-2.amazonaws.com",
            "iam.amazonaws.com",
            "x.kms.us-east-2.amazonaws.com",
            "vault.azure.net",
            "a.b.vault.azure.net",
            "ab.vault.azure.net",
            "abc-.vault.azure.net",
            "a--b.vault.azure.net",
            "storage.googleapis.com",
            "anthropic.com",
            "api.anthropic.com.evil.example",
            "",
        ] {
            assert_eq!(service(other), None, "{other}");
        }
    }

    #[test]
    fn the_proxy_certificate_covers_every_name_it_terminates() {
        let names = terminated_names();
        for name in ["kms.us-east-2.amazonaws.com", "sts.amazonaws.com", "cloudkms.googleapis.com", "api.anthropic.com"]
        {
            assert!(names.iter().any(|n| n == name), "{name}");
        }
        assert!(names.iter().all(|n| service(n).is_some_and(|s| s != Service::Azure)), "{names:?}");
    }
}
