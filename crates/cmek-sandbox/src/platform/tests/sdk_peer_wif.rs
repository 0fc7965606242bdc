//! The official `anthropic` Python SDK's own credential chain against the sandbox: Workload
//! Identity Federation from the variables `cmek sandbox` prints (exchange, then Admin API and
//! federation administration calls with strict response validation), and a user_oauth profile
//! whose expired token the SDK refreshes (the rotated refresh token written back).

use std::path::PathBuf;
use std::process::Command;

use secrecy::ExposeSecret;
use serde_json::json;

use crate::{Sandbox, SandboxOptions, scenarios};

const SCRIPT: &str = r#"
import json, os, pathlib, sys, time
import anthropic

base = os.environ["ANTHROPIC_BASE_URL"]
# 1. Federation: the SDK's chain finds the ANTHROPIC_FEDERATION_* variables and exchanges.
client = anthropic.Anthropic(base_url=base, max_retries=0, _strict_response_validation=True)
org = client.beta.organization.retrieve()
assert org.id == os.environ["ANTHROPIC_ORGANIZATION_ID"], org
fed = client.beta.organization.federation
rules = list(fed.rules.list())
assert [r.id for r in rules] == os.environ["EXPECT_RULES"].split(","), rules
rule = fed.rules.retrieve(os.environ["ANTHROPIC_FEDERATION_RULE_ID"])
assert rule.target.service_account_name == "cmek-ci" and rule.match.subject_prefix.endswith("*"), rule
assert list(fed.rules.workspaces.list(rule.id)) == []
issuers = list(fed.issuers.list())
assert issuers[0].issuer_url == base.rstrip("/") + "/oidc" and issuers[0].jwks.type == "discovery", issuers
accounts = client.beta.organization.service_accounts
assert sorted(a.organization_role for a in accounts.list()) == ["admin", "developer"]
assert accounts.retrieve(rule.target.service_account_id).name == "cmek-ci"
members = list(accounts.workspaces.list(rule.target.service_account_id))
assert len(members) == 3 and all(m.workspace_role == "workspace_admin" for m in members), members

# 2. user_oauth: a profile whose access token has expired; the SDK refreshes it.
for name in ["ANTHROPIC_FEDERATION_RULE_ID", "ANTHROPIC_IDENTITY_TOKEN_FILE"]:
    del os.environ[name]
config_dir = pathlib.Path(os.environ["ANTHROPIC_CONFIG_DIR"])
(config_dir / "configs").mkdir(parents=True)
(config_dir / "credentials").mkdir(mode=0o700)
(config_dir / "configs" / "default.json").write_text(json.dumps({
    "version": "1.0",
    "authentication": {"type": "user_oauth", "client_id": os.environ["USER_CLIENT_ID"]},
    "organization_id": os.environ["ANTHROPIC_ORGANIZATION_ID"],
}))
creds = config_dir / "credentials" / "default.json"
creds.write_text(json.dumps({
    "version": "1.0", "type": "oauth_token",
    "access_token": os.environ["USER_ACCESS_TOKEN"], "expires_at": int(time.time()) - 10,
    "refresh_token": os.environ["USER_REFRESH_TOKEN"], "scope": "org:admin",
}))
os.chmod(creds, 0o600)
user = anthropic.Anthropic(base_url=base, max_retries=0, _strict_response_validation=True)
assert user.beta.organization.retrieve().id == os.environ["ANTHROPIC_ORGANIZATION_ID"]
saved = json.loads(creds.read_text())
assert saved["refresh_token"] != os.environ["USER_REFRESH_TOKEN"], "the rotated refresh token is written back"
assert saved["access_token"].startswith("sk-ant-oat01-") and saved["expires_at"] > time.time() + 3000, saved
print("wif_sdk_check: OK")
"#;

#[tokio::test(flavor = "multi_thread")]
async fn the_official_python_sdk_exchanges_and_refreshes_against_the_sandbox() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join(".venv/bin/python");
    assert!(python.is_file(), "{} is missing: run scripts/install-test-peers.sh", python.display());
    let sandbox = Sandbox::start(SandboxOptions::new(scenarios::default_scenario())).await.unwrap();
    let e = sandbox.endpoints().unwrap();
    let home = tempfile::tempdir().unwrap();
    let token_file = home.path().join("identity-token");
    crate::endpoints_file::write_identity_token(&e, &token_file).unwrap();
    let f = &e.federation;
    let user = f.user_oauth.clone().unwrap();
    let env = json!({
        "ANTHROPIC_BASE_URL": e.base_url.as_str(),
        "ANTHROPIC_FEDERATION_RULE_ID": f.ci.federation_rule_id,
        "ANTHROPIC_ORGANIZATION_ID": f.ci.organization_id,
        "ANTHROPIC_IDENTITY_TOKEN_FILE": token_file.to_str().unwrap(),
        "ANTHROPIC_CONFIG_DIR": home.path().join("anthropic").to_str().unwrap(),
        "HOME": home.path().to_str().unwrap(),
        "NO_PROXY": "127.0.0.1,localhost",
        "EXPECT_RULES": format!("{},{}", f.developer_rule_id, f.admin_rule_id),
        "USER_CLIENT_ID": user.client_id,
        "USER_ACCESS_TOKEN": user.access_token.expose_secret(),
        "USER_REFRESH_TOKEN": user.refresh_token.expose_secret(),
    });
    let output = tokio::task::spawn_blocking(move || {
        let mut command = Command::new(python);
        command.env_clear().arg("-c").arg(SCRIPT);
        for (k, v) in env.as_object().unwrap() {
            command.env(k, v.as_str().unwrap());
        }
        command.output()
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the SDK check failed ({}):\n{stdout}\n{stderr}", output.status);
    assert!(stdout.contains("wif_sdk_check: OK"), "{stdout}\n{stderr}");
    let grants: Vec<String> = sandbox.platform.auth_events().iter().map(|e| e.grant_type.clone()).collect();
    assert_eq!(grants, ["urn:ietf:params:oauth:grant-type:jwt-bearer", "refresh_token"]);
}
