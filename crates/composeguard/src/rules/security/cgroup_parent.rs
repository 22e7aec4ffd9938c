use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `cgroup_parent`.
    ///
    /// ## Why is this bad?
    /// Docker puts each container in its own cgroup under the daemon's parent, where the limits
    /// set in the compose file apply and where monitoring expects it. `cgroup_parent` moves the
    /// container under a cgroup chosen by the file: one shared with host services or other
    /// tenants, whose limits, priorities and device rules then apply instead, and which
    /// accounting and alerting may not watch. It is a host-level setting that belongs in the
    /// daemon configuration, not in an application's compose file.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: ghcr.io/acme/worker:1.2.0
    ///     cgroup_parent: system.slice
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: ghcr.io/acme/worker:1.2.0
    ///     mem_limit: 512m
    ///     cpus: 1.0
    /// ```
    pub struct CgroupParent => {
        name: "cgroup-parent",
        code: "CG234",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["KICS 4d9f44c6", "CIS Docker 5.25"],
    }
}

impl Rule for CgroupParent {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            let Some(parent) = service.cgroup_parent.as_ref().filter(|p| !p.value.trim().is_empty()) else { continue };
            out.report(parent.span, format!("service `{svc}` places its container under the cgroup `{}`", parent.value.trim()))
                .path(format!("services.{svc}.cgroup_parent"))
                .service(svc)
                .anchor(parent.anchor)
                .help("remove `cgroup_parent` and set the service's limits in the compose file; leave cgroup placement to the daemon");
        }
    }
}
