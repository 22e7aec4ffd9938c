use super::util::{parse_go_bool, security_opts};
use crate::rules::prelude::*;
use crate::rules::util::find_in;

declare_rule! {
    /// ## What it does
    /// Reports a service without `no-new-privileges` in `security_opt`, or one that turns it off
    /// (`no-new-privileges:false`).
    ///
    /// Every spelling docker accepts counts: `no-new-privileges`,
    /// `no-new-privileges:true`, `no-new-privileges=true` (and Go's other true values, `1`, `t`).
    ///
    /// Services scaled to zero and services run by a `provider` are not reported.
    ///
    /// ## Why is this bad?
    /// Without it, a process in the container can gain privileges through setuid and setgid
    /// binaries (`su`, `sudo`, `passwd`, a planted one) or file capabilities. An attacker who gets
    /// code execution as the service's unprivileged user can then become container root, which
    /// is the starting point of most escapes. With the flag the kernel refuses any privilege
    /// gain on `execve`; almost no service relies on setuid at run time.
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
    ///     security_opt:
    ///       - no-new-privileges:true
    /// ```
    pub struct NoNewPrivileges => {
        name: "no-new-privileges",
        code: "CG215",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0003", "KICS 27fcc7d6", "CIS Docker 5.26"],
    }
}

impl Rule for NoNewPrivileges {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if !crate::rules::correctness::util::runs_containers(service) {
                continue;
            }
            // docker applies the entries in order: the last one wins
            match security_opts(service, "no-new-privileges").last() {
                Some((_, _, None)) => {}
                Some((i, opt, Some(v))) => match parse_go_bool(v) {
                    Some(true) | None => {}
                    Some(false) => {
                        out.report(find_in(cx, opt.span, opt.value.trim()), format!("service `{svc}` turns `no-new-privileges` off (`{}`)", opt.value.trim()))
                            .path(format!("services.{svc}.security_opt[{i}]"))
                            .service(svc)
                            .anchor(opt.anchor)
                            .help("write `no-new-privileges:true`");
                    }
                },
                None if cx.is_unreadable(svc, "security_opt") => {}
                None => {
                    out.report(name.span, format!("service `{svc}` does not set `no-new-privileges`"))
                        .path(format!("services.{svc}"))
                        .service(svc)
                        .help("add `security_opt: [\"no-new-privileges:true\"]`");
                }
            }
        }
    }
}
