//! AWS KMS and STS through the official AWS SDK for Rust.
