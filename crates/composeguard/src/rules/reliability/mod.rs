//! Reliability rules.

mod dependency_health_not_awaited;
mod healthcheck_disabled;
mod healthcheck_start_interval_ignored;
mod healthcheck_timing_incomplete;
mod logging_without_rotation;
mod no_healthcheck;
mod no_restart_policy;
mod restart_on_failure_unlimited;
pub(crate) mod util;

use crate::rule::Rule;

pub use dependency_health_not_awaited::DependencyHealthNotAwaited;
pub use healthcheck_disabled::HealthcheckDisabled;
pub use healthcheck_start_interval_ignored::HealthcheckStartIntervalIgnored;
pub use healthcheck_timing_incomplete::HealthcheckTimingIncomplete;
pub use logging_without_rotation::LoggingWithoutRotation;
pub use no_healthcheck::NoHealthcheck;
pub use no_restart_policy::NoRestartPolicy;
pub use restart_on_failure_unlimited::RestartOnFailureUnlimited;

/// The reliability rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[
    &NoHealthcheck,
    &HealthcheckDisabled,
    &HealthcheckTimingIncomplete,
    &DependencyHealthNotAwaited,
    &NoRestartPolicy,
    &LoggingWithoutRotation,
    &RestartOnFailureUnlimited,
    &HealthcheckStartIntervalIgnored,
];
