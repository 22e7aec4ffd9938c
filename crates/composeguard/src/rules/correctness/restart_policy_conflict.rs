use crate::rules::correctness::util::{related_opt, service_key_span};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service whose `restart` and `deploy.restart_policy` disagree.
    ///
    /// Both saying the same thing is only redundant and is not reported.
    ///
    /// ## Why is this bad?
    /// compose applies `deploy.restart_policy` when it is present and ignores `restart`, without
    /// a warning. Readers (and other tools) see `restart: always` while the container runs with
    /// another policy. A `restart_policy` without `condition` even switches restarts off.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: ghcr.io/acme/worker:2.0.1
    ///     restart: always
    ///     deploy:
    ///       restart_policy:
    ///         condition: on-failure
    ///         max_attempts: 3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: ghcr.io/acme/worker:2.0.1
    ///     deploy:
    ///       restart_policy:
    ///         condition: on-failure
    ///         max_attempts: 3
    /// ```
    pub struct RestartPolicyConflict => {
        name: "restart-policy-conflict",
        code: "CG114",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec deploy restart_policy"],
    }
}

impl Rule for RestartPolicyConflict {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(restart) = service.restart.as_ref().filter(|r| !r.value.is_empty()) else { continue };
            let Some(policy) = service.deploy.as_ref().and_then(|d| d.restart_policy.as_ref()) else { continue };
            let from_restart = {
                let (mode, count) = restart.value.split_once(':').unwrap_or((&restart.value, ""));
                effective(mode, count.parse().unwrap_or(0))
            };
            let condition = policy.condition.as_ref().map_or("", |c| c.value.as_str());
            let from_policy = effective(condition, policy.max_attempts.as_ref().map_or(0, |m| m.value.0));
            if from_restart == from_policy {
                continue;
            }
            let shown = if condition.is_empty() { "no condition, so no restarts".to_string() } else { format!("`{condition}`") };
            let f = out
                .report(
                    restart.span,
                    format!(
                        "service `{}` sets `restart: {}`, but compose applies `deploy.restart_policy` ({shown}) and ignores it",
                        name.value, restart.value
                    ),
                )
                .path(format!("services.{}.restart", name.value))
                .service(&name.value)
                .anchor(restart.anchor)
                .help("keep one of the two: remove `restart`, or remove `deploy.restart_policy`");
            related_opt(f, service_key_span(cx, &name.value, &["deploy", "restart_policy"]), "this policy wins");
        }
    }
}

/// The engine policy a compose restart setting becomes: the mode, and the retry count where it
/// matters.
fn effective(mode: &str, count: i64) -> (&'static str, i64) {
    match mode {
        "always" | "any" => ("always", 0),
        "unless-stopped" => ("unless-stopped", 0),
        "on-failure" => ("on-failure", count),
        "" | "no" | "none" => ("no", 0),
        _ => ("unknown", 0),
    }
}
