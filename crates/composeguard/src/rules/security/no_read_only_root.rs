use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service whose root file system is writable (no `read_only: true`).
    ///
    /// Services scaled to zero and services run by a `provider` are not reported.
    ///
    /// ## Why is this bad?
    /// With a writable root file system, an attacker who gets code execution can drop tools,
    /// replace the application's files or plant a web shell, and the change survives a process
    /// restart. A read-only root, with `tmpfs` for the few folders that need writes (`/tmp`,
    /// `/run`, caches) and volumes for data, makes the container immutable.
    ///
    /// Off by default: most images write somewhere outside their volumes, so turning it on needs
    /// a per-image list of `tmpfs` folders, and on a typical file it reports every service.
    /// Select it for a hardened baseline (CIS Docker 5.13).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     read_only: true
    ///     tmpfs:
    ///       - /tmp
    /// ```
    pub struct NoReadOnlyRoot => {
        name: "no-read-only-root",
        code: "CG223",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: false,
        sources: ["compose-lint CL-0007", "CIS Docker 5.13"],
    }
}

impl Rule for NoReadOnlyRoot {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if !crate::rules::correctness::util::runs_containers(service) {
                continue;
            }
            match service.read_only.as_ref() {
                Some(r) if r.value => {}
                Some(r) => {
                    out.report(r.span, format!("service `{svc}` has a writable root file system (`read_only: false`)"))
                        .path(format!("services.{svc}.read_only"))
                        .service(svc)
                        .anchor(r.anchor)
                        .help("set `read_only: true` and add `tmpfs` entries for the folders the service writes");
                }
                // a value of the wrong type (`${RO}` unset) is reported as such
                None if cx.is_unreadable(svc, "read_only") => {}
                None => {
                    out.report(name.span, format!("service `{svc}` has a writable root file system (no `read_only: true`)"))
                        .path(format!("services.{svc}"))
                        .service(svc)
                        .help("set `read_only: true` and add `tmpfs` entries for the folders the service writes");
                }
            }
        }
    }
}
