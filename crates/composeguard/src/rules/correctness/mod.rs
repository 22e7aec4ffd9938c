//! Correctness rules.

mod invalid_namespace_mode;
mod ignored_mount_option;
mod command_line_in_one_item;
mod value_changed_by_yaml;
mod relative_container_path;
mod invalid_extra_host;
mod invalid_security_opt;
mod invalid_stop_signal;
mod unknown_capability;
mod unknown_ulimit;
mod sysctl_not_namespaced;
mod invalid_container_name;
mod invalid_image_reference;
mod shell_operator_in_command;
mod completed_dependency_restarts;
mod conflicting_cpu_limits;
mod duplicate_environment_key;
mod duplicate_published_port;
mod expose_with_host_port;
mod external_network_with_options;
mod healthcheck_none_as_shell;
mod healthcheck_without_test;
mod invalid_ipam_config;
mod invalid_memswap_limit;
mod invalid_restart_policy;
mod invalid_static_ip;
mod memory_reservation_above_limit;
mod missing_secret_or_config_file;
mod overlapping_subnets;
mod ports_with_network_mode;
mod resource_value_out_of_range;
mod restart_policy_conflict;
mod service_healthy_without_healthcheck;
mod ulimit_soft_above_hard;
pub(crate) mod util;
mod volume_target_overridden;

use crate::rule::Rule;

pub use invalid_namespace_mode::InvalidNamespaceMode;

pub use ignored_mount_option::IgnoredMountOption;

pub use command_line_in_one_item::CommandLineInOneItem;

pub use value_changed_by_yaml::ValueChangedByYaml;

pub use relative_container_path::RelativeContainerPath;

pub use invalid_extra_host::InvalidExtraHost;

pub use invalid_security_opt::InvalidSecurityOpt;

pub use invalid_stop_signal::InvalidStopSignal;

pub use unknown_capability::UnknownCapability;

pub use unknown_ulimit::UnknownUlimit;

pub use sysctl_not_namespaced::SysctlNotNamespaced;

pub use invalid_container_name::InvalidContainerName;

pub use invalid_image_reference::InvalidImageReference;

pub use shell_operator_in_command::ShellOperatorInCommand;

pub use completed_dependency_restarts::CompletedDependencyRestarts;
pub use conflicting_cpu_limits::ConflictingCpuLimits;
pub use duplicate_environment_key::DuplicateEnvironmentKey;
pub use duplicate_published_port::DuplicatePublishedPort;
pub use expose_with_host_port::ExposeWithHostPort;
pub use external_network_with_options::ExternalNetworkWithOptions;
pub use healthcheck_none_as_shell::HealthcheckNoneAsShell;
pub use healthcheck_without_test::HealthcheckWithoutTest;
pub use invalid_ipam_config::InvalidIpamConfig;
pub use invalid_memswap_limit::InvalidMemswapLimit;
pub use invalid_restart_policy::InvalidRestartPolicy;
pub use invalid_static_ip::InvalidStaticIp;
pub use memory_reservation_above_limit::MemoryReservationAboveLimit;
pub use missing_secret_or_config_file::MissingSecretOrConfigFile;
pub use overlapping_subnets::OverlappingSubnets;
pub use ports_with_network_mode::PortsWithNetworkMode;
pub use resource_value_out_of_range::ResourceValueOutOfRange;
pub use restart_policy_conflict::RestartPolicyConflict;
pub use service_healthy_without_healthcheck::ServiceHealthyWithoutHealthcheck;
pub use ulimit_soft_above_hard::UlimitSoftAboveHard;
pub use volume_target_overridden::VolumeTargetOverridden;

/// The correctness rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[
    &ServiceHealthyWithoutHealthcheck,
    &HealthcheckWithoutTest,
    &InvalidRestartPolicy,
    &UlimitSoftAboveHard,
    &DuplicatePublishedPort,
    &DuplicateEnvironmentKey,
    &MemoryReservationAboveLimit,
    &ExposeWithHostPort,
    &MissingSecretOrConfigFile,
    &InvalidStaticIp,
    &InvalidIpamConfig,
    &ExternalNetworkWithOptions,
    &VolumeTargetOverridden,
    &RestartPolicyConflict,
    &ConflictingCpuLimits,
    &ResourceValueOutOfRange,
    &InvalidMemswapLimit,
    &OverlappingSubnets,
    &HealthcheckNoneAsShell,
    &PortsWithNetworkMode,
    &CompletedDependencyRestarts,
    &ShellOperatorInCommand,
    &InvalidImageReference,
    &InvalidContainerName,
    &SysctlNotNamespaced,
    &UnknownUlimit,
    &UnknownCapability,
    &InvalidStopSignal,
    &InvalidSecurityOpt,
    &InvalidExtraHost,
    &RelativeContainerPath,
    &ValueChangedByYaml,
    &CommandLineInOneItem,
    &IgnoredMountOption,
    &InvalidNamespaceMode,
];
