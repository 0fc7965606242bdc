//! The sandbox's HTTPS proxy: `CONNECT <name>:443` for the real host names of the emulated services
//! reaches the emulator behind each (over TLS with a certificate from the sandbox CA, the Host
//! header the real name); anything else (another name, a loopback address, another port, a plain
//! proxy request) is refused with 403 and a body naming what is answered, and is never forwarded:
//! a listener standing for the internet sees no connection. And `cmek` itself, with every export
//! (the proxy's included), still reaches the sandbox directly.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;

use cmek_sandbox::scenarios::default_scenario;
use cmek_sandbox::{Sandbox, SandboxOptions};
use secrecy::ExposeSecret;

use crate::foreground::Foreground;

/// A client that goes through the sandbox's proxy for https and trusts only the sandbox CA.
fn through_the_proxy(sandbox: &Sandbox) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(sandbox.endpoints().unwrap().ca_pem().as_bytes()).unwrap();
    reqwest::Client::builder()
        .proxy(reqwest::Proxy::https(&sandbox.proxy.url).unwrap())
        .tls_certs_only([ca])
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_real_host_names_reach_their_emulators() {
    let sandbox = Sandbox::start(SandboxOptions::new(default_scenario())).await.unwrap();
    let http = through_the_proxy(&sandbox);
    let e = sandbox.endpoints().unwrap();

    // The Admin API at api.anthropic.com, with the sandbox's admin key.
    let me = http
        .get("https://api.anthropic.com/v1/organizations/me")
        .header("x-api-key", e.admin_key.expose_secret())
        .header("anthropic-version", "2023-06-01")
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["name"], "Sandbox Organisation");

    // KMS and STS: each answers an unsigned call as AWS does.
    let kms = http
        .post("https://kms.us-east-2.amazonaws.com/")
        .header("x-amz-target", "TrentService.ListKeys")
        .header("content-type", "application/x-amz-json-1.1")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(kms.status(), 400);
    assert_eq!(kms.headers()["x-amzn-errortype"], "MissingAuthenticationTokenException");
    let sts = http.post("https://sts.amazonaws.com/").body("Action=GetCallerIdentity&Version=2011-06-15");
    let sts = sts.header("content-type", "application/x-www-form-urlencoded").send().await.unwrap();
    assert!(sts.text().await.unwrap().contains("<ErrorResponse"));

    // Cloud KMS, with the customer admin's token.
    let rings = http
        .get("https://cloudkms.googleapis.com/v1/projects/cmek-sandbox/locations/us-central1/keyRings")
        .bearer_auth(e.gcp.access_token.expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(rings.status(), 200);

    // Key Vault by the vault's real name: the challenge Azure's clients check names the real
    // authority and resource.
    let vault = http.get("https://cmek-sandbox.vault.azure.net/keys?api-version=7.4").send().await.unwrap();
    assert_eq!(vault.status(), 401);
    let challenge = vault.headers()["www-authenticate"].to_str().unwrap().to_string();
    assert!(challenge.contains(r#"authorization="https://login.microsoftonline.com/"#), "{challenge}");
    assert!(challenge.contains(r#"resource="https://vault.azure.net""#), "{challenge}");
    let discovery = http
        .get(format!("https://login.microsoftonline.com/{}/v2.0/.well-known/openid-configuration", e.azure.tenant_id))
        .send()
        .await
        .unwrap();
    let discovery: serde_json::Value = discovery.json().await.unwrap();
    let token_endpoint = discovery["token_endpoint"].as_str().unwrap();
    assert!(token_endpoint.starts_with("https://login.microsoftonline.com/"), "{token_endpoint}");
    sandbox.shutdown().await.unwrap();
}

/// Sends `request` to the proxy and returns its whole answer.
fn ask(proxy: &str, request: &str) -> String {
    let addr = proxy.trim_start_matches("http://");
    let mut tcp = TcpStream::connect(addr).unwrap();
    tcp.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).unwrap();
    answer
}

#[tokio::test(flavor = "multi_thread")]
async fn everything_else_is_refused_and_never_forwarded() {
    let sandbox = Sandbox::start(SandboxOptions::new(default_scenario())).await.unwrap();
    let proxy = sandbox.proxy.url.clone();
    // Stands for the internet: whatever the proxy forwarded would arrive here.
    let internet = TcpListener::bind("127.0.0.1:0").unwrap();
    let elsewhere = internet.local_addr().unwrap().to_string();

    let refused = [
        format!("CONNECT {elsewhere} HTTP/1.1\r\nHost: {elsewhere}\r\n\r\n"),
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n".to_string(),
        "CONNECT kms.us-nowhere-9.amazonaws.com:443 HTTP/1.1\r\n\r\n".to_string(),
        "CONNECT api.anthropic.com:80 HTTP/1.1\r\n\r\n".to_string(),
        format!("GET http://{elsewhere}/ HTTP/1.1\r\nHost: {elsewhere}\r\n\r\n"),
        "GET http://api.anthropic.com/v1/organizations/me HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n".to_string(),
    ];
    let answers =
        tokio::task::spawn_blocking(move || refused.iter().map(|r| ask(&proxy, r)).collect::<Vec<_>>()).await.unwrap();
    for answer in &answers {
        assert!(answer.starts_with("HTTP/1.1 403 Forbidden\r\n"), "{answer}");
        assert!(answer.contains("never forwards anything to the internet"), "{answer}");
        assert!(answer.contains("kms.<region>.amazonaws.com") && answer.contains("api.anthropic.com"), "{answer}");
    }
    assert!(answers[1].contains("CONNECT example.com:443 is not a service the sandbox emulates"), "{}", answers[1]);
    assert!(answers[3].contains("not to port 443"), "{}", answers[3]);
    assert!(answers[4].contains("plain proxy request"), "{}", answers[4]);

    // Had the proxy connected here, its connection would be first in the queue, before this one.
    let probe = TcpStream::connect(&elsewhere).unwrap();
    let (first, from) = internet.accept().unwrap();
    assert_eq!(from, probe.local_addr().unwrap(), "the proxy connected to {elsewhere}");
    drop(first);
    sandbox.shutdown().await.unwrap();
}

/// `cmek setup --provider gcp` with every variable `cmek sandbox` prints, the proxy's included:
/// cmek reaches the sandbox directly (CMEK_SANDBOX_ENDPOINTS); the AWS and Azure runs with the
/// same exports are in `sandbox_command` (Azure's names would be sent to the proxy, which tunnels
/// port 443 only, were cmek's client not kept off it).
#[test]
fn cmek_itself_works_with_every_export() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    assert!(sandbox.exports["HTTPS_PROXY"].starts_with("http://127.0.0.1:"));
    assert_eq!(sandbox.exports["NO_PROXY"], "127.0.0.1,localhost");
    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .envs(&sandbox.exports)
        .args(["setup", "--non-interactive", "--provider", "gcp", "--workspace", "production"])
        .args(["--confirm-attach", "production"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    // A shell with those exports running `cmek --sandbox`: the in-process sandbox's own calls
    // (the platform validating the key in Azure as Anthropic) stay off the proxy too.
    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("HOME", home.path())
        .envs(sandbox.exports.iter().filter(|(k, _)| k.to_ascii_uppercase().ends_with("_PROXY")))
        .args(["--sandbox", "setup", "--non-interactive", "--provider", "azure", "--workspace", "production"])
        .args(["--confirm-attach", "production"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(sandbox.interrupt(), 0);
}
