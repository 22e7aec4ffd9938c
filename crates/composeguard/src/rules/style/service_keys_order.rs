use composeguard_model::yaml::Key;

use super::{service_mappings, written_here};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service key written after a key of a later group in composeguard's canonical
    /// order.
    ///
    /// The order has eleven groups; keys within one group may come in any order:
    ///
    /// 1. what runs: `extends`, `image`, `build`, `pull_policy`, `pull_refresh_after`, `platform`,
    ///    `provider`
    /// 2. naming: `container_name`, `hostname`, `domainname`, `profiles`
    /// 3. startup: `depends_on`, `entrypoint`, `command`, `working_dir`, `user`, `group_add`,
    ///    `init`, `stdin_open`, `tty`, `attach`, `post_start`, `pre_stop`, `stop_signal`,
    ///    `stop_grace_period`
    /// 4. configuration: `env_file`, `environment`, `label_file`, `secrets`, `configs`, `models`
    /// 5. network: `network_mode`, `networks`, `ports`, `expose`, `links`, `external_links`,
    ///    `extra_hosts`, `dns`, `dns_opt`, `dns_search`, `mac_address`
    /// 6. storage: `volumes`, `volumes_from`, `tmpfs`, `shm_size`
    /// 7. health: `healthcheck`, `restart`
    /// 8. security: `privileged`, `read_only`, `cap_add`, `cap_drop`, `security_opt`,
    ///    `devices`, `device_cgroup_rules`, `userns_mode`, `pid`, `ipc`, `uts`, `cgroup`,
    ///    `cgroup_parent`, `isolation`, `runtime`, `sysctls`, `ulimits`, `use_api_socket`,
    ///    `credential_spec`, `oom_kill_disable`, `oom_score_adj`
    /// 9. resources: `deploy`, `scale`, `cpus`, `cpu_count`, `cpu_percent`, `cpu_shares`,
    ///    `cpu_quota`, `cpu_period`, `cpu_rt_period`, `cpu_rt_runtime`, `cpuset`, `mem_limit`,
    ///    `mem_reservation`, `mem_swappiness`, `memswap_limit`, `pids_limit`, `blkio_config`,
    ///    `gpus`, `storage_opt`
    /// 10. metadata: `logging`, `labels`, `annotations`, `develop`, then any other key
    /// 11. `x-` extensions
    ///
    /// ## Why is this bad?
    /// When every service lists its keys in the same order, a reader knows where to look for
    /// the image, the ports or the limits, and a missing key stands out. The order above reads
    /// like the life of a container: what it runs, how it starts, what it is given, how it is
    /// connected and stored, how it is kept healthy and confined.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     environment:
    ///       TZ: UTC
    ///     image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     environment:
    ///       TZ: UTC
    /// ```
    pub struct ServiceKeysOrder => {
        name: "service-keys-order",
        code: "CG602",
        category: Style,
        severity: Info,
        fixable: false,
        default_enabled: false,
        sources: ["dclint service-keys-order"],
    }
}

/// The canonical groups, in order, and their names for messages.
const GROUPS: &[(&str, &[&str])] = &[
    ("what runs", &["extends", "image", "build", "pull_policy", "pull_refresh_after", "platform", "provider"]),
    ("naming", &["container_name", "hostname", "domainname", "profiles"]),
    (
        "startup",
        &[
            "depends_on", "entrypoint", "command", "working_dir", "user", "group_add", "init", "stdin_open", "tty", "attach",
            "post_start", "pre_stop", "stop_signal", "stop_grace_period",
        ],
    ),
    ("configuration", &["env_file", "environment", "label_file", "secrets", "configs", "models"]),
    (
        "network",
        &["network_mode", "networks", "ports", "expose", "links", "external_links", "extra_hosts", "dns", "dns_opt", "dns_search", "mac_address"],
    ),
    ("storage", &["volumes", "volumes_from", "tmpfs", "shm_size"]),
    ("health", &["healthcheck", "restart"]),
    (
        "security",
        &[
            "privileged", "read_only", "cap_add", "cap_drop", "security_opt", "devices", "device_cgroup_rules", "userns_mode", "pid", "ipc",
            "uts", "cgroup", "cgroup_parent", "isolation", "runtime", "sysctls", "ulimits", "use_api_socket", "credential_spec",
            "oom_kill_disable", "oom_score_adj",
        ],
    ),
    (
        "resources",
        &[
            "deploy", "scale", "cpus", "cpu_count", "cpu_percent", "cpu_shares", "cpu_quota", "cpu_period", "cpu_rt_period", "cpu_rt_runtime",
            "cpuset", "mem_limit", "mem_reservation", "mem_swappiness", "memswap_limit", "pids_limit", "blkio_config", "gpus", "storage_opt",
        ],
    ),
    ("metadata", &["logging", "labels", "annotations", "develop"]),
];

/// The group of a key: its index in [`GROUPS`]; other keys go with the metadata, `x-` keys last.
fn rank(key: &str) -> usize {
    if key.starts_with("x-") {
        return GROUPS.len();
    }
    GROUPS.iter().position(|(_, keys)| keys.contains(&key)).unwrap_or(GROUPS.len() - 1)
}

fn group_name(rank: usize) -> &'static str {
    GROUPS.get(rank).map_or("extensions", |(name, _)| name)
}

impl Rule for ServiceKeysOrder {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (service, mapping) in service_mappings(cx) {
            let mut furthest: Option<(&Key, usize)> = None;
            for (key, _) in mapping.iter().filter(|(k, _)| written_here(k)) {
                let r = rank(&key.name);
                match furthest {
                    Some((before, br)) if r < br => {
                        out.report(key.span, message(&service.name, &key.name, &before.name, r))
                            .path(format!("services.{}.{}", service.name, key.name))
                            .service(&service.name)
                            .help(format!("move `{}` above `{}`", key.name, before.name));
                    }
                    Some((_, br)) if br >= r => {}
                    _ => furthest = Some((key, r)),
                }
            }
        }
    }
}

fn message(service: &str, key: &str, before: &str, rank: usize) -> String {
    format!("`{key}` ({}) comes after `{before}` in service `{service}`", group_name(rank))
}
