// Product names (AppArmor, BuildKit…) in the rule docs are prose, not code.
#![allow(clippy::doc_markdown)]

use super::util::normalize_cap;
use crate::rules::prelude::*;
use crate::rules::util::find_in;

declare_rule! {
    /// ## What it does
    /// Reports capabilities in `cap_add` that let a container take over the host.
    ///
    /// They are `SYS_ADMIN`, `SYS_MODULE`, `SYS_RAWIO`, `DAC_READ_SEARCH` and `BPF`. Names are
    /// matched in any case, with or without the `CAP_` prefix.
    ///
    /// A `privileged` service is left to the `privileged` rule: it has every capability whatever `cap_add` says.
    ///
    /// ## Why is this bad?
    /// Each of these is a known escape on its own, with docker's default seccomp and AppArmor
    /// profiles in place:
    ///
    /// - `SYS_ADMIN`: mount file systems and cgroups (the `release_agent` escape), `setns`, most
    ///   of what `privileged` gives;
    /// - `SYS_MODULE`: load a kernel module, i.e. run code in the host kernel;
    /// - `SYS_RAWIO`: raw I/O ports and `/dev/mem`, host memory;
    /// - `DAC_READ_SEARCH`: `open_by_handle_at`, which opens any host file from a mounted one
    ///   (the "Shocker" escape);
    /// - `BPF`: load eBPF programs into the host kernel, read kernel memory.
    ///
    /// Capabilities with a smaller blast radius (`NET_ADMIN`, `SYS_PTRACE`, `SYS_TIME`…) are
    /// reported by `elevated-capability`, `ALL` by `cap-add-all`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   fuse:
    ///     image: ghcr.io/acme/fuse-mounter:1.0.0
    ///     cap_add: [SYS_ADMIN]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   fuse:
    ///     image: ghcr.io/acme/fuse-mounter:1.0.0
    ///     cap_drop: [ALL]
    ///     volumes:
    ///       - data:/data
    /// volumes:
    ///   data:
    /// ```
    pub struct DangerousCapability => {
        name: "dangerous-capability",
        code: "CG212",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0024", "compose-lint CL-0011", "compose-lint CL-0027", "KICS ce76b7d0", "CIS Docker 5.4"],
    }
}

/// Capabilities that are an escape on their own.
pub const HOST_TAKEOVER_CAPS: &[&str] = &["SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH", "BPF"];

impl Rule for DangerousCapability {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if super::util::is_privileged(service) {
                continue;
            }
            for (i, cap) in service.cap_add.iter().enumerate() {
                let norm = normalize_cap(&cap.value);
                if !HOST_TAKEOVER_CAPS.contains(&norm.as_str()) {
                    continue;
                }
                out.report(find_in(cx, cap.span, cap.value.trim()), format!("service `{svc}` adds the capability `{norm}`, which allows escaping to the host"))
                    .path(format!("services.{svc}.cap_add[{i}]"))
                    .service(svc)
                    .anchor(cap.anchor)
                    .help(format!("remove `{norm}` from `cap_add`; find the narrower capability or device the program needs"));
            }
        }
    }
}
