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
            // the next entry with each entry's target, found from the end (a scan per entry made
            // 20 000 volumes take a fifth of a second)
            let mut next_same: Vec<Option<usize>> = vec![None; targets.len()];
            let mut latest: composeguard_model::HashMap<String, usize> = composeguard_model::HashMap::default();
            for (i, t) in targets.iter().enumerate().rev() {
                if let Some(slot) = next_same.get_mut(i) {
                    *slot = latest.insert(t.clone(), i);
                }
            }
            for (i, volume) in service.volumes.iter().enumerate() {
                let Some(target) = targets.get(i).filter(|t| !t.is_empty() && *t != ".") else { continue };
                let Some(j) = next_same.get(i).copied().flatten() else { continue };
                let Some(winner) = service.volumes.get(j) else { continue };
                // the same mount written twice: compose keeps one, and the container has it
                if same_mount(&volume.value, &winner.value) {
                    continue;
                }
                let message = if source(&volume.value) == source(&winner.value) && volume.value.r#type == winner.value.r#type {
                    format!("service `{}` mounts `{target}` again later with other options, so compose drops these", name.value)
                } else {
                    format!("service `{}` mounts `{target}` again later, so compose drops this mount", name.value)
                };
                out.report(volume.span, message)
                .path(format!("services.{}.volumes[{i}]", name.value))
                .service(&name.value)
                .anchor(volume.anchor)
                .related(winner.span, "this later mount replaces it")
                .help("mount each container path once: remove one of the two, or change its target");
            }
        }
    }
}

/// Whether two entries mount the same thing the same way, whatever their syntax: the same kind,
/// source, access and options. (`create_host_path` and `consistency` are left out: they change
/// nothing in the container once the mount exists.)
fn same_mount(a: &ServiceVolume, b: &ServiceVolume) -> bool {
    a.r#type == b.r#type
        && a.read_only == b.read_only
        && source(a) == source(b)
        && bind(a) == bind(b)
        && volume(a) == volume(b)
        && tmpfs(a) == tmpfs(b)
        && a.image.as_deref().and_then(|o| v(o.subpath.as_deref())) == b.image.as_deref().and_then(|o| v(o.subpath.as_deref()))
}

fn v<T>(f: Option<&Spanned<T>>) -> Option<&T> {
    f.map(|s| &s.value)
}

fn source(m: &ServiceVolume) -> Option<String> {
    m.source.as_deref().map(|s| if m.r#type == MountType::Bind { normalize_path(s) } else { s.to_string() })
}

/// A bind mount's `propagation`, `recursive` and `selinux`.
type BindOptions<'a> = (Option<&'a String>, Option<&'a BindRecursive>, Option<&'a SeLinux>);

/// A mount's bind options (options written as an empty section are none).
fn bind(m: &ServiceVolume) -> Option<BindOptions<'_>> {
    m.bind.as_deref().map(|o| (v(o.propagation.as_deref()), v(o.recursive.as_deref()), v(o.selinux.as_deref()))).filter(|o| *o != (None, None, None))
}

/// A volume mount's `nocopy`, `subpath` and labels.
type VolumeOptions<'a> = (bool, Option<&'a String>, Vec<(&'a String, Option<&'a String>)>);

/// A mount's volume options (options written as an empty section are none).
fn volume(m: &ServiceVolume) -> Option<VolumeOptions<'_>> {
    let o = m.volume.as_deref()?;
    let labels: Vec<_> = o.labels.entries.iter().map(|e| (&e.key.value, e.value.as_ref().map(|x| &x.value))).collect();
    let nocopy = v(o.nocopy.as_deref()).copied().unwrap_or(false);
    let subpath = v(o.subpath.as_deref());
    (nocopy || subpath.is_some() || !labels.is_empty()).then_some((nocopy, subpath, labels))
}

fn tmpfs(m: &ServiceVolume) -> Option<(Option<ByteSize>, Option<Number>)> {
    m.tmpfs.as_deref().map(|o| (v(o.size.as_deref()).copied(), v(o.mode.as_deref()).copied()))
}
