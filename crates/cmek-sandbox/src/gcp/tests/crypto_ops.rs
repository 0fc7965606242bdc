//! encrypt / decrypt over the wire: a real AES-256-GCM round trip with AAD, CRC32C fields checked
//! against an independent implementation (the `crc32c` crate), and Google's refusals.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::{Gcp, KEY, RING};

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

fn crc(bytes: &[u8]) -> String {
    ::crc32c::crc32c(bytes).to_string()
}

#[tokio::test]
async fn a_round_trip_with_aad_and_checksums() {
    let g = Gcp::start().await;
    let admin = g.admin();
    g.ring_and_key().await;
    let plaintext = b"the data key Anthropic wraps";
    let aad = b"anthropic:org_uuid=5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d";
    let request = json!({
        "plaintext": b64(plaintext),
        "additionalAuthenticatedData": b64(aad),
        "plaintextCrc32c": crc(plaintext),
        "additionalAuthenticatedDataCrc32c": crc(aad),
    });
    let encrypted = g.post(&admin, &format!("{KEY}:encrypt"), request).await;
    let e = encrypted.ok();
    assert_eq!(e["name"], format!("{KEY}/cryptoKeyVersions/1"));
    assert_eq!(e["verifiedPlaintextCrc32c"], true);
    assert_eq!(e["verifiedAdditionalAuthenticatedDataCrc32c"], true);
    assert_eq!(e["protectionLevel"], "HSM");
    let ciphertext = STANDARD.decode(e["ciphertext"].as_str().unwrap()).unwrap();
    assert_eq!(e["ciphertextCrc32c"], crc(&ciphertext), "an int64 as a decimal string");
    assert_ne!(&ciphertext[ciphertext.len() - plaintext.len()..], plaintext);

    let decrypt = json!({
        "ciphertext": b64(&ciphertext),
        "additionalAuthenticatedData": b64(aad),
        "ciphertextCrc32c": crc(&ciphertext),
        "additionalAuthenticatedDataCrc32c": crc(aad),
    });
    let decrypted = g.post(&admin, &format!("{KEY}:decrypt?$alt=json;enum-encoding=int"), decrypt).await;
    let d = decrypted.ok();
    assert_eq!(STANDARD.decode(d["plaintext"].as_str().unwrap()).unwrap(), plaintext);
    assert_eq!(d["plaintextCrc32c"], crc(plaintext));
    assert_eq!(d["usedPrimary"], true);
    assert_eq!(d["protectionLevel"], 2);
    // Checksums are optional; without them nothing is claimed verified.
    let plain = g.post(&admin, &format!("{KEY}:encrypt"), json!({"plaintext": b64(b"x")})).await;
    assert!(plain.ok().get("verifiedPlaintextCrc32c").is_none());

    // Another AAD, another key or a flipped byte: Google's one refusal.
    let wrong_aad = json!({"ciphertext": b64(&ciphertext), "additionalAuthenticatedData": b64(b"other")});
    let refused = g.post(&admin, &format!("{KEY}:decrypt"), wrong_aad).await;
    assert_eq!(
        refused.error(400, "INVALID_ARGUMENT"),
        "Decryption failed: verify that 'name' refers to the correct CryptoKey."
    );
    let mut flipped = ciphertext.clone();
    flipped[20] ^= 1;
    let flipped = json!({"ciphertext": b64(&flipped), "additionalAuthenticatedData": b64(aad)});
    g.post(&admin, &format!("{KEY}:decrypt"), flipped).await.error(400, "INVALID_ARGUMENT");
    g.post(&admin, &format!("{RING}/cryptoKeys?cryptoKeyId=other"), json!({"purpose": "ENCRYPT_DECRYPT"})).await.ok();
    let elsewhere = json!({"ciphertext": b64(&ciphertext), "additionalAuthenticatedData": b64(aad)});
    g.post(&admin, &format!("{RING}/cryptoKeys/other:decrypt"), elsewhere).await.error(400, "INVALID_ARGUMENT");
    g.post(&admin, &format!("{KEY}:decrypt"), json!({"ciphertext": "AAAA"})).await.error(400, "INVALID_ARGUMENT");
}

#[tokio::test]
async fn wrong_checksums_and_unusable_versions_are_refused() {
    let g = Gcp::start().await;
    let admin = g.admin();
    g.ring_and_key().await;
    let bad = json!({"plaintext": b64(b"abc"), "plaintextCrc32c": "12345"});
    let refused = g.post(&admin, &format!("{KEY}:encrypt"), bad).await;
    assert_eq!(
        refused.error(400, "INVALID_ARGUMENT"),
        "The checksum in field plaintext_crc32c did not match the data in field plaintext."
    );
    let bad_aad = json!({"plaintext": b64(b"abc"), "additionalAuthenticatedData": b64(b"a"), "additionalAuthenticatedDataCrc32c": 7});
    g.post(&admin, &format!("{KEY}:encrypt"), bad_aad).await.error(400, "INVALID_ARGUMENT");
    g.post(&admin, &format!("{KEY}:encrypt"), json!({})).await.error(400, "INVALID_ARGUMENT");
    g.post(&admin, &format!("{KEY}:encrypt"), json!({"plaintext": "***"})).await.error(400, "INVALID_ARGUMENT");
    let too_big = json!({"plaintext": b64(&vec![0u8; 64 * 1024 + 1])});
    g.post(&admin, &format!("{KEY}:encrypt"), too_big).await.error(400, "INVALID_ARGUMENT");

    let ct =
        g.post(&admin, &format!("{KEY}:encrypt"), json!({"plaintext": b64(b"abc")})).await.ok()["ciphertext"].clone();
    let v1 = format!("{KEY}/cryptoKeyVersions/1");
    let bad_ct_crc = json!({"ciphertext": ct, "ciphertextCrc32c": "1"});
    let e = g.post(&admin, &format!("{KEY}:decrypt"), bad_ct_crc).await;
    assert!(e.error(400, "INVALID_ARGUMENT").contains("ciphertext_crc32c"));
    g.patch(&admin, &format!("{v1}?updateMask=state"), json!({"state": "DISABLED"})).await.ok();
    let disabled = g.post(&admin, &format!("{KEY}:encrypt"), json!({"plaintext": b64(b"abc")})).await;
    assert_eq!(disabled.error(400, "FAILED_PRECONDITION"), format!("{v1} is not enabled, current state is: DISABLED."));
    let no_decrypt = g.post(&admin, &format!("{KEY}:decrypt"), json!({"ciphertext": ct})).await;
    no_decrypt.error(400, "FAILED_PRECONDITION");
    // Encrypting with a named (enabled) version; decrypt then says it was not the primary.
    g.post(&admin, &format!("{KEY}/cryptoKeyVersions"), json!({})).await.ok();
    let v2 = g.post(&admin, &format!("{KEY}/cryptoKeyVersions/2:encrypt"), json!({"plaintext": b64(b"abc")})).await;
    assert_eq!(v2.ok()["name"], format!("{KEY}/cryptoKeyVersions/2"));
    let back = g.post(&admin, &format!("{KEY}:decrypt"), json!({"ciphertext": v2.json["ciphertext"]})).await;
    assert!(back.ok().get("usedPrimary").is_none());
    let mac = json!({"purpose": "MAC", "versionTemplate": {"algorithm": "HMAC_SHA256"}});
    g.post(&admin, &format!("{RING}/cryptoKeys?cryptoKeyId=mac"), mac).await.ok();
    let wrong = g.post(&admin, &format!("{RING}/cryptoKeys/mac:encrypt"), json!({"plaintext": b64(b"abc")})).await;
    assert!(wrong.error(400, "FAILED_PRECONDITION").contains("has purpose MAC"));
}
