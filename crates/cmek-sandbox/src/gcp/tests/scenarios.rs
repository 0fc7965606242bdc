//! The `gcp-*` scenarios end to end: each world as seeded, Google's error shape for what is
//! wrong in it, and the sentence the platform's validation (as Anthropic, over HTTP) reports.
//! Also the sandbox wiring: endpoints, the state file, injected faults.

use secrecy::ExposeSecret;
use serde_json::{Value, json};

use super::{KEY, PARENT, RING};
use crate::gcp::{CUSTOMER_DOMAIN, PROJECT_NUMBER, anthropic_principal};
use crate::scenarios::{self, gcp as scenario};
use crate::{Sandbox, SandboxOptions};

async fn sandbox(name: &str) -> Sandbox {
    sandbox_with(name, None).await
}

async fn sandbox_with(name: &str, state_file: Option<std::path::PathBuf>) -> Sandbox {
    Sandbox::start(SandboxOptions {
        state_file,
        ..SandboxOptions::new(scenarios::find(name).unwrap_or_else(|| panic!("no scenario {name}")))
    })
    .await
    .unwrap()
}

/// A client of the sandbox's Cloud KMS (it does not own the emulator).
struct Kms<'a> {
    sandbox: &'a Sandbox,
    client: reqwest::Client,
}

impl<'a> Kms<'a> {
    fn new(sandbox: &'a Sandbox) -> Self {
        Kms { sandbox, client: reqwest::Client::builder().no_proxy().build().unwrap() }
    }

    async fn call(&self, token: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> super::Reply {
        let url = format!("{}/v1/{path}", self.sandbox.endpoints().unwrap().gcp.endpoint);
        let mut request = self.client.request(method, url).bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        super::Reply { status, json: response.json().await.unwrap() }
    }

    fn admin(&self) -> String {
        self.sandbox.endpoints().unwrap().gcp.access_token.expose_secret().to_string()
    }

    fn anthropic(&self) -> String {
        self.sandbox.gcp.anthropic_token()
    }
}

/// Registers `key_name` with the platform and validates it; `Ok(())` or the error sentence.
async fn validate(sb: &Sandbox, key_name: &str) -> Result<(), String> {
    let e = sb.endpoints().unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let base = e.base_url.as_str().trim_end_matches('/').to_string();
    let post = |path: String, body: Value| {
        client
            .post(format!("{base}{path}"))
            .header("x-api-key", e.admin_key.expose_secret())
            .header("anthropic-version", "2023-06-01")
            .json(&body)
    };
    let created = post(
        "/v1/organizations/external_keys".into(),
        json!({"provider_config": {"type": "gcp", "key_name": key_name}}),
    );
    let created: Value = created.send().await.unwrap().json().await.unwrap();
    let id = created["id"].as_str().unwrap_or_else(|| panic!("not created: {created}")).to_string();
    let answer: Value = post(format!("/v1/organizations/external_keys/{id}/validate"), json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    match answer["status"].as_str() {
        Some("success") => Ok(()),
        Some("failure") => Err(answer["error"].as_str().unwrap_or_default().to_string()),
        _ => panic!("unexpected validation answer: {answer}"),
    }
}

/// The customer's own label and conditional binding are on the key.
fn assert_customer_bits(sb: &Sandbox, key: &str) {
    let state = sb.gcp.state();
    let name = crate::gcp::names::CryptoKeyName::parse(key).unwrap();
    let k = state.crypto_key(&name).unwrap();
    assert_eq!(k.labels.get("team").map(String::as_str), Some("payments"));
    let b = k
        .iam_policy
        .bindings
        .iter()
        .find(|b| b.role == scenario::CUSTOMER_ROLE && b.members.iter().any(|m| m == scenario::CUSTOMER_MEMBER));
    assert!(b.is_some_and(|b| b.condition.is_some()), "{:?}", k.iam_policy);
}

#[tokio::test]
async fn the_default_world_validates_a_key_set_up_over_the_wire() {
    let sb = sandbox("default").await;
    let e = sb.endpoints().unwrap();
    assert_eq!((e.gcp.project_id.as_str(), e.gcp.location.as_str()), ("cmek-sandbox", "us-central1"));
    assert!(e.gcp.endpoint.starts_with("http://127.0.0.1:"));
    assert_eq!(e.gcp.principal, crate::gcp::ADMIN_PRINCIPAL);
    let kms = Kms::new(&sb);
    let admin = kms.admin();
    use reqwest::Method;
    assert_eq!(kms.call(&admin, Method::GET, &format!("{PARENT}/keyRings"), None).await.ok(), &json!({}));
    kms.call(&admin, Method::POST, &format!("{PARENT}/keyRings?keyRingId=anthropic-cmek"), Some(json!({}))).await.ok();
    let key = json!({"purpose": "ENCRYPT_DECRYPT", "versionTemplate": {"protectionLevel": "HSM"}, "labels": {"team": "payments"}});
    kms.call(&admin, Method::POST, &format!("{RING}/cryptoKeys?cryptoKeyId=anthropic-cmek"), Some(key)).await.ok();
    let early = validate(&sb, KEY).await.unwrap_err();
    assert!(early.starts_with("PERMISSION_DENIED: Permission 'cloudkms.cryptoKeys.get' denied"), "{early}");
    let policy = json!({"policy": {"bindings": [
        {"role": scenario::ENCRYPTER_DECRYPTER, "members": [anthropic_principal()]},
        {"role": scenario::VIEWER, "members": [anthropic_principal()]},
    ]}});
    kms.call(&admin, Method::POST, &format!("{KEY}:setIamPolicy"), Some(policy)).await.ok();
    let unlabelled = validate(&sb, KEY).await.unwrap_err();
    assert!(unlabelled.starts_with("OrgLabelMissing:"), "{unlabelled}");
    let labels = json!({"labels": {"team": "payments", scenario::org_label_key(&sb): "true"}});
    kms.call(&admin, Method::PATCH, &format!("{KEY}?updateMask=labels"), Some(labels)).await.ok();
    assert_eq!(validate(&sb, KEY).await, Ok(()));
    sb.shutdown().await.unwrap();
}

#[tokio::test]
async fn api_disabled() {
    let sb = sandbox("gcp-api-disabled").await;
    assert_customer_bits(&sb, KEY);
    let kms = Kms::new(&sb);
    let r = kms.call(&kms.anthropic(), reqwest::Method::GET, KEY, None).await;
    let message = r.error(403, "PERMISSION_DENIED");
    assert!(message.starts_with(&format!(
        "Cloud Key Management Service (KMS) API has not been used in project {PROJECT_NUMBER} before or it is disabled. Enable it by visiting "
    )), "{message}");
    assert_eq!(r.reason(), "SERVICE_DISABLED");
    assert_eq!(r.json["error"]["details"][0]["domain"], "googleapis.com");
    assert_eq!(r.json["error"]["details"][0]["metadata"]["service"], "cloudkms.googleapis.com");
    assert_eq!(r.json["error"]["details"][0]["metadata"]["consumer"], format!("projects/{PROJECT_NUMBER}"));
    let admin = kms.call(&kms.admin(), reqwest::Method::GET, KEY, None).await;
    assert_eq!(admin.reason(), "SERVICE_DISABLED");
    let sentence = validate(&sb, KEY).await.unwrap_err();
    assert!(
        sentence.starts_with("SERVICE_DISABLED: Cloud Key Management Service (KMS) API has not been used"),
        "{sentence}"
    );
    assert!(sentence.contains("gcloud services enable cloudkms.googleapis.com --project cmek-sandbox"), "{sentence}");
}

#[tokio::test]
async fn multi_region() {
    let sb = sandbox("gcp-multi-region").await;
    let key = KEY.replace("/locations/us-central1/", "/locations/us/");
    assert_customer_bits(&sb, &key);
    let sentence = validate(&sb, &key).await.unwrap_err();
    assert!(sentence.starts_with(&format!("UnsupportedLocation: {key} is in location 'us'")), "{sentence}");
}

#[tokio::test]
async fn wrong_purpose() {
    let sb = sandbox("gcp-wrong-purpose").await;
    assert_customer_bits(&sb, KEY);
    let kms = Kms::new(&sb);
    let key = kms.call(&kms.admin(), reqwest::Method::GET, KEY, None).await;
    assert_eq!(key.ok()["purpose"], "ASYMMETRIC_DECRYPT");
    let sentence = validate(&sb, KEY).await.unwrap_err();
    assert!(sentence.starts_with("WrongPurpose:") && sentence.contains("ASYMMETRIC_DECRYPT"), "{sentence}");
}

#[tokio::test]
async fn primary_disabled() {
    let sb = sandbox("gcp-primary-disabled").await;
    assert_customer_bits(&sb, KEY);
    let kms = Kms::new(&sb);
    let r = kms
        .call(&kms.anthropic(), reqwest::Method::POST, &format!("{KEY}:encrypt"), Some(json!({"plaintext": "eA=="})))
        .await;
    assert_eq!(
        r.error(400, "FAILED_PRECONDITION"),
        format!("{KEY}/cryptoKeyVersions/1 is not enabled, current state is: DISABLED.")
    );
    let sentence = validate(&sb, KEY).await.unwrap_err();
    assert!(
        sentence.starts_with("PrimaryVersionUnusable:") && sentence.contains("current state is: DISABLED"),
        "{sentence}"
    );
    assert!(sentence.contains("gcloud kms keys versions enable 1 --key anthropic-cmek"), "{sentence}");
}

#[tokio::test]
async fn destroy_scheduled() {
    let sb = sandbox("gcp-destroy-scheduled").await;
    assert_customer_bits(&sb, KEY);
    let kms = Kms::new(&sb);
    let key = kms.call(&kms.admin(), reqwest::Method::GET, KEY, None).await;
    let primary = &key.ok()["primary"];
    assert_eq!(primary["state"], "DESTROY_SCHEDULED");
    let at = chrono::DateTime::parse_from_rfc3339(primary["destroyTime"].as_str().unwrap()).unwrap();
    let days = (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_days();
    assert!((29..=30).contains(&days), "{days}");
    let sentence = validate(&sb, KEY).await.unwrap_err();
    assert!(sentence.starts_with("PrimaryVersionUnusable:") && sentence.contains("DESTROY_SCHEDULED"), "{sentence}");
    assert!(sentence.contains("gcloud kms keys versions restore 1"), "{sentence}");
}

#[tokio::test]
async fn binding_at_keyring() {
    let sb = sandbox("gcp-binding-at-keyring").await;
    assert_customer_bits(&sb, KEY);
    let key_policy = sb.gcp.policy(KEY).unwrap();
    assert!(!key_policy.bindings.iter().any(|b| b.members.contains(&anthropic_principal())));
    let ring_policy = sb.gcp.policy(RING).unwrap();
    assert_eq!(ring_policy.bindings.len(), 2);
    // IAM inherits: Anthropic's calls work, so validation passes; only the scope is wrong (GCP-06).
    assert_eq!(validate(&sb, KEY).await, Ok(()));
}

#[tokio::test]
async fn one_role() {
    let sb = sandbox("gcp-one-role").await;
    assert_customer_bits(&sb, KEY);
    let sentence = validate(&sb, KEY).await.unwrap_err();
    assert!(
        sentence.starts_with(&format!(
            "PERMISSION_DENIED: Permission 'cloudkms.cryptoKeys.get' denied on resource '{KEY}' (or it may not exist)."
        )),
        "{sentence}"
    );
}

#[tokio::test]
async fn label_missing() {
    let sb = sandbox("gcp-label-missing").await;
    assert_customer_bits(&sb, KEY);
    let sentence = validate(&sb, KEY).await.unwrap_err();
    let label = scenario::org_label_key(&sb);
    assert!(
        sentence.starts_with("OrgLabelMissing:") && sentence.contains(&format!("--update-labels={label}=true")),
        "{sentence}"
    );
}

#[tokio::test]
async fn domain_restricted() {
    let sb = sandbox("gcp-domain-restricted").await;
    assert_customer_bits(&sb, KEY);
    let kms = Kms::new(&sb);
    let admin = kms.admin();
    let mut policy = kms
        .call(&admin, reqwest::Method::GET, &format!("{KEY}:getIamPolicy?options.requestedPolicyVersion=3"), None)
        .await
        .ok()
        .clone();
    assert_eq!(policy["version"], 3, "the customer's conditional binding makes it version 3");
    let mut bindings = policy["bindings"].as_array().cloned().unwrap();
    bindings.push(json!({"role": scenario::ENCRYPTER_DECRYPTER, "members": [anthropic_principal()]}));
    policy["bindings"] = Value::Array(bindings);
    let refused = kms
        .call(&admin, reqwest::Method::POST, &format!("{KEY}:setIamPolicy"), Some(json!({"policy": policy.clone()})))
        .await;
    let message = refused.error(400, "FAILED_PRECONDITION");
    assert!(
        message.starts_with("One or more users named in the policy do not belong to a permitted customer."),
        "{message}"
    );
    let violation = &refused.json["error"]["details"][0]["violations"][0];
    assert_eq!(violation["type"], "constraints/iam.allowedPolicyMemberDomains");
    assert!(violation["description"].as_str().unwrap().contains(&anthropic_principal()));
    // Members of the customer's own domain are fine.
    let mut own = policy.clone();
    own["bindings"] = json!([{"role": scenario::VIEWER, "members": [format!("user:alice@{CUSTOMER_DOMAIN}")]}]);
    kms.call(&admin, reqwest::Method::POST, &format!("{KEY}:setIamPolicy"), Some(json!({"policy": own}))).await.ok();
    let sentence = validate(&sb, KEY).await.unwrap_err();
    assert!(sentence.starts_with("PERMISSION_DENIED:"), "{sentence}");
}

#[tokio::test]
async fn vpc_service_controls() {
    let sb = sandbox("gcp-vpc-sc").await;
    assert_customer_bits(&sb, KEY);
    let kms = Kms::new(&sb);
    let r = kms.call(&kms.anthropic(), reqwest::Method::GET, KEY, None).await;
    let message = r.error(403, "PERMISSION_DENIED");
    assert!(
        message.starts_with("Request is prohibited by organization's policy. vpcServiceControlsUniqueIdentifier: "),
        "{message}"
    );
    assert_eq!(r.reason(), "SECURITY_POLICY_VIOLATED");
    kms.call(&kms.admin(), reqwest::Method::GET, KEY, None).await.ok();
    let sentence = validate(&sb, KEY).await.unwrap_err();
    assert!(
        sentence.starts_with("SECURITY_POLICY_VIOLATED: Request is prohibited by organization's policy."),
        "{sentence}"
    );
}

#[tokio::test]
async fn deny_policy() {
    let sb = sandbox("gcp-deny-policy").await;
    assert_customer_bits(&sb, KEY);
    let kms = Kms::new(&sb);
    kms.call(&kms.anthropic(), reqwest::Method::GET, KEY, None).await.ok();
    let r = kms
        .call(&kms.anthropic(), reqwest::Method::POST, &format!("{KEY}:encrypt"), Some(json!({"plaintext": "eA=="})))
        .await;
    assert_eq!(
        r.error(403, "PERMISSION_DENIED"),
        format!(
            "Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied on resource '{KEY}' (or it may not exist)."
        )
    );
    let sentence = validate(&sb, KEY).await.unwrap_err();
    assert!(
        sentence.starts_with("PERMISSION_DENIED: Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied"),
        "{sentence}"
    );
}

#[tokio::test]
async fn other_scenarios_leave_gcp_seeded() {
    let sb = sandbox("azure-tag-missing").await;
    let state = sb.gcp.state();
    assert_eq!(state.projects.len(), 1);
    assert!(state.projects[0].kms_api_enabled && state.projects[0].key_rings.is_empty());
}

#[tokio::test]
async fn the_state_file_keeps_keys_and_tokens_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    let first = sandbox_with("default", Some(file.clone())).await;
    let token = first.endpoints().unwrap().gcp.access_token.expose_secret().to_string();
    let kms = Kms::new(&first);
    kms.call(&token, reqwest::Method::POST, &format!("{PARENT}/keyRings?keyRingId=anthropic-cmek"), Some(json!({})))
        .await
        .ok();
    kms.call(
        &token,
        reqwest::Method::POST,
        &format!("{RING}/cryptoKeys?cryptoKeyId=anthropic-cmek"),
        Some(json!({"purpose": 1})),
    )
    .await
    .ok();
    let ct = kms
        .call(&token, reqwest::Method::POST, &format!("{KEY}:encrypt"), Some(json!({"plaintext": "aGk="})))
        .await
        .ok()["ciphertext"]
        .clone();
    // Saved after every change, before the answer left.
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["gcp"]["projects"][0]["keyRings"][0]["keyRingId"], "anthropic-cmek");
    first.shutdown().await.unwrap();
    let second = sandbox_with("default", Some(file)).await;
    assert!(second.restored);
    assert_eq!(second.endpoints().unwrap().gcp.access_token.expose_secret(), token);
    let kms = Kms::new(&second);
    let back =
        kms.call(&token, reqwest::Method::POST, &format!("{KEY}:decrypt"), Some(json!({"ciphertext": ct}))).await;
    assert_eq!(back.ok()["plaintext"], "aGk=");
    second.shutdown().await.unwrap();
}

#[tokio::test]
async fn flaky_injects_google_shaped_failures_that_a_retry_gets_through() {
    let sb = sandbox("flaky").await;
    let kms = Kms::new(&sb);
    let admin = kms.admin();
    let mut failures = Vec::new();
    for i in 0..10 {
        let path = format!("{PARENT}/keyRings?pageSize={}", i + 1);
        let mut tries = 0;
        loop {
            tries += 1;
            let r = kms.call(&admin, reqwest::Method::GET, &path, None).await;
            if r.status == 200 {
                break;
            }
            assert!(matches!(r.status, 429 | 500 | 503), "{r:?}");
            assert!(r.json["error"]["status"].is_string(), "{r:?}");
            failures.push(r.status);
            assert!(tries < 3, "a retried request failed again");
        }
    }
    assert!(!failures.is_empty(), "30% of requests should fail");
}
