use crate::rules::correctness::util::{cpu_limit, runs_containers};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service without a CPU limit.
    ///
    /// `cpus`, `deploy.resources.limits.cpus`, `cpu_quota`, `cpu_count` and `cpu_percent` (the last
    /// two are Windows-only) count; a value of `0` means none. `cpu_shares` and `cpuset` are weights
    /// and placement, not limits, and do not count.
    /// Services scaled to zero and services run by a `provider` are not reported.
    ///
    /// ## Why is this bad?
    /// A container may use every core of the host. A busy loop or a traffic spike in one service
    /// then slows down every other service on the host, including the ones that would help you
    /// recover.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     mem_limit: 512m
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     mem_limit: 512m
    ///     cpus: 1.5
    /// ```
    pub struct NoCpuLimit => {
        name: "no-cpu-limit",
        code: "CG402",
        category: Resources,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["KICS 6b610c50", "compose-lint CL-0026", "CIS Docker 5.11"],
    }
}

impl Rule for NoCpuLimit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            if !runs_containers(service) {
                continue;
            }
            let n = &name.value;
            let other = service.cpu_quota.as_ref().is_some_and(|q| q.value.0 > 0.0)
                || service.cpu_count.as_ref().is_some_and(|c| c.value.0 > 0)
                || service.cpu_percent.as_ref().is_some_and(|c| c.value.0 > 0.0);
            match cpu_limit(service) {
                Some(limit) if limit.value > 0.0 => {}
                _ if other => {}
                Some(zero) => {
                    out.report(zero.span, format!("service `{n}` sets `{}` to {}, which is no CPU limit", zero.key, zero.value))
                        .path(format!("services.{n}.{}", zero.key))
                        .service(n)
                        .anchor(zero.anchor)
                        .help("set a real limit, such as `1.5`");
                }
                None if ["cpus", "deploy.resources.limits.cpus", "cpu_quota", "cpu_count", "cpu_percent"].iter().any(|k| cx.is_unreadable(n, k)) => {}
                None => {
                    out.report(name.span, format!("service `{n}` has no CPU limit"))
                        .path(format!("services.{n}"))
                        .service(n)
                        .help("set `cpus` (or `deploy.resources.limits.cpus`), such as `1.5`");
                }
            }
        }
    }
}
