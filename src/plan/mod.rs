//! Facts + answers -> the ordered actions of a run. Pure.
