//! The configuration file: `composeguard.toml`, or `[tool.composeguard]` in `pyproject.toml`.
//!
//! ```toml
//! select = ["style", "image-major-version-tag"]   # rules to run besides the defaults
//! ignore = ["CG505"]                              # rules not to run
//! fail-on = "warning"                             # exit 1 from this severity up
//!
//! [severity]                                      # severity per rule or category
//! image-floating-tag = "error"
//!
//! [[waiver]]                                      # a finding accepted for one service
//! rule = "privileged"
//! service = "dind"
//! reason = "docker-in-docker for the CI runners"
//! ```
//!
//! The file is found from the compose file's folder upwards ([`discover`]); in each folder
//! `composeguard.toml` wins over `pyproject.toml`, and a `pyproject.toml` without
//! `[tool.composeguard]` does not count. Unknown keys and unknown rule names are errors, and so
//! is a waiver without a reason: a configuration that does not say what it means is refused
//! rather than half applied.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use composeguard_model::project::{join_path, parent_dir, FileSystem};

use crate::diagnostic::{Category, Diagnostic, Severity, Suppression};
use crate::rule::RuleMeta;

/// File names looked for in each folder, in order.
pub const FILE_NAMES: [&str; 2] = ["composeguard.toml", "pyproject.toml"];

/// A severity as written in the configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl From<Level> for Severity {
    fn from(level: Level) -> Self {
        match level {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Info => Severity::Info,
        }
    }
}

/// A finding accepted on purpose: it stays in the report, marked suppressed with the reason.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The rule, by name or code.
    pub rule: String,
    /// The service the waiver applies to; without it, every finding of the rule is waived.
    #[serde(default)]
    pub service: Option<String>,
    /// Why the finding is acceptable (required, not empty).
    pub reason: String,
}

/// composeguard's configuration (`composeguard.toml`, or `[tool.composeguard]` in `pyproject.toml`).
#[derive(Clone, Debug, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(title = "composeguard configuration")]
pub struct Config {
    /// Rules to run besides the defaults: rule names, codes, code prefixes (`CG2`), categories,
    /// or `all`.
    #[serde(default)]
    pub select: Vec<String>,
    /// Rules not to run (same forms as `select`). Where both name a rule, the more precise entry
    /// wins, `ignore` on a tie (`ignore = ["all"]` with `select = ["security"]` runs the
    /// security rules only).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity by rule name, code or category; a rule's own entry wins over its category's.
    /// Spec rules keep theirs: they say what compose rejects.
    #[serde(default)]
    pub severity: IndexMap<String, Level>,
    /// `composeguard check` exits 1 when a finding is at or above this severity (default
    /// `error`); `--fail-on` overrides it.
    #[serde(default)]
    pub fail_on: Option<Level>,
    /// Findings accepted for a service, each with the reason.
    #[serde(default, rename = "waiver")]
    pub waivers: Vec<Waiver>,
}

/// A configuration that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("cannot read {path}: {reason}")]
    Read { path: String, reason: String },
}

/// A configuration and the file it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedConfig {
    pub path: String,
    pub config: Config,
}

#[derive(Deserialize)]
struct PyProject {
    tool: Option<PyTool>,
}

#[derive(Deserialize)]
struct PyTool {
    /// Read in place (not as a `toml::Value` first), so that an error says where in the file.
    composeguard: Option<Config>,
}

impl Config {
    /// Reads a `composeguard.toml`. `path` is only used in error messages.
    ///
    /// ```
    /// use composeguard::{lint, Config, LintOptions};
    ///
    /// let config = Config::from_toml("composeguard.toml", "[severity]\nimage-floating-tag = \"error\"\n")?;
    /// let options = LintOptions { config: Some(config), ..LintOptions::default() };
    /// let report = lint("compose.yaml", "services:\n  web:\n    image: nginx:latest\n", &options);
    /// assert!(report.has_errors());
    ///
    /// let missing_reason = "[[waiver]]\nrule = \"image-floating-tag\"\nservice = \"web\"\n";
    /// assert!(Config::from_toml("composeguard.toml", missing_reason).is_err());
    /// # Ok::<(), composeguard::config::ConfigError>(())
    /// ```
    pub fn from_toml(path: &str, text: &str) -> Result<Self, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| invalid(path, &e.to_string()))?;
        config.validate(path)?;
        Ok(config)
    }

    /// Reads the `[tool.composeguard]` table of a `pyproject.toml`; `None` when it has none.
    pub fn from_pyproject(path: &str, text: &str) -> Result<Option<Self>, ConfigError> {
        let project: PyProject = toml::from_str(text).map_err(|e| invalid(path, &e.to_string()))?;
        let Some(config) = project.tool.and_then(|t| t.composeguard) else { return Ok(None) };
        config.validate(path)?;
        Ok(Some(config))
    }

    /// Reads a configuration file by its name: `pyproject.toml` (its `[tool.composeguard]`
    /// table), or anything else as a `composeguard.toml`.
    pub fn from_file(path: &str, text: &str) -> Result<Option<Self>, ConfigError> {
        if path.rsplit(['/', '\\']).next() == Some("pyproject.toml") {
            Self::from_pyproject(path, text)
        } else {
            Self::from_toml(path, text).map(Some)
        }
    }

    /// Checks every rule reference and waiver.
    pub fn validate(&self, path: &str) -> Result<(), ConfigError> {
        for (key, entries) in [("select", &self.select), ("ignore", &self.ignore)] {
            for entry in entries {
                if !is_selector(entry) {
                    return Err(unknown_rule(path, key, entry));
                }
            }
        }
        for entry in &self.ignore {
            parse_ignore(entry).map_err(|message| invalid(path, &format!("ignore: {message}")))?;
        }
        for name in self.severity.keys() {
            let is_spec = name == Category::Spec.as_str() || crate::rules::find(name).is_some_and(|m| m.category == Category::Spec);
            if is_spec {
                return Err(invalid(path, &format!("[severity]: `{name}` is a spec rule; spec rules keep their severity (they say what compose rejects)")));
            }
            if crate::rules::find(name).is_none() && Category::parse(name).is_none() {
                return Err(unknown_rule(path, "severity", name));
            }
        }
        for waiver in &self.waivers {
            match crate::rules::find(&waiver.rule) {
                None => return Err(unknown_rule(path, "waiver", &waiver.rule)),
                Some(meta) if meta.is_spec_error() => {
                    return Err(invalid(path, &format!("[[waiver]]: {}", spec_error_message(&waiver.rule).replace("cannot be ignored", "cannot be waived"))));
                }
                Some(_) => {}
            }
            if waiver.reason.trim().is_empty() {
                let on = waiver.service.as_ref().map(|s| format!(" on service `{s}`")).unwrap_or_default();
                return Err(invalid(path, &format!("[[waiver]] of `{}`{on} needs a `reason`", waiver.rule)));
            }
        }
        Ok(())
    }

    /// The severity the configuration gives a rule, if any.
    pub fn severity_of(&self, meta: &RuleMeta) -> Option<Severity> {
        if meta.category == Category::Spec {
            return None;
        }
        let exact = self.severity.iter().find(|(k, _)| k.as_str() == meta.name || k.eq_ignore_ascii_case(meta.code));
        let by_category = || self.severity.get(meta.category.as_str());
        exact.map(|(_, v)| v).or_else(by_category).map(|l| Severity::from(*l))
    }

    /// The waiver that covers a finding of `meta` about `service`, if any.
    pub fn waiver_for(&self, meta: &RuleMeta, service: Option<&str>, path: &str) -> Option<&Waiver> {
        self.waivers.iter().find(|w| {
            let rule = w.rule == meta.name || w.rule.eq_ignore_ascii_case(meta.code);
            let on_service = match &w.service {
                None => true,
                Some(s) => service.map_or_else(|| path_is_in_service(path, s), |svc| svc == s),
            };
            rule && on_service
        })
    }

    /// Marks the diagnostics a waiver covers (`services` gives each diagnostic's service).
    pub fn apply_waivers(&self, diagnostics: &mut [Diagnostic], services: &[Option<String>]) {
        if self.waivers.is_empty() {
            return;
        }
        for (d, service) in diagnostics.iter_mut().zip(services) {
            if d.is_suppressed() || (d.category == Category::Spec && d.severity == Severity::Error) {
                continue;
            }
            let Some(meta) = crate::rules::find(&d.rule) else { continue };
            if let Some(w) = self.waiver_for(meta, service.as_deref(), &d.path) {
                d.suppression = Some(Box::new(Suppression { kind: "config".into(), reason: Some(w.reason.clone()) }));
            }
        }
    }
}

/// Whether `path` (`services.web.ports[0]`) is inside service `service`.
fn path_is_in_service(path: &str, service: &str) -> bool {
    path.strip_prefix("services.").and_then(|rest| rest.strip_prefix(service)).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Whether a `select`/`ignore` entry names something: `all`, a rule name or code, a code prefix
/// (`CG2`), or a category.
pub fn is_selector(entry: &str) -> bool {
    if entry == "all" || Category::parse(entry).is_some() || crate::rules::find(entry).is_some() {
        return true;
    }
    let upper = entry.to_ascii_uppercase();
    upper.len() >= 3 && upper.len() < 5 && upper.starts_with("CG") && crate::rules::all_metas().iter().any(|m| m.code.starts_with(&upper))
}

/// `entry` when it is a selector (see [`is_selector`]); else what is wrong with it, with the
/// rule name or category it is likely a misspelling of.
pub fn parse_selector(entry: &str) -> Result<&str, String> {
    if is_selector(entry) {
        return Ok(entry);
    }
    let names = crate::rules::all_metas().into_iter().map(|m| m.name).chain(Category::ALL.iter().map(|c| c.as_str()));
    let suggestion = similar_name(entry, names).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
    Err(format!("`{entry}` is not a rule name, code, code prefix or category{suggestion}"))
}

/// An `ignore` entry, checked as [`parse_selector`] checks it; an entry that names only spec
/// error rules (`unknown-key`, `CG006`, `CG00`) is refused too: those say what docker compose
/// rejects, so they always run. A wider entry (`spec`, `all`, `CG0`) ignores the others it names.
pub fn parse_ignore(entry: &str) -> Result<&str, String> {
    let entry = parse_selector(entry)?;
    let selection = crate::rules::Selection::new(&[], &[entry.to_string()]);
    let metas = crate::rules::all_metas();
    let mut named = metas.iter().filter(|m| selection.names(m)).peekable();
    if named.peek().is_some() && named.all(|m| m.is_spec_error()) {
        return Err(spec_error_message(entry));
    }
    Ok(entry)
}

/// Why a spec error rule cannot be ignored, waived or suppressed.
pub fn spec_error_message(entry: &str) -> String {
    format!("`{entry}` names spec errors only, and what docker compose rejects cannot be ignored (if compose accepts the file, please report it as a composeguard bug)")
}

/// The rule name that `word` is likely a misspelling of (`privilegd`: `privileged`).
pub fn similar_rule_name(word: &str) -> Option<&'static str> {
    similar_name(word, crate::rules::all_metas().into_iter().map(|m| m.name))
}

/// The rule name (or category) among `names` that `word` is likely a misspelling of. Rule names
/// are kebab-case, which the key matcher reads as snake case, so both sides are read so.
pub(crate) fn similar_name(word: &str, names: impl Iterator<Item = &'static str>) -> Option<&'static str> {
    // (a name is short: a long word is no misspelling of one, and is not compared at length)
    if word.len() > 64 {
        return None;
    }
    let names: Vec<&'static str> = names.collect();
    let snake: Vec<String> = names.iter().map(|n| n.replace('-', "_")).collect();
    let found = composeguard_model::de::did_you_mean(word, snake.iter().map(String::as_str))?;
    snake.iter().position(|s| s == found).and_then(|i| names.get(i).copied())
}

fn invalid(path: &str, message: &str) -> ConfigError {
    ConfigError::Invalid { path: path.to_string(), message: message.trim_end().to_string() }
}

fn unknown_rule(path: &str, key: &str, name: &str) -> ConfigError {
    let suggestion = similar_name(name, crate::rules::all_metas().into_iter().map(|m| m.name)).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
    invalid(path, &format!("{key}: unknown rule `{name}`{suggestion}"))
}

/// Finds the configuration for a compose file in `start_dir`: the first folder, going up, with
/// a `composeguard.toml` or a `pyproject.toml` that has `[tool.composeguard]`. Give an absolute
/// folder to search up to the root; a relative one is searched up to its first component.
pub fn discover(start_dir: &str, fs: &dyn FileSystem) -> Result<Option<LoadedConfig>, ConfigError> {
    discover_with(start_dir, fs, &ConfigCache::default())
}

/// What [`discover`] found for each folder searched, for a run that checks many files: folders
/// they share (the repository's root and its parents) are then searched once.
#[derive(Debug, Default)]
pub struct ConfigCache(std::sync::Mutex<std::collections::HashMap<String, Option<LoadedConfig>>>);

impl ConfigCache {
    #[allow(clippy::option_option)] // not searched yet, or searched: with a configuration or none
    fn get(&self, dir: &str) -> Option<Option<LoadedConfig>> {
        self.0.lock().ok()?.get(dir).cloned()
    }

    fn put(&self, dirs: Vec<String>, found: Option<&LoadedConfig>) {
        if let Ok(mut map) = self.0.lock() {
            for dir in dirs {
                map.insert(dir, found.cloned());
            }
        }
    }
}

/// [`discover`], remembering in `cache` what each folder on the way resolved to.
pub fn discover_with(start_dir: &str, fs: &dyn FileSystem, cache: &ConfigCache) -> Result<Option<LoadedConfig>, ConfigError> {
    let mut dir = if start_dir.is_empty() { ".".to_string() } else { start_dir.to_string() };
    let mut searched = Vec::new();
    let found = loop {
        if let Some(known) = cache.get(&dir) {
            break known;
        }
        if let Some(config) = config_in(&dir, fs)? {
            searched.push(dir);
            break Some(config);
        }
        let parent = parent_dir(&dir);
        let last = parent == dir || dir == ".";
        searched.push(dir);
        if last {
            break None;
        }
        dir = parent;
    };
    cache.put(searched, found.as_ref());
    Ok(found)
}

/// The configuration file in `dir` itself, if it has one.
fn config_in(dir: &str, fs: &dyn FileSystem) -> Result<Option<LoadedConfig>, ConfigError> {
    for name in FILE_NAMES {
        let path = join_path(dir, name);
        let Some(read) = fs.read_if_file(&path) else { continue };
        let text = read.map_err(|reason| ConfigError::Read { path: path.clone(), reason })?;
        if let Some(config) = Config::from_file(&path, &text)? {
            return Ok(Some(LoadedConfig { path, config }));
        }
    }
    Ok(None)
}

/// The level `composeguard check` fails at under `config`: its `fail-on`, else `error`.
pub fn fail_level(config: Option<&Config>) -> Severity {
    config.and_then(|c| c.fail_on).map_or(Severity::Error, Severity::from)
}

/// Reads the configuration file the user named (`--config`).
pub fn load(path: &str, fs: &dyn FileSystem) -> Result<LoadedConfig, ConfigError> {
    // (the file system's reason names the path too: `cannot read x.toml: no such file`)
    let text = fs.read(path).map_err(|reason| {
        let reason = reason.strip_prefix(path).and_then(|r| r.strip_prefix(": ")).map_or_else(|| reason.clone(), str::to_string);
        ConfigError::Read { path: path.to_string(), reason }
    })?;
    match Config::from_file(path, &text)? {
        Some(config) => Ok(LoadedConfig { path: path.to_string(), config }),
        None => Err(invalid(path, "has no [tool.composeguard] table")),
    }
}

/// The JSON Schema of the configuration file.
pub fn schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<Config>();
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("$id".into(), "https://composeguard.dev/schemas/config.schema.json".into());
    }
    value
}

/// [`schema`] as pretty JSON.
pub fn schema_json() -> String {
    serde_json::to_string_pretty(&schema()).unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use composeguard_model::project::MemoryFiles;

    #[test]
    fn reads_every_key() {
        let text = "select = [\"style\", \"CG5\"]\nignore = [\"missing-project-name\"]\nfail-on = \"warning\"\n[severity]\nimage-floating-tag = \"error\"\nstyle = \"warning\"\n[[waiver]]\nrule = \"image-without-tag\"\nservice = \"dev\"\nreason = \"local only\"\n";
        let c = Config::from_toml("composeguard.toml", text).unwrap();
        assert_eq!(c.select, ["style", "CG5"]);
        assert_eq!(c.fail_on, Some(Level::Warning));
        assert_eq!(c.waivers.len(), 1);
        let floating = crate::rules::find("image-floating-tag").unwrap();
        assert_eq!(c.severity_of(floating), Some(Severity::Error));
        let sorted = crate::rules::find("unsorted-services").unwrap();
        assert_eq!(c.severity_of(sorted), Some(Severity::Warning));
    }

    #[test]
    fn refuses_what_it_does_not_understand() {
        let err = |t: &str| Config::from_toml("c.toml", t).unwrap_err().to_string();
        assert!(err("selct = []").contains("unknown field"), "{}", err("selct = []"));
        assert!(err("select = [\"image-floating-tags\"]").contains("did you mean `image-floating-tag`"));
        assert!(err("[[waiver]]\nrule = \"image-without-tag\"\nservice = \"x\"\n").contains("reason"));
        assert!(err("[[waiver]]\nrule = \"image-without-tag\"\nreason = \"  \"\n").contains("needs a `reason`"));
        assert!(err("[severity]\nunknown-key = \"info\"\n").contains("spec rule"));
        // what compose rejects cannot be ignored or waived ...
        for ignore in ["unknown-key", "CG006", "CG00"] {
            assert!(err(&format!("ignore = [\"{ignore}\"]\n")).contains("names spec errors only"), "{ignore}");
        }
        assert!(err("[[waiver]]\nrule = \"invalid-value\"\nreason = \"x\"\n").contains("cannot be waived"));
        // ... but an entry that also names other rules, or a spec warning, can be
        for ignore in ["spec", "all", "CG0", "CG01", "unset-variable"] {
            assert!(Config::from_toml("composeguard.toml", &format!("ignore = [\"{ignore}\"]\n")).is_ok(), "{ignore}");
        }
        assert!(err("fail-on = \"fatal\"").contains("fail-on") || err("fail-on = \"fatal\"").contains("unknown variant"));
    }

    /// An error in `[tool.composeguard]` says where in `pyproject.toml` (before, only the
    /// message: `[tool.composeguard]: invalid type: string "privileged", expected a sequence`),
    /// and a configuration file that cannot be read is named once, in plain words.
    #[test]
    fn errors_say_where() {
        let text = "[project]\nname = \"x\"\n[tool.other]\nselect = 1\n[tool.composeguard]\nselect = \"privileged\"\n";
        let err = Config::from_pyproject("pyproject.toml", text).unwrap_err().to_string();
        assert!(err.contains("line 6, column 10") && err.contains("expected a sequence"), "{err}");
        let err = Config::from_pyproject("pyproject.toml", "[tool.composeguard]\nslect = []\n").unwrap_err().to_string();
        assert!(err.contains("line 2, column 1") && err.contains("unknown field `slect`"), "{err}");
        let err = load("/nonexistent-composeguard/x.toml", &crate::os_fs::OsFileSystem).unwrap_err().to_string();
        assert_eq!(err, "cannot read /nonexistent-composeguard/x.toml: no such file");
        let err = load("/", &crate::os_fs::OsFileSystem).unwrap_err().to_string();
        assert_eq!(err, "cannot read /: is a directory");
    }

    #[test]
    fn discovers_upwards_and_skips_pyproject_without_table() {
        let mut files = MemoryFiles::default();
        files.0.insert("/repo/pyproject.toml".into(), "[tool.composeguard]\nignore = [\"style\"]\n".into());
        files.0.insert("/repo/app/pyproject.toml".into(), "[project]\nname = \"x\"\n".into());
        let found = discover("/repo/app/deploy", &files).unwrap().unwrap();
        assert_eq!(found.path, "/repo/pyproject.toml");
        assert_eq!(found.config.ignore, ["style"]);
        files.0.insert("/repo/app/composeguard.toml".into(), "select = [\"all\"]\n".into());
        assert_eq!(discover("/repo/app/deploy", &files).unwrap().unwrap().path, "/repo/app/composeguard.toml");
        assert_eq!(discover("/elsewhere", &files).unwrap(), None);
    }

    /// Counts what the search looks at, to show that a shared cache looks at a folder once.
    struct Counting<'a>(&'a MemoryFiles, std::sync::atomic::AtomicUsize);

    impl FileSystem for Counting<'_> {
        fn read(&self, path: &str) -> Result<String, String> {
            self.0.read(path)
        }
        fn exists(&self, path: &str) -> bool {
            self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.0.exists(path)
        }
    }

    #[test]
    fn a_shared_cache_searches_each_folder_once_and_finds_the_same() {
        let mut files = MemoryFiles::default();
        files.0.insert("/repo/composeguard.toml".into(), "ignore = [\"style\"]\n".into());
        files.0.insert("/repo/b/pyproject.toml".into(), "[tool.composeguard]\nselect = [\"all\"]\n".into());
        let fs = Counting(&files, std::sync::atomic::AtomicUsize::new(0));
        let cache = ConfigCache::default();
        for dir in ["/repo/a/x", "/repo/a/y", "/repo/b/z", "/repo/a/x", "/other/q"] {
            assert_eq!(discover_with(dir, &fs, &cache).unwrap(), discover(dir, &files).unwrap(), "{dir}");
        }
        // both names in /repo/a/x, /repo/a, /repo/a/y, /repo/b/z, /repo/b, /other/q, /other and
        // /, one in /repo (found at once); nothing for the second /repo/a/x
        assert_eq!(fs.1.into_inner(), 2 * 8 + 1);
    }

    #[test]
    fn waivers_match_service_and_path() {
        assert!(path_is_in_service("services.web.ports[0]", "web"));
        assert!(path_is_in_service("services.web", "web"));
        assert!(!path_is_in_service("services.web2.ports", "web"));
    }
}
