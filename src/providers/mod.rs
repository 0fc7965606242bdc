//! The only code that talks to a cloud. Cloud SDK types never leave their provider folder.

pub mod aws;
pub mod azure;
pub mod gcp;
