//! `cmek export terraform`: the Terraform configuration that reproduces what `cmek` set up, or
//! the plan it would apply, rendered from the same facts and plan as `setup --plan`. Pure.
//!
//! Shared here: the `terraform` block, the import blocks (`--import`: the objects that exist, so a
//! team adopts them instead of recreating a key, which would lose data), and the platform's part,
//! which has no Terraform provider and is written as a commented `cmek` command to run after
//! `terraform apply`. Each cloud's resources come from its renderer (`aws.rs`, `azure.rs`,
//! `gcp.rs`), reached through `clouds::Cloud::terraform_export`; guardrails are on by default (a 30-day
//! deletion window, `prevent_destroy`, purge protection). `documented.rs` is the checked list of
//! every resource type and attribute the renderers may write, with the provider's documentation.

pub mod aws;
pub mod azure;
pub mod documented;
pub mod gcp;
pub mod hcl;
mod platform;

#[cfg(test)]
mod tests;

use crate::model::ProviderKind;
use crate::plan::{Plan, SetupAnswers, SetupFacts};

use hcl::{Block, Item, Placement, Value};

/// The oldest Terraform that reads the export: `import` blocks arrived in 1.5.
pub const REQUIRED_TERRAFORM: &str = ">= 1.5.0";
/// The configuration's file name.
pub const MAIN_FILE: &str = "main.tf";

/// What an export is rendered from: the answers, the facts and the plan of a `setup --plan`.
pub struct ExportRequest<'a> {
    pub answers: &'a SetupAnswers,
    pub facts: &'a SetupFacts,
    pub plan: &'a Plan,
    /// Emit `import` blocks for the objects that already exist.
    pub import: bool,
}

/// A provider the configuration requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredProvider {
    pub name: &'static str,
    pub source: &'static str,
    pub version: &'static str,
}

/// One resource of a cloud's part, with the id Terraform imports it by when it exists already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Comment lines written above it (why a setting is what it is).
    pub notes: Vec<String>,
    pub block: Block,
    /// `Some`: the object exists (the import block's `id`); `None`: `terraform apply` creates it.
    pub import_id: Option<String>,
}

impl Resource {
    pub fn new(block: Block, import_id: Option<String>) -> Self {
        Self { notes: Vec::new(), block, import_id }
    }

    pub fn note(mut self, line: impl Into<String>) -> Self {
        self.notes.push(line.into());
        self
    }

    /// `type.name`.
    pub fn address(&self) -> String {
        self.block.labels.join(".")
    }
}

/// A cloud's part of the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudConfig {
    pub providers: Vec<RequiredProvider>,
    pub provider_blocks: Vec<Block>,
    pub resources: Vec<Resource>,
    /// What `cmek` also does that Terraform does not express (comment lines at the end).
    pub notes: Vec<String>,
}

/// The rendered export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TerraformExport {
    pub provider: ProviderKind,
    /// `main.tf` first, then the documents it reads (`Placement::Files`).
    pub files: Vec<(String, String)>,
    /// Every resource address, in order.
    pub resources: Vec<String>,
    /// The addresses that exist already (imported with `--import`).
    pub existing: Vec<String>,
    pub imported: bool,
}

/// Why no export was rendered; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error(
        "the plan is blocked by failed checks ({}), so there is no configuration cmek would apply; fix them (cmek setup \
         --plan shows each with its fix), then export",
        .0.join(", ")
    )]
    Blocked(Vec<String>),
    #[error("the facts are {facts}'s but the {cloud} renderer was asked; nothing was written")]
    WrongCloud { cloud: ProviderKind, facts: ProviderKind },
    #[error("{0}")]
    Unrepresentable(String),
}

impl From<ExportError> for crate::error::Error {
    fn from(e: ExportError) -> Self {
        match &e {
            ExportError::Blocked(_) => crate::error::Error::new(crate::error::ErrorKind::Unhealthy, e.to_string()),
            _ => crate::error::Error::usage(e.to_string()),
        }
    }
}

/// Renders the export of `req` through the cloud's renderer, documents placed as `placement` says.
pub fn render(req: &ExportRequest<'_>, placement: Placement) -> Result<TerraformExport, ExportError> {
    let blocked: Vec<String> = req.plan.blocking_failures().iter().map(|c| c.id.to_string()).collect();
    if !blocked.is_empty() {
        return Err(ExportError::Blocked(blocked));
    }
    let provider = req.facts.provider();
    let cloud = crate::clouds::get(provider)
        .ok_or_else(|| ExportError::Unrepresentable(format!("this build cannot export {provider}")))?;
    let config = cloud.terraform_export(req)?;
    let items = items(req, &config);
    let written = hcl::write(&items, placement);
    let mut files = vec![(MAIN_FILE.to_string(), written.text)];
    files.extend(written.files);
    Ok(TerraformExport {
        provider,
        files,
        resources: config.resources.iter().map(Resource::address).collect(),
        existing: config.resources.iter().filter(|r| r.import_id.is_some()).map(Resource::address).collect(),
        imported: req.import,
    })
}

/// The whole configuration as HCL items: header, `terraform`, providers, resources, imports, the
/// platform's commented part.
pub fn items(req: &ExportRequest<'_>, config: &CloudConfig) -> Vec<Item> {
    let org = &req.facts.org;
    let mut items = vec![
        Item::Comment(format!(
            "Generated by cmek export terraform for the Claude Platform organisation {}.",
            org.described()
        )),
        Item::Comment(format!(
            "{}: what cmek set up there, or the plan it would apply, from a read-only inspection.",
            req.facts.provider().display_name()
        )),
        Item::Comment("Review it, then: terraform init && terraform plan".into()),
        Item::Blank,
    ];
    let mut required = Block::new("required_providers", &[]);
    for p in &config.providers {
        let spec = Value::Map(vec![("source".into(), Value::str(p.source)), ("version".into(), Value::str(p.version))]);
        required = required.attr(p.name, spec);
    }
    let terraform =
        Block::new("terraform", &[]).attr("required_version", Value::str(REQUIRED_TERRAFORM)).blank().block(required);
    items.push(Item::Block(terraform));
    for block in &config.provider_blocks {
        items.push(Item::Blank);
        items.push(Item::Block(block.clone()));
    }
    for resource in &config.resources {
        items.push(Item::Blank);
        items.extend(resource.notes.iter().map(|n| Item::Comment(n.clone())));
        items.push(Item::Block(resource.block.clone()));
    }
    let existing: Vec<&Resource> = config.resources.iter().filter(|r| r.import_id.is_some()).collect();
    if !existing.is_empty() {
        items.push(Item::Blank);
        match req.import {
            true => {
                items.push(Item::Comment(
                    "These objects exist already: Terraform adopts them (terraform plan shows each import) instead \
                     of creating new ones. A key recreated would lose the data encrypted under it."
                        .into(),
                ));
                for (n, r) in existing.into_iter().enumerate() {
                    if n > 0 {
                        items.push(Item::Blank);
                    }
                    let block = Block::new("import", &[])
                        .attr("to", Value::Expr(r.address()))
                        .attr("id", Value::str(r.import_id.clone().unwrap_or_default()));
                    items.push(Item::Block(block));
                }
            }
            false => {
                let names: Vec<String> = existing.iter().map(|r| r.address()).collect();
                items.push(Item::Comment(format!(
                    "Exist already: {}. Export again with --import to adopt them with import blocks; without, \
                     terraform apply tries to create them.",
                    names.join(", ")
                )));
            }
        }
    }
    if !config.notes.is_empty() {
        items.push(Item::Blank);
        items.extend(config.notes.iter().map(|n| Item::Comment(n.clone())));
    }
    items.push(Item::Blank);
    items.extend(platform::comment(req));
    items
}
