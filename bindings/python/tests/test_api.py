"""The Python API: what each function returns, positions in code points, and when it raises."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import composeguard
from composeguard import ComposeguardError, ConfigError, Diagnostic, Report, Rule

from conftest import ROOT

EXAMPLE = (ROOT / "examples" / "compose.yaml").read_text(encoding="utf-8")
VALID = 'name: demo\nservices:\n  web:\n    image: nginx:1.27\n    healthcheck:\n      test: ["CMD", "true"]\n'
# Only the spec checks: what docker compose rejects (stable while checklist rules are added).
SPEC_ONLY = {"ignore": ["correctness", "security", "reliability", "resources", "reproducibility", "style"]}


def by_rule(report: Report, rule: str) -> list[Diagnostic]:
    return [d for d in report.diagnostics if d.rule == rule]


def test_lint_example() -> None:
    report = composeguard.lint(EXAMPLE, path="examples/compose.yaml")
    assert isinstance(report, Report)
    [typo] = by_rule(report, "unknown-key")
    assert (typo.code, typo.category, typo.severity) == ("CG006", "spec", "error")
    assert typo.message == "unknown key `enviroment` in `services.api`"
    assert typo.file == "examples/compose.yaml"
    assert typo.path == ("services", "api", "enviroment")
    assert (typo.start_line, typo.start_column, typo.end_line, typo.end_column) == (13, 5, 13, 15)
    assert EXAMPLE.encode()[typo.start_offset : typo.end_offset] == b"enviroment"
    assert typo.help == "did you mean `environment`?"
    assert typo.related == () and typo.fix is None and typo.suppression is None and typo.profiles == ()
    assert report.files == ("examples/compose.yaml",)
    severities = [d.severity for d in report.diagnostics]
    counts = (severities.count("error"), severities.count("warning"), severities.count("info"))
    assert (report.error_count, report.warning_count, report.info_count) == counts
    assert report.summary == dict(zip(("error", "warning", "info"), counts))
    assert by_rule(report, "undefined-reference") and by_rule(report, "no-healthcheck")
    assert not report.valid
    assert not report.ok()
    assert str(typo) == "examples/compose.yaml:13:5: error[CG006 unknown-key] unknown key `enviroment` in `services.api`"
    assert "CG006 unknown-key" in repr(typo)


def test_valid_file() -> None:
    report = composeguard.lint(VALID, config=SPEC_ONLY)
    assert report.valid and report.ok() and report.ok("warning") and report.ok("info")
    assert report.error_count == 0 and report.diagnostics == ()
    assert str(report) == "All checks passed (1 file)."
    assert composeguard.lint(VALID).valid


def test_columns_are_code_points_and_offsets_bytes() -> None:
    text = 'services:\n  "wéb😀": {imgae: nginx:1.27}\n'
    [d] = by_rule(composeguard.lint(text), "unknown-key")
    line = text.splitlines()[d.start_line - 1]
    assert line[d.start_column - 1 : d.end_column - 1] == "imgae"
    assert text.encode()[d.start_offset : d.end_offset] == b"imgae"
    assert d.start_column == 12 and d.path == ("services", "wéb😀", "imgae")


def test_positions_index_a_text_that_starts_with_a_byte_order_mark() -> None:
    text = '\ufeffservice:\n  web:\n    image: nginx:1.27\n'
    for given in (text, text.encode()):
        [d] = by_rule(composeguard.lint(given), "unknown-key")
        line = text.splitlines()[d.start_line - 1]
        assert line[d.start_column - 1 : d.end_column - 1] == "service"
        assert text.encode()[d.start_offset : d.end_offset] == b"service"


def test_profiles_turn_on_services_as_for_the_cli() -> None:
    text = "name: shop\nservices:\n  web:\n    image: nginx:1.27\n  debug:\n    image: busybox:1.37.0\n    privileged: true\n    profiles: [debug]\n"
    # no profile chosen: every service is checked, and the finding names the service's profiles
    assert [d.profiles for d in by_rule(composeguard.lint(text), "privileged")] == [("debug",)]
    assert not by_rule(composeguard.lint(text, profiles=["tools"]), "privileged")
    assert not by_rule(composeguard.lint(text, env={"COMPOSE_PROFILES": "tools"}), "privileged")
    assert by_rule(composeguard.lint(text, profiles=["debug"]), "privileged")
    assert by_rule(composeguard.lint(text, profiles=["*"]), "privileged")
    assert by_rule(composeguard.lint(text, env={"COMPOSE_PROFILES": "debug"}), "privileged")
    with pytest.raises(TypeError):
        composeguard.lint(text, profiles="debug")


def test_an_invalid_project_name_in_env_is_an_error_as_for_the_cli() -> None:
    text = "services:\n  web:\n    image: nginx:1.27\n"
    report = composeguard.lint(text, env={"COMPOSE_PROJECT_NAME": "My App"})
    assert not report.valid
    [d] = [d for d in report.diagnostics if "invalid project name" in d.message]
    assert d.rule == "invalid-value" and "`My App` (from `COMPOSE_PROJECT_NAME` in the environment)" in d.message
    assert composeguard.lint(text, env={"COMPOSE_PROJECT_NAME": "my-app"}).valid


def test_path_tuple_keeps_dotted_keys_and_indexes() -> None:
    text = "services:\n  web.v2:\n    image: nginx:1.27\n    imgae: x\n    volumes:\n      - type: bind\n        sourc: ./x\n        target: /x\n"
    report = composeguard.lint(text)
    paths = {d.path for d in by_rule(report, "unknown-key")}
    assert ("services", "web.v2", "imgae") in paths
    assert ("services", "web.v2", "volumes", 0, "sourc") in paths
    text = "services:\n  'a[1]':\n    image: nginx:1.27\n    x.y: 1\n"
    assert {d.path for d in by_rule(composeguard.lint(text), "unknown-key")} == {("services", "a[1]", "x.y")}


def test_diagnostics_are_frozen_hashable_and_comparable() -> None:
    a = composeguard.lint(EXAMPLE).diagnostics
    b = composeguard.lint(EXAMPLE).diagnostics
    assert a == b and len(set(a)) == len(a) and hash(a[0]) == hash(b[0])
    with pytest.raises(AttributeError):
        a[0].message = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Diagnostic()  # type: ignore[call-arg]


def test_invalid_input_never_raises() -> None:
    for text in ["", ":", "[", "services: 5", "- a\n- b", "a: &x [*x]", "services:\n  web:\n    image: [1, {", "\t\t:::"]:
        report = composeguard.lint(text)
        assert not report.valid, text
        assert all(d.start_line >= 1 and d.start_column >= 1 for d in report.diagnostics)


def test_bytes_and_invalid_utf8() -> None:
    assert composeguard.lint(VALID.encode()).valid
    data = b"services:\n  web:\n    image: \xff\xfe\n"
    report = composeguard.lint(data)
    [d] = report.diagnostics
    assert d.rule == "yaml-syntax" and "UTF-8" in d.message
    assert (d.start_line, d.start_column, d.start_offset) == (3, 12, data.index(b"\xff"))
    # a str with lone surrogates (a file decoded with surrogateescape) is reported the same way
    text = b"services:\n  web:\n    image: \xff\xfe\n".decode("utf-8", "surrogateescape")
    assert composeguard.lint(text).diagnostics == report.diagnostics


def test_env_interpolation() -> None:
    text = "services:\n  web:\n    image: nginx:${TAG}\n"
    unset = by_rule(composeguard.lint(text), "unset-variable")
    assert unset and unset[0].severity == "warning"
    assert not by_rule(composeguard.lint(text, env={"TAG": "1.27"}), "unset-variable")
    # lint() does not read the process environment
    os.environ["TAG"] = "1.27"
    try:
        assert by_rule(composeguard.lint(text), "unset-variable")
    finally:
        del os.environ["TAG"]


def test_config_select_and_ignore() -> None:
    assert by_rule(composeguard.lint(EXAMPLE), "no-healthcheck")
    assert not by_rule(composeguard.lint(EXAMPLE, config={"ignore": ["no-healthcheck"]}), "no-healthcheck")
    assert not by_rule(composeguard.lint(EXAMPLE, config={"ignore": ["reliability"]}), "no-healthcheck")
    assert by_rule(composeguard.lint(EXAMPLE, config={"ignore": ["reliability"], "select": ["CG301"]}), "no-healthcheck")


def test_select_and_ignore_arguments(tmp_path: Path) -> None:
    # as `check --select/--ignore`: they add to the configuration's, an exact name wins
    assert not by_rule(composeguard.lint(EXAMPLE, ignore=["reliability"]), "no-healthcheck")
    assert by_rule(composeguard.lint(EXAMPLE, ignore=["reliability"], select=["no-healthcheck"]), "no-healthcheck")
    assert by_rule(composeguard.lint(EXAMPLE, config={"ignore": ["no-healthcheck"]}, select=["CG301"]), "no-healthcheck")
    text = "services:\n  web:\n    image: postgres:16\n"
    assert not by_rule(composeguard.lint(text), "image-major-version-tag")
    assert by_rule(composeguard.lint(text, select=["image-major-version-tag"]), "image-major-version-tag")
    compose = tmp_path / "compose.yaml"
    compose.write_text(text, encoding="utf-8")
    assert by_rule(composeguard.lint_files(compose, env={}, select=("CG5",)), "image-major-version-tag")
    # an entry that names no rule is refused, with the likely one
    with pytest.raises(ConfigError, match="did you mean `image-major-version-tag`"):
        composeguard.lint(text, select=["image-major-version-tags"])
    with pytest.raises(ConfigError, match="ignore: `CG9`"):
        composeguard.lint_files(compose, ignore=["CG9"])
    with pytest.raises(TypeError):
        composeguard.lint(text, select="all")


def test_config_severity_waivers_and_fail_on() -> None:
    text = "services:\n  web:\n    image: nginx:1.27\n"
    [d] = by_rule(composeguard.lint(text), "no-healthcheck")
    assert d.severity == "warning"
    [d] = by_rule(composeguard.lint(text, config={"severity": {"no-healthcheck": "error"}}), "no-healthcheck")
    assert d.severity == "error"
    waived = composeguard.lint(text, config={"waiver": [{"rule": "no-healthcheck", "service": "web", "reason": "a demo"}]})
    [d] = by_rule(waived, "no-healthcheck")
    assert d.suppression is not None and (d.suppression.kind, d.suppression.reason) == ("config", "a demo")
    assert waived.warning_count == composeguard.lint(text).warning_count - 1
    # ok() without a level answers as `composeguard check` exits: at the configuration's fail-on
    strict = composeguard.lint(text, config={"fail-on": "warning"})
    assert not strict.ok() and strict.ok("error") and composeguard.lint(text).ok()


def test_inline_suppression() -> None:
    text = "services:\n  web:  # composeguard: ignore[no-healthcheck] a demo\n    image: nginx:1.27\n"
    [d] = by_rule(composeguard.lint(text), "no-healthcheck")
    assert d.suppression is not None and d.suppression.kind == "inline"


def test_config_files(tmp_path: Path) -> None:
    text = "services:\n  web:\n    image: nginx:1.27\n"
    toml = tmp_path / "composeguard.toml"
    toml.write_text('ignore = ["no-healthcheck"]\n', encoding="utf-8")
    assert not by_rule(composeguard.lint(text, config=toml), "no-healthcheck")
    assert not by_rule(composeguard.lint(text, config=str(toml)), "no-healthcheck")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.composeguard]\nignore = ["no-healthcheck"]\n', encoding="utf-8")
    assert not by_rule(composeguard.lint(text, config=pyproject), "no-healthcheck")
    # lint() never looks for a configuration; lint_files() finds it from the file's folder up
    assert by_rule(composeguard.lint(text), "no-healthcheck")
    compose = tmp_path / "sub" / "compose.yaml"
    compose.parent.mkdir()
    compose.write_text(text, encoding="utf-8")
    assert not by_rule(composeguard.lint_files(compose), "no-healthcheck")
    assert by_rule(composeguard.lint_files(compose, config={}), "no-healthcheck")
    toml.write_text('ignore = ["no-such-rule"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown rule `no-such-rule`"):
        composeguard.lint_files(compose)
    with pytest.raises(ComposeguardError) as e:
        composeguard.lint(text, config=tmp_path / "missing.toml")
    assert not isinstance(e.value, ConfigError)


@pytest.mark.parametrize(
    "config",
    [
        {"bogus": 1},
        {"select": "privileged"},
        {"ignore": [1]},
        {"select": [object()]},
        {"select": ["no-such-rule"]},
        {"severity": {"no-healthcheck": "fatal"}},
        {"severity": {"unknown-key": "info"}},
        {"waiver": [{"rule": "no-healthcheck"}]},
        {"fail-on": "never"},
        5,
    ],
)
def test_bad_config_raises_config_error(config: object) -> None:
    with pytest.raises(ConfigError):
        composeguard.lint(VALID, config=config)  # type: ignore[arg-type]


def test_spec_errors_cannot_be_ignored() -> None:
    broken = "services:\n  web:\n    image: nginx:1.27\n    imgae: x\n"
    # what compose rejects is never ignored: a rule that only reports it cannot be named ...
    for kwargs in ({"ignore": ["unknown-key"]}, {"config": {"ignore": ["CG006"]}}):
        with pytest.raises(ConfigError, match="names spec errors only"):
            composeguard.lint(broken, **kwargs)  # type: ignore[arg-type]
    # ... and `all` leaves it on, so the file still fails
    report = composeguard.lint(broken, ignore=["all"])
    assert [d.rule for d in report.diagnostics] == ["unknown-key"]
    assert not report.ok()


def test_ok_levels() -> None:
    report = composeguard.lint("name: x\nservices:\n  web:\n    image: nginx:1.27\n", config={"ignore": ["all"], "select": ["no-healthcheck"]})
    assert [d.severity for d in report.diagnostics] == ["warning"]
    assert report.ok() and report.ok("error")
    assert not report.ok("warning") and not report.ok("info")
    with pytest.raises(ConfigError) as e:
        report.ok("fatal")
    assert isinstance(e.value, ValueError)


def test_to_json_is_the_cli_report() -> None:
    report = composeguard.lint(EXAMPLE, path="examples/compose.yaml")
    data = json.loads(report.to_json())
    assert data["version"] == 1 and data["summary"] == report.summary
    [entry] = data["files"]
    assert entry["path"] == "examples/compose.yaml"
    assert [d["rule"] for d in entry["diagnostics"]] == [d.rule for d in report.diagnostics]
    [typo] = [d for d in entry["diagnostics"] if d["rule"] == "unknown-key"]
    assert typo["path"] == "services.api.enviroment" and typo["start"] == {"line": 13, "column": 5, "offset": 220}


def test_to_sarif_and_render() -> None:
    report = composeguard.lint(EXAMPLE, path="examples/compose.yaml")
    sarif = json.loads(report.to_sarif())
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert len(results) == len(report.diagnostics)
    assert report.render("sarif") == report.to_sarif()
    assert report.render("json") == report.to_json() + "\n"
    assert report.render() == report.render("human") == str(report) + "\n"
    assert "::error" in report.render("github")
    assert report.render("junit").startswith("<?xml")
    assert isinstance(json.loads(report.render("gitlab")), list)
    with pytest.raises(ConfigError):
        report.render("xml")


def test_rules_and_explain() -> None:
    rules = composeguard.rules()
    assert rules and all(isinstance(r, Rule) for r in rules)
    assert len({r.name for r in rules}) == len(rules) == len({r.code for r in rules})
    [r] = [r for r in rules if r.name == "no-healthcheck"]
    assert (r.code, r.category, r.severity) == ("CG301", "reliability", "warning")
    assert isinstance(r.fixable, bool) and isinstance(r.default_enabled, bool) and isinstance(r.sources, tuple)
    assert r.summary
    docs = composeguard.explain("no-healthcheck")
    assert "## What it does" in docs and "## Why is this bad?" in docs
    assert composeguard.explain("CG301") == docs == composeguard.explain("cg301")
    with pytest.raises(ComposeguardError, match="unknown rule `nope`") as e:
        composeguard.explain("nope")
    assert not isinstance(e.value, ConfigError)


def test_lint_files(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx:${TAG}\n", encoding="utf-8")
    assert by_rule(composeguard.lint_files(compose, env={}), "unset-variable")
    # .env in the project folder, then env_files instead of it
    (tmp_path / ".env").write_text("TAG=1.27\n", encoding="utf-8")
    report = composeguard.lint_files(compose, env={})
    assert not by_rule(report, "unset-variable")
    assert report.files == (str(compose),)
    assert report.diagnostics[0].file == str(compose)
    other = tmp_path / "other.env"
    other.write_text("OTHER=1\n", encoding="utf-8")
    assert by_rule(composeguard.lint_files(compose, env={}, env_files=[other]), "unset-variable")
    assert not by_rule(composeguard.lint_files(str(compose), env={"TAG": "x"}, env_files=[other]), "unset-variable")


def test_lint_files_uses_the_process_environment(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx:${CG_TEST_TAG}\n", encoding="utf-8")
    assert by_rule(composeguard.lint_files(compose), "unset-variable")
    os.environ["CG_TEST_TAG"] = "1.27"
    try:
        assert not by_rule(composeguard.lint_files(compose), "unset-variable")
    finally:
        del os.environ["CG_TEST_TAG"]


def test_lint_files_stacks_paths(tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("services:\n  web:\n    labelz: x\n", encoding="utf-8")
    b.write_text(VALID, encoding="utf-8")
    report = composeguard.lint_files(a, b, config=SPEC_ONLY)
    assert report.files == (str(a), str(b))
    # one project: b gives web the image a lacks, a's unknown key stays a's
    assert [(d.file, d.rule) for d in report.diagnostics] == [(str(a), "unknown-key")]
    assert {d.rule for d in composeguard.lint_files(a, config=SPEC_ONLY).diagnostics} == {"unknown-key", "missing-image"}


def test_lint_files_misuse(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(ComposeguardError, match="cannot read") as e:
        composeguard.lint_files(missing)
    assert isinstance(e.value.__cause__, FileNotFoundError)
    assert e.value.__cause__.filename == str(missing)
    with pytest.raises(ComposeguardError) as e:
        composeguard.lint_files(tmp_path)
    assert isinstance(e.value.__cause__, IsADirectoryError)
    (tmp_path / "c.yaml").write_text(VALID, encoding="utf-8")
    with pytest.raises(ComposeguardError):
        composeguard.lint_files(tmp_path / "c.yaml", env_files=[missing])
    with pytest.raises(TypeError):
        composeguard.lint_files()
    with pytest.raises(TypeError):
        composeguard.lint_files(tmp_path / "c.yaml", profiles="dev")
    with pytest.raises(TypeError):
        composeguard.lint_files(tmp_path / "c.yaml", env_files=str(missing))


def test_unreadable_config_file_has_the_os_error_as_cause(tmp_path: Path) -> None:
    missing = tmp_path / "composeguard.toml"
    for call in (lambda: composeguard.lint(VALID, config=missing), lambda: composeguard.lint_files(tmp_path / "c.yaml", config=missing)):
        (tmp_path / "c.yaml").write_text(VALID, encoding="utf-8")
        with pytest.raises(ComposeguardError, match="cannot read") as e:
            call()
        assert not isinstance(e.value, ConfigError)
        assert isinstance(e.value.__cause__, FileNotFoundError) and e.value.__cause__.filename == str(missing)
    with pytest.raises(ComposeguardError) as e:
        composeguard.lint(VALID, config=tmp_path)
    assert isinstance(e.value.__cause__, IsADirectoryError)


def test_paths_that_are_not_utf8_are_composeguard_errors(tmp_path: Path) -> None:
    # what os.fsdecode and pathlib make of a file name that is not UTF-8
    odd = tmp_path / os.fsdecode(b"compose-\xff.yaml")
    (tmp_path / "c.yaml").write_text(VALID, encoding="utf-8")
    calls = [
        lambda: composeguard.lint_files(odd),
        lambda: composeguard.lint_files(os.fsencode(odd)),
        lambda: composeguard.lint_files(tmp_path / "c.yaml", env_files=[odd]),
        lambda: composeguard.lint_files(tmp_path / "c.yaml", project_directory=odd),
        lambda: composeguard.load(odd),
        lambda: composeguard.lint(VALID, config=odd),
        lambda: composeguard.lint(VALID, path=str(odd)),
        lambda: composeguard.loads(VALID, path=str(odd)),
    ]
    for call in calls:
        with pytest.raises(ComposeguardError, match="not UTF-8"):
            call()


def test_lint_files_invalid_content_never_raises(tmp_path: Path) -> None:
    bad = tmp_path / "compose.yaml"
    bad.write_bytes(b"services:\n  web:\n    image: \xff\n")
    [d] = composeguard.lint_files(bad).diagnostics
    assert d.rule == "yaml-syntax" and d.start_line == 3


def test_profiles(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx:1.27\n    profiles: [debug]\n", encoding="utf-8")
    assert by_rule(composeguard.lint_files(compose), "no-healthcheck"), "no profile chosen: every service"
    assert not by_rule(composeguard.lint_files(compose, profiles=["tools"]), "no-healthcheck")
    assert by_rule(composeguard.lint_files(compose, profiles=["debug"]), "no-healthcheck")
    assert by_rule(composeguard.lint_files(compose, profiles=["*"]), "no-healthcheck")


def test_load_and_loads(tmp_path: Path) -> None:
    model = composeguard.loads(VALID)
    assert model["name"] == "demo"
    assert model["services"]["web"]["image"] == "nginx:1.27"
    assert model["services"]["web"]["healthcheck"]["test"] == ["CMD", "true"]
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: nginx:${TAG:-1.27}\n", encoding="utf-8")
    assert composeguard.load(compose, env={})["services"]["web"]["image"] == "nginx:1.27"
    assert composeguard.load(compose, env={"TAG": "2"})["services"]["web"]["image"] == "nginx:2"
    # invalid input gives what could be read, never an exception
    assert isinstance(composeguard.loads("services: ["), dict)
    assert isinstance(composeguard.loads(b"\xff"), dict)
    with pytest.raises(ComposeguardError):
        composeguard.load(tmp_path / "missing.yaml")


def test_exceptions_are_defined_in_python() -> None:
    assert issubclass(ConfigError, ComposeguardError) and issubclass(ComposeguardError, Exception)
    assert ComposeguardError.__module__ == "composeguard"


def test_public_names() -> None:
    for name in composeguard.__all__:
        assert hasattr(composeguard, name), name
    assert composeguard.__version__ == composeguard._core.__version__
    assert Report.__module__ == "composeguard" and Diagnostic.__module__ == "composeguard"


def test_python_dash_m() -> None:
    out = subprocess.run([sys.executable, "-m", "composeguard", "--version"], capture_output=True, text=True, check=False)
    assert out.returncode == 0 and out.stdout.startswith("composeguard ")
