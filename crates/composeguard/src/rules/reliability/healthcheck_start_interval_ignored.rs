use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a healthcheck `start_interval` that never applies.
    ///
    /// That is a `start_interval` without a `start_period`, or with `start_period: 0s`.
    ///
    /// ## Why is this bad?
    /// `start_interval` is how often the check runs during the start period, to notice a fast
    /// start sooner. With no start period it never applies (unless the image's `HEALTHCHECK`
    /// sets `--start-period`, which the engine keeps when compose sends none): the check runs at
    /// `interval` from the first second, and the container is reported healthy later than the
    /// file suggests.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     healthcheck:
    ///       test: ["CMD", "curl", "-fsS", "http://localhost:8080/health"]
    ///       interval: 30s
    ///       timeout: 5s
    ///       retries: 3
    ///       start_interval: 2s
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
    ///       start_period: 1m
    ///       start_interval: 2s
    /// ```
    pub struct HealthcheckStartIntervalIgnored => {
        name: "healthcheck-start-interval-ignored",
        code: "CG308",
        category: Reliability,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec healthcheck", "Dockerfile HEALTHCHECK --start-interval"],
    }
}

impl Rule for HealthcheckStartIntervalIgnored {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(hc) = &service.healthcheck else { continue };
            let Some(si) = &hc.start_interval else { continue };
            if hc.start_period.as_ref().is_some_and(|p| p.value.nanos > 0) || hc.disable.as_ref().is_some_and(|d| d.value) {
                continue;
            }
            out.report(
                si.span,
                format!(
                    "the healthcheck of service `{}` sets `start_interval` but no `start_period`, so it applies only if the image's `HEALTHCHECK` sets one",
                    name.value
                ),
            )
            .path(format!("services.{}.healthcheck.start_interval", name.value))
            .service(&name.value)
            .anchor(si.anchor)
            .help("add a `start_period` covering the service's start-up time, or remove `start_interval`");
        }
    }
}
