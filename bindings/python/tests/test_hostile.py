"""Hostile input crashes nothing: each gives a Report (a located diagnostic where it is invalid),
never an exception, a hang or a dead interpreter."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

import pytest

import composeguard
from composeguard import Report


def many_services(n: int) -> str:
    return "services:\n" + "".join(f"  s{i}:\n    image: nginx:1.27\n    ports: ['{8000 + i % 1000}:80']\n" for i in range(n))


BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9)
) + "services:\n  web:\n    image: nginx\n    command: *j\n"

CASES: dict[str, str | bytes] = {
    "empty": "",
    "nul bytes": "services:\n  web:\n    image: a\x00b\n\x00\x00",
    "only nul": "\x00" * 1000,
    "10000-deep flow sequences": "[" * 10_000 + "]" * 10_000,
    "10000-deep flow mappings": "services: " + "{a: " * 10_000 + "x" + "}" * 10_000,
    "10000-deep block mappings": "".join(" " * i + "a:\n" for i in range(10_000)),
    "unclosed deep": "[" * 10_000,
    "alias bomb": BILLION_LAUGHS,
    "self alias": "a: &a [*a]\n",
    "huge scalar": "services:\n  web:\n    image: " + "x" * 5_000_000 + "\n",
    "long line of keys": "{" + ", ".join(f"k{i}: {i}" for i in range(5_000)) + "}",
    "many services": many_services(5000),
    "binary": random.Random(7).randbytes(200_000),
    "binary that is valid utf-8": random.Random(7).randbytes(200_000).decode("utf-8", "replace"),
    "invalid utf-8": b"services:\n  web:\n    image: nginx\xc3\x28\n",
    "overlong utf-8": b"services:\n  \xc0\xaf: {}\n",
    "utf-16 bom": "services: {}\n".encode("utf-16"),
    "bom": "\ufeffservices:\n  web:\n    image: nginx:1.27\n",
    "lone surrogate": "services:\n  web:\n    image: \ud800\n",
    "control characters": "services:\n  web:\n    image: \x1b[31m\x07\x08\n",
    "tabs": "services:\n\tweb:\n\t\timage: x\n",
    "many documents": "---\nservices: {}\n" * 10_000,
    "anchors everywhere": "x-a: &a {image: nginx}\nservices:\n" + "".join(f"  s{i}:\n    <<: *a\n" for i in range(5000)),
    "interpolation soup": "services:\n  web:\n    image: ${" * 1000 + "\n",
    "huge file over the limit": "#" * (65 * 1024 * 1024),
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_text(name: str) -> None:
    started = time.perf_counter()
    report = composeguard.lint(CASES[name])
    assert isinstance(report, Report)
    for d in report.diagnostics:
        assert d.start_line >= 1 and d.start_column >= 1 and d.end_offset >= d.start_offset
        str(d), repr(d), d.path  # every accessor works
    str(report)
    report.to_json()
    assert time.perf_counter() - started < 60, "took too long"


@pytest.mark.parametrize("name", ["10000-deep flow sequences", "alias bomb", "binary", "invalid utf-8", "nul bytes", "bom"])
def test_hostile_file(name: str, tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    data = CASES[name]
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    report = composeguard.lint_files(path, env={})
    assert isinstance(report, Report)
    assert isinstance(composeguard.load(path, env={}), dict)


def test_invalid_utf8_file_is_a_located_diagnostic(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    data = b"services:\n  web:\n    image: nginx\xc3\x28\n"
    path.write_bytes(data)
    [d] = composeguard.lint_files(path).diagnostics
    assert d.rule == "yaml-syntax" and (d.start_line, d.start_column, d.start_offset) == (3, 17, data.index(b"\xc3"))


def test_limits_are_diagnostics() -> None:
    assert not composeguard.lint(CASES["alias bomb"]).valid
    assert not composeguard.lint(CASES["10000-deep flow sequences"]).valid
    assert not composeguard.lint(CASES["huge file over the limit"]).valid


def test_deep_input_in_a_thread() -> None:
    """Threads get a smaller stack than the main thread on some systems."""
    results: list[Report] = []
    threading.stack_size(512 * 1024)
    try:
        t = threading.Thread(target=lambda: results.append(composeguard.lint(CASES["10000-deep flow mappings"])))
        t.start()
        t.join()
    finally:
        threading.stack_size(0)
    assert len(results) == 1 and not results[0].valid
