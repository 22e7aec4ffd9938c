use crate::rules::correctness::util::service_key_span;
use crate::rules::prelude::*;
use crate::rules::util::is_written_with_variable;

declare_rule! {
    /// ## What it does
    /// Reports `json-file` logging without a size limit.
    ///
    /// That is a `logging` section with the `json-file` driver (named, or left to the daemon
    /// default, which is `json-file`) and no `max-size` option, or `max-size: -1`.
    ///
    /// Services without a `logging` section are not reported: they get whatever the daemon's
    /// `daemon.json` configures, which is the right place for a host-wide rotation policy. The
    /// `local` driver rotates by default, and remote drivers (`syslog`, `journald`, `fluentd`,
    /// `awslogs`…) store nothing on the host, so they are fine too. A driver or `max-size` written
    /// with a variable (`driver: ${LOG_DRIVER}`, `max-size: ${LOG_MAX_SIZE}`) is the environment's
    /// choice: when the variable is unset, `unset-variable` says so.
    ///
    /// ## Why is this bad?
    /// `json-file` never rotates unless told to: a chatty container fills the disk under
    /// `/var/lib/docker/containers` until the host, and every service on it, stops. `max-file`
    /// alone does nothing without `max-size`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     logging:
    ///       driver: json-file
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     logging:
    ///       driver: json-file
    ///       options:
    ///         max-size: 10m
    ///         max-file: "3"
    /// ```
    pub struct LoggingWithoutRotation => {
        name: "logging-without-rotation",
        code: "CG306",
        category: Reliability,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["Docker json-file logging driver", "OWASP Docker Security Cheat Sheet rule 7"],
    }
}

impl Rule for LoggingWithoutRotation {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(logging) = &service.logging else { continue };
            let driver = logging.driver.as_ref().map(|d| d.value.as_str()).filter(|d| !d.is_empty());
            if driver.is_some_and(|d| d != "json-file") {
                continue;
            }
            // a driver the environment picks (`${LOG_DRIVER}`, unset here)
            if driver.is_none() && logging.driver.as_ref().is_some_and(|d| is_written_with_variable(cx, d)) {
                continue;
            }
            let max_size = logging.options.iter().find(|(k, _)| k.value == "max-size").map(|(_, v)| v);
            let n = &name.value;
            let unlimited = match max_size {
                // a size the environment sets (`${LOG_MAX_SIZE}`)
                Some(Some(v)) if is_written_with_variable(cx, v) && v.value.0.trim() != "-1" => continue,
                Some(Some(v)) if v.value.0.trim() == "-1" => Some(v.span),
                Some(Some(v)) if !v.value.0.trim().is_empty() => continue,
                _ => None,
            };
            let (span, message) = match (unlimited, &logging.driver) {
                (Some(span), _) => (span, format!("service `{n}` logs to `json-file` with `max-size: -1`, which never rotates")),
                (None, Some(d)) => {
                    (d.span, format!("service `{n}` logs to `json-file` without `max-size`, so its logs are not rotated unless the daemon's `log-opts` set one"))
                }
                (None, None) => (
                    service_key_span(cx, n, &["logging"]).unwrap_or(logging.loc.span),
                    format!(
                        "service `{n}` configures logging without `max-size`, so the default `json-file` logs are not rotated unless the daemon's `log-opts` set one"
                    ),
                ),
            };
            out.report(span, message)
                .path(format!("services.{n}.logging"))
                .service(n)
                .anchor(logging.loc.anchor)
                .help("add `options: {max-size: 10m, max-file: \"3\"}`, or use the `local` driver, which rotates by default");
        }
    }
}
