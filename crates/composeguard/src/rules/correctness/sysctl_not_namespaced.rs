use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `sysctls` entry the container runtime refuses to set: one that is not isolated
    /// by a namespace the container has of its own.
    ///
    /// A container can only change kernel settings that belong to one of its namespaces:
    /// `net.*` (its network namespace, so not with `network_mode: host`), the System V IPC
    /// settings `kernel.msgmax`, `kernel.msgmnb`, `kernel.msgmni`, `kernel.sem`,
    /// `kernel.shmall`, `kernel.shmmax`, `kernel.shmmni`, `kernel.shm_rmid_forced` and
    /// `fs.mqueue.*` (its IPC namespace, so not with `ipc: host`), and `kernel.domainname` (its
    /// UTS namespace, so not with `uts: host`). Anything else, such as `vm.max_map_count`,
    /// `fs.file-max` or `kernel.pid_max`, is the host's.
    ///
    /// ## Why is this bad?
    /// compose accepts any key; `docker compose up` fails when the runtime creates the container
    /// (`sysctl "vm.max_map_count" is not in a separate kernel namespace`). A host-wide setting,
    /// such as the `vm.max_map_count` Elasticsearch needs, is set on the host (`sysctl -w`, or
    /// `/etc/sysctl.d/`), not in the compose file.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   search:
    ///     image: elasticsearch:8.15.0
    ///     sysctls:
    ///       vm.max_map_count: 262144
    ///       net.core.somaxconn: 1024
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   search:
    ///     image: elasticsearch:8.15.0
    ///     # vm.max_map_count is set on the host, in /etc/sysctl.d/
    ///     sysctls:
    ///       net.core.somaxconn: 1024
    /// ```
    pub struct SysctlNotNamespaced => {
        name: "sysctl-not-namespaced",
        code: "CG125",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["runc sysctl validation", "Docker Engine --sysctl"],
    }
}

impl Rule for SysctlNotNamespaced {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            for entry in service.sysctls.iter() {
                let key = &entry.key;
                // a key with a variable (or none) is not the file's to judge
                if key.value.is_empty() || key.value.contains('$') {
                    continue;
                }
                // (the runtime reads `net/core/somaxconn` as `net.core.somaxconn`)
                let (message, help, host_mode) = match namespace(&key.value.replace('/', ".")) {
                    None => (
                        format!("service `{n}` sets the sysctl `{}`, which is not isolated by a namespace: the container cannot set it", key.value),
                        "set it on the host (`sysctl -w`, or a file in /etc/sysctl.d/), and remove it here".to_string(),
                        None,
                    ),
                    Some(Namespace::Hostname) => (
                        format!("service `{n}` sets the sysctl `kernel.hostname`, which the runtime refuses"),
                        "set `hostname` instead".to_string(),
                        None,
                    ),
                    Some(ns) => {
                        let (field, mode_key) = match ns {
                            Namespace::Net => (&service.network_mode, "network_mode"),
                            Namespace::Ipc => (&service.ipc, "ipc"),
                            _ => (&service.uts, "uts"),
                        };
                        let Some(host) = field.as_deref().filter(|m| m.value == "host") else { continue };
                        (
                            format!("service `{n}` sets the sysctl `{}` but uses the host's {} namespace (`{mode_key}: host`)", key.value, ns.name()),
                            format!("remove the sysctl, or `{mode_key}: host`"),
                            Some(host),
                        )
                    }
                };
                let f = out.report(key.span, message).path(format!("services.{n}.sysctls.{}", key.value)).service(n).anchor(key.anchor).help(help);
                if let Some(host) = host_mode {
                    f.related(host.anchor.unwrap_or(host.span), "host namespace chosen here");
                }
            }
        }
    }
}

/// The namespace a sysctl belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Namespace {
    Net,
    Ipc,
    Uts,
    /// `kernel.hostname`: in the UTS namespace, but the runtime sets it from `hostname` only.
    Hostname,
}

impl Namespace {
    fn name(self) -> &'static str {
        match self {
            Self::Net => "network",
            Self::Ipc => "IPC",
            Self::Uts | Self::Hostname => "UTS",
        }
    }
}

/// The System V IPC settings of the IPC namespace.
const IPC: &[&str] =
    &["kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"];

/// The namespace that isolates `key`, if any.
fn namespace(key: &str) -> Option<Namespace> {
    if key.starts_with("net.") {
        Some(Namespace::Net)
    } else if IPC.contains(&key) || key.starts_with("fs.mqueue.") {
        Some(Namespace::Ipc)
    } else if key == "kernel.domainname" {
        Some(Namespace::Uts)
    } else if key == "kernel.hostname" {
        Some(Namespace::Hostname)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{namespace, Namespace};

    #[test]
    fn namespaces() {
        assert_eq!(namespace("net.core.somaxconn"), Some(Namespace::Net));
        assert_eq!(namespace("net.ipv4.ip_unprivileged_port_start"), Some(Namespace::Net));
        assert_eq!(namespace(&"net/core/somaxconn".replace('/', ".")), Some(Namespace::Net));
        assert_eq!(namespace("kernel.shmmax"), Some(Namespace::Ipc));
        assert_eq!(namespace("fs.mqueue.msg_max"), Some(Namespace::Ipc));
        assert_eq!(namespace("kernel.domainname"), Some(Namespace::Uts));
        for host in ["vm.max_map_count", "fs.file-max", "kernel.pid_max", "vm.swappiness", "kernel.shmmaxx", "network.x"] {
            assert_eq!(namespace(host), None, "{host}");
        }
    }
}
