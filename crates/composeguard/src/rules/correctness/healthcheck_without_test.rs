use crate::rules::correctness::util::service_key_span;
use crate::rules::prelude::*;
use crate::rules::util::is_written_with_variable;
use crate::rules::reliability::util::{dockerfile_healthcheck, is_disabled};
use crate::Severity;

declare_rule! {
    /// ## What it does
    /// Reports a `healthcheck` that is not disabled but has nothing to run.
    ///
    /// That is a healthcheck that sets timings without `test`, with `test: []`, or with a test
    /// that names no command (`["CMD"]`). A healthcheck that sets nothing (`{}` or
    /// `disable: false`) leaves the image's check as it is, and is not reported, nor is a test
    /// written with a variable (`test: ${HEALTHCHECK}`), which the environment gives.
    ///
    /// ## Why is this bad?
    /// Without a test, the timings (`interval`, `timeout`, `retries`) only tune a check the image
    /// itself declares with `HEALTHCHECK`. Most images declare none, so the container has no
    /// health at all and `depends_on: condition: service_healthy` on it fails. The usual cause is
    /// a mis-indented or misspelt `test` line.
    ///
    /// composeguard reads the Dockerfile of a service built from a local folder: when it declares
    /// a `HEALTHCHECK`, tuning its timings is fine and nothing is reported; when it turns the check
    /// off (`HEALTHCHECK NONE`), or the test names no command, the finding is an error. Where the
    /// image may declare a check this file cannot show (a pulled image, a base image), it is a
    /// warning. Write the `test` explicitly to say what is checked.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     healthcheck:
    ///       interval: 30s
    ///       timeout: 5s
    ///       retries: 3
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
    /// ```
    pub struct HealthcheckWithoutTest => {
        name: "healthcheck-without-test",
        code: "CG102",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec healthcheck"],
    }
}

impl Rule for HealthcheckWithoutTest {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(hc) = &service.healthcheck else { continue };
            if is_disabled(hc) {
                continue;
            }
            let n = &name.value;
            if let Some(test) = &hc.test {
                let empty_command = test.value.0.get(1..).is_none_or(|rest| rest.iter().all(|a| a.value.trim().is_empty()));
                let kind = test.value.kind().unwrap_or("");
                if !empty_command || !matches!(kind, "CMD" | "CMD-SHELL" | "") {
                    continue;
                }
                // a test the environment gives (`test: ${HEALTHCHECK}`, unset here, which
                // `unset-variable` reports)
                if is_written_with_variable(cx, test) {
                    continue;
                }
                let declared = if test.value.0.is_empty() { dockerfile_healthcheck(cx, service) } else { Some(false) };
                if declared == Some(true) {
                    continue;
                }
                let message = if test.value.0.is_empty() {
                    format!("the healthcheck of service `{n}` has an empty `test`")
                } else {
                    format!("the healthcheck test of service `{n}` has no command after `{kind}`")
                };
                out.report(test.span, message)
                    .path(format!("services.{n}.healthcheck.test"))
                    .service(n)
                    .anchor(test.anchor)
                    .severity(severity(declared))
                    .help("write the command to run, e.g. `[\"CMD\", \"curl\", \"-f\", \"http://localhost/health\"]`");
            } else {
                // `healthcheck: {disable: false}` or `{}` tunes nothing: the image's check runs as
                // it is, and there is no misplaced `test` line to look for
                let tunes = hc.interval.is_some() || hc.timeout.is_some() || hc.retries.is_some() || hc.start_period.is_some() || hc.start_interval.is_some();
                // a `test` compose cannot read is reported as such
                if !tunes || cx.is_unreadable(n, "healthcheck.test") {
                    continue;
                }
                let declared = dockerfile_healthcheck(cx, service);
                if declared == Some(true) {
                    continue;
                }
                let span = service_key_span(cx, n, &["healthcheck"]).unwrap_or(hc.loc.span);
                out.report(span, format!("the healthcheck of service `{n}` has no `test`"))
                    .path(format!("services.{n}.healthcheck"))
                    .service(n)
                    .anchor(hc.loc.anchor)
                    .severity(severity(declared))
                    .help(
                        "add `test:` with the command that proves the service answers, or `disable: true` to turn the check off",
                    );
            }
        }
    }
}

/// An error when nothing can run: a test naming no command, or a Dockerfile here that turns the
/// check off (`HEALTHCHECK NONE`); a warning when the image may declare a `HEALTHCHECK` that this
/// file cannot show (a pulled image, or a base image).
fn severity(declared: Option<bool>) -> Severity {
    if declared.is_none() { Severity::Warning } else { Severity::Error }
}
