use super::image::{checked_images, ImageSpec, Tag};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an image reference with neither a tag nor a digest.
    ///
    /// ## Why is this bad?
    /// Without a tag docker pulls `latest`, which points at whatever the publisher pushed last.
    /// Two machines running the same file can run different software, a rebuild of the host
    /// silently upgrades the service, and a rollback has nothing to go back to.
    ///
    /// An image whose last part comes from a variable (`image: ${IMAGE}`) is not reported: the
    /// environment decides its tag. A variable's default counts as written: `${IMAGE:-nginx}` is
    /// reported. Services that `build` their image are left to `build-image-without-pull-policy`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.4.1
    /// ```
    pub struct ImageWithoutTag => {
        name: "image-without-tag",
        code: "CG501",
        category: Reproducibility,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0004", "dclint service-image-require-explicit-tag", "hadolint DL3006"],
    }
}

impl Rule for ImageWithoutTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, _, images) in checked_images(cx) {
            let Some(image) = images.pulled() else { continue };
            if image.tag() != Tag::Missing || image.is_pinned() {
                continue;
            }
            out.report(image.span(), message(&name.value, image))
                .path(format!("services.{}.image", name.value))
                .service(&name.value)
                .anchor(image.anchor())
                .help(format!("pin a version (`{}:<version>`) or a digest (`@sha256:…`)", image.resolved()));
        }
    }
}

fn message(service: &str, image: &ImageSpec<'_>) -> String {
    if image.name_from_env_file() {
        format!("service `{service}` gets the untagged image `{}` from the project's env file (`{}`), so docker pulls `latest`", image.resolved(), image.written)
    } else if image.name_is_overridable() {
        format!("service `{service}` falls back to the untagged image `{}` (`{}`), so docker pulls `latest`", image.resolved(), image.written)
    } else {
        format!("image `{}` of service `{service}` has no tag, so docker pulls `latest`", image.written)
    }
}
