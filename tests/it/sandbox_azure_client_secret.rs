//! Python's `azure-identity` signs in to the emulated Entra ID with a client secret: MSAL reads
//! the OpenID discovery document (and, for an authority it does not know, the instance discovery
//! document) before it asks for a token. Three ways, each through the official clients from
//! `.venv` (scripts/install-test-peers.sh), a missing venv FAILS the test:
//!
//! 1. with ONLY `cmek sandbox`'s exports: `ClientSecretCredential` with `AZURE_AUTHORITY_HOST` and
//!    `CMEK_SANDBOX_AZURE_CLIENT_SECRET`, reading a key through `KeyClient` (and
//!    `DefaultAzureCredential`, with the same variables, still picks the managed identity);
//! 2. with Azure's real host names resolved to loopback (as /etc/hosts would), the authority
//!    being `https://login.microsoftonline.com:<port>`: a host MSAL knows, so no instance
//!    discovery to turn off;
//! 3. MSAL itself, told to run instance discovery against the emulator.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::foreground::Foreground;

/// Every Azure variable `cmek sandbox` prints.
const AZURE_VARS: [&str; 9] = [
    "AZURE_KEYVAULT_URL",
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_AUTHORITY_HOST",
    "CMEK_SANDBOX_AZURE_CLIENT_SECRET",
];

fn python() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(path.exists(), "{} is missing: run scripts/install-test-peers.sh", path.display());
    path
}

/// Runs `script` with the Azure exports only (plus PATH and an empty HOME); returns stdout.
fn run(sandbox: &Foreground, home: &Path, script: &str, args: &[&str]) -> String {
    for var in AZURE_VARS {
        assert!(sandbox.exports.contains_key(var), "{var} is not exported: {:?}", sandbox.exports);
    }
    let out = Command::new(python())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .envs(AZURE_VARS.iter().map(|v| (*v, sandbox.exports[*v].as_str())))
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the Python client failed:\n{stdout}\n{stderr}");
    stdout.into_owned()
}

const WITH_THE_EXPORTS: &str = r#"
import os
from azure.identity import ClientSecretCredential, DefaultAzureCredential
from azure.keyvault.keys import KeyClient

credential = ClientSecretCredential(
    os.environ["AZURE_TENANT_ID"],
    os.environ["AZURE_CLIENT_ID"],
    os.environ["CMEK_SANDBOX_AZURE_CLIENT_SECRET"],
    authority=os.environ["AZURE_AUTHORITY_HOST"],
    disable_instance_discovery=True,
)
client = KeyClient(os.environ["AZURE_KEYVAULT_URL"], credential, verify_challenge_resource=False)
created = client.create_rsa_key("py-client-secret", size=3072, key_operations=["wrapKey", "unwrapKey"])
got = client.get_key("py-client-secret")
assert got.id == created.id and got.key_type == "RSA", (got.id, created.id, got.key_type)

# The same variables leave DefaultAzureCredential on the managed identity (no AZURE_CLIENT_SECRET).
default = KeyClient(os.environ["AZURE_KEYVAULT_URL"], DefaultAzureCredential(), verify_challenge_resource=False)
assert default.get_key("py-client-secret").id == got.id
print("client secret read:", got.id)
"#;

const WITH_REAL_HOST_NAMES: &str = r#"
import os, socket, sys
port = int(sys.argv[1])
resolve = socket.getaddrinfo
def to_loopback(host, *args, **kwargs):
    if isinstance(host, str) and (host.endswith(".vault.azure.net") or host == "login.microsoftonline.com"):
        host = "127.0.0.1"
    return resolve(host, *args, **kwargs)
socket.getaddrinfo = to_loopback

from azure.identity import ClientSecretCredential
from azure.keyvault.keys import KeyClient
credential = ClientSecretCredential(
    os.environ["AZURE_TENANT_ID"],
    os.environ["AZURE_CLIENT_ID"],
    os.environ["CMEK_SANDBOX_AZURE_CLIENT_SECRET"],
    authority=f"https://login.microsoftonline.com:{port}",
)
# The challenge check compares host AND port with vault.azure.net: any port but 443 fails it.
client = KeyClient(f"https://cmek-sandbox.vault.azure.net:{port}", credential, verify_challenge_resource=False)
key = client.get_key("py-client-secret")
print("real names read:", key.id)
"#;

const MSAL_INSTANCE_DISCOVERY: &str = r#"
import os, msal
authority_host = os.environ["AZURE_AUTHORITY_HOST"]
app = msal.ConfidentialClientApplication(
    os.environ["AZURE_CLIENT_ID"],
    client_credential=os.environ["CMEK_SANDBOX_AZURE_CLIENT_SECRET"],
    authority=f"{authority_host}/{os.environ['AZURE_TENANT_ID']}",
    instance_discovery=f"{authority_host}/common/discovery/instance",
)
result = app.acquire_token_for_client(scopes=["https://vault.azure.net/.default"])
assert "access_token" in result, result
assert app.authority.token_endpoint.startswith(authority_host + "/"), app.authority.token_endpoint
print("msal token from", app.authority.token_endpoint)
"#;

#[test]
fn python_client_secret_credential_signs_in_to_the_emulated_entra_id() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    assert!(!sandbox.exports.contains_key("AZURE_CLIENT_SECRET"), "DefaultAzureCredential would use the secret");
    let authority = &sandbox.exports["AZURE_AUTHORITY_HOST"];
    assert!(authority.starts_with("https://localhost:"), "{authority}");
    assert!(sandbox.notes["azure client secret"].contains("disable_instance_discovery=True"), "{:?}", sandbox.notes);

    let out = run(&sandbox, home.path(), WITH_THE_EXPORTS, &[]);
    assert!(out.contains("client secret read: https://localhost:"), "{out}");

    let port = authority.rsplit(':').next().unwrap().to_string();
    let out = run(&sandbox, home.path(), WITH_REAL_HOST_NAMES, &[&port]);
    assert!(
        out.contains(&format!("real names read: https://cmek-sandbox.vault.azure.net:{port}/keys/py-client-secret/")),
        "{out}"
    );

    let out = run(&sandbox, home.path(), MSAL_INSTANCE_DISCOVERY, &[]);
    assert!(out.contains(&format!("msal token from {authority}/")), "{out}");
    assert_eq!(sandbox.interrupt(), 0);
}
