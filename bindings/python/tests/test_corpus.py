"""The same diagnostics as the Rust CLI's JSON on every file of ../shared/corpus.

Both count columns in characters (code points) and offsets in UTF-8 bytes: every field must be
equal, and `Report.to_json()` and `render()` must print what the CLI prints.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

import composeguard
from composeguard import Diagnostic

from conftest import CORPUS, corpus_files

FILES = corpus_files()
if not FILES:
    print(f"skipped: {CORPUS} is absent")


def dotted(path: tuple[str | int, ...]) -> str:
    """The CLI's form of a model path: `services.web.ports[0]`."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def same(d: Diagnostic, cli: dict[str, Any]) -> list[str]:
    """Where a Python diagnostic and the CLI's JSON one differ."""
    problems = []
    for field in ("rule", "code", "category", "severity", "message", "file", "help"):
        if getattr(d, field) != cli.get(field):
            problems.append(f"{field}: {getattr(d, field)!r} != {cli.get(field)!r}")
    if dotted(d.path) != cli["path"]:
        problems.append(f"path: {d.path!r} != {cli['path']!r}")
    for end in ("start", "end"):
        pos = cli[end]
        want = (pos["line"], pos["column"], pos["offset"])
        got = (getattr(d, f"{end}_line"), getattr(d, f"{end}_column"), getattr(d, f"{end}_offset"))
        if got != want:
            problems.append(f"{end}: {got} != {want}")
    related = [(r["file"], r["message"], r["start"]["line"], r["start"]["column"], r["start"]["offset"]) for r in cli.get("related", [])]
    if [(r.file, r.message, r.start_line, r.start_column, r.start_offset) for r in d.related] != related:
        problems.append(f"related: {d.related!r} != {related!r}")
    if (d.fix is None) != ("fix" not in cli):
        problems.append("fix differs")
    return problems


@pytest.mark.skipif(not FILES, reason="../shared/corpus is absent")
@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_file_matches_cli(path: Path, rust_cli: str) -> None:
    out = subprocess.run([rust_cli, "check", "--format", "json", str(path)], capture_output=True, check=False)
    assert out.returncode in (0, 1), out.stderr.decode()
    cli = json.loads(out.stdout)
    report = composeguard.lint_files(path)
    assert report.to_json() + "\n" == out.stdout.decode()
    assert report.ok() == (out.returncode == 0)
    cli_diagnostics = [d for f in cli["files"] for d in f["diagnostics"]]
    assert len(report.diagnostics) == len(cli_diagnostics)
    problems = []
    for i, (d, c) in enumerate(zip(report.diagnostics, cli_diagnostics)):
        problems += [f"#{i} {d.rule}: {p}" for p in same(d, c)]
    assert not problems, "\n".join(problems)


@pytest.mark.skipif(not FILES, reason="../shared/corpus is absent")
def test_whole_corpus_stacked_matches_cli(rust_cli: str) -> None:
    """Every corpus file stacked into one project, as `composeguard check -f A -f B …`."""
    args = [arg for path in FILES for arg in ("-f", str(path))]
    out = subprocess.run([rust_cli, "check", "--format", "json", *args], capture_output=True, check=False)
    assert out.returncode in (0, 1), out.stderr.decode()
    report = composeguard.lint_files(*FILES)
    assert report.to_json() + "\n" == out.stdout.decode()
    assert report.ok() == (out.returncode == 0)
    assert report.files[: len(FILES)] == tuple(map(str, FILES))


WIDE = (
    "name: shop\n"
    "services:\n"
    '  web: {labels: {note: "é日😀"}, image: "nginx:latest", enviroment: {}}\n'
    '  db: {image: "postgres:16", environment: {NOTE: "😀😀"}, privileged: true}\n'
)


@pytest.mark.parametrize("fmt", ["json", "junit", "gitlab", "sarif", "github", "human"])
def test_columns_after_wide_characters_print_as_the_cli_prints_them(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rust_cli: str
) -> None:
    """Findings after non-ASCII characters on their line: the CLI counts columns in characters in
    every format, and so must `Report.render()` (Python once printed UTF-8 byte columns)."""
    (tmp_path / "compose.yaml").write_text(WIDE, encoding="utf-8")
    out = subprocess.run([rust_cli, "check", "--format", fmt, "compose.yaml"], cwd=tmp_path, capture_output=True, check=False, env={})
    assert out.returncode == 1, out.stderr.decode()
    monkeypatch.chdir(tmp_path)
    for report in (composeguard.lint(WIDE), composeguard.lint_files("compose.yaml", env={})):
        assert report.render(fmt).rstrip("\n") == out.stdout.decode().rstrip("\n")
    if fmt == "json":
        cli = [d for f in json.loads(out.stdout)["files"] for d in f["diagnostics"]]
        typo = next(d for d in cli if d["rule"] == "unknown-key")
        assert (typo["start"]["column"], typo["end"]["column"]) == (55, 65)
        assert composeguard.lint(WIDE).to_json() + "\n" == out.stdout.decode()


def test_a_file_with_two_byte_order_marks_is_located_as_the_cli_locates_it(tmp_path: Path, rust_cli: str) -> None:
    """The first mark goes with the decoding; a second one is a character of the first line, for
    the CLI reading the file and for `lint()` of its bytes or of its text (bytes dropped both)."""
    data = b"\xef\xbb\xbf\xef\xbb\xbfservicez: {}\n"
    (tmp_path / "compose.yaml").write_bytes(data)
    out = subprocess.run([rust_cli, "check", "--format", "json", "compose.yaml"], cwd=tmp_path, capture_output=True, check=False, env={})
    cli = next(d for f in json.loads(out.stdout)["files"] for d in f["diagnostics"] if d["rule"] == "unknown-key")
    assert (cli["start"]["column"], cli["start"]["offset"]) == (2, 3)
    for given in (data, data.decode("utf-8")):
        [d] = [d for d in composeguard.lint(given).diagnostics if d.rule == "unknown-key"]
        # Python's positions index what it was handed: the first mark counts too
        assert (d.start_line, d.start_column, d.start_offset) == (1, 3, 6)
        assert data[d.start_offset : d.end_offset] == b"servicez"
