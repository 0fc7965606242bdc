//! IAM policy documents for KMS key policies: model, render, merge, diff, evaluate. Pure: no I/O.
