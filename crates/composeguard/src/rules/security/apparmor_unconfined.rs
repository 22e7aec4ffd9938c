// Product names (AppArmor, BuildKit…) in the rule docs are prose, not code.
#![allow(clippy::doc_markdown)]

use super::util::security_opts;
use crate::rules::prelude::*;
use crate::rules::util::find_in;

declare_rule! {
    /// ## What it does
    /// Reports `apparmor:unconfined` (or `apparmor=unconfined`) in `security_opt`.
    ///
    /// A `privileged` service is left to the `privileged` rule: docker runs it without AppArmor whatever `security_opt` says.
    ///
    /// ## Why is this bad?
    /// On hosts with AppArmor (Ubuntu, Debian, SUSE), docker confines every container with its
    /// `docker-default` profile: no `mount`, no writes to `/proc/sys` and most of `/sys`, no
    /// access to `/proc/sysrq-trigger` or `/proc/kcore`, no ptrace of processes outside the
    /// profile. `unconfined` removes those walls, so a capability or mount mistake elsewhere
    /// becomes an escape.
    ///
    /// If the default profile blocks something the program needs, load a custom profile on the
    /// host and name it: `apparmor=my-profile`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     security_opt:
    ///       - apparmor:unconfined
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     security_opt:
    ///       - apparmor=acme-app
    /// ```
    pub struct ApparmorUnconfined => {
        name: "apparmor-unconfined",
        code: "CG217",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0009", "CIS Docker 5.2"],
    }
}

impl Rule for ApparmorUnconfined {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if super::util::is_privileged(service) {
                continue;
            }
            for (i, opt, v) in security_opts(service, "apparmor") {
                if v != Some("unconfined") {
                    continue;
                }
                out.report(find_in(cx, opt.span, opt.value.trim()), format!("service `{svc}` runs without AppArmor confinement (`{}`)", opt.value.trim()))
                    .path(format!("services.{svc}.security_opt[{i}]"))
                    .service(svc)
                    .anchor(opt.anchor)
                    .help("remove the entry, or name a custom AppArmor profile (`apparmor=<profile>`)");
            }
        }
    }
}
