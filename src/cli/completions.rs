//! `cmek completions <shell>`: shell completion scripts generated from the clap definitions.

use crate::error::Result;

pub fn run(shell: clap_complete::Shell) -> Result<i32> {
    let mut cmd = super::grammar::command();
    clap_complete::generate(shell, &mut cmd, "cmek", &mut std::io::stdout());
    Ok(0)
}
