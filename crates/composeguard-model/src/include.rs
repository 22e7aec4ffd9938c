//! `include`: other compose projects loaded on their own (their folder, their `.env` or
//! `env_file`) and imported into the including file. As in compose, a resource the including
//! file also defines differently is an error, a cycle is an error, and remote includes are not
//! fetched (an info finding says they were not checked).

use indexmap::IndexMap;

use crate::issue::{Issue, IssueKind, Severity};
use crate::merge::same_value;
use crate::paths::{is_remote_resource, join_clean, rebase, relative_to};
use crate::project::{parent_dir, Assembler, FileRef, Scope};
use crate::span::Span;
use crate::yaml::{Key, Mapping, Node, Style, Value};

/// The sections an included project contributes.
const SECTIONS: [&str; 6] = ["services", "volumes", "networks", "secrets", "configs", "models"];

/// One `include` entry, read from the tree.
struct IncludeEntry {
    paths: Vec<(String, Span)>,
    project_directory: Option<(String, Span)>,
    env_files: Vec<(String, Span)>,
    span: Span,
}

fn strings(node: &Node) -> Vec<(String, Span)> {
    match &node.value {
        Value::String(s) => vec![(s.clone(), node.span)],
        Value::Seq(items) => items.iter().filter_map(|i| i.as_str().map(|s| (s.to_string(), i.span))).collect(),
        _ => Vec::new(),
    }
}

fn read_entry(node: &Node) -> Option<IncludeEntry> {
    match &node.value {
        Value::String(s) => Some(IncludeEntry { paths: vec![(s.clone(), node.span)], project_directory: None, env_files: Vec::new(), span: node.span }),
        Value::Map(m) => {
            // (an entry without a path loads nothing, but compose still looks for its env files)
            let paths = m.get("path").map(strings).unwrap_or_default();
            Some(IncludeEntry {
                paths,
                // compose reads an integer as its decimal text (`0x3` is the folder `3`)
                project_directory: m
                    .get("project_directory")
                    .filter(|p| matches!(p.value, Value::String(_) | Value::Int(_) | Value::UInt(_)))
                    .and_then(|p| Some((p.scalar_to_string()?, p.span))),
                env_files: m.get("env_file").map(strings).unwrap_or_default(),
                span: node.span,
            })
        }
        _ => None,
    }
}

impl Assembler<'_> {
    /// Loads the includes of a document (`file` is its file) and imports their resources.
    pub(crate) fn apply_include(&mut self, doc: &mut Node, file: &str, scope: &Scope<'_>) {
        let entries: Vec<IncludeEntry> = match doc.as_map().and_then(|m| m.get("include")).map(|n| &n.value) {
            Some(Value::Seq(items)) => items.iter().filter_map(read_entry).collect(),
            _ => return,
        };
        let mut stack = scope.include_stack.clone();
        stack.push(file.to_string());
        // the resources the document defines itself (the others come from earlier includes)
        let own: Vec<(String, String)> = doc
            .as_map()
            .into_iter()
            .flat_map(|m| m.entries.iter())
            .filter(|(k, _)| SECTIONS.contains(&k.name.as_str()))
            .flat_map(|(k, v)| v.as_map().into_iter().flat_map(|r| r.entries.iter()).map(|(name, _)| (k.name.clone(), name.name.clone())))
            .collect();
        for (index, entry) in entries.into_iter().enumerate() {
            if let Some((remote, span)) = entry.paths.iter().find(|(p, _)| is_remote_resource(p)) {
                self.issues.push(
                    Issue { severity: Severity::Info, ..Issue::error(IssueKind::RemoteResource, *span, format!("remote include `{remote}` was not fetched, so it was not checked")) }
                        .with_path(format!("include[{index}]")),
                );
                continue;
            }
            if entry.paths.is_empty() {
                for (path, span) in &entry.env_files {
                    let full = join_clean(&scope.dir, path);
                    if !self.fs.exists(&full) {
                        self.issues.push(missing_env_file(&self.shown(&full), *span, index));
                    }
                }
                continue;
            }
            let Some(imported) = self.load_include(&entry, index, scope, &stack) else { continue };
            self.import(doc, imported, &entry, &own);
        }
    }

    fn load_include(&mut self, entry: &IncludeEntry, index: usize, scope: &Scope<'_>, stack: &[String]) -> Option<Node> {
        let files: Vec<FileRef> = entry.paths.iter().map(|(p, span)| FileRef { path: join_clean(&scope.dir, p), at: Some(*span) }).collect();
        let main = files.first()?;
        if let Some(pos) = stack.iter().position(|f| *f == main.path) {
            let mut names: Vec<String> = stack.get(pos..).unwrap_or(&[]).iter().map(|f| format!("`{}`", self.shown(f))).collect();
            names.push(format!("`{}`", self.shown(&main.path)));
            self.issues.push(
                Issue::error(IssueKind::DependencyCycle, main.at.unwrap_or(entry.span), format!("`include` cycle: {}", names.join(" includes ")))
                    .with_path(format!("include[{index}]"))
                    .with_help("a file cannot include itself, directly or through others"),
            );
            return None;
        }
        // the included project's folder, the folder its paths are rebased from, and whether they
        // are rebased to absolute paths: compose resolves an included project's paths from an
        // absolute `project_directory` as it is written, and from any other folder relatively to
        // the including project's, which matters when two includes define the same resource
        let (project_dir, rebase_from, absolute) = if let Some((pd, _)) = &entry.project_directory {
            let dir = join_clean(&scope.dir, pd);
            if pd.starts_with('/') {
                (dir.clone(), dir, true)
            } else {
                let from = if self.fs.is_dir(&dir) { dir.clone() } else { parent_dir(&dir) };
                (dir, from, false)
            }
        } else {
            let dir = parent_dir(&main.path);
            (dir.clone(), dir, false)
        };
        let (env_files, mut dotenv): (Vec<(String, Option<Span>)>, _) = if entry.env_files.is_empty() {
            let path = join_clean(&project_dir, ".env");
            match self.fs.read_if_file(&path) {
                Some(text) => (vec![(path, None)], Some(text)),
                None => (Vec::new(), None),
            }
        } else {
            (entry.env_files.iter().map(|(f, span)| (join_clean(&scope.dir, f), Some(*span))).collect(), None)
        };
        let mut vars = scope.vars.clone();
        let mut read: IndexMap<String, String> = IndexMap::new();
        for (path, span) in &env_files {
            match dotenv.take().unwrap_or_else(|| self.fs.read(path)) {
                Ok(text) => {
                    let earlier = |k: &str| read.get(k).cloned();
                    match crate::dotenv::parse_after(&text, &|k: &str| scope.vars.get(k).cloned(), &earlier) {
                        Ok(entries) => {
                            for e in entries {
                                read.insert(e.key, e.value);
                            }
                        }
                        Err(e) => {
                            self.refused_env_keys.extend(crate::dotenv::keys_in(&text));
                            self.issues.push(
                            Issue::error(IssueKind::InvalidValue, span.unwrap_or(entry.span), format!("cannot read env file `{}`: {e}", self.shown(path)))
                                .with_path(format!("include[{index}].env_file")),
                            );
                        }
                    }
                }
                Err(_) => self.issues.push(missing_env_file(&self.shown(path), span.unwrap_or(entry.span), index)),
            }
        }
        for (k, v) in read {
            vars.insert_if_absent(k, v);
        }
        let dotenv = entry.env_files.is_empty().then(|| join_clean(&project_dir, ".env"));
        let sub = Scope { vars: &vars, dir: project_dir.clone(), dotenv, include_stack: stack.to_vec(), rereads: std::cell::RefCell::default() };
        let from = self.issues.len();
        let loaded = self.load_files(&files, &sub);
        for (path, span) in &entry.paths {
            self.explain_unresolved(from, *span, path, &scope.dir);
        }
        let mut root = loaded?;
        self.check_top_level(&root);
        resolve_environment(&mut root, &vars);
        self.configs_from_set_variables(&root, &vars);
        default_build_context(&mut root);
        let prefix = if absolute { rebase_from } else { relative_to(&scope.dir, &rebase_from).unwrap_or(rebase_from) };
        rebase(&mut root, &prefix);
        Some(root)
    }

    /// compose gives a config of an included project whose `environment` names a variable set for
    /// that project its `content` too, before the including project is checked against the
    /// schema, which then refuses the config (`file`, `environment` and `content` are mutually
    /// exclusive), whether a service uses it or not. A secret keeps the value aside, which only
    /// matters when it is compared with another definition (see [`Self::import`]).
    fn configs_from_set_variables(&mut self, root: &Node, vars: &crate::Environment) {
        let secrets = root.as_map().and_then(|m| m.get("secrets")).and_then(Node::as_map);
        for (_, secret) in secrets.into_iter().flat_map(|s| s.entries.iter()) {
            if let Some(value) = secret.as_map().and_then(|c| c.get("environment")).and_then(Node::as_str).and_then(|var| vars.get(var)) {
                self.included_secret_values.insert(secret.span, value.clone());
            }
        }
        let Some(configs) = root.as_map().and_then(|m| m.get("configs")).and_then(Node::as_map) else { return };
        for (name, config) in &configs.entries {
            let Some(env) = config.as_map().and_then(|c| c.get("environment")) else { continue };
            let Some(var) = env.as_str() else { continue };
            if vars.get(var).is_none() {
                continue;
            }
            self.issues.push(
                Issue::error(
                    IssueKind::ConflictingKeys,
                    env.span,
                    format!("config `{}` of an included project reads `{var}`, which is set, so compose gives it both `environment` and `content`, which are mutually exclusive", name.name),
                )
                .with_path(format!("configs.{}", name.name))
                .with_help(format!("define the config in the including file, or use a secret (`secrets.{}.environment`) or a file", name.name)),
            );
        }
    }

    /// compose loads an included project as a project of its own, so the top level of its files
    /// is checked as a compose file's is (`foo: 1` is an unknown key, `networks: []` must be a
    /// mapping, `name: 5` must be a string), though only its resources are imported. What is
    /// inside the resources is checked once they are imported, so here they stand empty.
    fn check_top_level(&mut self, root: &Node) {
        let Some(map) = root.as_map() else { return };
        let entries = map
            .entries
            .iter()
            .map(|(key, value)| {
                let value = match value.value {
                    Value::Map(_) if SECTIONS.contains(&key.name.as_str()) => Node { value: Value::Map(Mapping::default()), ..Node::new(Value::Null, value.span) },
                    _ => value.clone(),
                };
                (key.clone(), value)
            })
            .collect();
        let mut shell = Node { value: Value::Map(Mapping { entries }), ..Node::new(Value::Null, root.span) };
        let (_, issues) = crate::project::read_model(&mut shell);
        let issues = crate::project::without_cast_duplicates(&self.issues, issues);
        self.issues.extend(issues);
    }

    /// compose compares the two definitions as the values it has read: a number it cast from a
    /// string (a quoted value, or a variable's) where it reads a 64-bit integer or a 32-bit float
    /// is of another type than the same number written plain, so the two differ (`cpus: 0.5`
    /// and `cpus: "0.5"`). Such a number is marked with its type for the comparison.
    fn typed_casts(&self, section: &str, mut node: Node) -> Node {
        if section != "services" {
            return node;
        }
        let Some(m) = node.as_map_mut() else { return node };
        for (k, v) in &mut m.entries {
            // (the service keys of compose's cast table read as these types)
            let read_as = match crate::interpolate::cast_for(&["services", "_", &k.name]) {
                Some(crate::interpolate::Cast::Int64) => "int64",
                Some(crate::interpolate::Cast::Float32) => "float32",
                _ => continue,
            };
            let number = match &v.value {
                Value::Int(i) => i.to_string(),
                Value::UInt(u) => u.to_string(),
                Value::Float(f) => f.to_string(),
                _ => continue,
            };
            let text = self.sources.get(v.span.file).and_then(|f| f.text.get(v.span.start as usize..v.span.end as usize)).unwrap_or("");
            if v.style.is_quoted() || text.contains('$') {
                v.value = Value::String(format!("{read_as}({number})"));
            }
        }
        node
    }

    /// Adds the resources of an included project to the including document; one the document
    /// defines differently is an error at the document's definition. The two are compared as
    /// compose has them at that point: the document's own as written (interpolated, its
    /// `extends` applied), an imported one in its canonical forms (see [`compared_form`]).
    fn import(&mut self, doc: &mut Node, imported: Node, entry: &IncludeEntry, own: &[(String, String)]) {
        let Value::Map(imported) = imported.value else { return };
        let Some(target) = doc.as_map_mut() else { return };
        let included = entry.paths.first().map_or(String::new(), |(p, _)| p.clone());
        for (section, resources) in imported.entries {
            if !SECTIONS.contains(&section.name.as_str()) {
                continue;
            }
            let Value::Map(resources) = resources.value else { continue };
            if !target.contains_key(&section.name) {
                target.entries.push((
                    Key { name: section.name.clone(), span: entry.span, anchor: None },
                    Node { value: Value::Map(Mapping::default()), span: entry.span, anchor: None, style: Style::Block, tag: None },
                ));
            }
            let Some(existing) = target.get_mut(&section.name) else { continue };
            if existing.is_null() {
                existing.value = Value::Map(Mapping::default());
            }
            let Some(existing) = existing.as_map_mut() else { continue };
            for (name, value) in resources.entries {
                match existing.get_entry(&name.name) {
                    Some((k, v)) => {
                        let is_own = own.iter().any(|(sec, n)| *sec == section.name && *n == name.name);
                        let existing_form = if is_own { v.clone() } else { compared_form(&section.name, v) };
                        let existing_form = self.typed_casts(&section.name, existing_form);
                        // a secret read from a set variable carries its value (see `included_secret_values`)
                        let values = &self.included_secret_values;
                        let secret_value_differs = section.name == "secrets" && values.get(&value.span) != if is_own { None } else { values.get(&v.span) };
                        let imported_form = self.typed_casts(&section.name, compared_form(&section.name, &value));
                        if secret_value_differs || !same_value(&existing_form, &imported_form) {
                            self.issues.push(
                                Issue::error(
                                    IssueKind::ConflictingKeys,
                                    k.span,
                                    format!("`{}.{}` conflicts with the one imported from `{included}`", section.name, name.name),
                                )
                                .with_path(format!("{}.{}", section.name, name.name))
                                .with_related(name.span, "imported definition")
                                .with_help("rename one of them, or remove the duplicate definition"),
                            );
                        }
                    }
                    None => existing.entries.push((name, value)),
                }
            }
        }
    }
}

/// The error for the env file `shown` of the `index`th include entry, which is not there.
fn missing_env_file(shown: &str, span: Span, index: usize) -> Issue {
    Issue::error(IssueKind::MissingFile, span, format!("env file `{shown}` not found"))
        .with_path(format!("include[{index}].env_file"))
        .with_help("create the file, or fix the path (relative to the including file's project folder)")
}

/// compose resolves bare `environment` list entries (`- VAR`) of an included project with that
/// project's variables.
fn resolve_environment(root: &mut Node, vars: &crate::Environment) {
    let Some(services) = root.as_map_mut().and_then(|m| m.get_mut("services")).and_then(Node::as_map_mut) else { return };
    for (_, service) in &mut services.entries {
        let Some(Value::Seq(items)) = service.as_map_mut().and_then(|s| s.get_mut("environment")).map(|e| &mut e.value) else { continue };
        for item in items {
            if let Value::String(s) = &mut item.value {
                if !s.contains('=') {
                    if let Some(v) = vars.get(s.as_str()) {
                        *s = format!("{s}={v}");
                    }
                }
            }
        }
    }
}

/// compose gives an included project's `build` its default context (`.`, the included project's
/// folder) before the paths are rebased.
fn default_build_context(root: &mut Node) {
    let Some(services) = root.as_map_mut().and_then(|m| m.get_mut("services")).and_then(Node::as_map_mut) else { return };
    for (_, service) in &mut services.entries {
        let Some(build) = service.as_map_mut().and_then(|s| s.get_mut("build")) else { continue };
        let span = build.span;
        if let Some(b) = build.as_map_mut() {
            if !b.contains_key("context") {
                b.entries.push((Key { name: "context".into(), span, anchor: None }, Node::new(Value::String(".".into()), span)));
            }
        }
    }
}

/// A resource of an included project as compose has it when it checks it against the including
/// document's: short syntaxes in their long forms (`build: .`, a list of `depends_on` or
/// `networks`, `env_file`, `dns`, `devices`, `gpus`, `secrets`, ports and volumes), the defaults
/// compose fills in (a dependency's `condition` and `required`, a port's `protocol` and `mode`,
/// a secret's `target`, the build `context`), relative paths cleaned (`./data` is `data`) and
/// `external: {name}` read as `external: true` and `name`. A port or a volume in the short
/// syntax is only marked as expanded: what matters is that it is no longer the text written.
fn compared_form(section: &str, node: &Node) -> Node {
    let mut node = node.clone();
    if section != "services" {
        node = crate::merge::external_to_flag(node);
        if let Some(file) = node.as_map_mut().and_then(|m| m.get_mut("file")) {
            clean_relative(file);
        }
        return node;
    }
    let Some(m) = node.as_map_mut() else { return node };
    let span = m.entries.first().map_or(Span::default(), |(k, _)| k.span);
    let key = |name: &str| Key { name: name.into(), span, anchor: None };
    let string = |s: &str| Node::new(Value::String(s.into()), span);
    let set_default = |map: &mut Mapping, name: &str, value: Node| {
        if !map.contains_key(name) {
            map.entries.push((key(name), value));
        }
    };
    for (k, v) in &mut m.entries {
        match k.name.as_str() {
            "build" => {
                *v = crate::merge::context_to_map(v.clone());
                if let Some(b) = v.as_map_mut() {
                    set_default(b, "context", string("."));
                    if let Some(c) = b.get_mut("context").filter(|c| !c.as_str().is_some_and(crate::paths::is_remote_context)) {
                        clean_relative(c);
                    }
                    for list in ["ssh", "additional_contexts"] {
                        if let Some(l) = b.get_mut(list).filter(|l| matches!(l.value, Value::Seq(_))) {
                            *l = crate::merge::ssh_to_map(l.clone());
                        }
                    }
                    if let Some(contexts) = b.get_mut("additional_contexts").and_then(Node::as_map_mut) {
                        for (_, c) in contexts.entries.iter_mut().filter(|(_, c)| !c.as_str().is_some_and(crate::paths::is_remote_context)) {
                            clean_relative(c);
                        }
                    }
                }
            }
            "depends_on" => {
                if matches!(v.value, Value::Seq(_)) {
                    *v = crate::merge::names_to_map(v.clone(), true);
                } else if let Some(deps) = v.as_map_mut() {
                    for (_, d) in &mut deps.entries {
                        if let Some(d) = d.as_map_mut() {
                            crate::merge::dependency_defaults(d, span);
                        }
                    }
                }
            }
            "networks" | "models" if matches!(v.value, Value::Seq(_)) => *v = crate::merge::names_to_map(v.clone(), false),
            "dns" | "label_file" if matches!(v.value, Value::String(_)) => *v = Node::new(Value::Seq(vec![v.clone()]), v.span),
            "gpus" if matches!(v.value, Value::String(_)) => *v = crate::merge::gpus_as_list(v),
            "gpus" => seq_items(v).iter_mut().for_each(device_request_defaults),
            "deploy" => {
                let devices = v
                    .as_map_mut()
                    .and_then(|d| d.get_mut("resources"))
                    .and_then(Node::as_map_mut)
                    .and_then(|r| r.get_mut("reservations"))
                    .and_then(Node::as_map_mut)
                    .and_then(|r| r.get_mut("devices"));
                if let Some(devices) = devices {
                    seq_items(devices).iter_mut().for_each(device_request_defaults);
                }
            }
            "develop" => {
                let watch = v.as_map_mut().and_then(|d| d.get_mut("watch"));
                for rule in watch.map(seq_items).unwrap_or_default() {
                    if let Some(path) = rule.as_map_mut().and_then(|r| r.get_mut("path")) {
                        clean_relative(path);
                    }
                }
            }
            "env_file" => {
                if matches!(v.value, Value::String(_)) {
                    *v = Node::new(Value::Seq(vec![v.clone()]), v.span);
                }
                for item in seq_items(v) {
                    if matches!(item.value, Value::String(_)) {
                        let path = item.clone();
                        item.value = Value::Map(Mapping { entries: vec![(key("path"), path)] });
                    }
                    if let Some(e) = item.as_map_mut() {
                        set_default(e, "required", Node::new(Value::Bool(true), span));
                        if let Some(p) = e.get_mut("path") {
                            clean_relative(p);
                        }
                    }
                }
            }
            "ports" | "volumes" | "devices" | "secrets" | "configs" => {
                let name = k.name.clone();
                for item in seq_items(v) {
                    if let (true, Some(device)) = (name == "devices", item.as_str().and_then(device_mapping)) {
                        item.value = Value::Map(Mapping { entries: device.into_iter().map(|(k, v)| (key(k), string(&v))).collect() });
                    } else if let (true, Some(bind)) = (name == "volumes", item.as_str().and_then(|t| plain_bind(t, span))) {
                        *item = bind;
                    } else if matches!(item.value, Value::String(_) | Value::Int(_) | Value::UInt(_)) {
                        let written = item.clone();
                        let field = if matches!(name.as_str(), "secrets" | "configs") { "source" } else { "" };
                        item.value = Value::Map(Mapping { entries: vec![(key(field), written)] });
                    }
                    let Some(i) = item.as_map_mut() else { continue };
                    match name.as_str() {
                        "ports" => {
                            set_default(i, "protocol", string("tcp"));
                            set_default(i, "mode", string("ingress"));
                        }
                        "secrets" => {
                            let target = format!("/run/secrets/{}", i.get("source").and_then(Node::scalar_to_string).unwrap_or_default());
                            set_default(i, "target", string(&target));
                        }
                        "volumes" if i.get("type").and_then(Node::as_str) == Some("bind") => {
                            if let Some(source) = i.get_mut("source") {
                                clean_relative(source);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    node
}

/// A relative path as compose writes it once resolved from a relative folder (`./a/../b` is `b`).
fn clean_relative(node: &mut Node) {
    if let Value::String(s) = &mut node.value {
        if !s.is_empty() && !s.starts_with('/') && !s.starts_with('~') {
            *s = crate::project::normalize_path(s);
        }
    }
}

/// The items of a list (none for anything else).
fn seq_items(node: &mut Node) -> &mut [Node] {
    match &mut node.value {
        Value::Seq(items) => items,
        _ => &mut [],
    }
}

/// A device request as compose completes it: all devices when it names neither a `count` nor
/// `device_ids`.
fn device_request_defaults(request: &mut Node) {
    let span = request.span;
    if let Some(r) = request.as_map_mut() {
        if !r.contains_key("count") && !r.contains_key("device_ids") {
            r.entries.push((Key { name: "count".into(), span, anchor: None }, Node::new(Value::String("all".into()), span)));
        }
    }
}

/// A device in the short syntax as compose expands it (see [`crate::model::device_spec_parts`]);
/// `None` for more than three parts, which compose refuses.
fn device_mapping(text: &str) -> Option<[(&'static str, String); 3]> {
    if text.split(':').count() > 3 {
        return None;
    }
    let (source, target, permissions) = crate::model::device_spec_parts(text);
    Some([("source", source.to_string()), ("target", target.to_string()), ("permissions", permissions.to_string())])
}

/// A bind mount in the short syntax without options other than `ro` or `rw` (`./data:/data:ro`)
/// as compose expands it: `type`, `source`, `target`, `read_only` when set, and
/// `bind: {create_host_path: true}`. `None` for anything else (a named volume, `z`, `rshared`...),
/// whose expansion has more fields.
fn plain_bind(text: &str, span: Span) -> Option<Node> {
    let v = crate::model::parse_volume_spec(text).ok()?;
    if v.r#type != crate::model::MountType::Bind || v.consistency.is_some() || v.bind.as_ref().is_some_and(|b| b.propagation.is_some() || b.selinux.is_some()) {
        return None;
    }
    let key = |name: &str| Key { name: name.into(), span, anchor: None };
    let string = |s: &str| Node::new(Value::String(s.into()), span);
    let mut source = string(&v.source?);
    clean_relative(&mut source);
    let target = if v.target.is_empty() { String::new() } else { crate::project::normalize_path(&v.target) };
    let mut entries = vec![(key("type"), string("bind")), (key("source"), source), (key("target"), string(&target))];
    if v.read_only {
        entries.push((key("read_only"), Node::new(Value::Bool(true), span)));
    }
    let bind = Mapping { entries: vec![(key("create_host_path"), Node::new(Value::Bool(true), span))] };
    entries.push((key("bind"), Node::new(Value::Map(bind), span)));
    Some(Node::new(Value::Map(Mapping { entries }), span))
}
