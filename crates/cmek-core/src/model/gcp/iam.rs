//! A Cloud KMS IAM policy (version 3: bindings may carry conditions) and the one change `cmek`
//! makes to it: adding Anthropic's member to two roles without dropping or altering anything
//! else, for a read-modify-write guarded by the policy's etag.

/// Lets the holder encrypt and decrypt with the key.
pub const ENCRYPTER_DECRYPTER_ROLE: &str = "roles/cloudkms.cryptoKeyEncrypterDecrypter";
/// Lets the holder read the key's purpose and algorithm (Anthropic does at start-up).
pub const VIEWER_ROLE: &str = "roles/cloudkms.viewer";

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct GcpIamPolicy {
    pub version: i32,
    /// Base64, verbatim: what `setIamPolicy` must send back so a concurrent change is refused.
    pub etag: String,
    pub bindings: Vec<GcpBinding>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct GcpBinding {
    pub role: String,
    pub members: Vec<String>,
    /// A CEL condition (`expression`, `title`, `description`), kept exactly as read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<serde_json::Value>,
}

impl GcpIamPolicy {
    /// Whether `member` holds `role` unconditionally (a conditional binding may not apply to
    /// Anthropic's calls, so it does not count as the grant the guide asks for).
    pub fn grants(&self, role: &str, member: &str) -> bool {
        self.bindings.iter().any(|b| b.condition.is_none() && b.role == role && b.members.iter().any(|m| m == member))
    }

    /// Whether `member` appears in a binding for `role` that has a condition.
    pub fn grants_conditionally(&self, role: &str, member: &str) -> bool {
        self.bindings.iter().any(|b| b.condition.is_some() && b.role == role && b.members.iter().any(|m| m == member))
    }

    /// This policy with `member` holding each of `roles` unconditionally: added to the role's
    /// unconditional binding, or in a new binding; every other binding, member and condition kept
    /// as it was, the etag kept for the write. Version 3 so conditions survive the write.
    pub fn with_member(&self, roles: &[&str], member: &str) -> GcpIamPolicy {
        let mut out = self.clone();
        for role in roles {
            if out.grants(role, member) {
                continue;
            }
            match out.bindings.iter_mut().find(|b| b.condition.is_none() && b.role == *role) {
                Some(binding) => binding.members.push(member.to_string()),
                None => out.bindings.push(GcpBinding {
                    role: role.to_string(),
                    members: vec![member.to_string()],
                    condition: None,
                }),
            }
        }
        out.version = 3;
        out
    }

    /// The roles of `roles` that `member` does not hold unconditionally.
    pub fn missing<'a>(&self, roles: &[&'a str], member: &str) -> Vec<&'a str> {
        roles.iter().copied().filter(|r| !self.grants(r, member)).collect()
    }

    /// The policy as the plan's diff shows it: bindings in order, one member a line.
    pub fn render(&self) -> String {
        let mut v = serde_json::json!({ "version": self.version, "bindings": self.bindings });
        if let Some(obj) = v.as_object_mut() {
            obj.retain(|_, val| !val.is_null());
        }
        serde_json::to_string_pretty(&v).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANTHROPIC: &str =
        "serviceAccount:anthropic-cmek-client-us@gcp-anthropic-cmek-clients.iam.gserviceaccount.com";

    fn customer_policy() -> GcpIamPolicy {
        GcpIamPolicy {
            version: 3,
            etag: "BwYk1a2b3c4=".into(),
            bindings: vec![
                GcpBinding {
                    role: VIEWER_ROLE.into(),
                    members: vec!["group:kms-readers@example.com".into()],
                    condition: Some(
                        serde_json::json!({"title": "office hours", "expression": "request.time.getHours('Europe/London') < 18"}),
                    ),
                },
                GcpBinding {
                    role: ENCRYPTER_DECRYPTER_ROLE.into(),
                    members: vec!["user:ada@example.com".into()],
                    condition: None,
                },
            ],
        }
    }

    #[test]
    fn adding_anthropic_keeps_every_binding_member_and_condition() {
        let before = customer_policy();
        let after = before.with_member(&[ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE], ANTHROPIC);
        assert_eq!(after.etag, before.etag, "the etag guards the write");
        assert_eq!(after.version, 3);
        // The conditional viewer binding is untouched; Anthropic gets its own unconditional one.
        assert_eq!(after.bindings[0], before.bindings[0]);
        assert_eq!(after.bindings[1].members, vec!["user:ada@example.com".to_string(), ANTHROPIC.to_string()]);
        assert_eq!(after.bindings[2].role, VIEWER_ROLE);
        assert_eq!(after.bindings[2].members, vec![ANTHROPIC.to_string()]);
        assert!(after.grants(ENCRYPTER_DECRYPTER_ROLE, ANTHROPIC) && after.grants(VIEWER_ROLE, ANTHROPIC));
        for b in &before.bindings {
            for m in &b.members {
                assert!(
                    after
                        .bindings
                        .iter()
                        .any(|a| a.role == b.role && a.members.contains(m) && a.condition == b.condition)
                );
            }
        }
    }

    #[test]
    fn adding_twice_changes_nothing_the_second_time() {
        let once = customer_policy().with_member(&[ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE], ANTHROPIC);
        assert_eq!(once.with_member(&[ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE], ANTHROPIC), once);
        assert!(once.missing(&[ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE], ANTHROPIC).is_empty());
    }

    #[test]
    fn a_conditional_grant_is_not_the_grant_the_guide_asks_for() {
        let mut p = GcpIamPolicy::default();
        p.bindings.push(GcpBinding {
            role: VIEWER_ROLE.into(),
            members: vec![ANTHROPIC.into()],
            condition: Some(serde_json::json!({"expression": "true"})),
        });
        assert!(!p.grants(VIEWER_ROLE, ANTHROPIC));
        assert!(p.grants_conditionally(VIEWER_ROLE, ANTHROPIC));
        assert_eq!(p.missing(&[VIEWER_ROLE], ANTHROPIC), vec![VIEWER_ROLE]);
    }
}
