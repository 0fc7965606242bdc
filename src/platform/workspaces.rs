//! Workspaces: list (id pagination), get, create (never retried blindly, never twice: a
//! `workspace_created_incomplete` answer names the workspace that exists), update (the attach
//! step sets `external_key_id`, which is permanent), archive. Paths as in the SDK's
//! `workspaces.py`. Whether an attach is wanted is decided elsewhere, never here.

use reqwest::Method;

use super::call::Call;
use super::client::Client;
use super::error::{ErrorCode, PlatformError};
use super::existing::is_same_workspace;
use super::pagination::{Listed, PageGuard, next_after_id};
use super::path::id_segment;
use super::types::{CreateWorkspace, IdPage, UpdateWorkspace, Workspace};

const COLLECTION: &str = "/v1/organizations/workspaces";
/// The API's largest page size for workspaces.
pub const WORKSPACES_LIMIT_MAX: u32 = 1000;
/// The page size used when following pages: the largest, so an organisation's workspaces
/// (at most 100 by default), archived ones included, come in one round trip.
const ALL_PAGE_SIZE: u32 = WORKSPACES_LIMIT_MAX;

/// Query of `GET /v1/organizations/workspaces`; `None` leaves a parameter to the server's default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkspaceQuery {
    /// 1..=1000 (server default 20).
    pub limit: Option<u32>,
    pub after_id: Option<String>,
    pub before_id: Option<String>,
    pub include_archived: Option<bool>,
    pub include_default: Option<bool>,
}

fn item_path(id: &str) -> Result<String, PlatformError> {
    let segment = id_segment("workspace_id", id).map_err(|err| PlatformError::InvalidInput { message: err.message })?;
    Ok(format!("{COLLECTION}/{segment}"))
}

impl Client {
    pub async fn get_workspace(&self, id: &str) -> Result<Workspace, PlatformError> {
        self.send(Call::new(Method::GET, item_path(id)?)).await
    }

    /// One page of workspaces.
    pub async fn list_workspaces(&self, q: &WorkspaceQuery) -> Result<IdPage<Workspace>, PlatformError> {
        let mut call = Call::new(Method::GET, COLLECTION.to_owned());
        if let Some(limit) = q.limit {
            if !(1..=WORKSPACES_LIMIT_MAX).contains(&limit) {
                return Err(PlatformError::InvalidInput {
                    message: format!("workspace page size {limit} is out of range: use 1 to {WORKSPACES_LIMIT_MAX}"),
                });
            }
            call = call.query("limit", limit);
        }
        if let Some(after_id) = &q.after_id {
            call = call.query("after_id", after_id);
        }
        if let Some(before_id) = &q.before_id {
            call = call.query("before_id", before_id);
        }
        if let Some(include_archived) = q.include_archived {
            call = call.query("include_archived", include_archived);
        }
        if let Some(include_default) = q.include_default {
            call = call.query("include_default", include_default);
        }
        self.send(call).await
    }

    /// Every workspace (archived ones too if asked), following `last_id` while `has_more`.
    pub async fn all_workspaces(&self, include_archived: bool) -> Result<Vec<Workspace>, PlatformError> {
        Ok(self.workspaces_paged(include_archived, ALL_PAGE_SIZE, |_| false).await?.items)
    }

    /// As `all_workspaces`, saying how many pages it took.
    pub async fn every_workspace(&self, include_archived: bool) -> Result<Listed<Workspace>, PlatformError> {
        self.workspaces_paged(include_archived, ALL_PAGE_SIZE, |_| false).await
    }

    /// Workspaces page by page (archived ones too if asked) until a page holds one that `found`
    /// accepts, or there are no more pages: as few pages as the answer needs.
    async fn workspaces_until(
        &self,
        include_archived: bool,
        found: impl Fn(&Workspace) -> bool,
    ) -> Result<Vec<Workspace>, PlatformError> {
        Ok(self.workspaces_paged(include_archived, ALL_PAGE_SIZE, found).await?.items)
    }

    async fn workspaces_paged(
        &self,
        include_archived: bool,
        page_size: u32,
        found: impl Fn(&Workspace) -> bool,
    ) -> Result<Listed<Workspace>, PlatformError> {
        let mut workspaces = Vec::new();
        let mut pages = 0;
        let mut guard = PageGuard::default();
        let mut query = WorkspaceQuery {
            limit: Some(page_size),
            include_archived: Some(include_archived),
            ..WorkspaceQuery::default()
        };
        loop {
            let page = self.list_workspaces(&query).await?;
            pages += 1;
            let next = next_after_id(&page).map(str::to_owned);
            let done = page.data.iter().any(&found);
            workspaces.extend(page.data);
            let Some(next) = next.filter(|_| !done) else { return Ok(Listed { items: workspaces, pages }) };
            guard.accept(&next).map_err(|message| PlatformError::Decode {
                method: "GET",
                path: COLLECTION.to_owned(),
                status: 200,
                message,
                request_id: None,
            })?;
            query.after_id = Some(next);
        }
    }

    /// The live workspace that `body` would create (exactly the same name), if any.
    pub async fn find_workspace(&self, body: &CreateWorkspace) -> Result<Option<Workspace>, PlatformError> {
        let workspaces = self.workspaces_until(false, |w| is_same_workspace(body, w)).await?;
        Ok(workspaces.into_iter().find(|workspace| is_same_workspace(body, workspace)))
    }

    /// Creates a workspace. If an attempt fails in a retryable way, the live workspaces are
    /// listed before any retry, and one with exactly this name is returned instead of creating
    /// a second. A `workspace_created_incomplete` answer (503) means the workspace exists: it is
    /// read by the id the answer gives (or found by name), and never created again.
    pub async fn create_workspace(&self, body: &CreateWorkspace) -> Result<Workspace, PlatformError> {
        let call = Call::new(Method::POST, COLLECTION.to_owned()).json(body)?;
        let error = match self.send_checking(call, || self.find_workspace(body)).await {
            Ok(created) => return Ok(created),
            Err(error) => error,
        };
        let Some(ErrorCode::WorkspaceCreatedIncomplete { workspace_id }) = error.code() else { return Err(error) };
        let found = match workspace_id {
            Some(id) => self.get_workspace(id).await.map(Some),
            None => self.find_workspace(body).await,
        };
        match found {
            Ok(Some(workspace)) => Ok(workspace),
            Ok(None) => {
                Err(error.with_note("the workspace it created was not found by name yet; it is not created again"))
            }
            Err(read) => {
                Err(error
                    .with_note(&format!("reading the workspace it created failed ({read}); it is not created again")))
            }
        }
    }

    /// Partial update (`POST`). With `external_key_id` this is the permanent attach.
    pub async fn update_workspace(&self, id: &str, body: &UpdateWorkspace) -> Result<Workspace, PlatformError> {
        self.send(Call::new(Method::POST, item_path(id)?).json(body)?).await
    }

    pub async fn archive_workspace(&self, id: &str) -> Result<Workspace, PlatformError> {
        self.send(Call::new(Method::POST, format!("{}/archive", item_path(id)?))).await
    }
}
