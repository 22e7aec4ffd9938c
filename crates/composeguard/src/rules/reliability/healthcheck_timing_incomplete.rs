use crate::rules::correctness::util::{join_and, service_key_span};
use crate::rules::prelude::*;
use crate::rules::reliability::util::{has_test, is_disabled};

declare_rule! {
    /// ## What it does
    /// Reports a healthcheck that leaves `interval`, `timeout` or `retries` to the defaults.
    ///
    /// These three decide how fast a failure is noticed. `start_period` (and `start_interval`) are
    /// not required: they only matter for services that start slowly.
    ///
    /// ## Why is this bad?
    /// Missing values fall back to the engine's defaults: a check every 30s, a 30s timeout and 3
    /// retries. A hung check then holds for 30 seconds, and a broken container is marked
    /// unhealthy only after a minute and a half or more, while `service_healthy` dependents and
    /// load balancers keep trusting it. Writing the three values makes the behaviour a decision
    /// rather than an accident, and keeps it stable if the defaults change.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     healthcheck:
    ///       test: ["CMD", "curl", "-fsS", "http://localhost:8080/health"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     healthcheck:
    ///       test: ["CMD", "curl", "-fsS", "http://localhost:8080/health"]
    ///       interval: 15s
    ///       timeout: 3s
    ///       retries: 3
    /// ```
    pub struct HealthcheckTimingIncomplete => {
        name: "healthcheck-timing-incomplete",
        code: "CG303",
        category: Reliability,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec healthcheck", "Dockerfile HEALTHCHECK defaults"],
    }
}

impl Rule for HealthcheckTimingIncomplete {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(hc) = &service.healthcheck else { continue };
            // (a test that runs a command named `NONE` is reported as such, by `healthcheck-none-as-shell`)
            let runs_none = hc.test.as_ref().is_some_and(|t| matches!(t.value.0.as_slice(), [_, c] if c.value.trim().eq_ignore_ascii_case("none")));
            if is_disabled(hc) || !has_test(hc) || runs_none {
                continue;
            }
            let missing: Vec<(&str, &str)> = [
                ("interval", hc.interval.is_none(), "30s"),
                ("timeout", hc.timeout.is_none(), "30s"),
                ("retries", hc.retries.is_none(), "3"),
            ]
            .into_iter()
            // a value compose cannot read is reported as such, not as missing
            .filter(|(k, _, _)| !cx.is_unreadable(&name.value, &format!("healthcheck.{k}")))
            .filter_map(|(k, absent, default)| absent.then_some((k, default)))
            .collect();
            if missing.is_empty() {
                continue;
            }
            let listed: Vec<String> = missing.iter().map(|(k, d)| format!("`{k}` (default {d})")).collect();
            let span = service_key_span(cx, &name.value, &["healthcheck"]).unwrap_or(hc.loc.span);
            out.report(span, format!("the healthcheck of service `{}` does not set {}", name.value, join_and(&listed)))
                .path(format!("services.{}.healthcheck", name.value))
                .service(&name.value)
                .anchor(hc.loc.anchor)
                .help("set `interval`, `timeout` and `retries` for how quickly a failure should be noticed");
        }
    }
}
