//! The structured error codes of API version 2026-10-21 (`error.details.error_code`) that `cmek`
//! acts on, and what each asks of a client. Unknown codes are kept as they are and the error is
//! handled by its `type` and status, as before the codes existed.

use std::fmt;

use serde_json::{Map, Value};

/// `error.details.error_code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    /// 400: the validation on attach failed; the message says why (doctor maps it).
    ExternalKeyValidationFailed,
    /// 400: the validation did not finish in time: send again.
    ExternalKeyValidationTimedOut,
    /// 409: the key changed while it was validated: send again.
    ExternalKeyChanged,
    /// 400: a workspace policy names the key.
    ExternalKeyInWorkspacePolicy,
    /// 400: the key's user profile and the workspace's differ.
    KeyProfileMismatch,
    /// 400: an organisation workspace policy refuses the value of `field`.
    WorkspacePolicyViolation { field: Option<String> },
    /// 400: CMEK is not approved, or paused, for the organisation (doctor's ANT-02).
    CmekNotApproved,
    /// 503: the platform cannot tell whether the change was made: send the same request again.
    ChangeOutcomeUnknown,
    /// 503: the workspace exists but was not finished: never create it again; use its id.
    WorkspaceCreatedIncomplete { workspace_id: Option<String> },
    /// Run time: the KMS refused Anthropic.
    CmekKeyDisabled,
    /// Run time: a KMS firewall blocked Anthropic.
    CmekKeyNetworkBlocked,
    /// Run time (503): the KMS could not be reached.
    CmekKeyUnreachable,
    /// Run time (503): the encryption context is not available.
    CmekContextUnavailable,
    /// A code this version does not know.
    Other(String),
}

impl ErrorCode {
    /// The code of an error's `details`, if it has one. `clean` makes server text safe to show.
    pub(crate) fn from_details(details: &Map<String, Value>, clean: impl Fn(&str) -> String) -> Option<ErrorCode> {
        let code = details.get("error_code")?.as_str()?;
        let text = |field: &str| details.get(field).and_then(Value::as_str).map(&clean);
        Some(match code {
            "external_key_validation_failed" => ErrorCode::ExternalKeyValidationFailed,
            "external_key_validation_timed_out" => ErrorCode::ExternalKeyValidationTimedOut,
            "external_key_changed" => ErrorCode::ExternalKeyChanged,
            "external_key_in_workspace_policy" => ErrorCode::ExternalKeyInWorkspacePolicy,
            "key_profile_mismatch" => ErrorCode::KeyProfileMismatch,
            "workspace_policy_violation" => ErrorCode::WorkspacePolicyViolation { field: text("field") },
            "cmek_not_approved" => ErrorCode::CmekNotApproved,
            "change_outcome_unknown" => ErrorCode::ChangeOutcomeUnknown,
            "workspace_created_incomplete" => {
                ErrorCode::WorkspaceCreatedIncomplete { workspace_id: text("workspace_id") }
            }
            "cmek_key_disabled" => ErrorCode::CmekKeyDisabled,
            "cmek_key_network_blocked" => ErrorCode::CmekKeyNetworkBlocked,
            "cmek_key_unreachable" => ErrorCode::CmekKeyUnreachable,
            "cmek_context_unavailable" => ErrorCode::CmekContextUnavailable,
            other => ErrorCode::Other(clean(other)),
        })
    }

    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::ExternalKeyValidationFailed => "external_key_validation_failed",
            ErrorCode::ExternalKeyValidationTimedOut => "external_key_validation_timed_out",
            ErrorCode::ExternalKeyChanged => "external_key_changed",
            ErrorCode::ExternalKeyInWorkspacePolicy => "external_key_in_workspace_policy",
            ErrorCode::KeyProfileMismatch => "key_profile_mismatch",
            ErrorCode::WorkspacePolicyViolation { .. } => "workspace_policy_violation",
            ErrorCode::CmekNotApproved => "cmek_not_approved",
            ErrorCode::ChangeOutcomeUnknown => "change_outcome_unknown",
            ErrorCode::WorkspaceCreatedIncomplete { .. } => "workspace_created_incomplete",
            ErrorCode::CmekKeyDisabled => "cmek_key_disabled",
            ErrorCode::CmekKeyNetworkBlocked => "cmek_key_network_blocked",
            ErrorCode::CmekKeyUnreachable => "cmek_key_unreachable",
            ErrorCode::CmekContextUnavailable => "cmek_context_unavailable",
            ErrorCode::Other(code) => code,
        }
    }

    /// The platform asks for the same request again (whatever the status says).
    pub fn send_again(&self) -> bool {
        matches!(
            self,
            ErrorCode::ChangeOutcomeUnknown | ErrorCode::ExternalKeyChanged | ErrorCode::ExternalKeyValidationTimedOut
        )
    }

    /// Sending again would do harm (a second workspace), whatever the status or headers say.
    pub fn never_send_again(&self) -> bool {
        matches!(self, ErrorCode::WorkspaceCreatedIncomplete { .. })
    }

    /// What to do next, for the codes where that is known.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self {
            ErrorCode::CmekNotApproved => {
                "ANT-02: customer-managed encryption keys are not approved, or are paused, for this organisation; only \
                 your Anthropic account team can change that (no key or policy change helps). Nothing was registered \
                 or attached"
            }
            ErrorCode::ExternalKeyValidationFailed => {
                "the platform's validation of the key failed (the message says why); `cmek doctor --external-key \
                 <id>` maps it to its cause and fix"
            }
            ErrorCode::ExternalKeyValidationTimedOut => {
                "the platform's validation did not hear back from the key in time; re-run the same command (it is \
                 safe), and if it keeps timing out check the key's network access with `cmek doctor`"
            }
            ErrorCode::ExternalKeyChanged => "the key changed while it was being validated; re-run the same command",
            ErrorCode::KeyProfileMismatch => {
                "a key bound to a user profile attaches only to a workspace with the same user profile, and a key \
                 with none only to a workspace with none: choose a matching workspace, or register the key for the \
                 workspace's user profile"
            }
            ErrorCode::WorkspacePolicyViolation { .. } => {
                "an organisation workspace policy refuses this value; change the value, or ask an organisation admin \
                 about the policy"
            }
            ErrorCode::ExternalKeyInWorkspacePolicy => {
                "a workspace policy names this key; change the policy first, in the Claude Console"
            }
            ErrorCode::ChangeOutcomeUnknown => {
                "the platform could not tell whether the change was made; re-run the same command (it is safe)"
            }
            ErrorCode::WorkspaceCreatedIncomplete { .. } => {
                "the workspace was created but not finished; re-run: cmek finds it and never creates it twice"
            }
            ErrorCode::CmekKeyDisabled => {
                "the KMS refused Anthropic (key disabled, access removed, or a policy condition): run `cmek doctor`"
            }
            ErrorCode::CmekKeyNetworkBlocked => {
                "a KMS firewall or IP allowlist blocked Anthropic: allow Anthropic's egress ranges (`cmek doctor` \
                 names them)"
            }
            ErrorCode::CmekKeyUnreachable | ErrorCode::CmekContextUnavailable => {
                "the key could not be reached for now; retry later, and run `cmek doctor` if it persists"
            }
            ErrorCode::Other(_) => return None,
        })
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())?;
        match self {
            ErrorCode::WorkspacePolicyViolation { field: Some(field) } => write!(f, ", field `{field}`"),
            ErrorCode::WorkspaceCreatedIncomplete { workspace_id: Some(id) } => write!(f, ", workspace {id}"),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(details: Value) -> Option<ErrorCode> {
        ErrorCode::from_details(details.as_object().unwrap(), str::to_owned)
    }

    #[test]
    fn known_codes_are_parsed_with_their_fields_and_unknown_ones_kept() {
        let incomplete =
            parse(serde_json::json!({"error_code": "workspace_created_incomplete", "workspace_id": "wrkspc_1"}));
        assert_eq!(incomplete, Some(ErrorCode::WorkspaceCreatedIncomplete { workspace_id: Some("wrkspc_1".into()) }));
        assert!(incomplete.as_ref().unwrap().never_send_again());
        let policy = parse(serde_json::json!({"error_code": "workspace_policy_violation", "field": "name"})).unwrap();
        assert_eq!(policy.to_string(), "workspace_policy_violation, field `name`");
        for code in ["change_outcome_unknown", "external_key_changed", "external_key_validation_timed_out"] {
            assert!(parse(serde_json::json!({"error_code": code})).unwrap().send_again(), "{code}");
        }
        for code in ["external_key_validation_failed", "key_profile_mismatch", "cmek_not_approved"] {
            let parsed = parse(serde_json::json!({"error_code": code})).unwrap();
            assert!(!parsed.send_again() && parsed.as_str() == code && parsed.hint().is_some(), "{code}");
        }
        let unknown = parse(serde_json::json!({"error_code": "brand_new"})).unwrap();
        assert_eq!((unknown.clone(), unknown.hint()), (ErrorCode::Other("brand_new".into()), None));
        assert_eq!(parse(serde_json::json!({"other": 1})), None);
        assert_eq!(parse(serde_json::json!({"error_code": 7})), None);
    }
}
