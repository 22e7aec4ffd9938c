use crate::rules::prelude::*;
use super::image::checked_images;

declare_rule! {
    /// ## What it does
    /// Reports a service that sets both `build` and `image` but no `pull_policy`.
    ///
    /// ## Why is this bad?
    /// With both keys and no `pull_policy`, compose first tries to pull `image` and builds only
    /// when the registry does not have it. Whether the service runs the code next to the compose
    /// file or whatever someone last pushed under that name then depends on the registry and the
    /// local cache, and changes from one machine to the next.
    ///
    /// `pull_policy: build` always builds (and `image` names the result);
    /// `pull_policy: missing` or `always` states that the registry wins.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     build: .
    ///     image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     build: .
    ///     image: ghcr.io/acme/api:1.4.2
    ///     pull_policy: build
    /// ```
    pub struct BuildImageWithoutPullPolicy => {
        name: "build-image-without-pull-policy",
        code: "CG506",
        category: Reproducibility,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["dclint no-build-and-image", "compose-spec (build, pull_policy)"],
    }
}

impl Rule for BuildImageWithoutPullPolicy {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service, read) in checked_images(cx) {
            let (Some(build), Some(image)) = (&service.build, &service.image) else { continue };
            if service.pull_policy.is_some() || cx.is_unreadable(&name.value, "pull_policy") {
                continue;
            }
            // the reference as written when a variable without a default is in it (the value
            // interpolated here is not the one the environment that runs compose gives)
            let shown = match read.file() {
                Some(spec) if spec.needs_environment() => &*spec.written,
                _ => image.value.as_str(),
            };
            out.report(image.span, message(&name.value, shown))
                .path(format!("services.{}.image", name.value))
                .service(&name.value)
                .anchor(image.anchor)
                .related(build.span, "`build` is set here")
                .help("add `pull_policy: build` to always build, or `pull_policy: missing` to prefer the registry");
        }
    }
}

fn message(service: &str, image: &str) -> String {
    format!("service `{service}` sets `build` and `image` without `pull_policy`, so compose pulls `{image}` and builds only if the pull fails")
}
