//! The sandbox's own OIDC issuer on the platform's listener (standing for a CI provider):
//! `GET /oidc/.well-known/openid-configuration` and `GET /oidc/jwks`. Public, like any issuer's.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::super::app::AppState;
use super::super::error::{ApiError, ApiResult, ErrorKind};
use super::super::federation::oidc::{self, Issuer};
use super::super::state::lock;

pub async fn discovery(State(app): State<AppState>) -> Json<Value> {
    Json(oidc::discovery(&app.issuer_url))
}

pub async fn jwks(State(app): State<AppState>) -> ApiResult<Json<Value>> {
    let key = lock(&app.store).federation.signing_key.clone();
    let issuer = Issuer::load(&key)
        .map_err(|e| ApiError::new(ErrorKind::Api, format!("the sandbox's OIDC issuer is broken: {e}")))?;
    Ok(Json(json!({"keys": [issuer.jwk()]})))
}
