//! Loopback emulators of the Claude Platform Admin API (and later the clouds), for tests and `--sandbox`.

pub mod platform;
