//! Python's `azure-identity` signs in to the emulated Entra ID with a client secret: MSAL reads
//! the OpenID discovery document (and, for an authority it does not know, the instance discovery
//! document) before it asks for a token. Three ways, each through the official clients from
//! `.venv` (scripts/install-test-peers.sh), a missing venv FAILS the test:
//!
//! 1. with ONLY `cmek sandbox`'s exports: `ClientSecretCredential(tenant, client, secret)` as for
//!    the real Entra ID (through the sandbox's HTTPS proxy, which answers as
//!    `login.microsoftonline.com`), reading a key through `KeyClient` (and
//!    `DefaultAzureCredential`, with the same variables, still picks the managed identity);
//! 2. without the proxy, Azure's real host names resolved to loopback (as /etc/hosts would), on
//!    the emulator's own port (the `# azure direct` line);
//! 3. MSAL itself, told to run instance discovery against the emulator.

use std::path::Path;
use std::process::Command;

use crate::foreground::Foreground;
use crate::peers::python;

/// Every Azure variable `cmek sandbox` prints, with the proxy and CA bundle variables.
const AZURE_VARS: [&str; 10] = [
    "AZURE_KEYVAULT_URL",
    "HTTPS_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "CMEK_SANDBOX_AZURE_CLIENT_SECRET",
];

/// Runs `script` with the Azure exports only (plus PATH and an empty HOME), the proxy's left out
/// unless `proxy`; returns stdout.
fn run(sandbox: &Foreground, home: &Path, proxy: bool, script: &str, args: &[&str]) -> String {
    for var in AZURE_VARS {
        assert!(sandbox.exports.contains_key(var), "{var} is not exported: {:?}", sandbox.exports);
    }
    let vars = AZURE_VARS.iter().filter(|v| proxy || !v.ends_with("_PROXY"));
    let out = Command::new(python())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .envs(vars.map(|v| (*v, sandbox.exports[*v].as_str())))
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
)
client = KeyClient(os.environ["AZURE_KEYVAULT_URL"], credential)
created = client.create_rsa_key("py-client-secret", size=3072, key_operations=["wrapKey", "unwrapKey"])
got = client.get_key("py-client-secret")
assert got.id == created.id and got.key_type == "RSA", (got.id, created.id, got.key_type)

# The same variables leave DefaultAzureCredential on the managed identity (no AZURE_CLIENT_SECRET).
default = KeyClient(os.environ["AZURE_KEYVAULT_URL"], DefaultAzureCredential())
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
authority_host = "https://login.microsoftonline.com"
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
    assert!(!sandbox.exports.contains_key("AZURE_AUTHORITY_HOST"), "the default authority is answered");
    assert!(!sandbox.notes["azure client secret"].contains("authority"), "{:?}", sandbox.notes);

    let out = run(&sandbox, home.path(), true, WITH_THE_EXPORTS, &[]);
    assert!(out.contains("client secret read: https://cmek-sandbox.vault.azure.net/keys/py-client-secret/"), "{out}");

    let direct = &sandbox.notes["azure direct"];
    let port = direct.split_whitespace().next().unwrap().rsplit(':').next().unwrap().to_string();
    let out = run(&sandbox, home.path(), false, WITH_REAL_HOST_NAMES, &[&port]);
    assert!(
        out.contains(&format!("real names read: https://cmek-sandbox.vault.azure.net:{port}/keys/py-client-secret/")),
        "{out}"
    );

    let out = run(&sandbox, home.path(), true, MSAL_INSTANCE_DISCOVERY, &[]);
    assert!(out.contains("msal token from https://login.microsoftonline.com/"), "{out}");
    assert_eq!(sandbox.interrupt(), 0);
}
