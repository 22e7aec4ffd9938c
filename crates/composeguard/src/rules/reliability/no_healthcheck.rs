use crate::rules::correctness::util::runs_containers;
use crate::rules::prelude::*;
use crate::rules::reliability::util::{dockerfile_healthcheck, is_one_off};

declare_rule! {
    /// ## What it does
    /// Reports a service that runs a long-lived container without a `healthcheck`.
    ///
    /// ## Why is this bad?
    /// Without a healthcheck, compose (and `depends_on: condition: service_healthy`) only knows
    /// the process started, not that it serves requests. A hung or half-started service stays
    /// "running" and receives traffic.
    ///
    /// A service built from a local Dockerfile (or `dockerfile_inline`) whose stage declares
    /// `HEALTHCHECK` is not reported. A pulled image may declare one too, which the compose file
    /// cannot show; declare the check here to be explicit.
    ///
    /// One-off jobs are not reported: services with `restart: "no"`,
    /// `deploy.restart_policy.condition: none` or a swarm job mode, and services another service
    /// waits on with `condition: service_completed_successfully`. Services scaled to zero
    /// (`deploy.replicas: 0`) and services run by a `provider` are not reported either.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     healthcheck:
    ///       test: ["CMD", "curl", "-fsS", "http://localhost:8080/health"]
    ///       interval: 30s
    ///       timeout: 5s
    ///       retries: 3
    ///       start_period: 20s
    /// ```
    pub struct NoHealthcheck => {
        name: "no-healthcheck",
        code: "CG301",
        category: Reliability,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["KICS 698ed579", "CIS Docker 4.6"],
    }
}

impl Rule for NoHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            if service.healthcheck.is_some() || cx.is_unreadable(&name.value, "healthcheck") || !runs_containers(service) || is_one_off(cx, &name.value, service) {
                continue;
            }
            if dockerfile_healthcheck(cx, service) == Some(true) {
                continue;
            }
            out.report(name.span, message(&name.value))
                .path(format!("services.{}", name.value))
                .service(&name.value)
                .help("add a `healthcheck` with a `test` that proves the service answers");
        }
    }
}

fn message(service: &str) -> String {
    format!("service `{service}` has no healthcheck")
}
