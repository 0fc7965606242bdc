//! One request, start to finish: read it, inject faults (like the other emulators), route it, authenticate the caller, settle versions whose destruction is due, run
//! the operation under the state lock (never held across an `.await`), and answer.

use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::call::Call;
use super::errors::{GResult, GoogleError, json_response};
use super::ops_iam::Owner;
use super::request::Incoming;
use super::routes::{self, Target};
use super::state::GcpState;
use super::{ops_crypto, ops_iam, ops_keys, ops_project, ops_rings, ops_versions, tokens};
use crate::faults::{self, FaultPlan, Strike};

pub struct Emulator {
    pub state: Mutex<GcpState>,
    pub faults: FaultPlan,
}

impl Emulator {
    /// The state (every operation checks before it changes anything, so a poisoned lock is safe to recover).
    pub fn lock(&self) -> MutexGuard<'_, GcpState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub async fn handle(State(emulator): State<Arc<Emulator>>, request: axum::extract::Request) -> Response {
    let req = match Incoming::read(request).await {
        Ok(req) => req,
        Err(message) => return GoogleError::invalid_argument(message).into_response(),
    };
    let signature = faults::signature(req.method.as_str(), &req.path_and_query, &req.body);
    let strike = emulator.faults.strike(signature, changes_state(&req));
    if strike == Some(Strike::Before) {
        return GoogleError::injected(signature).into_response();
    }
    let result = dispatch(&mut emulator.lock(), &req, Utc::now());
    let response = match result {
        Ok(body) => json_response(StatusCode::OK, &body),
        Err(e) => e.into_response(),
    };
    tracing::debug!(method = %req.method, path = %req.path, status = response.status().as_u16(), "gcp sandbox request");
    if strike == Some(Strike::AfterTheChange) {
        // Done, but the answer is "lost": the caller sees a failure.
        return GoogleError::injected(signature).into_response();
    }
    response
}

/// Writes change state; crypto, policy reads and permission tests (all POST) do not.
fn changes_state(req: &Incoming) -> bool {
    if matches!(req.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let verb = req.path.rsplit('/').next().and_then(|last| last.split_once(':')).map(|(_, v)| v);
    !matches!(verb, Some("encrypt" | "decrypt" | "getIamPolicy" | "testIamPermissions"))
}

/// Routes, authenticates and runs one call.
pub fn dispatch(state: &mut GcpState, req: &Incoming, now: DateTime<Utc>) -> GResult<Value> {
    let route = routes::parse(&req.path)?;
    let principal = tokens::caller(state, req)?;
    state.settle(now);
    let mut call = Call { state, principal, req, now, form: req.enum_form() };
    let method = &req.method;
    let (get, post, patch) = (method == Method::GET, method == Method::POST, method == Method::PATCH);
    let not_found = || GoogleError::not_found(format!("The requested URL {} was not found on this server.", req.path));
    match (&route.target, route.verb.as_deref()) {
        (Target::Locations { project }, None) if get => ops_project::list_locations(&call, project),
        (Target::Location(l), None) if get => ops_project::get_location(&call, l),
        (Target::KeyRings(l), None) if get => ops_rings::list(&call, l),
        (Target::KeyRings(l), None) if post => ops_rings::create(&mut call, l),
        (Target::KeyRing(r), None) if get => ops_rings::get(&call, r),
        (Target::CryptoKeys(r), None) if get => ops_keys::list(&call, r),
        (Target::CryptoKeys(r), None) if post => ops_keys::create(&mut call, r),
        (Target::CryptoKey(k), None) if get => ops_keys::get(&call, k),
        (Target::CryptoKey(k), None) if patch => ops_keys::patch(&mut call, k),
        (Target::CryptoKey(k), Some("encrypt")) if post => ops_crypto::encrypt(&call, k, None),
        (Target::CryptoKey(k), Some("decrypt")) if post => ops_crypto::decrypt(&call, k),
        (Target::CryptoKey(k), Some("updatePrimaryVersion")) if post => ops_keys::update_primary(&mut call, k),
        (Target::Versions(k), None) if get => ops_versions::list(&call, k),
        (Target::Versions(k), None) if post => ops_versions::create(&mut call, k),
        (Target::Version(v), None) if get => ops_versions::get(&call, v),
        (Target::Version(v), None) if patch => ops_versions::patch(&mut call, v),
        (Target::Version(v), Some("destroy")) if post => ops_versions::destroy(&mut call, v),
        (Target::Version(v), Some("restore")) if post => ops_versions::restore(&mut call, v),
        (Target::Version(v), Some("encrypt")) if post => ops_crypto::encrypt(&call, &v.key, Some(v.version)),
        (Target::Service { project, service }, None) if get => ops_project::get_service(&call, project, service),
        (Target::Service { project, service }, Some("enable")) if post => {
            ops_project::set_service(&mut call, project, service, true)
        }
        (Target::Service { project, service }, Some("disable")) if post => {
            ops_project::set_service(&mut call, project, service, false)
        }
        (target, Some(verb)) => {
            let owner = match target {
                Target::KeyRing(r) => Owner::KeyRing(r.clone()),
                Target::CryptoKey(k) => Owner::CryptoKey(k.clone()),
                Target::Project { project } => Owner::Project(project.clone()),
                _ => return Err(not_found()),
            };
            match verb {
                // Cloud KMS reads policies with GET; Resource Manager (and some clients) POST.
                "getIamPolicy" if get || post => ops_iam::get(&call, &owner),
                "setIamPolicy" if post => ops_iam::set(&mut call, &owner),
                "testIamPermissions" if post => ops_iam::test_permissions(&call, &owner),
                _ => Err(not_found()),
            }
        }
        _ => Err(not_found()),
    }
}
