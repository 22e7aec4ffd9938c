use crate::rules::correctness::util::{memory_limit, runs_containers};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service without a memory limit.
    ///
    /// Both `mem_limit` and `deploy.resources.limits.memory` count (compose applies both outside
    /// swarm); a limit of `0` means none. A reservation (`mem_reservation`) is not a limit.
    /// Services scaled to zero and services run by a `provider` are not reported.
    ///
    /// ## Why is this bad?
    /// A container may use all the host's memory. One leak or traffic spike then makes the kernel
    /// kill processes across the host, in other containers too, instead of only restarting the
    /// faulty one at its own limit.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     cpus: 1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     cpus: 1
    ///     mem_limit: 512m
    /// ```
    pub struct NoMemoryLimit => {
        name: "no-memory-limit",
        code: "CG401",
        category: Resources,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["KICS bb9ac4f7", "compose-lint CL-0026", "CIS Docker 5.10"],
    }
}

impl Rule for NoMemoryLimit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            if !runs_containers(service) {
                continue;
            }
            let n = &name.value;
            match memory_limit(service) {
                Some(limit) if limit.value > 0 => {}
                Some(zero) => {
                    out.report(
                        zero.span,
                        format!("service `{n}` sets `{}` to {}, which is no memory limit", zero.key, zero.value),
                    )
                    .path(format!("services.{n}.{}", zero.key))
                    .service(n)
                    .anchor(zero.anchor)
                    .help("set a real limit, such as `512m`");
                }
                None if cx.is_unreadable(n, "mem_limit") || cx.is_unreadable(n, "deploy.resources.limits.memory") => {}
                None => {
                    out.report(name.span, format!("service `{n}` has no memory limit"))
                        .path(format!("services.{n}"))
                        .service(n)
                        .help("set `mem_limit` (or `deploy.resources.limits.memory`), such as `512m`");
                }
            }
        }
    }
}
