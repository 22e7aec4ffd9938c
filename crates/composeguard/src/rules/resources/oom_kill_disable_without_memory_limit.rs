use crate::rules::correctness::util::memory_limit;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `oom_kill_disable: true` on a service without a memory limit.
    ///
    /// ## Why is this bad?
    /// With the OOM killer disabled for the container and no limit of its own, the container can
    /// take all the host's memory and cannot be stopped by the kernel for it: other processes on
    /// the host are killed instead, or the host hangs. The engine only warns about it ("OOM
    /// killer is disabled for the container, but no memory limit is set").
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     oom_kill_disable: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     oom_kill_disable: true
    ///     mem_limit: 2g
    /// ```
    pub struct OomKillDisableWithoutMemoryLimit => {
        name: "oom-kill-disable-without-memory-limit",
        code: "CG404",
        category: Resources,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["Docker Engine memory constraints", "CIS Docker 5.10"],
    }
}

impl Rule for OomKillDisableWithoutMemoryLimit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(flag) = service.oom_kill_disable.as_ref().filter(|f| f.value) else { continue };
            let unread = cx.is_unreadable(&name.value, "mem_limit") || cx.is_unreadable(&name.value, "deploy.resources.limits.memory");
            if unread || memory_limit(service).is_some_and(|m| m.value > 0) {
                continue;
            }
            out.report(flag.span, format!("service `{}` disables the OOM killer without a memory limit", name.value))
                .path(format!("services.{}.oom_kill_disable", name.value))
                .service(&name.value)
                .anchor(flag.anchor)
                .help("set `mem_limit` too, or remove `oom_kill_disable`");
        }
    }
}
