//! IAM over the wire: policies read (GET with options, and POST) and written with etags,
//! conditions kept at version 3, and permissions enforced for Anthropic's service account at
//! key, key ring and project scope.

use serde_json::{Value, json};

use super::{Gcp, KEY, PARENT, RING};
use crate::gcp::anthropic_principal;

const ENC_DEC: &str = "roles/cloudkms.cryptoKeyEncrypterDecrypter";
const VIEWER: &str = "roles/cloudkms.viewer";

fn probe() -> Value {
    json!({"plaintext": "aGVsbG8=", "additionalAuthenticatedData": "YWFk"})
}

#[tokio::test]
async fn policies_keep_conditions_and_refuse_a_stale_etag() {
    let g = Gcp::start().await;
    let admin = g.admin();
    g.ring_and_key().await;
    let empty = g.get(&admin, &format!("{KEY}:getIamPolicy?options.requestedPolicyVersion=3")).await;
    assert_eq!(empty.ok(), &json!({"version": 1, "etag": "ACAB"}));
    let condition = json!({"expression": "request.time < timestamp(\"2031-01-01T00:00:00Z\")", "title": "until-2031"});
    let policy = json!({
        "version": 3,
        "etag": "ACAB",
        "bindings": [
            {"role": VIEWER, "members": ["group:kms-readers@example.com"], "condition": condition},
            {"role": ENC_DEC, "members": [anthropic_principal(), anthropic_principal()]},
        ],
    });
    let set = g.post(&admin, &format!("{KEY}:setIamPolicy"), json!({"policy": policy})).await;
    let set = set.ok().clone();
    assert_eq!(set["version"], 3);
    assert_ne!(set["etag"], "ACAB");
    assert_eq!(set["bindings"][0]["role"], ENC_DEC, "sorted by role");
    assert_eq!(set["bindings"][0]["members"], json!([anthropic_principal()]), "members de-duplicated");
    assert_eq!(set["bindings"][1]["condition"]["title"], "until-2031");
    // POST form of getIamPolicy, with the options in the body.
    let read = g.post(&admin, &format!("{KEY}:getIamPolicy"), json!({"options": {"requestedPolicyVersion": 3}})).await;
    assert_eq!(read.ok(), &set);

    let stale = json!({"policy": {"version": 3, "etag": "ACAB", "bindings": []}});
    let conflict = g.post(&admin, &format!("{KEY}:setIamPolicy"), stale).await;
    let message = conflict.error(409, "ABORTED");
    assert!(message.starts_with("There were concurrent policy changes."), "{message}");
    assert!(message.contains(set["etag"].as_str().unwrap()), "{message}");

    // Conditions need version 3; unknown roles and malformed members are refused.
    let v1 = json!({"policy": {"version": 1, "bindings": [{"role": VIEWER, "members": ["user:a@example.com"], "condition": condition}]}});
    g.post(&admin, &format!("{KEY}:setIamPolicy"), v1).await.error(400, "INVALID_ARGUMENT");
    let role = json!({"policy": {"bindings": [{"role": "roles/nope", "members": ["user:a@example.com"]}]}});
    g.post(&admin, &format!("{KEY}:setIamPolicy"), role).await.error(400, "INVALID_ARGUMENT");
    let member = json!({"policy": {"bindings": [{"role": VIEWER, "members": ["a@example.com"]}]}});
    g.post(&admin, &format!("{KEY}:setIamPolicy"), member).await.error(400, "INVALID_ARGUMENT");
    g.post(&admin, &format!("{KEY}:setIamPolicy"), json!({})).await.error(400, "INVALID_ARGUMENT");
    g.get(&admin, &format!("{KEY}:getIamPolicy?options.requestedPolicyVersion=2")).await.error(400, "INVALID_ARGUMENT");
    // Without an etag the write goes through (last writer wins, as Google allows).
    let blind = json!({"policy": {"bindings": [{"role": VIEWER, "members": ["user:a@example.com"]}]}});
    let written = g.post(&admin, &format!("{KEY}:setIamPolicy"), blind).await;
    assert_eq!(written.ok()["version"], 1);
    assert_eq!(written.json["bindings"].as_array().unwrap().len(), 1);
    // Key rings have policies too.
    g.bind(RING, VIEWER, "user:b@example.com").await;
    let ring = g.get(&admin, &format!("{RING}:getIamPolicy")).await;
    assert_eq!(ring.ok()["bindings"][0]["members"], json!(["user:b@example.com"]));
}

#[tokio::test]
async fn anthropic_needs_bindings_and_gets_googles_refusal_without_them() {
    let g = Gcp::start().await;
    let anthropic = g.anthropic();
    g.ring_and_key().await;
    let get = g.get(&anthropic, KEY).await;
    assert_eq!(
        get.error(403, "PERMISSION_DENIED"),
        format!("Permission 'cloudkms.cryptoKeys.get' denied on resource '{KEY}' (or it may not exist).")
    );
    assert_eq!(get.reason(), "IAM_PERMISSION_DENIED");
    assert_eq!(get.json["error"]["details"][0]["metadata"]["permission"], "cloudkms.cryptoKeys.get");
    let encrypt = g.post(&anthropic, &format!("{KEY}:encrypt"), probe()).await;
    assert_eq!(
        encrypt.error(403, "PERMISSION_DENIED"),
        format!(
            "Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied on resource '{KEY}' (or it may not exist)."
        )
    );
    // A key that does not exist is refused the same way (no leak of existence).
    let ghost = format!("{RING}/cryptoKeys/ghost");
    let nothing = g.get(&anthropic, &ghost).await;
    assert!(nothing.error(403, "PERMISSION_DENIED").contains(&ghost));
    // Anthropic cannot grant itself anything.
    let own = json!({"policy": {"bindings": [{"role": ENC_DEC, "members": [anthropic_principal()]}]}});
    g.post(&anthropic, &format!("{KEY}:setIamPolicy"), own).await.error(403, "PERMISSION_DENIED");

    g.bind(KEY, ENC_DEC, &anthropic_principal()).await;
    let encrypted = g.post(&anthropic, &format!("{KEY}:encrypt"), probe()).await;
    let ciphertext = encrypted.ok()["ciphertext"].clone();
    g.get(&anthropic, KEY).await.error(403, "PERMISSION_DENIED");
    g.bind(KEY, VIEWER, &anthropic_principal()).await;
    assert_eq!(g.get(&anthropic, KEY).await.ok()["name"], KEY);
    let decrypted = g
        .post(
            &anthropic,
            &format!("{KEY}:decrypt"),
            json!({"ciphertext": ciphertext, "additionalAuthenticatedData": "YWFk"}),
        )
        .await;
    assert_eq!(decrypted.ok()["plaintext"], "aGVsbG8=");
    // The viewer role reads; it does not change anything.
    let patch = g.patch(&anthropic, &format!("{KEY}?updateMask=labels"), json!({"labels": {}})).await;
    patch.error(403, "PERMISSION_DENIED");
    let tested = g
        .post(
            &anthropic,
            &format!("{KEY}:testIamPermissions"),
            json!({"permissions": [
                "cloudkms.cryptoKeys.get", "cloudkms.cryptoKeyVersions.useToEncrypt", "cloudkms.cryptoKeys.setIamPolicy"
            ]}),
        )
        .await;
    assert_eq!(
        tested.ok()["permissions"],
        json!(["cloudkms.cryptoKeys.get", "cloudkms.cryptoKeyVersions.useToEncrypt"])
    );
}

#[tokio::test]
async fn grants_are_inherited_from_the_ring_and_the_project_and_conditions_grant_nothing() {
    let g = Gcp::start().await;
    let anthropic = g.anthropic();
    g.ring_and_key().await;
    g.bind(RING, ENC_DEC, &anthropic_principal()).await;
    g.post(&anthropic, &format!("{KEY}:encrypt"), probe()).await.ok();
    let other = g.running.token_for("user:someone@example.com");
    g.get(&other, KEY).await.error(403, "PERMISSION_DENIED");
    // The project's policy through Resource Manager (v1 and v3 paths, POST as its clients send).
    let admin = g.admin();
    let project = g.post(&admin, "/v3/projects/cmek-sandbox:getIamPolicy", json!({})).await;
    let mut policy = project.ok().clone();
    assert_eq!(policy["bindings"][0]["role"], "roles/owner");
    let mut bindings = policy["bindings"].as_array().cloned().unwrap();
    bindings.push(json!({"role": VIEWER, "members": ["user:someone@example.com"]}));
    policy["bindings"] = Value::Array(bindings);
    g.post(&admin, "projects/cmek-sandbox:setIamPolicy", json!({"policy": policy})).await.ok();
    assert_eq!(g.get(&other, KEY).await.ok()["name"], KEY);
    g.post(&other, "projects/cmek-sandbox:getIamPolicy", json!({})).await.error(403, "PERMISSION_DENIED");
    // auditConfigs change only when the update mask names them.
    let mut policy = g.post(&admin, "projects/cmek-sandbox:getIamPolicy", json!({})).await.ok().clone();
    policy["auditConfigs"] = json!([{"service": "cloudkms.googleapis.com", "auditLogConfigs": [{"logType": "DATA_READ"}, {"logType": "DATA_WRITE"}]}]);
    let no_mask = g.post(&admin, "projects/cmek-sandbox:setIamPolicy", json!({"policy": policy.clone()})).await;
    assert!(no_mask.ok().get("auditConfigs").is_none());
    policy["etag"] = no_mask.json["etag"].clone();
    let masked = g
        .post(
            &admin,
            "projects/cmek-sandbox:setIamPolicy",
            json!({"policy": policy, "updateMask": "bindings,etag,auditConfigs"}),
        )
        .await;
    assert_eq!(masked.ok()["auditConfigs"][0]["service"], "cloudkms.googleapis.com");
    let on_key = json!({"policy": {"auditConfigs": [{"service": "allServices"}]}, "updateMask": "auditConfigs"});
    g.post(&admin, &format!("{KEY}:setIamPolicy"), on_key).await.error(400, "INVALID_ARGUMENT");
    // The sandbox does not evaluate CEL: a conditional grant grants nothing.
    let third = g.running.token_for("user:third@example.com");
    let mut key_policy = g.get(&admin, &format!("{KEY}:getIamPolicy")).await.ok().clone();
    key_policy["version"] = json!(3);
    key_policy["bindings"] =
        json!([{"role": VIEWER, "members": ["user:third@example.com"], "condition": {"expression": "true"}}]);
    g.post(&admin, &format!("{KEY}:setIamPolicy"), json!({"policy": key_policy})).await.ok();
    g.get(&third, KEY).await.error(403, "PERMISSION_DENIED");
    // Creating rings needs a project-level grant.
    let ring = g.post(&third, &format!("{PARENT}/keyRings?keyRingId=x"), json!({})).await;
    assert!(
        ring.error(403, "PERMISSION_DENIED")
            .contains(&format!("'cloudkms.keyRings.create' denied on resource '{PARENT}'"))
    );
}

#[tokio::test]
async fn the_admin_manages_but_cannot_use_keys_with_cloudkms_admin_alone() {
    let g = Gcp::start().await;
    g.ring_and_key().await;
    let kms_admin = "user:kms-admin@example.com";
    g.running.add_binding("projects/cmek-sandbox", "roles/cloudkms.admin", kms_admin, None).unwrap();
    let token = g.running.token_for(kms_admin);
    g.get(&token, KEY).await.ok();
    g.patch(&token, &format!("{KEY}?updateMask=labels"), json!({"labels": {"a": "b"}})).await.ok();
    g.get(&token, &format!("{KEY}:getIamPolicy")).await.ok();
    let refused = g.post(&token, &format!("{KEY}:encrypt"), probe()).await;
    assert!(refused.error(403, "PERMISSION_DENIED").contains("cloudkms.cryptoKeyVersions.useToEncrypt"));
}
