//! Reliability rules.

mod no_healthcheck;

use crate::rule::Rule;

pub use no_healthcheck::NoHealthcheck;

/// The reliability rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[&NoHealthcheck];
