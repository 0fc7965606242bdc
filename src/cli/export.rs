//! `cmek export terraform`: inspects read-only, exactly as `setup --plan` does (the same answers,
//! facts and plan), renders the configuration in the core, and prints `main.tf` or writes it (with
//! the documents it reads) into `--out`, never over an existing file unless `--force`.

use std::path::Path;

use serde_json::json;

use super::args::ExportTerraformArgs;
use super::connect::Reach;
use super::setup_report::ProgressPrinter;
use crate::engine::{self, Cancel, Services};
use crate::error::{Error, Result};
use crate::output::Output;
use cmek_core::export::terraform::hcl::Placement;
use cmek_core::export::terraform::{self, ExportRequest, TerraformExport};
use cmek_core::plan::{self, SetupAnswers};

/// The JSON summary's schema.
const SCHEMA: &str = "cmek.export/v1";

pub async fn run(args: &ExportTerraformArgs, answers: &SetupAnswers, reach: &Reach<'_>, out: &Output) -> Result<i32> {
    let platform = reach.platform_client()?;
    let cloud = reach.cloud(answers.provider())?;
    let services = Services { platform, cloud, cancel: Cancel::new() };
    let mut progress = ProgressPrinter::new(out);
    let facts = engine::gather(&services, answers, &mut progress).await?;
    let plan = plan::build(answers, &facts)?;
    // One stream holds one file: on stdout the key policy is a heredoc in main.tf.
    let placement = if args.out.is_some() { Placement::Files } else { Placement::Inline };
    let req = ExportRequest { answers, facts: &facts, plan: &plan, import: args.import };
    let export = terraform::render(&req, placement)?;

    let names: Vec<&str> = export.files.iter().map(|(name, _)| name.as_str()).collect();
    match &args.out {
        Some(dir) => {
            refuse_overwrite(args, &names)?;
            write(dir, &export.files)?;
        }
        None if !out.is_json() => out.text(export.files[0].1.trim_end_matches('\n')),
        None => {}
    }
    report(args, &export, out);
    Ok(0)
}

/// Refuses, before anything is written, when `--out` already holds one of `names` (unless `--force`).
pub fn refuse_overwrite(args: &ExportTerraformArgs, names: &[&str]) -> Result<()> {
    let Some(dir) = &args.out else { return Ok(()) };
    if args.force {
        return Ok(());
    }
    let taken: Vec<String> =
        names.iter().map(|n| dir.join(n)).filter(|p| p.exists()).map(|p| p.display().to_string()).collect();
    match taken.as_slice() {
        [] => Ok(()),
        _ => Err(Error::usage(format!(
            "{} exist{}; nothing was written",
            taken.join(", "),
            if taken.len() == 1 { "s" } else { "" }
        ))
        .with_hint("choose another --out directory, or add --force to replace them")),
    }
}

fn write(dir: &Path, files: &[(String, String)]) -> Result<()> {
    let fail = |path: &Path, e: std::io::Error| Error::usage(format!("cannot write {}: {e}", path.display()));
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    for (name, contents) in files {
        let path = dir.join(name);
        std::fs::write(&path, contents).map_err(|e| fail(&path, e))?;
    }
    Ok(())
}

fn report(args: &ExportTerraformArgs, export: &TerraformExport, out: &Output) {
    let path = |name: &str| args.out.as_ref().map(|d| d.join(name).display().to_string());
    if out.is_json() {
        let files: Vec<_> = export
            .files
            .iter()
            .map(|(name, contents)| {
                let mut file = json!({ "name": name, "path": path(name), "bytes": contents.len() });
                if args.out.is_none() {
                    file["contents"] = json!(contents);
                }
                file
            })
            .collect();
        out.json(&json!({
            "schema": SCHEMA,
            "provider": export.provider.as_str(),
            "files": files,
            "resources": export.resources,
            "existing": export.existing,
            "import_blocks": export.imported,
        }));
        return;
    }
    let Some(dir) = &args.out else {
        out.progress(&summary_line(export));
        return;
    };
    for (name, _) in &export.files {
        out.progress(&format!("wrote {}", dir.join(name).display()));
    }
    out.progress(&summary_line(export));
    out.progress(&format!("next: cd {} && terraform init && terraform plan", dir.display()));
}

fn summary_line(export: &TerraformExport) -> String {
    let existing = export.existing.len();
    let adopt = match (existing, export.imported) {
        (0, _) => "none exists yet".to_string(),
        (n, true) => format!("{n} exist and are adopted with import blocks"),
        (n, false) => format!("{n} exist: add --import to adopt them"),
    };
    format!("{} resources ({adopt})", export.resources.len())
}
