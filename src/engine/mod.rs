//! Applies a plan through the providers and the platform client, and keeps the journal.
