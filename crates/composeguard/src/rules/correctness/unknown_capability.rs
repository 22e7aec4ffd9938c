use composeguard_model::de::did_you_mean;

use crate::rules::prelude::*;
use crate::rules::security::util::normalize_cap;
use crate::rules::util::is_written_with_variable;

declare_rule! {
    /// ## What it does
    /// Reports a `cap_add` or `cap_drop` entry that is not a Linux capability: a typo
    /// (`NET_ADMINN`, `SYS_ADMN`), or `CAP_ALL`.
    ///
    /// Names are read as docker reads them: in any case, with or without the `CAP_` prefix;
    /// `ALL` stands for every capability. A name with a variable is left to the environment.
    ///
    /// ## Why is this bad?
    /// compose accepts any string; the engine refuses to create the container ("unknown
    /// capability"), so `docker compose up` fails for the whole service.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: ghcr.io/acme/vpn:1.4.0
    ///     cap_add: [NET_ADMINN]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: ghcr.io/acme/vpn:1.4.0
    ///     cap_add: [NET_ADMIN]
    /// ```
    pub struct UnknownCapability => {
        name: "unknown-capability",
        code: "CG127",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["capabilities(7)", "Docker Engine --cap-add"],
    }
}

/// The Linux capabilities, as docker names them (without `CAP_`).
const CAPABILITIES: &[&str] = &[
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
    "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
    "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
    "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
    "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
    "CHECKPOINT_RESTORE",
];

impl Rule for UnknownCapability {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            for (key, caps) in [("cap_add", &service.cap_add), ("cap_drop", &service.cap_drop)] {
                for (i, cap) in caps.iter().enumerate() {
                    let norm = normalize_cap(&cap.value);
                    if norm == "ALL" || CAPABILITIES.contains(&norm.as_str()) || is_written_with_variable(cx, cap) {
                        continue;
                    }
                    let help = if norm == "CAP_ALL" {
                        "write `ALL`: docker does not read `CAP_ALL`".to_string()
                    } else {
                        let lower: Vec<String> = CAPABILITIES.iter().map(|c| c.to_ascii_lowercase()).collect();
                        match did_you_mean(&norm, lower.iter().map(String::as_str)) {
                            Some(close) => format!("did you mean `{}`?", close.to_ascii_uppercase()),
                            None => "use a capability of capabilities(7), without `CAP_`, or `ALL`".to_string(),
                        }
                    };
                    out.report(cap.span, format!("service `{n}` has `{}` in `{key}`, which is not a capability", cap.value))
                        .path(format!("services.{n}.{key}[{i}]"))
                        .service(n)
                        .anchor(cap.anchor)
                        .help(help);
                }
            }
        }
    }
}
