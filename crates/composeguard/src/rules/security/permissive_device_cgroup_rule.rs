use crate::rules::prelude::*;
use crate::rules::util::find_in;

declare_rule! {
    /// ## What it does
    /// Reports a `device_cgroup_rules` entry that lets the container read or write every device
    /// (`a`), block devices (`b`), or every character device or the memory devices (`c *:*`,
    /// `c 1:*`).
    ///
    /// ## Why is this bad?
    /// The device cgroup is what stops container root from using device nodes it creates: docker
    /// grants `MKNOD` by default, so with `b *:* rwm` the container can `mknod` the host's disk
    /// and read or rewrite it, file permissions and mounts notwithstanding. A rule for one
    /// specific character device (`c 189:* rwm` for USB, `c 116:* rw` for sound) is how this key
    /// is meant to be used and is not reported.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     device_cgroup_rules:
    ///       - "b *:* rwm"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   app:
    ///     image: ghcr.io/acme/app:1.0.0
    ///     device_cgroup_rules:
    ///       - "c 189:* rwm"
    /// ```
    pub struct PermissiveDeviceCgroupRule => {
        name: "permissive-device-cgroup-rule",
        code: "CG221",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0016", "CIS Docker 5.18"],
    }
}

impl Rule for PermissiveDeviceCgroupRule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            for (i, rule) in service.device_cgroup_rules.iter().enumerate() {
                let Some(what) = too_broad(&rule.value) else { continue };
                out.report(find_in(cx, rule.span, rule.value.trim()), format!("service `{svc}` may use {what} (`{}`)", rule.value.trim()))
                    .path(format!("services.{svc}.device_cgroup_rules[{i}]"))
                    .service(svc)
                    .anchor(rule.anchor)
                    .help("allow only the device type and major number the program needs (`c 189:* rwm`)");
            }
        }
    }
}

/// What a `TYPE MAJOR:MINOR ACCESS` rule opens, when it is too broad.
fn too_broad(rule: &str) -> Option<&'static str> {
    let mut parts = rule.split_whitespace();
    let kind = parts.next()?;
    let numbers = parts.next().unwrap_or("*:*");
    let access = parts.next().unwrap_or("rwm");
    if !access.contains(['r', 'w']) {
        return None;
    }
    let major = numbers.split(':').next().unwrap_or("*");
    match (kind, major) {
        ("a", _) => Some("every host device"),
        ("b", "*") => Some("every host block device (disks)"),
        ("b", _) => Some("host block devices (disks)"),
        ("c", "*") => Some("every host character device"),
        ("c", "1") => Some("the host memory devices"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::too_broad;

    #[test]
    fn rules() {
        assert!(too_broad("a").is_some());
        assert!(too_broad("b *:* rwm").is_some());
        assert!(too_broad("b 8:* r").is_some());
        assert!(too_broad("c *:* rw").is_some());
        assert!(too_broad("c 1:1 rwm").is_some());
        assert!(too_broad("c 189:* rwm").is_none());
        assert!(too_broad("b *:* m").is_none());
    }
}
