use composeguard_model::HashSet;

use composeguard_model::project::join_path;

use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a secret or config whose `file:` does not exist.
    ///
    /// Only secrets and configs a service of the project uses (`secrets`, `configs`, or
    /// `build.secrets`) are checked. Relative paths are read from the project folder, as compose
    /// does. Files are looked up through the file access composeguard is given (the disk for the
    /// command line and `lint_files`), like `env_file` for the `missing-file` check. Paths
    /// starting with `~` are left alone.
    ///
    /// ## Why is this bad?
    /// `docker compose config` does not look for the file, but `docker compose up` (or the build)
    /// does, and stops: the secret is bind-mounted from that path. Secrets are often kept out of
    /// version control, so the file is missing on a fresh checkout or a CI runner.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     secrets:
    ///       - db_password
    /// secrets:
    ///   db_password:
    ///     file: ./secrets/db_password.txt
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     secrets:
    ///       - db_password
    /// secrets:
    ///   db_password:
    ///     environment: DB_PASSWORD
    /// ```
    pub struct MissingSecretOrConfigFile => {
        name: "missing-secret-or-config-file",
        code: "CG109",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec secrets", "compose-spec configs"],
    }
}

impl Rule for MissingSecretOrConfigFile {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        let mut secrets: HashSet<&str> = HashSet::default();
        let mut configs: HashSet<&str> = HashSet::default();
        for (_, service) in cx.services() {
            secrets.extend(service.secrets.iter().map(|s| s.value.source.value.as_str()));
            if let Some(build) = &service.build {
                secrets.extend(build.value.config.secrets.iter().map(|s| s.value.source.value.as_str()));
            }
            configs.extend(service.configs.iter().map(|c| c.value.source.value.as_str()));
        }
        let compose = cx.compose();
        for (name, secret) in &compose.secrets {
            if secrets.contains(name.value.as_str()) && !is_external(secret.external.as_deref()) {
                check_file(cx, out, "secret", "secrets", &name.value, secret.file.as_deref());
            }
        }
        for (name, config) in &compose.configs {
            if configs.contains(name.value.as_str()) && !is_external(config.external.as_deref()) {
                check_file(cx, out, "config", "configs", &name.value, config.file.as_deref());
            }
        }
    }
}

fn is_external(external: Option<&Spanned<External>>) -> bool {
    external.is_some_and(|e| e.value.external)
}

fn check_file(cx: &Context<'_>, out: &mut Findings<'_>, what: &str, section: &str, name: &str, file: Option<&Spanned<String>>) {
    let Some(file) = file else { return };
    let path = file.value.as_str();
    if path.is_empty() || path.starts_with('~') || !cx.fs.sees_files() {
        return;
    }
    if cx.fs.exists(&join_path(cx.working_dir(), path)) {
        return;
    }
    out.report(file.span, format!("the file `{path}` of {what} `{name}` does not exist"))
        .path(format!("{section}.{name}.file"))
        .anchor(file.anchor)
        .help(match cx.project.resolved_path_help(cx.fs, file.span, path) {
            // named in a file outside the project folder: where compose looks
            Some((hint, true)) => hint,
            Some((hint, false)) => format!("{hint}; create the file, fix the path, or take the {what} from `environment:`"),
            None => format!("create the file, fix the path (relative to the project folder), or take the {what} from `environment:`"),
        });
}
