use crate::rules::correctness::util::service_key_span;
use crate::rules::prelude::*;
use crate::rules::reliability::util::{health, Health};

declare_rule! {
    /// ## What it does
    /// Reports `depends_on` that does not wait for a dependency's healthcheck.
    ///
    /// That is the short list syntax (`depends_on: [db]`), which waits only for the container to
    /// start, on a dependency with a healthcheck in the compose file or in the local Dockerfile it
    /// is built from. The long syntax always names its `condition`; an explicit
    /// `condition: service_started` is taken as a deliberate choice and left alone.
    ///
    /// ## Why is this bad?
    /// Without a condition, compose starts the dependent service as soon as the dependency's
    /// container has started, not when it is ready. The dependency already says how to tell
    /// (its healthcheck), but nobody asks: the dependent service races a database that is still
    /// initialising, fails its first connections, and may crash-loop.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     depends_on:
    ///       - db
    ///   db:
    ///     image: postgres:16.4
    ///     healthcheck:
    ///       test: ["CMD", "pg_isready", "-U", "postgres"]
    ///       interval: 10s
    ///       timeout: 5s
    ///       retries: 5
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
    pub struct DependencyHealthNotAwaited => {
        name: "dependency-health-not-awaited",
        code: "CG304",
        category: Reliability,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec depends_on", "compose startup order"],
    }
}

impl Rule for DependencyHealthNotAwaited {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        let compose = cx.compose();
        for (name, service) in cx.services() {
            for (dep, cfg) in service.depends_on.iter() {
                if cfg.condition.is_some() {
                    continue;
                }
                let Some(target) = compose.services.get(dep.value.as_str()) else { continue };
                if !cx.checks_dependency(service, target) {
                    continue;
                }
                let state = health(cx, target);
                if !state.is_checked() {
                    continue;
                }
                let (related, label) = match (state, service_key_span(cx, &dep.value, &["healthcheck"])) {
                    (Health::Compose, Some(span)) => (span, "healthcheck declared here"),
                    _ => (
                        compose.services.get_key_value(dep.value.as_str()).map_or(dep.span, |(k, _)| k.span),
                        "its Dockerfile declares a HEALTHCHECK",
                    ),
                };
                out.report(
                    dep.span,
                    format!(
                        "service `{}` starts as soon as `{}` starts, without waiting for its healthcheck",
                        name.value, dep.value
                    ),
                )
                .path(format!("services.{}.depends_on.{}", name.value, dep.value))
                .service(&name.value)
                .anchor(dep.anchor)
                .related(related, label)
                .help(format!("use the long syntax with `condition: service_healthy` for `{}`", dep.value));
            }
        }
    }
}
