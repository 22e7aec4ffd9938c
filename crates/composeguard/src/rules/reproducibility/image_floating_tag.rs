use super::image::{ImageSpec, Tag};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an image whose tag moves, such as `latest`, including a variable that defaults
    /// to one (`${TAG:-latest}`).
    ///
    /// Floating tags are `latest` and release channels (`stable`, `edge`, `nightly`, `dev`,
    /// `beta`, `canary`, `lts`, `main`, `master`, `rolling`, `current`…), alone or with a
    /// variant (`stable-alpine`), and variants with no version at all (`alpine`, `slim`).
    ///
    /// ## Why is this bad?
    /// The publisher re-points a floating tag at every release. What the file runs changes
    /// without any change to the file: a fresh host, a `docker compose pull` or an evicted cache
    /// brings in a new major version, and the previous state cannot be restored.
    ///
    /// A tag with a version in it (`1.27-alpine`, `nightly-2024-05-01`) is not reported, nor is a
    /// floating tag next to a digest (`nginx:latest@sha256:…`), which docker ignores in favour of
    /// the digest.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   proxy:
    ///     image: traefik:latest
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   proxy:
    ///     image: traefik:v3.2.1
    /// ```
    pub struct ImageFloatingTag => {
        name: "image-floating-tag",
        code: "CG502",
        category: Reproducibility,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0004", "dclint service-image-require-explicit-tag", "hadolint DL3007"],
    }
}

/// Tags that name a release channel rather than a release.
const CHANNELS: &[&str] = &[
    "latest", "stable", "edge", "nightly", "dev", "devel", "develop", "development", "beta", "alpha", "canary", "lts", "main",
    "master", "rolling", "current", "next", "unstable", "testing", "mainline", "preview", "insider", "snapshot", "trunk", "head",
];

/// Variant names that, alone, mean "the latest release of this variant".
const VARIANTS: &[&str] = &["alpine", "slim", "windowsservercore", "nanoserver"];

/// The floating part of a tag, if the tag floats: a tag with no digit in it that names a channel
/// or only variants.
pub(crate) fn floating_part(tag: &str) -> Option<&str> {
    if tag.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let parts = || tag.split(['-', '_', '.']).filter(|p| !p.is_empty());
    if let Some(channel) = parts().find(|p| CHANNELS.iter().any(|c| c.eq_ignore_ascii_case(p))) {
        return Some(channel);
    }
    parts().all(|p| VARIANTS.iter().any(|v| v.eq_ignore_ascii_case(p))).then_some(tag)
}

impl Rule for ImageFloatingTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(image) = ImageSpec::of_pulled(cx, service) else { continue };
            if image.is_pinned() {
                continue;
            }
            let Tag::Known { tag, overridable } = image.tag() else { continue };
            let Some(floating) = floating_part(tag) else { continue };
            let message = if overridable {
                default_message(&name.value, &image.written, floating)
            } else {
                message(&name.value, &image.written, floating)
            };
            out.report(image.span(), message)
                .path(format!("services.{}.image", name.value))
                .service(&name.value)
                .anchor(image.anchor())
                .help(if overridable {
                    "make the default a version, or drop the default so the environment must choose"
                } else {
                    "pin a version tag, or a digest (`@sha256:…`)"
                });
        }
    }
}

fn message(service: &str, image: &str, floating: &str) -> String {
    format!("image `{image}` of service `{service}` uses the floating tag `{floating}`")
}

fn default_message(service: &str, image: &str, floating: &str) -> String {
    format!("image `{image}` of service `{service}` falls back to the floating tag `{floating}` when its variable is unset")
}

#[cfg(test)]
mod tests {
    use super::floating_part;

    #[test]
    fn floating_tags() {
        for tag in ["latest", "LATEST", "stable-alpine", "lts", "alpine", "slim", "mainline-alpine", "edge"] {
            assert!(floating_part(tag).is_some(), "{tag}");
        }
        for tag in ["1.27", "3-alpine", "nightly-2024-05-01", "bookworm", "v2", "sha-abc", "16.4-bookworm"] {
            assert!(floating_part(tag).is_none(), "{tag}");
        }
    }
}
