//! Gathers the facts a `setup` plan needs, from the platform and (through its runtime) the cloud,
//! concurrently and read-only.

use cmek_core::model::{CompartmentId, OrgUuid, ProviderKind, WorkspaceRef};
use cmek_core::plan::{OrgFacts, RegisteredKey, SetupAnswers, SetupFacts, WorkspaceFacts};
use cmek_core::run::events::{Event, EventSink};

use super::Services;
use crate::error::{Error, Result};
use crate::platform::types::{ExternalKey, Workspace};

pub async fn gather(services: &Services, answers: &SetupAnswers, sink: &mut dyn EventSink) -> Result<SetupFacts> {
    sink.emit(Event::Inspecting { what: "the organisation, its workspaces and registered keys".into() });
    let cloud = services.cloud.gather(&*answers.cloud, sink);
    let platform = platform_facts(&services.platform, answers.provider(), &answers.workspaces);
    let (platform, cloud) = tokio::join!(platform, cloud);
    let (org, workspaces, registered) = platform?;
    // Known by now: the listings were answered, in 2026-10-21 or after falling back.
    let attach_reports_validation = !services.platform.speaks_legacy();
    Ok(SetupFacts { org, workspaces, registered, cloud: cloud?, attach_reports_validation })
}

/// The organisation, the target workspaces `refs` names, and every registered key (with the
/// compartments of the workspaces using it), for a setup in `provider`.
async fn platform_facts(
    client: &crate::platform::Client,
    provider: ProviderKind,
    refs: &[WorkspaceRef],
) -> Result<(OrgFacts, Vec<WorkspaceFacts>, Vec<RegisteredKey>)> {
    // Archived workspaces only where the key's grant names compartments: there a key keeps
    // serving the archived workspaces that use it. A target named by the id of an archived
    // workspace is still found (and refused) by its own lookup.
    let archived_too = cmek_core::clouds::get(provider).is_some_and(|c| c.grant_names_compartments());
    let (keys, workspaces) =
        tokio::try_join!(client.all_external_keys(), client.all_workspaces(archived_too)).map_err(Error::from)?;
    let org = organization(client).await?;
    let targets = find_each(client, refs, &workspaces)
        .await?
        .into_iter()
        .map(workspace_facts)
        .collect::<Result<Vec<WorkspaceFacts>>>()?;
    // In the order concurrent runs settle on (attached, oldest, id): a cloud that finds several
    // registrations of its key keeps the first.
    let mut keys = keys;
    keys.sort_by(|a, b| a.settle_order().cmp(&b.settle_order()));
    let registered = keys.iter().map(|k| registered_key(k, &workspaces)).collect();
    Ok((org, targets, registered))
}

/// The organisation the listings were answered for: named by the header on every answer, so no
/// call of its own; asked for (`GET /v1/organizations/me`, which also gives its name) only when
/// the answers did not carry a bare UUID there.
async fn organization(client: &crate::platform::Client) -> Result<OrgFacts> {
    if let Some(uuid) = client.organization_id_seen().and_then(|id| id.parse::<OrgUuid>().ok()) {
        return Ok(OrgFacts { uuid, name: None });
    }
    let org = client.organization().await.map_err(Error::from)?;
    let uuid = org.uuid().map_err(Error::remote)?;
    Ok(OrgFacts { uuid, name: Some(org.name) })
}

pub(super) async fn find_workspace(
    client: &crate::platform::Client,
    r: &WorkspaceRef,
    all: &[Workspace],
) -> Result<Workspace> {
    match r {
        // Listed already: no round trip of its own (archived ones are listed where the setup
        // reads them; otherwise an archived target is read here, and refused by the plan).
        WorkspaceRef::Id(id) if let Some(w) = all.iter().find(|w| w.id == id.as_str()) => Ok(w.clone()),
        WorkspaceRef::Id(id) => client.get_workspace(id.as_str()).await.map_err(|e| {
            if e.is_not_found() {
                Error::usage(format!("workspace {id} was not found in this organisation"))
                    .with_hint(format!("workspaces: {}", names(all)))
            } else {
                Error::from(e)
            }
        }),
        WorkspaceRef::Name(name) => {
            let matching: Vec<&Workspace> = all.iter().filter(|w| &w.name == name && w.archived_at.is_none()).collect();
            match matching.as_slice() {
                [one] => Ok((*one).clone()),
                [] => Err(Error::usage(format!("no active workspace is named `{name}`"))
                    .with_hint(format!("workspaces: {}", names(all)))),
                many => Err(Error::usage(format!(
                    "{} workspaces are named `{name}`: {}; pass the id with --workspace",
                    many.len(),
                    many.iter().map(|w| w.id.as_str()).collect::<Vec<_>>().join(", ")
                ))),
            }
        }
    }
}

fn names(all: &[Workspace]) -> String {
    let active: Vec<String> =
        all.iter().filter(|w| w.archived_at.is_none()).map(|w| format!("{} ({})", w.name, w.id)).collect();
    if active.is_empty() { "none".into() } else { active.join(", ") }
}

pub(super) fn workspace_facts(w: Workspace) -> Result<WorkspaceFacts> {
    let compartment: CompartmentId = w.compartment_id.parse().map_err(|e| {
        Error::remote(format!("workspace {} has compartment id `{}`, which is not a UUID: {e}", w.id, w.compartment_id))
    })?;
    Ok(WorkspaceFacts {
        id: w.id,
        name: w.name,
        compartment,
        external_key_id: w.external_key_id,
        archived: w.archived_at.is_some(),
        just_created: chrono::Utc::now().signed_duration_since(w.created_at) < chrono::Duration::hours(1),
        created_at: w.created_at,
    })
}

pub(super) fn registered_key(k: &ExternalKey, workspaces: &[Workspace]) -> RegisteredKey {
    let attached_compartments = workspaces
        .iter()
        .filter(|w| w.external_key_id.as_deref() == Some(k.id.as_str()))
        .filter_map(|w| w.compartment_id.parse::<CompartmentId>().ok())
        .collect();
    RegisteredKey {
        id: k.id.clone(),
        display_name: k.display_name.clone(),
        attached: matches!(k.attachment, crate::platform::types::Attachment::Attached),
        config: k.provider_config.clone(),
        attached_compartments,
    }
}

/// The workspaces `refs` name, looked up before anything changes (each once, in order): for runs
/// that must know them before gathering, such as one key per workspace.
pub async fn resolve_workspaces(services: &Services, refs: &[WorkspaceRef]) -> Result<Vec<WorkspaceFacts>> {
    let client = &services.platform;
    // Names match active workspaces only, and an id not listed is looked up on its own.
    let all = client.all_workspaces(false).await.map_err(Error::from)?;
    find_each(client, refs, &all).await?.into_iter().map(workspace_facts).collect()
}

/// The workspace each of `refs` names (looked up together), in order; one named twice (by id
/// and by name) is one workspace, one attach.
async fn find_each(
    client: &crate::platform::Client,
    refs: &[WorkspaceRef],
    all: &[Workspace],
) -> Result<Vec<Workspace>> {
    let found = futures::future::try_join_all(refs.iter().map(|r| find_workspace(client, r, all))).await?;
    let mut unique: Vec<Workspace> = Vec::with_capacity(found.len());
    for w in found {
        if !unique.iter().any(|u| u.id == w.id) {
            unique.push(w);
        }
    }
    Ok(unique)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{organization, platform_facts};
    use crate::platform::test_server::{Reply, TestServer, workspace_json};
    use cmek_core::model::ProviderKind;

    const ORG: &str = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";

    fn listing() -> Reply {
        Reply::json(200, json!({"data": [], "first_id": null, "last_id": null, "has_more": false}))
    }

    #[tokio::test]
    async fn the_organisation_is_the_one_the_answers_name_with_no_call_of_its_own() {
        let server = TestServer::start(|_, _| listing().header("anthropic-organization-id", ORG)).await;
        let client = server.client();
        client.all_workspaces(true).await.unwrap();
        let org = organization(&client).await.unwrap();
        assert_eq!((org.uuid.to_string().as_str(), org.name), (ORG, None));
        assert_eq!(server.requests().len(), 1, "{:?}", server.lines());
    }

    #[tokio::test]
    async fn without_the_header_or_with_a_prefixed_id_the_organisation_is_asked_for() {
        for header in [None, Some("org_9a1b2c3d")] {
            let server = TestServer::start(move |r, _| match r.path.as_str() {
                "/v1/organizations/me" => {
                    Reply::json(200, json!({"id": ORG, "name": "Example Org", "type": "organization"}))
                }
                _ => match header {
                    Some(h) => listing().header("anthropic-organization-id", h),
                    None => listing(),
                },
            })
            .await;
            let client = server.client();
            client.all_workspaces(true).await.unwrap();
            let org = organization(&client).await.unwrap();
            assert_eq!(org.uuid.to_string(), ORG, "{header:?}");
            assert_eq!(org.name.as_deref(), Some("Example Org"), "{header:?}");
            assert!(server.lines().iter().any(|l| l.contains("/v1/organizations/me")), "{:?}", server.lines());
        }
    }

    #[tokio::test]
    async fn archived_workspaces_are_read_only_where_the_grant_names_compartments() {
        for (provider, archived_too) in
            [(ProviderKind::Aws, true), (ProviderKind::Gcp, false), (ProviderKind::Azure, false)]
        {
            let server = TestServer::start(|r, _| match r.path.as_str() {
                "/v1/organizations/workspaces" => {
                    let data = vec![workspace_json("wrkspc_a", "production")];
                    Reply::json(
                        200,
                        json!({"data": data, "first_id": "wrkspc_a", "last_id": "wrkspc_a", "has_more": false}),
                    )
                    .header("anthropic-organization-id", ORG)
                }
                _ => Reply::json(200, json!({"data": [], "next_page": null})).header("anthropic-organization-id", ORG),
            })
            .await;
            let refs = ["production".parse().unwrap()];
            let (org, targets, _) = platform_facts(&server.client(), provider, &refs).await.unwrap();
            assert_eq!((org.uuid.to_string().as_str(), targets[0].id.as_str()), (ORG, "wrkspc_a"));
            let asked: Vec<String> = server
                .requests()
                .iter()
                .filter(|r| r.path == "/v1/organizations/workspaces")
                .map(|r| r.query.clone().unwrap_or_default())
                .collect();
            assert_eq!(asked, [format!("limit=1000&include_archived={archived_too}")], "{provider:?}");
        }
    }
}
