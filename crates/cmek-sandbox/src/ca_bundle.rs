//! The CA bundle `cmek sandbox` hands standard clients (SSL_CERT_FILE, REQUESTS_CA_BUNDLE,
//! AWS_CA_BUNDLE, ...): the sandbox CA followed by the system's roots, so a shell that exports it
//! still trusts real HTTPS sites. Written next to the `--state` file when there is one (`<stem>.ca.pem`),
//! else into a private temporary directory that is removed when the bundle is dropped.

use std::path::{Path, PathBuf};

use super::SandboxError;

const WHAT: &str = "sandbox";

/// Where Linux and macOS keep the system roots, in the order OpenSSL distributions use.
const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// A written bundle; dropping it removes a temporary one.
#[derive(Debug)]
pub struct CaBundle {
    pub path: PathBuf,
    /// Whether the system roots were found and appended.
    pub with_system_roots: bool,
    _dir: Option<tempfile::TempDir>,
}

/// Writes the sandbox CA (plus the system roots found) next to `state_file`, or into a private
/// temporary directory.
pub fn write(ca_pem: &str, state_file: Option<&Path>) -> Result<CaBundle, SandboxError> {
    let fail = |path: &Path, e: std::io::Error| SandboxError::Config {
        what: WHAT,
        message: format!("cannot write the sandbox CA bundle {}: {e}", path.display()),
    };
    let (path, dir) = match state_file {
        Some(state) => {
            let stem = state.file_stem().map_or_else(|| "sandbox".into(), |s| s.to_string_lossy().into_owned());
            let path = state.with_file_name(format!("{stem}.ca.pem"));
            // Absolute: clients read SSL_CERT_FILE from wherever they run.
            (std::path::absolute(&path).unwrap_or(path), None)
        }
        None => {
            let dir = tempfile::Builder::new()
                .prefix("cmek-sandbox-")
                .tempdir()
                .map_err(|e| fail(&std::env::temp_dir(), e))?;
            (dir.path().join("ca.pem"), Some(dir))
        }
    };
    let system = system_roots();
    let mut text = ca_pem.trim_end().to_string();
    text.push('\n');
    if let Some(roots) = &system {
        text.push_str(roots);
    }
    std::fs::write(&path, text).map_err(|e| fail(&path, e))?;
    Ok(CaBundle { path, with_system_roots: system.is_some(), _dir: dir })
}

/// The first system bundle that can be read.
fn system_roots() -> Option<String> {
    SYSTEM_BUNDLES.iter().find_map(|p| std::fs::read_to_string(p).ok().filter(|t| t.contains("BEGIN CERTIFICATE")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    #[test]
    fn next_to_the_state_file_or_in_a_private_directory_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = write(PEM, Some(&dir.path().join("state.json"))).unwrap();
        assert_eq!(bundle.path, dir.path().join("state.ca.pem"));
        assert!(std::fs::read_to_string(&bundle.path).unwrap().starts_with(PEM));

        let temporary = write(PEM, None).unwrap();
        let path = temporary.path.clone();
        assert!(path.exists());
        drop(temporary);
        assert!(!path.exists());
    }
}
