use super::util::report_host_namespace;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `uts: host`.
    ///
    /// ## Why is this bad?
    /// The container shares the host's hostname and NIS domain name. It learns the host's name,
    /// and with `SYS_ADMIN` (or `privileged`) it can change it for every program on the host,
    /// which breaks logging, monitoring and anything that trusts the hostname.
    ///
    /// Off by default: without `SYS_ADMIN` the container can only read the name, and the rules
    /// that report `SYS_ADMIN` and `privileged` already cover the dangerous case. Select it for a
    /// strict baseline (CIS Docker 5.21).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     uts: host
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     hostname: app
    /// ```
    pub struct HostUtsNamespace => {
        name: "host-uts-namespace",
        code: "CG208",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: false,
        sources: ["CIS Docker 5.21"],
    }
}

impl Rule for HostUtsNamespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            report_host_namespace(
                out,
                &name.value,
                service.uts.as_deref(),
                "uts",
                "UTS namespace (hostname)",
                "remove `uts: host`; set `hostname` if the service needs a fixed name",
            );
        }
    }
}
