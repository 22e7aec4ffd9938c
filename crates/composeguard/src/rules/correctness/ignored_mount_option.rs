use crate::rules::correctness::util::node_at;
use crate::rules::prelude::*;
use crate::rules::util::{is_written_with_variable, unquoted};

declare_rule! {
    /// ## What it does
    /// Reports an option of a mount in the short syntax (`SOURCE:TARGET:OPTIONS`) that compose
    /// does not know, such as `readonly`, `read-only`, `RO` or `rwx`.
    ///
    /// ## Why is this bad?
    /// compose reads `ro`, `rw`, `z`, `Z`, `nocopy` and the propagations (`shared`, `slave`,
    /// `private`, each also with an `r`) and drops every other option without a word: the mount
    /// is made as if the option were not there. `./certs:/certs:readonly` mounts the folder
    /// read-write, and the container can change what it was meant only to read. (The
    /// consistency options `cached`, `delegated` and `consistent` are dropped too, but on
    /// purpose: they only ever meant something to Docker Desktop, and are not reported.)
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     volumes:
    ///       - ./certs:/etc/nginx/certs:readonly
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     volumes:
    ///       - ./certs:/etc/nginx/certs:ro
    /// ```
    pub struct IgnoredMountOption => {
        name: "ignored-mount-option",
        code: "CG134",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec volumes short syntax", "compose-go ParseVolume"],
    }
}

/// The options compose reads in the short syntax.
const KNOWN: &[&str] = &["ro", "rw", "z", "Z", "nocopy", "shared", "rshared", "slave", "rslave", "private", "rprivate"];

/// Options compose drops on purpose (Docker Desktop's old file-sharing consistency).
const CONSISTENCY: &[&str] = &["cached", "delegated", "consistent"];

/// What an unknown option was likely meant to be.
fn meant(option: &str) -> Option<&'static str> {
    let lower = option.to_ascii_lowercase();
    match lower.as_str() {
        "ro" | "readonly" | "read-only" | "read_only" | "r" => Some("ro"),
        "rw" | "readwrite" | "read-write" | "read_write" | "w" | "rwx" => Some("rw"),
        "nocpy" | "no-copy" | "no_copy" => Some("nocopy"),
        _ => composeguard_model::de::did_you_mean(&lower, KNOWN.iter().copied()),
    }
}

/// The options of a short-syntax mount, as compose reads them: from the source text when it
/// shows the value as is (most mounts: no escapes, no variables), else from the loaded tree
/// (a walk from its root, so only when needed).
fn mount_options(cx: &Context<'_>, mount: &Spanned<ServiceVolume>) -> Option<String> {
    let raw = cx.text(mount.anchor.unwrap_or(mount.span));
    let text = unquoted(raw);
    // (byte tests: the characters are ASCII, and most mounts have neither them nor options)
    let spec = if text.bytes().any(|b| matches!(b, b'$' | b'\\' | b'\'' | b'"' | b'\n' | b'#')) {
        node_at(cx, mount.span).and_then(Node::as_str)?
    } else {
        text
    };
    composeguard_model::model::volume_spec_options(spec)
}

/// The options compose knows, for the help.
const OPTIONS: &str = "options are `ro` or `rw`, `z` or `Z`, `nocopy` and a propagation (`shared`, `slave`, `private`, or the same with an `r` in front), joined by commas";

impl Rule for IgnoredMountOption {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            for (i, mount) in service.volumes.iter().enumerate() {
                if !mount.value.short || is_written_with_variable(cx, mount) {
                    continue;
                }
                let Some(options) = mount_options(cx, mount) else { continue };
                // where the options are written, when the source shows them verbatim
                let written = cx.text(mount.span).rfind(options.as_str());
                let mut offset = 0;
                for option in options.split(',') {
                    let at = written.map_or(mount.span, |w| mount.span.sub(w + offset, option.len()));
                    offset += option.len() + 1;
                    if option.is_empty() || KNOWN.contains(&option) || CONSISTENCY.contains(&option) {
                        continue;
                    }
                    let guess = meant(option);
                    // `RW` or `rwx` are dropped, but the mount is read-write as meant
                    if guess == Some("rw") {
                        continue;
                    }
                    // what is lost: read-only access, or just the option
                    let result = if guess == Some("ro") && !mount.value.read_only { ": the mount is read-write" } else { "" };
                    let message = format!("service `{n}` mounts `{}` with `{option}`, an option compose ignores{result}", mount.value.target);
                    let help = match guess {
                        Some(g) => format!("did you mean `{g}`? The {OPTIONS}"),
                        None => format!("the {OPTIONS}: remove this one"),
                    };
                    out.report(at, message)
                        .path(format!("services.{n}.volumes[{i}]"))
                        .service(n)
                        .anchor(mount.anchor)
                        .help(help);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::meant;

    #[test]
    fn guesses() {
        assert_eq!(meant("readonly"), Some("ro"));
        assert_eq!(meant("RO"), Some("ro"));
        assert_eq!(meant("rshare"), Some("rshared"));
        assert_eq!(meant("RW"), Some("rw"));
        assert_eq!(meant("bogus"), None);
    }
}
