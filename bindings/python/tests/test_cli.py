"""The wheel's `composeguard` command behaves byte for byte like the Rust binary: same stdout,
stderr and exit code for every subcommand, format, error and usage mistake."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, corpus_files

EXAMPLE = str(ROOT / "examples" / "compose.yaml")
SOME_CORPUS = [str(p) for p in corpus_files()[:12]]

CASES: list[list[str]] = [
    ["check", EXAMPLE],
    ["check", EXAMPLE, "--no-color"],
    ["check", "--format", "json", EXAMPLE],
    ["check", "--format", "human", "--fail-on", "warning", EXAMPLE],
    ["check", "--fail-on", "info", "--format", "json", EXAMPLE],
    ["check", "--select", "all", "--ignore", "CG301,reliability", EXAMPLE],
    ["check", "--profile", "debug", EXAMPLE],
    ["check", "-f", EXAMPLE, "-f", EXAMPLE],
    ["check", "--format", "sarif", EXAMPLE],
    ["check", "--format", "github", EXAMPLE],
    ["check", "--format", "junit", EXAMPLE],
    ["check", "--format", "gitlab", EXAMPLE],
    ["check", "--config", "/nonexistent/composeguard.toml", EXAMPLE],
    ["check", "--format", "nope", EXAMPLE],
    ["check", "--fail-on", "fatal", EXAMPLE],
    ["check", "/nonexistent/compose.yaml"],
    ["check", "--env-file", "/nonexistent/.env", EXAMPLE],
    ["check", "--frobnicate"],
    ["frobnicate"],
    [],
    ["--help"],
    ["-h"],
    ["check", "--help"],
    ["--version"],
    ["-V"],
    ["rules"],
    ["rules", "--format", "json"],
    ["rules", "--format", "xml"],
    ["explain", "no-healthcheck"],
    ["explain", "CG006"],
    ["explain", "no-such-rule"],
    ["explain"],
    ["schema"],
]
if SOME_CORPUS:
    CASES += [["check", *SOME_CORPUS], ["check", "--format", "json", *SOME_CORPUS]]


def run(program: str, args: list[str], cwd: Path | str = ROOT) -> tuple[int, bytes, bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CLICOLOR_FORCE", "FORCE_COLOR")}
    out = subprocess.run([program, *args], capture_output=True, cwd=cwd, env=env, stdin=subprocess.DEVNULL, check=False)
    return out.returncode, out.stdout, out.stderr


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a)[:80] or "(none)")
def test_same_as_rust_binary(args: list[str], rust_cli: str, venv_cli: str) -> None:
    assert run(venv_cli, args) == run(rust_cli, args)


def test_discovery_and_relative_paths(tmp_path: Path, rust_cli: str, venv_cli: str) -> None:
    assert run(venv_cli, ["check"], tmp_path) == run(rust_cli, ["check"], tmp_path)
    assert run(venv_cli, ["check"], tmp_path)[0] == 2
    (tmp_path / "docker-compose.yml").write_text("services:\n  web:\n    imgae: nginx\n", encoding="utf-8")
    (tmp_path / ".env").write_text("A=1\n", encoding="utf-8")
    for args in (["check"], ["check", "docker-compose.yml"], ["check", "--format", "json"]):
        code, stdout, stderr = run(venv_cli, args, tmp_path)
        assert (code, stdout, stderr) == run(rust_cli, args, tmp_path)
        assert code == 1 and b"docker-compose.yml" in stdout


def test_configuration_and_baseline(tmp_path: Path, rust_cli: str, venv_cli: str) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:latest\n", encoding="utf-8")
    (tmp_path / "composeguard.toml").write_text('fail-on = "warning"\n[severity]\nno-healthcheck = "info"\n', encoding="utf-8")
    (tmp_path / "bad.toml").write_text('selct = ["x"]\n', encoding="utf-8")
    for args in (["check"], ["check", "--format", "json"], ["check", "--config", "bad.toml"], ["check", "--fail-on", "error"]):
        assert run(venv_cli, args, tmp_path) == run(rust_cli, args, tmp_path), args
    # the first run writes the baseline, the second reads it
    for program in (rust_cli, venv_cli):
        (tmp_path / "baseline.json").unlink(missing_ok=True)
        first = run(program, ["check", "--baseline", "baseline.json"], tmp_path)
        second = run(program, ["check", "--baseline", "baseline.json", "--format", "json"], tmp_path)
        if program == rust_cli:
            expected = (first, second, (tmp_path / "baseline.json").read_bytes())
        else:
            assert (first, second, (tmp_path / "baseline.json").read_bytes()) == expected


def test_exit_codes(venv_cli: str) -> None:
    assert run(venv_cli, ["check", EXAMPLE])[0] == 1
    assert run(venv_cli, ["check", "/nonexistent.yaml"])[0] == 2
    assert run(venv_cli, ["--version"])[0] == 0


def test_closed_stdout_does_not_hang(venv_cli: str) -> None:
    """`composeguard rules | head -1`: the reader goes away early."""
    p = subprocess.Popen([venv_cli, "rules"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert p.stdout is not None
    p.stdout.readline()
    p.stdout.close()
    assert p.wait(timeout=30) is not None
