use super::image::{checked_images, Tag};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an image whose tag moves, such as `latest`, including a variable that defaults
    /// to one (`${TAG:-latest}`) or that the project's `.env` sets to one.
    ///
    /// Floating tags are `latest` and release channels (`stable`, `edge`, `nightly`, `dev`,
    /// `beta`, `canary`, `lts`, `main`, `master`, `rolling`, `current`, `release`…), alone, with a
    /// variant (`stable-alpine`) or a platform (`latest-arm64`); `latest` within a release line
    /// (`2017-latest`); and variants with no version at all (`alpine`, `slim`, `fpm`,
    /// `management`, docker's `dind`).
    ///
    /// ## Why is this bad?
    /// The publisher re-points a floating tag at every release. What the file runs changes
    /// without any change to the file: a fresh host, a `docker compose pull` or an evicted cache
    /// brings in a new major version, and the previous state cannot be restored.
    ///
    /// A tag with a version in it (`1.27-alpine`, `nightly-2024-05-01`) is not reported, nor is a
    /// floating tag next to a digest (`nginx:latest@sha256:…`), which docker ignores in favour of
    /// the digest. Services that `build` their image are left to
    /// `build-image-without-pull-policy`: their `image` names what the build makes.
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
    "latest", "stable", "edge", "nightly", "dev", "devel", "develop", "development", "beta", "alpha", "canary", "lts", "sts",
    "main", "master", "rolling", "current", "next", "unstable", "testing", "test", "mainline", "preview", "insider", "snapshot", "trunk",
    "head", "release",
];

/// Variant names that, alone, mean "the latest release of this variant".
/// (`nonroot` and `debug` are distroless images' variants.)
const VARIANTS: &[&str] = &["alpine", "slim", "windowsservercore", "nanoserver", "apache", "fpm", "cli", "management", "dind", "rootless", "nonroot", "debug"];

/// Platform names that a tag may carry beside a channel (`latest-arm64`): they say which build,
/// not which release.
const PLATFORMS: &[&str] = &[
    "amd64", "arm64", "arm64v8", "aarch64", "arm32v5", "arm32v6", "arm32v7", "armv6", "armv7", "armv7l", "i386", "x86_64", "ppc64le",
    "s390x", "riscv64",
];

/// The floating part of a tag, if the tag floats: a tag with no digit in it that names a channel
/// or only variants; or a channel beside nothing but a platform (`latest-arm64`), or `latest`
/// within a release line (`2017-latest`).
pub(crate) fn floating_part(tag: &str) -> Option<&str> {
    // no tag at all is not a channel (`nginx:` is an invalid reference: `invalid-image-reference`)
    if tag.is_empty() {
        return None;
    }
    let parts = || tag.split(['-', '_', '.']).filter(|p| !p.is_empty());
    let channel = parts().find(|p| CHANNELS.iter().any(|c| c.eq_ignore_ascii_case(p)));
    if !tag.bytes().any(|b| b.is_ascii_digit()) {
        return channel.or_else(|| parts().all(|p| VARIANTS.iter().any(|v| v.eq_ignore_ascii_case(p))).then_some(tag));
    }
    // with digits, the tag may name a release (`nightly-2024-05-01`, `dev-123`, `latest-1.2.3`)
    let channel = channel?;
    let mut numbered = tag.split('-').filter(|p| p.bytes().any(|b| b.is_ascii_digit()));
    let line = |p: &str| channel.eq_ignore_ascii_case("latest") && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit());
    let mut lines = 0;
    let floats = numbered.all(|p| {
        if PLATFORMS.iter().any(|a| a.eq_ignore_ascii_case(p)) {
            return true;
        }
        lines += 1;
        line(p) && lines == 1
    });
    floats.then_some(channel)
}

impl Rule for ImageFloatingTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, _, images) in checked_images(cx) {
            let Some(image) = images.pulled() else { continue };
            if image.is_pinned() {
                continue;
            }
            let Tag::Known { tag, overridable, from_env_file } = image.tag() else { continue };
            let Some(floating) = floating_part(tag) else { continue };
            let (message, help) = if from_env_file {
                (env_file_message(&name.value, &image.written, floating), "set a version in the env file (`.env`), or pin a digest (`@sha256:…`)")
            } else if overridable {
                (default_message(&name.value, &image.written, floating), "make the default a version, or drop the default so the environment must choose")
            } else {
                (message(&name.value, &image.written, floating), "pin a version tag, or a digest (`@sha256:…`)")
            };
            out.report(image.span(), message).path(format!("services.{}.image", name.value)).service(&name.value).anchor(image.anchor()).help(help);
        }
    }
}

fn message(service: &str, image: &str, floating: &str) -> String {
    format!("image `{image}` of service `{service}` uses the floating tag `{floating}`")
}

fn env_file_message(service: &str, image: &str, floating: &str) -> String {
    format!("image `{image}` of service `{service}` gets the floating tag `{floating}` from the project's env file")
}

fn default_message(service: &str, image: &str, floating: &str) -> String {
    format!("image `{image}` of service `{service}` falls back to the floating tag `{floating}` when its variable is unset")
}

#[cfg(test)]
mod tests {
    use super::floating_part;

    #[test]
    fn floating_tags() {
        for tag in [
            "latest",
            "LATEST",
            "stable-alpine",
            "lts",
            "alpine",
            "slim",
            "mainline-alpine",
            "edge",
            "latest-arm64",
            "arm64v8-latest",
            "2017-latest",
            "release",
            "management",
            "fpm-alpine",
            "dind",
            "dind-rootless",
            "nonroot",
            "debug-nonroot",
        ] {
            assert!(floating_part(tag).is_some(), "{tag}");
        }
        for tag in [
            "1.27",
            "3-alpine",
            "nightly-2024-05-01",
            "bookworm",
            "v2",
            "sha-abc",
            "16.4-bookworm",
            "dev-123",
            "latest-1.2.3",
            "latest-2024-05-01",
            "release-2.4",
            "stable-v2",
            "",
            "27-dind",
        ] {
            assert!(floating_part(tag).is_none(), "{tag}");
        }
    }
}
