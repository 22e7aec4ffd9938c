//! Spec validation beyond types: what docker compose checks after reading the model (required
//! keys, patterns, ranges, mutually exclusive keys, references, cycles, mounts).
//!
//! Only what `docker compose config` rejects is an error here. Checks on references and
//! consistency apply to the active services (the profiles), as compose applies them.

pub mod rules;

use composeguard_model::{HashMap, HashSet};

use composeguard_model::model::{Compose, MountType, Service, WatchAction};
use composeguard_model::yaml::{Node, Value};
use composeguard_model::{Issue, IssueKind, Span, Spanned};

use crate::context::Context;

/// Runs every spec check on a loaded project.
pub fn check(cx: &Context<'_>, out: &mut Vec<Issue>) {
    let compose = cx.compose();
    let disabled: HashSet<&str> = compose.services.iter().filter(|(_, s)| !cx.is_active(s)).map(|(n, _)| n.value.as_str()).collect();
    if let Some(root) = &cx.project.root {
        raw::check(root, raw::Tree::Merged, &disabled, out);
        // a value the model reader already refused is one error, not a type error here and a
        // value error there at the same place (`cpu_count: .inf`)
        let refused: HashSet<Span> = cx
            .project
            .issues
            .iter()
            .filter(|i| i.severity == composeguard_model::Severity::Error && matches!(i.kind, IssueKind::InvalidType | IssueKind::InvalidValue))
            .map(|i| i.span)
            .collect();
        out.retain(|i| !(i.kind == IssueKind::InvalidType && refused.contains(&i.span)));
        check_stack_prefixes(cx, &refused, out);
    }
    check_top_level(cx, compose, out);
    let active: Vec<(&Spanned<String>, &Service)> = compose.services.iter().map(|(k, s)| (k, &**s)).filter(|(_, s)| cx.is_active(s)).collect();
    for (name, service) in &active {
        check_service(cx, compose, name, service, &disabled, out);
    }
    for (name, service) in &compose.services {
        check_service_as_read(name, service, out);
    }
    check_cycles(&active, out);
    check_container_names(&active, out);
    check_env_files(cx, &active, out);
    check_label_files(cx, &active, out);
    composeguard_model::issue::drop_explained_missing_keys(out, &cx.project.issues);
}

/// compose checks the files of a stack against its schema as it merges them, one at a time: what
/// the files merged so far break is an error even where a later file mends it (a `depends_on`
/// entry without `condition` that the override completes).
fn check_stack_prefixes(cx: &Context<'_>, refused: &HashSet<Span>, out: &mut Vec<Issue>) {
    if cx.project.stack_prefixes.is_empty() {
        return;
    }
    for prefix in &cx.project.stack_prefixes {
        let mut found = Vec::new();
        raw::check(prefix, raw::Tree::MergedSoFar, &HashSet::default(), &mut found);
        let found = found.into_iter().filter(|issue| !(issue.kind == IssueKind::InvalidType && refused.contains(&issue.span)));
        composeguard_model::issue::push_stack_issues(out, found);
    }
}

/// `docker compose config` (and `up`) refuse two active services with the same
/// `container_name`: the engine would refuse the second container.
fn check_container_names(active: &[(&Spanned<String>, &Service)], out: &mut Vec<Issue>) {
    let mut seen: HashMap<&str, (&str, Span)> = HashMap::default();
    for (name, s) in active {
        let Some(cn) = &s.container_name else { continue };
        if cn.value.is_empty() {
            continue;
        }
        match seen.get(cn.value.as_str()) {
            Some((first, at)) => out.push(
                err(IssueKind::InvalidValue, cn.span, format!("container name `{}` is already used by service `{first}`", cn.value))
                    .with_path(format!("services.{}.container_name", name.value))
                    .with_related(*at, "first used here")
                    .with_help("container names are unique on the engine: give each service its own, or remove `container_name`"),
            ),
            None => {
                seen.insert(&cn.value, (&name.value, cn.span));
            }
        }
    }
}

fn check_label_files(cx: &Context<'_>, active: &[(&Spanned<String>, &Service)], out: &mut Vec<Issue>) {
    for (name, s) in active {
        let Some(files) = &s.label_file else { continue };
        for (i, f) in files.iter().enumerate() {
            let path = (!f.value.is_empty()).then(|| composeguard_model::project::join_path(cx.working_dir(), &f.value));
            // labels files have the `.env` syntax
            let file = VarFile { kind: VarFileKind::Label, rel: &f.value, path, format: None, required: true, span: f.span, at: format!("services.{}.label_file[{i}]", name.value) };
            file.check(cx, out);
        }
    }
}

/// What a [`VarFile`] is, for its messages.
#[derive(Clone, Copy)]
enum VarFileKind {
    Env,
    Label,
}

impl VarFileKind {
    fn name(self) -> &'static str {
        match self {
            Self::Env => "env file",
            Self::Label => "label file",
        }
    }

    fn missing_help(self) -> &'static str {
        match self {
            Self::Env => "create the file, fix the path, or mark it optional with `required: false`",
            Self::Label => "create the file or fix the path",
        }
    }

    fn empty_help(self) -> &'static str {
        match self {
            Self::Env => "name the file, or remove the entry",
            Self::Label => "create the file or fix the path",
        }
    }
}

/// A file of `KEY=value` lines a service names (`env_file`, `label_file`), checked as compose
/// reads it: an empty path names no file, a folder or a line the syntax refuses is an error, and
/// so is a missing file that is not optional.
struct VarFile<'a> {
    kind: VarFileKind,
    /// The path as written, for messages.
    rel: &'a str,
    /// The file's path from the project folder; `None` for an empty path, which compose does not
    /// resolve.
    path: Option<String>,
    /// `raw`, or the `.env` syntax.
    format: Option<&'a str>,
    required: bool,
    /// Where the path is written.
    span: Span,
    /// The finding's path in the model (`services.web.env_file[0]`).
    at: String,
}

impl VarFile<'_> {
    fn check(self, cx: &Context<'_>, out: &mut Vec<Issue>) {
        let (what, rel) = (self.kind.name(), self.rel);
        let Some(path) = self.path else {
            // a long form without a readable `path` is reported as such (missing, misspelt, of
            // the wrong type): no file is named, empty or not
            let within = format!("{}.", self.at);
            let reported = cx.project.issues.iter().chain(out.iter()).any(|i| i.path == self.at || i.path.starts_with(&within));
            if self.required && cx.fs.sees_files() && !reported {
                out.push(
                    err(IssueKind::MissingFile, self.span, format!("{what} `` not found: the path is empty"))
                        .with_path(self.at)
                        .with_help(self.kind.empty_help()),
                );
            }
            return;
        };
        match cx.fs.read(&path) {
            Ok(text) => {
                if let Err(e) = composeguard_model::config_output::parse_env_file(&text, self.format, &cx.project.variables) {
                    out.push(err(IssueKind::InvalidValue, self.span, format!("cannot read {what} `{rel}`: {e}")).with_path(self.at));
                }
            }
            Err(_) if cx.fs.sees_files() && cx.fs.is_dir(&path) => {
                out.push(err(IssueKind::InvalidValue, self.span, format!("cannot read {what} `{rel}`: it is a folder")).with_path(self.at));
            }
            Err(_) if self.required && cx.fs.sees_files() && !cx.fs.exists(&path) => {
                // named in a file outside the project folder: where compose looks
                let help = match cx.project.resolved_path_help(cx.fs, self.span, rel) {
                    Some((hint, true)) => hint,
                    Some((hint, false)) => format!("{hint}; {}", self.kind.missing_help()),
                    None => self.kind.missing_help().to_string(),
                };
                out.push(err(IssueKind::MissingFile, self.span, format!("{what} `{rel}` not found")).with_path(self.at).with_help(help));
            }
            // there, but not read: larger than the limit on files read, or not a regular file
            Err(reason) if cx.fs.sees_files() && cx.fs.exists(&path) => {
                let (kind, reason) = composeguard_model::project::unread_file(&path, &reason);
                out.push(err(kind, self.span, format!("cannot read {what} `{rel}`: {reason}")).with_path(self.at));
            }
            Err(_) => {}
        }
    }
}

/// A git or OCI reference, which compose would download (remote `include` and `extends` are
/// reported while the project is loaded, see `composeguard_model::include`).
pub fn is_remote(path: &str) -> bool {
    composeguard_model::paths::is_remote_resource(path)
}

fn err(kind: IssueKind, span: Span, message: String) -> Issue {
    Issue::error(kind, span, message)
}

fn check_top_level(cx: &Context<'_>, compose: &Compose, out: &mut Vec<Issue>) {
    // the obsolete `external.name` must agree with `name`
    let externals = compose
        .networks
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| ("networks", k, &v.name, &v.external)))
        .chain(compose.volumes.iter().filter_map(|(k, v)| v.as_ref().map(|v| ("volumes", k, &v.name, &v.external))))
        .chain(compose.secrets.iter().map(|(k, v)| ("secrets", k, &v.name, &v.external)))
        .chain(compose.configs.iter().map(|(k, v)| ("configs", k, &v.name, &v.external)));
    for (section, key, name, external) in externals {
        let (Some(name), Some(ext)) = (name, external) else { continue };
        if let Some(ext_name) = &ext.value.name {
            if *ext_name != name.value {
                out.push(
                    err(
                        IssueKind::ConflictingKeys,
                        ext.span,
                        format!("`external.name` `{ext_name}` conflicts with `name` `{}`", name.value),
                    )
                    .with_path(format!("{section}.{}.external.name", key.value))
                    .with_related(name.span, "`name` set here")
                    .with_help("`external.name` is obsolete: keep `name` and write `external: true`"),
                );
            }
        }
    }

    for (name, volume) in &compose.volumes {
        let Some(v) = volume else { continue };
        if let Some(external) = v.external.as_ref().filter(|e| e.value.external) {
            let mut others: Vec<(&str, Span)> = Vec::new();
            if let Some(d) = &v.driver {
                others.push(("driver", d.span));
            }
            if !v.driver_opts.is_empty() {
                others.push(("driver_opts", v.loc.span));
            }
            if !v.labels.is_empty() {
                others.push(("labels", v.labels.entries.first().map_or(v.loc.span, |e| e.key.span)));
            }
            for (key, span) in others {
                out.push(
                    err(
                        IssueKind::ConflictingKeys,
                        span,
                        format!("volume `{}` is `external`, so it cannot also set `{key}`", name.value),
                    )
                    .with_path(format!("volumes.{}.{key}", name.value))
                    .with_help("remove the key, or drop `external: true` to let compose create the volume")
                    .with_related_if(external.span.file != span.file, external.span, "marked external here"),
                );
            }
        }
    }
    for (name, secret) in &compose.secrets {
        let set: Vec<(&str, Span)> = [("file", secret.file.as_ref().map(|v| v.span)), ("environment", secret.environment.as_ref().map(|v| v.span))]
            .into_iter()
            .filter_map(|(k, s)| Some((k, s?)))
            .collect();
        let external = secret.external.as_ref().is_some_and(|e| e.value.external);
        if set.is_empty() && has_unknown_key(cx, &format!("secrets.{}", name.value)) {
            // a key reported as unknown (`path:`, `fle:`) is most likely the missing one
            continue;
        }
        file_object_check("secret", "secrets", &name.value, name.span, &set, "file|environment", secret.driver.is_some(), secret.external.is_some(), out);
        // compose's own check after loading: a secret that is not external needs a file or a
        // variable name, whatever its driver (an empty `environment`, as `${UNSET}` gives, names
        // none; an empty `file` is the project folder)
        let reported = set.is_empty() && secret.driver.is_none() && secret.external.is_none();
        let env_empty = secret.environment.as_ref().is_none_or(|e| e.value.is_empty());
        if secret.file.is_none() && env_empty && !external && !reported {
            let span = secret.environment.as_ref().map_or(name.span, |e| e.span);
            out.push(
                err(IssueKind::MissingKey, span, format!("secret `{}` must declare either `file` or `environment`", name.value))
                    .with_path(format!("secrets.{}", name.value))
                    .with_help("name the variable that holds the secret (`environment: DB_PASSWORD`), or point it at a file"),
            );
        }
    }
    for (name, config) in &compose.configs {
        let set: Vec<(&str, Span)> = [
            ("file", config.file.as_ref().map(|v| v.span)),
            ("environment", config.environment.as_ref().map(|v| v.span)),
            ("content", config.content.as_ref().map(|v| v.span)),
        ]
        .into_iter()
        .filter_map(|(k, s)| Some((k, s?)))
        .collect();
        if set.is_empty() && has_unknown_key(cx, &format!("configs.{}", name.value)) {
            continue;
        }
        file_object_check("config", "configs", &name.value, name.span, &set, "file|environment|content", false, config.external.is_some(), out);
    }
}

/// Whether a key of the mapping at `path` was reported as unknown.
fn has_unknown_key(cx: &Context<'_>, path: &str) -> bool {
    cx.project.issues.iter().any(|i| i.kind == IssueKind::UnknownKey && i.path.strip_prefix(path).is_some_and(|rest| rest.starts_with('.') && !rest[1..].contains('.')))
}

#[allow(clippy::too_many_arguments)]
fn file_object_check(
    what: &str,
    section: &str,
    name: &str,
    span: Span,
    set: &[(&str, Span)],
    keys: &str,
    has_driver: bool,
    has_external: bool,
    out: &mut Vec<Issue>,
) {
    if set.len() > 1 {
        let names: Vec<&str> = set.iter().map(|(k, _)| *k).collect();
        let mut issue = err(IssueKind::ConflictingKeys, span, format!("{what} `{name}` sets {}; only one of {keys} is allowed", names.join(" and ")))
            .with_path(format!("{section}.{name}"));
        // a key that a later file added is shown where that file sets it
        for (key, at) in set.iter().filter(|(_, at)| at.file != span.file) {
            issue = issue.with_related(*at, format!("`{key}` set here"));
        }
        out.push(issue);
    } else if set.is_empty() && !has_driver && !has_external {
        out.push(
            err(IssueKind::MissingKey, span, format!("{what} `{name}` needs one of {keys}"))
                .with_path(format!("{section}.{name}"))
                .with_help(format!("point it at a file (`file: ./{name}.txt`) or mark it `external: true`")),
        );
    }
}

/// The error for a service without an image: where the `image` is written but empty, at it.
fn missing_image(cx: &Context<'_>, name: &Spanned<String>, s: &Service, out: &[Issue]) -> Option<Issue> {
    let n = &name.value;
    let body = cx.project.root.as_ref().and_then(Node::as_map).and_then(|m| m.get("services")).and_then(Node::as_map).and_then(|m| m.get(n));
    let dedented = body.and_then(|b| composeguard_model::de::dedented_attribute(n, b));
    if missing_image_explained(cx, n, dedented.is_some(), out) {
        return None;
    }
    // an `image` whose interpolation failed (in the file of a base read for `extends`, whose
    // paths are the base's) is reported as such
    if let Some(image) = s.image.as_deref() {
        let inside = |i: &Issue| i.severity == composeguard_model::Severity::Error && i.span.file == image.span.file && image.span.start <= i.span.start && i.span.end <= image.span.end;
        if cx.project.issues.iter().any(|i| matches!(i.kind, IssueKind::MissingRequiredVariable | IssueKind::InvalidInterpolation) && inside(i)) {
            return None;
        }
    }
    let issue = match s.image.as_deref() {
        Some(image) if cx.text(image.span).contains('$') => {
            let text = cx.text(image.span);
            let var: String = text
                .split('$')
                .nth(1)
                .unwrap_or_default()
                .trim_start_matches('{')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let var = if var.is_empty() { "VAR".to_string() } else { var };
            err(IssueKind::MissingImage, image.span, format!("the `image` of service `{n}` is empty once interpolated, and it has no `build` context"))
                .with_help(format!("give `{var}` a value, or a default: `${{{var}:-<name>:<tag>}}`"))
        }
        Some(image) => err(IssueKind::MissingImage, image.span, format!("the `image` of service `{n}` is empty, and it has no `build` context"))
            .with_help("name the image (`image: <name>:<tag>`), or add `build: <context folder>`"),
        None => {
            let issue = err(IssueKind::MissingImage, name.span, format!("service `{n}` has neither an `image` nor a `build` context"));
            // an earlier file gave it one, which a later file's `!reset` removed
            let resets = &cx.project.provenance.resets;
            let reset = ["image", "build"].into_iter().find_map(|k| resets.get(&format!("services.{n}.{k}")).map(|r| (k, r)));
            match reset {
                Some((key, r)) => {
                    let file = cx.sources().get(r.at.file).map_or("", |f| f.path.as_str());
                    issue
                        .with_related(r.at, format!("`{key}` removed here by `!reset`"))
                        .with_help(format!("the `!reset` of `{key}` in `{file}` leaves the service without an image: set `image` (or `build`) there"))
                }
                None => issue.with_help(dedented.unwrap_or_else(|| "add `image: <name>:<tag>` or `build: <context folder>`".to_string())),
            }
        }
    };
    Some(issue.with_path(format!("services.{n}")))
}

/// Whether another error of service `n` is the cause of its missing image, and says so: an
/// error in its `image`, `build` or `extends` (or in the `extends` of the services it extends:
/// a cycle is reported once), an unknown key whose did-you-mean is `image` or `build`, or, for
/// a service that is a dedented attribute, any error in it.
fn missing_image_explained(cx: &Context<'_>, n: &str, dedented: bool, out: &[Issue]) -> bool {
    let within = |path: &str, at: &str| path.strip_prefix(at).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']));
    let errors = || cx.project.issues.iter().chain(out).filter(|i| i.severity == composeguard_model::Severity::Error);
    let at = format!("services.{n}");
    let about_image = |i: &Issue| {
        ["image", "build", "extends"].iter().any(|k| within(&i.path, &format!("{at}.{k}")))
            || (i.kind == IssueKind::UnknownKey
                && i.path.rsplit_once('.').is_some_and(|(parent, _)| parent == at)
                && matches!(i.suggested_key(), Some("image" | "build")))
            || (dedented && within(&i.path, &at))
    };
    if errors().any(about_image) {
        return true;
    }
    // the services it extends, through their inheritance records
    let mut seen: HashSet<&str> = HashSet::default();
    let mut current = n;
    while let Some(record) = cx.project.provenance.inheritance(current) {
        if !seen.insert(record.base.as_str()) {
            break;
        }
        let ext = format!("services.{}.extends", record.base);
        if errors().any(|i| within(&i.path, &ext)) {
            return true;
        }
        current = &record.base;
    }
    false
}

// (`n`, `p` and `s`, the service's name, path and body, are used throughout)
#[allow(clippy::too_many_lines, clippy::many_single_char_names)]
fn check_service(cx: &Context<'_>, compose: &Compose, name: &Spanned<String>, s: &Service, disabled: &HashSet<&str>, out: &mut Vec<Issue>) {
    let n = &name.value;
    let p = |rest: &str| format!("services.{n}.{rest}");
    // an `image` of the wrong type is reported as such; compose stops there
    // (an image whose interpolation failed is reported as such, and is no missing image)
    let no_image = s.image.as_ref().is_none_or(|i| i.value.is_empty()) && !cx.is_unreadable(n, "image");
    // an `extends` left in place could not be resolved or its file read (reported already, at
    // its path or within it), is remote or unreadable here (said so); or it names an empty
    // service of another file, which gives nothing (then the image is missing)
    let unresolved = |ext: &Spanned<composeguard_model::model::Extends>| {
        let at = format!("services.{n}.extends");
        let within = |span: Span| span.file == ext.span.file && ext.span.start <= span.start && span.end <= ext.span.end;
        // (or its base could not be loaded: a file missing or broken further up the chain)
        cx.project.provenance.unresolved_extends.contains(&ext.span)
            || cx.project.issues.iter().any(|i| within(i.span) || i.path.strip_prefix(at.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with('.')))
    };
    if no_image && s.build.is_none() && s.provider.is_none() && s.extends.as_deref().is_none_or(|ext| !unresolved(ext)) {
        if let Some(issue) = missing_image(cx, name, s, out) {
            out.push(issue);
        }
    }
    if let Some(build) = &s.build {
        let b = &build.value.config;
        if let (Some(inline), Some(_)) = (&b.dockerfile_inline, &b.dockerfile) {
            out.push(
                err(IssueKind::ConflictingKeys, inline.span, format!("service `{n}` sets both `dockerfile` and `dockerfile_inline`"))
                    .with_path(p("build.dockerfile_inline")),
            );
        }
        for entry in b.additional_contexts.iter() {
            let Some(v) = &entry.value else { continue };
            if let Some(target) = v.value.strip_prefix("service:") {
                match compose.services.get(target) {
                    None if cx.is_unreadable_at(&format!("services.{target}")) => {}
                    None => out.push(
                        err(
                            IssueKind::UndefinedReference,
                            v.span,
                            format!("service `{n}` uses undefined service `{target}` as build context `{}`", entry.key.value),
                        )
                        .with_path(p(&format!("build.additional_contexts.{}", entry.key.value))),
                    ),
                    Some(t) if t.build.is_none() => out.push(
                        err(
                            IssueKind::UndefinedReference,
                            v.span,
                            format!("service `{n}` uses `{target}`, which has no `build`, as build context `{}`", entry.key.value),
                        )
                        .with_path(p(&format!("build.additional_contexts.{}", entry.key.value))),
                    ),
                    Some(_) => {}
                }
            }
        }
        if let Some(platform) = &s.platform {
            if !b.platforms.is_empty() && !b.platforms.iter().any(|pl| pl.value == platform.value) {
                out.push(
                    err(
                        IssueKind::ConflictingKeys,
                        platform.span,
                        format!("`build.platforms` of service `{n}` must include its `platform` `{}`", platform.value),
                    )
                    .with_path(p("platform")),
                );
            }
        }
        for (i, secret) in b.secrets.iter().enumerate() {
            if secret.value.source.value.is_empty() {
                nameless_ref(cx, "build secret", secret, p(&format!("build.secrets[{i}]")), out);
            } else if !compose.secrets.contains_key(secret.value.source.value.as_str()) && !declared_unreadably(cx, "secrets", &secret.value.source.value) {
                out.push(removed_by_reset(cx, undefined("build secret", n, &secret.value.source, p("build.secrets"), similar(&secret.value.source.value, &compose.secrets)), "secrets", &secret.value.source.value));
            }
        }
    }
    if let Some(mode) = &s.network_mode {
        if !s.networks.is_empty() {
            out.push(
                err(
                    IssueKind::ConflictingKeys,
                    mode.span,
                    format!("service `{n}` sets both `network_mode` and `networks`, which exclude each other"),
                )
                .with_path(p("network_mode")),
            );
        }
    }
    for (net, _) in s.networks.iter() {
        if net.value.starts_with("x-") {
            // compose moves `x-` keys of a service's networks into its extensions, and then finds
            // a network named `#extensions` undefined, whatever is declared
            out.push(
                err(
                    IssueKind::UndefinedReference,
                    net.span,
                    format!("service `{n}` cannot join the network `{}`: docker compose reads a name starting with `x-` here as an extension", net.value),
                )
                .with_path(p(&format!("networks.{}", net.value)))
                .with_help("rename the network so that it does not start with `x-`"),
            );
        } else if net.value != "default" && !compose.networks.contains_key(net.value.as_str()) && !declared_unreadably(cx, "networks", &net.value) {
            out.push(removed_by_reset(cx, undefined("network", n, net, p(&format!("networks.{}", net.value)), similar(&net.value, &compose.networks)), "networks", &net.value));
        }
    }
    if let Some(hc) = &s.healthcheck {
        if let Some(test) = &hc.test {
            if let Some(first) = test.value.0.first() {
                if !matches!(first.value.as_str(), "CMD" | "CMD-SHELL" | "NONE") {
                    let upper = first.value.to_ascii_uppercase();
                    let help = if matches!(upper.as_str(), "CMD" | "CMD-SHELL" | "NONE") {
                        format!("write it in capitals: `{upper}`")
                    } else {
                        "write `[\"CMD\", \"curl\", \"-f\", \"http://localhost\"]` or a plain string for a shell command".to_string()
                    };
                    out.push(
                        err(
                            IssueKind::InvalidValue,
                            first.span,
                            format!("healthcheck test must start with `CMD`, `CMD-SHELL` or `NONE`, found `{}`", first.value),
                        )
                        .with_path(p("healthcheck.test"))
                        .with_help(help),
                    );
                }
            }
        }
    }
    // depends_on, with the implicit dependencies compose adds
    for (dep, cfg) in s.depends_on.iter() {
        if compose.services.contains_key(dep.value.as_str()) {
            if disabled.contains(dep.value.as_str()) && cfg.required() {
                out.push(
                    err(
                        IssueKind::UndefinedReference,
                        dep.span,
                        format!("service `{n}` depends on `{}`, which is not enabled by the active profiles", dep.value),
                    )
                    .with_path(p(&format!("depends_on.{}", dep.value)))
                    .with_help("enable its profile, or mark the dependency `required: false`"),
                );
            }
        } else if !cx.is_unreadable_at(&format!("services.{}", dep.value)) && !nested_in_a_service(cx, &dep.value) {
            out.push(undefined("service", n, dep, p(&format!("depends_on.{}", dep.value)), similar_service(compose, n, &dep.value)));
        }
    }
    for link in &s.links {
        let target = link_target(&link.value);
        if !s.depends_on.services.contains_key(target) {
            check_service_ref(cx, compose, disabled, n, target, link.span, p("links"), out);
        }
    }
    for vf in &s.volumes_from {
        if vf.value.starts_with("container:") {
            continue;
        }
        let target = vf.value.split(':').next().unwrap_or("");
        if !s.depends_on.services.contains_key(target) {
            check_service_ref(cx, compose, disabled, n, target, vf.span, p("volumes_from"), out);
        }
    }
    for (key, field) in [("network_mode", &s.network_mode), ("ipc", &s.ipc), ("pid", &s.pid), ("uts", &s.uts)] {
        if let Some(v) = field {
            if let Some(target) = v.value.strip_prefix("service:") {
                // the `depends_on` checks cover a dependency, except an optional one on a
                // disabled service for `network_mode`: compose drops the dependency, then finds
                // no service to share the network of
                let covered = s.depends_on.services.get(target).is_some_and(|d| key != "network_mode" || d.required() || !disabled.contains(target));
                if !covered {
                    check_service_ref(cx, compose, disabled, n, target, v.span, p(key), out);
                }
            }
        }
    }
    for vol in &s.volumes {
        // a long mount of no readable `type` is refused for that (reported): its source is
        // not a volume's name
        if vol.value.r#type == MountType::Volume && !vol.value.untyped {
            if let Some(src) = vol.value.source.as_deref().filter(|s| !s.is_empty()) {
                if !compose.volumes.contains_key(src) && !declared_unreadably(cx, "volumes", src) {
                    out.push(
                        err(
                            IssueKind::UndefinedReference,
                            crate::rules::util::find_in(cx, vol.span, src),
                            format!("service `{n}` refers to undefined volume `{src}`"),
                        )
                            .with_path(p("volumes"))
                            .with_help(match similar(src, &compose.volumes) {
                                Some(close) => format!("did you mean `{close}`? otherwise declare `{src}` under the top-level `volumes:`"),
                                // (only the long syntax gives a path here: the short one reads it as a bind mount)
                                None if composeguard_model::model::is_host_path(src) => {
                                    format!("`{src}` is a host path: mount it with `type: bind`, or name a volume declared under the top-level `volumes:`")
                                }
                                None => format!("declare it under the top-level `volumes:` (`{src}: {{}}`), or use `./{src}` for a host folder"),
                            }),
                    );
                }
            }
        }
    }
    for (i, c) in s.configs.iter().enumerate() {
        if c.value.source.value.is_empty() {
            nameless_ref(cx, "config", c, p(&format!("configs[{i}]")), out);
        } else if !compose.configs.contains_key(c.value.source.value.as_str()) && !declared_unreadably(cx, "configs", &c.value.source.value) {
            out.push(removed_by_reset(cx, undefined("config", n, &c.value.source, p("configs"), similar(&c.value.source.value, &compose.configs)), "configs", &c.value.source.value));
        }
    }
    for (i, c) in s.secrets.iter().enumerate() {
        if c.value.source.value.is_empty() {
            nameless_ref(cx, "secret", c, p(&format!("secrets[{i}]")), out);
        } else if !compose.secrets.contains_key(c.value.source.value.as_str()) && !declared_unreadably(cx, "secrets", &c.value.source.value) {
            out.push(removed_by_reset(cx, undefined("secret", n, &c.value.source, p("secrets"), similar(&c.value.source.value, &compose.secrets)), "secrets", &c.value.source.value));
        }
    }
    for (m, _) in s.models.iter() {
        if !compose.models.contains_key(m.value.as_str()) && !declared_unreadably(cx, "models", &m.value) {
            out.push(removed_by_reset(cx, undefined("model", n, m, p("models"), similar(&m.value, &compose.models)), "models", &m.value));
        }
    }
    // scale, replicas and resource duplicates must agree
    let replicas = s.deploy.as_ref().and_then(|d| d.replicas.as_ref());
    if let (Some(scale), Some(rep)) = (&s.scale, replicas) {
        if scale.value.0 != rep.value.0 {
            out.push(
                err(IssueKind::ConflictingKeys, scale.span, format!("service `{n}` sets `scale` {} but `deploy.replicas` {}", scale.value.0, rep.value.0))
                    .with_path(p("scale"))
                    .with_related(rep.span, "replicas set here"),
            );
        }
    }
    if let Some(scale) = &s.scale {
        if scale.value.0 < 0 {
            out.push(err(IssueKind::InvalidValue, scale.span, format!("`services.{n}.scale` must be 0 or more")).with_path(p("scale")));
        }
    }
    if let Some(rep) = replicas {
        if rep.value.0 < 0 {
            out.push(err(IssueKind::InvalidValue, rep.span, format!("`services.{n}.deploy.replicas` must be 0 or more")).with_path(p("deploy.replicas")));
        }
    }
    let limits = s.deploy.as_ref().and_then(|d| d.resources.as_ref()).and_then(|r| r.limits.as_ref());
    let reservations = s.deploy.as_ref().and_then(|d| d.resources.as_ref()).and_then(|r| r.reservations.as_ref());
    if let Some(cpus) = &s.cpus {
        #[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
        let c = cpus.value.0 as f32;
        #[allow(clippy::float_cmp)]
        if c != 0.0 {
            if let Some(l) = limits {
                #[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
                let lc = l.cpus.as_ref().map_or(0.0, |v| v.value.0 as f32);
                #[allow(clippy::float_cmp)]
                if lc != c {
                    out.push(distinct(n, "cpus", "deploy.resources.limits.cpus", cpus.span, l.cpus.as_ref().map(|v| v.span)));
                }
            }
        }
    }
    if let Some(mem) = &s.mem_limit {
        if mem.value.0 != 0 {
            if let Some(l) = limits {
                if l.memory.as_ref().map_or(0, |v| v.value.0) != mem.value.0 {
                    out.push(distinct(n, "mem_limit", "deploy.resources.limits.memory", mem.span, l.memory.as_ref().map(|v| v.span)));
                }
            }
        }
    }
    if let Some(mem) = &s.mem_reservation {
        if mem.value.0 != 0 {
            if let Some(r) = reservations {
                if r.memory.as_ref().map_or(0, |v| v.value.0) != mem.value.0 {
                    out.push(distinct(n, "mem_reservation", "deploy.resources.reservations.memory", mem.span, r.memory.as_ref().map(|v| v.span)));
                }
            }
        }
    }
    if let Some(pids) = &s.pids_limit {
        #[allow(clippy::cast_possible_truncation)]
        let pids_value = pids.value.0 as i64;
        if pids_value != 0 {
            if let Some(l) = limits {
                if l.pids.as_ref().map_or(0, |v| v.value.0) != pids_value {
                    out.push(distinct(n, "pids_limit", "deploy.resources.limits.pids", pids.span, l.pids.as_ref().map(|v| v.span)));
                }
            }
        }
    }
    let scale = s.scale.as_ref().map(|v| v.value.0).or_else(|| replicas.map(|v| v.value.0)).unwrap_or(1);
    if scale > 1 {
        if let Some(cn) = &s.container_name {
            let attr = if s.scale.is_some() { "scale" } else { "deploy.replicas" };
            let scale_span = s.scale.as_ref().map(|v| v.span).or_else(|| replicas.map(|v| v.span));
            out.push(
                err(
                    IssueKind::ConflictingKeys,
                    cn.span,
                    format!("service `{n}` sets `container_name` and `{attr}: {scale}`, but container names must be unique"),
                )
                .with_path(p("container_name"))
                .with_help("remove `container_name` to let compose name each replica")
                .with_related_if(scale_span.is_some_and(|at| at.file != cn.span.file), scale_span.unwrap_or_default(), format!("`{attr}` set here")),
            );
        }
    }
    if let Some(dev) = &s.develop {
        for (i, w) in dev.watch.iter().enumerate() {
            let action = w.action.as_ref().map(|a| a.value);
            // compose counts an empty target (`target: ${UNSET}`) as none
            if w.target.as_ref().is_none_or(|t| t.value.is_empty()) && !matches!(action, Some(WatchAction::Rebuild | WatchAction::Restart) | None) {
                out.push(
                    err(IssueKind::MissingKey, w.loc.span, format!("watch rule of service `{n}` needs a `target` for a sync action"))
                        .with_path(p(&format!("develop.watch[{i}]"))),
                );
            }
        }
    }
    check_mount_targets(n, s, out);
}

static EMPTY: composeguard_model::model::ListOrDict =
    composeguard_model::model::ListOrDict { entries: Vec::new(), list_form: false, present: false };

/// What compose checks as it reads a service, whether its profiles enable it or not (the
/// project's checks above look at the enabled services only).
fn check_service_as_read(name: &Spanned<String>, s: &Service, out: &mut Vec<Issue>) {
    let n = &name.value;
    let p = |rest: &str| format!("services.{n}.{rest}");
    if let Some(build) = &s.build {
        let b = &build.value.config;
        if b.ssh.list_form {
            for e in b.ssh.iter().filter(|e| e.value.is_none() && e.key.value != "default") {
                out.push(
                    err(IssueKind::InvalidValue, e.span, format!("ssh entry `{}` must be `default` or `id=path`", e.key.value))
                        .with_path(p("build.ssh")),
                );
            }
        }
        if b.additional_contexts.list_form {
            for e in b.additional_contexts.iter().filter(|e| e.value.is_none()) {
                out.push(
                    err(IssueKind::InvalidValue, e.span, format!("additional context `{}` must be written `name=path`", e.key.value))
                        .with_path(p("build.additional_contexts")),
                );
            }
        }
    }
    if let Some(dev) = &s.develop {
        for (i, w) in dev.watch.iter().enumerate() {
            if let Some(path) = &w.path {
                if path.value.is_empty() {
                    out.push(err(IssueKind::InvalidValue, path.span, "watch `path` cannot be blank".into()).with_path(p(&format!("develop.watch[{i}].path"))));
                }
            }
        }
    }
    for (i, port) in s.ports.iter().enumerate() {
        if !port.value.short {
            if let Some(ip) = &port.value.host_ip {
                if ip.parse::<std::net::IpAddr>().is_err() {
                    out.push(
                        err(IssueKind::InvalidValue, port.span, format!("`{ip}` is not a valid IP address"))
                            .with_path(p(&format!("ports[{i}].host_ip"))),
                    );
                }
            }
        }
    }
    let mut lists = vec![("environment".to_string(), &s.environment), ("build.args".to_string(), s.build.as_ref().map_or(&EMPTY, |b| &b.value.config.args))];
    for (hook, hooks) in [("post_start", &s.post_start), ("pre_stop", &s.pre_stop)] {
        lists.extend(hooks.iter().enumerate().map(|(i, h)| (format!("{hook}[{i}].environment"), &h.environment)));
    }
    if let Some(dev) = &s.develop {
        lists.extend(dev.watch.iter().enumerate().filter_map(|(i, w)| w.exec.as_ref().map(|e| (format!("develop.watch[{i}].exec.environment"), &e.environment))));
    }
    for (key, list) in lists {
        if !list.list_form {
            continue;
        }
        for e in list.iter() {
            // (compose passes over a bare `- "A "` among build args, not among the environments)
            if e.key.value.ends_with(char::is_whitespace) && (key != "build.args" || e.value.is_some()) {
                out.push(
                    err(IssueKind::InvalidValue, e.span, format!("variable `{}` is declared with a trailing space before `=`", e.key.value.trim_end()))
                        .with_path(p(&key))
                        .with_help("remove the space: `KEY=value`"),
                );
            }
        }
    }
}

fn check_mount_targets(n: &str, s: &Service, out: &mut Vec<Issue>) {
    let mut mounts: HashMap<String, (String, Span)> = HashMap::default();
    if let Some(tmpfs) = &s.tmpfs {
        // compose first merges the items with the same text before `=` (`/run` twice, or
        // `/run:size=1m` and `/run:size=2m`), the last one winning
        let mut merged: Vec<&Spanned<String>> = Vec::new();
        let mut at: HashMap<&str, usize> = HashMap::default();
        for t in tmpfs.iter() {
            let key = t.value.split_once('=').map_or(t.value.as_str(), |(k, _)| k);
            if let Some(slot) = at.get(key).and_then(|&i| merged.get_mut(i)) {
                *slot = t;
            } else {
                at.insert(key, merged.len());
                merged.push(t);
            }
        }
        for (i, t) in merged.into_iter().enumerate() {
            let path = t.value.split(':').next().unwrap_or("").to_string();
            let loc = format!("services.{n}.tmpfs[{i}]");
            if let Some((prev, span)) = mounts.get(&path) {
                out.push(dup_mount(&path, prev, *span, t.span, &loc));
            } else {
                mounts.insert(path, (loc, t.span));
            }
        }
    }
    // compose first merges volumes with the same target, the last one winning; it compares the
    // cleaned path of the short syntax but the target of the long syntax as written
    let key = |v: &composeguard_model::model::ServiceVolume| if v.short { clean_path(&v.target) } else { v.target.clone() };
    let merged = composeguard_model::merge::keep_unique_by(&s.volumes, |v| Some(key(&v.value)));
    for (index, v) in merged.into_iter().enumerate() {
        let target = clean_path(&v.value.target);
        let loc = format!("services.{n}.volumes[{index}]");
        if let Some((prev, span)) = mounts.get(&target) {
            out.push(dup_mount(&target, prev, *span, v.span, &loc));
        } else {
            mounts.insert(target, (loc, v.span));
        }
    }
}

fn clean_path(p: &str) -> String {
    let c = composeguard_model::project::normalize_path(p);
    if p.starts_with('/') || c != "." { c } else { p.to_string() }
}

fn dup_mount(target: &str, prev: &str, prev_span: Span, span: Span, loc: &str) -> Issue {
    err(IssueKind::DuplicateMountTarget, span, format!("`{target}` is already mounted by `{prev}`"))
        .with_path(loc.to_string())
        .with_related(prev_span, "first mounted here")
        .with_help("mount each container path once")
}

/// The top-level keys of a compose file.
const TOP_LEVEL_KEYS: &[&str] = &["version", "name", "include", "services", "networks", "volumes", "configs", "secrets", "models"];

/// Whether a reference to `name`, which the top-level `section` does not declare, would only
/// repeat a mistake reported already: the section, or its entry for `name`, could not be read
/// (`volumes: [data]`, `secrets: {pw: ./pw.txt}`), or a misspelling of the section declares
/// it (`volume:`, an unknown key with its "did you mean").
fn declared_unreadably(cx: &Context<'_>, section: &str, name: &str) -> bool {
    if cx.is_unreadable_at(&format!("{section}.{name}")) {
        return true;
    }
    let Some(top) = cx.project.root.as_ref().and_then(Node::as_map) else { return false };
    let misspelled = top.entries.iter().any(|(key, value)| {
        !key.name.starts_with("x-")
            && !TOP_LEVEL_KEYS.contains(&key.name.as_str())
            && composeguard_model::de::did_you_mean(&key.name, std::iter::once(section)).is_some()
            && value.as_map().is_some_and(|m| m.contains_key(name))
    });
    // the section indented under `services:`, read (and refused) as a service named `volumes`
    let under_services = || {
        top.get("services").and_then(Node::as_map).and_then(|m| m.get(section)).and_then(Node::as_map).is_some_and(|m| m.contains_key(name))
    };
    misspelled || under_services()
}

/// A service written inside the body of another (indented one level too far), which compose
/// refuses as an unknown key of that service (reported): a reference to it is not also undefined.
fn nested_in_a_service(cx: &Context<'_>, name: &str) -> bool {
    let Some(services) = cx.project.root.as_ref().and_then(Node::as_map).and_then(|m| m.get("services")).and_then(Node::as_map) else { return false };
    services.iter().any(|(_, body)| {
        body.as_map().and_then(|m| m.get(name)).is_some_and(composeguard_model::de::looks_like_a_service)
    })
}

/// A secret or config reference (at `path`) that names nothing, which compose refuses as a
/// reference to an undefined one named `""`: reported as what is wrong with the entry instead.
/// A long form without `source` is missing the key, unless a mistake within the entry is
/// reported already (a misspelt `sourc`, a `source` that is not a string); an empty name is an
/// invalid value.
fn nameless_ref(cx: &Context<'_>, what: &str, r: &Spanned<composeguard_model::model::FileRef>, path: String, out: &mut Vec<Issue>) {
    let section = if what == "config" { "configs" } else { "secrets" };
    if r.value.no_source {
        let within = format!("{path}.");
        if cx.project.issues.iter().any(|i| i.path.starts_with(&within)) || out.iter().any(|i| i.path.starts_with(&within)) {
            return;
        }
        out.push(
            err(IssueKind::MissingKey, r.span, format!("`{path}` is missing the required key `source`"))
                .with_path(path)
                .with_help(format!("name the {what} with `source:`, one declared under the top-level `{section}:`")),
        );
    } else {
        out.push(
            err(IssueKind::InvalidValue, r.value.source.span, format!("the {what} name at `{path}` is empty"))
                .with_path(path)
                .with_help(format!("name a {what} declared under the top-level `{section}:`")),
        );
    }
}

/// The declared name closest to `word` among `declared`, for a "did you mean".
fn similar<'a, V>(word: &str, declared: &'a composeguard_model::model::Named<V>) -> Option<&'a str> {
    composeguard_model::de::did_you_mean_name(word, declared.keys().map(|k| k.value.as_str()))
}

/// The service closest to `word`, other than the service `of` that refers to it.
fn similar_service<'a>(compose: &'a Compose, of: &str, word: &str) -> Option<&'a str> {
    composeguard_model::de::did_you_mean_name(word, compose.services.keys().map(|k| k.value.as_str()).filter(move |k| *k != of))
}

/// A reference of service `service` to `name`, a `what` that is not declared; `close` is a
/// declared name it may have meant.
/// A reference to a declaration that a later file's `!reset` removed (`networks: !reset {}`):
/// the issue says so, at that `!reset`, where its help would say to declare what is declared.
fn removed_by_reset(cx: &Context<'_>, mut issue: Issue, section: &str, name: &str) -> Issue {
    let resets = &cx.project.provenance.resets;
    let found = resets.get(&format!("{section}.{name}")).or_else(|| resets.get(section).filter(|r| r.names.iter().any(|n| n == name)));
    let Some(reset) = found else { return issue };
    let path = |span: Span| cx.sources().get(span.file).map_or("", |f| f.path.as_str());
    issue.help = Some(format!(
        "`{name}` is declared in `{}`, but the `!reset` in `{}` removes it: declare it again after that `!reset`, or stop using it",
        path(reset.removed),
        path(reset.at)
    ));
    issue.with_related(reset.at, "declaration removed here by `!reset`")
}

fn undefined(what: &str, service: &str, name: &Spanned<String>, path: String, close: Option<&str>) -> Issue {
    let section = match what {
        "network" => "networks",
        "config" => "configs",
        "secret" | "build secret" => "secrets",
        "model" => "models",
        _ => "services",
    };
    let mut issue = err(
        IssueKind::UndefinedReference,
        name.span,
        format!("service `{service}` refers to undefined {what} `{}`", name.value),
    )
    .with_path(path);
    if let Some(close) = close {
        issue = issue.with_help(if section == "services" {
            format!("did you mean `{close}`?")
        } else {
            format!("did you mean `{close}`? otherwise declare `{}` under the top-level `{section}:`", name.value)
        });
    } else if section != "services" {
        issue = issue.with_help(format!("declare `{}` under the top-level `{section}:`", name.value));
    }
    if let Some(a) = name.anchor {
        issue = issue.with_related(a, "value defined here");
    }
    issue
}

#[allow(clippy::too_many_arguments)] // the service's context as `check_service` has it, and the reference
fn check_service_ref(cx: &Context<'_>, compose: &Compose, disabled: &HashSet<&str>, n: &str, target: &str, span: Span, path: String, out: &mut Vec<Issue>) {
    if !compose.services.contains_key(target) {
        // a service written but unreadable is reported as such, not as undefined
        if cx.is_unreadable_at(&format!("services.{target}")) || nested_in_a_service(cx, target) {
            return;
        }
        let links = path.rsplit('.').next() == Some("links");
        let mut issue = err(IssueKind::UndefinedReference, span, format!("service `{n}` depends on undefined service `{target}`")).with_path(path);
        if let Some(close) = similar_service(compose, n, target) {
            issue = issue.with_help(format!("did you mean `{close}`?"));
        } else {
            // a container of another project, named where only this project's services go
            let outside = if links { "an `external_links` entry".to_string() } else { format!("`container:{target}`") };
            issue = issue.with_help(format!("define `{target}` under `services:`; a container outside this project is {outside}"));
        }
        out.push(issue);
    } else if disabled.contains(target) {
        out.push(
            err(IssueKind::UndefinedReference, span, format!("service `{n}` depends on `{target}`, which is not enabled by the active profiles"))
                .with_path(path),
        );
    }
}

/// The service a link names: `service` or `service:alias` (compose keeps anything else whole).
fn link_target(link: &str) -> &str {
    match link.split_once(':') {
        Some((service, alias)) if !alias.contains(':') => service,
        _ => link,
    }
}

fn distinct(n: &str, a: &str, b: &str, span: Span, other: Option<Span>) -> Issue {
    let mut i = err(IssueKind::ConflictingKeys, span, format!("service `{n}` sets `{a}` and `{b}` to different values"))
        .with_path(format!("services.{n}.{a}"))
        .with_help(format!("set only `{b}`"));
    if let Some(o) = other {
        i = i.with_related(o, format!("`{b}` set here"));
    }
    i
}

/// The services each service depends on (explicitly or through links, `volumes_from` and
/// `service:` namespaces), with where the dependency is written.
fn dependencies(s: &Service) -> Vec<(String, Span)> {
    let mut deps: Vec<(String, Span)> = s.depends_on.iter().map(|(k, _)| (k.value.clone(), k.span)).collect();
    let mut add = |name: &str, span: Span| {
        if !deps.iter().any(|(d, _)| d == name) {
            deps.push((name.to_string(), span));
        }
    };
    for l in &s.links {
        add(link_target(&l.value), l.span);
    }
    for v in [&s.network_mode, &s.ipc, &s.pid, &s.uts].into_iter().flatten() {
        if let Some(t) = v.value.strip_prefix("service:") {
            add(t, v.span);
        }
    }
    for vf in &s.volumes_from {
        if !vf.value.starts_with("container:") {
            add(vf.value.split(':').next().unwrap_or(""), vf.span);
        }
    }
    deps
}

fn check_cycles(active: &[(&Spanned<String>, &Service)], out: &mut Vec<Issue>) {
    let index: HashMap<&str, usize> = active.iter().enumerate().map(|(i, (n, _))| (n.value.as_str(), i)).collect();
    let edges: Vec<Vec<(usize, Span)>> = active
        .iter()
        .map(|(_, s)| dependencies(s).into_iter().filter_map(|(d, span)| index.get(d.as_str()).map(|&j| (j, span))).collect())
        .collect();
    // Iterative DFS; each cycle is reported once, at the edge that closes it.
    let mut state = vec![0u8; active.len()]; // 0 new, 1 on stack, 2 done
    let mut reported: HashSet<Vec<usize>> = HashSet::default();
    for start in 0..active.len() {
        if state.get(start) != Some(&0) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        let mut path: Vec<usize> = vec![start];
        if let Some(s) = state.get_mut(start) {
            *s = 1;
        }
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let Some(&(child, span)) = edges.get(node).and_then(|e| e.get(*next)) else {
                if let Some(s) = state.get_mut(node) {
                    *s = 2;
                }
                stack.pop();
                path.pop();
                continue;
            };
            *next += 1;
            match state.get(child).copied() {
                Some(0) => {
                    if let Some(s) = state.get_mut(child) {
                        *s = 1;
                    }
                    stack.push((child, 0));
                    path.push(child);
                }
                Some(1) => {
                    let pos = path.iter().position(|&x| x == child).unwrap_or(0);
                    let cycle: Vec<usize> = path.get(pos..).unwrap_or(&[]).to_vec();
                    let mut key = cycle.clone();
                    key.sort_unstable();
                    if reported.insert(key) {
                        let mut names: Vec<&str> = cycle.iter().filter_map(|&i| active.get(i).map(|(n, _)| n.value.as_str())).collect();
                        names.push(active.get(child).map_or("", |(n, _)| n.value.as_str()));
                        let from = active.get(node).map_or("", |(n, _)| n.value.as_str());
                        out.push(
                            err(IssueKind::DependencyCycle, span, format!("dependency cycle: {}", names.join(" -> ")))
                                .with_path(format!("services.{from}.depends_on"))
                                .with_help("remove one of the dependencies in the cycle"),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

fn check_env_files(cx: &Context<'_>, active: &[(&Spanned<String>, &Service)], out: &mut Vec<Issue>) {
    for (name, s) in active {
        for (i, ef) in s.env_file.iter().enumerate() {
            let rel = &ef.value.path.value;
            // compose keeps one entry per path as written, the last (its `required` wins)
            if s.env_file.get(i + 1..).unwrap_or_default().iter().any(|later| later.value.path.value == *rel) {
                continue;
            }
            let at = format!("services.{}.env_file[{i}]", name.value);
            let path = (!rel.is_empty()).then(|| {
                composeguard_model::project::join_path(cx.working_dir(), &composeguard_model::paths::expand_home(rel, cx.project.home.as_deref()))
            });
            if let Some(format) = ef.value.format.as_deref().filter(|f| !matches!(*f, "" | ".env" | "raw")) {
                // compose passes over an optional file that is not there, whatever its format
                let read = ef.value.required || !cx.fs.sees_files() || path.as_deref().is_some_and(|p| cx.fs.exists(p));
                if read {
                    out.push(
                        err(IssueKind::InvalidValue, ef.span, format!("unsupported env_file format `{format}`"))
                            .with_path(format!("{at}.format"))
                            .with_help("use `raw`, or leave `format` out for the `.env` syntax"),
                    );
                }
                continue;
            }
            let file = VarFile { kind: VarFileKind::Env, rel, path, format: ef.value.format.as_deref(), required: ef.value.required, span: ef.value.path.span, at };
            file.check(cx, out);
        }
    }
}

/// Checks on the raw (interpolated) tree: required keys, name patterns and numeric ranges.
mod raw {
    use std::fmt::Write as _;

    use super::{err, Issue, IssueKind, Node, Value};

    /// The tree checked.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Tree {
        /// The project's merged tree: every check.
        Merged,
        /// The files of a stack merged so far: only what compose's schema refuses (it checks
        /// the rest on the project once every file is merged).
        MergedSoFar,
    }

    /// `disabled`: the services of no chosen profile, which compose reads but does not check
    /// as it checks the project's services.
    pub fn check(root: &Node, tree: Tree, disabled: &super::HashSet<&str>, out: &mut Vec<Issue>) {
        let schema_only = tree == Tree::MergedSoFar;
        let Some(top) = root.as_map() else { return };
        for section in ["volumes", "secrets", "configs"] {
            if let Some(m) = top.get(section).and_then(Node::as_map) {
                for (k, _) in m.iter() {
                    if !is_name(&k.name) {
                        out.push(bad_name(section, &k.name, k.span));
                    }
                }
            }
        }
        for section in ["volumes", "secrets", "configs"] {
            if let Some(m) = top.get(section).and_then(Node::as_map) {
                for (k, v) in m.iter() {
                    unique_items(v.as_map().and_then(|m| m.get("labels")), || format!("{section}.{}.labels", k.name), out);
                }
            }
        }
        for section in ["networks", "volumes", "secrets", "configs"] {
            for (k, v) in top.get(section).and_then(Node::as_map).into_iter().flat_map(composeguard_model::yaml::Mapping::iter) {
                empty_keys(get(Some(v), "labels"), || format!("{section}.{}.labels", k.name), out);
            }
        }
        for (k, v) in top.get("networks").and_then(Node::as_map).into_iter().flat_map(composeguard_model::yaml::Mapping::iter) {
            let ipam = get(Some(v), "ipam");
            refused_keys(get(ipam, "options"), KeyPattern::OneLine, || format!("networks.{}.ipam.options", k.name), out);
            each_item_map(get(ipam, "config"), |i, c| {
                refused_keys(get(Some(c), "aux_addresses"), KeyPattern::OneLine, || format!("networks.{}.ipam.config[{i}].aux_addresses", k.name), out);
            });
        }
        for (k, v) in top.get("secrets").and_then(Node::as_map).into_iter().flat_map(composeguard_model::yaml::Mapping::iter) {
            let driver_opts = v.as_map().and_then(|m| m.get("driver_opts"));
            extension_keys(driver_opts, || format!("secrets.{}.driver_opts", k.name), out);
            // a secret's options are strings to compose's decoder, which converts a 64-bit
            // signed integer and nothing else that is a number (the other sections' options
            // take any)
            let decoded = if schema_only { None } else { driver_opts.and_then(Node::as_map) };
            for (opt, value) in decoded.into_iter().flat_map(composeguard_model::yaml::Mapping::iter) {
                if let Some(problem) = mismatch(value, Want::StringOrInt64) {
                    let path = format!("secrets.{}.driver_opts.{}", k.name, opt.name);
                    out.push(err(IssueKind::InvalidType, value.span, format!("`{path}` {problem}")).with_path(path));
                }
            }
        }
        // the object form of `external` on volumes and networks has `name` only (secrets and
        // configs take any keys there)
        for section in ["volumes", "networks"] {
            for (k, v) in top.get(section).and_then(Node::as_map).into_iter().flat_map(composeguard_model::yaml::Mapping::iter) {
                let Some(ext) = v.as_map().and_then(|m| m.get("external")).and_then(Node::as_map) else { continue };
                for (key, _) in ext.iter().filter(|(key, _)| key.name != "name" && !key.name.starts_with("x-")) {
                    let path = format!("{section}.{}.external", k.name);
                    out.push(
                        err(IssueKind::UnknownKey, key.span, format!("unknown key `{}` in `{path}`", key.name))
                            .with_path(format!("{path}.{}", key.name))
                            .with_help("`external` takes `true`, or the obsolete `name:` of the existing object"),
                    );
                }
            }
        }
        if let Some(models) = top.get("models").and_then(Node::as_map) {
            for (k, v) in models.iter() {
                if is_name(&k.name) {
                    required(v, &["model"], || format!("models.{}", k.name), out);
                }
            }
        }
        let Some(services) = top.get("services").and_then(Node::as_map) else { return };
        for (name, svc) in services.iter() {
            if !is_name(&name.name) {
                out.push(bad_name("services", &name.name, name.span));
            }
            let Some(s) = svc.as_map() else { continue };
            let p = |rest: &str| format!("services.{}.{rest}", name.name);
            if let Some(cn) = s.get("container_name") {
                if let Some(v) = cn.as_str() {
                    if !contains_name_pattern(v) {
                        out.push(
                            err(IssueKind::InvalidValue, cn.span, format!("container name `{v}` is invalid: it needs at least two characters from `a-z A-Z 0-9 _ . -`, starting with a letter or digit"))
                                .with_path(p("container_name")),
                        );
                    }
                }
            }
            if let Some(pp) = s.get("pull_policy") {
                if let Some(v) = pp.as_str() {
                    if !pull_policy_ok(v) {
                        out.push(
                            err(IssueKind::InvalidValue, pp.span, format!("`{v}` is not a pull policy"))
                                .with_path(p("pull_policy"))
                                .with_help("use always, never, missing, build, refresh, daily, weekly or every_<duration>"),
                        );
                    }
                }
            }
            strict_types(s, &name.name, schema_only, disabled.contains(name.name.as_str()), out);
            if !schema_only {
                for key in ["storage_opt", "extra_hosts"] {
                    extension_keys(s.get(key), || p(key), out);
                }
                if let Some(build) = s.get("build").and_then(Node::as_map) {
                    extension_keys(build.get("extra_hosts"), || p("build.extra_hosts"), out);
                }
            }
            for key in ["depends_on", "external_links", "group_add", "security_opt", "volumes_from", "device_cgroup_rules", "networks", "models", "extra_hosts"] {
                unique_items(s.get(key), || p(key), out);
            }
            if let Some(build) = s.get("build").and_then(Node::as_map) {
                unique_items(build.get("ssh"), || p("build.ssh"), out);
                unique_items(build.get("extra_hosts"), || p("build.extra_hosts"), out);
            }
            for hook in ["post_start", "pre_stop"] {
                each_item_map(s.get(hook), |i, v| unique_items(v.as_map().and_then(|m| m.get("environment")), || p(&format!("{hook}[{i}].environment")), out));
            }
            each_item_map(s.get("volumes"), |i, v| {
                let labels = v.as_map().and_then(|m| m.get("volume")).and_then(Node::as_map).and_then(|m| m.get("labels"));
                unique_items(labels, || p(&format!("volumes[{i}].volume.labels")), out);
            });
            each_item_map(s.get("gpus"), |i, v| {
                for key in ["capabilities", "device_ids", "options"] {
                    unique_items(v.as_map().and_then(|m| m.get(key)), || p(&format!("gpus[{i}].{key}")), out);
                }
            });
            if let Some(watch) = s.get("develop").and_then(Node::as_map).and_then(|d| d.get("watch")) {
                each_item_map(Some(watch), |i, v| {
                    for key in ["ignore", "include"] {
                        unique_items(v.as_map().and_then(|m| m.get(key)), || p(&format!("develop.watch[{i}].{key}")), out);
                    }
                    let environment = v.as_map().and_then(|m| m.get("exec")).and_then(Node::as_map).and_then(|m| m.get("environment"));
                    unique_items(environment, || p(&format!("develop.watch[{i}].exec.environment")), out);
                });
            }
            // (compose refuses it as it reads each file, before the merge)
            if let Some(items) = s.get("expose").and_then(Node::as_seq) {
                for (i, item) in items.iter().enumerate() {
                    if matches!(item.value, Value::Float(_)) {
                        out.push(
                            err(IssueKind::InvalidType, item.span, "an exposed port must be a whole number or a string".into())
                                .with_path(p(&format!("expose[{i}]"))),
                        );
                    }
                }
            }
            if !schema_only {
                scalar_values(s.get("storage_opt"), || p("storage_opt"), Values::StringsOrIntegers, out);
                if let Some(build) = s.get("build").and_then(Node::as_map) {
                    scalar_values(build.get("additional_contexts"), || p("build.additional_contexts"), Values::Strings, out);
                }
                if let Some(provider) = s.get("provider").and_then(Node::as_map) {
                    scalar_values(provider.get("options"), || p("provider.options"), Values::ScalarsOrLists, out);
                }
            }
            range(s.get("cpu_count"), 0, i64::MAX, || p("cpu_count"), out);
            range(s.get("cpu_percent"), 0, 100, || p("cpu_percent"), out);
            range(s.get("oom_score_adj"), -1000, 1000, || p("oom_score_adj"), out);
            if let Some(deps) = s.get("depends_on").and_then(Node::as_map) {
                for (k, v) in deps.iter() {
                    if !is_name(&k.name) {
                        out.push(err(IssueKind::InvalidValue, k.span, format!("`{}` is not a valid service name", k.name)).with_path(p("depends_on")));
                        continue;
                    }
                    if v.as_map().is_some() {
                        required(v, &["condition"], || p(&format!("depends_on.{}", k.name)), out);
                    }
                }
            }
            if let Some(nets) = s.get("networks").and_then(Node::as_map) {
                for (k, _) in nets.iter() {
                    if !is_name(&k.name) {
                        out.push(err(IssueKind::InvalidValue, k.span, format!("`{}` is not a valid network name", k.name)).with_path(p("networks")));
                    }
                }
            }
            // the mappings whose keys the schema limits to `.+`
            for key in ["annotations", "environment", "labels", "sysctls", "extra_hosts"] {
                empty_keys(s.get(key), || p(key), out);
            }
            for key in ["args", "ssh", "labels", "additional_contexts", "extra_hosts"] {
                empty_keys(get(s.get("build"), key), || p(&format!("build.{key}")), out);
            }
            empty_keys(get(s.get("deploy"), "labels"), || p("deploy.labels"), out);
            let devices = get(get(get(s.get("deploy"), "resources"), "reservations"), "devices");
            each_item_map(devices, |i, d| empty_keys(get(Some(d), "options"), || p(&format!("deploy.resources.reservations.devices[{i}].options")), out));
            each_item_map(s.get("gpus"), |i, d| empty_keys(get(Some(d), "options"), || p(&format!("gpus[{i}].options")), out));
            for hook in ["post_start", "pre_stop"] {
                each_item_map(s.get(hook), |i, h| empty_keys(get(Some(h), "environment"), || p(&format!("{hook}[{i}].environment")), out));
            }
            each_item_map(get(s.get("develop"), "watch"), |i, w| {
                empty_keys(get(get(Some(w), "exec"), "environment"), || p(&format!("develop.watch[{i}].exec.environment")), out);
            });
            each_item_map(s.get("volumes"), |i, v| empty_keys(get(get(Some(v), "volume"), "labels"), || p(&format!("volumes[{i}].volume.labels")), out));
            each_item_map(s.get("devices"), |i, v| required(v, &["source"], || p(&format!("devices[{i}]")), out));
            if let Some(ext) = s.get("extends").filter(|e| e.as_map().is_some()) {
                required(ext, &["service"], || p("extends"), out);
            }
            if let Some(prov) = s.get("provider").filter(|e| e.as_map().is_some()) {
                required(prov, &["type"], || p("provider"), out);
            }
            each_item_map(s.get("volumes"), |i, v| {
                required(v, &["type"], || p(&format!("volumes[{i}]")), out);
                // compose refuses a bind mount without a source; an empty one is the project
                // folder (relative paths are resolved before the check)
                if !schema_only && v.as_map().and_then(|m| m.get("type")).and_then(Node::as_str) == Some("bind") {
                    required(v, &["source"], || p(&format!("volumes[{i}]")), out);
                }
                if let Some(size) = v.as_map().and_then(|m| m.get("tmpfs")).and_then(Node::as_map).and_then(|t| t.get("size")) {
                    range(Some(size), 0, i64::MAX, || p(&format!("volumes[{i}].tmpfs.size")), out);
                }
            });
            each_item_map(s.get("env_file"), |i, v| required(v, &["path"], || p(&format!("env_file[{i}]")), out));
            for hook in ["post_start", "pre_stop"] {
                each_item_map(s.get(hook), |i, v| required(v, &["command"], || p(&format!("{hook}[{i}]")), out));
            }
            let build_ulimits = s.get("build").and_then(Node::as_map).and_then(|b| b.get("ulimits"));
            for (at, ul) in [("ulimits", s.get("ulimits")), ("build.ulimits", build_ulimits)] {
                for (k, v) in ul.and_then(Node::as_map).into_iter().flat_map(composeguard_model::yaml::Mapping::iter) {
                    if v.as_map().is_some() && k.name.bytes().all(|b| b.is_ascii_lowercase()) && !k.name.is_empty() {
                        required(v, &["soft", "hard"], || p(&format!("{at}.{}", k.name)), out);
                    }
                }
            }
            if let Some(watch) = s.get("develop").and_then(Node::as_map).and_then(|d| d.get("watch")) {
                each_item_map(Some(watch), |i, v| {
                    required(v, &["path", "action"], || p(&format!("develop.watch[{i}]")), out);
                    if let Some(exec) = v.as_map().and_then(|m| m.get("exec")).filter(|e| e.as_map().is_some()) {
                        required(exec, &["command"], || p(&format!("develop.watch[{i}].exec")), out);
                    }
                });
            }
            let devices = s
                .get("deploy")
                .and_then(Node::as_map)
                .and_then(|d| d.get("resources"))
                .and_then(Node::as_map)
                .and_then(|r| r.get("reservations"))
                .and_then(Node::as_map)
                .and_then(|r| r.get("devices"));
            each_item_map(devices, |i, v| {
                let path = || p(&format!("deploy.resources.reservations.devices[{i}]"));
                required(v, &["capabilities"], path, out);
                for key in ["capabilities", "device_ids", "options"] {
                    unique_items(v.as_map().and_then(|m| m.get(key)), || format!("{}.{key}", path()), out);
                }
                if !schema_only {
                    count_and_device_ids(v, path, out);
                }
            });
            if !schema_only {
                each_item_map(s.get("gpus"), |i, v| count_and_device_ids(v, || p(&format!("gpus[{i}]")), out));
            }
        }
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Want {
        /// An integer or a string (a fractional number is refused).
        IntOrString,
        /// A string only.
        String,
        /// A boolean only (not the strings compose casts elsewhere).
        Bool,
        /// A number, not a string, and not negative (compose decodes into an unsigned number).
        Weight,
        /// Not negative (compose decodes into an unsigned number).
        Unsigned,
        /// Not an integer past `i64::MAX`: compose's own decoders for these values take signed
        /// integers and strings only.
        Signed,
        /// A string or an integer, never a float (even `1.0`) nor an integer past `i64::MAX`:
        /// compose turns only 64-bit signed integers into the string it decodes.
        StringOrInt64,
        /// A signed integer, never a string (compose casts none here, not even a variable's
        /// value).
        Integer,
        /// A number, never a string (compose casts none here, not even a variable's value).
        Number,
        /// A count: compose turns a number past `i64::MAX` (an integer or a float) into a
        /// negative one, and refuses it in an enabled service.
        Count,
    }

    /// Where the spec (or compose's decoder) is stricter about types than the model's readers.
    const STRICT: &[(&[&str], Want)] = &[
        (&["mem_reservation"], Want::IntOrString),
        (&["mem_swappiness"], Want::IntOrString),
        (&["build", "shm_size"], Want::IntOrString),
        (&["blkio_config", "device_read_bps", "[]", "rate"], Want::IntOrString),
        (&["blkio_config", "device_read_iops", "[]", "rate"], Want::IntOrString),
        (&["blkio_config", "device_write_bps", "[]", "rate"], Want::IntOrString),
        (&["blkio_config", "device_write_iops", "[]", "rate"], Want::IntOrString),
        (&["volumes", "[]", "tmpfs", "size"], Want::IntOrString),
        // compose converts no string to a tmpfs mode, not even a variable's value
        (&["volumes", "[]", "tmpfs", "mode"], Want::Weight),
        (&["cpu_percent"], Want::IntOrString),
        (&["cpu_count"], Want::IntOrString),
        (&["oom_score_adj"], Want::IntOrString),
        (&["deploy", "resources", "limits", "memory"], Want::String),
        (&["deploy", "resources", "reservations", "memory"], Want::String),
        (&["develop", "watch", "[]", "initial_sync"], Want::Bool),
        (&["use_api_socket"], Want::Bool),
        (&["depends_on", "*", "required"], Want::Bool),
        (&["blkio_config", "weight"], Want::Weight),
        (&["blkio_config", "weight_device", "[]", "weight"], Want::Weight),
        (&["deploy", "update_config", "parallelism"], Want::Unsigned),
        (&["deploy", "rollback_config", "parallelism"], Want::Unsigned),
        (&["deploy", "restart_policy", "max_attempts"], Want::Unsigned),
        (&["deploy", "placement", "max_replicas_per_node"], Want::Unsigned),
        (&["healthcheck", "retries"], Want::Unsigned),
        (&["scale"], Want::Count),
        (&["deploy", "replicas"], Want::Count),
        (&["ulimits", "*"], Want::Signed),
        (&["ulimits", "*", "soft"], Want::Signed),
        (&["ulimits", "*", "hard"], Want::Signed),
        (&["group_add", "[]"], Want::StringOrInt64),
        // compose casts the strings of a service's ulimits to integers, but not a build's
        (&["build", "ulimits", "*"], Want::Integer),
        (&["build", "ulimits", "*", "soft"], Want::Integer),
        (&["build", "ulimits", "*", "hard"], Want::Integer),
        (&["ports", "[]", "published"], Want::Signed),
        (&["secrets", "[]", "mode"], Want::Signed),
        (&["configs", "[]", "mode"], Want::Signed),
        (&["build", "secrets", "[]", "mode"], Want::Signed),
        (&["deploy", "resources", "limits", "cpus"], Want::Signed),
        (&["deploy", "resources", "reservations", "cpus"], Want::Signed),
        (&["expose", "[]"], Want::Signed),
        (&["networks", "*", "priority"], Want::Number),
        (&["networks", "*", "gw_priority"], Want::Number),
    ];

    /// One step of a path under a service, for messages (built only when there is a problem).
    #[derive(Clone, Copy)]
    enum Seg<'a> {
        Key(&'a str),
        Index(usize),
    }

    fn strict_types(service: &composeguard_model::yaml::Mapping, name: &str, schema_only: bool, disabled: bool, out: &mut Vec<Issue>) {
        let mut stack: Vec<Seg<'_>> = Vec::new();
        // the schema's types; the others are the decoder's, which reads the project once merged
        let in_schema = |want: Want| matches!(want, Want::IntOrString | Want::String | Want::Bool);
        // a count compose turns negative is refused by its check of the enabled services only
        let checked = |want: Want| (!schema_only || in_schema(want)) && !(disabled && want == Want::Count);
        for (pattern, want) in STRICT.iter().filter(|(_, want)| checked(*want)) {
            collect(service, pattern, &mut stack, &mut |segs, node| {
                if let Some(problem) = mismatch(node, *want) {
                    // (as `services.{name}.` with its trailing dots trimmed, as before)
                    let mut path = format!("services.{name}.").trim_end_matches('.').to_string();
                    for seg in segs {
                        match seg {
                            Seg::Key(k) => {
                                path.push('.');
                                path.push_str(k);
                            }
                            Seg::Index(i) => {
                                let _ = write!(path, "[{i}]");
                            }
                        }
                    }
                    out.push(err(IssueKind::InvalidType, node.span, format!("`{path}` {problem}")).with_path(path));
                }
            });
        }
    }

    /// Calls `found` with each node under `m` that matches `pattern` (`*` any key, `[]` each item).
    fn collect<'a>(m: &'a composeguard_model::yaml::Mapping, pattern: &[&str], stack: &mut Vec<Seg<'a>>, found: &mut dyn FnMut(&[Seg<'a>], &'a Node)) {
        let Some((first, rest)) = pattern.split_first() else { return };
        if *first == "*" {
            for (k, v) in m.iter() {
                stack.push(Seg::Key(&k.name));
                collect_at(v, rest, stack, found);
                stack.pop();
            }
        } else if let Some((k, v)) = m.get_entry(first) {
            stack.push(Seg::Key(&k.name));
            collect_at(v, rest, stack, found);
            stack.pop();
        }
    }

    fn collect_at<'a>(node: &'a Node, rest: &[&str], stack: &mut Vec<Seg<'a>>, found: &mut dyn FnMut(&[Seg<'a>], &'a Node)) {
        match rest.split_first() {
            None => found(stack, node),
            Some((&"[]", tail)) => {
                for (i, item) in node.as_seq().unwrap_or(&[]).iter().enumerate() {
                    stack.push(Seg::Index(i));
                    match (tail.is_empty(), item.as_map()) {
                        (true, _) => found(stack, item),
                        (false, Some(im)) => collect(im, tail, stack, found),
                        _ => {}
                    }
                    stack.pop();
                }
            }
            Some(_) => {
                if let Some(inner) = node.as_map() {
                    collect(inner, rest, stack, found);
                }
            }
        }
    }

    /// `x-` keys in a mapping of plain strings that compose cannot read them from. Compose moves
    /// every `x-` key out of a mapping into its extensions before it reads the file (outside
    /// `services`, `volumes`… themselves), so `storage_opt: {x-a: b}` holds an entry of extensions
    /// that is not a string, and compose fails on it. (Labels and environment take it as a
    /// string.)
    fn extension_keys(node: Option<&Node>, path: impl Fn() -> String, out: &mut Vec<Issue>) {
        let Some(m) = node.and_then(Node::as_map) else { return };
        for (k, _) in m.iter().filter(|(k, _)| k.name.starts_with("x-")) {
            let path = path();
            out.push(
                err(IssueKind::InvalidValue, k.span, format!("`{path}` cannot hold the key `{}`: docker compose reads `x-` keys as extensions, and fails on them here", k.name))
                    .with_path(format!("{path}.{}", k.name))
                    .with_help("rename the key so that it does not start with `x-`"),
            );
        }
    }

    /// A list the spec declares with unique items, and that compose does not de-duplicate itself
    /// (it merges duplicates of `ports`, `volumes`, `environment`… silently, but refuses these).
    fn unique_items(node: Option<&Node>, path: impl Fn() -> String, out: &mut Vec<Issue>) {
        let Some(items) = node.and_then(Node::as_seq) else { return };
        // the earlier items by fingerprint: only items with the same one can be equal (a
        // comparison with every earlier item made 20 000 `extra_hosts` take 0.6 s)
        let mut earlier: composeguard_model::HashMap<u64, Vec<usize>> = composeguard_model::HashMap::default();
        // compose's check also finds a number equal to an earlier string that reads as the same
        // number (`group_add: ["100", 100]`, `["0100", 100]`), though not the other way round
        let mut numeric_strings: composeguard_model::HashMap<u64, usize> = composeguard_model::HashMap::default();
        for (j, b) in items.iter().enumerate() {
            let same = earlier.entry(fingerprint(b)).or_default();
            let first = same.iter().copied().find(|&i| items.get(i).is_some_and(|a| same_value(a, b)));
            same.push(j);
            #[allow(clippy::cast_precision_loss)]
            let number = match b.value {
                Value::Int(i) => Some(i as f64),
                Value::UInt(u) => Some(u as f64),
                Value::Float(f) => Some(f),
                _ => None,
            };
            let as_string = number.and_then(|n| numeric_strings.get(&(n + 0.0).to_bits()).copied());
            let first = match (first, as_string) {
                (Some(same), Some(read_as_number)) => Some(same.min(read_as_number)),
                (same, read_as_number) => same.or(read_as_number),
            };
            if let Value::String(text) = &b.value {
                if let Ok(n) = text.parse::<f64>() {
                    numeric_strings.entry((n + 0.0).to_bits()).or_insert(j);
                }
            }
            if let Some((i, a)) = first.and_then(|i| Some((i, items.get(i)?))) {
                let path = path();
                out.push(
                    err(IssueKind::InvalidValue, b.span, format!("`{path}` lists the same item twice (items {i} and {j})"))
                        .with_path(format!("{path}[{j}]"))
                        .with_related(a.span, "first listed here")
                        .with_help("remove the repeated item"),
                );
            }
        }
    }

    /// A hash that [`same_value`] items share: numbers by value, mappings whatever their key
    /// order.
    fn fingerprint(node: &Node) -> u64 {
        use std::hash::{BuildHasher, Hash, Hasher};
        // a fixed seed: fingerprints are compared within one call only
        let state = composeguard_model::FixedHasher::with_seed(0);
        let mut h = state.build_hasher();
        #[allow(clippy::cast_precision_loss)]
        match &node.value {
            Value::Int(i) => (0u8, (*i as f64 + 0.0).to_bits()).hash(&mut h),
            Value::UInt(u) => (0u8, (*u as f64 + 0.0).to_bits()).hash(&mut h),
            // (`+ 0.0` makes -0 the same as 0, which `==` finds equal)
            Value::Float(f) => (0u8, (*f + 0.0).to_bits()).hash(&mut h),
            Value::Null => 1u8.hash(&mut h),
            Value::Bool(b) => (2u8, b).hash(&mut h),
            Value::String(s) => (3u8, s).hash(&mut h),
            Value::Timestamp(s) => (4u8, s).hash(&mut h),
            Value::Seq(items) => {
                5u8.hash(&mut h);
                for item in items {
                    fingerprint(item).hash(&mut h);
                }
            }
            Value::Map(m) => {
                // the entries' hashes added up: the same whatever their order
                let entries = m.iter().fold(0u64, |sum, (k, v)| sum.wrapping_add(state.hash_one((&k.name, fingerprint(v)))));
                (6u8, m.len(), entries).hash(&mut h);
            }
        }
        h.finish()
    }

    /// JSON equality of two nodes (numbers by value, mappings regardless of key order).
    fn same_value(left: &Node, right: &Node) -> bool {
        #[allow(clippy::cast_precision_loss)]
        let num = |v: &Value| match v {
            Value::Int(i) => Some(*i as f64),
            Value::UInt(u) => Some(*u as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        };
        match (&left.value, &right.value) {
            (Value::Seq(x), Value::Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q)),
            (Value::Map(x), Value::Map(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(&k.name).is_some_and(|w| same_value(v, w)))
            }
            (x, y) => match (num(x), num(y)) {
                #[allow(clippy::float_cmp)]
                (Some(p), Some(q)) => p == q,
                _ => x == y,
            },
        }
    }

    /// What the values of a mapping may be.
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Values {
        /// `additional_contexts`.
        Strings,
        /// `storage_opt`: compose also takes a whole number (and an empty value).
        StringsOrIntegers,
        /// `provider.options`: scalars and lists of scalars.
        ScalarsOrLists,
    }

    /// The values of a mapping must be of the kind `want` says.
    fn scalar_values(node: Option<&Node>, path: impl Fn() -> String, want: Values, out: &mut Vec<Issue>) {
        let Some(m) = node.and_then(Node::as_map) else { return };
        let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Int(_) | Value::UInt(_) | Value::Float(_) | Value::Bool(_));
        // (the spec's pattern for the keys of `provider.options`, `^.+$`, leaves an empty key's
        // value unchecked, and compose takes it)
        for (k, v) in m.iter().filter(|(k, _)| !(want == Values::ScalarsOrLists && k.name.is_empty())) {
            let ok = match (&v.value, want) {
                (Value::String(_), _) | (Value::Int(_) | Value::Null, Values::StringsOrIntegers) => true,
                (Value::Seq(items), Values::ScalarsOrLists) => items.iter().all(|i| scalar(&i.value)),
                (value, Values::ScalarsOrLists) => scalar(value),
                _ => false,
            };
            if !ok {
                let want = match want {
                    Values::ScalarsOrLists => "a string, number, boolean or a list of them",
                    Values::StringsOrIntegers => "a string or a whole number",
                    Values::Strings => "a string",
                };
                let path = path();
                out.push(err(IssueKind::InvalidType, v.span, format!("`{path}.{}` must be {want}, found {}", k.name, v.type_name())).with_path(format!("{path}.{}", k.name)));
            }
        }
    }

    fn mismatch(node: &Node, want: Want) -> Option<String> {
        match (want, &node.value) {
            (Want::IntOrString, Value::Float(f)) if !f.is_finite() => {
                Some(format!("must be an integer or a string, found `{}`", composeguard_model::yaml::format_go_float(*f)))
            }
            (Want::IntOrString, Value::Float(f)) if f.fract() != 0.0 => Some("must be an integer or a string, found a fractional number".into()),
            (Want::String, Value::Int(_) | Value::UInt(_) | Value::Float(_)) => Some("must be a string (such as `512m`), found a number".into()),
            (Want::Bool, Value::String(s)) => Some(format!("must be a boolean (`true` or `false`), found the string `{s}`")),
            (Want::Weight, Value::String(s)) => Some(format!("must be a number, not the string `{s}`")),
            (Want::Weight | Want::Number, Value::Timestamp(s)) => Some(format!("must be a number, not the date `{s}`")),
            (Want::Weight | Want::Unsigned, Value::Int(i)) if *i < 0 => Some(format!("must not be negative, found {i}")),
            (Want::Weight | Want::Unsigned, Value::Float(f)) if *f < 0.0 => Some(format!("must not be negative, found {f}")),
            (Want::Unsigned, Value::String(s)) if s.trim_start().starts_with('-') && s.trim_start().get(1..).is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) => {
                Some(format!("must not be negative, found {s}"))
            }
            // (a string that is no integer at all is the model reader's error)
            (Want::Integer, Value::String(s)) if composeguard_model::interpolate::parse_go_decimal(s).is_some() => Some(format!("must be an integer, not the string `{s}` (docker compose reads no string here)")),
            (Want::Integer, Value::Timestamp(s)) => Some(format!("must be an integer, not the date `{s}`")),
            (Want::Number, Value::String(s)) if composeguard_model::interpolate::parse_go_float(s).is_some() => Some(format!("must be a number, not the string `{s}` (docker compose reads no string here)")),
            (Want::StringOrInt64, Value::Float(f)) => {
                Some(format!("must be a string or an integer, found the float `{}`", composeguard_model::yaml::format_go_float(*f)))
            }
            (Want::Signed | Want::Count | Want::Integer | Want::StringOrInt64, Value::UInt(u)) => Some(format!("must be at most {} (docker compose cannot read {u} here)", i64::MAX)),
            #[allow(clippy::cast_precision_loss)]
            (Want::Count, Value::Float(f)) if *f >= i64::MAX as f64 => {
                Some(format!("must be at most {} (docker compose turns {} into a negative number)", i64::MAX, composeguard_model::yaml::format_go_float(*f)))
            }
            _ => None,
        }
    }

    /// The spec's name pattern `^[a-zA-Z0-9._-]+$`.
    pub fn is_name(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    }

    fn bad_name(section: &str, name: &str, span: composeguard_model::Span) -> Issue {
        let what = section.trim_end_matches('s');
        err(IssueKind::InvalidValue, span, format!("`{name}` is not a valid {what} name"))
            .with_path(format!("{section}.{name}"))
            .with_help("names may use only letters, digits, `.`, `_` and `-`")
    }

    /// The unanchored pattern `[a-zA-Z0-9][a-zA-Z0-9_.-]+`.
    fn contains_name_pattern(s: &str) -> bool {
        let b = s.as_bytes();
        b.windows(2).any(|w| {
            w.first().is_some_and(u8::is_ascii_alphanumeric)
                && w.get(1).is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
        })
    }

    /// The unanchored pattern `always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+`.
    fn pull_policy_ok(s: &str) -> bool {
        ["always", "never", "build", "if_not_present", "missing", "refresh", "daily", "weekly"].iter().any(|w| s.contains(w))
            || s.match_indices("every_").any(|(i, _)| {
                let rest = s.get(i + 6..).unwrap_or("").as_bytes();
                let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
                digits > 0 && rest.get(digits).is_some_and(|c| matches!(c, b'w' | b'd' | b'h' | b'm' | b's'))
            })
    }

    fn range(node: Option<&Node>, min: i64, max: i64, path: impl Fn() -> String, out: &mut Vec<Issue>) {
        let Some(node) = node else { return };
        let v = match node.value {
            Value::Int(i) => i128::from(i),
            // past `i64::MAX`: out of any bounded range (`i64::MAX` stands for no bound)
            Value::UInt(u) if max < i64::MAX => i128::from(u),
            #[allow(clippy::cast_possible_truncation)]
            Value::Float(f) if f.fract() == 0.0 => i128::from(f as i64),
            _ => return,
        };
        if v < i128::from(min) || v > i128::from(max) {
            let bound = if v < i128::from(min) { format!("at least {min}") } else { format!("at most {max}") };
            let path = path();
            out.push(err(IssueKind::InvalidValue, node.span, format!("`{path}` must be {bound}, found {v}")).with_path(path));
        }
    }

    fn required(node: &Node, keys: &[&str], path: impl Fn() -> String, out: &mut Vec<Issue>) {
        let Some(m) = node.as_map() else { return };
        for k in keys {
            if !m.contains_key(k) {
                let path = path();
                out.push(
                    err(IssueKind::MissingKey, node.span, format!("`{path}` is missing the required key `{k}`"))
                        .with_path(path)
                        .with_missing_key(*k),
                );
            }
        }
    }

    /// The value at `key` of a mapping node.
    fn get<'n>(node: Option<&'n Node>, key: &str) -> Option<&'n Node> {
        node.and_then(Node::as_map).and_then(|m| m.get(key))
    }

    /// The two key patterns the schema gives mappings of free keys.
    #[derive(Clone, Copy)]
    enum KeyPattern {
        /// `.+`: Go's `.` matches anything but `\n`, so an empty key or one made only of line
        /// breaks is refused.
        SomeCharacter,
        /// `^.+$`: an empty key, or one with a line break anywhere, is refused.
        OneLine,
    }

    /// Reports the keys of a mapping node that `pattern` refuses.
    fn refused_keys(node: Option<&Node>, pattern: KeyPattern, path: impl Fn() -> String, out: &mut Vec<Issue>) {
        let Some(m) = node.and_then(Node::as_map) else { return };
        for (k, _) in m.iter() {
            let what = match pattern {
                _ if k.name.is_empty() => "an empty key",
                KeyPattern::SomeCharacter if !k.name.chars().any(|c| c != '\n') => "a key made only of line breaks",
                KeyPattern::OneLine if k.name.contains('\n') => "a key with a line break",
                _ => continue,
            };
            let path = path();
            out.push(err(IssueKind::InvalidValue, k.span, format!("`{path}` has {what}")).with_path(path));
        }
    }

    fn empty_keys(node: Option<&Node>, path: impl Fn() -> String, out: &mut Vec<Issue>) {
        refused_keys(node, KeyPattern::SomeCharacter, path, out);
    }

    /// compose refuses a device request with both keys, whatever their values (an empty
    /// `device_ids` too), in every service, those of a disabled profile too.
    fn count_and_device_ids(request: &Node, path: impl Fn() -> String, out: &mut Vec<Issue>) {
        let Some(m) = request.as_map() else { return };
        if m.get("count").is_some() && m.get("device_ids").is_some() {
            let path = path();
            out.push(
                err(IssueKind::ConflictingKeys, request.span, format!("`{path}` sets both `count` and `device_ids`, which exclude each other"))
                    .with_path(path)
                    .with_help("keep `count` (how many devices) or `device_ids` (which ones), not both"),
            );
        }
    }

    fn each_item_map(node: Option<&Node>, mut f: impl FnMut(usize, &Node)) {
        if let Some(items) = node.and_then(Node::as_seq) {
            for (i, item) in items.iter().enumerate() {
                if item.as_map().is_some() {
                    f(i, item);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{lint, Category, LintOptions, Severity};

    /// The spec errors of a file: (path, message).
    fn spec_errors(text: &str) -> Vec<(String, String)> {
        lint("compose.yaml", text, &LintOptions::default())
            .diagnostics()
            .filter(|d| d.category == Category::Spec && d.severity == Severity::Error)
            .map(|d| (d.path.clone(), d.message.clone()))
            .collect()
    }

    #[test]
    fn count_and_device_ids_exclude_each_other_when_both_are_written() {
        // docker compose v2.40.3: services.a.gpus.[]: "count" and "device_ids" attributes are
        // exclusive (an empty list and a service of a disabled profile too)
        for (request, path) in [
            ("gpus: [{count: 1, device_ids: [a]}]", "services.a.gpus[0]"),
            ("gpus: [{count: -1, device_ids: []}]", "services.a.gpus[0]"),
            ("gpus: [{count: all, device_ids: []}]\n    profiles: [p]", "services.a.gpus[0]"),
            ("deploy: {resources: {reservations: {devices: [{capabilities: [gpu], count: 0, device_ids: []}]}}}", "services.a.deploy.resources.reservations.devices[0]"),
        ] {
            let text = format!("services:\n  a:\n    image: x\n    {request}\n  b:\n    image: x\n");
            let errors = spec_errors(&text);
            assert!(errors.iter().any(|(p, m)| p == path && m.contains("both `count` and `device_ids`")), "{request}: {errors:?}");
        }
        // ... and accepts one of them, or each in its own request
        for request in [
            "gpus: [{device_ids: []}]",
            "gpus: [{count: -1}]",
            "gpus: [{count: 1}, {device_ids: [a]}]",
            "deploy: {resources: {reservations: {devices: [{capabilities: [gpu], device_ids: []}]}}}",
        ] {
            let text = format!("services:\n  a:\n    image: x\n    {request}\n");
            assert_eq!(spec_errors(&text), Vec::new(), "{request}");
        }
    }

    #[test]
    fn a_count_past_i64_max_is_refused_in_enabled_services_only() {
        // docker compose v2.40.3: services.a.scale: must be greater than or equal to 0 (the
        // number turned negative), for an enabled service only
        for (value, path) in [
            ("scale: 9223372036854775808", "services.a.scale"),
            ("scale: 1e30", "services.a.scale"),
            ("deploy: {replicas: 9223372036854775808}", "services.a.deploy.replicas"),
        ] {
            let text = format!("services:\n  a:\n    image: x\n    {value}\n");
            let errors = spec_errors(&text);
            assert!(errors.iter().any(|(p, m)| p == path && m.contains("must be at most")), "{value}: {errors:?}");
            // ... and accepts it in a service of a disabled profile
            let text = format!("services:\n  a:\n    image: x\n    profiles: [p]\n    {value}\n  b:\n    image: x\n");
            assert_eq!(spec_errors(&text), Vec::new(), "{value}");
        }
        // what its decoder refuses is refused in a disabled service too
        let text = "services:\n  a:\n    image: x\n    profiles: [p]\n    ulimits: {nofile: 9223372036854775808}\n  b:\n    image: x\n";
        assert!(spec_errors(text).iter().any(|(p, _)| p == "services.a.ulimits.nofile"), "{:?}", spec_errors(text));
    }

    #[test]
    fn what_compose_checks_as_it_reads_a_service_is_checked_in_disabled_services_too() {
        // docker compose v2.40.3 refuses these in a service no profile enables:
        // services.a.ports.[]: invalid ip address: x; 'services[a].environment' environment
        // variable A  is declared with a trailing space; invalid ssh key "foo";
        // services.a.build.additional_contexts: invalid value foo, expected key=value;
        // services.a.develop.watch.[].path: value can't be blank
        for (value, path) in [
            ("ports: [{target: 80, host_ip: x}]", "services.a.ports[0].host_ip"),
            ("environment: [\"A =1\"]", "services.a.environment"),
            ("build: {context: ., args: [\"A =1\"]}", "services.a.build.args"),
            ("build: {context: ., ssh: [foo]}", "services.a.build.ssh"),
            ("build: {context: ., additional_contexts: [foo]}", "services.a.build.additional_contexts"),
            ("develop: {watch: [{path: '', action: rebuild}]}", "services.a.develop.watch[0].path"),
            // 'services[a].post_start[0].environment' environment variable A  is declared with a
            // trailing space (the hooks' and a watch rule's `exec` too)
            ("post_start: [{command: x, environment: [\"A =1\"]}]", "services.a.post_start[0].environment"),
            ("pre_stop: [{command: x, environment: [\"A \"]}]", "services.a.pre_stop[0].environment"),
            ("develop: {watch: [{path: ., action: sync+exec, target: /a, exec: {command: x, environment: [\"A =1\"]}}]}", "services.a.develop.watch[0].exec.environment"),
        ] {
            for profiles in ["", "\n    profiles: [p]"] {
                let text = format!("services:\n  a:\n    image: x{profiles}\n    {value}\n  b:\n    image: x\n");
                let errors = spec_errors(&text);
                assert!(errors.iter().any(|(p, _)| p == path), "{value}{profiles}: {errors:?}");
            }
        }
        // ... and not what it checks on the project's enabled services only
        for value in [
            "networks: [nosuch]",
            "depends_on: [nosuch]",
            "volumes: [\"nov:/b\"]",
            "develop: {watch: [{path: ., action: sync}]}",
            "container_name: cc\n    scale: 2",
            "network_mode: host\n    networks: [default]",
        ] {
            let text = format!("services:\n  a:\n    image: x\n    profiles: [p]\n    {value}\n  b:\n    image: x\n");
            assert_eq!(spec_errors(&text), Vec::new(), "{value}");
        }
    }

    #[test]
    fn an_empty_provider_option_takes_any_value() {
        // docker compose v2.40.3 accepts it (the spec's key pattern `^.+$` leaves it unchecked)
        for value in ["{a: 1}", "null", "[[1]]"] {
            let text = format!("services:\n  a:\n    provider: {{type: x, options: {{\"\": {value}}}}}\n");
            assert_eq!(spec_errors(&text), Vec::new(), "{value}");
        }
        // ... and refuses a named one: services.a.provider.options.b must be ...
        let text = "services:\n  a:\n    provider: {type: x, options: {b: {a: 1}}}\n";
        assert!(spec_errors(text).iter().any(|(p, _)| p == "services.a.provider.options.b"), "{:?}", spec_errors(text));
    }
}
