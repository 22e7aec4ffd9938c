//! The distribution files: the example compose.yaml is clean by composeguard's own rules (waivers
//! only with a reason), every package carries the same version, and every crate has the metadata
//! that publishing needs.

use std::path::Path;

use composeguard::disk::{discover_config, load_project};
use composeguard::lint::{lint_loaded, LintOptions, Report};
use composeguard::os_fs::OsFileSystem;
use composeguard_model::project::ProjectOptions;
use composeguard_tests::workspace_root;
use serde_json::Value as Json;
use toml::{Table, Value};

fn read(path: &str) -> String {
    let full = workspace_root().join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn toml_file(path: &str) -> Table {
    toml::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn json_file(path: &str) -> Json {
    serde_json::from_str(&read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn get<'a>(table: &'a Table, dotted: &str) -> Option<&'a Value> {
    let mut keys = dotted.split('.');
    let mut value = table.get(keys.next()?)?;
    for key in keys {
        value = value.as_table()?.get(key)?;
    }
    Some(value)
}

fn string<'a>(table: &'a Table, dotted: &str) -> Option<&'a str> {
    get(table, dotted).and_then(Value::as_str)
}

/// The workspace's version, the one every package must carry.
fn version() -> String {
    string(&toml_file("Cargo.toml"), "workspace.package.version").expect("workspace.package.version").to_owned()
}

/// The manifest paths of the workspace members (`crates/*` and the listed folders).
fn members() -> Vec<String> {
    let root = toml_file("Cargo.toml");
    let mut found = Vec::new();
    for member in get(&root, "workspace.members").and_then(Value::as_array).expect("workspace.members") {
        let member = member.as_str().expect("member");
        if let Some(parent) = member.strip_suffix("/*") {
            let mut dirs: Vec<_> = std::fs::read_dir(workspace_root().join(parent)).expect("members folder").flatten().map(|e| e.path()).collect();
            dirs.sort();
            for dir in dirs {
                if dir.join("Cargo.toml").is_file() {
                    found.push(format!("{parent}/{}/Cargo.toml", dir.file_name().expect("name").to_string_lossy()));
                }
            }
        } else {
            found.push(format!("{member}/Cargo.toml"));
        }
    }
    assert!(found.len() >= 6, "{found:?}");
    found
}

/// Lints the repository's compose.yaml as `composeguard check compose.yaml` does: the project
/// loaded from disk, its configuration found from its folder upwards.
fn lint_example(select: &[&str]) -> Report {
    let root = workspace_root();
    let project_options = ProjectOptions {
        files: vec!["compose.yaml".to_owned()],
        cwd: root.to_string_lossy().into_owned(),
        ..ProjectOptions::default()
    };
    let project = load_project(&project_options).expect("compose.yaml loads");
    let config = discover_config(&project).expect("configuration").map(|c| c.config);
    let options = LintOptions { select: select.iter().map(|s| (*s).to_owned()).collect(), config, ..LintOptions::default() };
    lint_loaded(&project, &options, &OsFileSystem)
}

#[test]
fn example_compose_file_is_clean() {
    for select in [&[][..], &["all"][..]] {
        let report = lint_example(select);
        let open: Vec<String> = report
            .diagnostics()
            .filter(|d| !d.is_suppressed())
            .map(|d| format!("{}:{} {} {}", d.file, d.start.line, d.rule, d.message))
            .collect();
        assert!(open.is_empty(), "compose.yaml (select {select:?}) has findings:\n{}", open.join("\n"));
        for d in report.diagnostics().filter(|d| d.is_suppressed()) {
            let reason = d.suppression.as_ref().and_then(|s| s.reason.as_deref()).unwrap_or("");
            assert!(!reason.trim().is_empty(), "{}:{} {} is waived without a reason", d.file, d.start.line, d.rule);
        }
    }
}

#[test]
fn example_compose_file_waivers_have_reasons() {
    // a comment that waives nothing is reported (unused-suppression) by the test above; this one
    // checks that each waiver comment says why
    for (number, line) in read("compose.yaml").lines().enumerate() {
        let comment = line.match_indices('#').map(|(at, _)| line[at + 1..].trim_start()).find(|c| c.starts_with("composeguard:"));
        let Some(comment) = comment else { continue };
        let rest = comment["composeguard:".len()..].trim_start();
        let Some(close) = rest.find(']') else { panic!("compose.yaml:{}: a waiver without its rule list", number + 1) };
        assert!(!rest[close + 1..].trim().is_empty(), "compose.yaml:{}: a waiver without a reason", number + 1);
    }
}

#[test]
fn example_compose_file_runs_the_image_of_this_version() {
    let text = read("compose.yaml");
    assert!(text.contains(&format!("image: composeguard:{}\n", version())), "compose.yaml names another image");
    for needed in ["pull_policy: build", "target: /src", "read_only: true", "network_mode: none", "- ALL", "no-new-privileges:true", "user: \"65532:65532\""] {
        assert!(text.contains(needed), "compose.yaml lacks `{needed}`");
    }
}

#[test]
fn every_package_has_the_workspace_version() {
    let version = version();
    let mut checked = Vec::new();

    // the crates: version.workspace = true, or the same version written out
    for manifest in members() {
        let table = toml_file(&manifest);
        let own = get(&table, "package.version").unwrap_or_else(|| panic!("{manifest}: no package.version"));
        let inherits = own.as_table().and_then(|t| t.get("workspace")).and_then(Value::as_bool) == Some(true);
        assert!(inherits || own.as_str() == Some(version.as_str()), "{manifest}: version {own:?} is not the workspace's {version}");
        // a dependency on a workspace crate asks for this version
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            for (name, dep) in get(&table, section).and_then(Value::as_table).into_iter().flatten() {
                if let Some(dep) = dep.as_table().filter(|d| d.contains_key("path")) {
                    let wanted = dep.get("version").and_then(Value::as_str);
                    assert_eq!(wanted, Some(version.as_str()), "{manifest}: dependency `{name}` must ask for version {version}");
                }
            }
        }
        checked.push(manifest);
    }
    let root = toml_file("Cargo.toml");
    for (name, dep) in get(&root, "workspace.dependencies").and_then(Value::as_table).expect("workspace.dependencies") {
        if let Some(dep) = dep.as_table().filter(|d| d.contains_key("path")) {
            assert_eq!(dep.get("version").and_then(Value::as_str), Some(version.as_str()), "workspace dependency `{name}` must ask for version {version}");
        }
    }

    // the Python package: its version is the crate's (maturin reads Cargo.toml), or the same
    for pyproject in ["bindings/python/pyproject.toml", "pyproject.toml"] {
        let table = toml_file(pyproject);
        match string(&table, "project.version") {
            Some(own) => assert_eq!(own, version, "{pyproject}: project.version"),
            None => {
                let dynamic = get(&table, "project.dynamic").and_then(Value::as_array).expect("project.dynamic");
                assert!(dynamic.iter().any(|d| d.as_str() == Some("version")), "{pyproject}: no version, and version is not dynamic");
                assert_eq!(string(&table, "build-system.build-backend"), Some("maturin"), "{pyproject}: a dynamic version needs maturin");
            }
        }
        checked.push(pyproject.to_owned());
    }
    let init = read("bindings/python/python/composeguard/__init__.py");
    if let Some(line) = init.lines().find(|l| l.trim_start().starts_with("__version__ =")) {
        assert!(line.contains(&format!("\"{version}\"")), "__init__.py: {line}");
    } else {
        // re-exported from the native module, which sets it from CARGO_PKG_VERSION
        assert!(init.contains("__version__,"), "__init__.py does not export __version__");
        assert!(read("bindings/python/src/lib.rs").contains("m.add(\"__version__\", env!(\"CARGO_PKG_VERSION\"))"), "_core.__version__ is not the crate's version");
    }

    // the npm package and its lock file
    let package = json_file("bindings/wasm/package.json");
    assert_eq!(package["version"], version.as_str(), "bindings/wasm/package.json");
    let lock = json_file("bindings/wasm/package-lock.json");
    assert_eq!(lock["version"], version.as_str(), "bindings/wasm/package-lock.json");
    assert_eq!(lock["packages"][""]["version"], version.as_str(), "bindings/wasm/package-lock.json, packages[\"\"]");
    checked.extend(["bindings/wasm/package.json".to_owned(), "bindings/wasm/package-lock.json".to_owned()]);

    // the command: `composeguard --version` prints the CLI crate's version (clap's `version`),
    // which inherits the workspace's above; crates/composeguard-cli/tests/cli.rs runs it
    assert!(read("crates/composeguard-cli/src/lib.rs").contains("#[command(name = \"composeguard\", version,"));

    // the container image's label
    let label = format!("org.opencontainers.image.version=\"{version}\"");
    assert!(read("Dockerfile").contains(&label), "Dockerfile lacks {label}");

    // the changelog: the latest released version
    let changelog = read("CHANGELOG.md");
    let latest = changelog
        .lines()
        .filter_map(|l| l.strip_prefix("## ["))
        .filter_map(|l| l.split(']').next())
        .find(|v| *v != "Unreleased")
        .expect("CHANGELOG.md has a released version");
    assert_eq!(latest, version, "CHANGELOG.md's latest version");
    assert!(changelog.contains(&format!("[{version}]: ")), "CHANGELOG.md lacks the link of [{version}]");

    // versions written in the docs: image tags, action refs, package archives
    for path in ["README.md", "compose.yaml", "Dockerfile", "action.yml", ".pre-commit-hooks.yaml"] {
        let text = read(path);
        for marker in ["composeguard:", "composeguard-", "composeguard/composeguard@v", "rev: v"] {
            for (at, _) in text.match_indices(marker) {
                let word: String = text[at + marker.len()..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
                let word = word.trim_end_matches('.');
                if word.chars().filter(|c| *c == '.').count() == 2 {
                    assert_eq!(word, version, "{path}: `{marker}{word}`");
                }
            }
        }
    }
    assert!(checked.len() >= 10, "{checked:?}");
}

#[test]
fn every_crate_has_publishing_metadata() {
    let root = toml_file("Cargo.toml");
    let workspace = get(&root, "workspace.package").and_then(Value::as_table).expect("workspace.package").clone();
    // crates.io's category slugs used here (https://crates.io/category_slugs)
    let categories = ["api-bindings", "command-line-utilities", "config", "development-tools", "parser-implementations", "wasm", "web-programming"];
    for manifest in members() {
        let table = toml_file(&manifest);
        let package = get(&table, "package").and_then(Value::as_table).expect("package");
        // a field set in the crate, or inherited from [workspace.package]
        let field = |key: &str| -> Option<Value> {
            match package.get(key) {
                Some(Value::Table(t)) if t.get("workspace").and_then(Value::as_bool) == Some(true) => workspace.get(key).cloned(),
                other => other.cloned(),
            }
        };
        for key in ["description", "license", "repository", "readme", "keywords", "categories", "edition", "rust-version"] {
            assert!(field(key).is_some(), "{manifest}: no `{key}`");
        }
        assert!(field("description").and_then(|d| d.as_str().map(str::len)).unwrap_or(0) > 20, "{manifest}: description");
        assert_eq!(field("license"), Some(Value::from("MIT OR Apache-2.0")), "{manifest}: license");
        let dir = Path::new(&manifest).parent().expect("crate folder");
        let readme = field("readme").and_then(|r| r.as_str().map(str::to_owned)).expect("readme");
        let readme_path = if package.get("readme").is_some_and(Value::is_table) { workspace_root().join(&readme) } else { workspace_root().join(dir).join(&readme) };
        assert!(readme_path.is_file(), "{manifest}: readme {} is missing", readme_path.display());
        let keywords = field("keywords").and_then(|k| k.as_array().cloned()).expect("keywords");
        assert!(!keywords.is_empty() && keywords.len() <= 5, "{manifest}: crates.io takes at most 5 keywords");
        for keyword in &keywords {
            let k = keyword.as_str().expect("keyword");
            assert!(k.len() <= 20 && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{manifest}: keyword `{k}`");
        }
        let own = field("categories").and_then(|c| c.as_array().cloned()).expect("categories");
        assert!(!own.is_empty() && own.len() <= 5, "{manifest}: crates.io takes at most 5 categories");
        for category in &own {
            assert!(categories.contains(&category.as_str().expect("category")), "{manifest}: category {category:?} (not one of {categories:?})");
        }
    }
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        assert!(workspace_root().join(license).is_file(), "{license} is missing");
    }
    assert_eq!(string(&root, "workspace.package.license"), Some("MIT OR Apache-2.0"));
    // the other packages say the same license and repository
    let repository = string(&root, "workspace.package.repository").expect("repository");
    let package = json_file("bindings/wasm/package.json");
    assert_eq!(package["license"], "MIT OR Apache-2.0");
    assert_eq!(package["repository"]["url"], format!("git+{repository}.git").as_str());
    for pyproject in ["bindings/python/pyproject.toml", "pyproject.toml"] {
        let table = toml_file(pyproject);
        assert_eq!(string(&table, "project.license"), Some("MIT OR Apache-2.0"), "{pyproject}");
        assert_eq!(string(&table, "project.urls.Repository"), Some(repository), "{pyproject}");
    }
    assert!(read("Dockerfile").contains("org.opencontainers.image.licenses=\"MIT OR Apache-2.0\""));
}

#[test]
fn root_pyproject_builds_the_python_package() {
    // pre-commit's python hook runs `pip install .` at the repository root: the root pyproject.toml
    // must describe the same package as bindings/python/pyproject.toml
    let root = toml_file("pyproject.toml");
    let bindings = toml_file("bindings/python/pyproject.toml");
    let mut root_project = get(&root, "project").and_then(Value::as_table).expect("[project]").clone();
    let mut bindings_project = get(&bindings, "project").and_then(Value::as_table).expect("[project]").clone();
    // the readme is the same file, named from each folder
    assert_eq!(root_project.remove("readme"), Some(Value::from("bindings/python/README.md")));
    assert_eq!(bindings_project.remove("readme"), Some(Value::from("README.md")));
    assert_eq!(root_project, bindings_project, "the [project] tables differ");
    assert_eq!(get(&root, "build-system"), get(&bindings, "build-system"));
    let maturin = |t: &Table, key: &str| string(t, &format!("tool.maturin.{key}")).map(str::to_owned);
    assert_eq!(maturin(&root, "manifest-path").as_deref(), Some("bindings/python/Cargo.toml"));
    assert_eq!(maturin(&root, "python-source").as_deref(), Some("bindings/python/python"));
    assert_eq!(maturin(&bindings, "python-source").as_deref(), Some("python"));
    for key in ["module-name", "bindings", "strip"] {
        assert_eq!(get(&root, &format!("tool.maturin.{key}")), get(&bindings, &format!("tool.maturin.{key}")), "tool.maturin.{key}");
    }
    assert!(workspace_root().join("bindings/python/python/composeguard/__init__.py").is_file());
}
