//! `GET /v1/organizations/me`.

use axum::Json;
use axum::extract::State;

use crate::platform::wire::Organization;

use super::super::app::AppState;
use super::super::state::lock;

pub async fn me(State(app): State<AppState>) -> Json<Organization> {
    Json(lock(&app.store).org.clone())
}
