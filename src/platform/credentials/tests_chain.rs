//! Test-only: the credential chain's order (each source winning over every later one), the
//! profile files and their rules, the federation variables, the base URL's order, and the admin
//! key file. The environment is a map and the config directory a temporary folder.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use secrecy::ExposeSecret as _;
use serde_json::{Value, json};

use super::chain::{BaseUrlOrigin, CredentialSources, Found, Resolved, base_url, resolve};
use super::error::AuthError;
use super::origin::{CredentialOrigin, IdentityTokenOrigin, ProfileKind, ProfileSelector};
use super::spec::IdentityToken;
use crate::platform::auth::Credential;

const ADMIN: &str = "sk-ant-admin01-CANARY-chain-admin-0001";
const OTHER_ADMIN: &str = "sk-ant-admin01-CANARY-chain-admin-0002";
const ORG: &str = "7c3a1f0e-2b4d-4e6f-8a9b-0c1d2e3f4a5b";

/// A config directory with helpers to write profiles.
struct ConfigDir {
    tmp: tempfile::TempDir,
}

impl ConfigDir {
    fn new() -> ConfigDir {
        ConfigDir { tmp: tempfile::tempdir().unwrap() }
    }

    fn path(&self) -> &Path {
        self.tmp.path()
    }

    fn config(&self, name: &str, doc: Value) -> PathBuf {
        let path = self.path().join("configs").join(format!("{name}.json"));
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, doc.to_string()).unwrap();
        chmod(&path, 0o644);
        path
    }

    fn federation(&self, name: &str) -> PathBuf {
        let token = self.path().join("jwt");
        fs::write(&token, "eyJ.identity.sig").unwrap();
        self.config(
            name,
            json!({
                "version": "1.0", "organization_id": ORG,
                "authentication": {"type": "oidc_federation", "federation_rule_id": "fdrl_profile",
                                   "identity_token": {"source": "file", "path": token.display().to_string()}},
            }),
        )
    }

    fn user(&self, name: &str) -> PathBuf {
        self.config(name, json!({"version": "1.0", "authentication": {"type": "user_oauth", "client_id": "cli_1"}}))
    }

    fn active(&self, line: &str) {
        fs::write(self.path().join("active_config"), line).unwrap();
    }

    fn dir_var(&self) -> (&'static str, String) {
        ("ANTHROPIC_CONFIG_DIR", self.path().display().to_string())
    }
}

fn chmod(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

fn env_of(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
    move |name| map.get(name).cloned()
}

fn run(pairs: &[(&str, String)], key_file: Option<&Path>, profile: Option<&str>) -> Result<Resolved, AuthError> {
    let env = env_of(pairs);
    resolve(&CredentialSources { admin_key_file: key_file, profile, env: &env })
}

fn key_file(dir: &Path, content: &str, mode: u32) -> PathBuf {
    let path = dir.join("admin.key");
    fs::write(&path, content).unwrap();
    chmod(&path, mode);
    path
}

/// A short name for the source that won.
fn winner(resolved: &Resolved) -> String {
    match &resolved.origin {
        CredentialOrigin::KeyFile(_) => "key file".into(),
        CredentialOrigin::Env(var) => (*var).into(),
        CredentialOrigin::Profile(p) => {
            let by = match p.selected_by {
                ProfileSelector::Flag => "Flag",
                ProfileSelector::Env => "Env",
                ProfileSelector::ActiveConfig(_) => "ActiveConfig",
                ProfileSelector::Default => "Default",
            };
            format!("profile {} by {by}", p.name)
        }
        CredentialOrigin::Federation(f) => format!("federation {}", f.rule_id),
        CredentialOrigin::Sandbox => "sandbox".into(),
    }
}

#[test]
fn each_source_wins_over_every_later_one() {
    let dir = ConfigDir::new();
    dir.federation("from_env");
    dir.user("active");
    dir.user("default");
    dir.active("active\n");
    let jwt = dir.path().join("jwt").display().to_string();
    let mut env = vec![
        ("ANTHROPIC_ADMIN_KEY", ADMIN.to_owned()),
        ("ANTHROPIC_API_KEY", OTHER_ADMIN.to_owned()),
        ("ANTHROPIC_AUTH_TOKEN", "sk-ant-oat01-CANARY-auth-token".to_owned()),
        ("ANTHROPIC_PROFILE", "from_env".to_owned()),
        ("ANTHROPIC_FEDERATION_RULE_ID", "fdrl_env".to_owned()),
        ("ANTHROPIC_ORGANIZATION_ID", ORG.to_owned()),
        ("ANTHROPIC_IDENTITY_TOKEN_FILE", jwt),
        dir.dir_var(),
    ];
    let file = key_file(dir.path(), ADMIN, 0o600);
    assert_eq!(winner(&run(&env, Some(&file), None).unwrap()), "key file", "the flag wins over everything");
    let flagged = run(&env, None, Some("default")).unwrap();
    assert!(
        matches!(&flagged.origin, CredentialOrigin::Profile(p) if p.name == "default" && p.selected_by == ProfileSelector::Flag)
    );

    let expected = [
        "ANTHROPIC_ADMIN_KEY",
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "profile from_env by Env",
        "federation fdrl_env",
    ];
    for (i, want) in expected.iter().enumerate() {
        let resolved = run(&env, None, None).unwrap();
        assert_eq!(winner(&resolved), *want, "step {i}");
        // The winner goes; the next source must win now.
        env.remove(0);
    }
    // Federation needs all three of its variables; without the rule id the active profile wins.
    env.retain(|(k, _)| !k.starts_with("ANTHROPIC_FEDERATION"));
    let active = run(&env, None, None).unwrap();
    assert!(
        matches!(&active.origin, CredentialOrigin::Profile(p) if p.name == "active"
            && matches!(p.selected_by, ProfileSelector::ActiveConfig(_))),
        "{:?}",
        active.origin
    );
    fs::remove_file(dir.path().join("active_config")).unwrap();
    let default = run(&env, None, None).unwrap();
    assert!(
        matches!(&default.origin, CredentialOrigin::Profile(p) if p.name == "default" && p.selected_by == ProfileSelector::Default)
    );
    fs::remove_file(dir.path().join("configs").join("default.json")).unwrap();
    assert!(matches!(run(&env, None, None), Err(AuthError::Missing { .. })));
}

#[test]
fn two_credential_flags_are_a_usage_error() {
    let dir = ConfigDir::new();
    let file = key_file(dir.path(), ADMIN, 0o600);
    let err = run(&[], Some(&file), Some("default")).unwrap_err();
    assert!(matches!(err, AuthError::ConflictingFlags) && err.is_usage(), "{err}");
    let text = err.to_string();
    assert!(text.contains("--admin-key-file") && text.contains("--profile"), "{text}");
    assert_eq!(crate::error::Error::from(err).exit_code(), 2);
}

#[test]
fn a_regular_api_key_is_skipped_never_sent_and_named_when_nothing_else_is_found() {
    let dir = ConfigDir::new();
    dir.user("default");
    let regular = ("ANTHROPIC_API_KEY", "sk-ant-api03-CANARY-regular".to_owned());
    let used = run(&[regular.clone(), dir.dir_var()], None, None).unwrap();
    assert!(matches!(used.found, Found::UserOauth(_)), "the profile is used instead");
    let err = run(&[regular.clone(), ("HOME", "/nonexistent-home".into())], None, None).unwrap_err();
    assert!(matches!(err, AuthError::ApiKeyIsNotAnAdminKey), "{err}");
    assert!(!err.to_string().contains("CANARY") && err.to_string().contains("never sent"), "{err}");
    assert_eq!(crate::error::Error::from(err).exit_code(), 3);
    let err = run(&[("ANTHROPIC_ADMIN_KEY", "sk-ant-api03-CANARY".into())], None, None).unwrap_err();
    assert!(matches!(err, AuthError::RegularApiKey { .. }) && !err.to_string().contains("CANARY"), "{err}");
}

#[test]
fn env_keys_are_trimmed_checked_and_typed() {
    let admin = run(&[("ANTHROPIC_ADMIN_KEY", format!("  {ADMIN}\n"))], None, None).unwrap();
    assert!(matches!(&admin.found, Found::Fixed(Credential::AdminKey(k)) if k.expose_secret() == ADMIN));
    let err = run(&[("ANTHROPIC_ADMIN_KEY", " ".into()), ("ANTHROPIC_API_KEY", ADMIN.into())], None, None).unwrap_err();
    assert!(
        matches!(err, AuthError::EnvEmpty { var: "ANTHROPIC_ADMIN_KEY" }),
        "cmek's own variable, empty, is an error"
    );
    let err = run(&[("ANTHROPIC_ADMIN_KEY", "sk-ant-admin01-CANARY with space".into())], None, None).unwrap_err();
    assert!(matches!(err, AuthError::Malformed { .. }) && !err.to_string().contains("CANARY"), "{err}");
    let token =
        run(&[("ANTHROPIC_AUTH_TOKEN", "tok-CANARY-1234567890".into()), ("ANTHROPIC_API_KEY", "".into())], None, None)
            .unwrap();
    assert!(matches!(&token.found, Found::Fixed(Credential::AuthToken(_))), "a bearer token as it is");
    let unusual = run(&[("ANTHROPIC_ADMIN_KEY", "gateway-issued-token".into())], None, None).unwrap();
    let Found::Fixed(credential) = unusual.found else { panic!("a fixed key") };
    assert!(!credential.looks_like_admin_key(), "accepted, but flagged");
}

#[test]
fn a_named_profile_reports_its_errors_instead_of_falling_through() {
    let dir = ConfigDir::new();
    dir.user("default");
    let err = run(&[("ANTHROPIC_PROFILE", "missing".into()), dir.dir_var()], None, None).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, AuthError::ProfileMissing { .. }), "{text}");
    assert!(
        text.contains("missing.json") && text.contains("$ANTHROPIC_PROFILE") && text.contains("ant auth login"),
        "{text}"
    );
    let err = run(&[dir.dir_var()], None, Some("missing")).unwrap_err();
    assert!(err.to_string().contains("--profile"), "{err}");
    let err = run(&[], None, Some("ci")).unwrap_err();
    assert!(matches!(err, AuthError::NoConfigDir { .. }), "no HOME, no config dir: {err}");
}

#[test]
fn profile_names_follow_the_rules_wherever_they_come_from() {
    let dir = ConfigDir::new();
    for bad in ["", " ci", "ci ", ".hidden", "a/b", "a\\b", "a\0b"] {
        let err = run(&[dir.dir_var()], None, Some(bad)).unwrap_err();
        assert!(matches!(err, AuthError::ProfileName { .. }) && err.is_usage(), "{bad:?}: {err}");
        if !bad.is_empty() && bad.trim() == bad {
            let err = run(&[dir.dir_var(), ("ANTHROPIC_PROFILE", bad.into())], None, None).unwrap_err();
            assert!(matches!(err, AuthError::ProfileName { .. }) && !err.is_usage(), "{bad:?}: {err}");
        }
    }
    dir.active("team/escape\n");
    let err = run(&[dir.dir_var()], None, None).unwrap_err();
    assert!(err.to_string().contains("active_config") && err.to_string().contains("path separator"), "{err}");
    dir.active("ci-prod_2\r\n");
    dir.user("ci-prod_2");
    assert_eq!(winner(&run(&[dir.dir_var()], None, None).unwrap()), "profile ci-prod_2 by ActiveConfig");
}

#[test]
fn an_active_config_naming_a_missing_profile_is_noted_and_not_used() {
    let dir = ConfigDir::new();
    dir.user("default");
    dir.active("gone");
    let err = run(&[dir.dir_var()], None, None).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, AuthError::Missing { .. }), "{text}");
    assert!(text.contains("names profile `gone`") && text.contains("--admin-key-file"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_profile_config_writable_by_others_is_refused() {
    let dir = ConfigDir::new();
    let path = dir.user("default");
    chmod(&path, 0o666);
    let err = run(&[dir.dir_var()], None, Some("default")).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, AuthError::ConfigWritable { .. }), "{text}");
    assert!(text.contains(&format!("chmod go-w {}", path.display())), "{text}");
    chmod(&path, 0o644);
    assert!(run(&[dir.dir_var()], None, Some("default")).is_ok(), "readable by others is fine: it holds no secret");
}

#[test]
fn a_user_profile_is_read_with_its_defaults_and_environment() {
    let dir = ConfigDir::new();
    dir.config(
        "me",
        json!({"version": "1.0", "organization_id": ORG, "base_url": "https://gw.example",
               "authentication": {"type": "user_oauth", "client_id": "cli_1", "scope": ""}}),
    );
    let resolved = run(
        &[dir.dir_var(), ("ANTHROPIC_WORKSPACE_ID", "wrkspc_env".into()), ("ANTHROPIC_SCOPE", "org:admin".into())],
        None,
        Some("me"),
    )
    .unwrap();
    assert_eq!(resolved.profile_base_url.as_deref(), Some("https://gw.example"));
    let Found::UserOauth(spec) = resolved.found else { panic!("a user profile") };
    assert_eq!(spec.client_id.as_deref(), Some("cli_1"));
    assert_eq!(spec.workspace_id.as_deref(), Some("wrkspc_env"), "empty fields come from the environment");
    assert_eq!(spec.scope.as_deref(), Some("org:admin"));
    assert_eq!(spec.credentials, dir.path().join("credentials").join("me.json"));
    assert!(matches!(resolved.origin, CredentialOrigin::Profile(ref p) if p.kind == ProfileKind::UserOauth));
}

#[test]
fn a_federation_profile_is_read_with_its_defaults_and_environment() {
    let dir = ConfigDir::new();
    dir.config(
        "ci",
        json!({"version": "1.0", "organization_id": "",
               "authentication": {"type": "oidc_federation", "federation_rule_id": "fdrl_1",
                                  "credentials_path": "tokens/ci.json", "scope": "org:admin"}}),
    );
    let env = [
        dir.dir_var(),
        ("ANTHROPIC_ORGANIZATION_ID", ORG.into()),
        ("ANTHROPIC_SERVICE_ACCOUNT_ID", "svac_env".into()),
        ("ANTHROPIC_IDENTITY_TOKEN", "eyJ.value.sig".into()),
        ("ANTHROPIC_IDENTITY_TOKEN_FILE", "/run/ci/jwt".into()),
    ];
    let Found::Federation(spec) = run(&env, None, Some("ci")).unwrap().found else { panic!("federation") };
    assert_eq!((spec.rule_id.as_str(), spec.organization_id.as_str()), ("fdrl_1", ORG));
    assert_eq!(spec.service_account_id.as_deref(), Some("svac_env"));
    assert!(matches!(&spec.identity_token, IdentityToken::File { path, .. } if path == Path::new("/run/ci/jwt")));
    let cache = spec.cache.unwrap();
    assert_eq!((cache.profile.as_str(), cache.path), ("ci", dir.path().join("tokens/ci.json")));
}

#[test]
fn bad_profiles_say_what_is_wrong_in_which_file() {
    let dir = ConfigDir::new();
    let cases = [
        (json!({"authentication": {"type": "api_key"}}), "`api_key` is not supported"),
        (json!({"authentication": {}}), "authentication.type is missing"),
        (json!({"version": "2.0", "authentication": {"type": "user_oauth"}}), "version `2.0`"),
        (json!({"authentication": "user_oauth"}), "`authentication` is missing or not an object"),
        (json!({"authentication": {"type": "user_oauth", "client_id": 7}}), "`client_id` must be a string"),
        (
            json!({"organization_id": ORG, "authentication": {"type": "oidc_federation", "federation_rule_id": "fdrl_1",
                   "identity_token": {"source": "command", "command": "gcloud auth print-identity-token"}}}),
            "identity_token.source `command` is not supported",
        ),
        (
            json!({"authentication": {"type": "oidc_federation"}}),
            "needs authentication.federation_rule_id (or ANTHROPIC_FEDERATION_RULE_ID), organization_id",
        ),
        (json!(["not", "an", "object"]), "not a JSON object"),
    ];
    for (doc, why) in cases {
        let path = dir.config("bad", doc);
        let err = run(&[dir.dir_var()], None, Some("bad")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains(why) && text.contains(&path.display().to_string()), "{why}: {text}");
    }
    fs::write(dir.path().join("configs/bad.json"), "{ not json").unwrap();
    assert!(run(&[dir.dir_var()], None, Some("bad")).unwrap_err().to_string().contains("not JSON"));
}

#[test]
fn the_federation_variables_make_a_federation_credential() {
    let base = [
        ("ANTHROPIC_FEDERATION_RULE_ID", "fdrl_env".to_owned()),
        ("ANTHROPIC_ORGANIZATION_ID", ORG.to_owned()),
        ("ANTHROPIC_IDENTITY_TOKEN", "eyJ.value.sig".to_owned()),
        ("ANTHROPIC_WORKSPACE_ID", "".to_owned()),
        ("ANTHROPIC_SCOPE", "org:admin".to_owned()),
        ("ANTHROPIC_SERVICE_ACCOUNT_ID", "svac_1".to_owned()),
    ];
    let resolved = run(&base, None, None).unwrap();
    let CredentialOrigin::Federation(origin) = &resolved.origin else { panic!("federation") };
    assert_eq!(origin.identity_token, IdentityTokenOrigin::Env);
    let Found::Federation(spec) = resolved.found else { panic!("federation") };
    assert_eq!(spec.workspace_id, None, "an empty ANTHROPIC_WORKSPACE_ID is unset");
    assert_eq!(spec.scope.as_deref(), Some("org:admin"), "kept (never sent)");
    assert_eq!(spec.cache, None, "the variables have no token cache");
    assert_eq!(spec.service_account_id.as_deref(), Some("svac_1"));

    let mut with_file = base.to_vec();
    with_file.push(("ANTHROPIC_IDENTITY_TOKEN_FILE", "/var/run/jwt".to_owned()));
    with_file.push(("ANTHROPIC_WORKSPACE_ID", "wrkspc_1".to_owned()));
    let Found::Federation(spec) = run(&with_file, None, None).unwrap().found else { panic!("federation") };
    assert!(matches!(spec.identity_token, IdentityToken::File { .. }), "the file wins over the value");

    let err = run(&base[..1], None, None).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, AuthError::FederationIncomplete { .. }), "{text}");
    assert!(text.contains("ANTHROPIC_ORGANIZATION_ID") && text.contains("ANTHROPIC_IDENTITY_TOKEN_FILE"), "{text}");
}

#[test]
fn the_config_directory_is_the_variable_else_home_never_xdg() {
    let env = env_of(&[("HOME", "/home/u".into()), ("XDG_CONFIG_HOME", "/xdg".into())]);
    assert_eq!(super::profile::config_dir(&env), Some(PathBuf::from("/home/u/.config/anthropic")));
    let env = env_of(&[("HOME", "/home/u".into()), ("ANTHROPIC_CONFIG_DIR", "~/anthropic".into())]);
    assert_eq!(super::profile::config_dir(&env), Some(PathBuf::from("/home/u/anthropic")));
    assert_eq!(super::profile::config_dir(&env_of(&[])), None);
}

#[test]
fn the_base_url_is_the_flag_then_the_variable_then_the_profile_then_the_default() {
    let env = env_of(&[("ANTHROPIC_BASE_URL", "https://env.example".into())]);
    let none = env_of(&[]);
    assert_eq!(base_url(Some("https://flag.example"), &env, Some("https://p.example")).1, BaseUrlOrigin::Flag);
    // clap reads the variable into the flag: the same value is reported as the variable.
    assert_eq!(base_url(Some("https://env.example"), &env, None), ("https://env.example".into(), BaseUrlOrigin::Env));
    assert_eq!(base_url(None, &env, Some("https://p.example")).1, BaseUrlOrigin::Env);
    assert_eq!(base_url(None, &none, Some("https://p.example")), ("https://p.example".into(), BaseUrlOrigin::Profile));
    assert_eq!(base_url(None, &none, None), ("https://api.anthropic.com".into(), BaseUrlOrigin::Default));
    assert_eq!(base_url(Some(" "), &none, Some(" ")).1, BaseUrlOrigin::Default);
}

#[test]
fn the_admin_key_file_is_trimmed_and_its_problems_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = key_file(dir.path(), &format!("  {ADMIN}\n"), 0o600);
    let resolved = run(&[("ANTHROPIC_ADMIN_KEY", OTHER_ADMIN.into())], Some(&file), None).unwrap();
    assert!(matches!(&resolved.found, Found::Fixed(Credential::AdminKey(k)) if k.expose_secret() == ADMIN));
    assert_eq!(resolved.origin, CredentialOrigin::KeyFile(file.clone()));

    let empty = key_file(dir.path(), " \n\t", 0o600);
    let err = run(&[], Some(&empty), None).unwrap_err();
    assert!(matches!(err, AuthError::KeyFileEmpty { .. }) && err.to_string().contains(&empty.display().to_string()));
    let missing = Path::new("/nonexistent/cmek/admin.key");
    let text = run(&[], Some(missing), None).unwrap_err().to_string();
    assert!(text.contains("/nonexistent/cmek/admin.key") && text.contains("--admin-key-file"), "{text}");
    let not_utf8 = dir.path().join("bin.key");
    fs::write(&not_utf8, [0xff, 0xfe, b's', b'k']).unwrap();
    chmod(&not_utf8, 0o600);
    assert!(run(&[], Some(&not_utf8), None).unwrap_err().to_string().contains("not UTF-8"));
    let huge = key_file(dir.path(), &"k".repeat(16 * 1024 + 1), 0o600);
    assert!(matches!(run(&[], Some(&huge), None), Err(AuthError::KeyFileTooLarge { .. })));
    assert!(run(&[], Some(dir.path()), None).unwrap_err().to_string().contains("folder"));
}

#[cfg(unix)]
#[test]
fn an_admin_key_file_others_can_read_is_refused_with_the_chmod_to_run() {
    let dir = tempfile::tempdir().unwrap();
    for mode in [0o644, 0o640, 0o604, 0o660] {
        let file = key_file(dir.path(), ADMIN, mode);
        let err = run(&[], Some(&file), None).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, AuthError::TooOpen { .. }), "{mode:o}: {text}");
        assert!(text.contains(&format!("chmod 600 {}", file.display())) && !text.contains("CANARY"), "{text}");
        assert_eq!(crate::error::Error::from(err).exit_code(), 3);
    }
    for mode in [0o600, 0o400] {
        assert!(run(&[], Some(&key_file(dir.path(), ADMIN, mode)), None).is_ok(), "{mode:o}");
    }
    // Secret mounts are links: a link to a private file is fine.
    let target = key_file(dir.path(), ADMIN, 0o600);
    let link = dir.path().join("link.key");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert!(run(&[], Some(&link), None).is_ok());
}

#[test]
fn nothing_found_names_every_way_to_give_a_credential() {
    let err = run(&[("HOME", "/nonexistent-home".into())], None, None).unwrap_err();
    let text = err.to_string();
    for part in
        ["--admin-key-file", "--profile", "ANTHROPIC_ADMIN_KEY", "ant auth login", "ANTHROPIC_FEDERATION_RULE_ID"]
    {
        assert!(text.contains(part), "{part} missing from {text}");
    }
}
