//! The AWS emulator on the wire, below the SDKs: the exact error shapes of AWS JSON 1.1 (KMS) and
//! the query protocol (STS), request ids, signature timing and scope, and that no request body
//! makes it fail inside (no 500 other than an injected fault) or stop answering.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningParams, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use cmek_sandbox::aws::AwsCredentials;
use cmek_sandbox::aws::RunningAws;
use secrecy::ExposeSecret;
use serde_json::Value;

use crate::aws_emulator::emulator;

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// Sends a request signed as the SDKs sign it (at `time`, for `service`).
async fn send(
    aws: &RunningAws,
    creds: &AwsCredentials,
    service: &str,
    time: SystemTime,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Reply {
    let url = aws.endpoint.as_str().to_string();
    let host = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    all.push(("host", &host));
    let identity: Identity = Credentials::new(
        &creds.access_key_id,
        creds.secret_access_key.expose_secret(),
        creds.session_token.as_ref().map(|t| t.expose_secret().to_string()),
        None,
        "wire-test",
    )
    .into();
    let params: SigningParams<'_> = v4::SigningParams::<SigningSettings>::builder()
        .identity(&identity)
        .region("us-east-2")
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new("POST", url.clone(), all.iter().copied(), SignableBody::Bytes(body)).unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = reqwest::Client::new().post(&url).body(body.to_vec());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    for (name, value) in instructions.headers() {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    Reply { status, headers, body: response.text().await.unwrap() }
}

async fn kms(aws: &RunningAws, op: &str, body: &[u8]) -> Reply {
    let target = format!("TrentService.{op}");
    let headers = [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", target.as_str())];
    send(aws, &aws.customer().credentials, "kms", SystemTime::now(), &headers, body).await
}

async fn sts(aws: &RunningAws, body: &str) -> Reply {
    let headers = [("content-type", "application/x-www-form-urlencoded; charset=utf-8")];
    send(aws, &aws.customer().credentials, "sts", SystemTime::now(), &headers, body.as_bytes()).await
}

fn assert_kms_error(reply: &Reply, status: u16, code: &str) -> String {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.header("x-amzn-errortype"), code);
    assert_eq!(reply.header("content-type"), "application/x-amz-json-1.1");
    assert!(!reply.header("x-amzn-requestid").is_empty());
    let body = reply.json();
    assert_eq!(body["__type"], code, "{body}");
    body["message"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn kms_answers_in_aws_json_1_1() {
    let aws = emulator().await;
    let ok = kms(&aws, "ListKeys", b"{}").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.json(), serde_json::json!({"Keys": [], "Truncated": false}));
    assert_eq!(ok.header("content-type"), "application/x-amz-json-1.1");
    assert_eq!(ok.header("x-amzn-requestid").len(), 36);

    assert_kms_error(&kms(&aws, "FlyToTheMoon", b"{}").await, 400, "UnknownOperationException");
    assert_kms_error(&kms(&aws, "CreateGrant", b"{}").await, 400, "UnknownOperationException");
    let message = assert_kms_error(&kms(&aws, "DescribeKey", b"{}").await, 400, "ValidationException");
    assert_eq!(
        message,
        "1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null"
    );
    assert_kms_error(&kms(&aws, "DescribeKey", b"{\"KeyId\":").await, 400, "SerializationException");
    let message = assert_kms_error(
        &kms(&aws, "DescribeKey", br#"{"KeyId":"1234abcd-12ab-34cd-56ef-1234567890ab"}"#).await,
        400,
        "NotFoundException",
    );
    assert_eq!(
        message,
        "Key 'arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' does not exist"
    );
    let unsigned = reqwest::Client::new()
        .post(aws.endpoint.as_str())
        .header("x-amz-target", "TrentService.ListKeys")
        .body("{}")
        .send()
        .await
        .unwrap();
    let reply = Reply {
        status: unsigned.status().as_u16(),
        headers: unsigned.headers().clone(),
        body: unsigned.text().await.unwrap(),
    };
    assert_kms_error(&reply, 400, "MissingAuthenticationTokenException");
}

#[tokio::test]
async fn sts_answers_in_the_query_protocol() {
    let aws = emulator().await;
    let ok = sts(&aws, "Action=GetCallerIdentity&Version=2011-06-15").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(ok.body.starts_with("<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"));
    assert!(ok.body.contains("<Arn>arn:aws:iam::111122223333:user/sandbox-admin</Arn>"), "{}", ok.body);
    assert!(ok.body.contains(&format!("<RequestId>{}</RequestId>", ok.header("x-amzn-requestid"))));

    let bad = sts(&aws, "Action=GetFederationToken&Version=2011-06-15").await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.body.starts_with("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"),
        "{}",
        bad.body
    );
    for part in
        ["<Type>Sender</Type>", "<Code>InvalidAction</Code>", "<Message>Could not find operation GetFederationToken"]
    {
        assert!(bad.body.contains(part), "{}", bad.body);
    }
    assert!(bad.body.contains(&format!("<RequestId>{}</RequestId>", bad.header("x-amzn-requestid"))));
}

#[tokio::test]
async fn signatures_must_be_recent_and_scoped_to_the_service() {
    let aws = emulator().await;
    let creds = aws.customer().credentials;
    let headers = [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "TrentService.ListKeys")];
    let old = SystemTime::now() - Duration::from_secs(20 * 60);
    let reply = send(&aws, &creds, "kms", old, &headers, b"{}").await;
    assert!(assert_kms_error(&reply, 400, "InvalidSignatureException").starts_with("Signature expired:"));
    let within = SystemTime::now() - Duration::from_secs(10 * 60);
    assert_eq!(send(&aws, &creds, "kms", within, &headers, b"{}").await.status, 200);
    let reply = send(&aws, &creds, "sts", SystemTime::now(), &headers, b"{}").await;
    let message = assert_kms_error(&reply, 400, "InvalidSignatureException");
    assert!(message.contains("'kms'"), "{message}");
    let sts_old = send(&aws, &creds, "sts", old, &[], b"Action=GetCallerIdentity&Version=2011-06-15").await;
    assert_eq!(sts_old.status, 403);
    assert!(sts_old.body.contains("<Code>SignatureDoesNotMatch</Code>"), "{}", sts_old.body);
}

/// Bodies no client sends, for every operation: each gets a client error (or is served, when the
/// odd members are ones the operation does not read), never a 500.
#[tokio::test]
async fn no_request_body_breaks_an_operation() {
    let aws = emulator().await;
    let ops = [
        "CreateKey",
        "DescribeKey",
        "ListKeys",
        "GetKeyPolicy",
        "PutKeyPolicy",
        "ListKeyPolicies",
        "CreateAlias",
        "ListAliases",
        "DeleteAlias",
        "UpdateAlias",
        "EnableKey",
        "DisableKey",
        "ScheduleKeyDeletion",
        "CancelKeyDeletion",
        "GetKeyRotationStatus",
        "EnableKeyRotation",
        "DisableKeyRotation",
        "RotateKeyOnDemand",
        "TagResource",
        "UntagResource",
        "ListResourceTags",
        "Encrypt",
        "Decrypt",
        "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext",
    ];
    let long = "k".repeat(5000);
    let deep = "[".repeat(5000);
    let bodies: Vec<Vec<u8>> = vec![
        b"[]".to_vec(),
        b"\xff\xfe\x00".to_vec(),
        deep.into_bytes(),
        br#"{"KeyId": 7, "Policy": [], "Limit": "x", "Tags": {}}"#.to_vec(),
        format!(r#"{{"KeyId": "{long}", "AliasName": "{long}", "TargetKeyId": "{long}"}}"#).into_bytes(),
        br#"{"KeyId": "alias/../../etc", "Limit": 99999999999999999999, "Marker": "%%%"}"#.to_vec(),
        br#"{"KeyId": "arn:aws:kms:us-east-2:111122223333:alias/", "CiphertextBlob": "!!", "Plaintext": "AAAA"}"#.to_vec(),
        br#"{"KeyId": "mrk-", "NumberOfBytes": -1, "KeySpec": 3, "PendingWindowInDays": 1e300}"#.to_vec(),
        br#"{"CiphertextBlob": "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "EncryptionContext": {"a": null}}"#.to_vec(),
        br#"{"Policy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[]},\"Action\":[],\"Resource\":[]}]}"}"#.to_vec(),
    ];
    for op in ops {
        for body in &bodies {
            let reply = kms(&aws, op, body).await;
            // Members an operation does not have are ignored, as AWS ignores them: a success is fine.
            assert!(
                reply.status == 200 || (400..500).contains(&reply.status),
                "{op} {}: HTTP {} {}",
                String::from_utf8_lossy(body).chars().take(80).collect::<String>(),
                reply.status,
                reply.body
            );
            if reply.status != 200 {
                assert!(reply.json()["__type"].is_string(), "{op}: {}", reply.body);
            }
        }
    }
    assert_eq!(kms(&aws, "ListKeys", b"{}").await.status, 200, "the emulator still answers");
}
