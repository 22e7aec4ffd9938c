use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service that does not set `user`.
    ///
    /// Services scaled to zero and services run by a `provider` are not reported.
    ///
    /// ## Why is this bad?
    /// Without `user`, the container runs as whatever the image says, and for most images
    /// (official database, language and web server images included) that is root. The compose
    /// file then gives no guarantee: an image update can change it. Setting `user` makes the
    /// choice explicit and reviewable.
    ///
    /// Off by default: many images drop to an unprivileged user themselves after start-up (the
    /// official `postgres`, `redis`, `nginx` entrypoints do), which a compose file cannot show,
    /// so on a typical file this reports services that are fine. Select it when your images
    /// are expected to run as a declared user (CIS Docker 4.1).
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
    ///     user: "10001:10001"
    /// ```
    pub struct NoUser => {
        name: "no-user",
        code: "CG226",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: false,
        sources: ["CIS Docker 4.1", "compose-lint CL-0018"],
    }
}

impl Rule for NoUser {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if service.user.is_some() || !crate::rules::correctness::util::runs_containers(service) || cx.is_unreadable(svc, "user") {
                continue;
            }
            out.report(name.span, format!("service `{svc}` does not set `user`"))
                .path(format!("services.{svc}"))
                .service(svc)
                .help("set `user` to a numeric non-root user and group (`user: \"10001:10001\"`)");
        }
    }
}
