//! Domain types shared by every layer, each with a validating parser.
//!
//! Parsing here is the single place where user input becomes trusted values: a value that
//! parsed is well-formed, so later layers never re-check it. No I/O, no SDK types. Each cloud's
//! own values are in its folder (`aws`, `azure`, `gcp`): shared code never needs them.

pub mod aws;
pub mod azure;
mod coordinates;
mod error;
pub mod gcp;
mod platform_ids;
mod provider;
mod provider_config;
mod uuid_ids;
mod workspace_suffix;

pub use coordinates::KeyCoordinates;
pub use error::ParseError;
pub use platform_ids::{ExternalKeyId, WorkspaceId, WorkspaceRef};
pub use provider::ProviderKind;
pub use provider_config::ProviderConfig;
pub use uuid_ids::{CompartmentId, OrgUuid};
pub use workspace_suffix::workspace_key_suffix;
