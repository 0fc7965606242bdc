//! The Claude Platform Admin API client: wire types, auth, retries, typed errors.

pub mod types;
