use super::util::report_host_namespace;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `pid: host`.
    ///
    /// ## Why is this bad?
    /// The container sees every process on the host. Its root user can signal and kill them, read
    /// their command lines (and the secrets passed there), and with `SYS_PTRACE` attach to a
    /// host process and run code in it: an escape. Container monitoring agents are the rare
    /// legitimate users; give them a waiver rather than a general exception.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     pid: host
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     init: true
    /// ```
    pub struct HostPidNamespace => {
        name: "host-pid-namespace",
        code: "CG206",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0010", "KICS 4f31dd9f", "CIS Docker 5.16"],
    }
}

impl Rule for HostPidNamespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            report_host_namespace(
                out,
                &name.value,
                service.pid.as_deref(),
                "pid",
                "process namespace",
                "remove `pid: host`; to share processes between two services use `pid: service:<name>`",
            );
        }
    }
}
