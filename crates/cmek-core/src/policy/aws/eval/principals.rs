//! Does a statement's `Principal` / `NotPrincipal` element apply to the caller?
//!
//! Evaluation is from the key's account, and the caller's own identity policy is assumed to
//! allow, so a key-policy grant to an account (its root ARN or bare id) covers every principal of
//! that account.

use super::RequestPrincipal;
use crate::policy::aws::principal::{PrincipalElement, PrincipalKind, Principals, is_account_root_arn};

/// Whether the statement's principal element covers the caller. A statement without one (not
/// valid in a key policy) applies to no one.
pub(super) fn applies_to(element: Option<&PrincipalElement>, caller: &RequestPrincipal) -> bool {
    match element {
        None => false,
        Some(PrincipalElement::Principal(p)) => names(p, caller),
        Some(PrincipalElement::NotPrincipal(p)) => !spares(p, caller),
    }
}

/// `Principal`: the caller is covered by an entry naming it, its account, or (for an assumed-role
/// session) its role.
fn names(principals: &Principals, caller: &RequestPrincipal) -> bool {
    let Principals::Typed(_) = principals else { return true };
    match caller {
        RequestPrincipal::Aws { arn, account, role_arn } => principals.values_of(PrincipalKind::Aws).any(|v| {
            v == "*"
                || v == arn
                || v == account
                || is_account_root_arn(v, account)
                || role_arn.as_deref() == Some(v)
                || is_role_of_session(v, arn)
        }),
        RequestPrincipal::Service { name } => {
            principals.values_of(PrincipalKind::Aws).any(|v| v == "*")
                || principals.values_of(PrincipalKind::Service).any(|v| v.eq_ignore_ascii_case(name))
        }
    }
}

/// `NotPrincipal`: which callers the statement spares.
///
/// AWS documents that, for `NotPrincipal` with `Deny`, it may check the caller's account first,
/// then (for an assumed-role session) the role, then the session itself, and that "the
/// assumed-role user is identified by the role session name"; each level that is not named can be
/// denied. So naming only the role ARN, or only the account, does NOT spare a session: the session
/// ARN must be listed (AWS recommends listing the session, the role and the account together).
/// Likewise an IAM user is spared only when its own user ARN is listed, and the account root only
/// when the account (root ARN or bare id) is listed. Every caller is spared by `*`.
fn spares(principals: &Principals, caller: &RequestPrincipal) -> bool {
    let Principals::Typed(_) = principals else { return true };
    match caller {
        RequestPrincipal::Aws { arn, account, .. } => principals.values_of(PrincipalKind::Aws).any(|v| {
            v == "*"
                || v == arn
                || (is_account_root_arn(arn, account) && (v == account || is_account_root_arn(v, account)))
        }),
        RequestPrincipal::Service { name } => {
            principals.values_of(PrincipalKind::Aws).any(|v| v == "*")
                || principals.values_of(PrincipalKind::Service).any(|v| v.eq_ignore_ascii_case(name))
        }
    }
}

/// `arn:<p>:iam::<acct>:role/<path>/<name>` is the role of `arn:<p>:sts::<acct>:assumed-role/<name>/<session>`.
/// Role names are unique without regard to case in IAM, so the name is compared so.
fn is_role_of_session(role_arn: &str, session_arn: &str) -> bool {
    let (Some(role), Some(session)) = (split_arn(role_arn), split_arn(session_arn)) else { return false };
    let Some(role_path) = role.resource.strip_prefix("role/") else { return false };
    let Some(session_path) = session.resource.strip_prefix("assumed-role/") else { return false };
    let role_name = role_path.rsplit('/').next().unwrap_or_default();
    let session_role_name = session_path.split('/').next().unwrap_or_default();
    role.service == "iam"
        && session.service == "sts"
        && role.partition == session.partition
        && role.account == session.account
        && !role_name.is_empty()
        && role_name.eq_ignore_ascii_case(session_role_name)
}

pub(super) struct ArnParts<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

pub(super) fn split_arn(arn: &str) -> Option<ArnParts<'_>> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, service, _region, account, resource] if !partition.is_empty() => {
            Some(ArnParts { partition, service, account, resource })
        }
        _ => None,
    }
}
