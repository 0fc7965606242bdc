//! All user-facing printing: text or JSON, colour, progress on stderr.
