//! Authenticating a request as AWS does: the access key in the SigV4 credential scope names the
//! caller, the session token must match for temporary credentials, the time must be within 15
//! minutes, and the signature is recomputed with the `aws-sigv4` crate (the SDK's own signer)
//! over the received method, path, query, signed headers and body, then compared.
//!
//! Failures are protocol-neutral here; `handler` turns them into KMS or STS error codes.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, SessionTokenMode, SignableBody, SignableRequest, SignatureLocation, SigningParams,
    SigningSettings, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use axum::body::Bytes;
use chrono::{DateTime, Utc};

use super::identity::Caller;
use super::regions::{self, RegionStatus};
use super::sigv4::{self, AuthorizationHeader};
use super::state::AwsState;

/// A request as received, with lower-case header names.
#[derive(Debug, Clone)]
pub(super) struct RawRequest {
    pub method: String,
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl RawRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The service a request is for; its SigV4 scope must name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Service {
    Kms,
    Sts,
}

impl Service {
    pub fn scope_name(self) -> &'static str {
        match self {
            Service::Kms => "kms",
            Service::Sts => "sts",
        }
    }
}

/// Why a request is not authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum AuthFailure {
    /// No `Authorization` header at all.
    Missing,
    /// A malformed or incomplete `Authorization` header or date.
    Incomplete(String),
    /// The credential scope names another service or a region that does not exist.
    Scope(String),
    /// A real region the sandbox's accounts cannot use (opt-in, or another partition): AWS does
    /// not recognise the credentials there.
    RegionNotEnabled(String),
    UnknownAccessKey,
    /// Temporary credentials without their session token, or with another one.
    InvalidToken,
    ExpiredToken,
    /// Signed too long ago or too far ahead.
    Skew(String),
    SignatureMismatch,
}

/// Who sent the request, and the region its credential scope names.
#[derive(Debug, Clone)]
pub(super) struct Authenticated {
    pub caller: Caller,
    pub region: String,
}

/// Headers the signer adds by itself, so they are not handed to it as request headers.
const SIGNER_OWN_HEADERS: [&str; 3] = ["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"];

pub(super) fn authenticate(
    req: &RawRequest,
    service: Service,
    state: &AwsState,
    now: DateTime<Utc>,
) -> Result<Authenticated, AuthFailure> {
    let header = req.header("authorization").ok_or(AuthFailure::Missing)?;
    let auth = sigv4::parse_authorization(header).map_err(AuthFailure::Incomplete)?;
    let date = req.header("x-amz-date").ok_or_else(|| {
        AuthFailure::Incomplete(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.".to_string(),
        )
    })?;
    let signed_at = sigv4::parse_amz_date(date)
        .ok_or_else(|| AuthFailure::Incomplete(format!("Date must be in ISO-8601 'basic format'. Got '{date}'.")))?;
    if !auth.signed_headers.iter().any(|h| h == "host") {
        return Err(AuthFailure::Incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".to_string(),
        ));
    }
    if auth.service != service.scope_name() {
        return Err(AuthFailure::Scope(format!(
            "Credential should be scoped to correct service: '{}'. ",
            service.scope_name()
        )));
    }
    match regions::status(&auth.region) {
        RegionStatus::Served => {}
        RegionStatus::NotEnabled => return Err(AuthFailure::RegionNotEnabled(auth.region)),
        RegionStatus::Unknown => {
            return Err(AuthFailure::Scope(format!(
                "Credential should be scoped to a valid region, not '{}'. ",
                auth.region
            )));
        }
    }
    let credential = state.credential(&auth.access_key_id).ok_or(AuthFailure::UnknownAccessKey)?;
    if let Some(token) = &credential.session_token {
        let sent = req.header("x-amz-security-token").ok_or(AuthFailure::InvalidToken)?;
        if !token.matches(sent) {
            return Err(AuthFailure::InvalidToken);
        }
    }
    if credential.expires.is_some_and(|e| e <= now) {
        return Err(AuthFailure::ExpiredToken);
    }
    if let Some(message) = sigv4::skew_error(signed_at, now) {
        return Err(AuthFailure::Skew(message));
    }
    let token = credential.session_token.as_ref().map(|t| t.expose());
    if !signature_matches(req, &auth, credential.secret.expose(), token, signed_at.into()) {
        return Err(AuthFailure::SignatureMismatch);
    }
    Ok(Authenticated { caller: credential.caller, region: auth.region })
}

/// Recomputes the signature the client should have sent and compares it in constant time.
fn signature_matches(
    req: &RawRequest,
    auth: &AuthorizationHeader,
    secret: &str,
    session_token: Option<&str>,
    time: SystemTime,
) -> bool {
    let mut headers: Vec<(&str, &str)> = Vec::new();
    for name in auth.signed_headers.iter().filter(|n| !SIGNER_OWN_HEADERS.contains(&n.as_str())) {
        let before = headers.len();
        headers.extend(req.headers.iter().filter(|(n, _)| n == name).map(|(n, v)| (n.as_str(), v.as_str())));
        if headers.len() == before {
            // A header the client signed did not arrive: no signature we compute can match.
            return false;
        }
    }
    let signed = |name: &str| auth.signed_headers.iter().any(|h| h == name);
    let mut settings = SigningSettings::default();
    // The headers handed over are exactly the signed ones: nothing more to exclude.
    settings.excluded_headers = Some(Vec::new());
    settings.signature_location = SignatureLocation::Headers;
    settings.session_token_mode =
        if signed("x-amz-security-token") { SessionTokenMode::Include } else { SessionTokenMode::Exclude };
    if signed("x-amz-content-sha256") {
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    let identity: Identity =
        Credentials::new(&auth.access_key_id, secret, session_token.map(str::to_string), None, "cmek-sandbox").into();
    let Ok(params) = v4::SigningParams::<SigningSettings>::builder()
        .identity(&identity)
        .region(&auth.region)
        .name(&auth.service)
        .time(time)
        .settings(settings)
        .build()
    else {
        return false;
    };
    let params: SigningParams<'_> = params.into();
    // The authority is irrelevant: the received Host header is among the signed headers.
    let uri = format!("http://sandbox.invalid{}", req.path_and_query);
    let Ok(signable) = SignableRequest::new(&req.method, uri, headers.into_iter(), SignableBody::Bytes(&req.body))
    else {
        return false;
    };
    match sign(signable, &params) {
        Ok(output) => {
            aws_lc_rs::constant_time::verify_slices_are_equal(output.signature().as_bytes(), auth.signature.as_bytes())
                .is_ok()
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::CUSTOMER_ACCOUNT;
    use crate::aws::identity::CUSTOMER_USER;
    use secrecy::ExposeSecret;

    /// Signs a request exactly as the SDK does, with aws-sigv4.
    fn signed_request(akid: &str, secret: &str, service: &str, region: &str, time: DateTime<Utc>) -> RawRequest {
        let body = br#"{"KeyId":"alias/x"}"#;
        let headers = [
            ("content-type", "application/x-amz-json-1.1"),
            ("host", "127.0.0.1:4566"),
            ("x-amz-target", "TrentService.DescribeKey"),
        ];
        let identity: Identity = Credentials::new(akid, secret, None, None, "test").into();
        let params: SigningParams<'_> = v4::SigningParams::<SigningSettings>::builder()
            .identity(&identity)
            .region(region)
            .name(service)
            .time(time.into())
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let signable =
            SignableRequest::new("POST", "http://127.0.0.1:4566/", headers.iter().copied(), SignableBody::Bytes(body))
                .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut all: Vec<(String, String)> = headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        for (n, v) in instructions.headers() {
            all.push((n.to_ascii_lowercase(), v.to_string()));
        }
        RawRequest { method: "POST".into(), path_and_query: "/".into(), headers: all, body: Bytes::from_static(body) }
    }

    fn customer(state: &AwsState) -> (String, String) {
        let user = state.emulated_user(CUSTOMER_ACCOUNT, CUSTOMER_USER).unwrap();
        (user.credentials.access_key_id, user.credentials.secret_access_key.expose_secret().to_string())
    }

    #[test]
    fn a_correctly_signed_request_authenticates_and_any_change_does_not() {
        let state = AwsState::seeded();
        let (akid, secret) = customer(&state);
        let now = Utc::now();
        let req = signed_request(&akid, &secret, "kms", "us-east-2", now);
        let ok = authenticate(&req, Service::Kms, &state, now).unwrap();
        assert_eq!(ok.caller.arn, "arn:aws:iam::111122223333:user/sandbox-admin");
        assert_eq!(ok.region, "us-east-2");

        let mut tampered = req.clone();
        tampered.body = Bytes::from_static(br#"{"KeyId":"alias/y"}"#);
        assert_eq!(authenticate(&tampered, Service::Kms, &state, now).unwrap_err(), AuthFailure::SignatureMismatch);
        let wrong_secret = signed_request(&akid, "not-the-secret", "kms", "us-east-2", now);
        assert_eq!(authenticate(&wrong_secret, Service::Kms, &state, now).unwrap_err(), AuthFailure::SignatureMismatch);
        let unknown = signed_request("AKIAUNKNOWNUNKNOWN00", &secret, "kms", "us-east-2", now);
        assert_eq!(authenticate(&unknown, Service::Kms, &state, now).unwrap_err(), AuthFailure::UnknownAccessKey);
        assert!(matches!(authenticate(&req, Service::Sts, &state, now), Err(AuthFailure::Scope(_))));
        let late = now + chrono::TimeDelta::minutes(16);
        assert!(matches!(authenticate(&req, Service::Kms, &state, late), Err(AuthFailure::Skew(_))));

        // A region that does not exist, and one the sandbox's accounts have not enabled.
        let nowhere = signed_request(&akid, &secret, "kms", "us-nowhere-9", now);
        assert!(
            matches!(authenticate(&nowhere, Service::Kms, &state, now), Err(AuthFailure::Scope(m)) if m.contains("'us-nowhere-9'"))
        );
        let opt_in = signed_request(&akid, &secret, "kms", "af-south-1", now);
        assert!(matches!(authenticate(&opt_in, Service::Kms, &state, now), Err(AuthFailure::RegionNotEnabled(_))));

        let mut unsigned = req.clone();
        unsigned.headers.retain(|(n, _)| n != "authorization");
        assert_eq!(authenticate(&unsigned, Service::Kms, &state, now).unwrap_err(), AuthFailure::Missing);
        let mut dropped = req.clone();
        dropped.headers.retain(|(n, _)| n != "x-amz-target");
        assert_eq!(authenticate(&dropped, Service::Kms, &state, now).unwrap_err(), AuthFailure::SignatureMismatch);
    }
}
