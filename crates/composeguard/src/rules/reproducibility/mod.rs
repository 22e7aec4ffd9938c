//! Reproducibility rules: what makes two runs of the same file differ.

mod build_image_without_pull_policy;
pub(crate) mod image;
mod image_floating_tag;
mod image_major_version_tag;
mod image_without_digest;
mod image_without_tag;
mod missing_project_name;
mod obsolete_version;
mod unpinned_build_context;

use crate::rule::Rule;

pub use build_image_without_pull_policy::BuildImageWithoutPullPolicy;
pub use image_floating_tag::ImageFloatingTag;
pub use image_major_version_tag::ImageMajorVersionTag;
pub use image_without_digest::ImageWithoutDigest;
pub use image_without_tag::ImageWithoutTag;
pub use missing_project_name::MissingProjectName;
pub use obsolete_version::ObsoleteVersion;
pub use unpinned_build_context::UnpinnedBuildContext;

/// The reproducibility rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[
    &ImageWithoutTag,
    &ImageFloatingTag,
    &ImageWithoutDigest,
    &ObsoleteVersion,
    &MissingProjectName,
    &BuildImageWithoutPullPolicy,
    &UnpinnedBuildContext,
    &ImageMajorVersionTag,
];
