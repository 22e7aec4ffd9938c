//! Linting multi-file projects: findings point into the file that set the value, with a related
//! label at what it overrode or where it was inherited; profiles select what is linted. Files are
//! held in memory ([`MemoryFiles`]), as the Python and wasm bindings pass them.

use composeguard::lint::{lint_files, LintOptions, Report};
use composeguard::Diagnostic;
use composeguard_model::project::{load_project, MemoryFiles, ProjectOptions};

fn files(list: &[(&str, &str)]) -> MemoryFiles {
    MemoryFiles(list.iter().map(|(p, t)| ((*p).to_string(), (*t).to_string())).collect())
}

fn options(files: &[&str]) -> ProjectOptions {
    ProjectOptions { files: files.iter().map(|f| (*f).to_string()).collect(), cwd: "/p".into(), ..ProjectOptions::default() }
}

fn spec(report: &Report) -> Vec<&Diagnostic> {
    report.diagnostics().filter(|d| d.category == composeguard::Category::Spec).collect()
}

#[test]
fn a_bad_value_in_an_override_points_into_it_with_the_overridden_value_related() {
    let fs = files(&[
        ("/p/compose.yaml", "services:\n  app:\n    image: app\n    stop_grace_period: 10s\n"),
        ("/p/prod.yaml", "services:\n  app:\n    stop_grace_period: 10x\n    imagee: typo\n"),
    ]);
    let report = lint_files(&options(&["compose.yaml", "prod.yaml"]), &LintOptions::default(), &fs);
    let found = spec(&report);
    assert_eq!(found.len(), 2, "{found:#?}");
    let duration = found.iter().find(|d| d.rule == "invalid-value").expect("duration error");
    assert_eq!((&*duration.file, duration.start.line, duration.start.column), ("prod.yaml", 3, 24));
    assert_eq!(duration.related.len(), 1);
    assert_eq!((duration.related[0].file.as_str(), duration.related[0].start.line), ("compose.yaml", 4));
    let key = found.iter().find(|d| d.rule == "unknown-key").expect("unknown key");
    assert_eq!((&*key.file, key.start.line), ("prod.yaml", 4));
}

#[test]
fn an_inherited_value_points_into_the_base_file_with_the_extends_related() {
    let fs = files(&[
        ("/p/compose.yaml", "services:\n  web:\n    extends:\n      file: common/base.yaml\n      service: base\n  worker:\n    extends: {file: nothere.yaml, service: x}\n"),
        ("/p/common/base.yaml", "services:\n  base:\n    image: x\n    enviroment: [A=1]\n"),
    ]);
    let report = lint_files(&options(&["compose.yaml"]), &LintOptions::default(), &fs);
    let found = spec(&report);
    // both problems are reported: the bad key inherited from the base, the missing file
    let key = found.iter().find(|d| d.rule == "unknown-key").expect("unknown key");
    assert_eq!((&*key.file, key.start.line, key.start.column), ("common/base.yaml", 4, 5));
    assert_eq!(key.path, "services.web.enviroment");
    assert_eq!(key.related.len(), 1, "{key:#?}");
    assert_eq!((key.related[0].file.as_str(), key.related[0].start.line), ("compose.yaml", 3));
    assert!(key.related[0].message.contains("extends"));
    let missing = found.iter().find(|d| d.rule == "missing-file").expect("missing extends file");
    assert_eq!((&*missing.file, missing.start.line), ("compose.yaml", 7));
}

#[test]
fn cycles_and_conflicts_are_errors_at_their_place() {
    let fs = files(&[
        ("/p/compose.yaml", "include:\n  - sub/compose.yaml\n  - loop.yaml\nservices:\n  a:\n    image: a\n  b:\n    extends: c\n  c:\n    extends: b\n"),
        ("/p/sub/compose.yaml", "services:\n  a:\n    image: other\n"),
        ("/p/loop.yaml", "include:\n  - compose.yaml\n"),
    ]);
    let report = lint_files(&options(&["compose.yaml"]), &LintOptions::default(), &fs);
    let rules: Vec<(&str, &str, u32)> = spec(&report).iter().map(|d| (&*d.rule, &*d.file, d.start.line)).collect();
    assert!(rules.contains(&("conflicting-keys", "compose.yaml", 5)), "{rules:?}");
    assert!(rules.contains(&("dependency-cycle", "loop.yaml", 2)), "{rules:?}");
    assert!(rules.iter().any(|(r, f, l)| *r == "dependency-cycle" && *f == "compose.yaml" && (*l == 8 || *l == 10)), "{rules:?}");
}

#[test]
fn remote_includes_are_not_fetched() {
    let fs = files(&[("/p/compose.yaml", "include:\n  - oci://registry.example/app:1\nservices:\n  a:\n    image: a\n")]);
    let report = lint_files(&options(&["compose.yaml"]), &LintOptions::default(), &fs);
    let remote: Vec<&Diagnostic> = report.diagnostics().filter(|d| d.rule == "remote-resource").collect();
    assert_eq!(remote.len(), 1);
    assert_eq!(remote[0].severity, composeguard::Severity::Info);
    assert!(!report.is_invalid());
}

#[test]
fn every_service_is_linted_unless_profiles_are_chosen_and_findings_note_its_profiles() {
    let fs = files(&[("/p/compose.yaml", "services:\n  app:\n    image: app\n    healthcheck: {test: [CMD, 'true']}\n  debug:\n    image: debug\n    profiles: [debug, tools]\n")]);
    let default = lint_files(&options(&["compose.yaml"]), &LintOptions::default(), &fs);
    let finding = default.diagnostics().find(|d| d.rule == "no-healthcheck").expect("no profile chosen: debug is linted");
    assert_eq!(finding.profiles, ["debug", "tools"]);
    assert!(default.diagnostics().filter(|d| d.rule == "no-healthcheck").count() == 1, "app has a healthcheck");
    let mut chosen = options(&["compose.yaml"]);
    chosen.profiles = vec!["other".into()];
    let report = lint_files(&chosen, &LintOptions::default(), &fs);
    assert!(report.diagnostics().all(|d| d.rule != "no-healthcheck"), "a service the chosen profiles leave out is not linted");
    let mut all = options(&["compose.yaml"]);
    all.profiles = vec!["*".into()];
    let report = lint_files(&all, &LintOptions::default(), &fs);
    let finding = report.diagnostics().find(|d| d.rule == "no-healthcheck").expect("debug is linted");
    assert_eq!(finding.profiles, ["debug", "tools"]);
}

#[test]
fn env_precedence_and_override_discovery() {
    let fs = files(&[
        ("/p/compose.yaml", "services:\n  app:\n    image: \"app:${TAG}\"\n"),
        ("/p/compose.override.yaml", "services:\n  app:\n    environment:\n      - FROM=${FROM}\n"),
        ("/p/.env", "TAG=dotenv\nFROM=dotenv\n"),
    ]);
    let mut opts = ProjectOptions { cwd: "/p".into(), ..ProjectOptions::default() };
    opts.env.insert("FROM".into(), "process".into());
    let project = load_project(&opts, &fs);
    assert!(project.issues.is_empty(), "{:?}", project.issues);
    assert_eq!(project.files, ["compose.yaml", "compose.override.yaml"]);
    assert_eq!(project.name, "p");
    let app = project.compose.services.get("app").expect("app");
    assert_eq!(app.image.as_ref().map(|i| i.value.as_str()), Some("app:dotenv"));
    assert_eq!(app.environment.get("FROM").and_then(|e| e.value.as_ref()).map(|v| v.value.as_str()), Some("process"));
}

#[test]
fn a_project_named_by_its_dotenv_or_the_environment_is_not_said_to_be_named_after_its_folder() {
    let named = |list: &[(&str, &str)], env: &[(&str, &str)], flag: Option<&str>| {
        let mut opts = options(&["compose.yaml"]);
        opts.env.extend(env.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())));
        opts.project_name = flag.map(str::to_string);
        let report = lint_files(&opts, &LintOptions::default(), &files(list));
        let found = report.diagnostics().any(|d| d.rule == "missing-project-name");
        found
    };
    let compose = ("/p/compose.yaml", "services:\n  app:\n    image: nginx:1.27\n");
    assert!(named(&[compose], &[], None), "named after the folder");
    assert!(!named(&[compose, ("/p/.env", "COMPOSE_PROJECT_NAME=shop\n")], &[], None), "`.env` names it");
    assert!(!named(&[compose], &[("COMPOSE_PROJECT_NAME", "shop")], None), "the environment names it");
    assert!(!named(&[compose], &[], Some("shop")), "`-p` names it");
}

/// The image rules read what the project's `.env` sets, as compose does, whatever the
/// environment of the machine that runs the check says: `${TAG}` with `TAG=latest` in `.env` is
/// a floating tag; a version there is not.
#[test]
fn image_rules_read_the_tag_the_projects_env_file_sets() {
    let fs = files(&[
        ("/p/.env", "TAG=latest\nVERSION=1.2.3\nNAME=redis\n"),
        (
            "/p/compose.yaml",
            "services:\n  web:\n    image: nginx:${TAG}\n  api:\n    image: api:${VERSION:-latest}\n  cache:\n    image: ${NAME}\n  job:\n    image: job:${UNSET}\n",
        ),
    ]);
    let select = LintOptions { select: vec!["image-floating-tag".into(), "image-without-tag".into()], ..LintOptions::default() };
    let findings = |env: &[(&str, &str)]| {
        let mut opts = options(&["compose.yaml"]);
        opts.env = env.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        let report = lint_files(&opts, &select, &fs);
        report
            .diagnostics()
            .filter(|d| d.rule == "image-floating-tag" || d.rule == "image-without-tag")
            .map(|d| (d.rule.to_string(), d.start.line, d.message.clone()))
            .collect::<Vec<_>>()
    };
    let found = findings(&[]);
    assert_eq!(
        found,
        [
            ("image-floating-tag".to_string(), 3, "image `nginx:${TAG}` of service `web` gets the floating tag `latest` from the project's env file".to_string()),
            ("image-without-tag".to_string(), 7, "service `cache` gets the untagged image `redis` from the project's env file (`${NAME}`), so docker pulls `latest`".to_string()),
        ],
        "{found:#?}"
    );
    // the machine's environment does not change what the project says
    assert_eq!(findings(&[("TAG", "1.0"), ("UNSET", "latest"), ("NAME", "redis:7")]), found);
}

/// A file read through `extends` is interpolated with the project's variables, so the tag its
/// image gets from the project's `.env` is judged as in the project's own files.
#[test]
fn image_rules_read_the_projects_env_file_in_extended_files() {
    let fs = files(&[
        ("/p/.env", "TAG=latest\nPINNED=1.2.3\n"),
        (
            "/p/compose.yaml",
            "services:\n  web:\n    extends: {file: common/base.yaml, service: base}\n  db:\n    extends: {file: common/base.yaml, service: pinned}\n",
        ),
        ("/p/common/base.yaml", "services:\n  base:\n    image: nginx:${TAG}\n  pinned:\n    image: redis:${PINNED}\n"),
    ]);
    let select = LintOptions { select: vec!["image-floating-tag".into(), "image-without-digest".into()], ..LintOptions::default() };
    let findings = |env: &[(&str, &str)]| {
        let mut opts = options(&["compose.yaml"]);
        opts.env = env.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        lint_files(&opts, &select, &fs)
            .diagnostics()
            .filter(|d| d.rule == "image-floating-tag" || d.rule == "image-without-digest")
            .map(|d| (d.rule.to_string(), d.file.to_string(), d.start.line, d.path.clone()))
            .collect::<Vec<_>>()
    };
    let found = findings(&[]);
    assert_eq!(
        found,
        [
            ("image-floating-tag".to_string(), "common/base.yaml".to_string(), 3, "services.web.image".to_string()),
            ("image-without-digest".to_string(), "common/base.yaml".to_string(), 5, "services.db.image".to_string()),
        ],
        "{found:#?}"
    );
    assert_eq!(findings(&[("TAG", "1.0")]), found);
}

/// A value two services inherit along `extends` chains through another file, where each
/// service extends the service of its own name there, is reported once, with each service's
/// `extends` related; names with dots (`peer0.org1.example.com`) too.
#[test]
fn a_value_inherited_through_same_named_services_is_reported_once() {
    let fs = files(&[
        (
            "/p/compose.yaml",
            "services:\n  web1.example.com:\n    extends: {file: mid.yaml, service: web1.example.com}\n  web2.example.com:\n    extends: {file: mid.yaml, service: web2.example.com}\n",
        ),
        (
            "/p/mid.yaml",
            "services:\n  web1.example.com:\n    extends: {file: base.yaml, service: app}\n  web2.example.com:\n    extends: {file: base.yaml, service: app}\n",
        ),
        ("/p/base.yaml", "services:\n  app:\n    image: nginx:latest\n"),
    ]);
    let select = LintOptions { select: vec!["image-floating-tag".into()], ..LintOptions::default() };
    let report = lint_files(&options(&["compose.yaml"]), &select, &fs);
    let found: Vec<&Diagnostic> = report.diagnostics().filter(|d| d.rule == "image-floating-tag").collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((&*found[0].file, found[0].start.line), ("base.yaml", 3));
    assert_eq!(found[0].related.len(), 2, "{:#?}", found[0].related);
}

/// The spec errors of a report as `file:line:column rule`, in report order.
fn spec_lines(report: &Report) -> Vec<String> {
    spec(report).iter().map(|d| format!("{}:{}:{} {}", d.file, d.start.line, d.start.column, d.rule)).collect()
}

#[test]
fn an_extends_cycle_through_other_files_is_the_one_error() {
    let fs = files(&[
        ("/p/compose.yaml", "services:\n  web:\n    extends: {file: a.yaml, service: a}\n"),
        ("/p/a.yaml", "services:\n  a:\n    extends: {file: b.yaml, service: b}\n"),
        ("/p/b.yaml", "services:\n  b:\n    extends: {file: a.yaml, service: a}\n"),
    ]);
    let report = lint_files(&options(&["compose.yaml"]), &LintOptions::default(), &fs);
    assert_eq!(spec_lines(&report), ["a.yaml:3:5 dependency-cycle"]);
}

#[test]
fn a_base_that_fails_to_load_is_the_one_error_of_the_service_that_extends_it() {
    let web = "services:\n  web:\n    extends: {file: common.yaml, service: app}\n";
    // the base file does not parse: it is not also said to have no services
    let fs = files(&[("/p/compose.yaml", web), ("/p/common.yaml", "services:\n  app:\n    image: nginx:1.25\n     ports: []\n")]);
    let report = lint_files(&options(&["compose.yaml"]), &LintOptions::default(), &fs);
    assert_eq!(spec_lines(&report), ["common.yaml:4:11 yaml-syntax"]);
    // the base's image needs a variable: the child is not also said to have no image
    let fs = files(&[("/p/compose.yaml", web), ("/p/common.yaml", "services:\n  app:\n    image: nginx:${TAG:?TAG needed}\n")]);
    let report = lint_files(&options(&["compose.yaml"]), &LintOptions::default(), &fs);
    assert_eq!(spec_lines(&report), ["common.yaml:3:18 missing-required-variable"]);
    // the base's own base is missing
    let fs = files(&[("/p/compose.yaml", web), ("/p/common.yaml", "services:\n  app:\n    extends: {file: gone.yaml, service: z}\n")]);
    let report = lint_files(&options(&["compose.yaml"]), &LintOptions::default(), &fs);
    assert_eq!(spec_lines(&report), ["common.yaml:3:21 missing-file"]);
    // a value of the base that compose refuses as it reads the file is reported once
    let fs = files(&[("/p/compose.yaml", web), ("/p/common.yaml", "services:\n  app:\n    image: nginx:1.25\n    ports: \"80:80\"\n")]);
    let report = lint_files(&options(&["compose.yaml"]), &LintOptions::default(), &fs);
    assert_eq!(spec_lines(&report), ["common.yaml:4:12 invalid-type"]);
}

/// The related locations of the spec error of `rule`, as `file:line:column message`.
fn related_of(report: &Report, rule: &str) -> Vec<String> {
    let found = report.diagnostics().find(|d| d.rule == rule).unwrap_or_else(|| panic!("no {rule}: {:?}", spec_lines(report)));
    found.related.iter().map(|r| format!("{}:{}:{} {}", r.file, r.start.line, r.start.column, r.message)).collect()
}

fn stacked(base: &str, over: &str) -> Report {
    let fs = files(&[("/p/compose.yaml", base), ("/p/prod.yaml", over)]);
    lint_files(&options(&["compose.yaml", "prod.yaml"]), &LintOptions::default(), &fs)
}

#[test]
fn a_healthcheck_disabled_by_an_override_is_shown_where_it_is_disabled() {
    let report = stacked(
        "services:\n  web:\n    image: nginx:1.25\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:16\n    healthcheck:\n      test: [\"CMD\",\"pg_isready\"]\n",
        "services:\n  db:\n    healthcheck:\n      disable: true\n",
    );
    assert_eq!(related_of(&report, "service-healthy-without-healthcheck"), ["prod.yaml:4:16 healthcheck disabled here"]);
}

#[test]
fn a_finding_at_a_base_value_shows_the_override_that_causes_it() {
    // a volume made external by an override, where the base sets `driver` or `driver_opts`
    let report = stacked("services:\n  web:\n    image: nginx:1.25\nvolumes:\n  data:\n    driver_opts: {type: none}\n", "volumes:\n  data:\n    external: true\n");
    assert_eq!(related_of(&report, "conflicting-keys"), ["prod.yaml:3:15 marked external here"]);
    // a secret given an `environment` by an override
    let report = stacked("services:\n  web:\n    image: nginx:1.25\n    secrets: [s]\nsecrets:\n  s:\n    file: ./s.txt\n", "secrets:\n  s:\n    environment: TOKEN\n");
    assert_eq!(related_of(&report, "conflicting-keys"), ["prod.yaml:3:18 `environment` set here"]);
    // replicas set by an override beside the base's `container_name`
    let report = stacked("services:\n  web:\n    image: nginx:1.25\n    container_name: web\n", "services:\n  web:\n    deploy:\n      replicas: 3\n");
    assert_eq!(related_of(&report, "conflicting-keys"), ["prod.yaml:4:17 `deploy.replicas` set here"]);
}

#[test]
fn what_a_reset_removes_is_said_to_be_removed_there() {
    let report = stacked("services:\n  web:\n    build: .\n", "services:\n  web:\n    build: !reset null\n");
    assert_eq!(related_of(&report, "missing-image"), ["prod.yaml:3:5 `build` removed here by `!reset`"]);
    let report = stacked("services:\n  web:\n    image: nginx:1.25\n", "services:\n  web:\n    image: !reset\n");
    assert_eq!(related_of(&report, "missing-image"), ["prod.yaml:3:5 `image` removed here by `!reset`"]);
    for (section, reference, declaration) in [("networks", "networks: [front]", "front: {}"), ("secrets", "secrets: [front]", "front:\n    environment: T")] {
        let report = stacked(&format!("services:\n  web:\n    image: nginx:1.25\n    {reference}\n{section}:\n  {declaration}\n"), &format!("{section}: !reset {{}}\n"));
        assert_eq!(related_of(&report, "undefined-reference"), ["prod.yaml:1:1 declaration removed here by `!reset`"]);
        let help = report.diagnostics().find(|d| d.rule == "undefined-reference").and_then(|d| d.help.clone()).unwrap_or_default();
        assert!(!help.contains("declare `front`") && help.contains("`!reset` in `prod.yaml`"), "{help}");
    }
}

/// An env file compose refuses (`.env`, `--env-file`, an include's `env_file`) is the mistake:
/// the variables it meant to set are not also reported unset or missing.
#[test]
fn a_refused_env_file_does_not_make_its_variables_unset() {
    let places = |list: &[(&str, &str)], env_files: &[&str]| {
        let mut opts = options(&["compose.yaml"]);
        opts.env_files = env_files.iter().map(|f| (*f).to_string()).collect();
        let report = lint_files(&opts, &LintOptions::default(), &files(list));
        let mut found: Vec<String> = spec(&report).iter().map(|d| format!("{}:{} {}", d.file, d.start.line, d.rule)).collect();
        found.sort();
        found
    };
    let compose = ("/p/compose.yaml", "services:\n  web:\n    image: nginx:${TAG}\n    environment:\n      A: ${OTHER}\n      B: ${REQ:?needed}\n      C: ${UNRELATED}\n");
    // an unterminated quote: compose reads none of the file
    let dotenv = ("/p/.env", "TAG=\"1.25\nOTHER=x\nREQ=1\n");
    assert_eq!(places(&[compose, dotenv], &[]), [".env:1 invalid-value", "compose.yaml:7 unset-variable"]);
    // the same through `--env-file`, with a key compose refuses
    let ci = ("/p/ci.env", "BAD KEY=1\nTAG=1.25\nOTHER=x\nREQ=1\n");
    assert_eq!(places(&[compose, ci], &["ci.env"]), ["ci.env:1 invalid-value", "compose.yaml:7 unset-variable"]);
    // an include's env file
    let main = ("/p/compose.yaml", "include:\n  - path: sub/compose.yaml\n    env_file: sub/sub.env\n");
    let sub = ("/p/sub/compose.yaml", "services:\n  db:\n    image: postgres:${PG}\n    environment:\n      C: ${UNRELATED}\n");
    let sub_env = ("/p/sub/sub.env", "PG=\"16\n");
    assert_eq!(places(&[main, sub, sub_env], &[]), ["compose.yaml:3 invalid-value", "sub/compose.yaml:5 unset-variable"]);
}

/// A relative path in an `-f` file of another folder is resolved from the project folder (the
/// first file's): the help says where compose looks and, when a file of that name is beside the
/// file that names it, the path to write for it (`env_file`, a secret's `file`, `extends`,
/// `include`), as it does for an included file with a `project_directory`.
#[test]
fn a_path_resolved_from_the_project_folder_says_where_compose_looks() {
    let fs = files(&[
        ("/p/compose.yaml", "services:\n  web:\n    image: nginx:1.25\n    secrets: [s]\n"),
        (
            "/p/deploy/prod.yaml",
            "include:\n  - mon.yaml\nservices:\n  web:\n    env_file: [prod.env, other.env]\n  worker:\n    extends: {file: common.yaml, service: app}\nsecrets:\n  s:\n    file: ./s.txt\n",
        ),
        ("/p/deploy/prod.env", "A=1\n"),
        ("/p/deploy/s.txt", "x"),
        ("/p/deploy/common.yaml", "services:\n  app:\n    image: alpine:3.20\n"),
        ("/p/deploy/mon.yaml", "services:\n  mon:\n    image: prom/prometheus:v2.53.0\n"),
    ]);
    let report = lint_files(&options(&["compose.yaml", "deploy/prod.yaml"]), &LintOptions::default(), &fs);
    let helps: Vec<(u32, String)> = report
        .diagnostics()
        .filter(|d| d.rule == "missing-file" || d.rule == "missing-secret-or-config-file")
        .map(|d| (d.start.line, d.help.as_deref().unwrap_or_default().to_string()))
        .collect();
    let beside = |path: &str| {
        format!("relative paths in every `-f` file are resolved from the project folder (the first file's folder), not from the file's own folder, so compose looks for `/p/{path}`: write `deploy/{path}` for the file beside `deploy/prod.yaml`")
    };
    let mut expected = vec![
        (2, beside("mon.yaml")),
        (5, beside("prod.env")),
        (5, "relative paths in every `-f` file are resolved from the project folder (the first file's folder), so compose looks for `/p/other.env`; create the file, fix the path, or mark it optional with `required: false`".to_string()),
        (7, beside("common.yaml")),
        (10, beside("s.txt")),
    ];
    let mut found = helps.clone();
    found.sort();
    expected.sort();
    assert_eq!(found, expected, "{helps:#?}");
    // an included file whose `project_directory` is the including file's folder
    let fs = files(&[
        ("/p/compose.yaml", "include:\n  - path: db/compose.yaml\n    project_directory: .\n"),
        ("/p/db/compose.yaml", "services:\n  db:\n    image: postgres:16\n    secrets: [pg]\nsecrets:\n  pg:\n    file: ./pg.txt\n"),
        ("/p/db/pg.txt", "x"),
    ]);
    let report = lint_files(&options(&["compose.yaml"]), &LintOptions::default(), &fs);
    let secret = report.diagnostics().find(|d| d.rule == "missing-secret-or-config-file").expect("missing secret file");
    assert_eq!(
        secret.help.as_deref(),
        Some("relative paths in `db/compose.yaml` are resolved from its project folder (its `include`'s `project_directory`), not from the file's own folder, so compose looks for `/p/pg.txt`: write `db/pg.txt` for the file beside `db/compose.yaml`")
    );
}

/// A variable of an extended file in another folder comes from the project's `.env`, not from a
/// `.env` beside that file: the help names the one compose reads.
#[test]
fn a_variable_of_a_file_in_another_folder_names_the_projects_dotenv() {
    let fs = files(&[
        ("/p/compose.yaml", "services:\n  web:\n    extends: {file: common/base.yaml, service: app}\n"),
        ("/p/common/.env", "TAG=1.25\nOTHER=x\n"),
        ("/p/common/base.yaml", "services:\n  app:\n    image: nginx:${TAG:?TAG needed}\n    environment:\n      A: ${OTHER}\n"),
    ]);
    let report = lint_files(&options(&["compose.yaml"]), &LintOptions::default(), &fs);
    let help = |rule: &str| report.diagnostics().find(|d| d.rule == rule).and_then(|d| d.help.as_deref().map(str::to_string));
    assert_eq!(help("missing-required-variable").as_deref(), Some("set `TAG` in the environment or in the project's `.env` (`common/.env` beside `common/base.yaml` is not read)"));
    assert_eq!(
        help("unset-variable").as_deref(),
        Some("set `OTHER` in the environment or in the project's `.env` (`common/.env` beside `common/base.yaml` is not read), or give a default: `${OTHER:-value}`")
    );
}

/// compose checks the files of a stack against its schema as it merges them, one at a time: a
/// key the schema requires, a pattern or a schema type broken by the first file is an error
/// there, even though the override completes or replaces the value. What only compose's decoder
/// refuses (it reads the project once, merged) is mended by the override.
#[test]
fn schema_errors_of_the_files_merged_so_far_are_not_mended_by_a_later_file() {
    let base = "services:
  app:
    image: app
    depends_on: {db: {restart: true}}
    volumes: [{source: /a, target: /a}]
    ulimits: {nofile: {soft: 1}}
    container_name: \"-\"
    mem_swappiness: 1.5
    labels: {\"\": x}
  db:
    image: db
models:
  m: {context_size: 1}
";
    let over = "services:
  app:
    depends_on: [db]
    volumes: [{type: bind, source: /a, target: /a}]
    ulimits: {nofile: {soft: 1, hard: 2}}
    container_name: app
    mem_swappiness: 10
    labels: !reset {}
models:
  m: {model: ai/x}
";
    let fs = files(&[("/p/compose.yaml", base), ("/p/override.yaml", over)]);
    let report = lint_files(&options(&["compose.yaml", "override.yaml"]), &LintOptions::default(), &fs);
    let mut found: Vec<(String, u32, &str)> = spec(&report).iter().map(|d| (d.file.to_string(), d.start.line, d.rule.as_ref())).collect();
    found.sort();
    let expected = [(4, "missing-key"), (5, "missing-key"), (6, "missing-key"), (7, "invalid-value"), (8, "invalid-type"), (9, "invalid-value"), (13, "missing-key")];
    assert_eq!(found, expected.iter().map(|(l, r)| ("compose.yaml".to_string(), *l, *r)).collect::<Vec<_>>());
    let depends = spec(&report).into_iter().find(|d| d.start.line == 4).expect("depends_on");
    assert!(depends.help.as_deref().is_some_and(|h| h.contains("one at a time")), "{depends:#?}");
}

#[test]
fn values_only_compose_decoder_refuses_are_mended_by_a_later_file() {
    let base = "services:
  app:
    image: app
    healthcheck: {retries: -1}
    scale: -1
    blkio_config: {weight: 5}
    volumes: [{type: bind, target: /a}]
    storage_opt: {size: [1]}
";
    let over = "services:
  app:
    healthcheck: {retries: 1}
    scale: 1
    blkio_config: {weight: 100}
    volumes: [{type: bind, source: /a, target: /a}]
    storage_opt: !reset {}
";
    let fs = files(&[("/p/compose.yaml", base), ("/p/override.yaml", over)]);
    let report = lint_files(&options(&["compose.yaml", "override.yaml"]), &LintOptions::default(), &fs);
    assert!(spec(&report).is_empty(), "{:#?}", spec(&report));
}
