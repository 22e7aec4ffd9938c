use super::util::{checked_host_mounts, describe_mount, mount_source_span, root_equivalent, runtime_socket, sensitive};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a mount of a host path that holds secrets or host internals.
    ///
    /// Bind mounts in the short and long syntax count, and named volumes that bind a host
    /// folder. The paths: `/`, `/etc`, `/proc`, `/sys`, `/boot`,
    /// `/root`, `/dev`, `/home` and a user's home, `~/.ssh` and other credential folders,
    /// `/var/lib/docker`, the system D-Bus and systemd sockets, and their parent folders.
    ///
    /// ## Why is this bad?
    /// The container reads what the host protects: password hashes in `/etc/shadow`, SSH and
    /// cloud keys in home folders, every other container's files and environment (with their
    /// secrets) under `/var/lib/docker`, host processes in `/proc`. Through the D-Bus or systemd
    /// socket it can start units on the host. One vulnerability in the service then leaks the
    /// host, not just the service.
    ///
    /// Mount the narrowest path the service needs (a project folder, one file), read-only.
    /// Harmless host files stay quiet: `/etc/localtime` and `/etc/timezone` (writable too, which
    /// changes no more than the host's time zone), `/etc/passwd`, `/usr/share/zoneinfo`, project
    /// folders under a home (`/home/me/app`, `/root/app`), one volume's data under
    /// `/var/lib/docker/volumes/<name>`, a folder of one's own under `/etc/docker` that the daemon
    /// does not read (`/etc/docker/volumes/traefik`, not `daemon.json`, `certs.d` or the TLS
    /// files). Anonymous volumes
    /// (`- /var/lib/mysql`) are not host paths. Mounts this rule leaves to others:
    /// runtime sockets and `/run` (`runtime-socket-mount`), and writable mounts of paths that
    /// give host root (`writable-system-mount`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: ghcr.io/acme/backup:3.0.1
    ///     volumes:
    ///       - /etc:/host/etc:ro
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: ghcr.io/acme/backup:3.0.1
    ///     volumes:
    ///       - /etc/localtime:/etc/localtime:ro
    ///       - ./backup.conf:/etc/backup.conf:ro
    /// ```
    pub struct SensitiveHostMount => {
        name: "sensitive-host-mount",
        code: "CG203",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0013", "KICS 1c1325ff", "CIS Docker 5.6"],
    }
}

impl Rule for SensitiveHostMount {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, _, mounts) in checked_host_mounts(cx) {
            let svc = &name.value;
            for mount in mounts {
                let path = mount.host_path.as_str();
                if runtime_socket(path).is_some() || (!mount.read_only && root_equivalent(path).is_some()) {
                    continue;
                }
                let Some(what) = sensitive(path) else { continue };
                out.report(mount_source_span(cx, mount), format!("service `{svc}` mounts the host path {}, exposing {what}", describe_mount(mount)))
                    .path(format!("services.{svc}.volumes[{}]", mount.index))
                    .service(svc)
                    .anchor(mount.volume.anchor)
                    .help("mount only the file or folder the service needs, read-only, or copy it into the image");
            }
        }
    }
}
