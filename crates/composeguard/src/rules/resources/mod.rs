//! Resources rules.

mod no_cpu_limit;
mod no_memory_limit;
mod no_pids_limit;
mod oom_kill_disable_without_memory_limit;

use crate::rule::Rule;

pub use no_cpu_limit::NoCpuLimit;
pub use no_memory_limit::NoMemoryLimit;
pub use no_pids_limit::NoPidsLimit;
pub use oom_kill_disable_without_memory_limit::OomKillDisableWithoutMemoryLimit;

/// The resources rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[&NoMemoryLimit, &NoCpuLimit, &NoPidsLimit, &OomKillDisableWithoutMemoryLimit];
