use crate::rules::correctness::util::{cpu_limit, human_bytes, memory_limit, memory_reservation, Setting};
use crate::rules::prelude::*;

/// The engine's smallest memory limit and reservation (6 MiB).
const MIN_MEMORY: i64 = 6 * 1024 * 1024;

declare_rule! {
    /// ## What it does
    /// Reports a resource setting outside the range the Docker engine accepts.
    ///
    /// These are:
    ///
    /// - a memory limit or reservation below 6 MiB (`mem_limit: 512` is 512 bytes: a unit is
    ///   missing),
    /// - `mem_swappiness` outside 0–100 (`-1`, "use the default", is fine),
    /// - `cpu_period` outside 1000–1000000 µs, `cpu_quota` between 1 and 999 µs,
    /// - a negative CPU limit,
    /// - `blkio_config.weight` outside 10–1000.
    ///
    /// ## Why is this bad?
    /// compose accepts these numbers and passes them on; the engine refuses to create the
    /// container ("Minimum memory limit allowed is 6MB", "Invalid value: 200, valid memory
    /// swappiness range is 0-100"), so `docker compose up` fails.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     mem_limit: 512
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     mem_limit: 512m
    /// ```
    pub struct ResourceValueOutOfRange => {
        name: "resource-value-out-of-range",
        code: "CG116",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec", "Docker Engine resource constraints"],
    }
}

impl Rule for ResourceValueOutOfRange {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            let mut report = |span: Span, anchor: Option<Span>, key: &str, message: String, help: String| {
                out.report(span, message).path(format!("services.{n}.{key}")).service(n).anchor(anchor).help(help);
            };
            for (what, setting) in [("memory limit", memory_limit(service)), ("memory reservation", memory_reservation(service))]
            {
                let Some(Setting { value, span, anchor, key }) = setting else { continue };
                if value > 0 && value < MIN_MEMORY {
                    let unitless = cx.text(anchor.unwrap_or(span)).trim().bytes().all(|b| b.is_ascii_digit());
                    let help = if unitless {
                        "sizes without a unit are bytes: write the unit, e.g. `512m` or `1g`"
                    } else {
                        "the engine needs at least `6m`"
                    };
                    report(
                        span,
                        anchor,
                        key,
                        format!(
                            "service `{n}` sets a {what} of {} (`{key}`), below the engine's minimum of 6MiB",
                            human_bytes(value)
                        ),
                        help.into(),
                    );
                }
            }
            if let Some(s) = &service.mem_swappiness {
                let v = s.value.0;
                if v != 0 && v != -1 && !(0..=100).contains(&v) {
                    report(
                        s.span,
                        s.anchor,
                        "mem_swappiness",
                        format!("service `{n}` sets `mem_swappiness` to {v}, outside 0–100"),
                        "use a value from 0 (avoid swap) to 100".into(),
                    );
                }
            }
            if let Some(p) = &service.cpu_period {
                let v = p.value.0;
                if v != 0.0 && !(1000.0..=1_000_000.0).contains(&v) {
                    report(
                        p.span,
                        p.anchor,
                        "cpu_period",
                        format!("service `{n}` sets `cpu_period` to {v} µs, outside 1000–1000000"),
                        "use a period from 1ms (1000) to 1s (1000000), or set `cpus` instead".into(),
                    );
                }
            }
            if let Some(q) = &service.cpu_quota {
                let v = q.value.0;
                if v > 0.0 && v < 1000.0 {
                    report(
                        q.span,
                        q.anchor,
                        "cpu_quota",
                        format!("service `{n}` sets `cpu_quota` to {v} µs, below the minimum of 1000"),
                        "use at least 1000 (1ms), or set `cpus` instead".into(),
                    );
                }
            }
            if let Some(c) = cpu_limit(service).filter(|c| c.value < 0.0) {
                report(
                    c.span,
                    c.anchor,
                    c.key,
                    format!("service `{n}` sets a negative CPU limit ({})", c.value),
                    "use a positive number of CPUs, such as `0.5`".into(),
                );
            }
            if let Some(w) = service.blkio_config.as_ref().and_then(|b| b.weight.as_ref()) {
                let v = w.value.0;
                if v > 0 && !(10..=1000).contains(&v) {
                    report(
                        w.span,
                        w.anchor,
                        "blkio_config.weight",
                        format!("service `{n}` sets `blkio_config.weight` to {v}, outside 10–1000"),
                        "use a weight from 10 to 1000".into(),
                    );
                }
            }
        }
    }
}
