//! What a run reports while it works and when it ends: engine events, step outcomes, the run
//! report. Plain data shared by the engine (which fills it) and the front ends (which show it).

pub mod events;
pub mod report;

pub use report::{CloudOutcome, RunReport, ValidationResult};
