//! The `cmek` binary: parse, run, exit with the code the command-line contract assigns.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(cmek::cli::main());
}
