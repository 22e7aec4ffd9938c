use super::util::{checked_host_mounts, describe_mount, mount_source_span, root_equivalent, runtime_socket};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a writable mount of a host path whose write access is host root.
    ///
    /// A mount is writable without `:ro` (short syntax) or `read_only: true` (long syntax). The
    /// paths: `/`, `/etc` and its cron, sudoers, user and systemd files, `/root`,
    /// `/boot`, `/proc`, `/sys`, `/var/lib/docker` and `/var/lib/containerd`, host executables
    /// and libraries (`/usr/bin`, `/lib`…), and folders that contain one of them (`/var`, `/usr`).
    ///
    /// ## Why is this bad?
    /// Writing these paths is running code as root on the host: a file in `/etc/cron.d`, a line
    /// in `/etc/sudoers` or `/root/.ssh/authorized_keys`, a new `core_pattern` in
    /// `/proc/sys/kernel`, a replaced binary in `/usr/bin`, a tampered layer of another
    /// container under `/var/lib/docker`. No other misconfiguration is needed: container root
    /// is host root for files it can reach.
    ///
    /// If the service must read the path, mount it read-only (`sensitive-host-mount` may still
    /// report it); if it must change host settings, do that from a provisioning tool, not a
    /// long-running container.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: ghcr.io/acme/agent:2.1.0
    ///     volumes:
    ///       - /etc/cron.d:/host/cron.d
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: ghcr.io/acme/agent:2.1.0
    ///     volumes:
    ///       - ./jobs:/etc/agent/jobs:ro
    /// ```
    pub struct WritableSystemMount => {
        name: "writable-system-mount",
        code: "CG204",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0025", "KICS 1c1325ff", "CIS Docker 5.6"],
    }
}

impl Rule for WritableSystemMount {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, _, mounts) in checked_host_mounts(cx) {
            let svc = &name.value;
            for mount in mounts {
                if mount.read_only || runtime_socket(&mount.host_path).is_some() {
                    continue;
                }
                let Some(what) = root_equivalent(&mount.host_path) else { continue };
                out.report(
                    mount_source_span(cx, mount),
                    format!("service `{svc}` mounts the host path {} writable, giving write access to {what}", describe_mount(mount)),
                )
                .path(format!("services.{svc}.volumes[{}]", mount.index))
                .service(svc)
                .anchor(mount.volume.anchor)
                .help("remove the mount, or make it read-only (`:ro`, or `read_only: true` in the long syntax)");
            }
        }
    }
}
