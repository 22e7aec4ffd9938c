use crate::rules::correctness::util::service_key_span;
use crate::rules::prelude::*;
use crate::rules::reliability::util::{health, Health};
use crate::Severity;

declare_rule! {
    /// ## What it does
    /// Reports `condition: service_healthy` on a dependency that has no healthcheck.
    ///
    /// A dependency whose healthcheck is disabled (`disable: true`, `test: ["NONE"]`) counts as having
    /// none.
    ///
    /// ## Why is this bad?
    /// `docker compose up` waits for the dependency to report healthy. A container without a
    /// healthcheck never does: compose stops with "container … has no healthcheck configured",
    /// and the dependent service never starts.
    ///
    /// A `HEALTHCHECK` declared in the image also counts at run time (and a compose `healthcheck`
    /// without a `test` only tunes the image's). composeguard reads the Dockerfile of a service
    /// built from a local folder (or `dockerfile_inline`) and accepts a `HEALTHCHECK` there. For a
    /// pulled image, or a Dockerfile whose base image may declare one, it cannot tell: the finding
    /// is then a warning rather than an error, asking to write the healthcheck in the compose file
    /// so the dependency is visible where it is relied on. A disabled healthcheck is always an
    /// error.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     depends_on:
    ///       db:
    ///         condition: service_healthy
    ///   db:
    ///     image: postgres:16.4
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     depends_on:
    ///       db:
    ///         condition: service_healthy
    ///   db:
    ///     image: postgres:16.4
    ///     healthcheck:
    ///       test: ["CMD", "pg_isready", "-U", "postgres"]
    ///       interval: 10s
    ///       timeout: 5s
    ///       retries: 5
    /// ```
    pub struct ServiceHealthyWithoutHealthcheck => {
        name: "service-healthy-without-healthcheck",
        code: "CG101",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec depends_on", "docker compose up"],
    }
}

impl Rule for ServiceHealthyWithoutHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        let compose = cx.compose();
        for (name, service) in cx.services() {
            for (dep, cfg) in service.depends_on.iter() {
                if cfg.condition() != Condition::ServiceHealthy {
                    continue;
                }
                let Some(target) = compose.services.get(dep.value.as_str()) else { continue };
                // a healthcheck compose cannot read is reported as such
                if !cx.checks_dependency(service, target) || target.provider.is_some() || cx.is_unreadable(&dep.value, "healthcheck") {
                    continue;
                }
                let state = health(cx, target);
                if state.is_checked() {
                    continue;
                }
                let span = cfg.condition.as_ref().map_or(dep.span, |c| c.span);
                let anchor = cfg.condition.as_ref().and_then(|c| c.anchor);
                let (message, help) = diagnostic(&name.value, &dep.value, state, target.healthcheck.is_some());
                // the image may declare a `HEALTHCHECK` that this file cannot show
                let severity = if state == Health::Unknown { Severity::Warning } else { Severity::Error };
                // a disabled healthcheck is shown where it is disabled (a later file may do it)
                let disabled_at = target.healthcheck.as_ref().filter(|_| state == Health::Disabled).and_then(|hc| {
                    hc.disable.as_ref().filter(|d| d.value).map(|d| d.span).or_else(|| hc.test.as_ref().filter(|t| t.value.kind() == Some("NONE")).map(|t| t.span))
                });
                let related = match (disabled_at, service_key_span(cx, &dep.value, &["healthcheck"])) {
                    (Some(at), _) => (at, "healthcheck disabled here"),
                    (None, Some(hc)) => (hc, "healthcheck declared here"),
                    (None, None) => (dep_name_span(compose, &dep.value), "service defined here"),
                };
                out.report(span, message)
                    .path(format!("services.{}.depends_on.{}.condition", name.value, dep.value))
                    .service(&name.value)
                    .help(help)
                    .anchor(anchor)
                    .severity(severity)
                    .related(related.0, related.1);
            }
        }
    }
}

fn dep_name_span(compose: &Compose, name: &str) -> Span {
    compose.services.get_key_value(name).map(|(k, _)| k.span).unwrap_or_default()
}

fn diagnostic(service: &str, dep: &str, state: Health, declared: bool) -> (String, String) {
    let wait = format!("service `{service}` waits for `{dep}` to be healthy");
    if state == Health::Disabled {
        (
            format!("{wait}, but the healthcheck of `{dep}` is disabled"),
            format!("enable the healthcheck of `{dep}`, or wait with `condition: service_started`"),
        )
    } else if declared {
        (
            format!("{wait}, but the healthcheck of `{dep}` has no `test`"),
            format!(
                "unless the image of `{dep}` declares a `HEALTHCHECK`, compose fails waiting: add a `test` to the healthcheck of `{dep}`, or wait with `condition: service_started`"
            ),
        )
    } else {
        (
            format!("{wait}, but `{dep}` has no healthcheck in the compose file"),
            format!(
                "unless the image of `{dep}` declares a `HEALTHCHECK`, compose fails waiting: add a `healthcheck` with a `test` to `{dep}`, or wait with `condition: service_started`"
            ),
        )
    }
}
