use super::util::normalize_cap;
use crate::rules::prelude::*;
use crate::rules::util::find_in;

declare_rule! {
    /// ## What it does
    /// Reports capabilities in `cap_add` that reach beyond the container without being an escape
    /// on their own.
    ///
    /// They are `NET_ADMIN`, `SYS_PTRACE`, `SYS_TIME`, `SYS_BOOT`, `SYS_NICE`,
    /// `SYS_RESOURCE`, `PERFMON`, `SYSLOG`, `MAC_ADMIN`, `MAC_OVERRIDE`, `LINUX_IMMUTABLE`,
    /// `AUDIT_CONTROL`, `AUDIT_READ`, `SYS_PACCT`, `SYS_TTY_CONFIG`, `WAKE_ALARM`,
    /// `BLOCK_SUSPEND`, `LEASE`, `CHECKPOINT_RESTORE`. Names are matched in any case, with or
    /// without the `CAP_` prefix.
    ///
    /// A `privileged` service is left to the `privileged` rule: it has every capability whatever `cap_add` says.
    ///
    /// ## Why is this bad?
    /// They affect the host or widen the attack surface: `SYS_TIME` sets the host clock (not
    /// namespaced), `SYS_NICE` and `SYS_RESOURCE` can starve the host, `PERFMON` and `SYSLOG`
    /// read kernel data, `NET_ADMIN` rewrites firewall rules (the host's, with
    /// `network_mode: host`), `SYS_PTRACE` reads other processes' memory (host processes, with
    /// `pid: host`). Each should be a deliberate, documented choice.
    ///
    /// Not reported: capabilities docker grants by default (`NET_RAW`, `CHOWN`, `SETUID`…),
    /// since adding them changes nothing, and `IPC_LOCK`, which only lifts the memlock limit and
    /// stays inside the memory limit (databases and Vault use it to keep secrets out of swap).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   ntp:
    ///     image: ghcr.io/acme/ntp:4.2.8
    ///     cap_add: [SYS_TIME]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   ntp:
    ///     image: ghcr.io/acme/ntp:4.2.8
    ///     cap_drop: [ALL]
    ///     cap_add: [NET_BIND_SERVICE]
    /// ```
    pub struct ElevatedCapability => {
        name: "elevated-capability",
        code: "CG213",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0011", "compose-lint CL-0027", "compose-lint CL-0028", "compose-lint CL-0029", "compose-lint CL-0030", "KICS ce76b7d0", "CIS Docker 5.4"],
    }
}

const ELEVATED_CAPS: &[&str] = &[
    "NET_ADMIN",
    "SYS_PTRACE",
    "SYS_TIME",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "PERFMON",
    "SYSLOG",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "LINUX_IMMUTABLE",
    "AUDIT_CONTROL",
    "AUDIT_READ",
    "SYS_PACCT",
    "SYS_TTY_CONFIG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "LEASE",
    "CHECKPOINT_RESTORE",
];

impl Rule for ElevatedCapability {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if super::util::is_privileged(service) {
                continue;
            }
            for (i, cap) in service.cap_add.iter().enumerate() {
                let norm = normalize_cap(&cap.value);
                if !ELEVATED_CAPS.contains(&norm.as_str()) {
                    continue;
                }
                out.report(find_in(cx, cap.span, cap.value.trim()), format!("service `{svc}` adds the capability `{norm}`"))
                    .path(format!("services.{svc}.cap_add[{i}]"))
                    .service(svc)
                    .anchor(cap.anchor)
                    .help(format!("remove `{norm}` unless the service cannot work without it, and record why"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ELEVATED_CAPS;
    use crate::rules::security::dangerous_capability::HOST_TAKEOVER_CAPS;
    use crate::rules::security::util::DEFAULT_CAPS;

    #[test]
    fn tiers_do_not_overlap() {
        for cap in ELEVATED_CAPS {
            assert!(!HOST_TAKEOVER_CAPS.contains(cap), "{cap} is in both tiers");
            assert!(!DEFAULT_CAPS.contains(cap), "{cap} is granted by default");
        }
        for cap in HOST_TAKEOVER_CAPS {
            assert!(!DEFAULT_CAPS.contains(cap), "{cap} is granted by default");
        }
    }
}
