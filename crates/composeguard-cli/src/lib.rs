//! `composeguard`: validate and lint Docker Compose files.
//!
//! The command's whole logic, as a library so that the Python package's `composeguard` command
//! runs exactly this code: [`run`] takes the arguments (the first is the program name) and returns
//! the exit code; `main.rs` only calls it.
#![forbid(unsafe_code)]

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use composeguard::baseline::Baseline;
use composeguard::config;
use composeguard::lint::{lint_loaded, LintOptions, Report, Summary};
use composeguard::output::Format;
use composeguard::Severity;
use composeguard::os_fs::OsFileSystem;
use composeguard_model::project::FileSystem;

mod folders;
mod parallel;
mod project_args;
mod stdin;

#[derive(Parser)]
#[command(name = "composeguard", version, about = "Validate Docker Compose files and check them against a production checklist")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
enum Command {
    /// Check compose files: spec errors and checklist findings, at <file:line:column>.
    #[command(after_help = "Exit status: 0 when nothing is at or above --fail-on, 1 when something is, 2 for a usage error, an invalid configuration or a path that cannot be read (2 wins over 1).")]
    Check(CheckArgs),
    /// List the rules.
    Rules {
        /// `human` or `json`.
        #[arg(long, default_value = "human")]
        format: String,
    },
    /// Print a rule's documentation.
    Explain {
        /// Rule name or code.
        rule: String,
    },
    /// Print the JSON Schema of the compose model.
    Schema,
    /// Print the resolved project, as `docker compose config` does.
    Config(project_args::ConfigArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Compose files; each is its own project. A folder is every project under it; `-` is standard
    /// input. Without paths (and without -f), the compose file of the current folder is found as
    /// docker compose finds it.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    project: project_args::ProjectArgs,
    /// Output format: human, json, sarif, github, junit, gitlab.
    #[arg(long, default_value = "human", value_name = "FORMAT")]
    format: String,
    /// Enable rules by name, code, code prefix (`CG2`), category or `all` (repeatable, or
    /// comma-separated).
    #[arg(long, value_delimiter = ',', value_parser = selector, value_name = "RULE")]
    select: Vec<String>,
    /// Disable rules (same forms as --select). Spec errors (what docker compose rejects) cannot
    /// be ignored: an entry that names only such rules is refused, and a wider one (`spec`,
    /// `all`) leaves them on.
    #[arg(long, value_delimiter = ',', value_parser = ignore_selector, value_name = "RULE")]
    ignore: Vec<String>,
    /// Exit 1 when a finding is at or above this severity: error (default), warning, info.
    #[arg(long = "fail-on", value_name = "LEVEL")]
    fail_on: Option<String>,
    /// Exit 0 even when findings fail the run (a report-only run); a usage or I/O error still
    /// exits 2.
    #[arg(long = "exit-zero")]
    exit_zero: bool,
    /// Print the findings only: no summary line, and no notes or warnings on stderr (fixes
    /// applied, baseline written, a folder without compose file). Errors are still printed.
    #[arg(short = 'q', long)]
    quiet: bool,
    /// Print how many findings each rule has instead of the findings (with --format human or
    /// json).
    #[arg(long)]
    statistics: bool,
    /// Configuration file (instead of finding composeguard.toml or pyproject.toml from the
    /// compose file's folder upwards).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Baseline file: written with the current findings when missing; when present, the
    /// findings it lists are suppressed, so only new ones fail.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Colour in the human output: auto (on a terminal, unless `NO_COLOR` is set; `FORCE_COLOR`
    /// turns it on elsewhere), always, never.
    #[arg(long, value_name = "WHEN", default_value = "auto")]
    color: ColorChoice,
    /// Never use colour (same as --color never).
    #[arg(long = "no-color")]
    no_color: bool,
    /// Apply the fixes of fixable findings to the compose files, then report what is left.
    #[arg(long)]
    fix: bool,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl CheckArgs {
    /// Whether the human output is coloured: `--color always` or `never` (and `--no-color`)
    /// decide; with `auto`, `NO_COLOR` (set and not empty) turns it off, `FORCE_COLOR` (or
    /// `CLICOLOR_FORCE`, set, not empty and not `0`) on, and otherwise it is on a terminal only.
    fn color(&self, env: impl Fn(&str) -> Option<OsString>, terminal: bool) -> bool {
        let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
        let forced = |name: &str| env(name).is_some_and(|v| !v.is_empty() && v != "0");
        match (self.no_color, self.color) {
            (true, _) | (_, ColorChoice::Never) => false,
            (false, ColorChoice::Always) => true,
            (false, ColorChoice::Auto) => !set("NO_COLOR") && (forced("FORCE_COLOR") || forced("CLICOLOR_FORCE") || terminal),
        }
    }
}

/// An exit code: 0 success, 1 findings, 2 usage or I/O error (the API of
/// `std::process::ExitCode`, whose number cannot be read back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ExitCode(u8);

impl ExitCode {
    const SUCCESS: Self = Self(0);
    const FAILURE: Self = Self(1);

    /// `check`'s code: 1 when a finding fails the run.
    fn after_check(failed: bool) -> Self {
        if failed { Self::FAILURE } else { Self::SUCCESS }
    }
}

impl From<u8> for ExitCode {
    fn from(code: u8) -> Self {
        Self(code)
    }
}

/// Runs the command with `args` (the first is the program name, as in `std::env::args_os`),
/// writes to stdout and stderr, and returns the exit code.
pub fn run<I, T>(args: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    run_tuned(args, |_| {})
}

/// The shape of a run's work, known once the command line is read: what the binary tunes its
/// allocator to (see `main.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Workload {
    /// Projects `check` checks (each compose file given, or found in a folder given).
    pub projects: usize,
}

/// [`run`], calling `tune` with the run's [`Workload`] before any project is read.
pub fn run_tuned<I, T>(args: I, tune: fn(Workload)) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let code = main_with(args, tune);
    let _ = std::io::stdout().flush();
    code.0
}

fn main_with<I, T>(args: I, tune: fn(Workload)) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check(args) => deep(args.project.limits().max_depth, || check(&args, tune)),
        Command::Rules { format } => rules(&format),
        Command::Explain { rule } => explain(&rule),
        Command::Config(args) => deep(args.project.limits().max_depth, || ExitCode::from(project_args::config(&args))),
        Command::Schema => {
            print_out(&format!("{}\n", composeguard::schema::compose_schema_json()));
            ExitCode::SUCCESS
        }
    }
}

/// Runs a command that reads trees up to `max_depth` deep (see [`parallel::with_stack_for`]).
fn deep(max_depth: usize, command: impl FnOnce() -> ExitCode + Send) -> ExitCode {
    parallel::with_stack_for(max_depth, command).unwrap_or_else(|e| usage_error(&e))
}

/// Writes to standard output, as `check` and `config` do: a reader that stops early
/// (`composeguard rules | head`) closes the pipe, which is not an error (`println!` panics there).
fn print_out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// A `--select` or `--ignore` entry: one that names nothing is a usage error, as in the
/// configuration file (a misspelt rule would otherwise select nothing, silently). Spaces around
/// an entry are dropped (`--select "privileged, no-healthcheck"`).
fn selector(entry: &str) -> Result<String, String> {
    config::parse_selector(entry.trim()).map(str::to_string)
}

/// An `--ignore` entry: as [`selector`], and not one that names only spec error rules.
fn ignore_selector(entry: &str) -> Result<String, String> {
    config::parse_ignore(entry.trim()).map(str::to_string)
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("composeguard: {msg}");
    ExitCode::from(2)
}


fn check(args: &CheckArgs, tune: fn(Workload)) -> ExitCode {
    // over many files, the threads start while the command line is read (without a folder to
    // search first, each path is a project)
    if args.paths.len() > 1 {
        rayon::spawn(|| ());
    }
    let format: Format = match args.format.parse() {
        Ok(f) => f,
        Err(e) => return usage_error(&e),
    };
    if args.statistics && !matches!(format, Format::Human | Format::Json) {
        return usage_error(&format!("--statistics prints a table (--format human) or JSON (--format json), not {}", args.format));
    }
    let fail_on: Option<Severity> = match args.fail_on.as_deref().map(str::parse).transpose() {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let explicit_config = match args.config.as_deref().map(|p| config::load(&p.to_string_lossy(), &OsFileSystem)).transpose() {
        Ok(c) => c,
        Err(e) => return usage_error(&e.to_string()),
    };
    // each project is loaded and linted on its own thread; results in command-line order
    let plan = args.project.plan(&args.paths);
    for folder in plan.empty_folders.iter().filter(|_| !args.quiet) {
        eprintln!("composeguard: no compose file under {} (compose.yaml, compose.yml, docker-compose.yml or docker-compose.yaml)", folder.display());
    }
    if plan.len() == 0 {
        return usage_error("nothing to check: the folders given hold no compose file");
    }
    tune(Workload { projects: plan.len() });
    let fs = match plan.file_system() {
        Ok(fs) => fs,
        Err(e) => return usage_error(&e),
    };
    let checker = Checker {
        plan: &plan,
        fs: fs.as_ref(),
        stdin: args.project.stdin_name(),
        explicit_config,
        configs: config::ConfigCache::default(),
        options: LintOptions {
            select: args.select.clone(),
            ignore: args.ignore.clone(),
            // the columns of every format count characters, as the human output shows them (SARIF
            // and GitHub's count UTF-16 units, as their readers do)
            encoding: composeguard_model::PositionEncoding::CodePoints,
            ..LintOptions::default()
        },
        fail_on,
    };
    if args.fix {
        if plan.reads_stdin() {
            return usage_error("--fix writes the files it fixes, and standard input cannot be written back");
        }
        match fix_files(&checker, args.baseline.as_deref()) {
            Ok((0, _)) => {}
            Ok(_) if args.quiet => {}
            Ok((fixes, files)) => eprintln!("composeguard: fixed {fixes} finding{} in {files} file{}", plural(fixes), plural(files)),
            Err(e) => return usage_error(&e),
        }
    }
    let single = plan.len() == 1;
    let color = format == Format::Human && !args.statistics && args.color(|name| std::env::var_os(name), std::io::stdout().is_terminal());
    // Over many projects, each one's findings are rendered on the thread that checked it, as
    // soon as it is checked (not all at the end, after every project); a baseline needs every
    // report first.
    let render_early = format == Format::Human && args.baseline.is_none() && !single && !args.statistics;
    let projects: Vec<usize> = (0..plan.len()).collect();
    let results = parallel::map_in_order(&projects, |&i| -> Result<(Checked, Option<String>), String> {
        let (project, report, level) = checker.check(i)?;
        let warning = if checker.plan.found_by_name(i) { other_compose_files(&project.files, checker.fs) } else { None };
        if single {
            // the process ends after the output: freeing a big project node by node, on the one
            // thread, was a twentieth of a run on 500 services (the report keeps what it needs)
            std::mem::forget(project);
        }
        if render_early {
            let text = parallel::render_findings(&report, color);
            let failed = !report.passes(level);
            return Ok((Checked::Rendered { text, summary: report.summary, files: report.files.len(), failed }, warning));
        }
        Ok((Checked::Report(report, level), warning))
    });
    // a project that cannot be read (a missing file, a folder given as a file, an invalid
    // configuration) is an error on stderr, and the others are still checked and reported, as
    // ruff does with a missing path: the output stays one valid document, and the exit code
    // says 2
    let mut checked = Vec::with_capacity(results.len());
    let mut errors: Vec<String> = Vec::new();
    for result in results {
        match result {
            Ok((c, warning)) => {
                if let (Some(w), false) = (warning, args.quiet) {
                    eprintln!("composeguard: {w}");
                }
                checked.push(c);
            }
            Err(e) if !errors.contains(&e) => {
                eprintln!("composeguard: {e}");
                errors.push(e);
            }
            Err(_) => {}
        }
    }
    let unreadable = !errors.is_empty();
    let code = |failed: bool| if unreadable { ExitCode::from(2) } else { ExitCode::after_check(failed && !args.exit_zero) };
    // (with --quiet, no summary line)
    let unreadable_in_summary = (!args.quiet).then_some(errors.len());
    if render_early {
        return code(write_rendered(checked, unreadable_in_summary));
    }
    let mut reports: Vec<(Report, Severity)> = checked
        .into_iter()
        .filter_map(|c| match c {
            Checked::Report(report, level) => Some((report, level)),
            Checked::Rendered { .. } => None,
        })
        .collect();
    if let Some(path) = &args.baseline {
        if let Err(e) = apply_baseline(path, &mut reports, args.quiet) {
            return usage_error(&e);
        }
    }
    let failed = reports.iter().any(|(r, level)| !r.passes(*level));
    let mut report = Report { version: 1, ..Report::default() };
    for (r, _) in reports {
        report.extend(r);
    }
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let summary = unreadable_in_summary.map(|n| summary_line(report.summary, report.files.len(), n)).unwrap_or_default();
    let _ = if args.statistics {
        write_statistics(&report, format, &summary, &mut stdout)
    } else if format == Format::Human {
        parallel::write_findings(&report, color, &mut stdout).and_then(|()| stdout.write_all(summary.as_bytes()))
    } else {
        composeguard::output::write(&report, format, color, &mut stdout)
    };
    drop(report);
    let _ = stdout.flush();
    code(failed)
}

/// What checking a project needs: where its files are, and the options of the command line.
struct Checker<'a> {
    plan: &'a project_args::Plan<'a>,
    fs: &'a dyn FileSystem,
    /// The name of standard input's compose file.
    stdin: String,
    /// `--config`, else each project's is found from its first compose file.
    explicit_config: Option<config::LoadedConfig>,
    configs: config::ConfigCache,
    options: LintOptions,
    fail_on: Option<Severity>,
}

impl Checker<'_> {
    /// The `i`th project of the plan, its report and the severity that fails it.
    fn check(&self, i: usize) -> Result<(composeguard_model::project::Project, Report, Severity), String> {
        if let Some(e) = self.plan.unusable(i) {
            return Err(e);
        }
        let project = composeguard::disk::load_project_owned_with(self.plan.options(i), self.fs, Some(&self.stdin))
            .map_err(|e| format!("{e}{}", self.plan.pattern_hint(i).unwrap_or_default()))?;
        // the configuration file is found from the project's first compose file
        let config = match &self.explicit_config {
            Some(c) => Some(c.clone()),
            None => composeguard::disk::discover_config_with(&project, self.plan.cwd(), &self.configs).map_err(|e| e.to_string())?,
        };
        let level = self.fail_on.unwrap_or_else(|| config::fail_level(config.as_ref().map(|c| &c.config)));
        let lint_options = LintOptions { config: config.map(|c| c.config), ..self.options.clone() };
        let report = lint_loaded(&project, &lint_options, self.fs);
        Ok((project, report, level))
    }
}

/// The warning docker compose gives when the folder of a project found by name holds several
/// compose files (`compose.yaml` and `docker-compose.yml`): only the first is used, and the other
/// is neither read nor checked.
fn other_compose_files(files: &[String], fs: &dyn FileSystem) -> Option<String> {
    use composeguard_model::project::COMPOSE_FILE_NAMES;
    let first = Path::new(files.first()?);
    let name = first.file_name()?.to_str()?;
    if !COMPOSE_FILE_NAMES.contains(&name) {
        return None;
    }
    let folder = first.parent().unwrap_or(Path::new(""));
    let others: Vec<String> =
        COMPOSE_FILE_NAMES.iter().filter(|n| **n != name).map(|n| folder.join(n)).filter(|p| p.to_str().is_some_and(|p| fs.exists(p))).map(|p| p.display().to_string()).collect();
    if others.is_empty() {
        return None;
    }
    Some(format!("{} is used, as docker compose uses it; {} beside it {} neither read nor checked", first.display(), others.join(", "), if others.len() == 1 { "is" } else { "are" }))
}

/// Most times `--fix` checks a project again after fixing it: a fix that overlapped another
/// is applied in the next round.
const FIX_ROUNDS: usize = 8;

/// `--fix`: applies the fixes of every project's findings to its compose files (those named on
/// the command line or found, not the files they include or extend), one project after the
/// other, checking each again until nothing is left to fix. How many findings were fixed, in how
/// many files. A finding the baseline lists is left as it is, as a suppressed one is.
fn fix_files(checker: &Checker<'_>, baseline: Option<&Path>) -> Result<(usize, usize), String> {
    let baseline = baseline.map(read_baseline).transpose()?;
    let mut fixes = 0;
    let mut files = std::collections::BTreeSet::new();
    for i in 0..checker.plan.len() {
        for _ in 0..FIX_ROUNDS {
            // a project that cannot be read is reported by the check that follows
            let Ok((project, mut report, _)) = checker.check(i) else { break };
            if let Some((Some(baseline), key)) = &baseline {
                baseline.apply_with(&mut report, key);
            }
            let fixed = composeguard::fix::apply_fixes(&report, &|path| project.files.iter().any(|f| f == path));
            let mut wrote = false;
            for f in fixed {
                let Some(source) = report.sources.get(f.file) else { continue };
                // shown as given, or relative to the current folder
                let path = PathBuf::from(&source.path);
                // only a file still as it was read (UTF-8 text, with its byte-order mark if it has
                // one, and not changed meanwhile) is written
                let bom: &[u8] = b"\xEF\xBB\xBF";
                let prefix = match std::fs::read(&path) {
                    Ok(bytes) if bytes == source.text.as_bytes() => &[][..],
                    Ok(bytes) if bytes.strip_prefix(bom) == Some(source.text.as_bytes()) => bom,
                    _ => {
                        eprintln!("composeguard: {} not fixed: it is not the text that was checked (changed meanwhile, or not UTF-8)", source.path);
                        continue;
                    }
                };
                std::fs::write(&path, [prefix, f.text.as_bytes()].concat()).map_err(|e| format!("cannot write {}: {}", path.display(), io_problem(&e)))?;
                fixes += f.fixes;
                files.insert(path);
                wrote = true;
            }
            if !wrote {
                break;
            }
        }
    }
    Ok((fixes, files.len()))
}

/// An I/O error of a file the CLI reads or writes itself (a baseline, a fixed file), in the
/// words of the other messages; a missing one may be its folder.
fn io_problem(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
        _ => composeguard::os_fs::io_problem(error),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A project checked: its report, with the severity that fails it; or, when its findings were
/// rendered as soon as it was checked, their text and what the summary line and exit code need.
enum Checked {
    Report(Report, Severity),
    Rendered { text: Vec<u8>, summary: Summary, files: usize, failed: bool },
}

/// The human output's last line: the counts over `files` files, and how many projects could not
/// be read (their errors are on stderr), with its newline.
fn summary_line(total: Summary, files: usize, unreadable: usize) -> String {
    if unreadable == 0 {
        return format!("{}\n", composeguard::output::human::summary_text(total, files));
    }
    let read = if total.error + total.warning + total.info == 0 {
        format!("No findings in {files} file{}", plural(files))
    } else {
        composeguard::output::human::summary_text(total, files).trim_end_matches('.').to_string()
    };
    format!("{read}; {unreadable} project{} could not be checked.\n", plural(unreadable))
}

/// Writes the findings rendered project by project, in order, then one summary line for all
/// (with the number of projects that could not be read; none without that number, for
/// `--quiet`); whether a finding fails the run.
fn write_rendered(checked: Vec<Checked>, unreadable: Option<usize>) -> bool {
    let mut total = Summary::default();
    let (mut files, mut failed) = (0, false);
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    for c in checked {
        if let Checked::Rendered { text, summary, files: n, failed: f } = c {
            let _ = stdout.write_all(&text);
            total += summary;
            files += n;
            failed |= f;
        }
    }
    if let Some(unreadable) = unreadable {
        let _ = stdout.write_all(summary_line(total, files, unreadable).as_bytes());
    }
    let _ = stdout.flush();
    failed
}

/// `--statistics`: how many unsuppressed findings each rule has, most first (then by code), as a
/// table followed by `summary` (human) or as a JSON list of `{code, name, severity, count,
/// fixable}` (`fixable`: how many of them have a fix).
fn write_statistics(report: &Report, format: Format, summary: &str, out: &mut dyn Write) -> std::io::Result<()> {
    struct Row<'a> {
        code: &'a str,
        name: &'a str,
        severity: Severity,
        count: usize,
        fixable: usize,
    }
    let mut rows: Vec<Row<'_>> = Vec::new();
    for d in report.diagnostics().filter(|d| !d.is_suppressed()) {
        let fixable = usize::from(d.fix.is_some());
        match rows.iter_mut().find(|r| r.code == &*d.code && r.severity == d.severity) {
            Some(r) => {
                r.count += 1;
                r.fixable += fixable;
            }
            None => rows.push(Row { code: &d.code, name: &d.rule, severity: d.severity, count: 1, fixable }),
        }
    }
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(b.code)).then_with(|| b.severity.cmp(&a.severity)));
    if format == Format::Json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| serde_json::json!({"code": r.code, "name": r.name, "severity": r.severity.as_str(), "count": r.count, "fixable": r.fixable}))
            .collect();
        return writeln!(out, "{}", serde_json::to_string_pretty(&list).unwrap_or_default());
    }
    let width = rows.first().map_or(1, |r| r.count.to_string().len());
    let name_width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for r in &rows {
        let fixable = if r.fixable > 0 { format!("  ({} fixable)", r.fixable) } else { String::new() };
        let _ = writeln!(text, "{:>width$}  {:<6} {:<name_width$}  {}{fixable}", r.count, r.code, r.name, r.severity.as_str());
    }
    out.write_all(text.trim_end_matches(' ').as_bytes())?;
    out.write_all(summary.as_bytes())
}

/// Reads the baseline and suppresses what it lists, or writes it when it does not exist.
fn apply_baseline(path: &Path, reports: &mut [(Report, Severity)], quiet: bool) -> Result<(), String> {
    let (existing, key) = read_baseline(path)?;
    let baseline = if let Some(baseline) = existing {
        baseline
    } else {
        let mut all = Baseline { version: 1, findings: Vec::new() };
        for (report, _) in reports.iter() {
            all.findings.extend(Baseline::from_report_with(report, &key).findings);
        }
        std::fs::write(path, all.to_json()).map_err(|e| format!("cannot write {}: {}", path.display(), io_problem(&e)))?;
        if !quiet {
            eprintln!("composeguard: wrote {} finding(s) to the baseline {}", all.findings.len(), path.display());
        }
        all
    };
    for (report, _) in reports.iter_mut() {
        baseline.apply_with(report, &key);
    }
    Ok(())
}

/// The baseline at `path` (`None` when there is no file yet), and how it names a report's files:
/// relative to the baseline's folder.
fn read_baseline(path: &Path) -> Result<(Option<Baseline>, impl Fn(&str) -> String), String> {
    let base = std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let base_dir = base.parent().map(Path::to_path_buf).unwrap_or_default();
    let key = move |file: &str| {
        let absolute = std::path::absolute(file).unwrap_or_else(|_| PathBuf::from(file));
        relative_path(&absolute, &base_dir)
    };
    if !path.exists() {
        return Ok((None, key));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {}", path.display(), io_problem(&e)))?;
    let baseline = Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((Some(baseline), key))
}

/// `path` relative to the folder `base`, with `/` separators (both absolute).
fn relative_path(path: &Path, base: &Path) -> String {
    let path: Vec<_> = path.components().collect();
    let base: Vec<_> = base.components().collect();
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = base.iter().skip(common).map(|_| "..".to_string()).collect();
    parts.extend(path.iter().skip(common).map(|c| c.as_os_str().to_string_lossy().to_string()));
    parts.join("/")
}

fn rules(format: &str) -> ExitCode {
    let metas = composeguard::rules::all_metas();
    match format {
        "json" => {
            let list: Vec<serde_json::Value> = metas
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "name": m.name,
                        "code": m.code,
                        "category": m.category.as_str(),
                        "severity": m.severity.as_str(),
                        "fixable": m.fixable,
                        "default_enabled": m.default_enabled,
                        "sources": m.sources,
                        "summary": m.summary(),
                    })
                })
                .collect();
            print_out(&format!("{}\n", serde_json::to_string_pretty(&list).unwrap_or_default()));
        }
        "human" => {
            let mut text = String::new();
            for m in metas {
                let on = if m.default_enabled { "" } else { " (off by default)" };
                let _ = writeln!(text, "{:<6} {:<34} {:<15} {:<7} {}{on}", m.code, m.name, m.category.as_str(), m.severity.as_str(), m.summary());
            }
            print_out(&text);
        }
        other => return usage_error(&format!("unknown format `{other}` (expected human or json)")),
    }
    ExitCode::SUCCESS
}

fn explain(rule: &str) -> ExitCode {
    let Some(m) = composeguard::rules::find(rule) else {
        let hint = config::similar_rule_name(rule).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default();
        return usage_error(&format!("unknown rule `{rule}` ({hint}see `composeguard rules`)"));
    };
    let mut text = format!("# {} ({})\n\n", m.name, m.code);
    let _ = writeln!(text, "Category: {}. Default severity: {}.{}", m.category.as_str(), m.severity.as_str(), if m.default_enabled { "" } else { " Off by default." });
    if !m.sources.is_empty() {
        let _ = writeln!(text, "Sources: {}.", m.sources.join(", "));
    }
    let _ = writeln!(text, "\n{}", m.docs_text().trim_end());
    print_out(&text);
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn color(args: &[&str], env: &[(&str, &str)], terminal: bool) -> bool {
        let Ok(Cli { command: Command::Check(check) }) = Cli::try_parse_from(["composeguard", "check"].iter().chain(args)) else { panic!("{args:?}") };
        check.color(|name| env.iter().find(|(k, _)| *k == name).map(|(_, v)| OsString::from(v)), terminal)
    }

    /// `--color`, `--no-color`, `NO_COLOR`, `FORCE_COLOR` and `CLICOLOR_FORCE` (before, only a
    /// terminal turned colour on, and nothing could force it in a CI log that shows it).
    #[test]
    fn colour_choice() {
        assert!(color(&[], &[], true) && !color(&[], &[], false));
        assert!(!color(&[], &[("NO_COLOR", "1")], true));
        // an empty NO_COLOR does not count (no-color.org)
        assert!(color(&[], &[("NO_COLOR", "")], true));
        assert!(color(&[], &[("FORCE_COLOR", "1")], false) && color(&[], &[("CLICOLOR_FORCE", "1")], false));
        assert!(!color(&[], &[("FORCE_COLOR", "0")], false));
        assert!(!color(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], false));
        // the command line wins over the environment
        assert!(color(&["--color", "always"], &[("NO_COLOR", "1")], false));
        assert!(!color(&["--color=never"], &[("FORCE_COLOR", "1")], true));
        assert!(!color(&["--no-color", "--color", "always"], &[], true));
        assert!(Cli::try_parse_from(["composeguard", "check", "--color", "sometimes"]).is_err());
    }
}
