use crate::rules::prelude::*;
use super::util::written_with_variable;

declare_rule! {
    /// ## What it does
    /// Reports a service that sets `user` to root: `root`, `0`, or either with a group (`0:0`,
    /// `root:root`, `0:1000`).
    ///
    /// ## Why is this bad?
    /// Root in the container is root on the host as far as the kernel is concerned (unless the
    /// daemon remaps users): it owns every file it reaches through a mount, keeps the default
    /// capabilities, and is one kernel bug away from the host. Writing `user: root` also
    /// overrides an image that was built to run unprivileged.
    ///
    /// Run as a numeric non-root user, and give it ownership of the volumes it writes. A value
    /// that comes from a variable (`user: ${UID}`) is not reported, since the file does not say
    /// who it will be.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     user: "0:0"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     user: "10001:10001"
    /// ```
    pub struct RootUser => {
        name: "root-user",
        code: "CG225",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0018", "CIS Docker 4.1"],
    }
}

impl Rule for RootUser {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            let Some(user) = service.user.as_ref() else { continue };
            if !is_root(&user.value) || written_with_variable(cx, user.span, user.anchor) {
                continue;
            }
            out.report(user.span, format!("service `{svc}` runs as root (`user: {}`)", user.value.trim()))
                .path(format!("services.{svc}.user"))
                .service(svc)
                .anchor(user.anchor)
                .help("run as a non-root user (`user: \"10001:10001\"`) and give it ownership of the volumes it writes");
        }
    }
}

/// `root`, `0`, `root:<group>`, `0:<group>`.
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root" || (!name.is_empty() && name.bytes().all(|b| b == b'0'))
}
