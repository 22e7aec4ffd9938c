use crate::rules::prelude::*;
use crate::rules::reproducibility::image::checked_images;
use crate::rules::util::{parse_image, ImageRef};

declare_rule! {
    /// ## What it does
    /// Reports an `image` that is not a valid image reference: capital letters in the repository
    /// name, a second `:`, a space, a tag longer than 128 characters or starting with `.` or
    /// `-`, a digest of the wrong length.
    ///
    /// A reference is `[registry[:port]/]path[:tag][@digest]`: the path is lowercase letters
    /// and digits, in components separated by `/` and joined by `.`, `_`, `__` or dashes; the
    /// tag is at most 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`; a
    /// `sha256` digest has 64 hex digits. A reference whose variables have no default is judged
    /// only where the file alone decides it.
    ///
    /// ## Why is this bad?
    /// compose accepts any string as an image, and the file passes `docker compose config`; the
    /// engine refuses it when it pulls, builds or runs the service: `docker compose up` stops
    /// with "invalid reference format" (or "repository name must be lowercase").
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/Acme/API:2.0.1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:2.0.1
    /// ```
    pub struct InvalidImageReference => {
        name: "invalid-image-reference",
        code: "CG123",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["Docker reference grammar (distribution/reference)"],
    }
}

impl Rule for InvalidImageReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, _, images) in checked_images(cx) {
            let Some(spec) = images.file() else { continue };
            // a variable without a default decides part of it: only the environment can tell
            if spec.needs_environment() || spec.resolved().is_empty() {
                continue;
            }
            let Some(problem) = reference_problem(spec.resolved()) else { continue };
            let n = &name.value;
            let shown = if spec.written == spec.resolved() {
                format!("`{}`", spec.written)
            } else {
                format!("`{}` (`{}`)", spec.written, spec.resolved())
            };
            out.report(spec.span(), format!("image {shown} of service `{n}` is not a valid reference: {}", problem.message))
                .path(format!("services.{n}.image"))
                .service(n)
                .anchor(spec.anchor())
                .help(problem.help);
        }
    }
}

/// What is wrong with a reference, and how to mend it.
#[derive(Debug, PartialEq, Eq)]
struct Problem {
    message: String,
    help: String,
}

fn problem(message: String, help: impl Into<String>) -> Problem {
    Problem { message, help: help.into() }
}

/// Why the engine refuses `reference`, if it does.
fn reference_problem(reference: &str) -> Option<Problem> {
    // split as the other image rules split it (digest after `@`, tag after the last `:` that
    // follows the last `/`); the name is judged with docker's own registry test below
    let ImageRef { registry, repository, tag, digest } = parse_image(reference);
    let name_len = registry.map_or(0, |r| r.len() + 1) + repository.len();
    let name = reference.get(..name_len).unwrap_or(reference);
    if let Some(d) = digest {
        if let Some(p) = digest_problem(d) {
            return Some(p);
        }
    }
    if let Some(t) = tag {
        if !is_tag(t) {
            return Some(problem(
                format!("`{t}` is not a valid tag"),
                "a tag is at most 128 letters, digits, `_`, `.` and `-`, and does not start with `.` or `-`",
            ));
        }
    }
    name_problem(name)
}

/// The registry and the path of a repository name, as docker splits them: the first component
/// is a registry when it has a `.` or a `:`, is `localhost`, or has capital letters.
fn name_problem(name: &str) -> Option<Problem> {
    if name.is_empty() {
        return Some(problem("the repository name is empty".to_string(), "name the image before its tag or digest"));
    }
    let (registry, path) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" || first.bytes().any(|b| b.is_ascii_uppercase()) => {
            (Some(first), rest)
        }
        _ => (None, name),
    };
    if let Some(r) = registry {
        if !is_registry(r) {
            return Some(problem(format!("`{r}` is not a valid registry host"), "a registry is a host name or address, with an optional `:port`"));
        }
    }
    if name.len() > 255 {
        return Some(problem("the repository name is longer than 255 characters".to_string(), "shorten the repository name"));
    }
    if path.bytes().any(|b| b.is_ascii_uppercase()) {
        let lower = path.to_ascii_lowercase();
        let fixed = registry.map_or_else(|| lower.clone(), |r| format!("{r}/{lower}"));
        if path.split('/').all(|c| is_path_component(&c.to_ascii_lowercase())) {
            return Some(problem(format!("the repository name `{path}` has capital letters"), format!("write it in lowercase: `{fixed}`")));
        }
    }
    if path.contains(':') {
        return Some(problem(
            format!("`{name}` has a second `:`"),
            "a reference has one `:`, before its tag (and one for a registry's port)",
        ));
    }
    if let Some(bad) = path.split('/').find(|c| !is_path_component(c)) {
        let what = if bad.is_empty() { "an empty path component".to_string() } else { format!("`{bad}` is not a valid path component") };
        return Some(problem(
            format!("{what} of the repository name `{path}`"),
            "a repository name is lowercase letters and digits, in components separated by `/` and joined by `.`, `_`, `__` or `-`",
        ));
    }
    None
}

/// `[a-z0-9]+` joined by `.`, `_`, `__` or runs of `-`.
fn is_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: &u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if !b.first().is_some_and(alnum) || !b.last().is_some_and(alnum) {
        return false;
    }
    // the separators (each run between alphanumerics): `.`, `_`, `__` or dashes
    b.split(alnum).filter(|sep| !sep.is_empty()).all(|sep| sep == b"." || sep == b"_" || sep == b"__" || sep.iter().all(|&x| x == b'-'))
}

/// A host name (components of letters, digits and inner dashes, joined by `.`), an IPv6
/// address in brackets, with an optional `:port`.
fn is_registry(r: &str) -> bool {
    let (host, port) = if let Some(rest) = r.strip_prefix('[') {
        let Some((v6, tail)) = rest.split_once(']') else { return false };
        if v6.is_empty() || !v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.') {
            return false;
        }
        if tail.is_empty() {
            return true;
        }
        let Some(port) = tail.strip_prefix(':') else { return false };
        (None, Some(port))
    } else {
        match r.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(r), None),
        }
    };
    let host_ok = host.is_none_or(|h| {
        !h.is_empty()
            && h.split('.').all(|c| {
                let b = c.as_bytes();
                b.first().is_some_and(u8::is_ascii_alphanumeric) && b.last().is_some_and(u8::is_ascii_alphanumeric) && b.iter().all(|&x| x.is_ascii_alphanumeric() || x == b'-')
            })
    });
    host_ok && port.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn is_tag(t: &str) -> bool {
    let b = t.as_bytes();
    let word = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
    b.len() <= 128 && b.first().is_some_and(|&x| word(x)) && b.iter().all(|&x| word(x) || x == b'.' || x == b'-')
}

/// What is wrong with a digest: an algorithm docker knows, and hex digits of its length.
fn digest_problem(d: &str) -> Option<Problem> {
    let help = "a digest is `sha256:` and 64 hex digits, as `docker buildx imagetools inspect IMAGE` prints it";
    let Some((algorithm, hex)) = d.split_once(':') else {
        return Some(problem(format!("`{d}` is not a digest"), help));
    };
    let len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Some(problem(format!("`{algorithm}` is not a digest algorithm docker knows"), help)),
    };
    // (the engine's digest parser takes lowercase hex only: `A-F` is refused)
    if let Some(c) = hex.chars().find(|c| !matches!(c, '0'..='9' | 'a'..='f')) {
        let what = if c.is_ascii_hexdigit() { format!("the uppercase `{c}`: digests are lowercase hex") } else { format!("`{c}`, which is not a hex digit") };
        return Some(problem(format!("the digest `{d}` has {what}"), help));
    }
    if hex.len() != len {
        return Some(problem(format!("the digest `{d}` has {} hex digits after `{algorithm}:`, not {len}", hex.len()), help));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::reference_problem;

    #[test]
    fn references_docker_accepts() {
        let digest = format!("sha256:{}", "a".repeat(64));
        for ok in [
            "nginx",
            "nginx:1.27",
            "library/nginx:1.27-alpine",
            "ghcr.io/acme/api:2.0.1",
            "localhost:5000/app",
            "localhost/app:v1",
            "registry.example.com:443/team/app_x__y.z-w---v:TAG_1.x",
            "[::1]:5000/app:1",
            "Registry.Example.com/app:1",
            "MyHost/app",
            "a/b/c/d:1",
            "app:_x",
            &format!("nginx@{digest}"),
            &format!("nginx:1.27@{digest}"),
        ] {
            assert_eq!(reference_problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn references_docker_refuses() {
        for bad in [
            "Nginx:1.2",
            "ghcr.io/Acme/API:2.0.1",
            "nginx:1.2:3",
            "nginx::1",
            "nginx: 1.2",
            "-nginx",
            "nginx:-tag",
            "nginx:.tag",
            "nginx@sha256:abc",
            "nginx@md5:d41d8cd98f00b204e9800998ecf8427e",
            "app//x",
            "app_-x",
            "app.",
            ":1.0",
            "my app",
            "bad_host:x/app",
        ] {
            assert!(reference_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(reference_problem(&format!("app:{}", "a".repeat(129))).map(|p| p.message), Some(format!("`{}` is not a valid tag", "a".repeat(129))));
        assert_eq!(reference_problem("Nginx:1.2").map(|p| p.help), Some("write it in lowercase: `nginx`".to_string()));
        // the engine's digest parser takes lowercase hex of the algorithm's length only
        let upper = format!("nginx@sha256:{}", "A".repeat(64));
        assert!(reference_problem(&upper).is_some_and(|p| p.message.contains("uppercase `A`")), "{upper}");
        let short = format!("nginx@sha256:{}", "a".repeat(63));
        assert!(reference_problem(&short).is_some_and(|p| p.message.contains("has 63 hex digits after `sha256:`, not 64")), "{short}");
    }
}
