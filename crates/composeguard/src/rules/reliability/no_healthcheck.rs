use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service that runs a long-lived container without a `healthcheck`.
    ///
    /// ## Why is this bad?
    /// Without a healthcheck, compose (and `depends_on: condition: service_healthy`) only knows
    /// the process started, not that it serves requests. A hung or half-started service stays
    /// "running" and receives traffic. Images that define `HEALTHCHECK` in their Dockerfile are
    /// covered at run time, which a compose file cannot show; declare it here to be explicit.
    ///
    /// Services with `restart: "no"` or `deploy.restart_policy.condition: none` run to completion
    /// (one-off jobs) and are not reported.
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
            if service.healthcheck.is_some() || is_one_off(service) || service.provider.is_some() {
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

/// A service that runs once and exits (`restart: "no"` together with a one-shot command, or
/// `deploy.restart_policy.condition: none`).
fn is_one_off(s: &Service) -> bool {
    let restart_no = s.restart.as_ref().is_some_and(|r| r.value == "no");
    let policy_none = s
        .deploy
        .as_ref()
        .and_then(|d| d.restart_policy.as_ref())
        .and_then(|p| p.condition.as_ref())
        .is_some_and(|c| c.value == "none");
    restart_no || policy_none
}
