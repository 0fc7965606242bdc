//! The server certificate the Azure emulator presents: the Azure host names, issued by the
//! sandbox CA (`crate::sandbox_ca`), so official clients speak TLS to loopback after trusting it.

use std::sync::Arc;

use crate::sandbox_ca::SandboxCa;

/// The names the server certificate covers (loopback plus the real Azure hosts, which clients
/// reach through the sandbox's proxy or resolve to 127.0.0.1).
pub const SERVER_NAMES: &[&str] = &[
    "localhost",
    "127.0.0.1",
    "*.vault.azure.net",
    "management.azure.com",
    "graph.microsoft.com",
    "login.microsoftonline.com",
];

/// The emulator's TLS configuration, from `ca`.
pub fn server_config(ca: &SandboxCa) -> Result<Arc<rustls::ServerConfig>, String> {
    let names: Vec<String> = SERVER_NAMES.iter().map(|n| n.to_string()).collect();
    ca.server_config("cmek sandbox Azure", &names)
}
