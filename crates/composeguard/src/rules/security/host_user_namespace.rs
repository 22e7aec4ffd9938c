use super::util::report_host_namespace;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `userns_mode: host`.
    ///
    /// ## Why is this bad?
    /// On a daemon that remaps users (`userns-remap`), container root is an unprivileged user on
    /// the host, which turns most escapes into harmless ones. `userns_mode: host` opts the service
    /// out of that: its root is host root again, and every other weakness (a mount, a
    /// capability, a kernel bug) counts in full. On a daemon without remapping it changes
    /// nothing, and it says that the service will not run where remapping is on.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     userns_mode: host
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     user: "10001:10001"
    /// ```
    pub struct HostUserNamespace => {
        name: "host-user-namespace",
        code: "CG209",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["KICS 8af7162d", "CIS Docker 5.31"],
    }
}

impl Rule for HostUserNamespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            report_host_namespace(
                out,
                &name.value,
                service.userns_mode.as_deref(),
                "userns_mode",
                "user namespace",
                "remove `userns_mode: host`; fix file ownership of the service's volumes instead",
            );
        }
    }
}
