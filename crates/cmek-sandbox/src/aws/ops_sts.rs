//! The STS operations: GetCallerIdentity (users and sessions) and AssumeRole (simplified trust:
//! the role's own account; DurationSeconds 900-43200, at most the role's MaxSessionDuration, at
//! most one hour when chaining roles). Answers are the `<Action>Result` XML of the query protocol.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::errors::{StsError, constraint_message};
use super::identity::{Caller, may_assume};
use super::ids;
use super::protocol_query::element;
use super::state::{AwsState, SessionRecord};

pub(super) const VERSION: &str = "2011-06-15";
const DEFAULT_DURATION: i64 = 3600;
const CHAINED_MAX_DURATION: i64 = 3600;

/// An answered action: its name and the XML inside `<{action}Result>`.
pub(super) struct Answer {
    pub action: &'static str,
    pub result_xml: String,
}

impl std::fmt::Debug for Answer {
    // The XML of AssumeRole holds a secret key and a session token: show the action only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer").field("action", &self.action).finish_non_exhaustive()
    }
}

pub(super) fn dispatch(
    state: &mut AwsState,
    caller: &Caller,
    params: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Answer, StsError> {
    if let Some(version) = params.get("Version").filter(|v| v.as_str() != VERSION) {
        return Err(StsError::new(
            "InvalidAction",
            400,
            format!("Could not find operation for version {}", super::errors::shorten(version)),
        ));
    }
    match params.get("Action").map(String::as_str) {
        Some("GetCallerIdentity") => Ok(get_caller_identity(caller)),
        Some("AssumeRole") => assume_role(state, caller, params, now),
        Some(other) => Err(StsError::new(
            "InvalidAction",
            400,
            format!("Could not find operation {} for version {VERSION}", super::errors::shorten(other)),
        )),
        None => Err(StsError::new("MissingAction", 400, "Missing Action")),
    }
}

fn get_caller_identity(caller: &Caller) -> Answer {
    Answer {
        action: "GetCallerIdentity",
        result_xml: [
            element("Arn", &caller.arn),
            element("UserId", &caller.user_id),
            element("Account", &caller.account),
        ]
        .map(|e| format!("    {e}"))
        .join("\n"),
    }
}

fn required<'a>(params: &'a BTreeMap<String, String>, name: &str, member: &str) -> Result<&'a str, StsError> {
    params
        .get(name)
        .map(String::as_str)
        .ok_or_else(|| StsError::validation(constraint_message("null", member, "Member must not be null")))
}

fn assume_role(
    state: &mut AwsState,
    caller: &Caller,
    params: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Answer, StsError> {
    let role_arn = required(params, "RoleArn", "roleArn")?;
    let session_name = required(params, "RoleSessionName", "roleSessionName")?;
    let length = role_arn.chars().count();
    if !(20..=2048).contains(&length) {
        return Err(StsError::validation(constraint_message(
            role_arn,
            "roleArn",
            "Member must have length greater than or equal to 20",
        )));
    }
    if !(2..=64).contains(&session_name.chars().count())
        || !session_name.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
    {
        return Err(StsError::validation(constraint_message(
            session_name,
            "roleSessionName",
            "Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length between 2 and 64",
        )));
    }
    let duration = match params.get("DurationSeconds") {
        None => DEFAULT_DURATION,
        Some(text) => text.parse::<i64>().map_err(|_| {
            StsError::validation(constraint_message(text, "durationSeconds", "Member must be an integer"))
        })?,
    };
    if duration < 900 {
        return Err(StsError::validation(constraint_message(
            &duration.to_string(),
            "durationSeconds",
            "Member must have value greater than or equal to 900",
        )));
    }
    if duration > 43_200 {
        return Err(StsError::validation(constraint_message(
            &duration.to_string(),
            "durationSeconds",
            "Member must have value less than or equal to 43200",
        )));
    }
    let denied = || {
        StsError::access_denied(format!(
            "User: {} is not authorized to perform: sts:AssumeRole on resource: {}",
            caller.arn,
            super::errors::shorten(role_arn)
        ))
    };
    let role = state.roles.iter().find(|r| r.arn() == role_arn).ok_or_else(denied)?;
    if !may_assume(caller, role) {
        return Err(denied());
    }
    if duration > i64::from(role.max_session_seconds) {
        return Err(StsError::validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        ));
    }
    if caller.is_session() && duration > CHAINED_MAX_DURATION {
        return Err(StsError::validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
        ));
    }
    let session = SessionRecord {
        access_key_id: ids::access_key_id(true),
        secret_access_key: ids::secret_access_key(),
        session_token: ids::session_token(),
        account: role.account.clone(),
        role_name: role.name.clone(),
        role_id: role.role_id.clone(),
        session_name: session_name.to_string(),
        expires: now + TimeDelta::seconds(duration),
    };
    let result_xml = format!(
        "    <AssumedRoleUser>\n      {}\n      {}\n    </AssumedRoleUser>\n    <Credentials>\n      {}\n      {}\n      \
         {}\n      {}\n    </Credentials>",
        element("Arn", &session.arn()),
        element("AssumedRoleId", &format!("{}:{}", session.role_id, session.session_name)),
        element("AccessKeyId", &session.access_key_id),
        element("SecretAccessKey", session.secret_access_key.expose()),
        element("SessionToken", session.session_token.expose()),
        element("Expiration", &session.expires.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
    );
    state.sessions.push(session);
    Ok(Answer { action: "AssumeRole", result_xml })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::identity::{ANTHROPIC_USER, CUSTOMER_USER};
    use crate::aws::{ANTHROPIC_ACCOUNT, CUSTOMER_ACCOUNT};

    fn caller_of(state: &AwsState, account: &str, user: &str) -> Caller {
        let akid = state.emulated_user(account, user).unwrap().credentials.access_key_id;
        state.credential(&akid).unwrap().caller
    }

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    const ROLE: &str = "arn:aws:iam::915198916910:role/anthropic-cmek-client-us";

    #[test]
    fn anthropic_assumes_its_role_and_the_session_knows_who_it_is() {
        let mut state = AwsState::seeded();
        let anthropic = caller_of(&state, ANTHROPIC_ACCOUNT, ANTHROPIC_USER);
        let now = Utc::now();
        let p = params(&[("Action", "AssumeRole"), ("RoleArn", ROLE), ("RoleSessionName", "cmek-validation")]);
        let answer = dispatch(&mut state, &anthropic, &p, now).unwrap();
        assert!(
            answer
                .result_xml
                .contains("<Arn>arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation</Arn>")
        );
        let session = state.sessions.last().unwrap();
        assert_eq!(session.expires, now + TimeDelta::hours(1));
        let caller = state.credential(&session.access_key_id.clone()).unwrap().caller;
        assert_eq!(caller.role_arn.as_deref(), Some(ROLE));
        let who = dispatch(&mut state, &caller, &params(&[("Action", "GetCallerIdentity")]), now).unwrap();
        assert!(who.result_xml.contains("<Account>915198916910</Account>"));
        assert!(who.result_xml.contains(":cmek-validation</UserId>"));
        // Chaining is limited to an hour.
        let long = params(&[
            ("Action", "AssumeRole"),
            ("RoleArn", ROLE),
            ("RoleSessionName", "x2"),
            ("DurationSeconds", "7200"),
        ]);
        assert!(dispatch(&mut state, &caller, &long, now).unwrap_err().message.contains("role chaining"));
    }

    #[test]
    fn other_accounts_and_bad_parameters_are_refused() {
        let mut state = AwsState::seeded();
        let customer = caller_of(&state, CUSTOMER_ACCOUNT, CUSTOMER_USER);
        let now = Utc::now();
        let p = params(&[("Action", "AssumeRole"), ("RoleArn", ROLE), ("RoleSessionName", "s1")]);
        let e = dispatch(&mut state, &customer, &p, now).unwrap_err();
        assert_eq!((e.code, e.status), ("AccessDenied", 403));
        assert_eq!(
            e.message,
            format!(
                "User: arn:aws:iam::111122223333:user/sandbox-admin is not authorized to perform: sts:AssumeRole on resource: {ROLE}"
            )
        );
        let anthropic = caller_of(&state, ANTHROPIC_ACCOUNT, ANTHROPIC_USER);
        for (duration, ok) in [("899", false), ("900", true), ("43200", true), ("43201", false), ("x", false)] {
            let p = params(&[
                ("Action", "AssumeRole"),
                ("RoleArn", ROLE),
                ("RoleSessionName", "s1"),
                ("DurationSeconds", duration),
            ]);
            assert_eq!(dispatch(&mut state, &anthropic, &p, now).is_ok(), ok, "{duration}");
        }
        let bad_name = params(&[("Action", "AssumeRole"), ("RoleArn", ROLE), ("RoleSessionName", "has space")]);
        assert_eq!(dispatch(&mut state, &anthropic, &bad_name, now).unwrap_err().code, "ValidationError");
        let missing = params(&[("Action", "AssumeRole"), ("RoleSessionName", "s")]);
        assert_eq!(dispatch(&mut state, &anthropic, &missing, now).unwrap_err().code, "ValidationError");
        assert_eq!(
            dispatch(&mut state, &anthropic, &params(&[("Action", "GetSessionToken")]), now).unwrap_err().code,
            "InvalidAction"
        );
        assert_eq!(dispatch(&mut state, &anthropic, &params(&[]), now).unwrap_err().code, "MissingAction");
    }
}
