//! Workload Identity Federation and OAuth tokens (credentials-wif.md), as the platform does them.
//!
//! Map: `model` (the stored data), `seed` (the federation every sandbox starts with), `oidc` (the
//! sandbox's own issuer, standing for a CI provider: its key, JWKS and identity tokens), `jwt`
//! (reading and verifying an assertion), `exchange` (the jwt-bearer decision, pure), `grants`
//! (both grants carried out on the store, with their authentication events), `handle` (what a
//! running platform offers tests and the sandbox), `endpoints` (what a client needs, as data).
//! The routes are `routes::oauth`, `routes::oidc` and `routes::federation`; `auth` checks tokens.

pub mod endpoints;
pub mod exchange;
pub mod grants;
pub(crate) mod handle;
pub mod jwt;
pub mod model;
pub mod oidc;
pub mod seed;
