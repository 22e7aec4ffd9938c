use crate::rules::prelude::*;
use crate::rules::util::is_written_with_variable;

declare_rule! {
    /// ## What it does
    /// Reports a path inside the container that is not absolute: the target of a mount in
    /// `volumes` (short or long syntax), a `tmpfs` entry, and `working_dir`.
    ///
    /// A one-part short volume such as `- node_modules` is an anonymous volume mounted at
    /// `node_modules`, not a named volume: the path in the container must start with `/`. A
    /// Windows path (`C:\app`) counts as absolute, and a path with a variable is left to the
    /// environment.
    ///
    /// ## Why is this bad?
    /// compose accepts these paths; the engine refuses to create the container
    /// (`invalid mount path: 'node_modules' mount path must be absolute`, for a volume or a tmpfs;
    /// `the working directory 'app' is invalid, it needs to be an absolute path`), so
    /// `docker compose up` fails.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: node:22.9.0
    ///     working_dir: /app
    ///     volumes:
    ///       - ./src:/app/src
    ///       - node_modules
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: node:22.9.0
    ///     working_dir: /app
    ///     volumes:
    ///       - ./src:/app/src
    ///       - /app/node_modules
    /// ```
    pub struct RelativeContainerPath => {
        name: "relative-container-path",
        code: "CG131",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["Docker Engine mounts", "Docker Engine --workdir"],
    }
}

/// Whether the engine takes `path` as absolute: `/…`, or a Windows drive or share path.
fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/') || path.starts_with("\\\\") || matches!(b, [drive, b':', b'\\' | b'/', ..] if drive.is_ascii_alphabetic())
}

impl Rule for RelativeContainerPath {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            for (i, mount) in service.volumes.iter().enumerate() {
                let target = &mount.value.target;
                if target.is_empty() || is_absolute(target) || is_written_with_variable(cx, mount) {
                    continue;
                }
                let anonymous = mount.value.short && mount.value.source.is_none();
                let help = if anonymous {
                    format!("`{target}` alone is an anonymous volume at that path: write `/{target}` (or the full path in the container), or `NAME:/PATH` for a named volume")
                } else {
                    format!("write the path in the container from `/`: `/{target}`")
                };
                out.report(mount.span, format!("service `{n}` mounts at `{target}`, which is not an absolute path in the container"))
                    .path(format!("services.{n}.volumes[{i}]"))
                    .service(n)
                    .anchor(mount.anchor)
                    .help(help);
            }
            for (i, entry) in service.tmpfs.iter().flat_map(composeguard_model::model::StringOrList::iter).enumerate() {
                // `PATH[:OPTIONS]`; the engine wants PATH absolute (tmpfs is Linux only)
                let path = entry.value.split_once(':').map_or(entry.value.as_str(), |(p, _)| p);
                if path.is_empty() || path.starts_with('/') || is_written_with_variable(cx, entry) {
                    continue;
                }
                out.report(entry.span, format!("service `{n}` mounts a tmpfs at `{path}`, which is not an absolute path in the container"))
                    .path(format!("services.{n}.tmpfs[{i}]"))
                    .service(n)
                    .anchor(entry.anchor)
                    .help(format!("write the path in the container from `/`: `/{path}`"));
            }
            let Some(dir) = &service.working_dir else { continue };
            if dir.value.is_empty() || is_absolute(&dir.value) || is_written_with_variable(cx, dir) {
                continue;
            }
            out.report(dir.span, format!("service `{n}` has `working_dir: {}`, which is not an absolute path", dir.value))
                .path(format!("services.{n}.working_dir"))
                .service(n)
                .anchor(dir.anchor)
                .help(format!("write the path from `/`: `/{}`", dir.value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_absolute;

    #[test]
    fn paths() {
        for abs in ["/app", "/", "C:\\app", "c:/app", "\\\\server\\share"] {
            assert!(is_absolute(abs), "{abs}");
        }
        for rel in ["app", "./app", "~/app", "app/src", "C:", "C:app"] {
            assert!(!is_absolute(rel), "{rel}");
        }
    }
}
