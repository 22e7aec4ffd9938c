use crate::rules::correctness::util::{human_bytes, memory_limit};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `memswap_limit` without a memory limit, or below it.
    ///
    /// `memswap_limit` is memory plus swap, so it cannot be smaller than the memory limit; `-1`
    /// means unlimited swap and is fine.
    ///
    /// ## Why is this bad?
    /// compose accepts the values, but the engine refuses to create the container ("You should
    /// always set the Memory limit when using Memoryswap limit", "Minimum memoryswap limit should
    /// be larger than memory limit"), so `docker compose up` fails. A `memswap_limit` below
    /// `mem_limit` is usually a misunderstanding: it is the total, not the swap alone.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     mem_limit: 1g
    ///     memswap_limit: 512m
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     mem_limit: 1g
    ///     memswap_limit: 1536m
    /// ```
    pub struct InvalidMemswapLimit => {
        name: "invalid-memswap-limit",
        code: "CG117",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec memswap_limit", "Docker Engine memory constraints"],
    }
}

impl Rule for InvalidMemswapLimit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(swap) = service.memswap_limit.as_ref().filter(|s| s.value.0 > 0) else { continue };
            let n = &name.value;
            match memory_limit(service).filter(|m| m.value > 0) {
                None => {
                    out.report(swap.span, format!("service `{n}` sets `memswap_limit` without a memory limit"))
                        .path(format!("services.{n}.memswap_limit"))
                        .service(n)
                        .anchor(swap.anchor)
                        .help("set `mem_limit` (or `deploy.resources.limits.memory`) too, or remove `memswap_limit`");
                }
                Some(mem) if swap.value.0 < mem.value => {
                    out.report(
                        swap.span,
                        format!(
                            "service `{n}` sets `memswap_limit` ({}) below its memory limit ({})",
                            human_bytes(swap.value.0),
                            human_bytes(mem.value)
                        ),
                    )
                    .path(format!("services.{n}.memswap_limit"))
                    .service(n)
                    .anchor(swap.anchor)
                    .related(mem.anchor.unwrap_or(mem.span), format!("`{}` set here", mem.key))
                    .help("`memswap_limit` is memory plus swap: make it at least the memory limit, or `-1` for unlimited swap");
                }
                Some(_) => {}
            }
        }
    }
}
