use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a healthcheck `test` that runs a command called `NONE`.
    ///
    /// That is `test: NONE` written as a plain string, or `["CMD-SHELL", "NONE"]`.
    ///
    /// ## Why is this bad?
    /// Only the list `["NONE"]` disables the image's healthcheck. A plain string is a shell
    /// command, so `test: NONE` runs `/bin/sh -c NONE`, which fails every time: the container
    /// turns `unhealthy`, and services waiting for it with `service_healthy` never start.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.4
    ///     healthcheck:
    ///       test: NONE
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.4
    ///     healthcheck:
    ///       disable: true
    /// ```
    pub struct HealthcheckNoneAsShell => {
        name: "healthcheck-none-as-shell",
        code: "CG119",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec healthcheck"],
    }
}

impl Rule for HealthcheckNoneAsShell {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(test) = service.healthcheck.as_ref().and_then(|h| h.test.as_ref()) else { continue };
            let [kind, command] = test.value.0.as_slice() else { continue };
            if !matches!(kind.value.as_str(), "CMD" | "CMD-SHELL") || !command.value.trim().eq_ignore_ascii_case("none") {
                continue;
            }
            out.report(
                command.span,
                format!("the healthcheck of service `{}` runs a command named `{}`", name.value, command.value.trim()),
            )
            .path(format!("services.{}.healthcheck.test", name.value))
            .service(&name.value)
            .anchor(command.anchor)
            .help("write `test: [\"NONE\"]` or `disable: true` to turn the healthcheck off");
        }
    }
}
