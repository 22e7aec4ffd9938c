use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a bind mount with `shared` or `rshared` propagation, in the short syntax
    /// (`/mnt:/mnt:rshared`) or the long one (`bind.propagation: rshared`).
    ///
    /// ## Why is this bad?
    /// With shared propagation, mounts the container makes under that path appear on the host,
    /// and the other way round. A container that can mount (with `SYS_ADMIN`, or through a
    /// FUSE helper) can then place file systems over host paths, and the host's later mounts
    /// leak into the container. `rslave` (host to container only) covers the usual need, seeing
    /// mounts the host adds later, without the way back.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   storage:
    ///     image: ghcr.io/acme/storage-agent:1.0.0
    ///     volumes:
    ///       - /mnt/data:/mnt/data:rshared
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   storage:
    ///     image: ghcr.io/acme/storage-agent:1.0.0
    ///     volumes:
    ///       - /mnt/data:/mnt/data:rslave
    /// ```
    pub struct SharedMountPropagation => {
        name: "shared-mount-propagation",
        code: "CG222",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0017", "KICS baa452f0", "CIS Docker 5.20"],
    }
}

impl Rule for SharedMountPropagation {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            for (i, volume) in service.volumes.iter().enumerate() {
                let Some(p) = volume.value.bind.as_ref().and_then(|b| b.propagation.as_ref()) else { continue };
                let mode = p.value.trim();
                if mode != "shared" && mode != "rshared" {
                    continue;
                }
                let span = if p.span.is_empty() { last_occurrence(cx, volume.span, mode) } else { p.span };
                let target = &volume.value.target;
                out.report(span, format!("service `{svc}` mounts `{target}` with `{mode}` propagation"))
                    .path(format!("services.{svc}.volumes[{i}]"))
                    .service(svc)
                    .anchor(volume.anchor)
                    .help("use `rslave` (host mounts reach the container, not the reverse) or the default `rprivate`");
            }
        }
    }
}

/// The last place `needle` is written in `span` (mount options come last in the short syntax).
fn last_occurrence(cx: &Context<'_>, span: Span, needle: &str) -> Span {
    match cx.text(span).rfind(needle) {
        Some(pos) => span.sub(pos, needle.len()),
        None => span,
    }
}
