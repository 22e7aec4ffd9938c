//! Security rules.

use crate::rule::Rule;

/// The security rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[];
