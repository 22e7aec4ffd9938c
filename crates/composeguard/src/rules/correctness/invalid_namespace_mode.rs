use crate::rules::prelude::*;
use crate::rules::util::is_written_with_variable;

declare_rule! {
    /// ## What it does
    /// Reports a `pid`, `ipc`, `uts` or `userns_mode` value the engine does not know, such as
    /// `pid: hosts` or `ipc: container` without a name.
    ///
    /// ## Why is this bad?
    /// compose accepts any text for these keys and hands it to the engine, which refuses to
    /// create the container ("invalid PID mode", "invalid IPC mode"): `docker compose up`
    /// fails. The engine takes, for `pid`, `host` or `container:NAME`; for `ipc`, `none`,
    /// `private`, `shareable`, `host` or `container:NAME`; for `uts`, `host`; for
    /// `userns_mode`, `host` (or `private`). compose also reads `service:NAME` in `pid` and
    /// `ipc`, and turns it into the container of that service. Podman's own modes
    /// (`userns_mode: keep-id`, `auto`, `nomap`, `ns:PATH`) are left to podman-compose.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: busybox:1.37
    ///     pid: hosts
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: busybox:1.37
    ///     pid: host
    /// ```
    pub struct InvalidNamespaceMode => {
        name: "invalid-namespace-mode",
        code: "CG135",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["Docker Engine HostConfig PidMode, IpcMode, UTSMode, UsernsMode"],
    }
}

/// The namespace keys, the modes the engine takes for each, and whether it (or compose)
/// takes `container:NAME` and `service:NAME`.
const KEYS: &[(&str, &[&str], bool)] = &[
    ("pid", &["host", "private"], true),
    ("ipc", &["none", "private", "shareable", "host"], true),
    ("uts", &["host"], false),
    ("userns_mode", &["host", "private"], false),
];

/// Whether the engine takes `value` for a key with these `modes`.
fn is_valid(value: &str, modes: &[&str], shares: bool) -> bool {
    if value.is_empty() || modes.contains(&value) {
        return true;
    }
    match value.split_once(':') {
        Some(("container" | "service", name)) => shares && !name.is_empty() && !name.contains(':'),
        _ => false,
    }
}

/// Podman's own modes (`userns_mode: keep-id`, `ns:/path`): a file written for podman-compose
/// is not wrong for using them.
fn is_podman_mode(key: &str, value: &str) -> bool {
    value.starts_with("ns:")
        || (key == "userns_mode" && (matches!(value, "auto" | "nomap" | "keep-id") || value.starts_with("keep-id:") || value.starts_with("auto:")))
}

impl Rule for InvalidNamespaceMode {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            for &(key, modes, shares) in KEYS {
                let field = match key {
                    "pid" => &service.pid,
                    "ipc" => &service.ipc,
                    "uts" => &service.uts,
                    _ => &service.userns_mode,
                };
                let Some(value) = field.as_deref() else { continue };
                let v = value.value.as_str();
                if is_valid(v, modes, shares) || is_podman_mode(key, v) || is_written_with_variable(cx, value) {
                    continue;
                }
                let lower = v.to_ascii_lowercase();
                let guess = if is_valid(&lower, modes, shares) {
                    Some(lower.clone())
                } else if shares && (lower == "container" || lower == "service" || lower.ends_with(':')) {
                    None
                } else {
                    composeguard_model::de::did_you_mean(&lower, modes.iter().copied()).map(str::to_string)
                };
                let takes = if shares {
                    format!("{}, `container:NAME` or `service:NAME`", modes.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", "))
                } else {
                    modes.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(" or ")
                };
                let help = match guess {
                    Some(g) => format!("did you mean `{g}`? `{key}` takes {takes}"),
                    None => format!("`{key}` takes {takes}; remove the key for the default"),
                };
                out.report(value.span, format!("service `{n}` has `{key}: {v}`, which the engine refuses, so `docker compose up` fails"))
                    .path(format!("services.{n}.{key}"))
                    .service(n)
                    .anchor(value.anchor)
                    .help(help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn modes() {
        let pid: &[&str] = &["host", "private"];
        assert!(is_valid("host", pid, true));
        assert!(is_valid("container:db", pid, true));
        assert!(is_valid("service:db", pid, true));
        assert!(!is_valid("hosts", pid, true));
        assert!(!is_valid("container:", pid, true));
        assert!(!is_valid("HOST", pid, true));
        assert!(!is_valid("container:db", &["host"], false));
    }
}
