//! Command-line definitions and one file per command.
