use super::util::normalize_cap;
use crate::rules::prelude::*;
use crate::rules::util::find_in;

declare_rule! {
    /// ## What it does
    /// Reports `ALL` in `cap_add` (any case).
    ///
    /// A `privileged` service is left to the `privileged` rule: it has every capability whatever `cap_add` says.
    ///
    /// ## Why is this bad?
    /// `cap_add: [ALL]` gives the container every Linux capability: `SYS_ADMIN` (mount file
    /// systems, cgroup escapes), `SYS_MODULE` (load kernel modules), `SYS_RAWIO`, `SYS_PTRACE`
    /// and the rest. It is `privileged` without the devices, and enough to take over the host.
    ///
    /// Add the few capabilities the program needs, by name, after `cap_drop: [ALL]`. (`CAP_ALL`
    /// is not a capability: docker refuses it, so it is not reported here.)
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: ghcr.io/acme/vpn:1.0.0
    ///     cap_add: [ALL]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: ghcr.io/acme/vpn:1.0.0
    ///     cap_drop: [ALL]
    ///     cap_add: [NET_ADMIN]
    /// ```
    pub struct CapAddAll => {
        name: "cap-add-all",
        code: "CG211",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0024", "KICS ce76b7d0", "CIS Docker 5.4"],
    }
}

impl Rule for CapAddAll {
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
                if normalize_cap(&cap.value) != "ALL" {
                    continue;
                }
                out.report(find_in(cx, cap.span, cap.value.trim()), format!("service `{svc}` adds every capability (`cap_add: {}`)", cap.value.trim()))
                    .path(format!("services.{svc}.cap_add[{i}]"))
                    .service(svc)
                    .anchor(cap.anchor)
                    .help("replace `ALL` with the capabilities the service needs, after `cap_drop: [ALL]`");
            }
        }
    }
}
