//! What a standard Azure client needs to reach the sandbox's emulated Azure (`cmek sandbox`).

use cmek_sandbox::ca_bundle::CaBundle;
use cmek_sandbox::{AzureSandboxEndpoints, SandboxEndpoints};
use secrecy::ExposeSecret;

/// What a standard Azure client on this machine needs to reach the emulated vault, which it
/// resolves through real DNS: the vault as `https://localhost:<port>` (the emulator's first
/// vault), the CA bundle, and the App Service managed-identity endpoint (the customer's
/// principal). No AZURE_CLIENT_SECRET: with one, DefaultAzureCredential's EnvironmentCredential
/// would come first and sign in with the client secret. For a client that signs in with the
/// secret itself (ClientSecretCredential), the emulated Entra ID as `AZURE_AUTHORITY_HOST` and the
/// secret under a name no Azure library reads, `CMEK_SANDBOX_AZURE_CLIENT_SECRET`.
pub fn exports(e: &SandboxEndpoints, ca: &CaBundle) -> Vec<String> {
    let az = &e.azure;
    let bundle = ca.path.display();
    let roots = if ca.with_system_roots { "the sandbox CA, then the system roots" } else { "the sandbox CA only" };
    vec![
        format!("export AZURE_KEYVAULT_URL=https://localhost:{}", az.port),
        format!("export SSL_CERT_FILE={bundle}"),
        format!("export REQUESTS_CA_BUNDLE={bundle}"),
        format!("export IDENTITY_ENDPOINT={}", az.identity_endpoint),
        format!("export IDENTITY_HEADER={}", az.identity_header.expose_secret()),
        format!("export AZURE_TENANT_ID={}", az.tenant_id),
        format!("export AZURE_CLIENT_ID={}", az.client_id),
        format!("export AZURE_AUTHORITY_HOST=https://localhost:{}", az.port),
        format!("export CMEK_SANDBOX_AZURE_CLIENT_SECRET={}", az.client_secret.expose_secret()),
        format!("# azure vault: {} (ARM vaultUri; AZURE_KEYVAULT_URL reaches it on loopback)", vault_uri(az)),
        format!("# azure ca bundle: {roots}"),
        "# azure identity: ManagedIdentityCredential or DefaultAzureCredential (the managed identity is the customer's \
         principal)"
            .to_string(),
        "# azure python: KeyClient(os.environ[\"AZURE_KEYVAULT_URL\"], credential, verify_challenge_resource=False) \
         (the challenge names vault.azure.net, which `localhost` is not under)"
            .to_string(),
        "# azure client secret: ClientSecretCredential(os.environ[\"AZURE_TENANT_ID\"], \
         os.environ[\"AZURE_CLIENT_ID\"], os.environ[\"CMEK_SANDBOX_AZURE_CLIENT_SECRET\"], \
         authority=os.environ[\"AZURE_AUTHORITY_HOST\"], disable_instance_discovery=True) (MSAL asks the real \
         login.microsoftonline.com whether an authority named `localhost` exists unless told not to)"
            .to_string(),
    ]
}

/// `https://<vault>.vault.azure.net`, from the data-plane URL with its port.
fn vault_uri(az: &AzureSandboxEndpoints) -> String {
    az.vault_url.rsplit_once(':').map_or_else(|| az.vault_url.clone(), |(uri, _)| uri.to_string())
}
