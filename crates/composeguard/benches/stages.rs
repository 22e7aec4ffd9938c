//! Each stage of the pipeline on a small file, a 500-service file, a 5000-service file and the
//! corpus in `../shared/corpus` as a batch: parse (YAML → located tree), model (interpolation and
//! the typed model), validate (spec checks), rules (the checklist), render (human and JSON),
//! `config` (the project as docker compose prints it, in YAML), and the whole `lint`.
//!
//! `cargo bench -p composeguard --bench stages` (add `-- parse` to run one stage, or
//! `-- --quick` for a short run).

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "support/generate.rs"]
#[allow(dead_code)] // shared with examples/generate-compose.rs, which uses all of it
mod generate;

use std::hint::black_box;
use std::path::{Path, PathBuf};

use composeguard::context::Context;
use composeguard::lint::{lint, lint_project, LintOptions};
use composeguard::output::{render, Format};
use composeguard::rule::Findings;
use composeguard_model::de::{from_node, Recorder};
use composeguard_model::interpolate::interpolate;
use composeguard_model::model::Compose;
use composeguard_model::project::{load_text, LoadOptions, NoFiles, Project};
use composeguard_model::yaml::{self, Limits};
use composeguard_model::FileId;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use indexmap::IndexMap;

/// One input: a name and its files (path, text).
struct Input {
    name: String,
    files: Vec<(String, String)>,
}

impl Input {
    fn bytes(&self) -> u64 {
        self.files.iter().map(|(_, t)| t.len() as u64).sum()
    }
}

fn inputs() -> Vec<Input> {
    let mut v = vec![
        Input { name: "small".into(), files: vec![("compose.yaml".into(), generate::SMALL.into())] },
        Input { name: "500-services".into(), files: vec![("compose.yaml".into(), generate::compose_file(500))] },
        Input { name: "5000-services".into(), files: vec![("compose.yaml".into(), generate::compose_file(5000))] },
    ];
    match corpus_files() {
        Some(files) => v.push(Input { name: format!("corpus-{}-files", files.len()), files }),
        None => eprintln!("stages: ../shared/corpus is absent; the corpus batch is skipped"),
    }
    v
}

/// Every `.yaml`/`.yml` file of `../shared/corpus`, in path order.
fn corpus_files() -> Option<Vec<(String, String)>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    if !root.is_dir() {
        return None;
    }
    let mut paths = Vec::new();
    collect(&root, &mut paths);
    paths.sort();
    let files: Vec<(String, String)> = paths
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((p.to_string_lossy().into_owned(), composeguard_model::project::decode_bytes(&bytes).0))
        })
        .collect();
    (!files.is_empty()).then_some(files)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            out.push(p);
        }
    }
}

fn load_options() -> LoadOptions {
    LoadOptions { env: IndexMap::new(), dotenv: false, limits: Limits::default() }
}

fn loaded(input: &Input) -> Vec<Project> {
    input.files.iter().map(|(p, t)| load_text(p, t, &load_options(), &NoFiles)).collect()
}

fn stages(c: &mut Criterion) {
    let options = LintOptions::default();
    let selection = options.selection();
    for input in inputs() {
        let mut group = c.benchmark_group(&input.name);
        group.throughput(Throughput::Bytes(input.bytes()));
        if input.bytes() > 1_000_000 {
            group.sample_size(10);
        }

        group.bench_function("parse", |b| {
            b.iter(|| {
                for (_, text) in &input.files {
                    black_box(yaml::parse(text, FileId(0), &Limits::default()));
                }
            });
        });

        // Interpolation and the typed model, from a parsed tree (cloned outside the timing).
        let trees: Vec<_> = input.files.iter().map(|(_, t)| yaml::parse(t, FileId(0), &Limits::default()).roots).collect();
        let vars: IndexMap<String, String> = IndexMap::new();
        group.bench_function("model", |b| {
            b.iter_batched(
                || trees.clone(),
                |trees| {
                    for ((_, text), roots) in input.files.iter().zip(trees) {
                        let mut issues = Vec::new();
                        for mut root in roots {
                            interpolate(&mut root, &vars, text, &mut issues);
                            let rec = Recorder::new();
                            black_box(from_node::<Compose>(&root, &rec));
                            issues.extend(rec.into_issues());
                        }
                        black_box(issues);
                    }
                },
                BatchSize::LargeInput,
            );
        });

        let projects = loaded(&input);
        group.bench_function("validate", |b| {
            b.iter(|| {
                for project in &projects {
                    let cx = Context::new(project, &NoFiles, &[]);
                    let mut out = Vec::new();
                    composeguard::spec::check(&cx, &mut out);
                    black_box(out);
                }
            });
        });

        group.bench_function("rules", |b| {
            b.iter(|| {
                for project in &projects {
                    let cx = Context::new(project, &NoFiles, &[]);
                    let mut findings = Vec::new();
                    for rule in composeguard::rules::registry() {
                        if selection.enabled(rule.meta()) {
                            rule.check(&cx, &mut Findings::new(rule.meta(), &mut findings));
                        }
                    }
                    black_box(findings);
                }
            });
        });

        let reports: Vec<_> = projects.iter().map(|p| lint_project(p, &options, &NoFiles)).collect();
        group.bench_function("render-human", |b| {
            b.iter(|| {
                for r in &reports {
                    black_box(render(r, Format::Human, false));
                }
            });
        });
        group.bench_function("render-json", |b| {
            b.iter(|| {
                for r in &reports {
                    black_box(render(r, Format::Json, false));
                }
            });
        });

        // `composeguard config`: the project as docker compose prints it
        group.bench_function("config-yaml", |b| {
            b.iter(|| {
                for p in &projects {
                    black_box(composeguard_model::config_output::to_yaml_string(p, &NoFiles));
                }
            });
        });

        group.bench_function("lint", |b| {
            b.iter(|| {
                for (path, text) in &input.files {
                    black_box(lint(path, text, &options));
                }
            });
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
