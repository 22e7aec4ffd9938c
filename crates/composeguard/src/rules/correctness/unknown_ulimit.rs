use composeguard_model::de::did_you_mean;

use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `ulimits` entry (of a service or of its `build`) that is not a resource limit:
    /// the names are `core`, `cpu`, `data`, `fsize`, `locks`, `memlock`, `msgqueue`, `nice`,
    /// `nofile`, `nproc`, `rss`, `rtprio`, `rttime`, `sigpending` and `stack`.
    ///
    /// ## Why is this bad?
    /// compose accepts any name; the container runtime refuses to start the container with an
    /// unknown one (`nofiles` for `nofile` is the usual slip), so `docker compose up` fails.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     ulimits:
    ///       nofiles: 65536
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     ulimits:
    ///       nofile: 65536
    /// ```
    pub struct UnknownUlimit => {
        name: "unknown-ulimit",
        code: "CG126",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["getrlimit(2)", "Docker Engine --ulimit"],
    }
}

/// The resource limits docker sets (`RLIMIT_*`, lower case).
const LIMITS: &[&str] =
    &["core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"];

impl Rule for UnknownUlimit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            let build = service.build.as_ref().map(|b| &b.value.config.ulimits);
            for (prefix, limits) in [("ulimits", Some(&service.ulimits)), ("build.ulimits", build)] {
                for key in limits.into_iter().flat_map(|l| l.keys()) {
                    if LIMITS.contains(&key.value.as_str()) || key.value.contains('$') {
                        continue;
                    }
                    let help = match did_you_mean(&key.value, LIMITS.iter().copied()) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("use one of {}", LIMITS.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")),
                    };
                    out.report(key.span, format!("service `{n}` sets the ulimit `{}`, which is not a resource limit", key.value))
                        .path(format!("services.{n}.{prefix}.{}", key.value))
                        .service(n)
                        .anchor(key.anchor)
                        .help(help);
                }
            }
        }
    }
}
