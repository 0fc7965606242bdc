//! The provider seam, enforced: shared code never names a cloud (ARCHITECTURE.md, "Adding a
//! provider"). Outside the provider folders (`aws/`, `azure/`, `gcp/`, or a file of that name) and
//! the registries, no production line of the product or the core may match a cloud: no
//! `ProviderKind::Aws`, no `.aws()` accessor or `.azure` field, no `aws::` path, no `AwsThing`
//! type, no `"gcp"` literal, no `Action` variant a provider added. Test code is exempt: it builds
//! every cloud's fixtures on purpose.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use regex::Regex;

/// The trees the seam covers, from the workspace root. The sandbox crate is one emulator per
/// cloud by design (its `world` and scenarios name each), so it is not in scope.
const ROOTS: &[&str] = &["src", "crates/cmek-core/src"];

/// Where naming every cloud is the point: one registration line per cloud.
const REGISTRIES: &[&str] = &[
    // The provider enum itself: names, display names, parsing.
    "crates/cmek-core/src/model/provider.rs",
    // The core registry: `clouds::all()`.
    "crates/cmek-core/src/clouds/mod.rs",
    // The command line's registry and its per-cloud flag groups (clap needs a field per group).
    "src/cli/clouds.rs",
    // The terminal views' registry.
    "src/tui/views/clouds.rs",
];

/// Shared files allowed to name a cloud, each for a reason that is not a branch on the provider.
const ALLOWED: &[(&str, &str)] = &[
    (
        "crates/cmek-core/src/identities.rs",
        "the published-identities asset has one block per cloud; this file is its typed mirror",
    ),
    (
        "crates/cmek-core/src/model/platform_ids.rs",
        "the platform's own external-key id may be a KMS key ARN (Claude Platform on AWS)",
    ),
];

/// `Action` variants the shared plan owns; a provider's steps live inside `Action::Cloud`.
const SHARED_ACTIONS: &[&str] = &["Cloud", "RegisterKey", "RemoveDuplicateRegistrations", "Validate", "Attach"];

fn patterns() -> Vec<(&'static str, Regex)> {
    let re = |s: &str| Regex::new(s).expect("a valid pattern");
    vec![
        ("a provider variant", re(r"ProviderKind::(Aws|Azure|Gcp)\b")),
        ("a per-cloud accessor", re(r"\.(aws|azure|gcp)\(\)")),
        ("a path into a provider folder", re(r"\b(aws|azure|gcp)::")),
        ("a per-cloud field", re(r"\.(aws|azure|gcp)\b")),
        ("a provider's type", re(r"\b(Aws|Azure|Gcp)[A-Z][a-z]\w*")),
        ("a provider name as a string", re(r#""(aws|azure|gcp)""#)),
        ("an Action variant", re(r"\bAction::([A-Z]\w*)")),
    ]
}

/// What `code` does that shared code must not, if anything.
fn offence(patterns: &[(&'static str, Regex)], code: &str) -> Option<&'static str> {
    patterns.iter().find_map(|(what, re)| {
        let m = re.captures(code)?;
        let shared_action = *what == "an Action variant" && SHARED_ACTIONS.contains(&&m[1]);
        (!shared_action).then_some(*what)
    })
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(workspace_root()).expect("under the workspace").to_string_lossy().replace('\\', "/")
}

/// A file or folder that belongs to one cloud: `…/aws/…`, `aws.rs`, and so on.
fn is_provider_path(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let (file, dirs) = parts.split_last().expect("a file name");
    let cloud = |s: &str| matches!(s, "aws" | "azure" | "gcp");
    dirs.iter().any(|d| cloud(d)) || cloud(file.trim_end_matches(".rs"))
}

/// The folder a file's child modules live in: `foo/` for `foo.rs`, its own folder for `mod.rs`,
/// `lib.rs` and `main.rs`.
fn module_dir(file: &Path) -> PathBuf {
    let dir = file.parent().expect("a parent").to_path_buf();
    match file.file_name().and_then(|n| n.to_str()) {
        Some("mod.rs" | "lib.rs" | "main.rs") => dir,
        _ => dir.join(file.file_stem().expect("a stem")),
    }
}

fn is_test_attribute(line: &str) -> bool {
    let t = line.trim();
    t.starts_with("#[cfg(test)]") || t.starts_with("#[cfg(any(test")
}

/// `mod name;` / `pub(crate) mod name;` → `name`.
fn declared_module(line: &str) -> Option<&str> {
    let t = line.trim();
    let rest = t.strip_prefix("pub ").or_else(|| t.strip_prefix("pub(crate) ")).unwrap_or(t);
    rest.strip_prefix("mod ")?.strip_suffix(';')
}

/// Files compiled only for tests (`#[cfg(test)] mod x;`, with or without `#[path]`), and folders
/// of such modules.
fn test_only_paths(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(file).expect("readable source");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !is_test_attribute(line) {
                continue;
            }
            let mut rest = lines[i + 1..].iter().map(|l| l.trim());
            let mut path_attribute = None;
            let Some(next) = rest.find(|l| {
                path_attribute = path_attribute.or_else(|| l.strip_prefix("#[path = \"")?.strip_suffix("\"]"));
                !l.starts_with("#[")
            }) else {
                continue;
            };
            let Some(name) = declared_module(next) else { continue };
            if let Some(path) = path_attribute {
                // `#[path]` is relative to the declaring file's folder.
                out.insert(file.parent().expect("a parent").join(path));
            } else {
                let dir = module_dir(file);
                out.insert(dir.join(format!("{name}.rs")));
                out.insert(dir.join(name));
            }
        }
    }
    out
}

/// The production lines of `text`: an inline `#[cfg(test)] mod tests { … }` ends the scan (it is
/// the last item by convention), a `#[cfg(test)]` item of one line is skipped, comments dropped.
fn production_lines(text: &str) -> Vec<(usize, &str)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut skip_next_item = false;
    for (i, line) in lines.iter().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if is_test_attribute(line) {
            let next = lines[i + 1..].iter().find(|l| !l.trim().starts_with("#[")).copied().unwrap_or("");
            if next.contains("mod ") && next.trim_end().ends_with('{') {
                break;
            }
            skip_next_item = true;
            continue;
        }
        if skip_next_item && !line.trim().starts_with("#[") {
            skip_next_item = !line.trim_end().ends_with(';') && !line.trim_end().ends_with('}');
            continue;
        }
        out.push((i + 1, code));
    }
    out
}

#[test]
fn shared_code_never_names_a_cloud() {
    let root = workspace_root();
    let mut files = Vec::new();
    for r in ROOTS {
        rust_files(&root.join(r), &mut files);
    }
    assert!(files.len() > 100, "the scan found only {} files: are ROOTS right?", files.len());
    let test_only = test_only_paths(&files);
    let exempt: BTreeSet<&str> = REGISTRIES.iter().copied().chain(ALLOWED.iter().map(|(f, _)| *f)).collect();
    let patterns = patterns();

    let mut found = Vec::new();
    let mut scanned = 0;
    for file in &files {
        let rel = relative(file);
        if exempt.contains(rel.as_str())
            || is_provider_path(&rel)
            || test_only.iter().any(|t| file == t || file.starts_with(t))
        {
            continue;
        }
        scanned += 1;
        let text = std::fs::read_to_string(file).expect("readable source");
        for (no, code) in production_lines(&text) {
            if let Some(what) = offence(&patterns, code) {
                found.push(format!("{rel}:{no}: {what}: {}", code.trim()));
            }
        }
    }
    assert!(scanned > 60, "only {scanned} shared files scanned: is the provider test too wide?");
    assert!(
        found.is_empty(),
        "shared code names a cloud ({} places); move it into the provider's folder or reach it through \
         the registry (ARCHITECTURE.md, \"Adding a provider\"):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_seam_check_catches_what_it_looks_for() {
    // Each line is a way shared code used to reach a cloud; each must be caught.
    let offending = [
        "match p { ProviderKind::Aws => 1, _ => 2 }",
        "let a = facts.aws();",
        "let r = args.clouds.azure.vault.clone();",
        "use crate::engine::gcp::GcpRuntime;",
        "let s: AzureKeyScreen = todo();",
        "if name == \"aws\" {",
        "Action::CreateKey { .. } => {}",
    ];
    let patterns = patterns();
    for line in offending {
        assert!(offence(&patterns, line).is_some(), "the seam check misses `{line}`");
    }
    for fine in ["Action::Cloud(step)", "clouds::all()", "let kms = 1;", "KeyScreenAction::Back", "ArgAction::Count"] {
        assert_eq!(offence(&patterns, fine), None, "the seam check flags the neutral `{fine}`");
    }
    assert!(is_provider_path("src/engine/aws/apply.rs") && is_provider_path("crates/cmek-core/src/clouds/gcp.rs"));
    assert!(!is_provider_path("src/engine/apply.rs"));
    let text = "fn a() {}\n#[cfg(test)]\nuse aws::X;\nfn b() { aws::y() }\n#[cfg(test)]\nmod tests {\n aws::z\n}\n";
    let kept: Vec<usize> = production_lines(text).into_iter().map(|(n, _)| n).collect();
    assert_eq!(kept, [1, 4], "a test-only item and an inline test module are skipped, nothing else");
}
