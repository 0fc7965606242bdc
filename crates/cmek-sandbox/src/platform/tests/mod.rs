//! HTTP tests of the platform sandbox: a real server on loopback, called with reqwest through
//! `test_api`. Tests that drive it with the product's own clients live with the product.

mod credentials;
mod external_keys;
mod faults;
mod federation;
mod pagination;
mod sdk_peer;
mod sdk_peer_wif;
mod surface;
mod versions;
mod workspaces;

pub use super::test_api::{ADMIN_KEY, AWS_ARN, Api, FEDERATION_BETAS, send};
