//! `cmek completions <shell>`: shell completion scripts generated from the clap definitions.

use clap::CommandFactory;

use super::Cli;
use crate::error::Result;

pub fn run(shell: clap_complete::Shell) -> Result<i32> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "cmek", &mut std::io::stdout());
    Ok(0)
}
