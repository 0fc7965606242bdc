//! The variables `cmek sandbox` prints for every standard client, whatever the cloud: the proxy
//! that answers for the emulated services' real host names, loopback kept off it, and the CA
//! bundle under each name the common clients read it from.

use cmek_sandbox::ca_bundle::CaBundle;

/// Both spellings of the proxy variables: some clients read only the lower-case one (curl,
/// wget), and Python prefers it, so a lower-case one already in the shell would win otherwise.
/// Loopback bypasses the proxy: `cmek` itself and the endpoints printed as `127.0.0.1` or
/// `localhost` are reached directly.
pub fn exports(proxy_url: &str, ca: &CaBundle) -> Vec<String> {
    let bundle = ca.path.display();
    let roots = if ca.with_system_roots { "the sandbox CA, then the system roots" } else { "the sandbox CA only" };
    vec![
        format!("export HTTPS_PROXY={proxy_url}"),
        format!("export https_proxy={proxy_url}"),
        format!("export NO_PROXY={NO_PROXY}"),
        format!("export no_proxy={NO_PROXY}"),
        format!("export SSL_CERT_FILE={bundle}"),
        format!("export REQUESTS_CA_BUNDLE={bundle}"),
        format!("export CURL_CA_BUNDLE={bundle}"),
        format!("export AWS_CA_BUNDLE={bundle}"),
        format!("export NODE_EXTRA_CA_CERTS={bundle}"),
        format!(
            "# proxy: answers CONNECT <name>:443 for {} and refuses everything else (nothing is forwarded to the \
             internet)",
            cmek_sandbox::proxy::ANSWERED
        ),
        format!("# ca bundle: {roots}"),
    ]
}

/// What stays off the proxy.
const NO_PROXY: &str = "127.0.0.1,localhost";
