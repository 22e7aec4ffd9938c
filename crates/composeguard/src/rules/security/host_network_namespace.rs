use super::util::report_host_namespace;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `network_mode: host`.
    ///
    /// ## Why is this bad?
    /// The container uses the host's network stack: it can bind any host interface, reach
    /// services that listen only on the host's `127.0.0.1` (databases, admin ports, a Docker API
    /// on `localhost:2375`), and with the default `NET_RAW` capability sniff and spoof host
    /// traffic. Compose's network isolation, published-port control and service DNS no longer
    /// apply to it.
    ///
    /// Use a bridge network and publish the ports the service serves, bound to the interface
    /// that needs them.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     network_mode: host
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports:
    ///       - "127.0.0.1:8080:80"
    /// ```
    pub struct HostNetworkNamespace => {
        name: "host-network-namespace",
        code: "CG205",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0008", "KICS 071a71ff", "CIS Docker 5.10"],
    }
}

impl Rule for HostNetworkNamespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            report_host_namespace(
                out,
                &name.value,
                service.network_mode.as_deref(),
                "network_mode",
                "network stack",
                "remove `network_mode: host`; attach the service to a network and publish its ports",
            );
        }
    }
}
