//! Finding the Admin API credential where the official SDKs and `ant` find it, and obtaining
//! OAuth tokens: profiles (`ant auth login`), Workload Identity Federation, fixed keys.
//!
//! - [`chain`]: the order of the sources and the base URL's; finds, sends nothing.
//! - [`profile`], [`token_file`], `files`: the config directory, the two files of a profile,
//!   and the rules a file holding a secret must keep (no link, no group or other bit).
//! - [`spec`]: what a federation or user profile says, and the identity token.
//! - [`source`]: the shared, locked token source every request asks (exchange, refresh, cache).
//! - `exchange`: the token endpoint; [`refresh`]: when to refresh; [`clock`]: the time.
//! - [`error`]: [`AuthError`], whose messages name sources and never secrets.
//!
//! Nothing here reads the process environment: the caller passes a lookup function.

pub mod chain;
pub mod clock;
pub mod env;
pub mod error;
mod exchange;
pub(crate) mod files;
pub mod origin;
pub mod profile;
pub mod refresh;
mod secret_text;
pub mod source;
pub mod spec;
mod token_file;

#[cfg(test)]
mod tests_chain;
#[cfg(test)]
mod tests_source;

pub use chain::{BaseUrlOrigin, CredentialSources, Found, Resolved, base_url, lookup_order, resolve};
pub use clock::{Clock, SystemClock};
pub use error::AuthError;
pub use exchange::{FEDERATION_BETA, JWT_BEARER_GRANT, MAX_ANSWER_BYTES, TOKEN_PATH};
pub use origin::{
    CredentialOrigin, FederationOrigin, IdentityTokenOrigin, ProfileKind, ProfileOrigin, ProfileSelector,
};
pub use source::{AccessToken, TokenInfo, TokenSource};
