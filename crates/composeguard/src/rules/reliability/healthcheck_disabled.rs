use crate::rules::prelude::*;
use crate::rules::reliability::util::is_one_off;

declare_rule! {
    /// ## What it does
    /// Reports a service whose healthcheck is switched off.
    ///
    /// That is `disable: true` or `test: ["NONE"]`. One-off jobs (see `no-healthcheck`) are left
    /// alone.
    ///
    /// ## Why is this bad?
    /// Disabling the healthcheck also removes the one the image ships with: the engine can no
    /// longer tell a hung container from a working one, `restart` policies never react to it, and
    /// `depends_on: condition: service_healthy` on the service fails. It is often a leftover from
    /// debugging a slow start; `start_period` is the better tool for that.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     healthcheck:
    ///       disable: true
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
    ///       start_period: 2m
    /// ```
    pub struct HealthcheckDisabled => {
        name: "healthcheck-disabled",
        code: "CG302",
        category: Reliability,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["KICS 698ed579", "CIS Docker 5.26"],
    }
}

impl Rule for HealthcheckDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(hc) = &service.healthcheck else { continue };
            let disable = hc.disable.as_ref().filter(|d| d.value);
            let none = hc.test.as_ref().filter(|t| t.value.kind() == Some("NONE"));
            let (span, anchor, how, key) = match (disable, none) {
                (Some(d), _) => (d.span, d.anchor, "`disable: true`", "healthcheck.disable"),
                (None, Some(t)) => (t.span, t.anchor, "`test: [\"NONE\"]`", "healthcheck.test"),
                (None, None) => continue,
            };
            if is_one_off(cx, &name.value, service) {
                continue;
            }
            out.report(span, format!("the healthcheck of service `{}` is disabled with {how}", name.value))
                .path(format!("services.{}.{key}", name.value))
                .service(&name.value)
                .anchor(anchor)
                .help("write a `test` that proves the service answers (use `start_period` for slow starts)");
        }
    }
}
