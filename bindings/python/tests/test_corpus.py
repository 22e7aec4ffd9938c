"""The same diagnostics as the Rust CLI's JSON on every file of ../shared/corpus.

The CLI counts columns in UTF-8 bytes, Python in code points: rule, message, lines and offsets
must be equal, and columns equal after converting the CLI's through the file's text.
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


def code_point_column(text_by_file: dict[str, bytes], file: str, line: int, byte_column: int) -> int:
    """The code-point column of a UTF-8 byte column (lines and columns 1-based)."""
    if file not in text_by_file:
        data = Path(file).read_bytes()
        text_by_file[file] = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    lines = text_by_file[file].split(b"\n")
    prefix = lines[line - 1][: byte_column - 1] if line - 1 < len(lines) else b""
    return len(prefix.decode("utf-8", "replace")) + 1


def dotted(path: tuple[str | int, ...]) -> str:
    """The CLI's form of a model path: `services.web.ports[0]`."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


def same(d: Diagnostic, cli: dict[str, Any], texts: dict[str, bytes]) -> list[str]:
    """Where a Python diagnostic and the CLI's JSON one differ."""
    problems = []
    for field in ("rule", "code", "category", "severity", "message", "file", "help"):
        if getattr(d, field) != cli.get(field):
            problems.append(f"{field}: {getattr(d, field)!r} != {cli.get(field)!r}")
    if dotted(d.path) != cli["path"]:
        problems.append(f"path: {d.path!r} != {cli['path']!r}")
    for end in ("start", "end"):
        pos = cli[end]
        want = (pos["line"], code_point_column(texts, cli["file"], pos["line"], pos["column"]), pos["offset"])
        got = (getattr(d, f"{end}_line"), getattr(d, f"{end}_column"), getattr(d, f"{end}_offset"))
        if got != want:
            problems.append(f"{end}: {got} != {want} (CLI column {pos['column']})")
    related = [
        (r["file"], r["message"], r["start"]["line"], code_point_column(texts, r["file"], r["start"]["line"], r["start"]["column"]), r["start"]["offset"])
        for r in cli.get("related", [])
    ]
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
    texts: dict[str, bytes] = {}
    problems = []
    for i, (d, c) in enumerate(zip(report.diagnostics, cli_diagnostics)):
        problems += [f"#{i} {d.rule}: {p}" for p in same(d, c, texts)]
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
