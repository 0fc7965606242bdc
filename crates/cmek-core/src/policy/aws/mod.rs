//! IAM policy documents for KMS key policies: model, render, merge, diff, evaluate. Pure: no I/O.
//!
//! - [`PolicyDocument`] / [`Statement`]: a typed model that reads every form AWS accepts and prints
//!   a customer's statements back with their shape and key order (`document`, `statement`,
//!   `elements`, `principal`, `condition`, `operator`, `values`); [`PolicyError`] names the JSON
//!   path of a problem; `meaning` decides whether two statements mean the same.
//! - [`render`]: the Anthropic statements from the templates in `policies/aws-kms/` (`template`).
//! - [`merge`]: puts them into an existing policy, keeping every customer statement.
//! - [`diff`]: a readable line diff of two policies.
//! - [`eval`]: AWS's policy evaluation logic for one request (key policy + RCPs).
//!
//! Nothing here does I/O, talks to AWS, reads the clock or the environment.

pub mod anthropic;
pub mod condition;
pub mod diff;
pub mod document;
mod elements;
mod error;
pub mod eval;
mod meaning;
pub mod merge;
pub mod operator;
pub mod principal;
pub mod render;
pub mod replace_grants;
pub mod statement;
mod template;
pub mod values;

#[cfg(test)]
mod diff_tests;
#[cfg(test)]
mod merge_tests;
#[cfg(test)]
mod render_tests;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod test_fixtures;

pub use condition::{Condition, ConditionBlock, ConditionEntry, ConditionValue};
pub use document::{POLICY_VERSION, PolicyDocument};
pub use error::PolicyError;
pub use operator::{BaseOperator, ConditionOperator, SetQualifier};
pub use principal::{PrincipalElement, PrincipalEntry, PrincipalKind, Principals};
pub use statement::{ActionElement, Effect, ResourceElement, Statement};
pub use template::TemplateError;
pub use values::OneOrMany;
