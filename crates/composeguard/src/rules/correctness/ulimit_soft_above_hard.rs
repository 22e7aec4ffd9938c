use crate::rules::correctness::util::related_opt;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a ulimit whose `soft` value is above its `hard` value.
    ///
    /// Unlimited values (`-1`) are not compared.
    ///
    /// ## Why is this bad?
    /// The kernel refuses a soft limit above the hard limit (`setrlimit` fails with `EINVAL`), so
    /// the container cannot start, although `docker compose config` accepts the file. Usually the
    /// two numbers were swapped.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   search:
    ///     image: opensearchproject/opensearch:2.17.0
    ///     ulimits:
    ///       nofile:
    ///         soft: 65536
    ///         hard: 20000
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   search:
    ///     image: opensearchproject/opensearch:2.17.0
    ///     ulimits:
    ///       nofile:
    ///         soft: 20000
    ///         hard: 65536
    /// ```
    pub struct UlimitSoftAboveHard => {
        name: "ulimit-soft-above-hard",
        code: "CG104",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec ulimits", "setrlimit(2)"],
    }
}

impl Rule for UlimitSoftAboveHard {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            for (limit, value) in &service.ulimits {
                let (Some(soft), Some(hard)) = (&value.value.soft, &value.value.hard) else { continue };
                if soft.value < 0 || hard.value < 0 || soft.value <= hard.value {
                    continue;
                }
                let f = out
                    .report(
                        soft.span,
                        format!(
                            "service `{}` sets the soft `{}` limit ({}) above the hard limit ({})",
                            name.value, limit.value, soft.value, hard.value
                        ),
                    )
                    .path(format!("services.{}.ulimits.{}.soft", name.value, limit.value))
                    .service(&name.value)
                    .anchor(soft.anchor)
                    .help("make `soft` at most `hard` (were the two swapped?)");
                related_opt(f, Some(hard.anchor.unwrap_or(hard.span)), "hard limit set here");
            }
        }
    }
}
