use crate::rules::correctness::util::{pids_limit, runs_containers};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service without a process limit.
    ///
    /// Neither `pids_limit` nor `deploy.resources.limits.pids` is a positive number (`0` and `-1`
    /// mean unlimited). The rule is off by default: most images never fork much, and the engine may
    /// already apply a default limit.
    /// Services scaled to zero and services run by a `provider` are not reported.
    ///
    /// ## Why is this bad?
    /// Without a limit, a fork bomb or a runaway worker pool inside one container can exhaust
    /// the host's process table, and then nothing on the host can start a process, not even a
    /// shell to fix it.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     pids_limit: -1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     pids_limit: 200
    /// ```
    pub struct NoPidsLimit => {
        name: "no-pids-limit",
        code: "CG403",
        category: Resources,
        severity: Warning,
        fixable: false,
        default_enabled: false,
        sources: ["KICS 221e0658", "CIS Docker 5.28"],
    }
}

impl Rule for NoPidsLimit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            if !runs_containers(service) {
                continue;
            }
            let n = &name.value;
            match pids_limit(service) {
                Some(limit) if limit.value > 0 => {}
                Some(unlimited) => {
                    out.report(
                        unlimited.span,
                        format!("service `{n}` sets `{}` to {}, which means no process limit", unlimited.key, unlimited.value),
                    )
                    .path(format!("services.{n}.{}", unlimited.key))
                    .service(n)
                    .anchor(unlimited.anchor)
                    .help("set a positive limit, such as `200`");
                }
                None if cx.is_unreadable(n, "pids_limit") || cx.is_unreadable(n, "deploy.resources.limits.pids") => {}
                None => {
                    out.report(name.span, format!("service `{n}` has no PID limit (`pids_limit`)"))
                        .path(format!("services.{n}"))
                        .service(n)
                        .help("set `pids_limit` (or `deploy.resources.limits.pids`), such as `200`");
                }
            }
        }
    }
}
