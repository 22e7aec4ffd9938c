use super::util::report_host_namespace;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `ipc: host`.
    ///
    /// ## Why is this bad?
    /// The container joins the host's IPC namespace: it can read and write the System V shared
    /// memory, semaphores and message queues of host processes (databases, browsers, other
    /// containers started with `ipc: host`), and the host's `/dev/shm`. That leaks data and lets
    /// the container corrupt other programs' memory.
    ///
    /// To share memory between two services, make one `ipc: shareable` and the other
    /// `ipc: service:<name>`; for a bigger `/dev/shm`, set `shm_size`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: ghcr.io/acme/worker:1.2.0
    ///     ipc: host
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: ghcr.io/acme/worker:1.2.0
    ///     shm_size: 256m
    /// ```
    pub struct HostIpcNamespace => {
        name: "host-ipc-namespace",
        code: "CG207",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0010", "KICS baa3890f", "CIS Docker 5.17"],
    }
}

impl Rule for HostIpcNamespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            report_host_namespace(
                out,
                &name.value,
                service.ipc.as_deref(),
                "ipc",
                "IPC namespace",
                "remove `ipc: host`; share with one service through `ipc: shareable` and `ipc: service:<name>`, or raise `shm_size`",
            );
        }
    }
}
