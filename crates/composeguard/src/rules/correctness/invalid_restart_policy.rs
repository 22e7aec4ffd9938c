use crate::rules::correctness::util::related_opt;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a restart policy that the Docker engine refuses or misreads.
    ///
    /// `restart` must be `no`, `always`, `unless-stopped` or `on-failure`, and only `on-failure`
    /// takes a retry count (`on-failure:5`, a whole number, not negative). compose also maps the
    /// swarm words `none` and `any`. `deploy.restart_policy.condition` must be `none`,
    /// `on-failure` or `any`, and `max_attempts` is only allowed with `on-failure`.
    ///
    /// ## Why is this bad?
    /// compose accepts any string here and hands it to the engine when it creates the container:
    /// `restart: sometimes` or `restart: always:3` fail `docker compose up` with "invalid restart
    /// policy", and so does the common swarm setting `condition: any` with `max_attempts: 3`.
    /// `on-failure:five` is not refused: the count is silently read as 0, which means "retry
    /// forever".
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: ghcr.io/acme/worker:2.0.1
    ///     restart: on-failure:five
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   worker:
    ///     image: ghcr.io/acme/worker:2.0.1
    ///     restart: on-failure:5
    /// ```
    pub struct InvalidRestartPolicy => {
        name: "invalid-restart-policy",
        code: "CG103",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec restart", "Docker Engine restart policies"],
    }
}

impl Rule for InvalidRestartPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            if let Some(restart) = &service.restart {
                // an empty value (an unset variable) means no policy, which the engine accepts
                if let Some(problem) = restart_problem(&restart.value).filter(|_| !restart.value.is_empty()) {
                    out.report(restart.span, format!("service `{n}` has `restart: {}`: {problem}", restart.value))
                        .path(format!("services.{n}.restart"))
                        .service(n)
                        .anchor(restart.anchor)
                        .help(restart_help(&restart.value));
                }
            }
            let Some(policy) = service.deploy.as_ref().and_then(|d| d.restart_policy.as_ref()) else { continue };
            let condition = policy.condition.as_ref();
            if let Some(c) = condition {
                if !matches!(c.value.as_str(), "none" | "no" | "on-failure" | "any" | "always" | "unless-stopped") {
                    out.report(c.span, format!("service `{n}` has the unknown restart condition `{}`", c.value))
                        .path(format!("services.{n}.deploy.restart_policy.condition"))
                        .service(n)
                        .anchor(c.anchor)
                        .help("use `none`, `on-failure` or `any`");
                    continue;
                }
            }
            let Some(attempts) = &policy.max_attempts else { continue };
            let mode = condition.map_or("", |c| c.value.as_str());
            if attempts.value.0 != 0 && mode != "on-failure" && !mode.is_empty() {
                let f = out
                    .report(
                        attempts.span,
                        format!(
                            "service `{n}` sets `max_attempts` with the restart condition `{mode}`, which the engine refuses"
                        ),
                    )
                    .path(format!("services.{n}.deploy.restart_policy.max_attempts"))
                    .service(n)
                    .anchor(attempts.anchor)
                    .help("remove `max_attempts`, or use `condition: on-failure`");
                related_opt(f, condition.map(|c| c.anchor.unwrap_or(c.span)), "condition set here");
            } else if mode == "on-failure" && attempts.value.0 < 0 {
                out.report(attempts.span, format!("service `{n}` sets a negative `max_attempts` ({})", attempts.value.0))
                    .path(format!("services.{n}.deploy.restart_policy.max_attempts"))
                    .service(n)
                    .anchor(attempts.anchor)
                    .help("use a positive number of retries, or remove `max_attempts` to retry forever");
            }
        }
    }
}

/// What to write instead of a `restart` value the engine refuses: the policy a misspelt one was
/// likely meant to be (`unless-stoped`, `on_failure`, `Always`), else the list.
fn restart_help(value: &str) -> String {
    const MODES: [&str; 4] = ["no", "always", "unless-stopped", "on-failure"];
    let (mode, count) = value.split_once(':').map_or((value, None), |(m, c)| (m, Some(c)));
    let snake = MODES.map(|m| m.replace('-', "_"));
    let meant = composeguard_model::de::did_you_mean(mode, snake.iter().map(String::as_str))
        .and_then(|s| snake.iter().position(|m| m == s))
        .and_then(|i| MODES.get(i))
        .filter(|m| **m != mode);
    match (meant, count) {
        (Some(m), Some(c)) => format!("did you mean `{m}:{c}`?"),
        (Some(m), None) => format!("did you mean `{m}`?"),
        _ => "use `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:<retries>`".to_string(),
    }
}

/// What is wrong with a `restart` value, as the engine reads it.
fn restart_problem(value: &str) -> Option<String> {
    let (mode, count) = match value.split_once(':') {
        Some((m, c)) => (m, Some(c)),
        None => (value, None),
    };
    let known = matches!(mode, "no" | "none" | "always" | "any" | "unless-stopped" | "on-failure");
    if !known {
        return Some(format!("`{mode}` is not a restart policy"));
    }
    let count = count?;
    if mode != "on-failure" {
        return Some(format!("only `on-failure` takes a retry count, not `{mode}`"));
    }
    match count.parse::<i64>() {
        Ok(n) if n < 0 => Some("the retry count cannot be negative".to_string()),
        Ok(_) => None,
        Err(_) => Some(format!("`{count}` is not a whole number, so the engine retries forever")),
    }
}

#[cfg(test)]
mod tests {
    use super::restart_problem;

    #[test]
    fn values() {
        for ok in ["no", "always", "unless-stopped", "on-failure", "on-failure:3", "on-failure:0", "any", "none"] {
            assert_eq!(restart_problem(ok), None, "{ok}");
        }
        for bad in ["sometimes", "always:3", "on-failure:-1", "on-failure:x", "unless-stopped:1", "On-Failure"] {
            assert!(restart_problem(bad).is_some(), "{bad}");
        }
    }
}
