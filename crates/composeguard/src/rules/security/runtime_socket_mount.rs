// Product names (AppArmor, BuildKit…) in the rule docs are prose, not code.
#![allow(clippy::doc_markdown)]

use super::util::{checked_host_mounts, describe_mount, host_mounts, is_docker_pipe, mount_source_span, runtime_socket, HostMount};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service that can reach a container runtime's control API.
    ///
    /// That is a bind mount of the Docker, containerd, Podman, CRI-O or BuildKit socket (short
    /// or long syntax, or a named volume that binds it), of a folder that holds one
    /// (`/var/run`, `/run`, `/run/containerd`, `/run/user/<uid>`…), of the Windows
    /// `docker_engine` pipe, `use_api_socket: true`, or `volumes_from` a service that mounts one.
    ///
    /// ## Why is this bad?
    /// Whoever talks to the runtime socket can start a privileged container with the host's `/`
    /// mounted: it is root on the host, without a password and without a log entry that names
    /// the container. `:ro` does not help, a socket stays writable when its mount is read-only.
    /// One compromised dependency in the service is enough.
    ///
    /// Tools that need the API (reverse proxies, CI runners, monitoring) should go through a
    /// filtering proxy that allows only the calls they make (read-only `GET /containers`…), or
    /// use the runtime's remote API with TLS client certificates.
    ///
    /// A path written alone in the short syntax (`- /var/run/docker.sock`) is an anonymous volume
    /// inside the container, not a host mount, and is not reported.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   proxy:
    ///     image: traefik:v3.1
    ///     volumes:
    ///       - /var/run/docker.sock:/var/run/docker.sock:ro
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   proxy:
    ///     image: traefik:v3.1
    ///     command: ["--providers.file.directory=/etc/traefik/dynamic"]
    ///     volumes:
    ///       - ./traefik/dynamic:/etc/traefik/dynamic:ro
    /// ```
    pub struct RuntimeSocketMount => {
        name: "runtime-socket-mount",
        code: "CG202",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0001", "KICS d6355c88", "CIS Docker 5.32"],
    }
}

impl Rule for RuntimeSocketMount {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        let compose = cx.compose();
        for (name, service, mounts) in checked_host_mounts(cx) {
            let svc = &name.value;
            for mount in mounts {
                let Some(runtime) = runtime_socket(&mount.host_path) else { continue };
                out.report(mount_source_span(cx, mount), socket_message(svc, mount, runtime))
                    .path(format!("services.{svc}.volumes[{}]", mount.index))
                    .service(svc)
                    .anchor(mount.volume.anchor)
                    .help("remove the mount; give the service a filtering API proxy, or the remote API with TLS client certificates");
            }
            for (i, v) in service.volumes.iter().enumerate() {
                let Some(source) = v.value.source.as_deref() else { continue };
                if matches!(v.value.r#type, MountType::Npipe | MountType::Bind) && is_docker_pipe(source) {
                    out.report(crate::rules::util::find_in(cx, v.span, source), format!("service `{svc}` mounts the Docker engine pipe `{source}`"))
                        .path(format!("services.{svc}.volumes[{i}]"))
                        .service(svc)
                        .anchor(v.anchor)
                        .help("remove the mount; give the service a filtering API proxy instead");
                }
            }
            if let Some(u) = service.use_api_socket.as_ref().filter(|u| u.value) {
                out.report(u.span, format!("service `{svc}` gets the Docker API socket (`use_api_socket: true`)"))
                    .path(format!("services.{svc}.use_api_socket"))
                    .service(svc)
                    .anchor(u.anchor)
                    .help("remove `use_api_socket`, or keep it for development-only services");
            }
            for (i, from) in service.volumes_from.iter().enumerate() {
                let Some(source) = from_service(&from.value) else { continue };
                let mut seen = vec![svc.as_str()];
                if let Some((via, path, runtime)) = inherited_socket(compose, source, &mut seen) {
                    let through = if via == source { String::new() } else { format!(", which has it from `{via}`") };
                    let kind = socket_kind(&path, runtime);
                    out.report(
                        crate::rules::util::find_in(cx, from.span, source),
                        format!("service `{svc}` inherits `{path}` ({kind}) through `volumes_from: {source}`{through}"),
                    )
                    .path(format!("services.{svc}.volumes_from[{i}]"))
                    .service(svc)
                    .anchor(from.anchor)
                    .help("list the volumes the service needs in `volumes` instead of inheriting every mount");
                }
            }
        }
    }
}

fn socket_message(svc: &str, mount: &HostMount<'_>, runtime: &str) -> String {
    let what = describe_mount(mount);
    if is_socket_file(&mount.host_path) {
        format!("service `{svc}` mounts the {runtime} socket {what}")
    } else {
        format!("service `{svc}` mounts {what}, a folder holding {runtime} sockets")
    }
}

fn is_socket_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|n| n.contains(".sock"))
}

/// `(the Docker socket)` or `(a folder holding … sockets)`.
fn socket_kind(path: &str, runtime: &str) -> String {
    if is_socket_file(path) {
        format!("the {runtime} socket")
    } else {
        format!("a folder holding {runtime} sockets")
    }
}

/// The service a `volumes_from` entry names (`name[:ro]`), not `container:…`.
fn from_service(entry: &str) -> Option<&str> {
    if entry.starts_with("container:") {
        return None;
    }
    let name = entry.strip_prefix("service:").unwrap_or(entry);
    Some(name.split(':').next().unwrap_or(name))
}

/// The first runtime socket a service mounts, itself or through its own `volumes_from`.
fn inherited_socket<'a>(compose: &'a Compose, name: &'a str, seen: &mut Vec<&'a str>) -> Option<(&'a str, String, &'static str)> {
    if seen.contains(&name) || seen.len() > 32 {
        return None;
    }
    seen.push(name);
    let service = compose.services.get(name)?;
    if let Some((m, rt)) = host_mounts(compose, service).into_iter().find_map(|m| runtime_socket(&m.host_path).map(|rt| (m, rt))) {
        return Some((name, m.host_path, rt));
    }
    service.volumes_from.iter().find_map(|f| from_service(&f.value).and_then(|n| inherited_socket(compose, n, seen)))
}
