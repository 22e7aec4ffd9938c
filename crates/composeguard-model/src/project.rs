//! Loading a project as docker compose loads it: the compose files (`-f` stacking, `COMPOSE_FILE`,
//! discovery with override files), the environment (process environment, `.env` or `--env-file`,
//! `COMPOSE_*` variables), interpolation, `extends`, `include`, the merge rules, profiles, and the
//! typed model read from the merged tree.
//!
//! The core does no I/O of its own: the CLI passes the real file system, Python and wasm pass
//! in-memory files. Everything the user wrote keeps its location: the merged tree is made of the
//! nodes of each file, so a finding about a value set by an override or an `extends` base points
//! into that file, and [`Project::related`] gives the secondary labels (what it overrode, where
//! it was inherited).

use indexmap::IndexMap;

use crate::de::{from_node, Recorder};
use crate::environment::Environment;
use crate::interpolate::{interpolate, substitute};
use crate::issue::{Issue, IssueKind, Related, Severity};
use crate::merge::{strip_tags, Merger, Provenance};
use crate::model::Compose;
use crate::span::{FileId, SourceFile, SourceMap, Span};
use crate::yaml::{self, Limits, Node, Value};

/// File access for the loader.
/// `Sync`: a project's rules may run on several threads at once, all reading through one.
pub trait FileSystem: Sync {
    /// The file's text; `Err` with a short reason when it cannot be read.
    fn read(&self, path: &str) -> Result<String, String>;
    fn exists(&self, path: &str) -> bool {
        self.read(path).is_ok()
    }
    /// Whether `path` is a folder (used where compose treats folders specially).
    fn is_dir(&self, _path: &str) -> bool {
        false
    }
    /// The text of the file at `path`, or `None` when there is none there (nothing, or a folder):
    /// `.env` and configuration files, read only when present.
    fn read_if_file(&self, path: &str) -> Option<Result<String, String>> {
        if !self.exists(path) || self.is_dir(path) {
            return None;
        }
        Some(self.read(path))
    }
    /// The file's bytes (compose files are read this way, so invalid UTF-8 can be located).
    fn read_bytes(&self, path: &str) -> Result<Vec<u8>, String> {
        self.read(path).map(String::into_bytes)
    }
    /// Whether a file this cannot read is really missing. `false` for [`NoFiles`] (text linted
    /// on its own): files it refers to are then not checked, rather than reported missing.
    fn sees_files(&self) -> bool {
        true
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
    fn sees_files(&self) -> bool {
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

    fn is_dir(&self, path: &str) -> bool {
        let p = normalize_path(path);
        let prefix = if p == "/" { p } else { format!("{p}/") };
        self.0.keys().any(|k| {
            let k = normalize_path(k);
            if prefix == "./" {
                !k.starts_with('/')
            } else {
                k.starts_with(&prefix)
            }
        })
    }
}

/// How to load one file handed in as text ([`load_text`]).
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The process environment (highest precedence for interpolation).
    pub env: IndexMap<String, String>,
    /// Read `<project dir>/.env` for interpolation (as compose does).
    pub dotenv: bool,
    /// Limits against hostile input.
    pub limits: Limits,
}

/// How to load a project ([`load_project`]): what `docker compose` takes from its command line
/// and environment.
#[derive(Clone, Debug, Default)]
pub struct ProjectOptions {
    /// Compose files (`-f`), in order; relative paths are relative to `cwd`. Empty: the files
    /// of `COMPOSE_FILE`, else `compose.yaml` (and its override file) found in `cwd` or a parent.
    pub files: Vec<String>,
    /// The current folder. Absolute, `config` output has absolute paths as docker compose
    /// prints them; empty, paths stay relative.
    pub cwd: String,
    /// `--project-directory`: the folder relative paths are resolved from (default: the first
    /// file's folder).
    pub project_directory: Option<String>,
    /// `--env-file` (repeatable): read instead of `<project dir>/.env`.
    pub env_files: Vec<String>,
    /// The process environment (shared by the projects of a run: [`Environment::shared`]).
    pub env: Environment,
    /// `--profile` (repeatable); empty: `COMPOSE_PROFILES`. `*` enables every service.
    pub profiles: Vec<String>,
    /// `--project-name` / `-p`; otherwise `COMPOSE_PROJECT_NAME`, the `name:` of the files, or
    /// the project folder's name.
    pub project_name: Option<String>,
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
    pub variables: Environment,
    /// The variables the project's env files set (`.env`, or `--env-file`), as the files set
    /// them, whatever the environment says: what the project itself decides, where `variables`
    /// also holds what the machine running compose does.
    pub env_file_variables: IndexMap<String, String>,
    /// The project folder (relative paths in the model are relative to it).
    pub working_dir: String,
    /// The project name (`-p`, `COMPOSE_PROJECT_NAME`, `name:` or the folder's name, normalised).
    pub name: String,
    /// The compose files, as given (or found).
    pub files: Vec<String>,
    /// Active profiles (`*` enables every service).
    pub profiles: Vec<String>,
    /// Where merged values came from (overrides, `extends`).
    pub provenance: Provenance,
    /// The home folder, for `~` in paths.
    pub home: Option<String>,
    /// The path each source file was read from (not an env file's).
    pub read_from: crate::HashMap<FileId, String>,
    /// The source files interpolated with the project's own variables: its compose files and
    /// the files they extend, not the files of an included project (which has its own env files).
    pub own_files: crate::HashSet<FileId>,
    /// The trees of a stack merged so far, before each later file (the first few): compose
    /// checks each against its schema, so what they get wrong is an error even where a later
    /// file mends it. The spec checks of the raw tree run on them too.
    pub stack_prefixes: Vec<Node>,
}

impl Project {
    pub fn has_errors(&self) -> bool {
        self.issues.iter().any(|i| i.severity == Severity::Error)
    }

    /// Whether compose names the project after its folder: no `-p`, no `COMPOSE_PROJECT_NAME`
    /// (from the environment or `.env`) and no `name:` chose another name.
    pub fn named_after_folder(&self) -> bool {
        let folder = normalize_project_name(base_name(&self.working_dir));
        // (a file linted as text has no name from `.env`, but its variables say what it sets)
        let from_env = self.variables.get("COMPOSE_PROJECT_NAME").filter(|n| !n.is_empty());
        self.compose.name.is_none() && self.name == folder && from_env.is_none_or(|n| *n == folder)
    }

    /// [`resolved_path_help`] for the relative path `given` of the model (an `env_file`, a
    /// secret's `file`) written at `at`, resolved from the project folder. `None` when the file
    /// that names it is in the project folder, or the value is not as written there (rebased
    /// from an included or extended file's folder, or interpolated).
    pub fn resolved_path_help(&self, fs: &dyn FileSystem, at: Span, given: &str) -> Option<(String, bool)> {
        let referrer = self.read_from.get(&at.file)?;
        let source = self.sources.get(at.file)?;
        let written = source.text.get(at.start as usize..at.end as usize)?.trim_matches(['"', '\'']);
        if written != given {
            return None;
        }
        let top_level = self.files.contains(&source.path);
        resolved_path_help(fs, referrer, &source.path, top_level, given, &self.working_dir)
    }

    /// Secondary labels for a finding at `span` about `path` (`services.web.image`): the value an
    /// override replaced, or the `extends` through which the value was inherited.
    pub fn related(&self, span: Span, path: &str) -> Vec<Related> {
        let mut out = Vec::new();
        if let Some(prev) = self.provenance.overrides.get(&span) {
            let file = self.sources.get(prev.file).map_or("", |f| f.path.as_str());
            out.push(Related { span: *prev, message: format!("overrides the value set in `{file}`") });
        }
        if let Some(service) = self.service_in_path(path) {
            if let Some((base, via)) = self.inherited_from(service, span) {
                out.push(Related { span: via, message: format!("inherited by `{service}` from `{base}` through `extends`") });
            }
        }
        out
    }

    /// The service a model path is about (`services.web.ports[0]` is about `web`): the longest
    /// part after `services.` that names a service, as names can hold dots
    /// (`peer0.org1.example.com`), else the part up to the first `.` or `[`.
    pub fn service_in_path<'p>(&self, path: &'p str) -> Option<&'p str> {
        let rest = path.strip_prefix("services.")?;
        let ends = rest.match_indices(['.', '[']).map(|(i, _)| i).chain(std::iter::once(rest.len()));
        let named = ends.filter_map(|i| rest.get(..i)).rfind(|name| self.compose.services.contains_key(*name));
        named.or_else(|| rest.split(['.', '[']).next())
    }

    /// The service `service` inherited the value at `span` from (directly or along its `extends`
    /// chain), and its own `extends` entry.
    fn inherited_from(&self, service: &str, span: Span) -> Option<(String, Span)> {
        let inside = |range: Span| range.file == span.file && range.start <= span.start && span.start < range.end;
        let first = self.provenance.inheritance(service)?;
        let mut current = first;
        // along the chain (bounded: names may repeat across files)
        for _ in 0..64 {
            if inside(current.range) {
                return Some((current.base.clone(), first.via));
            }
            current = self.provenance.inheritance(&current.base)?;
        }
        None
    }

    /// Whether a service is enabled by the active profiles (no `profiles:` means always).
    pub fn is_active(&self, service: &crate::model::Service) -> bool {
        profiles_match(service.profiles.iter().map(|p| p.value.as_str()), &self.profiles)
    }
}

/// compose's profile rule: a service without profiles is always enabled; otherwise one of its
/// profiles must be active (or `*`). No active profile is compose's one empty profile (it splits
/// an unset `COMPOSE_PROFILES` on commas), which a service listing `""` (`profiles:
/// ["${UNSET}"]`) matches.
pub fn service_is_active(service_profiles: &[&str], active: &[String]) -> bool {
    profiles_match(service_profiles.iter().copied(), active)
}

/// [`service_is_active`] for a service's profiles given as an iterator.
pub fn profiles_match<'s>(mut service_profiles: impl Iterator<Item = &'s str> + Clone, active: &[String]) -> bool {
    if service_profiles.clone().next().is_none() {
        return true;
    }
    if active.is_empty() {
        return service_profiles.any(str::is_empty);
    }
    active.iter().any(|p| p == "*" || service_profiles.clone().any(|s| s == p))
}

/// The folder part of a path (`.` when there is none).
pub fn parent_dir(path: &str) -> String {
    match path.rfind(['/', '\\']) {
        Some(0) => "/".into(),
        Some(i) => path.get(..i).unwrap_or(".").to_string(),
        None => ".".into(),
    }
}

/// Why a relative path `given` is not found, when compose resolves it from `base` and that is not
/// the folder of the file that names it (read from `referrer`, shown as `shown`; `top_level` for
/// a compose file of the command line): where compose looks for it, and, when a file of that
/// name is beside the file that names it, the path to write for it (then `.1` is true).
pub fn resolved_path_help(fs: &dyn FileSystem, referrer: &str, shown: &str, top_level: bool, given: &str, base: &str) -> Option<(String, bool)> {
    let own = parent_dir(referrer);
    if given.is_empty() || given.starts_with(['/', '~']) || crate::paths::is_remote_resource(given) || own == base {
        return None;
    }
    let resolved = crate::paths::join_clean(base, given);
    let beside = crate::paths::join_clean(&own, given);
    let rule = if top_level {
        "relative paths in every `-f` file are resolved from the project folder (the first file's folder)".to_string()
    } else {
        format!("relative paths in `{shown}` are resolved from its project folder (its `include`'s `project_directory`)")
    };
    match crate::paths::relative_to(base, &beside) {
        Some(rel) if beside != resolved && fs.exists(&beside) => {
            Some((format!("{rule}, not from the file's own folder, so compose looks for `{resolved}`: write `{rel}` for the file beside `{shown}`"), true))
        }
        _ => Some((format!("{rule}, so compose looks for `{resolved}`"), false)),
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
    // most paths are normal already (rules normalise every mount of every service)
    let rest = path.strip_prefix('/').unwrap_or(path);
    if !rest.is_empty() && rest.as_bytes().split(|&b| b == b'/').all(|s| !matches!(s, b"" | b"." | b"..")) {
        return path.to_string();
    }
    resolve_segments(path)
}

/// [`normalize_path`] segment by segment.
fn resolve_segments(path: &str) -> String {
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

/// The last segment of a path.
fn base_name(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// compose's project name normalisation: lower case, only `a-z0-9_-`, no leading `_` or `-`.
pub fn normalize_project_name(name: &str) -> String {
    let kept: String = name.to_lowercase().chars().filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-')).collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

/// Loads one compose file given as bytes: UTF-8, or UTF-16 after its byte order mark (as compose
/// reads it); bytes that do not decode are reported at their offset (compose refuses such files
/// too), and a UTF-8 byte order mark is skipped.
pub fn load_bytes(path: &str, bytes: &[u8], options: &LoadOptions, fs: &dyn FileSystem) -> Project {
    let (text, invalid_at, encoding) = decode_yaml_owned(bytes.to_vec());
    if let Some(at) = invalid_at {
        let mut project = Project { working_dir: parent_dir(path), files: vec![path.to_string()], ..Project::default() };
        let issue = undecodable(&text, at, encoding);
        let file = project.sources.add(SourceFile::new(path, text));
        project.issues.push(issue(file));
        return project;
    }
    // the byte order mark is gone with the decoding: a U+FEFF after it is text, as for the CLI
    load_decoded(path, &text, options, fs)
}

/// Decodes bytes as UTF-8 (dropping a BOM); returns the lossy text and the offset of the first
/// invalid byte, if any.
pub fn decode_bytes(bytes: &[u8]) -> (String, Option<usize>) {
    decode_owned(bytes.to_vec())
}

/// [`decode_bytes`] in the buffer read: valid UTF-8 becomes the text without a copy.
fn decode_owned(mut bytes: Vec<u8>) -> (String, Option<usize>) {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    }
}

/// The issue for a file that does not decode at `at` (an offset in its decoded `text`), given
/// the file's id: the undecodable character is marked.
fn undecodable(text: &str, at: usize, encoding: &str) -> impl FnOnce(FileId) -> Issue {
    let width = text.get(at..).and_then(|t| t.chars().next()).map_or(1, char::len_utf8);
    let end = u32::try_from(at + width).unwrap_or(u32::MAX);
    let at = u32::try_from(at).unwrap_or(u32::MAX);
    let message = format!("invalid YAML: the file is not valid {encoding} here");
    move |file| Issue::error(IssueKind::YamlSyntax, Span::new(file, at, end), message).with_help("save the file as UTF-8")
}

/// Decodes a YAML file as compose's YAML reader does: UTF-16 (little or big endian) when the file
/// starts with its byte order mark, UTF-8 otherwise. Returns the text, the offset in it of the
/// first character that could not be decoded, and the encoding's name.
fn decode_yaml_owned(bytes: Vec<u8>) -> (String, Option<usize>, &'static str) {
    let little = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => true,
        Some([0xFE, 0xFF]) => false,
        _ => {
            let (text, invalid_at) = decode_owned(bytes);
            return (text, invalid_at, "UTF-8");
        }
    };
    let body = bytes.get(2..).unwrap_or_default();
    let units = body.chunks_exact(2).map(|p| match p {
        [a, b] if little => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut invalid_at = None;
    for c in char::decode_utf16(units) {
        if c.is_err() {
            invalid_at.get_or_insert(text.len());
        }
        text.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
    }
    // an odd byte at the end is half a character
    if body.len() % 2 == 1 {
        invalid_at.get_or_insert(text.len());
        text.push(char::REPLACEMENT_CHARACTER);
    }
    (text, invalid_at, "UTF-16")
}

/// Loads one compose file given as text, as `docker compose -f PATH` loads it: its folder is the
/// project folder; `extends` and `include` read other files through `fs`.
pub fn load_text(path: &str, text: &str, options: &LoadOptions, fs: &dyn FileSystem) -> Project {
    load_decoded(path, text.strip_prefix('\u{feff}').unwrap_or(text), options, fs)
}

/// [`load_text`] for a text whose byte order mark, if it had one, is already dropped.
fn load_decoded(path: &str, text: &str, options: &LoadOptions, fs: &dyn FileSystem) -> Project {
    let working_dir = parent_dir(path);
    let mut asm = Assembler::new(fs, options.limits, options.env.get("HOME").cloned());
    let mut variables = Environment::new(options.env.clone());
    if options.dotenv {
        // `.env` of the project folder, or the files `COMPOSE_ENV_FILES` lists, unless
        // `COMPOSE_DISABLE_ENV_FILE` says no: read as for a project loaded from its command line
        let process = ProcessEnvFiles {
            disabled: variables.get("COMPOSE_DISABLE_ENV_FILE").is_some_and(|v| is_true(v)),
            listed: variables.get("COMPOSE_ENV_FILES").cloned(),
        };
        // (with no file system, listed files are not checked, as other files it cannot read)
        if fs.sees_files() || process.listed.as_deref().is_none_or(str::is_empty) {
            let dir = working_dir.clone();
            let abs = |f: &str| crate::paths::join_clean(&dir, f);
            // (twice, as compose reads them: see `load_project_in`)
            read_env_files(&mut asm, &ProjectOptions::default(), &process, &working_dir, &abs, &mut variables, false);
            read_env_files(&mut asm, &ProjectOptions::default(), &process, &working_dir, &abs, &mut variables, true);
        }
    }
    asm.preload(path, path, text);
    asm.report_env_file_errors();
    // as for a project loaded from its command line: `COMPOSE_PROJECT_NAME` names it (a name
    // compose refuses is reported), else the file or its folder does, and the variable then
    // holds the name for interpolation; the active profiles are `COMPOSE_PROFILES`'
    let name = match variables.get("COMPOSE_PROJECT_NAME").filter(|n| !n.is_empty()).cloned() {
        Some(n) => {
            check_given_name(&mut asm, &n, false);
            n
        }
        None => project_name_from_files(&mut asm, &[path.to_string()], &variables, &working_dir),
    };
    variables.insert("COMPOSE_PROJECT_NAME".into(), name.clone());
    let profiles = compose_profiles(&variables);
    let dotenv = options.dotenv.then(|| join_path(&working_dir, ".env"));
    let scope = Scope { vars: &variables, dir: working_dir.clone(), dotenv, include_stack: Vec::new(), rereads: std::cell::RefCell::default() };
    let root = asm.load_files(&[FileRef { path: path.to_string(), at: None }], &scope);
    asm.finish(root, variables, working_dir, name, vec![path.to_string()], profiles)
}

/// The profiles `COMPOSE_PROFILES` turns on, split as compose splits it: `a,` is `a` and the
/// empty profile.
fn compose_profiles(env: &Environment) -> Vec<String> {
    env.get("COMPOSE_PROFILES").map(|p| p.split(',').map(|s| s.trim().to_string()).collect()).unwrap_or_default()
}

/// Why a file that is there was not read, from the file system's `reason` (which starts with
/// the path): over the limit on the files a project reads (`input-limit`), or not a regular file.
/// The reason is given without the path.
pub fn unread_file<'r>(path: &str, reason: &'r str) -> (IssueKind, &'r str) {
    let kind = if reason.contains("larger than") { IssueKind::InputLimit } else { IssueKind::InvalidValue };
    (kind, reason.strip_prefix(path).map_or(reason, |r| r.trim_start_matches(": ")))
}

/// Loads a project as docker compose does from its command line ([`ProjectOptions`]).
pub fn load_project(options: &ProjectOptions, fs: &dyn FileSystem) -> Project {
    load_project_in(options, options.env.clone(), fs)
}

/// [`load_project`] taking the options, so that their environment becomes the project's
/// variables without a copy (a copy per project was a twentieth of a run over many small files).
pub fn load_project_owned(mut options: ProjectOptions, fs: &dyn FileSystem) -> Project {
    let env = std::mem::take(&mut options.env);
    load_project_in(&options, env, fs)
}

/// [`load_project`] with `env` for `options.env`.
fn load_project_in(options: &ProjectOptions, mut env: Environment, fs: &dyn FileSystem) -> Project {
    let mut asm = Assembler::new(fs, options.limits, env.get("HOME").cloned());
    asm.cwd.clone_from(&options.cwd);
    let cwd = options.cwd.clone();
    let abs = |p: &str| if cwd.is_empty() { normalize_path(p) } else { crate::paths::join_clean(&cwd, p) };
    // the process environment's, before any env file adds to it
    let process_env_files = ProcessEnvFiles { disabled: env.get("COMPOSE_DISABLE_ENV_FILE").is_some_and(|v| is_true(v)), listed: env.get("COMPOSE_ENV_FILES").cloned() };
    if !cwd.is_empty() && !env.contains_key("PWD") {
        env.insert("PWD".into(), cwd.clone());
    }
    let project_dir_opt = options.project_directory.as_deref().map(&abs);
    // The folder compose reads `.env` from before it knows the files.
    let mut files: Vec<String> = options.files.iter().map(|f| abs(f)).collect();
    let working_dir = |files: &[String]| -> String {
        project_dir_opt.clone().or_else(|| files.first().map(|f| parent_dir(f))).unwrap_or_else(|| if cwd.is_empty() { ".".into() } else { cwd.clone() })
    };
    read_env_files(&mut asm, options, &process_env_files, &working_dir(&files), &abs, &mut env, false);
    // `COMPOSE_FILE` (its value, the separator) and its entries compose cannot read, reported
    // once the compose files have their places in the source map
    let mut compose_file_problems: Option<(String, String, Vec<ComposeFileEntry>)> = None;
    if files.is_empty() {
        // (an empty entry, or the variable set but empty, names the current folder itself,
        // which compose then fails to read)
        if let Some(list) = env.get("COMPOSE_FILE") {
            let sep = env.get("COMPOSE_PATH_SEPARATOR").filter(|s| !s.is_empty()).cloned().unwrap_or_else(|| ":".into());
            let mut problems = Vec::new();
            for f in list.split(sep.as_str()) {
                let p = abs(f);
                let problem = if f.is_empty() {
                    Some(ComposeFileEntry::Empty)
                } else if !fs.exists(&p) {
                    // (compose does not trim the entries)
                    let trimmed = f.trim();
                    let spaced = trimmed != f && !trimmed.is_empty() && fs.exists(&abs(trimmed));
                    Some(ComposeFileEntry::Missing { entry: f.to_string(), spaced })
                } else {
                    None
                };
                if let Some(problem) = problem {
                    // reported once, at the entry, not again as a file that cannot be read
                    asm.parsed.insert(p.clone(), None);
                    problems.push(problem);
                }
                files.push(p);
            }
            compose_file_problems = Some((list.clone(), sep, problems));
        } else {
            files = discover(fs, &working_dir(&[]));
            if files.is_empty() {
                asm.issues.push(
                    Issue::error(IssueKind::MissingFile, Span::default(), "no compose file found (compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml)".into())
                        .with_help("pass a file with `-f`, or run in a folder with a compose file"),
                );
            }
        }
    }
    // compose reads the env files a second time once the compose files are known: the project
    // folder may differ now, and even where it does not, this read sees the first one's values
    // (a `${A:?}` entry refuses an `A` that a later entry of the file empties)
    read_env_files(&mut asm, options, &process_env_files, &working_dir(&files), &abs, &mut env, true);
    let project_dir = working_dir(&files);
    let profiles: Vec<String> = if options.profiles.is_empty() {
        compose_profiles(&env)
    } else {
        options.profiles.clone()
    };
    // `-f` files are shown as given; found ones relative to the current folder
    let display_files: Vec<String> = if options.files.is_empty() {
        files.iter().map(|f| display_path(&cwd, f)).collect()
    } else {
        options.files.clone()
    };
    for (f, display) in files.iter().zip(&display_files) {
        asm.register(f, display);
    }
    asm.report_env_file_errors();
    if let Some((list, sep, problems)) = compose_file_problems {
        asm.report_compose_file_entries(&list, &sep, problems);
    }
    // the project name, which `COMPOSE_PROJECT_NAME` then holds for interpolation
    let from_option = options.project_name.clone().filter(|n| !n.is_empty());
    let name = match from_option.clone().or_else(|| env.get("COMPOSE_PROJECT_NAME").filter(|n| !n.is_empty()).cloned()) {
        Some(n) => {
            check_given_name(&mut asm, &n, from_option.is_some());
            n
        }
        None => project_name_from_files(&mut asm, &files, &env, &project_dir),
    };
    env.insert("COMPOSE_PROJECT_NAME".into(), name.clone());
    let refs: Vec<FileRef> = files.iter().map(|f| FileRef { path: f.clone(), at: None }).collect();
    // (`--env-file` or `COMPOSE_ENV_FILES` replace `.env`; `COMPOSE_DISABLE_ENV_FILE` drops it)
    let dotenv_read = options.env_files.is_empty() && process_env_files.listed.as_deref().is_none_or(str::is_empty) && !process_env_files.disabled;
    let dotenv = dotenv_read.then(|| crate::paths::join_clean(&project_dir, ".env"));
    let scope = Scope { vars: &env, dir: project_dir.clone(), dotenv, include_stack: Vec::new(), rereads: std::cell::RefCell::default() };
    let root = if refs.is_empty() { None } else { asm.load_files(&refs, &scope) };
    asm.finish(root, env, project_dir, name, display_files, profiles)
}

/// How a file is shown in findings: relative to the current folder when it is below it.
fn display_path(cwd: &str, path: &str) -> String {
    if cwd.is_empty() {
        return path.to_string();
    }
    match crate::paths::relative_to(cwd, path) {
        Some(rel) if !rel.starts_with("..") => rel,
        _ => path.to_string(),
    }
}

/// The compose file names docker compose looks for in a folder, in its order.
pub const COMPOSE_FILE_NAMES: [&str; 4] = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];
/// The override file names, in compose's order; the first one present joins the project.
pub const OVERRIDE_FILE_NAMES: [&str; 4] = ["compose.override.yml", "compose.override.yaml", "docker-compose.override.yml", "docker-compose.override.yaml"];

/// `compose.yaml` (or another default name) in `dir` or the nearest parent, plus its override
/// file.
fn discover(fs: &dyn FileSystem, dir: &str) -> Vec<String> {
    let mut dir = dir.to_string();
    loop {
        if let Some(main) = COMPOSE_FILE_NAMES.iter().map(|n| crate::paths::join_clean(&dir, n)).find(|p| fs.exists(p)) {
            let mut out = vec![main];
            if let Some(o) = OVERRIDE_FILE_NAMES.iter().map(|n| crate::paths::join_clean(&dir, n)).find(|p| fs.exists(p)) {
                out.push(o);
            }
            return out;
        }
        let parent = parent_dir(&dir);
        if parent == dir || dir == "." || dir.is_empty() {
            return Vec::new();
        }
        dir = parent;
    }
}

/// `--env-file` files, or `<dir>/.env`: their variables join the environment without replacing
/// what is already set. `again`: compose's second read, once the compose files are known.
fn read_env_files(asm: &mut Assembler<'_>, options: &ProjectOptions, process: &ProcessEnvFiles, dir: &str, abs: &dyn Fn(&str) -> String, env: &mut Environment, again: bool) {
    // `.env` disabled by the environment, or by the `.env` read before the files were known
    let disabled = process.disabled || env.get("COMPOSE_DISABLE_ENV_FILE").is_some_and(|v| is_true(v));
    // `--env-file`, else the comma-separated `COMPOSE_ENV_FILES` of the environment (read even
    // when `.env` is disabled), else `.env`
    let listed: Vec<String> = match (options.env_files.is_empty(), process.listed.as_deref().filter(|l| !l.is_empty())) {
        (false, _) => options.env_files.clone(),
        (true, Some(list)) => list.split(',').map(str::to_string).collect(),
        (true, None) => Vec::new(),
    };
    let (files, dotenv): (Vec<String>, _) = if listed.is_empty() {
        if disabled {
            return;
        }
        let path = crate::paths::join_clean(dir, ".env");
        let Some(text) = asm.fs.read_if_file(&path) else { return };
        (vec![path], Some(text))
    } else {
        (listed.iter().map(|f| abs(f)).collect(), None)
    };
    let is_dotenv = dotenv.is_some();
    // before anything else, compose reads the same files once for the `COMPOSE_*` variables,
    // which it sets in its own environment where that has none (ignoring what it cannot
    // read): so the read that counts sees them at their final values, and they keep the
    // values of that first read (the second read finds them set). Names are read as written,
    // so a `.env` whose text has no `COMPOSE_` has none to read (most have none: no second
    // parse, no copy of the text).
    let no_compose_names = matches!(&dotenv, Some(Ok(text)) if !text.contains("COMPOSE_"));
    let preset: Vec<(String, String)> = if again || no_compose_names {
        Vec::new()
    } else {
        let (issues, errors) = (asm.issues.len(), asm.env_file_errors.len());
        let (read, _) = env_from_files(asm, &files, env, dotenv.clone(), false);
        asm.issues.truncate(issues);
        asm.env_file_errors.truncate(errors);
        read.into_iter().filter(|(k, _)| k.starts_with("COMPOSE_") && !env.contains_key(k)).collect()
    };
    let with_preset = (!preset.is_empty()).then(|| {
        let mut current = env.clone();
        for (k, v) in &preset {
            current.insert_if_absent(k.clone(), v.clone());
        }
        current
    });
    let (read, origins) = env_from_files(asm, &files, with_preset.as_ref().unwrap_or(env), dotenv, again);
    // compose sets the `COMPOSE_*` variables of `.env` in its environment first: one of them
    // can disable `.env`, which then gives nothing else
    let disables = is_dotenv && !env.contains_key("COMPOSE_DISABLE_ENV_FILE") && read.get("COMPOSE_DISABLE_ENV_FILE").is_some_and(|v| is_true(v));
    // (what the environment sets wins, so no env file entry says it)
    if !env.contains_key("COMPOSE_PROJECT_NAME") {
        if let Some(origin) = origins.name {
            asm.name_from_env_file = Some(origin);
        }
    }
    if !env.contains_key("COMPOSE_FILE") {
        if let Some(origin) = origins.files {
            asm.files_from_env_file = Some(origin);
        }
    }
    for (k, v) in preset.into_iter().chain(read) {
        if !disables || k.starts_with("COMPOSE_") {
            asm.env_file_variables.entry(k.clone()).or_insert_with(|| v.clone());
            env.insert_if_absent(k, v);
        }
    }
}

/// What the process environment says about env files, before any env file adds to it.
struct ProcessEnvFiles {
    /// `COMPOSE_DISABLE_ENV_FILE` is true.
    disabled: bool,
    /// `COMPOSE_ENV_FILES`.
    listed: Option<String>,
}

/// A boolean environment variable set to true (`1`, `t`, `true`, any case).
fn is_true(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "1" | "t" | "true")
}

/// An env file entry: the file's path, its text and the entry's (1-based) line.
type EnvEntryAt = (String, String, usize);

/// The env file entries that set the variables compose reads for itself, whose values are
/// reported at these entries (the last file's entry wins).
#[derive(Default)]
struct EnvOrigins {
    /// `COMPOSE_PROJECT_NAME`.
    name: Option<EnvEntryAt>,
    /// `COMPOSE_FILE`.
    files: Option<EnvEntryAt>,
}

/// Reads dotenv files in order (later files see earlier ones); a file that cannot be read is
/// reported in itself once the compose files are known, a missing one in the first compose file.
/// `first` is the first file's read, when the caller has already read it; `again`: the files are
/// read the second time.
fn env_from_files(asm: &mut Assembler<'_>, files: &[String], current: &Environment, mut first: Option<Result<String, String>>, again: bool) -> (IndexMap<String, String>, EnvOrigins) {
    let mut out: IndexMap<String, String> = IndexMap::new();
    let mut origins = EnvOrigins::default();
    for path in files {
        match first.take().unwrap_or_else(|| asm.fs.read(path)) {
            Ok(text) => {
                let earlier = |k: &str| out.get(k).cloned();
                match crate::dotenv::parse_after(&text, &|k: &str| current.get(k).cloned(), &earlier) {
                    Ok(entries) => {
                        let (mut name_line, mut files_line) = (None, None);
                        for e in entries {
                            match e.key.as_str() {
                                "COMPOSE_PROJECT_NAME" => name_line = Some(e.line),
                                "COMPOSE_FILE" => files_line = Some(e.line),
                                _ => {}
                            }
                            out.insert(e.key, e.value);
                        }
                        if let Some(line) = files_line {
                            origins.files = Some((path.clone(), text.clone(), line));
                        }
                        // (the text is read: it goes with the entry, no copy)
                        if let Some(line) = name_line {
                            origins.name = Some((path.clone(), text, line));
                        }
                    }
                    Err(error) => asm.env_file_errors.push(EnvFileError { path: path.clone(), text, error, again }),
                }
            }
            // (the first read reported it)
            Err(_) if again => {}
            // (a file that is there but not read: too large, not a regular file)
            Err(reason) if asm.fs.exists(path) => {
                let (kind, reason) = unread_file(path, &reason);
                asm.issues.push(Issue::error(kind, Span::default(), format!("cannot read env file `{path}`: {reason}")));
            }
            Err(_) => asm.issues.push(
                Issue::error(IssueKind::MissingFile, Span::default(), format!("env file `{path}` not found"))
                    .with_help("create the file or fix the path"),
            ),
        }
    }
    (out, origins)
}

/// Reports a project name given by `-p` (`from_option`) or `COMPOSE_PROJECT_NAME` that compose
/// refuses, at the env file entry that set it, else (`-p`, the environment) where no file says it.
fn check_given_name(asm: &mut Assembler<'_>, n: &str, from_option: bool) {
    if normalize_project_name(n) == n {
        return;
    }
    let (at, source) = match asm.name_from_env_file.take() {
        Some((path, text, line)) if !from_option => (asm.env_file_span(&path, text, EnvFileAt::Line(line)), "`COMPOSE_PROJECT_NAME`"),
        _ if from_option => (Span::default(), "`-p`"),
        _ => (Span::default(), "`COMPOSE_PROJECT_NAME` in the environment"),
    };
    asm.issues.push(
        Issue::error(
            IssueKind::InvalidValue,
            at,
            format!("invalid project name `{n}` (from {source}): use only lowercase letters, digits, `-` and `_`, starting with a letter or digit"),
        )
        .with_help(format!("use a name such as `{}`", suggested_name(n))),
    );
}

/// A valid project name close to `name`: lowercase, other characters as `-` (`My.App` → `my-app`).
fn suggested_name(name: &str) -> String {
    let lowered: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c.to_ascii_lowercase() } else { '-' }).collect();
    let trimmed = lowered.trim_start_matches(['-', '_']);
    if trimmed.is_empty() { "my-project".to_string() } else { trimmed.to_string() }
}

/// The project name from the files: the last non-empty `name:`, interpolated and normalised
/// (compose's rule); otherwise the folder's name. A name that ends up empty is an error.
fn project_name_from_files(asm: &mut Assembler<'_>, files: &[String], vars: &Environment, folder: &str) -> String {
    let mut found: Option<(String, Span)> = None;
    for f in files {
        let Some(Some(parsed)) = asm.parsed.get(f) else { continue };
        for root in &parsed.roots {
            if let Some(node) = root.as_map().and_then(|m| m.get("name")) {
                if let Some(name) = node.scalar_to_string().filter(|n| !n.is_empty()) {
                    found = Some((name, node.span));
                }
            }
        }
    }
    let from_file = found.is_some();
    let (name, at) = match found {
        Some((raw, span)) => (normalize_project_name(&substitute(&raw, vars).map(|s| s.value).unwrap_or_default()), span),
        None => (normalize_project_name(base_name(folder)), Span::default()),
    };
    // a relative folder (text handed in without its real location) says nothing about the name
    if name.is_empty() && (from_file || folder.starts_with('/')) {
        let message = if from_file {
            "the project name is empty once interpolated and normalised (lowercase letters, digits, `-` and `_`)".to_string()
        } else {
            format!(
                "the project name is empty: without `name:`, compose names the project after its folder, and `{}` has no letter or digit",
                base_name(folder)
            )
        };
        asm.issues.push(
            Issue::error(IssueKind::InvalidValue, at, message).with_path("name").with_help("set `name:` to a value with letters or digits, or pass `-p NAME`"),
        );
    }
    name
}

/// A file to load, and where it was referenced (an `include` path, an `extends` file).
#[derive(Clone, Debug)]
pub(crate) struct FileRef {
    pub path: String,
    pub at: Option<Span>,
}

/// What a (sub-)project is loaded with.
pub(crate) struct Scope<'v> {
    pub vars: &'v Environment,
    /// The (sub-)project folder: relative paths of its files are relative to it.
    pub dir: String,
    /// The `.env` its variables come from (in `dir`), when no env files were named instead.
    pub dotenv: Option<String>,
    /// The files that include this one (cycle detection).
    pub include_stack: Vec<String>,
    /// Files read again in this scope, for more `extends` of them.
    pub rereads: std::cell::RefCell<Rereads>,
}

/// What reading a file again gives in one scope, kept so that reading it a third time and on is
/// a copy. (A project whose services extend one common file read, interpolated and checked that
/// file once per service: two fifths of a run over 300 real compose files.)
#[derive(Default)]
pub(crate) struct Rereads {
    /// A file's interpolated documents, and the issues reading them gave.
    pub documents: crate::HashMap<String, (FileId, Vec<Node>, Vec<Issue>)>,
    /// The files whose canonical form (what compose checks of a file read for `extends`) was
    /// checked, with the name they were given by: checking again would find the same issues.
    pub checked: crate::HashSet<(String, String)>,
    /// A one-document file read for `extends`, by path and the name it was given by: its
    /// services once ready to extend from (rebased and in canonical form, its problems
    /// reported), and the issues reading it gives (its interpolation's: parsing it is reported
    /// once, by its first read). A later `extends` of it copies the services
    /// its chain goes through, not the whole file: 195 `extends` of a few common files were a
    /// sixth of a run over 300 real compose files, each one reading (the second one parsing
    /// again), copying, rebasing and checking all of its file.
    pub prepared: crate::HashMap<(String, String), (yaml::Mapping, Vec<Issue>)>,
}

/// A parsed file: its source id and raw documents.
pub(crate) struct Parsed {
    pub id: FileId,
    pub roots: Vec<Node>,
    pub unreadable: bool,
    /// The documents were handed out once (a file read again is parsed again).
    pub taken: bool,
}

/// Builds the merged tree of a project.
pub(crate) struct Assembler<'a> {
    pub fs: &'a dyn FileSystem,
    pub limits: Limits,
    pub home: Option<String>,
    pub sources: SourceMap,
    pub issues: Vec<Issue>,
    pub provenance: Provenance,
    /// Parsed files by path (`None`: could not be read).
    pub parsed: crate::HashMap<String, Option<Parsed>>,
    /// How each path is shown.
    display: crate::HashMap<String, String>,
    /// The current folder (paths below it are shown relative to it).
    pub cwd: String,
    /// What the model read finds in the files of a stack merged so far (compose validates after
    /// each file): reported unless the whole project has the same issue.
    stack_issues: Vec<Issue>,
    /// See [`Project::stack_prefixes`].
    stack_prefixes: Vec<Node>,
    /// See [`Project::own_files`].
    own_files: crate::HashSet<FileId>,
    /// The issues found in files read for `extends`, so each is reported once.
    pub extends_reported: crate::HashSet<(Span, String)>,
    /// A file read so far has a `!reset` or `!override` tag (without one, no node has a tag to
    /// strip).
    merge_tags: bool,
    /// A compose file was given as an absolute path: the files it refers to are shown absolute
    /// too, so that a run over such paths names each file one way.
    absolute: bool,
    /// What the project's env files set (see [`Project::env_file_variables`]).
    pub env_file_variables: IndexMap<String, String>,
    /// Env files compose cannot read, reported in the file once the compose files have their
    /// places in the source map ([`Self::report_env_file_errors`]).
    env_file_errors: Vec<EnvFileError>,
    /// The env file entry that set `COMPOSE_PROJECT_NAME`, when one did: the path, the file's
    /// text and the entry's line (an invalid name is reported there).
    name_from_env_file: Option<EnvEntryAt>,
    /// The env file entry that set `COMPOSE_FILE`, when one did (its missing files are
    /// reported there).
    files_from_env_file: Option<EnvEntryAt>,
    /// An entry of `COMPOSE_FILE` was reported as a file compose cannot read (so a project with
    /// nothing read is not also empty).
    compose_file_unread: bool,
    /// The variables that env files compose refuses appear to set ([`crate::dotenv::keys_in`]):
    /// such a variable is not also reported unset (the file is the mistake).
    pub refused_env_keys: crate::HashSet<String>,
    /// The secrets of included projects read from a variable set for that project, by the span
    /// of their definition, with the value: compose keeps the value beside the definition, so
    /// such a secret differs from one the including file defines the same way.
    pub included_secret_values: crate::HashMap<Span, String>,
}

/// Where in an env file a finding is: a byte offset, or a (1-based) line.
#[derive(Clone, Copy)]
enum EnvFileAt {
    Offset(usize),
    Line(usize),
}

/// An entry of `COMPOSE_FILE` that compose cannot read.
enum ComposeFileEntry {
    /// Empty (`a.yaml:`, `a.yaml::b.yaml`, or the whole variable): the current folder.
    Empty,
    /// No such file; `spaced` when the entry has spaces around it and the file without them is
    /// there.
    Missing { entry: String, spaced: bool },
}

/// An env file (`.env`, `--env-file`) compose refuses to read.
struct EnvFileError {
    path: String,
    text: String,
    error: crate::dotenv::DotenvError,
    /// Found by the second read (the first read of the file went well).
    again: bool,
}

impl<'a> Assembler<'a> {
    pub fn new(fs: &'a dyn FileSystem, limits: Limits, home: Option<String>) -> Self {
        Self {
            fs,
            limits,
            home,
            sources: SourceMap::new(),
            issues: Vec::new(),
            provenance: Provenance::default(),
            parsed: crate::HashMap::default(),
            display: crate::HashMap::default(),
            stack_issues: Vec::new(),
            stack_prefixes: Vec::new(),
            own_files: crate::HashSet::default(),
            extends_reported: crate::HashSet::default(),
            included_secret_values: crate::HashMap::default(),
            cwd: String::new(),
            merge_tags: false,
            absolute: false,
            env_file_variables: IndexMap::new(),
            env_file_errors: Vec::new(),
            name_from_env_file: None,
            files_from_env_file: None,
            compose_file_unread: false,
            refused_env_keys: crate::HashSet::default(),
        }
    }

    /// Adds an env file to the sources; the span from `at` to the end of its line there.
    fn env_file_span(&mut self, path: &str, text: String, at: EnvFileAt) -> Span {
        let file = SourceFile::new(self.shown(path), text);
        let start = match at {
            EnvFileAt::Offset(offset) => u32::try_from(offset.min(file.text.len())).unwrap_or(u32::MAX),
            EnvFileAt::Line(line) => file.lines.line_start(line.saturating_sub(1)),
        };
        let end = file.text.get(start as usize..).and_then(|rest| rest.find('\n')).map_or(file.text.len(), |n| start as usize + n);
        let end = u32::try_from(end).unwrap_or(start).max(start);
        let id = self.sources.add(file);
        Span::new(id, start, end)
    }

    /// Reports the entries of `COMPOSE_FILE` (`list`, split at `sep`) that compose cannot read:
    /// at the env file entry that set it, else (the process environment set it) where no file
    /// says it, with a message that says where it came from.
    fn report_compose_file_entries(&mut self, list: &str, sep: &str, problems: Vec<ComposeFileEntry>) {
        if problems.is_empty() {
            return;
        }
        self.compose_file_unread = true;
        let line = self.files_from_env_file.take().map(|(path, text, line)| self.env_file_span(&path, text, EnvFileAt::Line(line)));
        let source = if line.is_some() { "`COMPOSE_FILE`" } else { "the `COMPOSE_FILE` environment variable" };
        for problem in problems {
            let issue = match problem {
                ComposeFileEntry::Empty if list.is_empty() => Issue::error(
                    IssueKind::InvalidValue,
                    line.unwrap_or_default(),
                    format!("{source} is set but empty, which compose reads as the current folder, not a compose file"),
                )
                .with_help("list the compose files, or unset it"),
                ComposeFileEntry::Empty => Issue::error(
                    IssueKind::InvalidValue,
                    line.unwrap_or_default(),
                    format!("{source} (`{list}`) has an empty entry, which compose reads as the current folder, not a compose file"),
                )
                .with_help(format!("remove the extra `{sep}`")),
                ComposeFileEntry::Missing { entry, spaced } => {
                    let at = line.map_or_else(Span::default, |l| self.within_value(l, &entry));
                    let help = if spaced {
                        format!("compose keeps the spaces around an entry: write `{}`", entry.trim())
                    } else {
                        "create the file, or fix the list; relative paths are resolved from the current folder".to_string()
                    };
                    let from = if line.is_some() { "from `COMPOSE_FILE`" } else { "from the `COMPOSE_FILE` environment variable" };
                    Issue::error(IssueKind::MissingFile, at, format!("`{entry}` ({from}) not found")).with_help(help)
                }
            };
            self.issues.push(issue);
        }
    }

    /// The span of `needle` in the value of the env file entry at `line` (a span from the entry
    /// to the end of its line), or the whole entry when the value does not hold it as written.
    fn within_value(&self, line: Span, needle: &str) -> Span {
        let Some(text) = self.sources.get(line.file).and_then(|f| f.text.get(line.start as usize..line.end as usize)) else { return line };
        let value_at = text.find('=').map_or(0, |i| i + 1);
        let found = text.get(value_at..).and_then(|v| v.find(needle)).map(|i| i + value_at);
        match (found, u32::try_from(needle.len())) {
            (Some(i), Ok(len)) if !needle.is_empty() => {
                let start = line.start + u32::try_from(i).unwrap_or(0);
                Span::new(line.file, start, start + len)
            }
            _ => line,
        }
    }

    /// Reports the env files that could not be read, each at the entry that fails, in the file
    /// itself (added to the sources after the compose files, which keep their places). A file
    /// read twice (before and after the compose files are found) is reported once.
    pub(crate) fn report_env_file_errors(&mut self) {
        let mut seen: Vec<String> = Vec::new();
        for EnvFileError { path, text, error, again } in std::mem::take(&mut self.env_file_errors) {
            if seen.contains(&path) {
                continue;
            }
            self.refused_env_keys.extend(crate::dotenv::keys_in(&text));
            let at = self.env_file_span(&path, text, EnvFileAt::Offset(error.offset));
            let help = if again {
                // (the first read went well: only the values it gave make this entry fail)
                "compose reads its env files twice, the second time with each variable at its final value: a later entry sets one that this entry requires to an empty value"
            } else {
                "compose refuses the whole file: fix this entry"
            };
            self.issues.push(Issue::error(IssueKind::InvalidValue, at, format!("cannot read env file `{path}`: {error}")).with_help(help));
            seen.push(path);
        }
    }

    /// Parses text handed in for `path` (shown as `display`).
    pub fn preload(&mut self, path: &str, display: &str, text: &str) {
        let id = self.sources.add(SourceFile::new(display, text));
        let parsed = self.parse_source(id, text);
        self.parsed.insert(path.to_string(), Some(parsed));
    }

    /// Reads and parses a top-level file now (so `name:` can be read before loading).
    pub fn register(&mut self, path: &str, display: &str) {
        self.absolute |= display.starts_with('/');
        self.display.insert(path.to_string(), display.to_string());
        let _ = self.parse_file(path, None);
    }

    /// How the file at `path` is shown: as given, or relative to the current folder when it is
    /// below it (absolute when the compose files were given so).
    pub(crate) fn shown(&self, path: &str) -> String {
        match self.display.get(path) {
            Some(given) => given.clone(),
            None if self.absolute => path.to_string(),
            None => display_path(&self.cwd, path),
        }
    }

    fn parse_source(&mut self, id: FileId, text: &str) -> Parsed {
        let doc = yaml::parse(text, id, &self.limits);
        self.merge_tags |= doc.merge_tags;
        let fatal = doc.issues.iter().any(|i| matches!(i.kind, IssueKind::YamlSyntax | IssueKind::InputLimit));
        self.issues.extend(doc.issues);
        Parsed { id, roots: if fatal { Vec::new() } else { doc.roots }, unreadable: fatal, taken: false }
    }

    /// The parsed file at `path`, read once; a file that cannot be read is reported at `at`.
    pub fn parse_file(&mut self, path: &str, at: Option<Span>) -> Option<&Parsed> {
        if !self.parsed.contains_key(path) {
            match self.fs.read_bytes(path) {
                Ok(bytes) => {
                    let display = self.shown(path);
                    let (text, invalid_at, encoding) = decode_yaml_owned(bytes);
                    // the map and the parse share the text (a copy was 7 MB on a big file)
                    let file = std::sync::Arc::new(SourceFile::new(display, text));
                    let id = self.sources.add_shared(std::sync::Arc::clone(&file));
                    let text = file.text.as_str();
                    let parsed = match invalid_at {
                        Some(at) => {
                            self.issues.push(undecodable(text, at, encoding)(id));
                            Parsed { id, roots: Vec::new(), unreadable: true, taken: false }
                        }
                        None => self.parse_source(id, text),
                    };
                    self.parsed.insert(path.to_string(), Some(parsed));
                }
                Err(_) if !self.fs.sees_files() => {
                    let shown = self.shown(path);
                    self.issues.push(Issue {
                        severity: crate::issue::Severity::Info,
                        ..Issue::error(IssueKind::MissingFile, at.unwrap_or_default(), format!("`{shown}` was not checked: no files can be read here"))
                    });
                    self.parsed.insert(path.to_string(), None);
                }
                Err(reason) => {
                    let shown = self.shown(path);
                    self.issues.push(
                        Issue::error(IssueKind::MissingFile, at.unwrap_or_default(), format!("cannot read `{shown}`: {}", reason.rsplit(": ").next().unwrap_or(&reason)))
                            .with_help("check the path; relative paths are resolved from the project folder"),
                    );
                    self.parsed.insert(path.to_string(), None);
                }
            }
        }
        self.parsed.get(path).and_then(Option::as_ref)
    }

    /// Explains a relative path `given` written at `at` and resolved from `base` that compose
    /// cannot read (reported since `from` in [`Self::issues`] as a missing file at `at`), when
    /// `base` is not the folder of the file that names it: see [`resolved_path_help`].
    pub(crate) fn explain_unresolved(&mut self, from: usize, at: Span, given: &str, base: &str) {
        let Some(referrer) = self.parsed.iter().find(|(_, p)| p.as_ref().is_some_and(|p| p.id == at.file)).map(|(path, _)| path.clone()) else { return };
        let top_level = self.display.contains_key(&referrer);
        let shown = self.shown(&referrer);
        let Some((hint, beside)) = resolved_path_help(self.fs, &referrer, &shown, top_level, given, base) else { return };
        let help = if beside { hint } else { format!("{hint}; check the path") };
        for issue in self.issues.get_mut(from..).unwrap_or_default() {
            if issue.kind == IssueKind::MissingFile && issue.span == at {
                issue.help = Some(help.clone());
            }
        }
    }

    /// In a file outside the (sub-)project folder (an extended or included file, an `-f` file
    /// of another folder), the help for the variables reported since `from` names the `.env`
    /// compose reads, the project's, and says that a `.env` beside the file is not read.
    fn name_the_dotenv(&mut self, from: usize, path: &str, scope: &Scope<'_>) {
        let Some(dotenv) = scope.dotenv.as_deref() else { return };
        let folder = parent_dir(path);
        if folder == scope.dir || !self.issues.get(from..).unwrap_or_default().iter().any(|i| i.variable().is_some()) {
            return;
        }
        let project_env = format!("in the environment or in the project's `{}`", self.shown(dotenv));
        let beside = crate::paths::join_clean(&folder, ".env");
        let not_read = self.fs.exists(&beside).then(|| format!(" (`{}` beside `{}` is not read)", self.shown(&beside), self.shown(path)));
        for issue in self.issues.get_mut(from..).unwrap_or_default() {
            if issue.variable().is_none() {
                continue;
            }
            let Some(help) = issue.help.as_mut() else { continue };
            for generic in ["in the environment or in `.env`", "in the environment or `.env`"] {
                if let Some(at) = help.find(generic) {
                    let end = at + generic.len();
                    help.replace_range(at..end, &format!("{project_env}{}", not_read.as_deref().unwrap_or_default()));
                    break;
                }
            }
        }
    }

    /// The interpolated documents of a file (each a mapping), in order.
    pub fn documents(&mut self, path: &str, at: Option<Span>, scope: &Scope<'_>) -> Option<(FileId, Vec<Node>)> {
        let vars = scope.vars;
        self.parse_file(path, at)?;
        let limits = self.limits;
        let parsed = self.parsed.get_mut(path)?.as_mut()?;
        let (id, unreadable) = (parsed.id, parsed.unreadable);
        if scope.include_stack.is_empty() {
            self.own_files.insert(id);
        }
        // the first reader takes the documents; a file read again (another `extends` of it) is
        // parsed again, its problems already reported; read again a third time in the same
        // scope, it is what the second read gave, issues included
        let reread = parsed.taken;
        if reread && !unreadable {
            if let Some((id, docs, issues)) = scope.rereads.borrow().documents.get(path) {
                self.issues.extend(issues.iter().cloned());
                return Some((*id, docs.clone()));
            }
        }
        let roots = if parsed.taken {
            let text = self.sources.get(id).map_or("", |f| f.text.as_str());
            yaml::parse(text, id, &limits).roots
        } else {
            parsed.taken = true;
            std::mem::take(&mut parsed.roots)
        };
        if unreadable {
            return Some((id, Vec::new()));
        }
        let first_issue = self.issues.len();
        let mut docs = Vec::new();
        for mut root in roots {
            // every document must be a mapping, an empty one (`---` then `---`) too
            if !matches!(root.value, Value::Map(_)) {
                self.issues.push(Issue::error(
                    IssueKind::InvalidTopLevel,
                    root.span,
                    format!("the top level of a compose file must be a mapping, found {}", describe(&root)),
                ));
                return Some((id, Vec::new()));
            }
            let text = self.sources.get(id).map_or("", |f| f.text.as_str());
            let from = self.issues.len();
            interpolate(&mut root, vars, text, &mut self.issues);
            if !self.refused_env_keys.is_empty() {
                // a variable an env file compose refuses meant to set is not also unset
                let found = self.issues.split_off(from);
                let refused = &self.refused_env_keys;
                self.issues.extend(found.into_iter().filter(|i| i.variable().is_none_or(|v| !refused.contains(v))));
            }
            self.name_the_dotenv(from, path, scope);
            docs.push(root);
        }
        if reread {
            let issues = self.issues.get(first_issue..).unwrap_or_default().to_vec();
            scope.rereads.borrow_mut().documents.insert(path.to_string(), (id, docs.clone(), issues));
        }
        Some((id, docs))
    }

    /// Loads files as one (sub-)project: each document gets its `extends` and `include`
    /// applied, then merges over the ones before.
    pub fn load_files(&mut self, files: &[FileRef], scope: &Scope<'_>) -> Option<Node> {
        let mut acc: Option<Node> = None;
        let mut merged = 0usize;
        let stacked = files.len() > 1;
        for file in files {
            let Some((_, docs)) = self.documents(&file.path, file.at, scope) else { continue };
            let stacked = stacked || docs.len() > 1;
            for mut doc in docs {
                if stacked {
                    self.check_services_shape(&doc, acc.is_none());
                }
                self.apply_extends(&mut doc, &file.path, scope);
                self.apply_include(&mut doc, &file.path, scope);
                // compose validates what it has merged after each file, so what the files so
                // far get wrong is an error even where a later file mends it (checked for the
                // first few, as stacks are: thousands of documents must not cost a read each)
                if let Some(so_far) = acc.as_ref().filter(|_| merged < STACK_PREFIXES_CHECKED) {
                    let mut so_far = so_far.clone();
                    let (_, issues) = read_model(&mut so_far);
                    self.stack_issues.extend(issues.into_iter().filter(|i| !i.is_refused_when_decoded()));
                    self.stack_prefixes.push(so_far);
                }
                merged += 1;
                acc = Some(match acc {
                    None => {
                        if self.merge_tags {
                            strip_tags(&mut doc);
                        }
                        doc
                    }
                    Some(base) => {
                        let mut merger = Merger::new(&mut self.issues, &mut self.provenance);
                        merger.merge_root(base, doc)
                    }
                });
            }
        }
        acc
    }

    /// compose reads each file's `services` before it merges the files (to apply `extends`): in
    /// every file of a stack, `services` must be a mapping, even where another file has services
    /// (an override file whose services are all commented out is refused). A single file gets
    /// the same problem from the spec checks of the merged tree.
    fn check_services_shape(&mut self, doc: &Node, first: bool) {
        let Some(services) = doc.as_map().and_then(|m| m.get("services")) else { return };
        // (the merge reports a later file's scalar or list, and a first file's list, itself)
        let unmerged = match services.value {
            Value::Null => true,
            Value::Map(_) | Value::Seq(_) => false,
            _ => first,
        };
        if unmerged {
            self.issues.push(
                Issue::error(IssueKind::InvalidType, services.span, format!("`services` must be a mapping, found {}", services.value.kind_name()))
                    .with_path("services")
                    .with_help("list services under `services:`, or remove the key"),
            );
        }
    }

    /// The loaded project, with its typed model.
    pub fn finish(
        mut self,
        root: Option<Node>,
        variables: Environment,
        working_dir: String,
        name: String,
        files: Vec<String>,
        profiles: Vec<String>,
    ) -> Project {
        let mut project = Project { variables, working_dir, name, files, profiles, home: self.home.clone(), ..Project::default() };
        project.read_from = self.parsed.iter().filter_map(|(path, parsed)| Some((parsed.as_ref()?.id, path.clone()))).collect();
        let fatal = self.issues.iter().any(|i| matches!(i.kind, IssueKind::YamlSyntax | IssueKind::InputLimit | IssueKind::InvalidTopLevel));
        // compose drops `version` and the processed `include` before it looks for content
        let has_content = |r: &Node| r.as_map().is_some_and(|m| m.iter().any(|(k, _)| !matches!(k.name.as_str(), "version" | "include")));
        // what there is instead, for the message: `version`, `include`, or both
        let ignored: Vec<&'static str> = root
            .as_ref()
            .and_then(Node::as_map)
            .map(|m| ["version", "include"].into_iter().filter(|k| m.contains_key(k)).collect())
            .unwrap_or_default();
        match root {
            Some(ref root) if has_content(root) && fatal => {}
            Some(mut root) if has_content(&root) => {
                let (compose, issues) = read_model(&mut root);
                if let Some(compose) = compose {
                    project.compose = compose;
                }
                let mut issues = without_cast_duplicates(&self.issues, issues);
                let stack_issues = std::mem::take(&mut self.stack_issues);
                if !stack_issues.is_empty() {
                    crate::issue::push_stack_issues(&mut issues, without_cast_duplicates(&self.issues, stack_issues));
                }
                crate::de::help_dedented_attributes(&root, &mut issues);
                crate::de::help_unindented_services(&root, &mut issues);
                self.issues.extend(issues);
                project.root = Some(root);
            }
            rest => {
                // what is wrong with the `version` or `include` that are there is said first
                if let Some(mut root) = rest.filter(|r| !fatal && r.as_map().is_some_and(|m| !m.is_empty())) {
                    let (_, issues) = read_model(&mut root);
                    let issues = without_cast_duplicates(&self.issues, issues);
                    self.issues.extend(issues);
                }
                let unread = self.compose_file_unread || self.issues.iter().any(|i| i.kind == IssueKind::MissingFile && i.span == Span::default());
                if !fatal && !unread {
                    let at = self.sources.iter().next().map_or(Span::default(), |(id, _)| Span::point(id, 0));
                    let why = match ignored.as_slice() {
                        [] => None,
                        ["version"] => Some("compose ignores `version`"),
                        ["include"] => Some("its `include` brought in nothing"),
                        _ => Some("compose ignores `version`, and `include` brought in nothing"),
                    };
                    let issue = match why {
                        Some(why) => Issue::error(IssueKind::InvalidTopLevel, at, format!("the compose file defines nothing: {why}")).with_help("add the `services` to run"),
                        None => Issue::error(IssueKind::InvalidTopLevel, at, "the compose file is empty".into()),
                    };
                    self.issues.push(issue);
                }
            }
        }
        crate::issue::drop_explained_missing_keys(&mut self.issues, &[]);
        project.sources = self.sources;
        project.issues = self.issues;
        project.provenance = self.provenance;
        project.env_file_variables = self.env_file_variables;
        project.own_files = self.own_files;
        project.stack_prefixes = self.stack_prefixes;
        project
    }
}

/// Reads the typed model from the merged tree, with the issues found on the way.
///
/// The rest of the model first, with an empty mapping in place of `services`, then the services
/// one at a time (with the `parallel` feature, a project with many services has them read on
/// every core). The issues come in the order of a one-pass read; unlike it, a service that cannot
/// be read (`web: just a string`) does not empty the map: the others are read and checked too
/// (`tests/parallel_services.rs`).
pub(crate) fn read_model(root: &mut Node) -> (Option<Compose>, Vec<Issue>) {
    drop_ignored_include(root);
    if let Some((at, services)) = take_services(root) {
        let rec = Recorder::new();
        let compose = from_node::<Compose>(root, &rec);
        let (mut issues, services_at) = rec.into_issues_and_services_at();
        let compose = compose.map(|mut compose| {
            let (read, found) = crate::de::read_services(&services);
            compose.services = read;
            let at = services_at.unwrap_or(issues.len()).min(issues.len());
            issues.splice(at..at, found);
            compose
        });
        if let Some((_, node)) = root.as_map_mut().and_then(|m| m.entries.get_mut(at)) {
            node.value = Value::Map(services);
        }
        return (compose, issues);
    }
    let rec = Recorder::new();
    let compose = from_node::<Compose>(root, &rec);
    (compose, rec.into_issues())
}

/// The model read's issues less the nulls that stand for values interpolation could not cast:
/// those are reported already, among `earlier`, with the type they were written as (a ulimit
/// `"1024:2048"` is not said to be `null` where an integer or a mapping was wanted).
pub fn without_cast_duplicates(earlier: &[Issue], issues: Vec<Issue>) -> Vec<Issue> {
    let cast_failed: crate::HashSet<Span> = earlier.iter().filter(|i| i.kind == IssueKind::InvalidType).map(|i| i.span).collect();
    let about_null = |i: &Issue| i.message.ends_with("must not be null") || i.message.ends_with(", found null");
    // a value of a file read for `extends` that compose refuses as it reads that file is reported
    // there, once, not again for each service that inherits it
    let read_for_extends: crate::HashSet<Span> =
        earlier.iter().filter(|i| i.kind == IssueKind::InvalidType && i.is_read_for_extends()).map(|i| i.span).collect();
    issues
        .into_iter()
        .filter(|i| !(i.kind == IssueKind::InvalidType && (about_null(i) && cast_failed.contains(&i.span) || read_for_extends.contains(&i.span))))
        .collect()
}

/// How many merged prefixes of a stack of files (or documents) get the model read of their own.
const STACK_PREFIXES_CHECKED: usize = 8;

/// compose reads `include` before it validates the file, without the schema: a null entry, and a
/// null value or an unknown key in an entry, are ignored. They are dropped before the model read,
/// which would report them.
fn drop_ignored_include(root: &mut Node) {
    let Some(Value::Seq(items)) = root.as_map_mut().and_then(|m| m.get_mut("include")).map(|n| &mut n.value) else { return };
    items.retain(|item| !matches!(item.value, Value::Null));
    for item in items.iter_mut() {
        if let Value::Map(m) = &mut item.value {
            m.entries.retain(|(k, v)| matches!(k.name.as_str(), "path" | "env_file" | "project_directory") && !matches!(v.value, Value::Null));
        }
    }
}

/// Takes the top-level `services` mapping out of the tree, leaving an empty mapping in its
/// place; gives its place among the top-level keys and the mapping.
fn take_services(root: &mut Node) -> Option<(usize, yaml::Mapping)> {
    let map = root.as_map_mut()?;
    let at = map.entries.iter().position(|(k, _)| k.name == "services")?;
    let Value::Map(services) = &mut map.entries.get_mut(at)?.1.value else { return None };
    Some((at, std::mem::take(services)))
}

fn describe(n: &Node) -> &'static str {
    match n.value {
        Value::Null => "an empty document",
        Value::Seq(_) => "a sequence",
        _ => "a scalar",
    }
}

/// Merges a later YAML document of the same file into the earlier ones, with compose's merge
/// rules.
pub fn merge_documents(base: Node, over: Node) -> Node {
    let mut issues = Vec::new();
    let mut provenance = Provenance::default();
    Merger::new(&mut issues, &mut provenance).merge_root(base, over)
}

#[cfg(test)]
mod tests {
    use super::{normalize_path, resolve_segments};

    /// Every path of up to six characters from `a`, `.` and `/`: the shortcut for normal paths
    /// gives what the segment walk gives.
    #[test]
    fn normal_paths_are_kept_as_the_segment_walk_keeps_them() {
        let mut paths = vec![String::new()];
        for _ in 0..6 {
            let longer: Vec<String> = paths.iter().flat_map(|p| ["a", ".", "/"].map(|c| format!("{p}{c}"))).collect();
            paths.extend(longer);
        }
        paths.sort();
        paths.dedup();
        for p in &paths {
            assert_eq!(normalize_path(p), resolve_segments(p), "{p:?}");
        }
        assert_eq!(normalize_path("/var/run/docker.sock"), "/var/run/docker.sock");
        assert_eq!(normalize_path("./data/../x/"), "x");
        assert_eq!(normalize_path("/../a//b/./c/.."), "/a/b");
        assert_eq!(normalize_path("../a"), "../a");
        assert_eq!(normalize_path(""), ".");
    }

    /// A file that many services extend is reported as it was read once: a problem of its text
    /// (a duplicate key) once, however many `extends` copy its services, and what reading it
    /// finds (an unset variable) with every read, as before the copies.
    #[test]
    fn a_file_extended_many_times_reports_its_text_once() {
        use super::{load_project, MemoryFiles, ProjectOptions};
        use crate::issue::IssueKind;
        use std::fmt::Write as _;
        let base = "services:\n  base:\n    image: nginx:1.27\n    image: nginx:1.28\n    command: echo $UNSET_X\n";
        let main = (1..=4).fold(String::new(), |mut s, i| {
            let _ = writeln!(s, "  s{i}:\n    extends: {{ file: base.yaml, service: base }}");
            s
        });
        let files = MemoryFiles(
            [("/w/compose.yaml".to_string(), format!("services:\n{main}")), ("/w/base.yaml".to_string(), base.to_string())].into_iter().collect(),
        );
        let options = ProjectOptions { files: vec!["compose.yaml".into()], cwd: "/w".into(), ..ProjectOptions::default() };
        let project = load_project(&options, &files);
        let count = |kind: IssueKind| project.issues.iter().filter(|i| i.kind == kind).count();
        assert_eq!(count(IssueKind::DuplicateKey), 1, "{:#?}", project.issues);
        assert_eq!(count(IssueKind::UnsetVariable), 4, "{:#?}", project.issues);
    }
}
