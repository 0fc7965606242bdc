//! The pure core of `cmek`: what to do, never doing it. No async runtime, no HTTP, no cloud SDK,
//! no terminal, no clock and no environment: the crate's dependencies keep it so.
//!
//! - [`model`]: domain types with validating parsers (ARNs, UUIDs, regions, ids).
//! - [`identities`]: the published Anthropic identities, compiled in from `assets/`.
//! - [`policy`]: IAM policy documents: model, render, merge, diff, evaluate.
//! - [`plan`]: facts + answers -> the ordered actions of a run, with the checks that justify them.
//! - [`doctor`]: diagnosis: platform and cloud facts -> catalogue findings.
//! - [`wizard`]: the interactive flow as a state machine (message in, intents out).
//! - [`export`]: what a run set up (or would), as another tool's configuration (Terraform).
//! - [`status`]: every workspace and registered key in one view: rows, health, call-outs.
//! - [`run`]: what a run reports (events, step outcomes, the run report).
//! - [`retry`]: the one retry policy of every remote call (attempts, back-off, `Retry-After`).
//! - [`error`]: the edge error type: a kind (the exit code), a message and hints.
#![forbid(unsafe_code)]

pub mod clouds;
pub mod doctor;
pub mod erased;
pub mod error;
pub mod export;
pub mod identities;
pub mod model;
pub mod plan;
pub mod policy;
pub mod retry;
pub mod run;
pub mod shell;
pub mod status;
pub mod text;
pub mod wizard;
pub mod wrap;
