//! The project-level calls beside the key resources: Cloud KMS's locations (list, get), and
//! Service Usage's view of `cloudkms.googleapis.com` (get; `:enable` / `:disable`, answered with
//! an already-done operation), which GCP-01's fix and check use.

use serde_json::{Value, json};

use super::access::{self, Api};
use super::call::{Call, list_answer};
use super::errors::{GResult, GoogleError};
use super::iam;
use super::names::{LOCATIONS, LocationName, check_location};
use super::pagination::page;

pub const KMS_SERVICE: &str = "cloudkms.googleapis.com";

fn location_json(name: &LocationName) -> Value {
    json!({ "name": name.to_string(), "locationId": name.location })
}

pub fn list_locations(call: &Call, project: &str) -> GResult<Value> {
    let resource = format!("projects/{project}");
    access::authorize(call.state, &call.principal, Api::Kms, project, iam::LOCATIONS_LIST, &resource, &[])?;
    let all: Vec<LocationName> =
        LOCATIONS.iter().map(|l| LocationName { project: project.to_string(), location: l.to_string() }).collect();
    let page = page(all, |l| l.to_string(), call.req)?;
    let items = page.items.iter().map(location_json).collect();
    // Locations.ListLocations has no totalSize.
    Ok(list_answer("locations", items, page.next_page_token, 0))
}

pub fn get_location(call: &Call, name: &LocationName) -> GResult<Value> {
    check_location(&name.project, &name.location)?;
    call.on_location(name, iam::LOCATIONS_GET)?;
    Ok(location_json(name))
}

fn service_json(number: &str, enabled: bool) -> Value {
    json!({
        "name": format!("projects/{number}/services/{KMS_SERVICE}"),
        "parent": format!("projects/{number}"),
        "config": { "name": KMS_SERVICE, "title": "Cloud Key Management Service (KMS) API" },
        "state": if enabled { "ENABLED" } else { "DISABLED" },
    })
}

fn only_kms(service: &str) -> GResult<()> {
    if service == KMS_SERVICE {
        Ok(())
    } else {
        Err(GoogleError::not_found(format!(
            "Service {service} is not emulated: the sandbox's Service Usage knows only {KMS_SERVICE}."
        )))
    }
}

pub fn get_service(call: &Call, project: &str, service: &str) -> GResult<Value> {
    let resource = format!("projects/{project}/services/{service}");
    access::authorize(call.state, &call.principal, Api::ServiceUsage, project, iam::SERVICES_GET, &resource, &[])?;
    only_kms(service)?;
    let p =
        call.state.project(project).ok_or_else(|| GoogleError::not_found(format!("Project {project} not found.")))?;
    Ok(service_json(&p.project_number, p.kms_api_enabled))
}

/// `:enable` / `:disable`: done at once (Service Usage answers a finished operation).
pub fn set_service(call: &mut Call, project: &str, service: &str, enable: bool) -> GResult<Value> {
    let resource = format!("projects/{project}/services/{service}");
    access::authorize(call.state, &call.principal, Api::ServiceUsage, project, iam::SERVICES_ENABLE, &resource, &[])?;
    only_kms(service)?;
    let p = call
        .state
        .project_mut(project)
        .ok_or_else(|| GoogleError::not_found(format!("Project {project} not found.")))?;
    p.kms_api_enabled = enable;
    let kind = if enable { "EnableServiceResponse" } else { "DisableServiceResponse" };
    let mut response = json!({ "@type": format!("type.googleapis.com/google.api.serviceusage.v1.{kind}") });
    response["service"] = service_json(&p.project_number, enable);
    Ok(json!({ "name": "operations/noop.DONE_OPERATION", "done": true, "response": response }))
}
