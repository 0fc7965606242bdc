//! One request, start to finish: injected faults, which protocol (an
//! `X-Amz-Target` header means KMS's JSON 1.1, anything else STS's query protocol),
//! authentication, the operation, and the answer with its `x-amzn-RequestId`.
//!
//! The state is locked once per request, never across an `.await`; a poisoned lock is recovered
//! because every operation validates before it changes anything.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use chrono::Utc;

use super::auth::{self, AuthFailure, RawRequest, Service};
use super::authorize::Requester;
use super::body;
use super::errors::{KmsError, StsError};
use super::kms::{self, KmsCall};
use super::ops_sts;
use super::protocol_json::{self, Input};
use super::protocol_query;
use super::state::AwsState;
use crate::faults::{self, FaultPlan, Strike};
use cmek_core::policy::aws::PolicyDocument;

/// A running emulator's shared parts.
pub(super) struct Emulator {
    pub state: Mutex<AwsState>,
    pub rcps: RwLock<Arc<Vec<PolicyDocument>>>,
    pub faults: FaultPlan,
    /// How many faults were injected so far (KMS alternates throttling and internal errors).
    pub injected: AtomicU64,
}

impl Emulator {
    pub fn lock(&self) -> MutexGuard<'_, AwsState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn rcps(&self) -> Arc<Vec<PolicyDocument>> {
        self.rcps.read().map(|r| r.clone()).unwrap_or_else(|poisoned| poisoned.into_inner().clone())
    }

    pub fn set_rcps(&self, rcps: Vec<PolicyDocument>) {
        let mut slot = self.rcps.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        *slot = Arc::new(rcps);
    }
}

pub(super) async fn handle(
    State(emulator): State<Arc<Emulator>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    let target = headers.get("x-amz-target").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let body = match body::read(body, body::MAX_BODY).await {
        Ok(body) => body,
        Err(e) => {
            tracing::debug!(request_id, error = ?e, "aws sandbox: body refused");
            return match target {
                Some(_) => protocol_json::error(&request_id, &body::kms_error(&e)),
                None => protocol_query::error(&request_id, &body::sts_error(&e)),
            };
        }
    };
    let path_and_query = uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".to_string());
    let changes = target.as_deref().is_some_and(changes_state);
    let strike = emulator.faults.strike(faults::signature(method.as_str(), &path_and_query, &body), changes);
    if strike == Some(Strike::Before) {
        return injected(&emulator, target.as_deref(), &request_id);
    }
    let raw = RawRequest {
        method: method.as_str().to_string(),
        path_and_query,
        headers: headers
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body,
    };
    let response = match target.as_deref() {
        Some(target) => serve_kms(&emulator, &raw, target, peer.ip(), &request_id),
        None => serve_sts(&emulator, &raw, &request_id),
    };
    if strike == Some(Strike::AfterTheChange) {
        // Done, but the answer is "lost": the caller sees a failure.
        return injected(&emulator, target.as_deref(), &request_id);
    }
    response
}

/// KMS actions that change state (the rest only read, or compute without storing).
fn changes_state(target: &str) -> bool {
    let action = target.rsplit('.').next().unwrap_or(target);
    ["Create", "Update", "Delete", "Put", "Schedule", "Cancel", "Enable", "Disable", "Tag", "Untag", "Rotate"]
        .iter()
        .any(|verb| action.starts_with(verb))
}

/// An injected transient failure, as KMS (throttling, internal errors) or STS answers when busy.
fn injected(emulator: &Emulator, target: Option<&str>, request_id: &str) -> Response {
    let n = emulator.injected.fetch_add(1, Ordering::Relaxed);
    tracing::debug!(request_id, "aws sandbox: injected fault");
    match target {
        Some(_) if n % 2 == 1 => protocol_json::error(
            request_id,
            &KmsError::internal("The request was rejected because an internal exception occurred (injected fault)."),
        ),
        Some(_) => protocol_json::error(request_id, &KmsError::new("ThrottlingException", "Rate exceeded")),
        None => protocol_query::error(request_id, &StsError::new("Throttling", 400, "Rate exceeded")),
    }
}

fn serve_kms(emulator: &Emulator, raw: &RawRequest, target: &str, peer: IpAddr, request_id: &str) -> Response {
    let now = Utc::now();
    let rcps = emulator.rcps();
    let mut state = emulator.lock();
    state.expire(now);
    let authenticated = match auth::authenticate(raw, Service::Kms, &state, now) {
        Ok(a) => a,
        Err(failure) => return protocol_json::error(request_id, &kms_auth_error(failure)),
    };
    let Some(op) = target.strip_prefix("TrentService.") else {
        let e = KmsError::new(
            "UnknownOperationException",
            format!("'{}' is not a KMS target (TrentService.<Operation>).", super::errors::shorten(target)),
        );
        return protocol_json::error(request_id, &e);
    };
    let result = Input::parse(&raw.body).and_then(|input| {
        let call = KmsCall {
            who: Requester { caller: &authenticated.caller, region: &authenticated.region, now, peer },
            input: &input,
            rcps: &rcps,
        };
        kms::dispatch(op, &mut state, &call)
    });
    drop(state);
    match result {
        Ok(output) => {
            tracing::debug!(request_id, op, caller = %authenticated.caller.arn, "aws sandbox: kms ok");
            protocol_json::ok(request_id, output)
        }
        Err(e) => {
            tracing::debug!(request_id, op, code = e.code, "aws sandbox: kms error");
            protocol_json::error(request_id, &e)
        }
    }
}

fn serve_sts(emulator: &Emulator, raw: &RawRequest, request_id: &str) -> Response {
    let now = Utc::now();
    let mut state = emulator.lock();
    state.expire(now);
    let authenticated = match auth::authenticate(raw, Service::Sts, &state, now) {
        Ok(a) => a,
        Err(failure) => return protocol_query::error(request_id, &sts_auth_error(failure)),
    };
    let params = protocol_query::parameters(&raw.path_and_query, &raw.body);
    let result = ops_sts::dispatch(&mut state, &authenticated.caller, &params, now);
    drop(state);
    match result {
        Ok(answer) => protocol_query::ok(answer.action, &answer.result_xml, request_id),
        Err(e) => protocol_query::error(request_id, &e),
    }
}

const INVALID_TOKEN: &str = "The security token included in the request is invalid.";
const EXPIRED_TOKEN: &str = "The security token included in the request is expired";
const SIGNATURE_MISMATCH: &str = "The request signature we calculated does not match the signature you provided. \
     Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

fn kms_auth_error(failure: AuthFailure) -> KmsError {
    match failure {
        AuthFailure::Missing => KmsError::new("MissingAuthenticationTokenException", "Missing Authentication Token"),
        AuthFailure::Incomplete(m) => KmsError::new("IncompleteSignatureException", m),
        AuthFailure::Scope(m) | AuthFailure::Skew(m) => KmsError::new("InvalidSignatureException", m),
        AuthFailure::UnknownAccessKey | AuthFailure::InvalidToken | AuthFailure::RegionNotEnabled(_) => {
            KmsError::new("UnrecognizedClientException", INVALID_TOKEN)
        }
        AuthFailure::ExpiredToken => KmsError::new("ExpiredTokenException", EXPIRED_TOKEN),
        AuthFailure::SignatureMismatch => KmsError::new("InvalidSignatureException", SIGNATURE_MISMATCH),
    }
}

fn sts_auth_error(failure: AuthFailure) -> StsError {
    match failure {
        AuthFailure::Missing => {
            StsError::new("MissingAuthenticationToken", 403, "Request is missing Authentication Token")
        }
        AuthFailure::Incomplete(m) => StsError::new("IncompleteSignature", 400, m),
        AuthFailure::Scope(m) | AuthFailure::Skew(m) => StsError::new("SignatureDoesNotMatch", 403, m),
        AuthFailure::UnknownAccessKey | AuthFailure::InvalidToken | AuthFailure::RegionNotEnabled(_) => {
            StsError::new("InvalidClientTokenId", 403, INVALID_TOKEN)
        }
        AuthFailure::ExpiredToken => StsError::new("ExpiredToken", 400, EXPIRED_TOKEN),
        AuthFailure::SignatureMismatch => StsError::new("SignatureDoesNotMatch", 403, SIGNATURE_MISMATCH),
    }
}
