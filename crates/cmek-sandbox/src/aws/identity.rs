//! Who is who in the emulated AWS: the seeded accounts, users and roles, the caller behind an
//! access key, and the simplified AssumeRole trust rule.
//!
//! Trust (documented simplification): a role may be assumed by any principal of its own account,
//! and by nobody else. The seeded Anthropic principal `anthropic-platform` lives in Anthropic's
//! account, so it may assume the published role; the customer may not.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use super::secret::Secret;
use super::state::{AccountRecord, AwsState, RoleRecord, UserRecord};
use super::{
    ANTHROPIC_ACCOUNT, ANTHROPIC_ORGANIZATION, AwsCredentials, CUSTOMER_ACCOUNT, CUSTOMER_ORGANIZATION, EmulatedUser,
    ids,
};
use cmek_core::identities;
use cmek_core::policy::aws::anthropic;
use cmek_core::policy::aws::eval::RequestPrincipal;

/// The customer's IAM user, with a long-term access key.
pub(super) const CUSTOMER_USER: &str = "sandbox-admin";
/// A role in the customer's account the customer's user may assume (for AssumeRole round trips).
pub(super) const CUSTOMER_ROLE: &str = "cmek-operator";
/// The principal in Anthropic's account that assumes the published role.
pub(super) const ANTHROPIC_USER: &str = "anthropic-platform";
/// The customer's other IAM roles and users, as the scenarios' and fixtures' key policies name
/// them (`role/data-pipeline` in the `customer-statements` scenario, the example customer
/// statements of tests/fixtures): key policies may name only principals that exist, so they
/// exist here. They have no part in any flow.
pub(super) const CUSTOMER_OTHER_ROLES: [&str; 4] = ["data-pipeline", "KeyAdmins", "payments-app", "Auditor"];
pub(super) const CUSTOMER_OTHER_USERS: [&str; 1] = ["alice"];
/// What AWS allows as `MaxSessionDuration` at most; the seeded roles allow it.
pub(super) const MAX_SESSION_SECONDS: u32 = 43_200;

/// The name of the published Anthropic role (`anthropic-cmek-client-us`).
pub(super) fn anthropic_role_name() -> String {
    let arn = &identities::published().aws.role_arn;
    arn.rsplit('/').next().unwrap_or("anthropic-cmek-client-us").to_string()
}

impl AwsState {
    /// The customer's account (organisation `o-customer1234`) with the user `sandbox-admin` and
    /// the role `cmek-operator` (plus the roles `data-pipeline`, `KeyAdmins`, `payments-app`,
    /// `Auditor` and the user `alice`, which example key policies name); Anthropic's account
    /// with the published role and the user `anthropic-platform` that may assume it. No keys.
    /// Credentials are fresh random ones.
    pub fn seeded() -> AwsState {
        let user = |account: &str, name: &str| UserRecord {
            account: account.to_string(),
            name: name.to_string(),
            user_id: ids::unique_id("AIDA"),
            access_key_id: ids::access_key_id(false),
            secret_access_key: ids::secret_access_key(),
        };
        let role = |account: &str, name: String| RoleRecord {
            account: account.to_string(),
            name,
            role_id: ids::unique_id("AROA"),
            max_session_seconds: MAX_SESSION_SECONDS,
        };
        AwsState {
            accounts: vec![
                AccountRecord { id: CUSTOMER_ACCOUNT.into(), organization: Some(CUSTOMER_ORGANIZATION.into()) },
                AccountRecord { id: ANTHROPIC_ACCOUNT.into(), organization: Some(ANTHROPIC_ORGANIZATION.into()) },
            ],
            users: [user(CUSTOMER_ACCOUNT, CUSTOMER_USER), user(ANTHROPIC_ACCOUNT, ANTHROPIC_USER)]
                .into_iter()
                .chain(CUSTOMER_OTHER_USERS.iter().map(|name| user(CUSTOMER_ACCOUNT, name)))
                .collect(),
            roles: [role(CUSTOMER_ACCOUNT, CUSTOMER_ROLE.to_string()), role(ANTHROPIC_ACCOUNT, anthropic_role_name())]
                .into_iter()
                .chain(CUSTOMER_OTHER_ROLES.iter().map(|name| role(CUSTOMER_ACCOUNT, name.to_string())))
                .collect(),
            sessions: Vec::new(),
            keys: Vec::new(),
            aliases: Vec::new(),
        }
    }

    /// A user's long-term credentials, as clients are configured with them.
    pub(super) fn emulated_user(&self, account: &str, name: &str) -> Option<EmulatedUser> {
        let user = self.users.iter().find(|u| u.account == account && u.name == name)?;
        Some(EmulatedUser {
            arn: user.arn(),
            account: user.account.clone(),
            credentials: AwsCredentials {
                access_key_id: user.access_key_id.clone(),
                secret_access_key: SecretString::from(user.secret_access_key.expose().to_string()),
                session_token: None,
            },
        })
    }

    /// Who an access key belongs to, with the secret (and session token) its signatures need.
    pub(super) fn credential(&self, access_key_id: &str) -> Option<Credential> {
        if let Some(u) = self.users.iter().find(|u| u.access_key_id == access_key_id) {
            return Some(Credential {
                caller: Caller {
                    arn: u.arn(),
                    account: u.account.clone(),
                    user_id: u.user_id.clone(),
                    role_arn: None,
                    username: Some(u.name.clone()),
                },
                secret: u.secret_access_key.clone(),
                session_token: None,
                expires: None,
            });
        }
        let s = self.sessions.iter().find(|s| s.access_key_id == access_key_id)?;
        Some(Credential {
            caller: Caller {
                arn: s.arn(),
                account: s.account.clone(),
                user_id: format!("{}:{}", s.role_id, s.session_name),
                role_arn: Some(s.role_arn()),
                username: None,
            },
            secret: s.secret_access_key.clone(),
            session_token: Some(s.session_token.clone()),
            expires: Some(s.expires),
        })
    }
}

/// An access key's owner and secrets.
pub(super) struct Credential {
    pub caller: Caller,
    pub secret: Secret,
    /// Set for temporary credentials: requests must carry it in `X-Amz-Security-Token`.
    pub session_token: Option<Secret>,
    pub expires: Option<DateTime<Utc>>,
}

/// The authenticated principal of a request: an IAM user or an assumed-role session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Caller {
    /// `arn:aws:iam::<acct>:user/<name>` or `arn:aws:sts::<acct>:assumed-role/<role>/<session>`.
    pub arn: String,
    pub account: String,
    /// `AIDA...` for a user, `AROA...:<session>` for a session.
    pub user_id: String,
    /// The role's ARN, for a session.
    pub role_arn: Option<String>,
    /// The user name, for a user.
    pub username: Option<String>,
}

impl Caller {
    pub fn principal(&self) -> RequestPrincipal {
        RequestPrincipal::Aws { arn: self.arn.clone(), account: self.account.clone(), role_arn: self.role_arn.clone() }
    }

    /// `aws:PrincipalType`.
    pub fn principal_type(&self) -> &'static str {
        if self.role_arn.is_some() { "AssumedRole" } else { "User" }
    }

    pub fn is_session(&self) -> bool {
        self.role_arn.is_some()
    }

    /// `aws:SourceIp`: principals of Anthropic's account call from Anthropic's published egress
    /// range; everyone else from where the request really came (loopback).
    pub fn source_ip(&self, peer: IpAddr) -> String {
        if self.account == ANTHROPIC_ACCOUNT { anthropic::source_ip() } else { peer.to_string() }
    }
}

/// The simplified trust policy: a role's own account may assume it.
pub(super) fn may_assume(caller: &Caller, role: &RoleRecord) -> bool {
    caller.account == role.account
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_identities_match_the_published_ones() {
        let state = AwsState::seeded();
        let role = state.roles.iter().find(|r| r.account == ANTHROPIC_ACCOUNT).unwrap();
        assert_eq!(role.arn(), identities::published().aws.role_arn);
        assert_eq!(identities::published().aws.account_id, ANTHROPIC_ACCOUNT);
        let customer = state.emulated_user(CUSTOMER_ACCOUNT, CUSTOMER_USER).unwrap();
        assert_eq!(customer.arn, "arn:aws:iam::111122223333:user/sandbox-admin");
        let found = state.credential(&customer.credentials.access_key_id).unwrap();
        assert_eq!(found.caller.arn, customer.arn);
        assert_eq!(found.caller.principal_type(), "User");
        assert!(state.credential("AKIANOTAKEY").is_none());
        let anthropic = state.emulated_user(ANTHROPIC_ACCOUNT, ANTHROPIC_USER).unwrap();
        let caller = state.credential(&anthropic.credentials.access_key_id).unwrap().caller;
        assert!(may_assume(&caller, role));
        let customer_caller = state.credential(&customer.credentials.access_key_id).unwrap().caller;
        assert!(!may_assume(&customer_caller, role));
        assert!(caller.source_ip("127.0.0.1".parse().unwrap()).starts_with("160.79."));
        assert_eq!(customer_caller.source_ip("127.0.0.1".parse().unwrap()), "127.0.0.1");
    }
}
