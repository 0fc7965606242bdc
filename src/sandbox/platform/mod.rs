//! The emulated Admin API.
