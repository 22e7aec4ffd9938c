//! Correctness rules.

use crate::rule::Rule;

/// The correctness rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[];
