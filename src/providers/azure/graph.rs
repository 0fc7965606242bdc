//! Microsoft Graph consent: find or create the service principal of an app (Anthropic's) in the
//! customer's tenant. Creating needs Application Administrator or Cloud Application Administrator.

use reqwest::Method;
use serde_json::{Value, json};

use super::AzureProvider;
use super::error::{AzureError, AzureErrorKind};
use super::rest::query_value;
use super::settings::GRAPH_SCOPE;
use cmek_core::model::azure::ServicePrincipalFacts;

impl AzureProvider {
    /// The service principal of `app_id` in the signed-in tenant, if consented.
    pub async fn find_service_principal(&self, app_id: &str) -> Result<Option<ServicePrincipalFacts>, AzureError> {
        let op = "graph:servicePrincipals/read";
        let app_id = checked_app_id(op, app_id)?;
        let filter = query_value(&format!("appId eq '{app_id}'"));
        let url = self.graph_url(&format!("/v1.0/servicePrincipals?$filter={filter}"));
        let answer = self.send_json(op, Method::GET, &url, GRAPH_SCOPE, None).await?;
        Ok(answer.body["value"].as_array().and_then(|v| v.first()).and_then(sp_facts))
    }

    /// Creates the service principal of `app_id` (consent); an existing one is returned as is.
    pub async fn create_service_principal(&self, app_id: &str) -> Result<ServicePrincipalFacts, AzureError> {
        let op = "graph:servicePrincipals/create";
        let app_id = checked_app_id(op, app_id)?;
        let url = self.graph_url("/v1.0/servicePrincipals");
        let body = json!({ "appId": app_id });
        let read = |answer: super::rest::JsonAnswer| {
            sp_facts(&answer.body)
                .ok_or_else(|| AzureError::new(AzureErrorKind::Other, op, "Graph answered without an object id"))
        };
        // A create whose answer was lost may have happened: look before sending it again.
        let created =
            self.create_json(op, &url, GRAPH_SCOPE, &body, read, || self.find_service_principal(&app_id)).await;
        match created {
            Ok(sp) => Ok(sp),
            // Another run (or an admin) consented first: Graph allows one per app and tenant.
            Err(e) if e.kind == AzureErrorKind::Conflict => self.find_service_principal(&app_id).await?.ok_or(e),
            Err(e) => Err(e),
        }
    }
}

/// App ids are GUIDs; checking keeps the `$filter` free of injected clauses.
fn checked_app_id(op: &'static str, app_id: &str) -> Result<String, AzureError> {
    uuid::Uuid::parse_str(app_id.trim()).map(|u| u.hyphenated().to_string()).map_err(|_| {
        AzureError::new(AzureErrorKind::InvalidInput, op, format!("`{app_id}` is not an application (client) id GUID"))
    })
}

fn sp_facts(v: &Value) -> Option<ServicePrincipalFacts> {
    Some(ServicePrincipalFacts {
        object_id: v["id"].as_str()?.to_string(),
        app_id: v["appId"].as_str().unwrap_or_default().to_string(),
        display_name: v["displayName"].as_str().map(str::to_string),
    })
}
