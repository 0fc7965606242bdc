//! AWS KMS and STS through the official AWS SDK for Rust: the only code in the crate that uses
//! `aws-config` / `aws-sdk-*`. SDK types never leave this folder: every call takes and returns
//! `model` types, strings and bytes, and fails with [`AwsError`].
//!
//! - [`settings`]: region, profile, endpoint and credential overrides.
//! - `connect`: the standard aws-config chains plus overrides -> [`AwsProvider`].
//! - `identity`, `sts`, `keys`, `marked_keys`, `inspect`, `key_policy`, `crypto`, `rotation`: one group of
//!   calls each, every one through `crate::retry` (the one retry policy; the SDK's own retries are off).
//! - `convert`: SDK outputs -> `model`; [`error`]: SDK errors -> [`AwsError`].

mod connect;
mod convert;
mod crypto;
pub mod error;
mod identity;
mod inspect;
mod key_policy;
mod keys;
mod marked_keys;
mod rotation;
pub mod settings;
mod sts;

pub use connect::AwsProvider;
pub use error::{AwsError, AwsErrorKind};
pub use keys::NewAwsKey;
pub use marked_keys::RegionKeys;
pub use settings::{AwsSettings, DEFAULT_REGION, StaticCredentials};
