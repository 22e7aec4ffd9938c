//! Resources rules.

use crate::rule::Rule;

/// The resources rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[];
