use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a one-off job that restarts after it succeeds.
    ///
    /// A job is a service another one waits on with `condition: service_completed_successfully`,
    /// such as a migration. It restarts after success with `restart: always` or `unless-stopped`,
    /// or `deploy.restart_policy.condition: any` (which compose applies instead of `restart`).
    /// `on-failure` is fine: it retries a failed job and stops once it succeeds.
    ///
    /// ## Why is this bad?
    /// The engine starts the job again as soon as it exits successfully, so it runs in a loop
    /// (a migration or seed applied over and over), and compose may never see it completed,
    /// leaving the services that wait for it stuck.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     depends_on:
    ///       migrate:
    ///         condition: service_completed_successfully
    ///   migrate:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     command: ["migrate", "up"]
    ///     restart: unless-stopped
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     depends_on:
    ///       migrate:
    ///         condition: service_completed_successfully
    ///   migrate:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     command: ["migrate", "up"]
    ///     restart: on-failure:3
    /// ```
    pub struct CompletedDependencyRestarts => {
        name: "completed-dependency-restarts",
        code: "CG121",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec depends_on", "compose-spec restart"],
    }
}

impl Rule for CompletedDependencyRestarts {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some((waiter, dep_span)) = cx.completion_waiter(&name.value) else { continue };
            let Some((span, anchor, shown, key)) = restarting_policy(service) else { continue };
            out.report(
                span,
                format!(
                    "service `{}` restarts after it succeeds (`{shown}`), but `{}` waits for it to complete",
                    name.value, waiter.value
                ),
            )
            .path(format!("services.{}.{key}", name.value))
            .service(&name.value)
            .anchor(anchor)
            .related(dep_span, "waits for completion here")
            .help("use `restart: on-failure` (or `\"no\"`) for a one-off job");
        }
    }
}

/// The restart setting compose applies, when it restarts a container that exited successfully.
fn restarting_policy(s: &Service) -> Option<(Span, Option<Span>, String, &'static str)> {
    if let Some(policy) = s.deploy.as_ref().and_then(|d| d.restart_policy.as_ref()) {
        let c = policy.condition.as_ref()?;
        return matches!(c.value.as_str(), "any" | "always" | "unless-stopped")
            .then(|| (c.span, c.anchor, format!("condition: {}", c.value), "deploy.restart_policy.condition"));
    }
    let r = s.restart.as_ref()?;
    matches!(r.value.as_str(), "always" | "unless-stopped" | "any")
        .then(|| (r.span, r.anchor, format!("restart: {}", r.value), "restart"))
}
