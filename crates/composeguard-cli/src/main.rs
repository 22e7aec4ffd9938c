//! `composeguard`: validate and lint Docker Compose files.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use composeguard::lint::{lint_project, LintOptions, Report};
use composeguard::output::{render, Format};
use composeguard::Severity;
use composeguard::os_fs::OsFileSystem;
use composeguard_model::project::{load_bytes, LoadOptions};

#[derive(Parser)]
#[command(name = "composeguard", version, about = "Validate Docker Compose files and check them against a production checklist")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check compose files: spec errors and checklist findings, at file:line:column.
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
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Compose files; each is its own project. Without paths (and without -f), the compose file of
    /// the current folder is found as docker compose finds it.
    paths: Vec<PathBuf>,
    /// Stack files into one project, as `docker compose -f A -f B`.
    #[arg(short = 'f', long = "file")]
    files: Vec<PathBuf>,
    /// Output format: human, json.
    #[arg(long, default_value = "human")]
    format: String,
    /// Extra env file for interpolation (instead of `.env`).
    #[arg(long = "env-file")]
    env_files: Vec<PathBuf>,
    /// Activate a profile (repeatable).
    #[arg(long = "profile")]
    profiles: Vec<String>,
    /// Enable rules by name, code or category (repeatable, or comma-separated).
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Disable rules by name, code or category.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Exit 1 when a finding is at or above this severity: error, warning, info.
    #[arg(long = "fail-on", default_value = "error")]
    fail_on: String,
    /// Never use colour.
    #[arg(long = "no-color")]
    no_color: bool,
}

fn decode_text(bytes: &[u8]) -> String {
    composeguard_model::project::decode_bytes(bytes).0
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check(args) => check(&args),
        Command::Rules { format } => rules(&format),
        Command::Explain { rule } => explain(&rule),
        Command::Schema => {
            println!("{}", composeguard::schema::compose_schema_json());
            ExitCode::SUCCESS
        }
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("composeguard: {msg}");
    ExitCode::from(2)
}

const DISCOVERY: [&str; 4] = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"];

fn check(args: &CheckArgs) -> ExitCode {
    let format: Format = match args.format.parse() {
        Ok(f) => f,
        Err(e) => return usage_error(&e),
    };
    let fail_on: Severity = match args.fail_on.parse() {
        Ok(s) => s,
        Err(e) => return usage_error(&e),
    };
    let env: indexmap::IndexMap<String, String> = std::env::vars().collect();
    let options = LintOptions {
        env,
        dotenv: args.env_files.is_empty(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        profiles: args.profiles.clone(),
        ..LintOptions::default()
    };
    let mut projects: Vec<PathBuf> = Vec::new();
    if args.paths.is_empty() && args.files.is_empty() {
        match DISCOVERY.iter().map(PathBuf::from).find(|p| p.is_file()) {
            Some(p) => projects.push(p),
            None => return usage_error("no compose file found (looked for compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml)"),
        }
    }
    projects.extend(args.paths.iter().cloned());
    projects.extend(args.files.iter().cloned());
    let mut report = Report { version: 1, ..Report::default() };
    for path in &projects {
        let display = path.to_string_lossy().to_string();
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return usage_error(&format!("cannot read {display}: {e}")),
        };
        let mut load = LoadOptions { env: options.env.clone(), dotenv: options.dotenv, limits: options.limits };
        for ef in &args.env_files {
            match std::fs::read(ef) {
                Ok(b) => match composeguard_model::dotenv::parse(&decode_text(&b), &options.env) {
                    Ok(entries) => {
                        for e in entries {
                            load.env.entry(e.key).or_insert(e.value);
                        }
                    }
                    Err(e) => return usage_error(&format!("{}: {e}", ef.display())),
                },
                Err(e) => return usage_error(&format!("cannot read {}: {e}", ef.display())),
            }
        }
        let project = load_bytes(&display, &bytes, &load, &OsFileSystem);
        report.extend(lint_project(&project, &options, &OsFileSystem));
    }
    let color = format == Format::Human && !args.no_color && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let rendered = render(&report, format, color);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(rendered.as_bytes());
    if report.passes(fail_on) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
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
            println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
        }
        "human" => {
            for m in metas {
                let on = if m.default_enabled { "" } else { " (off by default)" };
                println!("{:<6} {:<34} {:<15} {:<7} {}{on}", m.code, m.name, m.category.as_str(), m.severity.as_str(), m.summary());
            }
        }
        other => return usage_error(&format!("unknown format `{other}`")),
    }
    ExitCode::SUCCESS
}

fn explain(rule: &str) -> ExitCode {
    match composeguard::rules::find(rule) {
        Some(m) => {
            println!("# {} ({})\n", m.name, m.code);
            println!("Category: {}. Default severity: {}.{}", m.category.as_str(), m.severity.as_str(), if m.default_enabled { "" } else { " Off by default." });
            if !m.sources.is_empty() {
                println!("Sources: {}.", m.sources.join(", "));
            }
            println!();
            println!("{}", m.docs_text().trim_end());
            ExitCode::SUCCESS
        }
        None => usage_error(&format!("unknown rule `{rule}` (see `composeguard rules`)")),
    }
}
