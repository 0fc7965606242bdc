//! `cmek`: set up, validate and diagnose customer-managed encryption keys (CMEK) for a Claude
//! Platform organisation on AWS KMS and Azure Key Vault (Google Cloud KMS to follow).
//!
//! The binary's crate: everything that does I/O or talks to people. What to do is decided by the
//! pure core, `cmek_core`; the emulators are `cmek_sandbox`. ARCHITECTURE.md is the full map.
//! - [`cli`], [`output`], [`error`]: the command-line front end.
//! - [`tui`]: the wizard's terminal runtime and views (the state machine is `cmek_core::wizard`).
//! - [`engine`]: applies a plan through the cloud's runtime and the platform client, keeps the
//!   journal, gathers doctor's facts.
//! - [`providers`]: the only code that uses a cloud SDK; SDK types never leave it.
//! - [`platform`]: the Claude Platform Admin API client.
//!
//! Each cloud has a folder in `cli`, `engine`, `providers` and `tui::views`, reached through the
//! registries `cli::clouds` and `tui::views::clouds` and the traits of `engine::cloud`.
#![forbid(unsafe_code)]

pub mod cli;
pub mod engine;
pub mod error;
pub mod output;
pub mod platform;
pub mod providers;
pub mod retry;
pub mod tls;
pub mod tui;
