//! The project options of the command line, as docker compose takes them: `-f` stacking,
//! `--project-directory`, `--env-file`, `--profile`, `--all-profiles`, `-p`, and the
//! `config` command that prints the resolved project.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

use composeguard::os_fs::OsFileSystem;
use composeguard_model::config_output::{to_json_string, to_yaml_string};
use composeguard_model::project::{FileSystem, Project, ProjectOptions};
use composeguard_model::yaml::Limits;
use composeguard_model::Severity;

use crate::stdin::{WithStdin, STDIN};

/// `-` as a path of the command line.
static STDIN_PATH: std::sync::LazyLock<PathBuf> = std::sync::LazyLock::new(|| PathBuf::from(STDIN));

/// How to find and load the project.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct ProjectArgs {
    /// Stack files into one project, as `docker compose -f A -f B`.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The project folder: relative paths are resolved from it, and `.env` is read there
    /// (default: the first file's folder).
    #[arg(long = "project-directory", value_name = "DIR")]
    pub project_directory: Option<PathBuf>,
    /// Env file for interpolation, read instead of `.env` (repeatable).
    #[arg(long = "env-file", value_name = "FILE")]
    pub env_files: Vec<PathBuf>,
    /// Activate a profile (repeatable; default: `COMPOSE_PROFILES`).
    #[arg(long = "profile", value_name = "PROFILE")]
    pub profiles: Vec<String>,
    /// Enable every profile (`--profile '*'`), for compose's checks too.
    #[arg(long = "all-profiles")]
    pub all_profiles: bool,
    /// The project name (default: `COMPOSE_PROJECT_NAME`, `name:`, or the folder's name).
    #[arg(short = 'p', long = "project-name", value_name = "NAME")]
    pub project_name: Option<String>,
    /// Largest compose file read, in bytes or with a unit: `16m`, `512k`, `1g` (default 64m).
    #[arg(long = "max-file-size", value_parser = parse_size, value_name = "SIZE")]
    pub max_file_size: Option<usize>,
    /// Deepest nesting of lists and mappings accepted (default 200, at most 5000).
    #[arg(long = "max-depth", value_parser = parse_depth, value_name = "LEVELS")]
    pub max_depth: Option<usize>,
    /// Most nodes alias expansion may create in one file, against alias bombs (default 1000000).
    #[arg(long = "max-alias-nodes", value_name = "NODES")]
    pub max_alias_nodes: Option<usize>,
    /// The file that `-` (standard input) stands for: findings show this path, and `.env` and
    /// the configuration are found from its folder. Alone, it reads the file from standard input.
    #[arg(long = "stdin-filename", value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
}

/// `16m`, `512k`, `1g`, `1024` (bytes); units are powers of 1024.
/// The deepest `--max-depth`: reading, checking and printing a tree take stack in proportion to
/// its depth, and the threads of a run have room for this much (`parallel::with_stack_for`).
pub const MAX_DEPTH_CEILING: usize = 5000;

fn parse_depth(text: &str) -> Result<usize, String> {
    let n: usize = text.trim().parse().map_err(|_| format!("`{text}` is not a number of levels"))?;
    if n == 0 || n > MAX_DEPTH_CEILING {
        return Err(format!("{n} levels: give 1 to {MAX_DEPTH_CEILING} (deeper nesting would exhaust the stack)"));
    }
    Ok(n)
}

fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (number, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let scale: usize = match unit {
        "" => 1,
        "k" | "ki" => 1 << 10,
        "m" | "mi" => 1 << 20,
        "g" | "gi" => 1 << 30,
        _ => return Err(format!("`{text}` is not a size (such as 1048576, 512k, 16m, 1g)")),
    };
    number
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(|| format!("`{text}` is not a size (such as 1048576, 512k, 16m, 1g)"))
}

fn path_text(p: &Path) -> String {
    p.to_string_lossy().to_string()
}

impl ProjectArgs {
    /// The loader's options for these arguments and the given files (the `-f` files when empty),
    /// given the current folder and the environment.
    fn options_in(&self, files: &[PathBuf], cwd: String, env: composeguard_model::Environment) -> ProjectOptions {
        let files = if files.is_empty() { &self.files } else { files };
        let stdin = self.stdin_name();
        let shown = |f: &PathBuf| if f.as_os_str() == STDIN { stdin.clone() } else { path_text(f) };
        let mut profiles = self.profiles.clone();
        if self.all_profiles {
            profiles = vec!["*".to_string()];
        }
        ProjectOptions {
            files: files.iter().map(shown).collect(),
            cwd,
            project_directory: self.project_directory.as_deref().map(path_text),
            env_files: self.env_files.iter().map(|f| path_text(f)).collect(),
            env,
            profiles,
            project_name: self.project_name.clone(),
            limits: self.limits(),
        }
    }

    /// The input limits, the defaults changed by `--max-*`.
    pub fn limits(&self) -> Limits {
        let mut limits = Limits::default();
        if let Some(n) = self.max_file_size {
            limits.max_file_bytes = n;
        }
        if let Some(n) = self.max_depth {
            limits.max_depth = n;
        }
        if let Some(n) = self.max_alias_nodes {
            limits.max_alias_nodes = n;
        }
        limits
    }

    /// The name the compose text of standard input goes by: `--stdin-filename`, else `-`.
    pub fn stdin_name(&self) -> String {
        self.stdin_filename.as_deref().map_or_else(|| STDIN.to_string(), path_text)
    }

    /// The projects of `plan`, read through `fs`. `Err` for what compose refuses before reading
    /// any file.
    fn projects(&self, plan: &Plan<'_>, fs: &dyn FileSystem) -> Result<Vec<Project>, String> {
        let stdin = self.stdin_name();
        (0..plan.len())
            .map(|i| composeguard::disk::load_project_owned_with(plan.options(i), fs, Some(&stdin)).map_err(|e| e.to_string()))
            .collect()
    }

    /// The projects to check, each made into its loader's options only when asked for: each
    /// `PATH` on its own (a folder: every project under it), or the `-f` files stacked, or the
    /// project docker compose would find. `--stdin-filename` alone checks standard input.
    pub fn plan<'a>(&'a self, paths: &'a [PathBuf]) -> Plan<'a> {
        let mut sets: Vec<Cow<'a, [PathBuf]>> = Vec::with_capacity(paths.len());
        let mut empty_folders = Vec::new();
        for path in paths {
            if path.as_os_str() != STDIN && path.is_dir() {
                let found = crate::folders::projects_under(path);
                if found.is_empty() {
                    empty_folders.push(path.as_path());
                }
                sets.extend(found.into_iter().map(Cow::Owned));
            } else {
                sets.push(Cow::Borrowed(std::slice::from_ref(path)));
            }
        }
        if !self.files.is_empty() || paths.is_empty() {
            sets.push(Cow::Borrowed(if self.files.is_empty() && self.stdin_filename.is_some() { std::slice::from_ref(&STDIN_PATH) } else { &self.files }));
        }
        // a project named twice (`check . compose.yaml`, `check a.yaml ./a.yaml`) is checked
        // once, where it first comes, as ruff checks a file given twice once
        let current = std::env::current_dir().ok();
        let mut seen = std::collections::HashSet::new();
        sets.retain(|set| seen.insert(set.iter().map(|f| same_file_key(f, current.as_deref())).collect::<Vec<_>>()));
        // read once and shared by the projects: with many files, reading it was a twentieth of
        // the run, and copying it for each project an eighth (150 variables, as on a CI runner)
        let cwd = current.as_deref().map(path_text).unwrap_or_default();
        let env: std::sync::Arc<indexmap::IndexMap<String, String>> = std::sync::Arc::new(std::env::vars().collect());
        Plan { args: self, sets, empty_folders, cwd, env }
    }
}

/// What tells two paths of the same file apart from others: the path made absolute from
/// `cwd`, without its `.` components (standard input is `-`). Without asking the file system:
/// resolving links (`canonicalize`) read every component of every path, about seven system
/// calls a path before the first project was read; a file reached through two different links
/// is checked twice.
fn same_file_key(path: &Path, cwd: Option<&Path>) -> PathBuf {
    if path.as_os_str() == STDIN {
        return path.to_path_buf();
    }
    let absolute = match cwd {
        Some(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    // (`..` stays: after a link, it is not the folder the text names)
    absolute.components().filter(|part| *part != std::path::Component::CurDir).collect()
}

/// The projects of a run: the files of each, and what their options share (the current folder
/// and the environment, read once).
pub struct Plan<'a> {
    args: &'a ProjectArgs,
    sets: Vec<Cow<'a, [PathBuf]>>,
    /// The folders given that hold no compose file.
    pub empty_folders: Vec<&'a Path>,
    cwd: String,
    env: std::sync::Arc<indexmap::IndexMap<String, String>>,
}

impl Plan<'_> {
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    /// The current folder, read once for the run.
    pub fn cwd(&self) -> &str {
        &self.cwd
    }

    /// Whether a project has `-` (standard input) among its files.
    pub fn reads_stdin(&self) -> bool {
        self.sets.iter().any(|set| set.iter().any(|f| f.as_os_str() == STDIN))
    }

    /// The file system the projects are read from: the disk, and standard input's text when a
    /// project has `-` among its files (read here, once, however many projects name it).
    pub fn file_system(&self) -> Result<Box<dyn FileSystem>, String> {
        if !self.reads_stdin() {
            return Ok(Box::new(OsFileSystem));
        }
        let max = self.args.limits().max_file_bytes;
        Ok(Box::new(WithStdin::read(&self.args.stdin_name(), &self.cwd, max)?))
    }

    /// The compose files of the `i`th project (none: found as docker compose finds them).
    fn files(&self, i: usize) -> &[PathBuf] {
        self.sets.get(i).map(AsRef::as_ref).unwrap_or_default()
    }

    /// Whether the `i`th project's compose file was found by its name (in a folder given, or
    /// where docker compose looks without `-f`), not named on the command line or by
    /// `COMPOSE_FILE`.
    pub fn found_by_name(&self, i: usize) -> bool {
        match self.sets.get(i) {
            Some(Cow::Owned(_)) => true,
            Some(Cow::Borrowed(set)) => set.is_empty() && !self.env.contains_key("COMPOSE_FILE"),
            None => false,
        }
    }

    /// Why the `i`th project cannot be loaded before reading anything: a path of it that is not
    /// UTF-8 text (the loader reads paths as text, and one made readable by replacing its bytes
    /// would name another file, or none).
    pub fn unusable(&self, i: usize) -> Option<String> {
        let args = self.args;
        let files = self.files(i);
        let mut paths = files.iter().chain(&args.env_files).chain(&args.project_directory).chain(&args.stdin_filename);
        paths.find(|p| p.to_str().is_none()).map(|p| format!("cannot read {}: the path is not UTF-8 text, which composeguard needs (rename it)", p.display()))
    }

    /// A hint for a path of the `i`th project that is missing and looks like a pattern
    /// (`'*.yaml'` quoted, or where no shell expands it): composeguard does not expand patterns.
    pub fn pattern_hint(&self, i: usize) -> Option<&'static str> {
        let files = self.files(i);
        let pattern = |p: &&PathBuf| p.to_str().is_some_and(|t| t.contains(['*', '?', '['])) && !p.exists();
        files.iter().any(|p| pattern(&p)).then_some(" (composeguard does not expand patterns such as `*.yaml`: let the shell expand them, or give a folder)")
    }

    /// The loader's options of the `i`th project (each sharing the environment, under which
    /// loading keeps the variables the project sets itself).
    pub fn options(&self, i: usize) -> ProjectOptions {
        self.args.options_in(self.files(i), self.cwd.clone(), composeguard_model::Environment::shared(std::sync::Arc::clone(&self.env)))
    }
}

/// `composeguard config`.
#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("only").multiple(false)))]
pub struct ConfigArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Output format: yaml, json.
    #[arg(long, default_value = "yaml")]
    pub format: String,
    /// Only validate: print nothing, exit 1 when compose would reject the project.
    #[arg(short = 'q', long, group = "only")]
    pub quiet: bool,
    /// Print the active services' names, one per line, each after the services it depends on.
    #[arg(long, group = "only")]
    pub services: bool,
    /// Print the names of the volumes the project uses, one per line.
    #[arg(long, group = "only")]
    pub volumes: bool,
    /// Print the names of the networks the project uses, one per line.
    #[arg(long, group = "only")]
    pub networks: bool,
    /// Print every profile the services name, one per line.
    #[arg(long = "profiles", id = "list_profiles", group = "only")]
    pub list_profiles: bool,
    /// Print the image of each active service (`PROJECT-SERVICE` for one built without a name).
    #[arg(long, group = "only")]
    pub images: bool,
}

impl ConfigArgs {
    /// The list asked for instead of the whole project, if any.
    fn listing(&self) -> Option<Listing> {
        [
            (self.services, Listing::Services),
            (self.volumes, Listing::Volumes),
            (self.networks, Listing::Networks),
            (self.list_profiles, Listing::Profiles),
            (self.images, Listing::Images),
        ]
        .into_iter()
        .find_map(|(asked, listing)| asked.then_some(listing))
    }
}

/// The lists `docker compose config` prints instead of the project.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Listing {
    Services,
    Volumes,
    Networks,
    Profiles,
    Images,
}

/// The lines of `listing` for a project that compose accepts. (compose prints the volumes,
/// networks and images in an order that changes from run to run; here they come in the order
/// of `config`'s output, and the images in the order of the services.)
fn list(project: &Project, fs: &dyn FileSystem, listing: Listing) -> Vec<String> {
    let doc = || composeguard_model::config_output::to_json(project, fs);
    let keys = |doc: &serde_json::Value, section: &str| doc.get(section).and_then(serde_json::Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
    match listing {
        // every service's, active or not
        Listing::Profiles => {
            let mut profiles: Vec<String> = project.compose.services.values().flat_map(|s| s.profiles.iter().map(|p| p.value.clone())).collect();
            profiles.sort();
            profiles.dedup();
            profiles
        }
        Listing::Volumes => keys(&doc(), "volumes"),
        Listing::Networks => keys(&doc(), "networks"),
        Listing::Services => dependency_order(doc().get("services").and_then(serde_json::Value::as_object)),
        Listing::Images => {
            let doc = doc();
            let services = doc.get("services").and_then(serde_json::Value::as_object);
            let name = doc.get("name").and_then(serde_json::Value::as_str).unwrap_or_default();
            dependency_order(services)
                .iter()
                .map(|s| {
                    let image = services.and_then(|m| m.get(s)).and_then(|v| v.get("image")).and_then(serde_json::Value::as_str);
                    image.map_or_else(|| format!("{name}-{s}"), str::to_string)
                })
                .collect()
        }
    }
}

/// The services of `config`'s output, each after those it depends on (ties by name, as the
/// output has them).
fn dependency_order(services: Option<&serde_json::Map<String, serde_json::Value>>) -> Vec<String> {
    let Some(services) = services else { return Vec::new() };
    let deps = |s: &serde_json::Value| -> Vec<String> { s.get("depends_on").and_then(serde_json::Value::as_object).map(|d| d.keys().cloned().collect()).unwrap_or_default() };
    let mut order: Vec<String> = Vec::with_capacity(services.len());
    let mut placed: std::collections::HashSet<&str> = std::collections::HashSet::new();
    while order.len() < services.len() {
        let before = order.len();
        for (name, service) in services {
            if !placed.contains(name.as_str()) && deps(service).iter().all(|d| placed.contains(d.as_str()) || !services.contains_key(d)) {
                placed.insert(name);
                order.push(name.clone());
            }
        }
        if order.len() == before {
            // a cycle (compose refuses the project before this): the rest in name order
            order.extend(services.keys().filter(|n| !placed.contains(n.as_str())).cloned());
            break;
        }
    }
    order
}

/// Prints the resolved project; errors (what compose would reject) go to stderr. The exit code:
/// 0, 1 when compose would reject the project, 2 for a usage or I/O error.
pub fn config(args: &ConfigArgs) -> u8 {
    if !matches!(args.format.as_str(), "yaml" | "json") {
        eprintln!("composeguard: unknown format `{}` (expected yaml or json)", args.format);
        return 2;
    }
    let plan = args.project.plan(&[]);
    let fs = match plan.file_system() {
        Ok(fs) => fs,
        Err(e) => {
            eprintln!("composeguard: {e}");
            return 2;
        }
    };
    let fs = fs.as_ref();
    if let Some(e) = (0..plan.len()).find_map(|i| plan.unusable(i)) {
        eprintln!("composeguard: {e}");
        return 2;
    }
    let projects = match args.project.projects(&plan, fs) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("composeguard: {e}");
            return 2;
        }
    };
    let mut code = 0;
    let count = projects.len();
    for (i, project) in projects.into_iter().enumerate() {
        let errors = spec_errors(&project, fs);
        if !errors.is_empty() {
            for e in errors.iter().take(20) {
                eprintln!("{e}");
            }
            if errors.len() > 20 {
                eprintln!("… and {} more errors (see `composeguard check`)", errors.len() - 20);
            }
            code = 1;
            continue;
        }
        if args.quiet {
            continue;
        }
        let mut stdout = std::io::stdout().lock();
        if let Some(listing) = args.listing() {
            for line in list(&project, fs, listing) {
                let _ = writeln!(stdout, "{line}");
            }
            continue;
        }
        let text = if args.format == "json" { to_json_string(&project, fs) } else { to_yaml_string(&project, fs) };
        let _ = stdout.write_all(text.as_bytes());
        // docker compose ends its JSON without a newline; several projects go one per line
        if !text.ends_with('\n') && i + 1 < count {
            let _ = stdout.write_all(b"\n");
        }
    }
    code
}

/// The spec errors of a project, as `file:line:column: message` lines.
fn spec_errors(project: &Project, fs: &dyn FileSystem) -> Vec<String> {
    let options = composeguard::lint::LintOptions::default();
    let report = composeguard::lint::lint_loaded(project, &options, fs);
    report
        .diagnostics()
        .filter(|d| d.category == composeguard::Category::Spec && d.severity == Severity::Error)
        .map(|d| format!("{}:{}:{}: {}", d.file, d.start.line, d.start.column, d.message))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("512k"), Ok(512 * 1024));
        assert_eq!(parse_size("16M"), Ok(16 * 1024 * 1024));
        assert_eq!(parse_size("1gb"), Ok(1024 * 1024 * 1024));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("1t").is_err());
        assert!(parse_size("99999999999999999999g").is_err());
    }
}
