//! Security rules.

mod apparmor_unconfined;
mod cap_add_all;
mod cgroup_parent;
mod credentials_in_url;
mod dangerous_capability;
mod dangerous_device;
mod elevated_capability;
mod host_cgroup_namespace;
mod host_ipc_namespace;
mod host_network_namespace;
mod host_pid_namespace;
mod host_user_namespace;
mod host_uts_namespace;
mod logging_disabled;
mod no_cap_drop_all;
mod no_new_privileges;
mod no_read_only_root;
mod no_user;
mod permissive_device_cgroup_rule;
mod plaintext_secret_build_arg;
mod plaintext_secret_command;
mod plaintext_secret_env;
mod port_all_interfaces;
mod privileged;
mod privileged_host_port;
mod root_user;
mod runtime_socket_mount;
mod seccomp_unconfined;
mod selinux_label_disabled;
mod sensitive_host_mount;
mod shared_mount_propagation;
mod tls_verification_disabled;
mod tmpfs_exec_or_suid;
mod unmasked_system_paths;
pub mod util;
mod writable_system_mount;

use crate::rule::Rule;

pub use apparmor_unconfined::ApparmorUnconfined;
pub use cap_add_all::CapAddAll;
pub use cgroup_parent::CgroupParent;
pub use credentials_in_url::CredentialsInUrl;
pub use dangerous_capability::DangerousCapability;
pub use dangerous_device::DangerousDevice;
pub use elevated_capability::ElevatedCapability;
pub use host_cgroup_namespace::HostCgroupNamespace;
pub use host_ipc_namespace::HostIpcNamespace;
pub use host_network_namespace::HostNetworkNamespace;
pub use host_pid_namespace::HostPidNamespace;
pub use host_user_namespace::HostUserNamespace;
pub use host_uts_namespace::HostUtsNamespace;
pub use logging_disabled::LoggingDisabled;
pub use no_cap_drop_all::NoCapDropAll;
pub use no_new_privileges::NoNewPrivileges;
pub use no_read_only_root::NoReadOnlyRoot;
pub use no_user::NoUser;
pub use permissive_device_cgroup_rule::PermissiveDeviceCgroupRule;
pub use plaintext_secret_build_arg::PlaintextSecretBuildArg;
pub use plaintext_secret_command::PlaintextSecretCommand;
pub use plaintext_secret_env::PlaintextSecretEnv;
pub use port_all_interfaces::PortAllInterfaces;
pub use privileged::Privileged;
pub use privileged_host_port::PrivilegedHostPort;
pub use root_user::RootUser;
pub use runtime_socket_mount::RuntimeSocketMount;
pub use seccomp_unconfined::SeccompUnconfined;
pub use selinux_label_disabled::SelinuxLabelDisabled;
pub use sensitive_host_mount::SensitiveHostMount;
pub use shared_mount_propagation::SharedMountPropagation;
pub use tls_verification_disabled::TlsVerificationDisabled;
pub use tmpfs_exec_or_suid::TmpfsExecOrSuid;
pub use unmasked_system_paths::UnmaskedSystemPaths;
pub use writable_system_mount::WritableSystemMount;

/// The security rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[
    &Privileged,
    &RuntimeSocketMount,
    &SensitiveHostMount,
    &WritableSystemMount,
    &HostNetworkNamespace,
    &HostPidNamespace,
    &HostIpcNamespace,
    &HostUtsNamespace,
    &HostUserNamespace,
    &HostCgroupNamespace,
    &CapAddAll,
    &DangerousCapability,
    &ElevatedCapability,
    &NoCapDropAll,
    &NoNewPrivileges,
    &SeccompUnconfined,
    &ApparmorUnconfined,
    &SelinuxLabelDisabled,
    &UnmaskedSystemPaths,
    &DangerousDevice,
    &PermissiveDeviceCgroupRule,
    &SharedMountPropagation,
    &NoReadOnlyRoot,
    &TmpfsExecOrSuid,
    &RootUser,
    &NoUser,
    &PlaintextSecretEnv,
    &PlaintextSecretBuildArg,
    &PlaintextSecretCommand,
    &CredentialsInUrl,
    &PortAllInterfaces,
    &PrivilegedHostPort,
    &LoggingDisabled,
    &CgroupParent,
    &TlsVerificationDisabled,
];
