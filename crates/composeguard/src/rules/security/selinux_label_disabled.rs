// Product names (AppArmor, BuildKit…) in the rule docs are prose, not code.
#![allow(clippy::doc_markdown)]

use super::util::security_opts;
use crate::rules::prelude::*;
use crate::rules::util::find_in;

declare_rule! {
    /// ## What it does
    /// Reports `label:disable` (or `label=disable`) in `security_opt`.
    ///
    /// A `privileged` service is left to the `privileged` rule: docker runs it without SELinux separation whatever `security_opt` says.
    ///
    /// ## Why is this bad?
    /// On SELinux hosts (Fedora, RHEL, CentOS), each container runs in its own SELinux context
    /// and can only touch files labelled for it. `label:disable` runs it as `spc_t`, an
    /// unconfined type: any host file it can reach through a mount, and any other container's
    /// files, are open to it. It is usually added to make a bind mount readable; relabel the
    /// mount instead (`:z` for shared content, `:Z` for private).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     volumes:
    ///       - ./data:/data
    ///     security_opt:
    ///       - label:disable
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     volumes:
    ///       - ./data:/data:Z
    /// ```
    pub struct SelinuxLabelDisabled => {
        name: "selinux-label-disabled",
        code: "CG218",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0009", "CIS Docker 5.3"],
    }
}

impl Rule for SelinuxLabelDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if super::util::is_privileged(service) {
                continue;
            }
            for (i, opt, v) in security_opts(service, "label") {
                if v != Some("disable") {
                    continue;
                }
                out.report(find_in(cx, opt.span, opt.value.trim()), format!("service `{svc}` disables SELinux separation (`{}`)", opt.value.trim()))
                    .path(format!("services.{svc}.security_opt[{i}]"))
                    .service(svc)
                    .anchor(opt.anchor)
                    .help("remove the entry; relabel bind mounts with `:z` or `:Z` instead");
            }
        }
    }
}
