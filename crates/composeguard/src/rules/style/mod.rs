//! Style rules.

use crate::rule::Rule;

/// The style rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[];
