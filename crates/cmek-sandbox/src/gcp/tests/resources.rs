//! Key rings, keys and versions over the wire: create, read, list, patch; enums as names and
//! numbers; Google's errors for duplicates, bad ids, unknown locations, malformed bodies, tokens.

use reqwest::Method;
use serde_json::json;

use super::{Gcp, KEY, PARENT, RING};

#[tokio::test]
async fn rings_and_keys_are_created_read_and_listed() {
    let g = Gcp::start().await;
    let admin = g.admin();
    let ring = g.post(&admin, &format!("{PARENT}/keyRings?keyRingId=anthropic-cmek"), json!({})).await;
    assert_eq!(ring.ok()["name"], RING);
    assert!(ring.json["createTime"].as_str().unwrap().ends_with('Z'));
    let again = g.post(&admin, &format!("{PARENT}/keyRings?keyRingId=anthropic-cmek"), json!({})).await;
    assert_eq!(again.error(409, "ALREADY_EXISTS"), format!("KeyRing {RING} already exists."));
    let body = json!({"purpose": "ENCRYPT_DECRYPT", "versionTemplate": {"protectionLevel": "HSM"}});
    let key = g.post(&admin, &format!("{RING}/cryptoKeys?cryptoKeyId=anthropic-cmek"), body).await.ok().clone();
    assert_eq!(key["name"], KEY);
    assert_eq!(key["purpose"], "ENCRYPT_DECRYPT");
    assert_eq!(key["primary"]["name"], format!("{KEY}/cryptoKeyVersions/1"));
    assert_eq!(key["primary"]["state"], "ENABLED");
    assert_eq!(key["primary"]["protectionLevel"], "HSM");
    assert_eq!(key["versionTemplate"], json!({"protectionLevel": "HSM", "algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION"}));
    assert_eq!(key["destroyScheduledDuration"], "2592000s");
    assert!(key.get("labels").is_none(), "empty fields are left out: {key}");

    assert_eq!(g.get(&admin, RING).await.ok()["name"], RING);
    assert_eq!(g.get(&admin, KEY).await.ok()["name"], KEY);
    let missing = g.get(&admin, &format!("{RING}/cryptoKeys/nope")).await;
    assert_eq!(missing.error(404, "NOT_FOUND"), format!("CryptoKey {RING}/cryptoKeys/nope not found."));

    for id in ["b", "c", "d"] {
        g.post(&admin, &format!("{PARENT}/keyRings?keyRingId={id}"), json!({})).await.ok();
    }
    let first = g.get(&admin, &format!("{PARENT}/keyRings?pageSize=3")).await;
    let page = first.ok();
    assert_eq!(page["keyRings"].as_array().unwrap().len(), 3);
    assert_eq!(page["totalSize"], 4);
    let token = page["nextPageToken"].as_str().unwrap();
    let second = g.get(&admin, &format!("{PARENT}/keyRings?pageSize=3&pageToken={token}")).await;
    assert_eq!(second.ok()["keyRings"][0]["name"], format!("{PARENT}/keyRings/d"));
    assert!(second.json.get("nextPageToken").is_none());
    g.get(&admin, &format!("{PARENT}/keyRings?pageToken=%21%21")).await.error(400, "INVALID_ARGUMENT");
    g.get(&admin, &format!("{PARENT}/keyRings?pageSize=-1")).await.error(400, "INVALID_ARGUMENT");
    let keys = g.get(&admin, &format!("{RING}/cryptoKeys")).await;
    assert_eq!(keys.ok()["cryptoKeys"][0]["name"], KEY);
    let empty = g.get(&admin, &format!("{PARENT}/keyRings/b/cryptoKeys")).await;
    assert_eq!(empty.ok(), &json!({}));
}

#[tokio::test]
async fn bad_ids_locations_and_bodies_are_refused() {
    let g = Gcp::start().await;
    let admin = g.admin();
    let bad = g.post(&admin, &format!("{PARENT}/keyRings?keyRingId=bad.id"), json!({})).await;
    assert!(bad.error(400, "INVALID_ARGUMENT").contains("[a-zA-Z0-9_-]{1,63}"));
    g.post(&admin, &format!("{PARENT}/keyRings"), json!({})).await.error(400, "INVALID_ARGUMENT");
    let long = "x".repeat(64);
    g.post(&admin, &format!("{PARENT}/keyRings?keyRingId={long}"), json!({})).await.error(400, "INVALID_ARGUMENT");
    let mars = g.post(&admin, "projects/cmek-sandbox/locations/mars-1/keyRings?keyRingId=r", json!({})).await;
    assert!(mars.error(404, "NOT_FOUND").contains("concerns location 'mars-1'"));
    // Multi-regions are real Cloud KMS locations (refusing them is the platform's job).
    g.post(&admin, "projects/cmek-sandbox/locations/us/keyRings?keyRingId=r", json!({})).await.ok();
    g.ring_and_key().await;
    let raw = reqwest::Client::new()
        .post(format!("{}/v1/{RING}/cryptoKeys?cryptoKeyId=k2", g.running.endpoint_url()))
        .bearer_auth(&admin)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    assert!(body["error"]["message"].as_str().unwrap().starts_with("Invalid JSON payload received."));
    for body in [
        json!([1, 2]),
        json!({"purpose": "ENCRYPT_DECRYPT", "colour": "red"}),
        json!({"purpose": "SIGN"}),
        json!({}),
        json!({"purpose": "ENCRYPT_DECRYPT", "versionTemplate": {"algorithm": "RSA_DECRYPT_OAEP_3072_SHA256"}}),
        json!({"purpose": "ASYMMETRIC_DECRYPT"}),
        json!({"purpose": "ENCRYPT_DECRYPT", "labels": {"Team": "x"}}),
        json!({"purpose": "ENCRYPT_DECRYPT", "rotationPeriod": "60s"}),
        json!({"purpose": "ENCRYPT_DECRYPT", "nextRotationTime": 5}),
    ] {
        let r = g.post(&admin, &format!("{RING}/cryptoKeys?cryptoKeyId=k2"), body.clone()).await;
        r.error(400, "INVALID_ARGUMENT");
    }
    let dup = g.post(&admin, &format!("{RING}/cryptoKeys?cryptoKeyId=anthropic-cmek"), json!({"purpose": 1})).await;
    dup.error(409, "ALREADY_EXISTS");
    let nowhere =
        g.post(&admin, &format!("{PARENT}/keyRings/none/cryptoKeys?cryptoKeyId=k"), json!({"purpose": 1})).await;
    assert_eq!(nowhere.error(404, "NOT_FOUND"), format!("KeyRing {PARENT}/keyRings/none not found."));
    g.get(&admin, "/v2/anything").await.error(404, "NOT_FOUND");
    g.call(Some(&admin), Method::DELETE, KEY, None).await.error(404, "NOT_FOUND");
    g.get(&admin, &format!("{KEY}/cryptoKeyVersions/abc")).await.error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn tokens_are_required_and_must_be_issued() {
    let g = Gcp::start().await;
    let none = g.call(None, Method::GET, &format!("{PARENT}/keyRings"), None).await;
    assert!(none.error(401, "UNAUTHENTICATED").starts_with("Request is missing required authentication credential."));
    assert_eq!(none.reason(), "CREDENTIALS_MISSING");
    let forged = g.get("ya29.forged", &format!("{PARENT}/keyRings")).await;
    assert!(forged.error(401, "UNAUTHENTICATED").starts_with("Request had invalid authentication credentials."));
}

#[tokio::test]
async fn enums_travel_as_names_or_numbers() {
    let g = Gcp::start().await;
    let admin = g.admin();
    g.post(&admin, &format!("{PARENT}/keyRings?keyRingId=anthropic-cmek&$alt=json;enum-encoding=int"), json!({}))
        .await
        .ok();
    // Python's REST transport: integers in the body, and asks for integers back.
    let body = json!({"purpose": 1, "versionTemplate": {"protectionLevel": 2, "algorithm": 1}});
    let path = format!(
        "{RING}/cryptoKeys?cryptoKeyId=anthropic-cmek&skipInitialVersionCreation=false&%24alt=json%3Benum-encoding%3Dint"
    );
    let key = g.post(&admin, &path, body).await;
    let key = key.ok();
    assert_eq!(key["purpose"], 1);
    assert_eq!(key["versionTemplate"], json!({"protectionLevel": 2, "algorithm": 1}));
    assert_eq!(key["primary"]["state"], 1);
    let named = g.get(&admin, KEY).await;
    assert_eq!(named.ok()["purpose"], "ENCRYPT_DECRYPT");
    assert_eq!(named.json["primary"]["protectionLevel"], "HSM");
    let ints = g.get(&admin, &format!("{KEY}/cryptoKeyVersions/1?$alt=json;enum-encoding=int")).await;
    assert_eq!(ints.ok()["state"], 1);
    assert_eq!(ints.json["protectionLevel"], 2);
    // State by number in a PATCH body, as Python sends it.
    let disabled = g.patch(&admin, &format!("{KEY}/cryptoKeyVersions/1?updateMask=state"), json!({"state": 2})).await;
    assert_eq!(disabled.ok()["state"], "DISABLED");
    let mac = json!({"purpose": "MAC", "versionTemplate": {"algorithm": "HMAC_SHA256"}});
    let mac = g.post(&admin, &format!("{RING}/cryptoKeys?cryptoKeyId=mac"), mac).await;
    assert_eq!(mac.ok()["purpose"], "MAC");
    assert!(mac.json.get("primary").is_none(), "only symmetric keys have a primary");
    let skipped = g
        .post(
            &admin,
            &format!("{RING}/cryptoKeys?cryptoKeyId=empty&skipInitialVersionCreation=true"),
            json!({"purpose": "ENCRYPT_DECRYPT"}),
        )
        .await;
    assert!(skipped.ok().get("primary").is_none());
    let versions = g.get(&admin, &format!("{RING}/cryptoKeys/empty/cryptoKeyVersions")).await;
    assert_eq!(versions.ok(), &json!({}));
}

#[tokio::test]
async fn a_labels_patch_replaces_the_whole_map() {
    let g = Gcp::start().await;
    let admin = g.admin();
    g.ring_and_key().await;
    let first = g
        .patch(&admin, &format!("{KEY}?updateMask=labels"), json!({"labels": {"team": "payments", "env": "prod"}}))
        .await;
    assert_eq!(first.ok()["labels"], json!({"env": "prod", "team": "payments"}));
    let second =
        g.patch(&admin, &format!("{KEY}?updateMask=labels"), json!({"labels": {"anthropic-org-x": "true"}})).await;
    assert_eq!(second.ok()["labels"], json!({"anthropic-org-x": "true"}), "the earlier labels are gone");
    let cleared = g.patch(&admin, &format!("{KEY}?updateMask=labels"), json!({})).await;
    assert!(cleared.ok().get("labels").is_none());
    let rotation = json!({"rotationPeriod": "7776000s", "nextRotationTime": "2031-01-01T00:00:00Z"});
    let rotated = g.patch(&admin, &format!("{KEY}?update_mask=rotation_period,next_rotation_time"), rotation).await;
    assert_eq!(rotated.ok()["rotationPeriod"], "7776000s");
    assert_eq!(rotated.json["nextRotationTime"], "2031-01-01T00:00:00Z");
    g.patch(&admin, KEY, json!({"labels": {}})).await.error(400, "INVALID_ARGUMENT");
    g.patch(&admin, &format!("{KEY}?updateMask=purpose"), json!({"purpose": "MAC"}))
        .await
        .error(400, "INVALID_ARGUMENT");
    let protection = json!({"versionTemplate": {"protectionLevel": "SOFTWARE"}});
    g.patch(&admin, &format!("{KEY}?updateMask=versionTemplate"), protection).await.error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn versions_are_disabled_destroyed_and_restored() {
    let g = Gcp::start().await;
    let admin = g.admin();
    g.ring_and_key().await;
    let v1 = format!("{KEY}/cryptoKeyVersions/1");
    let v2 = g.post(&admin, &format!("{KEY}/cryptoKeyVersions"), json!({})).await;
    assert_eq!(v2.ok()["name"], format!("{KEY}/cryptoKeyVersions/2"));
    assert_eq!(g.get(&admin, KEY).await.ok()["primary"]["name"], v1, "a new version is not made primary");
    let primary = g.post(&admin, &format!("{KEY}:updatePrimaryVersion"), json!({"cryptoKeyVersionId": "2"})).await;
    assert_eq!(primary.ok()["primary"]["name"], format!("{KEY}/cryptoKeyVersions/2"));
    let destroyed = g.post(&admin, &format!("{v1}:destroy"), json!({})).await;
    assert_eq!(destroyed.ok()["state"], "DESTROY_SCHEDULED");
    assert!(destroyed.json["destroyTime"].is_string());
    let enable = g.patch(&admin, &format!("{v1}?updateMask=state"), json!({"state": "ENABLED"})).await;
    enable.error(400, "FAILED_PRECONDITION");
    g.post(&admin, &format!("{v1}:destroy"), json!({})).await.error(400, "FAILED_PRECONDITION");
    let restored = g.post(&admin, &format!("{v1}:restore"), json!({})).await;
    assert_eq!(restored.ok()["state"], "DISABLED");
    assert!(restored.json.get("destroyTime").is_none());
    g.post(&admin, &format!("{v1}:restore"), json!({})).await.error(400, "FAILED_PRECONDITION");
    let bad_state = g.patch(&admin, &format!("{v1}?updateMask=state"), json!({"state": "DESTROYED"})).await;
    bad_state.error(400, "INVALID_ARGUMENT");
    let list = g.get(&admin, &format!("{KEY}/cryptoKeyVersions?pageSize=1")).await;
    assert_eq!(list.ok()["cryptoKeyVersions"][0]["name"], v1);
    assert_eq!(list.json["totalSize"], 2);
    let token = list.json["nextPageToken"].as_str().unwrap().to_string();
    let next = g.get(&admin, &format!("{KEY}/cryptoKeyVersions?pageSize=1&pageToken={token}")).await;
    assert_eq!(next.ok()["cryptoKeyVersions"][0]["name"], format!("{KEY}/cryptoKeyVersions/2"));
    g.get(&admin, &format!("{KEY}/cryptoKeyVersions/9")).await.error(404, "NOT_FOUND");
    // A version whose destroy time has passed is DESTROYED, its material gone.
    g.post(&admin, &format!("{v1}:destroy"), json!({})).await.ok();
    let name = crate::gcp::names::CryptoKeyName::parse(KEY).unwrap();
    g.running.with_state(|s| {
        let v = s.crypto_key_mut(&name).unwrap().version_mut(1).unwrap();
        v.destroy_time = Some(chrono::Utc::now() - chrono::Duration::seconds(1));
    });
    let gone = g.get(&admin, &v1).await;
    assert_eq!(gone.ok()["state"], "DESTROYED");
    assert!(gone.json["destroyEventTime"].is_string());
    assert!(g.running.state().crypto_key(&name).unwrap().version(1).unwrap().material.is_none());
}

#[tokio::test]
async fn the_api_state_and_locations_are_served() {
    let g = Gcp::start().await;
    let admin = g.admin();
    let svc = g.get(&admin, "projects/cmek-sandbox/services/cloudkms.googleapis.com").await;
    assert_eq!(svc.ok()["state"], "ENABLED");
    let off = g.post(&admin, "projects/cmek-sandbox/services/cloudkms.googleapis.com:disable", json!({})).await;
    assert_eq!(off.ok()["done"], true);
    let refused = g.get(&admin, &format!("{PARENT}/keyRings")).await;
    refused.error(403, "PERMISSION_DENIED");
    assert_eq!(refused.reason(), "SERVICE_DISABLED");
    g.post(&admin, "projects/cmek-sandbox/services/cloudkms.googleapis.com:enable", json!({})).await.ok();
    g.get(&admin, &format!("{PARENT}/keyRings")).await.ok();
    let locations = g.get(&admin, "projects/cmek-sandbox/locations?pageSize=500").await;
    let ids: Vec<&str> =
        locations.ok()["locations"].as_array().unwrap().iter().map(|l| l["locationId"].as_str().unwrap()).collect();
    assert!(ids.contains(&"us-central1") && ids.contains(&"us"));
    assert_eq!(g.get(&admin, PARENT).await.ok()["locationId"], "us-central1");
    g.get(&admin, "projects/cmek-sandbox/services/compute.googleapis.com").await.error(404, "NOT_FOUND");
}

/// Whatever arrives, the answer is Google's error shape or a success, never a crash or a 500.
#[tokio::test]
async fn no_input_makes_the_emulator_fail() {
    let g = Gcp::start().await;
    g.ring_and_key().await;
    let admin = g.admin();
    let junk = [
        json!(null),
        json!([]),
        json!("text"),
        json!(5),
        json!({"plaintext": 5, "ciphertext": {"a": 1}}),
        json!({"policy": [], "updateMask": 7}),
        json!({"policy": {"bindings": [5, {"role": 1}, {"role": "roles/viewer", "members": "x"}], "etag": 3}}),
        json!({"policy": {"bindings": [{"role": "roles/viewer", "members": ["user:a@example.com"], "condition": 1}], "version": "x"}}),
        json!({"purpose": [], "versionTemplate": 5, "labels": [1], "rotationPeriod": {}, "destroyScheduledDuration": "-5s"}),
        json!({"state": {}, "cryptoKeyVersionId": "-1", "permissions": [1, 2], "options": {"requestedPolicyVersion": "x"}}),
        json!({"plaintext": "aGk=", "plaintextCrc32c": "99999999999999999999999"}),
        json!({"ciphertext": "AQAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}),
    ];
    let paths = [
        format!("{PARENT}/keyRings?keyRingId=j"),
        format!("{RING}/cryptoKeys?cryptoKeyId=j&skipInitialVersionCreation=maybe"),
        format!("{KEY}?updateMask=labels,rotationPeriod,versionTemplate"),
        format!("{KEY}:encrypt"),
        format!("{KEY}:decrypt"),
        format!("{KEY}:setIamPolicy"),
        format!("{KEY}:getIamPolicy"),
        format!("{KEY}:testIamPermissions"),
        format!("{KEY}:updatePrimaryVersion"),
        format!("{KEY}/cryptoKeyVersions"),
        format!("{KEY}/cryptoKeyVersions/1?updateMask=state"),
        format!("{KEY}/cryptoKeyVersions/1:destroy"),
        format!("{KEY}/cryptoKeyVersions/1:restore"),
        format!("{KEY}/cryptoKeyVersions/4294967296"),
        "/v3/projects/cmek-sandbox:setIamPolicy".to_string(),
        "projects/cmek-sandbox/services/cloudkms.googleapis.com:enable".to_string(),
        format!("{KEY}:unknownVerb"),
        "projects/%FF/locations/%2F/keyRings".to_string(),
    ];
    for path in &paths {
        for method in [Method::GET, Method::POST, Method::PATCH, Method::PUT] {
            for body in &junk {
                let r = g.call(Some(&admin), method.clone(), path, Some(body.clone())).await;
                assert!(r.status < 500, "{method} {path} {body}: {r:?}");
                if r.status != 200 {
                    assert!(r.json["error"]["status"].is_string(), "{method} {path} {body}: {r:?}");
                }
            }
        }
    }
}
