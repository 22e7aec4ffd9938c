//! Helpers shared by rules of several categories.

use composeguard_model::{Span, Spanned};

use crate::context::Context;

/// An image reference split into its parts: `[registry/]repository[:tag][@digest]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// `docker.io` when not written.
    pub registry: Option<&'a str>,
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Splits an image reference. The registry is the first path component when it looks like a host
/// (has a `.` or `:`, or is `localhost`).
pub fn parse_image(reference: &str) -> ImageRef<'_> {
    // One byte scan up to the first `@` finds every separator (`@`, `/`, `:` and `.` are ASCII,
    // so every index is a char boundary): 310 instructions a reference on real files, where a
    // scan for each separator took 430.
    let mut at = None;
    let (mut first_slash, mut last_slash, mut last_colon) = (None, None, None);
    // whether the first path component has a `.` or a `:` (a host's name or port)
    let mut host_like = false;
    for (i, &b) in reference.as_bytes().iter().enumerate() {
        match b {
            b'@' => {
                at = Some(i);
                break;
            }
            b'/' => {
                first_slash = first_slash.or(Some(i));
                last_slash = Some(i);
            }
            b':' => {
                last_colon = Some(i);
                host_like |= first_slash.is_none();
            }
            b'.' => host_like |= first_slash.is_none(),
            _ => {}
        }
    }
    let (name, digest) = match at {
        Some(i) => (reference.get(..i).unwrap_or(reference), reference.get(i + 1..)),
        None => (reference, None),
    };
    // a tag is after the last ':' that comes after the last '/'
    let (name, tag) = match last_colon.filter(|&c| last_slash.is_none_or(|s| c > s)) {
        Some(i) => (name.get(..i).unwrap_or(name), name.get(i + 1..)),
        None => (name, None),
    };
    let (registry, repository) = match first_slash {
        Some(i) => {
            let first = name.get(..i).unwrap_or("");
            let rest = name.get(i + 1..).unwrap_or("");
            if host_like || first == "localhost" {
                (Some(first), rest)
            } else {
                (None, name)
            }
        }
        None => (None, name),
    };
    ImageRef { registry, repository, tag, digest }
}

/// Whether the project is written for `docker stack deploy`: a service sets `deploy.placement`,
/// `update_config`, `rollback_config`, `endpoint_mode` or `labels`, which only swarm reads
/// (compose ignores them), or the project creates an overlay network that standalone containers
/// cannot join (not `attachable`). There, a service without a restart policy restarts (swarm's
/// default is `any`), and the routing mesh publishes a port once for all of a service's replicas.
pub fn written_for_swarm(cx: &Context<'_>) -> bool {
    let swarm_deploy = |d: &composeguard_model::model::Deploy| {
        d.placement.is_some() || d.update_config.is_some() || d.rollback_config.is_some() || d.endpoint_mode.is_some() || !d.labels.is_empty()
    };
    let swarm_network = |n: &composeguard_model::model::Network| {
        n.driver.as_ref().is_some_and(|d| d.value == "overlay")
            && !n.attachable.as_ref().is_some_and(|a| a.value)
            && !n.external.as_ref().is_some_and(|e| e.value.external)
    };
    cx.services().any(|(_, s)| s.deploy.as_deref().is_some_and(swarm_deploy)) || cx.compose().networks.values().flatten().any(swarm_network)
}

/// `text` without one pair of surrounding quotes (`"…"` or `'…'`), as a quoted scalar is written.
pub fn unquoted(text: &str) -> &str {
    ['"', '\''].iter().find_map(|q| text.strip_prefix(*q).and_then(|r| r.strip_suffix(*q))).unwrap_or(text)
}

/// Whether the source text under `span` uses interpolation (`$VAR`, `${VAR…}`), so its final
/// value is not known from the file.
pub fn is_interpolated(cx: &Context<'_>, span: Span) -> bool {
    has_variable(cx.text(span))
}

/// Whether the value is written with a variable (where it is written: at its anchor when it came
/// through an alias), so the environment decides it.
pub fn is_written_with_variable<T>(cx: &Context<'_>, value: &Spanned<T>) -> bool {
    is_interpolated(cx, value.anchor.unwrap_or(value.span))
}

/// Whether text contains a variable reference (`$$` is an escaped dollar, not a variable).
pub fn has_variable(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b.get(i) == Some(&b'$') {
            match b.get(i + 1) {
                Some(b'$') => i += 2,
                Some(c) if *c == b'{' || c.is_ascii_alphabetic() || *c == b'_' => return true,
                _ => i += 1,
            }
        } else {
            i += 1;
        }
    }
    false
}

/// The sub-span of `span` where `needle` is written, when the source shows it verbatim.
pub fn find_in(cx: &Context<'_>, span: Span, needle: &str) -> Span {
    if needle.is_empty() {
        return span;
    }
    match cx.text(span).find(needle) {
        Some(pos) => span.sub(pos, needle.len()),
        None => span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images() {
        let i = parse_image("nginx");
        assert_eq!((i.registry, i.repository, i.tag, i.digest), (None, "nginx", None, None));
        let i = parse_image("localhost:5000/team/app:1.2@sha256:abc");
        assert_eq!((i.registry, i.repository, i.tag, i.digest), (Some("localhost:5000"), "team/app", Some("1.2"), Some("sha256:abc")));
        let i = parse_image("ghcr.io/acme/api:latest");
        assert_eq!((i.registry, i.repository, i.tag), (Some("ghcr.io"), "acme/api", Some("latest")));
        let i = parse_image("library/redis");
        assert_eq!((i.registry, i.repository, i.tag), (None, "library/redis", None));
        // a `:` or `.` after the first `/` is no host's; a `:` before the last `/` is no tag
        let i = parse_image("team/app.v2:1");
        assert_eq!((i.registry, i.repository, i.tag), (None, "team/app.v2", Some("1")));
        let i = parse_image("host:5000/app");
        assert_eq!((i.registry, i.repository, i.tag), (Some("host:5000"), "app", None));
        let i = parse_image("app@sha256:a/b.c");
        assert_eq!((i.registry, i.repository, i.tag, i.digest), (None, "app", None, Some("sha256:a/b.c")));
        let i = parse_image("a:b/c");
        assert_eq!((i.registry, i.repository, i.tag), (Some("a:b"), "c", None));
    }

    #[test]
    fn variables() {
        assert!(has_variable("${TAG:-1}"));
        assert!(has_variable("x$TAG"));
        assert!(!has_variable("a$$b"));
        assert!(!has_variable("cost: 5$"));
    }
}
