//! The whole pipeline on arbitrary bytes: load, validate, every rule, every output format.
#![no_main]

use composeguard::lint::{lint_project, LintOptions};
use composeguard::output::{render, Format};
use composeguard_model::project::{load_bytes, LoadOptions, MemoryFiles};
use composeguard_model::yaml::Limits;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits { max_file_bytes: 1 << 20, max_depth: 64, max_alias_nodes: 100_000 };
    let mut env = indexmap::IndexMap::new();
    env.insert("TAG".to_string(), "1.2".to_string());
    let options = LintOptions { limits, select: vec!["all".into()], env: env.clone(), ..LintOptions::default() };
    let load = LoadOptions { limits, env, dotenv: true };
    let mut files = MemoryFiles::default();
    files.0.insert(".env".into(), "PORT=8080\n".into());
    files.0.insert("Dockerfile".into(), "FROM nginx\nHEALTHCHECK CMD true\n".into());
    let project = load_bytes("compose.yaml", data, &load, &files);
    let report = lint_project(&project, &options, &files);
    for (_, format) in Format::ALL {
        let _ = render(&report, format, false);
    }
});
