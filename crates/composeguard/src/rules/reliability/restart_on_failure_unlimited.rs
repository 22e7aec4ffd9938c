use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an `on-failure` restart policy without a retry limit.
    ///
    /// That is `restart: on-failure` (or `on-failure:0`), or
    /// `deploy.restart_policy.condition: on-failure` without `max_attempts`. The rule is off by
    /// default.
    ///
    /// ## Why is this bad?
    /// A container that fails at start (a missing setting, a schema it cannot migrate) is then
    /// restarted forever, with a back-off that grows only to about a minute. The crash loop
    /// hides the first error among thousands of restarts and keeps consuming resources. The CIS
    /// Docker Benchmark recommends a limit of 5. Services meant to come back no matter what
    /// should say so with `unless-stopped` or `always`, which this rule leaves alone.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: ghcr.io/acme/worker:2.0.1
    ///     restart: on-failure
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: ghcr.io/acme/worker:2.0.1
    ///     restart: on-failure:5
    /// ```
    pub struct RestartOnFailureUnlimited => {
        name: "restart-on-failure-unlimited",
        code: "CG307",
        category: Reliability,
        severity: Warning,
        fixable: false,
        default_enabled: false,
        sources: ["KICS 2fc99041", "CIS Docker 5.14"],
    }
}

impl Rule for RestartOnFailureUnlimited {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            // compose applies `deploy.restart_policy` when present and ignores `restart`
            if let Some(policy) = service.deploy.as_ref().and_then(|d| d.restart_policy.as_ref()) {
                let Some(c) = policy.condition.as_ref().filter(|c| c.value == "on-failure") else { continue };
                if policy.max_attempts.as_ref().is_some_and(|m| m.value.0 > 0) {
                    continue;
                }
                out.report(c.span, format!("service `{n}` restarts on failure without a limit"))
                    .path(format!("services.{n}.deploy.restart_policy"))
                    .service(n)
                    .anchor(c.anchor)
                    .help("add `max_attempts: 5`");
            } else if let Some(r) = &service.restart {
                let (mode, count) = r.value.split_once(':').unwrap_or((&r.value, "0"));
                if mode != "on-failure" || count.parse::<i64>().is_ok_and(|c| c > 0) {
                    continue;
                }
                out.report(r.span, format!("service `{n}` restarts on failure without a limit"))
                    .path(format!("services.{n}.restart"))
                    .service(n)
                    .anchor(r.anchor)
                    .help("write `restart: on-failure:5`");
            }
        }
    }
}
