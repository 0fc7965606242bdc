//! The one integration-test binary: each module is a group of tests (see design.md, Testing).
mod aws_provider;
mod cli_inputs;
mod harness;
mod moto;
mod sandbox_command;
mod setup_aws;
