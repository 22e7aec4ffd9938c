use crate::rules::prelude::*;
use crate::rules::util::is_written_with_variable;

declare_rule! {
    /// ## What it does
    /// Reports a `security_opt` entry the engine refuses: an option other than `label`,
    /// `apparmor`, `seccomp`, `no-new-privileges`, `systempaths`, `writable-cgroups` and, on
    /// Windows, `credentialspec` (`no_new_privileges:true` is the usual slip), an option without a value, or
    /// `no-new-privileges`/`writable-cgroups` with a value that is not a boolean.
    ///
    /// An option and its value are separated by `=` or by `:`; `no-new-privileges` alone means
    /// `true`.
    ///
    /// ## Why is this bad?
    /// compose accepts any string; the engine refuses to create the container ("invalid
    /// --security-opt"), so `docker compose up` fails.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     security_opt:
    ///       - no_new_privileges:true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     security_opt:
    ///       - no-new-privileges:true
    /// ```
    pub struct InvalidSecurityOpt => {
        name: "invalid-security-opt",
        code: "CG129",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["Docker Engine --security-opt"],
    }
}

/// The options docker reads (`credentialspec`: a Windows engine's, for gMSA accounts).
const OPTIONS: &[&str] = &["label", "apparmor", "seccomp", "no-new-privileges", "systempaths", "writable-cgroups", "credentialspec"];

/// What is wrong with a `security_opt` entry, as docker reads it, and how to mend it.
fn problem(opt: &str) -> Option<(String, String)> {
    if opt == "no-new-privileges" || opt == "disable" {
        return None;
    }
    let Some((key, value)) = opt.split_once('=').or_else(|| opt.split_once(':')) else {
        let known = OPTIONS.contains(&opt);
        return Some((
            if known { format!("`{opt}` needs a value") } else { format!("`{opt}` is not a security option") },
            "write `OPTION=VALUE`, such as `no-new-privileges=true` or `apparmor=PROFILE`".to_string(),
        ));
    };
    if !OPTIONS.contains(&key) {
        let fixed = key.to_ascii_lowercase().replace('_', "-");
        let help = if OPTIONS.contains(&fixed.as_str()) {
            format!("did you mean `{fixed}`?")
        } else {
            format!("the options are {}", OPTIONS.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", "))
        };
        return Some((format!("`{key}` is not a security option"), help));
    }
    let boolean = matches!(value, "1" | "t" | "T" | "TRUE" | "true" | "True" | "0" | "f" | "F" | "FALSE" | "false" | "False");
    if matches!(key, "no-new-privileges" | "writable-cgroups") && !boolean {
        return Some((format!("`{key}` takes `true` or `false`, not `{value}`"), format!("write `{key}=true`")));
    }
    None
}

impl Rule for InvalidSecurityOpt {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            for (i, opt) in service.security_opt.iter().enumerate() {
                if is_written_with_variable(cx, opt) {
                    continue;
                }
                let Some((why, help)) = problem(&opt.value) else { continue };
                out.report(opt.span, format!("service `{n}` has the security option `{}`, which the engine refuses: {why}", opt.value))
                    .path(format!("services.{n}.security_opt[{i}]"))
                    .service(n)
                    .anchor(opt.anchor)
                    .help(help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn options() {
        for ok in [
            "no-new-privileges",
            "no-new-privileges:true",
            "no-new-privileges=false",
            "apparmor=unconfined",
            "apparmor:docker-default",
            "seccomp:unconfined",
            "seccomp=/etc/docker/seccomp.json",
            "label=disable",
            "label:type:container_t",
            "credentialspec=file://gmsa.json",
            "credentialspec=registry://gmsa",
            "disable",
            "systempaths=unconfined",
            "writable-cgroups=true",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in ["no_new_privileges:true", "no-new-privileges:yes", "apparmor", "selinux=disable", "privileged=true", "nonewprivileges"] {
            assert!(problem(bad).is_some(), "{bad}");
        }
        assert_eq!(problem("no_new_privileges:true").map(|p| p.1), Some("did you mean `no-new-privileges`?".to_string()));
    }
}
