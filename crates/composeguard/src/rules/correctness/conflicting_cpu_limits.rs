use crate::rules::correctness::util::cpu_limit;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a CPU limit set both as `cpus` and as `cpu_quota` or `cpu_period`.
    ///
    /// `deploy.resources.limits.cpus` counts as `cpus`.
    ///
    /// ## Why is this bad?
    /// `cpus` is a shorthand the engine turns into a CFS quota and period itself. It refuses to
    /// get both ("Conflicting options: Nano CPUs and CPU Period cannot both be set"), so
    /// `docker compose up` fails although `docker compose config` accepts the file.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   encoder:
    ///     image: ghcr.io/acme/encoder:0.9.3
    ///     cpus: 1.5
    ///     cpu_period: 100000
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   encoder:
    ///     image: ghcr.io/acme/encoder:0.9.3
    ///     cpus: 1.5
    /// ```
    pub struct ConflictingCpuLimits => {
        name: "conflicting-cpu-limits",
        code: "CG115",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec cpus", "Docker Engine CPU constraints"],
    }
}

impl Rule for ConflictingCpuLimits {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(cpus) = cpu_limit(service).filter(|c| c.value > 0.0) else { continue };
            for (key, field) in [("cpu_quota", &service.cpu_quota), ("cpu_period", &service.cpu_period)] {
                let Some(v) = field.as_ref().filter(|v| v.value.0 > 0.0) else { continue };
                out.report(
                    v.span,
                    format!("service `{}` sets both `{}` and `{key}`, which the engine refuses", name.value, cpus.key),
                )
                .path(format!("services.{}.{key}", name.value))
                .service(&name.value)
                .anchor(v.anchor)
                .related(cpus.anchor.unwrap_or(cpus.span), format!("`{}` set here", cpus.key))
                .help(format!("remove `{key}`: `{}` already sets the CPU quota", cpus.key));
            }
        }
    }
}
