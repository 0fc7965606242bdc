//! Decides whether a request to a KMS key is allowed, following AWS's documented policy evaluation logic.
//!
//! Scope: the key policy (a resource-based policy) and Resource Control Policies, seen from the
//! key's account, with the caller's identity policy assumed to allow. The order is AWS's:
//! 1. An applicable Deny in the key policy or in an RCP is an explicit deny; it always wins.
//! 2. Otherwise an applicable Allow in the key policy allows.
//! 3. Otherwise the request is implicitly denied.
//!
//! RCPs only ever restrict: their Allow statements grant nothing (AWS attaches `RCPFullAWSAccess`
//! everywhere, so the RCP layer allows unless a Deny applies), and they do not apply to requests
//! made by AWS service principals. Pure: no I/O, no clock (time-based conditions need
//! `aws:CurrentTime` in the context).

#[cfg(test)]
mod condition_tests;
mod conditions;
mod context;
mod matching;

pub(crate) use matching::glob;
#[cfg(test)]
mod matrix_tests;
mod operators;
mod principals;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use super::document::PolicyDocument;
use super::statement::{Effect, Statement};
use context::Context;

/// One request to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub principal: RequestPrincipal,
    /// e.g. `kms:Encrypt` (compared without regard to case).
    pub action: String,
    /// The key ARN.
    pub resource: String,
    /// The key's account: the point of view of the evaluation.
    pub resource_account: String,
    /// Request context keys -> values (key names compared without regard to case).
    pub context: BTreeMap<String, Vec<String>>,
}

impl Request {
    pub fn new(
        principal: RequestPrincipal,
        action: impl Into<String>,
        resource: impl Into<String>,
        resource_account: impl Into<String>,
    ) -> Request {
        Request {
            principal,
            action: action.into(),
            resource: resource.into(),
            resource_account: resource_account.into(),
            context: BTreeMap::new(),
        }
    }

    /// Adds one value for a context key (call again for a multivalued key).
    pub fn with_context(mut self, key: impl Into<String>, value: impl Into<String>) -> Request {
        self.context.entry(key.into()).or_default().push(value.into());
        self
    }
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestPrincipal {
    /// An IAM identity: account root, user, or assumed-role session (`role_arn` set for sessions).
    Aws { arn: String, account: String, role_arn: Option<String> },
    /// An AWS service principal, e.g. `aws-external-anthropic.amazonaws.com`.
    Service { name: String },
}

impl RequestPrincipal {
    /// The session `arn:<p>:sts::<account>:assumed-role/<role name>/<session>` of a role ARN;
    /// `None` when `role_arn` is not a role ARN or `session` is empty or holds a `/`.
    pub fn assumed_role_session(role_arn: &str, session: &str) -> Option<RequestPrincipal> {
        let parts = principals::split_arn(role_arn)?;
        let path = parts.resource.strip_prefix("role/")?;
        let name = path.rsplit('/').next().filter(|n| !n.is_empty())?;
        if parts.service != "iam" || parts.account.is_empty() || session.is_empty() || session.contains('/') {
            return None;
        }
        Some(RequestPrincipal::Aws {
            arn: format!("arn:{}:sts::{}:assumed-role/{name}/{session}", parts.partition, parts.account),
            account: parts.account.to_string(),
            role_arn: Some(role_arn.to_string()),
        })
    }

    /// A caller from its ARN (as STS GetCallerIdentity reports it) or a bare account id (its root).
    /// For a session ARN the role ARN is rebuilt without a path (the session ARN does not carry it).
    pub fn from_arn(arn: &str) -> Option<RequestPrincipal> {
        if arn.len() == 12 && arn.bytes().all(|b| b.is_ascii_digit()) {
            return Some(RequestPrincipal::Aws {
                arn: format!("arn:aws:iam::{arn}:root"),
                account: arn.to_string(),
                role_arn: None,
            });
        }
        let parts = principals::split_arn(arn)?;
        if parts.account.is_empty() || !matches!(parts.service, "iam" | "sts") {
            return None;
        }
        let role_arn = match parts.resource.strip_prefix("assumed-role/") {
            Some(rest) => {
                let (role, session) = rest.split_once('/')?;
                if role.is_empty() || session.is_empty() {
                    return None;
                }
                Some(format!("arn:{}:iam::{}:role/{role}", parts.partition, parts.account))
            }
            None => None,
        };
        Some(RequestPrincipal::Aws { arn: arn.to_string(), account: parts.account.to_string(), role_arn })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Allowed,
    ImplicitlyDenied,
    ExplicitlyDenied,
}

/// Which policy a statement came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicySource {
    KeyPolicy,
    /// The n-th RCP given to [`evaluate`] (0-based).
    Rcp(usize),
}

/// A statement that decided the outcome.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecidingStatement {
    pub policy: PolicySource,
    pub sid: Option<String>,
    /// 0-based position in its policy's `Statement` list.
    pub index: usize,
    pub effect: Effect,
}

impl DecidingStatement {
    /// The Sid, or `Statement[<index>]` when the statement has none.
    pub fn label(&self) -> String {
        self.sid.clone().unwrap_or_else(|| super::document::statement_path(self.index))
    }
}

/// A condition operator AWS does not define; it never matches, and a policy holding one is malformed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnknownOperator {
    pub policy: PolicySource,
    pub sid: Option<String>,
    pub index: usize,
    pub operator: String,
}

/// The outcome and the statements behind it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Decision {
    pub outcome: Outcome,
    /// The applicable Deny statements for an explicit deny, the applicable Allow statements for an
    /// allow, nothing for an implicit deny.
    pub deciding: Vec<DecidingStatement>,
    /// Unknown condition operators in the policies that were consulted.
    pub unknown_operators: Vec<UnknownOperator>,
}

impl Decision {
    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allowed
    }
}

/// Evaluates `req` against the key policy and the RCPs that apply to the key's account.
/// The principal's identity policy is assumed to allow the action.
pub fn evaluate(key_policy: &PolicyDocument, rcps: &[PolicyDocument], req: &Request) -> Decision {
    let ctx = Context::for_request(req);
    let mut denies = Vec::new();
    let mut allows = Vec::new();
    let mut unknown_operators = Vec::new();

    let rcps_apply = !matches!(req.principal, RequestPrincipal::Service { .. });
    let consulted = std::iter::once((PolicySource::KeyPolicy, key_policy))
        .chain(rcps.iter().enumerate().map(|(n, p)| (PolicySource::Rcp(n), p)).filter(|_| rcps_apply));

    for (source, policy) in consulted {
        for (index, statement) in policy.statements().iter().enumerate() {
            let deciding =
                || DecidingStatement { policy: source, sid: statement.sid.clone(), index, effect: statement.effect };
            if let Some(condition) = &statement.condition {
                unknown_operators.extend(condition.unknown_operators().map(|op| UnknownOperator {
                    policy: source,
                    sid: statement.sid.clone(),
                    index,
                    operator: op.to_string(),
                }));
            }
            // RCP Allow statements grant nothing, so only their Denies are evaluated.
            let grants = source == PolicySource::KeyPolicy;
            match statement.effect {
                Effect::Deny if applies(statement, req, &ctx) => denies.push(deciding()),
                Effect::Allow if grants && applies(statement, req, &ctx) => allows.push(deciding()),
                _ => {}
            }
        }
    }

    let (outcome, deciding) = if !denies.is_empty() {
        (Outcome::ExplicitlyDenied, denies)
    } else if !allows.is_empty() {
        (Outcome::Allowed, allows)
    } else {
        (Outcome::ImplicitlyDenied, Vec::new())
    };
    Decision { outcome, deciding, unknown_operators }
}

/// A statement applies when its principal, action, resource and condition all match the request.
fn applies(statement: &Statement, req: &Request, ctx: &Context) -> bool {
    principals::applies_to(statement.principal.as_ref(), &req.principal)
        && matching::action_matches(&statement.action, &req.action)
        && matching::resource_matches(statement.resource.as_ref(), &req.resource)
        && conditions::conditions_match(statement.condition.as_ref(), ctx)
}
