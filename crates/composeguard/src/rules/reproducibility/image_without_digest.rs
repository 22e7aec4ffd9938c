use super::image::{checked_images, Tag};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a pulled image pinned by a version tag but not by a digest (`@sha256:…`).
    ///
    /// ## Why is this bad?
    /// A tag is a name the registry can point at other bytes at any time: publishers rebuild
    /// `1.27` for security patches, and a compromised account can push over any tag. Only a
    /// digest names exactly one image. Keep the tag beside the digest
    /// (`nginx:1.27.3@sha256:…`) so update bots can still find newer versions.
    ///
    /// This is a note, not a warning: pinning digests needs a bot (Renovate, Dependabot) to
    /// keep them current. Images without a tag, or with a floating one, are reported by
    /// `image-without-tag` and `image-floating-tag` instead.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27.3
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27.3@sha256:2426c815287ed75a3a33dd28512eba4f0f783946844209ccf3fa8990817a4eb9
    /// ```
    pub struct ImageWithoutDigest => {
        name: "image-without-digest",
        code: "CG503",
        category: Reproducibility,
        severity: Info,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0019"],
    }
}

impl Rule for ImageWithoutDigest {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, _, images) in checked_images(cx) {
            let Some(image) = images.pulled() else { continue };
            if image.is_pinned() {
                continue;
            }
            // untagged and floating images have their own, stronger finding
            let Tag::Known { tag, .. } = image.tag() else { continue };
            if super::image_floating_tag::floating_part(tag).is_some() {
                continue;
            }
            out.report(image.span(), message(&name.value, &image.written))
                .path(format!("services.{}.image", name.value))
                .service(&name.value)
                .anchor(image.anchor())
                .help("append the digest the tag points at today: `docker buildx imagetools inspect IMAGE` prints it");
        }
    }
}

fn message(service: &str, image: &str) -> String {
    format!("image `{image}` of service `{service}` is not pinned by a digest")
}
