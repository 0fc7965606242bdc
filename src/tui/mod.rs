//! The ratatui front end of the setup wizard: views that draw a `wizard::Wizard` (they only read
//! it) and the theme they draw with.

pub mod runtime;
pub mod terminal;
pub mod theme;
pub mod views;
