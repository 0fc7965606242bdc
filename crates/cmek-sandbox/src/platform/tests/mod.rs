//! HTTP tests of the platform sandbox: a real server on loopback, called with reqwest through
//! `test_api`. Tests that drive it with the product's own clients live with the product.

mod external_keys;
mod faults;
mod pagination;
mod sdk_peer;
mod surface;
mod workspaces;

pub use super::test_api::{ADMIN_KEY, AWS_ARN, Api, send};
