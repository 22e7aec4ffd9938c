//! Agreement with docker compose v2.40.3 on every file of `../shared/corpus`: each file is
//! loaded alone, from its own folder, with an empty environment, as the labels were made, and
//! "invalid" (a spec error) must equal compose's non-zero exit.

use composeguard::lint::LintOptions;
use composeguard_tests::{is_invalid, lint_file, shared_dir};


#[test]
fn corpus_verdicts_match_docker_compose() {
    let Some(shared) = shared_dir() else {
        println!("skipped: ../shared/corpus is absent");
        return;
    };
    let corpus = shared.join("corpus");
    let labels = std::fs::read_to_string(corpus.join("labels.tsv")).expect("labels.tsv");
    let mut header: Vec<&str> = Vec::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (i, line) in labels.lines().enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        if i == 0 {
            header = cols;
            continue;
        }
        let col = |name: &str| header.iter().position(|h| *h == name).and_then(|p| cols.get(p)).copied().unwrap_or("");
        let path = col("path");
        let want_invalid = col("oracle_exit") != "0";
        let file = corpus.join(path);
        let dir = file.parent().expect("parent").to_path_buf();
        let name = file.file_name().expect("name").to_os_string();
        let prev = std::env::current_dir().expect("cwd");
        std::env::set_current_dir(&dir).expect("cd");
        let report = lint_file(std::path::Path::new(&name), &LintOptions::default());
        std::env::set_current_dir(prev).expect("cd back");
        checked += 1;
        let got_invalid = is_invalid(&report);
        if got_invalid != want_invalid {
            let spec: Vec<String> = report
                .diagnostics()
                .filter(|d| d.category == composeguard::Category::Spec)
                .map(|d| format!("    {}:{}: [{}] {}", d.start.line, d.start.column, d.rule, d.message))
                .collect();
            failures.push(format!(
                "{path}: docker compose says {}, composeguard says {}\n  compose: {}\n{}",
                if want_invalid { "invalid" } else { "valid" },
                if got_invalid { "invalid" } else { "valid" },
                col("oracle_first_error_line"),
                spec.join("\n")
            ));
        }
    }
    println!("{checked} corpus files checked, {} disagreements", failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
