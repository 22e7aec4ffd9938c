//! Reproducibility rules.

use crate::rule::Rule;

/// The reproducibility rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[];
