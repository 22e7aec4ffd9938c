use super::image::{checked_images, Tag};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an image tag that names only a major version (`postgres:16`, `node:22-alpine`,
    /// `traefik:v3`).
    ///
    /// ## Why is this bad?
    /// A major-version tag follows every minor and patch release of that line. That is often
    /// what people want for security fixes, but it is still a moving target: a minor release
    /// can change defaults, drop a deprecated flag or need a data migration, and it arrives
    /// without a change to the file. Teams that want every upgrade reviewed pin at least the
    /// minor version and let a bot propose updates.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    /// ```
    pub struct ImageMajorVersionTag => {
        name: "image-major-version-tag",
        code: "CG508",
        category: Reproducibility,
        severity: Info,
        fixable: false,
        default_enabled: false,
        sources: ["compose-lint CL-0004 (moving aliases)"],
    }
}

/// The major version of a tag that names nothing finer (`16`, `v3`, `22-alpine`).
fn major_only(tag: &str) -> Option<&str> {
    let (version, rest) = tag.split_once(['-', '_']).unwrap_or((tag, ""));
    // `1_7_0`, `1-7`: the separator joins finer version numbers, not a variant
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let digits = version.strip_prefix(['v', 'V']).unwrap_or(version);
    // longer numbers are dates or build numbers, which do not move
    (!digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(version)
}

impl Rule for ImageMajorVersionTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, _, images) in checked_images(cx) {
            let Some(image) = images.pulled() else { continue };
            if image.is_pinned() {
                continue;
            }
            let Tag::Known { tag, .. } = image.tag() else { continue };
            let Some(major) = major_only(tag) else { continue };
            out.report(image.span(), message(&name.value, &image.written, major))
                .path(format!("services.{}.image", name.value))
                .service(&name.value)
                .anchor(image.anchor())
                .help(format!("pin at least the minor version: `{major}.<minor>`"));
        }
    }
}

fn message(service: &str, image: &str, major: &str) -> String {
    format!("image `{image}` of service `{service}` follows every release of major version `{major}`")
}

#[cfg(test)]
mod tests {
    use super::major_only;

    #[test]
    fn major_tags() {
        assert_eq!(major_only("16"), Some("16"));
        assert_eq!(major_only("v3"), Some("v3"));
        assert_eq!(major_only("22-alpine"), Some("22"));
        assert_eq!(major_only("16.4"), None);
        assert_eq!(major_only("latest"), None);
        assert_eq!(major_only("20240501"), None);
        assert_eq!(major_only("1_7_0"), None);
        assert_eq!(major_only("3-1"), None);
        assert_eq!(major_only("16_alpine"), Some("16"));
    }
}
