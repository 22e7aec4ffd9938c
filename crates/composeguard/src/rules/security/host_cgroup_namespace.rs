use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `cgroup: host`.
    ///
    /// ## Why is this bad?
    /// With the host's cgroup namespace the container sees the whole cgroup tree of the host:
    /// which services and containers run, their resource settings and paths. Combined with a
    /// writable cgroup filesystem (`privileged`, `SYS_ADMIN`, a `/sys` mount) it is the classic
    /// `release_agent` escape on cgroup v1 hosts. Docker's default on cgroup v2 is a private
    /// namespace; only systemd-in-a-container setups on old hosts need the host's.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     cgroup: host
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     cgroup: private
    /// ```
    pub struct HostCgroupNamespace => {
        name: "host-cgroup-namespace",
        code: "CG210",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["Docker docs: --cgroupns", "compose-spec: cgroup"],
    }
}

impl Rule for HostCgroupNamespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            let Some(c) = service.cgroup.as_ref().filter(|c| c.value == CgroupMode::Host) else { continue };
            out.report(c.span, format!("service `{svc}` shares the host's cgroup namespace (`cgroup: host`)"))
                .path(format!("services.{svc}.cgroup"))
                .service(svc)
                .anchor(c.anchor)
                .help("remove `cgroup: host` (or set `cgroup: private`)");
        }
    }
}
