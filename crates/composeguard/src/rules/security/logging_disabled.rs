use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `logging.driver: none`.
    ///
    /// ## Why is this bad?
    /// With the `none` driver the container's output is thrown away: no `docker logs`, nothing
    /// for a log shipper, no trace of an intrusion or of the errors before a crash. If logs are
    /// too big, rotate them (`json-file` or `local` with `max-size` and `max-file`) or send them
    /// to a collector; do not switch them off.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     logging:
    ///       driver: none
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     logging:
    ///       driver: local
    ///       options:
    ///         max-size: 10m
    ///         max-file: "3"
    /// ```
    pub struct LoggingDisabled => {
        name: "logging-disabled",
        code: "CG233",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0014", "OWASP Logging Cheat Sheet"],
    }
}

impl Rule for LoggingDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            let Some(driver) = service.logging.as_ref().and_then(|l| l.driver.as_ref()) else { continue };
            if driver.value.trim() != "none" {
                continue;
            }
            out.report(driver.span, format!("service `{svc}` discards its logs (`logging.driver: none`)"))
                .path(format!("services.{svc}.logging.driver"))
                .service(svc)
                .anchor(driver.anchor)
                .help("use a logging driver with rotation (`local`, or `json-file` with `max-size` and `max-file`)");
        }
    }
}
