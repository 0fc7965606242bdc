//! Access documents: what a key grants and to whom. Pure: no I/O.
//!
//! - [`diff`]: a readable line diff of two printed documents, shared by every cloud's plan.
//! - [`aws`]: the IAM policy language of KMS key policies (model, render, merge, evaluate).

pub mod aws;
pub mod diff;
