use crate::rules::correctness::util::{runs_containers, service_key_span};
use crate::rules::prelude::*;
use crate::rules::reliability::util::is_one_off;
use crate::rules::util::{is_written_with_variable, written_for_swarm};

declare_rule! {
    /// ## What it does
    /// Reports a long-running service with no restart policy.
    ///
    /// That is a service with neither `restart` nor `deploy.restart_policy`, or with a
    /// `deploy.restart_policy` without `condition` (which compose turns into no policy at all,
    /// unlike swarm, where the default is `any`).
    ///
    /// One-off jobs are not reported: services another one waits on with
    /// `condition: service_completed_successfully`, and swarm job modes. Mark other one-off jobs
    /// with `restart: "no"`, which also documents the intent. Services scaled to zero and
    /// services run by a `provider` are not reported either, nor any service of a file written for
    /// `docker stack deploy` (one where a service sets `deploy.placement`, `update_config`,
    /// `rollback_config`, `endpoint_mode` or `labels`, which only swarm reads, or that creates an
    /// overlay network that is not `attachable`), where the default is `any`.
    /// A policy written with a variable (`restart: ${RESTART_POLICY}`) is the environment's: when
    /// the variable is unset, `unset-variable` reports it.
    ///
    /// ## Why is this bad?
    /// The default policy is `no`: a container that crashes, or every container after the host
    /// or the engine restarts, stays down until someone runs `docker compose up` again.
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
    ///     restart: unless-stopped
    /// ```
    pub struct NoRestartPolicy => {
        name: "no-restart-policy",
        code: "CG305",
        category: Reliability,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["KICS 2fc99041", "CIS Docker 5.14", "compose-spec restart"],
    }
}

impl Rule for NoRestartPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        if written_for_swarm(cx) {
            return;
        }
        for (name, service) in cx.services() {
            // (a policy written with a variable is the environment's: `restart: ${RESTART}`)
            if service.restart.as_ref().is_some_and(|r| !r.value.is_empty() || is_written_with_variable(cx, r))
                || cx.is_unreadable(&name.value, "restart")
                || cx.is_unreadable(&name.value, "deploy.restart_policy.condition")
                || !runs_containers(service)
                || is_one_off(cx, &name.value, service)
            {
                continue;
            }
            let n = &name.value;
            match service.deploy.as_ref().and_then(|d| d.restart_policy.as_ref()) {
                Some(policy) if policy.condition.is_some() => {}
                Some(policy) => {
                    let span = service_key_span(cx, n, &["deploy", "restart_policy"]).unwrap_or(policy.loc.span);
                    out.report(
                        span,
                        format!(
                            "the `deploy.restart_policy` of service `{n}` has no `condition`, so compose sets no restart policy"
                        ),
                    )
                    .path(format!("services.{n}.deploy.restart_policy"))
                    .service(n)
                    .anchor(policy.loc.anchor)
                    .help("add `condition: on-failure` (or `any`), or set `restart: unless-stopped`");
                }
                None => {
                    out.report(name.span, format!("service `{n}` has no restart policy"))
                        .path(format!("services.{n}"))
                        .service(n)
                        .help("add `restart: unless-stopped` (or `on-failure`); mark one-off jobs with `restart: \"no\"`");
                }
            }
        }
    }
}
