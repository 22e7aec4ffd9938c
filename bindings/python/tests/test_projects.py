"""Projects: `lint_files` and `load` stack files as `composeguard check -f A -f B` and
`composeguard config -f A -f B` do, with the same project folder, env files, profiles and
environment; `loads` gives the same model for one text, nothing read from disk."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

import composeguard
from composeguard import ComposeguardError, Diagnostic, Report

from conftest import ROOT

CASES = ROOT / "tests" / "projects"
# The environment of every run of tests/projects (tests/config_output.rs uses the same).
BASE_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent/composeguard-home"}


def by_rule(report: Report, rule: str) -> list[Diagnostic]:
    return [d for d in report.diagnostics if d.rule == rule]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(program: str, args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, bytes, bytes]:
    out = subprocess.run([program, *args], capture_output=True, cwd=cwd, env=env, stdin=subprocess.DEVNULL, check=False)
    return out.returncode, out.stdout, out.stderr


BASE = """\
name: shop
services:
  app:
    image: shop/app:${TAG:-1.0}
    stop_grace_period: 10s
    environment:
      MODE: base
      KEEP: "yes"
  worker:
    image: shop/worker:1.0
    profiles: [jobs]
"""
OVERRIDE = """\
services:
  app:
    stop_grace_period: 10x
    environment:
      MODE: prod
"""


def test_stacking_override_wins(tmp_path: Path) -> None:
    base = write(tmp_path / "compose.yaml", BASE)
    prod = write(tmp_path / "compose.prod.yaml", OVERRIDE.replace("10x", "20s"))
    app = composeguard.load(base, prod, env={})["services"]["app"]
    assert app["environment"] == {"MODE": "prod", "KEEP": "yes"}
    assert app["stop_grace_period"] == "20s"
    # the order matters: the last file wins
    assert composeguard.load(prod, base, env={})["services"]["app"]["environment"]["MODE"] == "base"
    report = composeguard.lint_files(base, prod, env={})
    assert report.valid
    assert report.files == (str(base), str(prod))


def test_stacking_finding_points_into_the_override(tmp_path: Path) -> None:
    base = write(tmp_path / "compose.yaml", BASE)
    prod = write(tmp_path / "compose.prod.yaml", OVERRIDE)
    report = composeguard.lint_files(base, prod, env={})
    [bad] = by_rule(report, "invalid-value")
    assert bad.severity == "error" and not report.valid and not report.ok()
    assert bad.file == str(prod)
    assert (bad.start_line, bad.start_column) == (3, 24)
    assert bad.path == ("services", "app", "stop_grace_period")
    [related] = bad.related
    assert related.file == str(base)
    assert (related.start_line, related.start_column) == (5, 24)
    assert related.message == f"overrides the value set in `{base}`"
    assert BASE.encode()[related.start_offset : related.end_offset] == b"10s"
    # each file alone: the base is valid, and the override's finding has nothing to point back to
    assert not by_rule(composeguard.lint_files(base, env={}), "invalid-value")
    assert by_rule(composeguard.lint_files(prod, env={}), "invalid-value")[0].related == ()


def test_relative_paths_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "compose.yaml", BASE)
    write(tmp_path / "compose.prod.yaml", OVERRIDE)
    monkeypatch.chdir(tmp_path)
    report = composeguard.lint_files("compose.yaml", Path("compose.prod.yaml"), env={})
    [bad] = by_rule(report, "invalid-value")
    assert (bad.file, bad.related[0].file) == ("compose.prod.yaml", "compose.yaml")


def test_project_directory(tmp_path: Path) -> None:
    files = write(tmp_path / "files" / "compose.yaml", "services:\n  app:\n    image: shop:${TAG}\n    build: ./app\n")
    project = tmp_path / "proj"
    write(project / ".env", "TAG=from-project\n")
    write(tmp_path / "files" / ".env", "TAG=from-files\n")
    # by default the project folder is the first file's: its .env, its relative paths
    app = composeguard.load(files, env={})["services"]["app"]
    assert app["image"] == "shop:from-files" and app["build"]["context"] == str(tmp_path / "files" / "app")
    # project_directory: .env read there, relative paths resolved from there, the name its
    model = composeguard.load(files, project_directory=project, env={})
    assert model["services"]["app"]["image"] == "shop:from-project"
    assert model["services"]["app"]["build"]["context"] == str(project / "app")
    assert model["name"] == "proj"
    assert not by_rule(composeguard.lint_files(files, project_directory=str(project), env={}), "unset-variable")


def test_env_files_precedence(tmp_path: Path) -> None:
    compose = write(tmp_path / "compose.yaml", "services:\n  app:\n    image: shop:${TAG}-${OTHER:-none}-${FROM_FIRST:-unset}\n")
    write(tmp_path / ".env", "TAG=dotenv\n")
    first = write(tmp_path / "first.env", "TAG=first\nOTHER=first\n")
    second = write(tmp_path / "second.env", "TAG=second\nFROM_FIRST=${OTHER}\n")

    def image(**kw: Any) -> str:
        return str(composeguard.load(compose, **kw)["services"]["app"]["image"])

    assert image(env={}) == "shop:dotenv-none-unset"
    # env files replace .env; a later file wins over an earlier one and sees its variables
    assert image(env={}, env_files=[first]) == "shop:first-first-unset"
    assert image(env={}, env_files=[first, second]) == "shop:second-first-first"
    assert image(env={}, env_files=[second, first]) == "shop:first-first-unset"
    # the environment wins over every file
    assert image(env={"TAG": "process"}, env_files=[first, second]) == "shop:process-first-first"
    assert image(env={"TAG": "process"}) == "shop:process-none-unset"
    other = write(tmp_path / "other.env", "OTHER=1\n")
    assert by_rule(composeguard.lint_files(compose, env={}, env_files=[other]), "unset-variable")
    assert not by_rule(composeguard.lint_files(compose, env={}, env_files=[other, first]), "unset-variable")
    assert not by_rule(composeguard.lint_files(compose, env={"TAG": "x"}, env_files=[other]), "unset-variable")


def test_env_defaults_to_the_process_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compose = write(tmp_path / "compose.yaml", "services:\n  app:\n    image: shop:${CG_TEST_TAG:-default}\n")
    assert composeguard.load(compose)["services"]["app"]["image"] == "shop:default"
    monkeypatch.setenv("CG_TEST_TAG", "from-process")
    assert composeguard.load(compose)["services"]["app"]["image"] == "shop:from-process"
    assert composeguard.load(compose, env={})["services"]["app"]["image"] == "shop:default"


def test_profiles(tmp_path: Path) -> None:
    compose = write(tmp_path / "compose.yaml", BASE)
    assert set(composeguard.load(compose, env={})["services"]) == {"app"}
    assert set(composeguard.load(compose, profiles=["jobs"], env={})["services"]) == {"app", "worker"}
    assert set(composeguard.load(compose, profiles=["*"], env={})["services"]) == {"app", "worker"}
    # COMPOSE_PROFILES when no profile is given, as for the CLI
    assert set(composeguard.load(compose, env={"COMPOSE_PROFILES": "jobs"})["services"]) == {"app", "worker"}

    def services(report: Report) -> set[str | int]:
        return {d.path[1] for d in report.diagnostics if d.path[:1] == ("services",)}

    # no profile chosen: compose runs app alone, and the rules check every service
    assert services(composeguard.lint_files(compose, env={})) == {"app", "worker"}
    assert services(composeguard.lint_files(compose, profiles=["other"], env={})) == {"app"}
    assert services(composeguard.lint_files(compose, env={"COMPOSE_PROFILES": "other"})) == {"app"}
    assert services(composeguard.lint_files(compose, profiles=["jobs"], env={})) == {"app", "worker"}
    every = composeguard.lint_files(compose, profiles=["*"], env={})
    assert {d.profiles for d in every.diagnostics if d.path[:2] == ("services", "worker")} == {("jobs",)}


def test_configuration_of_the_first_file(tmp_path: Path) -> None:
    base = write(tmp_path / "app" / "compose.yaml", "services:\n  web:\n    image: nginx:1.27\n")
    other = write(tmp_path / "elsewhere" / "compose.override.yaml", "services:\n  web:\n    restart: always\n")
    write(tmp_path / "app" / "composeguard.toml", 'fail-on = "warning"\nignore = ["no-memory-limit"]\n')
    write(tmp_path / "elsewhere" / "composeguard.toml", 'ignore = ["no-healthcheck"]\n')
    report = composeguard.lint_files(base, other, env={})
    assert by_rule(report, "no-healthcheck") and not by_rule(report, "no-memory-limit")
    assert report.warning_count and not report.ok() and report.ok("error")
    report = composeguard.lint_files(other, base, env={})
    assert not by_rule(report, "no-healthcheck") and by_rule(report, "no-memory-limit") and report.ok()


def test_misuse_raises(tmp_path: Path) -> None:
    compose = write(tmp_path / "compose.yaml", BASE)
    missing = tmp_path / "missing.yaml"
    for call in (composeguard.lint_files, composeguard.load):
        with pytest.raises(ComposeguardError, match="cannot read") as e:
            call(compose, missing)
        assert isinstance(e.value.__cause__, FileNotFoundError) and e.value.__cause__.filename == str(missing)
        with pytest.raises(ComposeguardError) as e:
            call(compose, env_files=[tmp_path / "missing.env"])
        assert isinstance(e.value.__cause__, FileNotFoundError)
        with pytest.raises(ComposeguardError) as e:
            call(tmp_path)
        assert isinstance(e.value.__cause__, IsADirectoryError) and e.value.__cause__.filename == str(tmp_path)
        with pytest.raises(TypeError):
            call()
    # a missing file a compose file refers to is a finding, not an exception
    extends = write(tmp_path / "extends.yaml", "services:\n  a:\n    extends:\n      file: nowhere.yaml\n      service: b\n")
    assert by_rule(composeguard.lint_files(extends, env={}), "missing-file")
    assert isinstance(composeguard.load(extends, env={}), dict)


def test_loads_reads_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        "services:\n"
        "  app:\n"
        "    image: shop:${TAG:-1.0}\n"
        "    build: ./app\n"
        "    env_file: app.env\n"
        "    environment: [OWN=1]\n"
        "  base:\n"
        "    extends: {file: base.yaml, service: b}\n"
        "  worker:\n"
        "    image: worker:1.0\n"
        "    profiles: [jobs]\n"
    )
    compose = write(tmp_path / "compose.yaml", text)
    write(tmp_path / "app.env", "FROM_FILE=1\n")
    write(tmp_path / "base.yaml", "services:\n  b:\n    image: busybox:1.36\n")
    write(tmp_path / ".env", "TAG=dotenv\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TAG", "process")
    model = composeguard.loads(text)
    app = model["services"]["app"]
    # no .env, no process environment, no env_file, no extends of another file
    assert app["image"] == "shop:1.0" and app["environment"] == {"OWN": "1"}
    assert "image" not in model["services"]["base"]
    [note] = by_rule(composeguard.lint(text), "missing-file")
    assert note.severity == "info" and "not checked" in note.message and composeguard.lint(text).valid
    assert set(model["services"]) == {"app", "base"}
    # paths relative to the folder of `path`: relative for the default, absolute for an absolute path
    assert app["build"]["context"] == "app" and model["name"] == ""
    placed = composeguard.loads(text, path="/srv/shop/compose.yaml", env={"TAG": "2.0"})
    assert placed["name"] == "shop" and placed["services"]["app"]["build"]["context"] == "/srv/shop/app"
    assert placed["services"]["app"]["image"] == "shop:2.0"
    # the file on disk, with everything resolved
    loaded = composeguard.load(compose, env={})
    assert loaded["services"]["app"]["image"] == "shop:dotenv"
    assert loaded["services"]["app"]["environment"] == {"FROM_FILE": "1", "OWN": "1"}
    assert loaded["services"]["base"]["image"] == "busybox:1.36"
    assert loaded["services"]["app"]["build"]["context"] == str(tmp_path / "app")
    # a text that only depends on itself is loaded the same either way
    simple = "name: demo\nservices:\n  web:\n    image: nginx:1.27\n    ports: ['8080:80']\n"
    write(tmp_path / "simple.yaml", simple)
    assert composeguard.loads(simple) == composeguard.load(tmp_path / "simple.yaml", env={})


def test_load_equals_cli_config(tmp_path: Path, rust_cli: str) -> None:
    write(tmp_path / "compose.yaml", BASE + "    build: ./worker\n")
    write(tmp_path / "compose.prod.yaml", OVERRIDE.replace("10x", "20s") + "    volumes: [./data:/data]\n")
    write(tmp_path / "prod.env", "TAG=2.0\n")
    env = {**BASE_ENV, "HOME": str(tmp_path)}
    args = ["-f", "compose.yaml", "-f", "compose.prod.yaml", "--env-file", "prod.env", "--profile", "jobs"]
    code, stdout, stderr = run(rust_cli, ["config", *args, "--format", "json"], tmp_path, env)
    assert code == 0, stderr.decode()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        model = composeguard.load("compose.yaml", "compose.prod.yaml", env_files=["prod.env"], profiles=["jobs"], env=env)
        report = composeguard.lint_files("compose.yaml", "compose.prod.yaml", env_files=["prod.env"], profiles=["jobs"], env=env)
    finally:
        os.chdir(cwd)
    assert model == json.loads(stdout)
    assert model["services"]["app"]["image"] == "shop/app:2.0" and "worker" in model["services"]
    # key order too
    assert json.dumps(model, indent=2) == stdout.decode().rstrip("\n")
    code, stdout, _ = run(rust_cli, ["check", "--format", "json", *args], tmp_path, env)
    assert report.to_json() + "\n" == stdout.decode() and report.ok() == (code == 0)


def project_cases() -> list[Path]:
    return sorted(p.parent for p in CASES.glob("*/case.json"))


def python_arguments(args: list[str]) -> dict[str, Any] | None:
    """`lint_files`/`load` arguments for a command line, or None when they cannot say it."""
    out: dict[str, Any] = {"paths": [], "env_files": [], "profiles": []}
    pairs = iter(args)
    for flag in pairs:
        value = next(pairs)
        if flag == "-f":
            out["paths"].append(value)
        elif flag == "--env-file":
            out["env_files"].append(value)
        elif flag == "--profile":
            out["profiles"].append(value)
        elif flag == "--project-directory":
            out["project_directory"] = value
        else:
            return None  # -p: no project name in the API
    return out if out["paths"] else None  # no -f: discovery is the CLI's


@pytest.mark.parametrize("case", project_cases(), ids=lambda p: p.name)
def test_project_case_matches_cli(case: Path, rust_cli: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every multi-file case of tests/projects the API can express: `load` equals `composeguard
    config --format json`, `lint_files` equals `composeguard check --format json`, and what the
    CLI refuses as a usage error raises."""
    spec = json.loads((case / "case.json").read_text(encoding="utf-8"))
    arguments = python_arguments(spec.get("args", []))
    if arguments is None:
        pytest.skip("a command line the API does not take (-p, or no -f)")
    cwd = case / spec.get("cwd", ".")
    env = {**BASE_ENV, **spec.get("env", {})}
    paths = arguments.pop("paths")
    monkeypatch.chdir(cwd)
    config_code, config_out, config_err = run(rust_cli, ["config", *spec["args"], "--format", "json"], cwd, env)
    check_code, check_out, _ = run(rust_cli, ["check", "--format", "json", *spec["args"]], cwd, env)
    if config_code == 2:
        assert check_code == 2
        with pytest.raises(ComposeguardError):
            composeguard.load(*paths, env=env, **arguments)
        with pytest.raises(ComposeguardError):
            composeguard.lint_files(*paths, env=env, **arguments)
        return
    report = composeguard.lint_files(*paths, env=env, **arguments)
    assert report.to_json() + "\n" == check_out.decode()
    assert report.ok() == (check_code == 0)
    model = composeguard.load(*paths, env=env, **arguments)
    if config_code == 0:
        assert model == json.loads(config_out)
    else:
        assert config_code == 1 and not report.valid, config_err.decode()
