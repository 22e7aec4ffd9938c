use crate::rules::prelude::*;
use crate::rules::util::is_interpolated;

declare_rule! {
    /// ## What it does
    /// Reports a git build context with no pinned reference: no `#ref`, or a branch.
    ///
    /// Both `build.context` and `build.additional_contexts` are checked; branches are a missing
    /// reference, `refs/heads/…`, and well-known names such as `main`, `master` or `HEAD`.
    ///
    /// ## Why is this bad?
    /// A git context builds whatever the branch points at when the build runs. Two builds of the
    /// same compose file produce different images, and a force-push upstream changes what you
    /// ship without a trace in your repository. A tag or a commit makes the build repeatable.
    ///
    /// A reference that is neither a well-known branch name nor missing (`#v1.4.2`, a commit
    /// hash) is taken as pinned.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   docs:
    ///     build: https://github.com/acme/docs.git#main
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   docs:
    ///     build: https://github.com/acme/docs.git#v2.3.0
    /// ```
    pub struct UnpinnedBuildContext => {
        name: "unpinned-build-context",
        code: "CG507",
        category: Reproducibility,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec (build.context git URLs)", "BuildKit git contexts"],
    }
}

/// Branch names that are never a fixed point.
const BRANCHES: &[&str] = &["main", "master", "head", "develop", "development", "dev", "trunk", "next", "stable", "latest", "nightly", "edge"];

/// Where a git context's reference stands.
#[derive(Debug, PartialEq, Eq)]
enum GitRef<'a> {
    Missing,
    Branch(&'a str),
    Pinned,
}

/// The reference of a git build context, or `None` when the context is not a git URL.
fn git_ref(context: &str) -> Option<GitRef<'_>> {
    let (url, fragment) = match context.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (context, None),
    };
    let (url, query) = match url.split_once('?') {
        Some((u, q)) => (u, Some(q)),
        None => (url, None),
    };
    let lower = url.to_ascii_lowercase();
    let is_git = ["git://", "git@", "github.com/"].iter().any(|p| lower.starts_with(p))
        || (["https://", "http://", "ssh://"].iter().any(|p| lower.starts_with(p))
            && std::path::Path::new(lower.trim_end_matches('/')).extension().is_some_and(|e| e == "git"));
    if !is_git {
        return None;
    }
    // `#ref:subdir`
    if let Some(reference) = fragment.and_then(|f| f.split(':').next()).filter(|r| !r.is_empty()) {
        return Some(classify(reference));
    }
    // `?ref=…&subdir=…` (also `tag`, `commit`, `checksum`, `branch`); a `commit` or `checksum`
    // pins whatever else is named (BuildKit checks that the fetched commit is the one given)
    let pairs = || query.unwrap_or("").split('&').filter_map(|pair| pair.split_once('='));
    if pairs().any(|(key, value)| matches!(key, "commit" | "checksum") && !value.is_empty()) {
        return Some(GitRef::Pinned);
    }
    for (key, value) in pairs() {
        match key {
            "branch" if !value.is_empty() => return Some(GitRef::Branch(value)),
            "ref" | "tag" if !value.is_empty() => return Some(classify(value)),
            _ => {}
        }
    }
    Some(GitRef::Missing)
}

fn classify(reference: &str) -> GitRef<'_> {
    let name = reference.strip_prefix("refs/heads/").unwrap_or(reference);
    if reference.starts_with("refs/heads/") || BRANCHES.iter().any(|b| b.eq_ignore_ascii_case(name)) {
        GitRef::Branch(name)
    } else {
        GitRef::Pinned
    }
}

impl Rule for UnpinnedBuildContext {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(build) = &service.build else { continue };
            let mut contexts: Vec<(String, &Spanned<String>)> = Vec::new();
            if let Some(context) = &build.value.config.context {
                let path = if build.value.short { "build" } else { "build.context" };
                contexts.push((format!("services.{}.{path}", name.value), context));
            }
            for kv in build.value.config.additional_contexts.iter() {
                if let Some(value) = &kv.value {
                    contexts.push((format!("services.{}.build.additional_contexts.{}", name.value, kv.key.value), value));
                }
            }
            for (path, context) in contexts {
                if is_interpolated(cx, context.span) {
                    continue;
                }
                // a password in the URL is masked (`https://ci:glp***@host/…`)
                let shown = crate::rules::security::util::mask_url_password(&context.value);
                let message = match git_ref(&context.value) {
                    Some(GitRef::Missing) => missing_message(&name.value, &shown),
                    Some(GitRef::Branch(branch)) => branch_message(&name.value, &shown, branch),
                    Some(GitRef::Pinned) | None => continue,
                };
                out.report(context.span, message)
                    .path(path)
                    .service(&name.value)
                    .anchor(context.anchor)
                    .help("pin a tag or a commit: `…repo.git#v1.2.3` or `…repo.git#<commit sha>`");
            }
        }
    }
}

fn missing_message(service: &str, context: &str) -> String {
    format!("service `{service}` builds from `{context}` at whatever its default branch holds")
}

fn branch_message(service: &str, context: &str, branch: &str) -> String {
    format!("service `{service}` builds from `{context}`, which follows the branch `{branch}`")
}

#[cfg(test)]
mod tests {
    use super::{git_ref, GitRef};

    #[test]
    fn git_contexts() {
        assert_eq!(git_ref("."), None);
        assert_eq!(git_ref("./app"), None);
        assert_eq!(git_ref("https://example.com/app.tar.gz"), None);
        assert_eq!(git_ref("https://github.com/a/b.git"), Some(GitRef::Missing));
        assert_eq!(git_ref("https://github.com/a/b.git#main"), Some(GitRef::Branch("main")));
        assert_eq!(git_ref("https://github.com/a/b.git#main:docker"), Some(GitRef::Branch("main")));
        assert_eq!(git_ref("git@github.com:a/b.git#v1.2.0"), Some(GitRef::Pinned));
        assert_eq!(git_ref("github.com/a/b#refs/heads/feature"), Some(GitRef::Branch("feature")));
        assert_eq!(git_ref("https://github.com/a/b.git?ref=v1&subdir=x"), Some(GitRef::Pinned));
        assert_eq!(git_ref("https://github.com/a/b.git?branch=release"), Some(GitRef::Branch("release")));
        // a commit checks what the branch or ref fetched, in either order
        assert_eq!(git_ref("https://github.com/a/b.git?branch=master&checksum=0123abc"), Some(GitRef::Pinned));
        assert_eq!(git_ref("https://github.com/a/b.git?ref=main&commit=0123abc"), Some(GitRef::Pinned));
        assert_eq!(git_ref("git://host/repo#0123456789abcdef0123456789abcdef01234567"), Some(GitRef::Pinned));
    }
}
