//! What a standard Azure client needs to reach the sandbox's emulated Azure (`cmek sandbox`).

use cmek_sandbox::{AzureSandboxEndpoints, SandboxEndpoints};
use secrecy::ExposeSecret;

/// What a standard Azure client needs to reach the emulated Azure: the vault by its real URL
/// (`https://<vault>.vault.azure.net`, reached through the sandbox's proxy like Entra ID, ARM and
/// Graph), and the App Service managed-identity endpoint (the customer's principal, on loopback).
/// No AZURE_CLIENT_SECRET: with one, DefaultAzureCredential's EnvironmentCredential would come
/// first and sign in with the client secret. For a client that signs in with the secret itself
/// (ClientSecretCredential, `az login --service-principal`), the secret under a name no Azure
/// library reads, `CMEK_SANDBOX_AZURE_CLIENT_SECRET`.
pub fn exports(e: &SandboxEndpoints) -> Vec<String> {
    let az = &e.azure;
    vec![
        format!("export AZURE_KEYVAULT_URL={}", vault_uri(az)),
        format!("export IDENTITY_ENDPOINT={}", az.identity_endpoint),
        format!("export IDENTITY_HEADER={}", az.identity_header.expose_secret()),
        format!("export AZURE_TENANT_ID={}", az.tenant_id),
        format!("export AZURE_CLIENT_ID={}", az.client_id),
        format!("export CMEK_SANDBOX_AZURE_CLIENT_SECRET={}", az.client_secret.expose_secret()),
        format!("# azure vault: {} (through the proxy)", vault_uri(az)),
        format!(
            "# azure direct: https://localhost:{} (every Azure API on loopback, without the proxy; Key Vault there \
             is the first vault)",
            az.port
        ),
        "# azure identity: ManagedIdentityCredential or DefaultAzureCredential (the managed identity is the customer's \
         principal)"
            .to_string(),
        "# azure client secret: ClientSecretCredential(os.environ[\"AZURE_TENANT_ID\"], \
         os.environ[\"AZURE_CLIENT_ID\"], os.environ[\"CMEK_SANDBOX_AZURE_CLIENT_SECRET\"])"
            .to_string(),
        "# azure cli: az login --service-principal --username \"$AZURE_CLIENT_ID\" --password \
         \"$CMEK_SANDBOX_AZURE_CLIENT_SECRET\" --tenant \"$AZURE_TENANT_ID\""
            .to_string(),
    ]
}

/// `https://<vault>.vault.azure.net`, from the data-plane URL with its port.
fn vault_uri(az: &AzureSandboxEndpoints) -> String {
    az.vault_url.rsplit_once(':').map_or_else(|| az.vault_url.clone(), |(uri, _)| uri.to_string())
}
