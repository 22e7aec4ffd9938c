use super::util::security_opts;
use crate::rules::prelude::*;
use crate::rules::util::find_in;

declare_rule! {
    /// ## What it does
    /// Reports `systempaths=unconfined` in `security_opt`.
    ///
    /// ## Why is this bad?
    /// Docker hides or makes read-only the parts of `/proc` and `/sys` that control the host
    /// kernel: `/proc/sys`, `/proc/sysrq-trigger`, `/proc/kcore`, `/proc/keys`, `/sys/firmware`…
    /// `systempaths=unconfined` unmasks them. Container root can then write
    /// `/proc/sys/kernel/core_pattern`, which is not namespaced, and have the host kernel run a
    /// program of its choice as root on the next crash; or reboot the host through
    /// `sysrq-trigger`. It is meant for nested container runtimes on throwaway hosts only.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   builder:
    ///     image: ghcr.io/acme/builder:1.0.0
    ///     security_opt:
    ///       - systempaths=unconfined
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   builder:
    ///     image: ghcr.io/acme/builder:1.0.0
    ///     security_opt:
    ///       - no-new-privileges:true
    /// ```
    pub struct UnmaskedSystemPaths => {
        name: "unmasked-system-paths",
        code: "CG219",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["Docker docs: --security-opt systempaths=unconfined", "OCI runtime spec: maskedPaths, readonlyPaths"],
    }
}

impl Rule for UnmaskedSystemPaths {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            for (i, opt, v) in security_opts(service, "systempaths") {
                if v != Some("unconfined") {
                    continue;
                }
                out.report(find_in(cx, opt.span, opt.value.trim()), format!("service `{svc}` unmasks the kernel's `/proc` and `/sys` controls (`{}`)", opt.value.trim()))
                    .path(format!("services.{svc}.security_opt[{i}]"))
                    .service(svc)
                    .anchor(opt.anchor)
                    .help("remove `systempaths=unconfined`");
            }
        }
    }
}
