//! What `cmek` set up (or would), written for another tool to own: `terraform` renders the
//! configuration that reproduces it. Pure, like the plan it is rendered from.

pub mod terraform;
