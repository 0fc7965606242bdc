//! `cmek`: set up, validate and diagnose customer-managed encryption keys (CMEK) for a Claude
//! Platform organisation on AWS KMS and Azure Key Vault (Google Cloud KMS to follow).
//!
//! The module map follows `design.md`, pure core first:
//! - [`model`]: domain types with validating parsers (ARNs, UUIDs, regions, ids).
//! - [`identities`]: the published Anthropic identities, compiled in from `assets/`.
//! - [`policy`]: IAM policy documents: model, render, merge, diff, evaluate (pure).
//! - [`plan`]: facts + answers -> the ordered actions of a run (pure).
//! - [`doctor`]: diagnosis: platform and cloud answers -> catalogue findings (pure).
//! - [`engine`]: applies a plan through the providers and the platform client, keeps the journal.
//! - [`providers`]: the only code that talks to a cloud; SDK types never leave it.
//! - [`platform`]: the Claude Platform Admin API client.
//! - the sandbox (loopback emulators of the platform, AWS KMS/STS and Azure, with scenarios) is
//!   the `cmek-sandbox` crate; `cli` starts it for `--sandbox` and `cmek sandbox`.
//! - [`wizard`] (pure state machine) and [`tui`] (its terminal runtime and views).
//! - [`cli`], [`output`], [`error`]: the command-line front end.
#![forbid(unsafe_code)]

pub mod cli;
pub mod engine;
pub mod error;
pub mod output;
pub mod platform;
pub mod providers;
pub mod tui;
