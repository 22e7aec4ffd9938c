//! Loading a project: files through a [`FileSystem`], `.env`, interpolation, the typed model.
//!
//! The core does no I/O of its own: the CLI passes the real file system, Python and wasm pass
//! in-memory files.

use indexmap::IndexMap;

use crate::de::{from_node, Recorder};
use crate::interpolate::interpolate;
use crate::issue::{Issue, IssueKind};
use crate::model::Compose;
use crate::span::{SourceFile, SourceMap, Span};
use crate::yaml::{self, Limits, Mapping, MergeTag, Node, Value};

/// File access for the loader.
pub trait FileSystem {
    /// The file's text; `Err` with a short reason when it cannot be read.
    fn read(&self, path: &str) -> Result<String, String>;
    fn exists(&self, path: &str) -> bool {
        self.read(path).is_ok()
    }
}

/// No files at all (text handed in directly, nothing else readable).
pub struct NoFiles;

impl FileSystem for NoFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        Err(format!("{path}: no file system"))
    }
    fn exists(&self, _path: &str) -> bool {
        false
    }
}

/// Files held in memory, by path.
#[derive(Clone, Debug, Default)]
pub struct MemoryFiles(pub IndexMap<String, String>);

impl FileSystem for MemoryFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        let p = normalize_path(path);
        self.0
            .iter()
            .find(|(k, _)| normalize_path(k) == p)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("{path}: no such file"))
    }
}

/// How to load.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The process environment (highest precedence for interpolation).
    pub env: IndexMap<String, String>,
    /// Read `<project dir>/.env` for interpolation (as compose does).
    pub dotenv: bool,
    /// Limits against hostile input.
    pub limits: Limits,
}

/// A loaded project.
#[derive(Debug, Default)]
pub struct Project {
    pub sources: SourceMap,
    /// The interpolated, merged tree the model was read from.
    pub root: Option<Node>,
    pub compose: Compose,
    pub issues: Vec<Issue>,
    /// Variables used for interpolation (environment and `.env`).
    pub variables: IndexMap<String, String>,
    /// The project folder (the first file's folder).
    pub working_dir: String,
}

impl Project {
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == crate::issue::Severity::Error)
    }
}

/// The folder part of a path (`.` when there is none).
pub fn parent_dir(path: &str) -> String {
    match path.rfind(['/', '\\']) {
        Some(0) => "/".into(),
        Some(i) => path.get(..i).unwrap_or(".").to_string(),
        None => ".".into(),
    }
}

/// Joins a relative path onto a folder (absolute paths stay as they are).
pub fn join_path(dir: &str, rel: &str) -> String {
    if rel.starts_with('/') || dir.is_empty() || dir == "." {
        return rel.to_string();
    }
    if dir.ends_with('/') {
        format!("{dir}{rel}")
    } else {
        format!("{dir}/{rel}")
    }
}

/// Removes `.` segments and resolves `..` lexically.
pub fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

/// Loads one compose file given as bytes: invalid UTF-8 is reported at its offset (compose refuses
/// such files too), and a UTF-8 byte order mark is skipped.
pub fn load_bytes(path: &str, bytes: &[u8], options: &LoadOptions, fs: &dyn FileSystem) -> Project {
    let (text, invalid_at) = decode_bytes(bytes);
    if let Some(at) = invalid_at {
        let mut project = Project { working_dir: parent_dir(path), ..Project::default() };
        let width = text.get(at..).and_then(|t| t.chars().next()).map_or(1, char::len_utf8);
        let file = project.sources.add(SourceFile::new(path, text));
        let end = u32::try_from(at + width).unwrap_or(u32::MAX);
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        project.issues.push(Issue::error(
            IssueKind::YamlSyntax,
            Span::new(file, at, end),
            "invalid YAML: the file is not valid UTF-8 here".into(),
        ).with_help("save the file as UTF-8"));
        return project;
    }
    load_text(path, &text, options, fs)
}

/// Decodes bytes as UTF-8 (dropping a BOM); returns the lossy text and the offset of the first
/// invalid byte, if any.
pub fn decode_bytes(bytes: &[u8]) -> (String, Option<usize>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), None),
        Err(e) => (String::from_utf8_lossy(bytes).into_owned(), Some(e.valid_up_to())),
    }
}

/// Loads one compose file given as text (its folder is the project folder).
pub fn load_text(path: &str, text: &str, options: &LoadOptions, fs: &dyn FileSystem) -> Project {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut project = Project { working_dir: parent_dir(path), ..Project::default() };
    project.variables = variables(&project.working_dir, options, fs, &mut project.issues);
    let file = project.sources.add(SourceFile::new(path, text));
    let doc = yaml::parse(text, file, &options.limits);
    project.issues.extend(doc.issues.iter().cloned());
    if doc.issues.iter().any(|i| matches!(i.kind, IssueKind::YamlSyntax | IssueKind::InputLimit)) {
        return project;
    }
    let mut merged: Option<Node> = None;
    for mut root in doc.roots {
        match &root.value {
            Value::Map(_) => {}
            Value::Null if merged.is_none() && root.span.is_empty() => continue,
            _ => {
                project.issues.push(Issue::error(
                    IssueKind::InvalidTopLevel,
                    root.span,
                    format!("the top level of a compose file must be a mapping, found {}", describe(&root)),
                ));
                return project;
            }
        }
        strip_reset(&mut root);
        interpolate(&mut root, &project.variables, text, &mut project.issues);
        merged = Some(match merged {
            None => root,
            Some(base) => merge_documents(base, root),
        });
    }
    let Some(root) = merged.filter(|r| r.as_map().is_some_and(|m| !m.is_empty())) else {
        project.issues.push(Issue::error(
            IssueKind::InvalidTopLevel,
            Span::point(file, 0),
            "the compose file is empty".into(),
        ));
        return project;
    };
    let rec = Recorder::new();
    if let Some(compose) = from_node::<Compose>(&root, &rec) {
        project.compose = compose;
    }
    project.issues.extend(rec.into_issues());
    project.root = Some(root);
    project
}

fn describe(n: &Node) -> &'static str {
    match n.value {
        Value::Null => "nothing",
        Value::Seq(_) => "a sequence",
        _ => "a scalar",
    }
}

/// The variables for interpolation: `.env` of the project folder, overridden by the environment.
fn variables(dir: &str, options: &LoadOptions, fs: &dyn FileSystem, issues: &mut Vec<Issue>) -> IndexMap<String, String> {
    let mut vars = IndexMap::new();
    if options.dotenv {
        let path = join_path(dir, ".env");
        if let Ok(text) = fs.read(&path) {
            match crate::dotenv::parse(&text, &options.env) {
                Ok(entries) => {
                    for e in entries {
                        vars.insert(e.key, e.value);
                    }
                }
                Err(e) => issues.push(Issue::error(
                    IssueKind::InvalidValue,
                    Span::default(),
                    format!("cannot read `{path}`: {e}"),
                )),
            }
        }
    }
    for (k, v) in &options.env {
        vars.insert(k.clone(), v.clone());
    }
    vars
}

/// Drops `!reset` values (with nothing earlier to reset, they simply disappear).
fn strip_reset(node: &mut Node) {
    match &mut node.value {
        Value::Map(m) => {
            m.entries.retain(|(_, v)| v.tag != Some(MergeTag::Reset));
            for (_, v) in &mut m.entries {
                strip_reset(v);
            }
        }
        Value::Seq(items) => {
            items.retain(|v| v.tag != Some(MergeTag::Reset));
            items.iter_mut().for_each(strip_reset);
        }
        _ => {}
    }
}

/// Merges a later YAML document of the same file into the earlier ones (mappings merge by key,
/// everything else is replaced).
pub fn merge_documents(base: Node, over: Node) -> Node {
    match (base.value, over.value) {
        (Value::Map(b), Value::Map(o)) => {
            let mut out = Mapping { entries: b.entries };
            for (k, v) in o.entries {
                match out.entries.iter().position(|(bk, _)| bk.name == k.name) {
                    Some(i) => {
                        if let Some(slot) = out.entries.get_mut(i) {
                            let old = std::mem::replace(&mut slot.1, Node::new(Value::Null, v.span));
                            slot.1 = merge_documents(old, v);
                        }
                    }
                    None => out.entries.push((k, v)),
                }
            }
            Node { value: Value::Map(out), ..over_meta(&base.span, over.span) }
        }
        (_, value) => Node { value, span: over.span, anchor: over.anchor, style: over.style, tag: over.tag },
    }
}

fn over_meta(_base: &Span, over: Span) -> Node {
    Node::new(Value::Null, over)
}
