// Product names (AppArmor, BuildKit…) in the rule docs are prose, not code.
#![allow(clippy::doc_markdown)]

use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service, lifecycle hook or build that runs privileged.
    ///
    /// That is `privileged: true` on the service, on a `post_start` or `pre_stop` hook, or on
    /// its build (`build.privileged`), and the `security.insecure` build entitlement.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, every host device, no seccomp or AppArmor
    /// profile and a writable `/sys`: its root user is root on the host. Escaping takes one
    /// command (mount the host disk, load a kernel module, write a cgroup release agent). A
    /// privileged hook runs its command with the same powers inside the container, and a
    /// privileged build runs `RUN` steps with them on the build host.
    ///
    /// Grant what the workload needs instead: a capability in `cap_add`, one device in
    /// `devices`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: ghcr.io/acme/agent:2.1.0
    ///     privileged: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   agent:
    ///     image: ghcr.io/acme/agent:2.1.0
    ///     cap_drop: [ALL]
    ///     cap_add: [NET_BIND_SERVICE]
    /// ```
    pub struct Privileged => {
        name: "privileged",
        code: "CG201",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0002", "KICS ae5b6871", "CIS Docker 5.5"],
    }
}

impl Rule for Privileged {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if let Some(p) = service.privileged.as_ref().filter(|p| p.value) {
                out.report(p.span, format!("service `{svc}` runs privileged (`privileged: true`)"))
                    .path(format!("services.{svc}.privileged"))
                    .service(svc)
                    .anchor(p.anchor)
                    .help("remove `privileged: true`; add only the capabilities (`cap_add`) and `devices` the service needs");
            }
            for (hook_key, hooks) in [("post_start", &service.post_start), ("pre_stop", &service.pre_stop)] {
                for (i, hook) in hooks.iter().enumerate() {
                    if let Some(p) = hook.privileged.as_ref().filter(|p| p.value) {
                        out.report(p.span, format!("service `{svc}` runs its `{hook_key}` hook privileged"))
                            .path(format!("services.{svc}.{hook_key}[{i}].privileged"))
                            .service(svc)
                            .anchor(p.anchor)
                            .help("remove `privileged: true` from the hook; give the hook's command only what it needs");
                    }
                }
            }
            let Some(build) = service.build.as_ref() else { continue };
            if let Some(p) = build.value.config.privileged.as_ref().filter(|p| p.value) {
                out.report(p.span, format!("service `{svc}` builds with `privileged: true`"))
                    .path(format!("services.{svc}.build.privileged"))
                    .service(svc)
                    .anchor(p.anchor)
                    .help("remove `build.privileged`; builds rarely need more than the default sandbox");
            }
            for (i, e) in build.value.config.entitlements.iter().enumerate() {
                if e.value == "security.insecure" {
                    out.report(e.span, format!("service `{svc}` builds with the `security.insecure` entitlement"))
                        .path(format!("services.{svc}.build.entitlements[{i}]"))
                        .service(svc)
                        .anchor(e.anchor)
                        .help("remove `security.insecure`; it runs `RUN --security=insecure` steps privileged on the build host");
                }
            }
        }
    }
}
