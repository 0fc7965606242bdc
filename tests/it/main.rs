//! The one integration-test binary: each module is a group of tests (see design.md, Testing).
mod aws_cli;
mod aws_emulator;
mod aws_emulator_wire;
mod aws_provider;
mod azure_arm_graph;
mod azure_emulator;
mod azure_emulator_wire;
mod azure_provider;
mod cli_inputs;
mod foreground;
mod harness;
mod moto;
mod sandbox_command;
mod scenarios;
mod setup_aws;
mod tmux;
mod wizard_tmux;
