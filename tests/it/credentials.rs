//! Admin API credentials without a static key, through the real binary against `cmek sandbox`
//! (reached as the real services are: ANTHROPIC_BASE_URL and the clouds' endpoints, never the
//! sandbox's own admin key): the federation variables a CI system provides, a `user_oauth`
//! profile in `ant`'s format whose expired token is refreshed (the rotated refresh token written
//! back), an `oidc_federation` profile with its token cache, the failures that must help (a rule
//! that does not match, a non-admin service account), the file rules, and `cmek auth status`.
//! No token ever appears in the output.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::foreground::Foreground;
use crate::sandbox_home::Run;

/// The exports that reach the sandbox as real services, without any Admin API credential.
fn reach_only(sandbox: &Foreground) -> BTreeMap<String, String> {
    sandbox
        .exports
        .iter()
        .filter(|(k, _)| {
            k.starts_with("AWS_")
                || ["ANTHROPIC_BASE_URL", "CMEK_GCP_KMS_ENDPOINT"].contains(&k.as_str())
                // The proxy that answers for the real AWS names, and the CA its certificates chain to.
                || ["HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "SSL_CERT_FILE"].contains(&k.as_str())
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn federation_vars(sandbox: &Foreground) -> BTreeMap<String, String> {
    ["ANTHROPIC_FEDERATION_RULE_ID", "ANTHROPIC_ORGANIZATION_ID", "ANTHROPIC_IDENTITY_TOKEN_FILE"]
        .iter()
        .map(|k| (k.to_string(), sandbox.exports.get(*k).unwrap_or_else(|| panic!("{k} not exported")).clone()))
        .collect()
}

fn cmek(home: &Path, env: &BTreeMap<String, String>, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("NO_COLOR", "1")
        .envs(env)
        .args(args)
        .output()
        .unwrap();
    Run::of(out)
}

/// Every secret the sandbox hands out: none may appear in what cmek prints.
fn secrets(home: &Path, sandbox: &Foreground) -> Vec<String> {
    let endpoints: Value =
        serde_json::from_str(&std::fs::read_to_string(&sandbox.exports["CMEK_SANDBOX_ENDPOINTS"]).unwrap()).unwrap();
    let mut found = vec![endpoints["admin_key"].as_str().unwrap().to_string()];
    if let Some(u) = endpoints["federation"]["user_oauth"].as_object() {
        found.push(u["access_token"].as_str().unwrap().to_string());
        found.push(u["refresh_token"].as_str().unwrap().to_string());
    }
    if let Ok(identity) = std::fs::read_to_string(&sandbox.exports["ANTHROPIC_IDENTITY_TOKEN_FILE"]) {
        found.push(identity.trim().to_string());
    }
    let creds = home.join("anthropic").join("credentials");
    for entry in std::fs::read_dir(&creds).into_iter().flatten().flatten() {
        if let Ok(doc) = serde_json::from_str::<Value>(&std::fs::read_to_string(entry.path()).unwrap_or_default()) {
            for field in ["access_token", "refresh_token"] {
                if let Some(s) = doc[field].as_str() {
                    found.push(s.to_string());
                }
            }
        }
    }
    found.retain(|s| s.len() > 12);
    found
}

fn assert_no_secret(home: &Path, sandbox: &Foreground, out: &Run) {
    for secret in secrets(home, sandbox) {
        assert!(!out.stdout.contains(&secret) && !out.stderr.contains(&secret), "a secret was printed:\n{out:?}");
        // Nor its first characters beyond the public prefix.
        let probe: String = secret.chars().skip(13).take(16).collect();
        assert!(!out.stdout.contains(&probe) && !out.stderr.contains(&probe), "part of a secret was printed:\n{out:?}");
    }
}

#[test]
fn the_federation_variables_of_a_ci_system_are_enough() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    let mut env = reach_only(&sandbox);
    env.extend(federation_vars(&sandbox));

    let status = cmek(home.path(), &env, &["auth", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("Federation") && status.stdout.contains("fdrl_01SbxCmekCi7Pn2Ks"), "{status:?}");
    assert!(status.stdout.contains("org:admin"), "the scope is shown: {status:?}");
    let json = cmek(home.path(), &env, &["--output", "json", "auth", "status"]);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap_or_else(|e| panic!("{e}: {json:?}"));
    assert_eq!(doc["schema"], "cmek.auth/v1", "{doc:#}");

    let setup = cmek(
        home.path(),
        &env,
        &["--output", "json", "setup", "--non-interactive", "--provider", "aws", "--workspace", "production"],
    );
    assert_eq!(setup.code, 0, "{setup:?}");
    let doc: Value = serde_json::from_str(&setup.stdout).unwrap();
    assert!(
        doc["platform_credential"].to_string().to_lowercase().contains("federation"),
        "the source is recorded: {doc:#}"
    );
    let journal = doc["journal"].as_str().unwrap();
    let records = std::fs::read_to_string(Path::new(journal).join("journal.jsonl")).unwrap_or_default();
    assert!(records.to_lowercase().contains("federation"), "the journal names the source: {records}");

    let doctor = cmek(home.path(), &env, &["doctor"]);
    assert!(doctor.code == 0 || doctor.code == 1, "{doctor:?}");
    for out in [&status, &json, &setup, &doctor] {
        assert_no_secret(home.path(), &sandbox, out);
    }
}

/// A `user_oauth` profile written exactly in `ant`'s format, its access token expired: cmek
/// refreshes it, writes the rotated refresh token back (0600), and works.
#[test]
fn a_user_oauth_profile_is_refreshed_and_written_back() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    let endpoints: Value =
        serde_json::from_str(&std::fs::read_to_string(&sandbox.exports["CMEK_SANDBOX_ENDPOINTS"]).unwrap()).unwrap();
    let login = &endpoints["federation"]["user_oauth"];
    let config = home.path().join("anthropic");
    std::fs::create_dir_all(config.join("configs")).unwrap();
    std::fs::create_dir_all(config.join("credentials")).unwrap();
    std::fs::set_permissions(config.join("credentials"), std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::write(
        config.join("configs/default.json"),
        serde_json::to_string_pretty(&json!({
            "version": "1.0",
            "authentication": {"type": "user_oauth", "client_id": login["client_id"], "scope": "org:admin"},
            "organization_id": endpoints["federation"]["organization_id"],
        }))
        .unwrap(),
    )
    .unwrap();
    let creds = config.join("credentials/default.json");
    std::fs::write(
        &creds,
        serde_json::to_string_pretty(&json!({
            "version": "1.0", "type": "oauth_token", "access_token": login["access_token"],
            "expires_at": 1_000_000_000, "refresh_token": login["refresh_token"], "scope": "org:admin",
            "organization_uuid": endpoints["federation"]["organization_id"], "organization_name": "Sandbox Organisation",
            "account_email": login["account_email"],
        }))
        .unwrap(),
    )
    .unwrap();
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut env = reach_only(&sandbox);
    env.insert("ANTHROPIC_CONFIG_DIR".into(), config.to_str().unwrap().into());

    let status = cmek(home.path(), &env, &["auth", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("default") && status.stdout.contains("user_oauth"), "{status:?}");
    let rewritten: Value = serde_json::from_str(&std::fs::read_to_string(&creds).unwrap()).unwrap();
    assert_ne!(rewritten["refresh_token"], login["refresh_token"], "the rotated refresh token is written back");
    assert!(rewritten["expires_at"].as_i64().unwrap() > 1_000_000_000);
    let mode = std::fs::metadata(&creds).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "the credentials file stays private");

    let setup = cmek(home.path(), &env, &["setup", "--non-interactive", "--provider", "aws", "--plan"]);
    assert_eq!(setup.code, 0, "{setup:?}");
    assert_no_secret(home.path(), &sandbox, &setup);
    assert_no_secret(home.path(), &sandbox, &status);

    // A credentials file others can read is refused, with the chmod to run.
    std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
    let refused = cmek(home.path(), &env, &["auth", "status"]);
    assert_eq!(refused.code, 3, "{refused:?}");
    let all = format!("{}{}", refused.stdout, refused.stderr);
    assert!(all.contains("chmod 600") && all.contains("default.json"), "{refused:?}");
}

#[test]
fn a_denied_exchange_and_a_non_admin_account_say_what_to_do() {
    for (scenario, says) in [
        ("wif-rule-mismatch", vec!["fdrl_", "authentication events"]),
        ("wif-multi-workspace-rule", vec!["ANTHROPIC_WORKSPACE_ID"]),
        ("wif-expired-identity-token", vec!["fdrl_"]),
        ("wif-non-admin", vec!["org:admin"]),
    ] {
        let home = tempfile::tempdir().unwrap();
        let sandbox = Foreground::start(home.path(), &[&format!("--sandbox={scenario}"), "sandbox"]);
        let mut env = reach_only(&sandbox);
        env.extend(federation_vars(&sandbox));
        for (k, v) in &sandbox.exports {
            if k == "ANTHROPIC_SERVICE_ACCOUNT_ID" || k == "ANTHROPIC_WORKSPACE_ID" {
                env.insert(k.clone(), v.clone());
            }
        }
        let setup = cmek(home.path(), &env, &["setup", "--non-interactive", "--provider", "aws", "--plan"]);
        assert_eq!(setup.code, 3, "{scenario}: {setup:?}");
        for s in &says {
            assert!(setup.stderr.contains(s) || setup.stdout.contains(s), "{scenario} says {s}: {setup:?}");
        }
        assert_no_secret(home.path(), &sandbox, &setup);
        let status = cmek(home.path(), &env, &["auth", "status"]);
        assert_eq!(status.code, 3, "{scenario}: {status:?}");
    }
}

#[test]
fn an_admin_key_file_others_can_read_is_refused() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("admin-key");
    std::fs::write(&file, "sk-ant-admin01-CANARYfilemode0000").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let env = BTreeMap::from([("ANTHROPIC_BASE_URL".to_string(), "http://127.0.0.1:9".to_string())]);
    let out = cmek(home.path(), &env, &["--admin-key-file", file.to_str().unwrap(), "auth", "status"]);
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stdout.contains("chmod 600") || out.stderr.contains("chmod 600"), "{out:?}");
    assert!(!out.stderr.contains("CANARYfilemode") && !out.stdout.contains("CANARYfilemode"), "{out:?}");
}

const SDK_READS_CACHE: &str = r#"
import os, anthropic
client = anthropic.Anthropic(base_url=os.environ["ANTHROPIC_BASE_URL"], max_retries=0)
org = client.beta.organization.retrieve()
assert org.id == os.environ["EXPECT_ORG"], org
print("sdk used the cache:", org.id)
"#;

/// An `oidc_federation` profile: cmek exchanges, caches the token in `credentials/<p>.json`
/// (0600, atomically), and the official Python SDK then works from that cache alone (the
/// identity token is gone, so it could not exchange again).
#[test]
fn the_token_cache_cmek_writes_is_read_by_the_official_sdk() {
    let python = crate::peers::python();
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    let vars = federation_vars(&sandbox);
    let identity = home.path().join("ci-identity-token");
    std::fs::copy(&vars["ANTHROPIC_IDENTITY_TOKEN_FILE"], &identity).unwrap();
    let config = home.path().join("anthropic");
    std::fs::create_dir_all(config.join("configs")).unwrap();
    std::fs::write(
        config.join("configs/ci.json"),
        serde_json::to_string_pretty(&json!({
            "version": "1.0",
            "authentication": {"type": "oidc_federation", "federation_rule_id": vars["ANTHROPIC_FEDERATION_RULE_ID"],
                "identity_token": {"source": "file", "path": identity.to_str().unwrap()}},
            "organization_id": vars["ANTHROPIC_ORGANIZATION_ID"],
        }))
        .unwrap(),
    )
    .unwrap();
    std::fs::write(config.join("active_config"), "ci\n").unwrap();
    let mut env = reach_only(&sandbox);
    env.insert("ANTHROPIC_CONFIG_DIR".into(), config.to_str().unwrap().into());

    let status = cmek(home.path(), &env, &["auth", "status"]);
    assert_eq!(status.code, 0, "{status:?}");
    assert!(status.stdout.contains("ci") && status.stdout.contains("oidc_federation"), "{status:?}");
    let cache = config.join("credentials/ci.json");
    let mode = std::fs::metadata(&cache)
        .unwrap_or_else(|e| panic!("{e}: no cache at {}", cache.display()))
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the cache is private");

    std::fs::remove_file(&identity).unwrap();
    let out = Command::new(&python)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("ANTHROPIC_BASE_URL", &env["ANTHROPIC_BASE_URL"])
        .env("ANTHROPIC_CONFIG_DIR", &config)
        .env("EXPECT_ORG", &vars["ANTHROPIC_ORGANIZATION_ID"])
        .args(["-c", SDK_READS_CACHE])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the SDK could not use cmek's cache:\n{stdout}\n{stderr}");
    assert!(stdout.contains("sdk used the cache"), "{stdout}");
    assert_no_secret(home.path(), &sandbox, &status);
}
