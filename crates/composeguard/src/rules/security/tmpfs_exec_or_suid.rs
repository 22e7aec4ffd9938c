use super::util::find_after;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `tmpfs` entry whose options turn on `exec` or `suid` (`/tmp:exec`,
    /// `/run:rw,suid,size=64m`).
    ///
    /// ## Why is this bad?
    /// Docker mounts a service's `tmpfs` folders `noexec,nosuid,nodev`. That is what makes a
    /// read-only root file system worth having: an attacker can still write to `/tmp`, but cannot
    /// run what they write there, nor use a setuid binary they drop. `exec` and `suid` give
    /// those back. If a program insists on running files from a temporary folder, prefer fixing
    /// its configuration (a different `TMPDIR` for one tool) to opening every tmpfs.
    ///
    /// (The long volume syntax, `type: tmpfs`, has no way to set these options, so only the
    /// `tmpfs` key is checked.) `dev` is not reported: a device node made on the tmpfs is still
    /// refused by the container's device cgroup, so it opens nothing the service could not reach
    /// already.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     read_only: true
    ///     tmpfs:
    ///       - /tmp:exec
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     read_only: true
    ///     tmpfs:
    ///       - /tmp:size=64m
    /// ```
    pub struct TmpfsExecOrSuid => {
        name: "tmpfs-exec-or-suid",
        code: "CG224",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0022"],
    }
}

impl Rule for TmpfsExecOrSuid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            let Some(tmpfs) = service.tmpfs.as_ref() else { continue };
            for (i, entry) in tmpfs.iter().enumerate() {
                let Some((path, options)) = entry.value.split_once(':') else { continue };
                for option in options.split(',').map(str::trim).filter(|o| *o == "exec" || *o == "suid") {
                    out.report(find_after(cx, entry.span, ":", option), format!("service `{svc}` mounts tmpfs `{path}` with `{option}`"))
                        .path(format!("services.{svc}.tmpfs[{i}]"))
                        .service(svc)
                        .anchor(entry.anchor)
                        .help(format!("remove `{option}`; docker's default is `noexec,nosuid,nodev`"));
                }
            }
        }
    }
}
