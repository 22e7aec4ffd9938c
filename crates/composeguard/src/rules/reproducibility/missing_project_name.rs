use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a project with no top-level `name`.
    ///
    /// ## Why is this bad?
    /// Without `name`, compose names the project after the folder that holds the file. The
    /// project name prefixes every container, network and volume, so a checkout in another
    /// folder (a CI workspace, `app-2/`, a renamed repository) creates a second, empty set of
    /// volumes instead of reusing the data, and two checkouts with the same folder name share
    /// and overwrite each other's containers.
    ///
    /// `COMPOSE_PROJECT_NAME` and `-p` still override the name when a second copy is wanted. A
    /// project they name (`COMPOSE_PROJECT_NAME` in the project's `.env`, say) is not reported.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    pub struct MissingProjectName => {
        name: "missing-project-name",
        code: "CG505",
        category: Reproducibility,
        severity: Info,
        fixable: false,
        default_enabled: true,
        sources: ["dclint require-project-name-field", "compose-spec (name)"],
    }
}

impl Rule for MissingProjectName {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        // `-p` or `COMPOSE_PROJECT_NAME` (in `.env`, say) names it
        if cx.compose().name.is_some() || !cx.project.named_after_folder() || cx.is_unreadable_at("name") {
            return;
        }
        let Some((first, _)) = cx.project.root.as_ref().and_then(Node::as_map).and_then(|m| m.entries.first()) else { return };
        out.report(first.span, message()).path("name").help("add `name: <project>` at the top of the file");
    }
}

fn message() -> String {
    "the project has no `name`, so compose names it after the folder".to_string()
}
