use super::util::security_opts;
use crate::rules::prelude::*;
use crate::rules::util::find_in;

declare_rule! {
    /// ## What it does
    /// Reports `seccomp:unconfined` (or `seccomp=unconfined`) in `security_opt`.
    ///
    /// A `privileged` service is left to the `privileged` rule: docker runs it without seccomp whatever `security_opt` says.
    ///
    /// ## Why is this bad?
    /// Docker's default seccomp profile blocks about fifty system calls that containers do not
    /// need and that keep appearing in kernel exploits and escapes: `keyctl`, `add_key`,
    /// `unshare` and `clone` of new user namespaces, `mount`, `bpf`, `userfaultfd`, `ptrace` on
    /// old kernels, `kexec_load`, `open_by_handle_at`… Turning it off hands the whole kernel
    /// interface to the container.
    ///
    /// If a program needs one blocked call, start from docker's default profile, allow that call,
    /// and pass the file: `seccomp=./seccomp.json`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   browser:
    ///     image: ghcr.io/acme/headless-chrome:126.0.0
    ///     security_opt:
    ///       - seccomp:unconfined
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   browser:
    ///     image: ghcr.io/acme/headless-chrome:126.0.0
    ///     security_opt:
    ///       - seccomp=./chrome-seccomp.json
    /// ```
    pub struct SeccompUnconfined => {
        name: "seccomp-unconfined",
        code: "CG216",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0009", "KICS 404fde2c", "CIS Docker 5.22"],
    }
}

impl Rule for SeccompUnconfined {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if super::util::is_privileged(service) {
                continue;
            }
            for (i, opt, v) in security_opts(service, "seccomp") {
                if v != Some("unconfined") {
                    continue;
                }
                out.report(find_in(cx, opt.span, opt.value.trim()), format!("service `{svc}` disables seccomp (`{}`)", opt.value.trim()))
                    .path(format!("services.{svc}.security_opt[{i}]"))
                    .service(svc)
                    .anchor(opt.anchor)
                    .help("remove the entry, or give a profile that allows only the extra calls the program needs (`seccomp=./profile.json`)");
            }
        }
    }
}
