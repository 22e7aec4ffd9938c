use composeguard_model::project::normalize_path;

use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service volume whose container path is mounted again later in the same list.
    ///
    /// Both the short and the long syntax count.
    ///
    /// ## Why is this bad?
    /// compose merges volumes by target path and keeps only the last one, without a warning. The
    /// earlier mount is silently dropped: the data you expect from it (a config folder, a named
    /// volume with state) is not there. A `tmpfs` on the same path is a different case, which
    /// compose refuses (`duplicate-mount-target`).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     volumes:
    ///       - pgdata:/var/lib/postgresql/data
    ///       - ./backup:/var/lib/postgresql/data
    /// volumes:
    ///   pgdata: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     volumes:
    ///       - pgdata:/var/lib/postgresql/data
    ///       - ./backup:/backup
    /// volumes:
    ///   pgdata: {}
    /// ```
    pub struct VolumeTargetOverridden => {
        name: "volume-target-overridden",
        code: "CG113",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec volumes"],
    }
}

impl Rule for VolumeTargetOverridden {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            // compose merges by target as read: the short syntax cleans the path, the long one
            // keeps it as written (a long `/data/` next to a short `/data` is a spec error)
            let targets: Vec<String> = service
                .volumes
                .iter()
                .map(|v| if v.value.short { normalize_path(&v.value.target) } else { v.value.target.clone() })
                .collect();
            for (i, volume) in service.volumes.iter().enumerate() {
                let Some(target) = targets.get(i).filter(|t| !t.is_empty() && *t != ".") else { continue };
                let later = targets.iter().enumerate().skip(i + 1).find(|(_, t)| *t == target);
                let Some((j, _)) = later else { continue };
                let Some(winner) = service.volumes.get(j) else { continue };
                // the same mount written twice: compose keeps one, and the container has it
                if same_text(cx.text(volume.anchor.unwrap_or(volume.span)), cx.text(winner.anchor.unwrap_or(winner.span))) {
                    continue;
                }
                out.report(
                    volume.span,
                    format!("service `{}` mounts `{target}` again later, so compose drops this mount", name.value),
                )
                .path(format!("services.{}.volumes[{i}]", name.value))
                .service(&name.value)
                .anchor(volume.anchor)
                .related(winner.span, "this later mount replaces it")
                .help("mount each container path once: remove one of the two, or change its target");
            }
        }
    }
}

/// Whether two short-syntax entries are written the same, quotes aside.
fn same_text(a: &str, b: &str) -> bool {
    fn unquoted(t: &str) -> &str {
        t.trim().trim_matches(['"', '\''])
    }
    !a.contains('\n') && unquoted(a) == unquoted(b)
}
