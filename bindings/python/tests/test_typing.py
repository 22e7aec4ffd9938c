"""The stubs and the typed facade: `mypy --strict` on a usage file and on the package, and
`stubtest` comparing `_core.pyi` with the compiled module (and the package's other modules)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent

pytest.importorskip("mypy", reason="mypy is not installed (scripts/test-python.sh installs it)")


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--cache-dir=/dev/null", *args],
        capture_output=True,
        text=True,
        cwd=HERE,
        check=False,
    )


def test_mypy_strict_on_typed_usage() -> None:
    out = mypy("--strict", "typed_usage.py")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_strict_on_the_package() -> None:
    out = mypy("--strict", "-p", "composeguard")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_rejects_misuse(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import composeguard\n"
        "r = composeguard.lint(5)\n"
        "composeguard.lint('x', path=1)\n"
        "d = composeguard.lint('x').diagnostics[0]\n"
        "d.message = 'y'\n"
        "n: str = d.start_line\n",
        encoding="utf-8",
    )
    out = mypy("--strict", str(bad))
    assert out.returncode == 1
    assert out.stdout.count("error:") >= 4, out.stdout


def test_stubtest() -> None:
    # the whole package: the native module against _core.pyi, and the facade's names and __all__
    out = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "--allowlist", "stubtest-allowlist.txt", "composeguard"],
        capture_output=True,
        text=True,
        cwd=HERE,
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_typed_usage_runs() -> None:
    out = subprocess.run([sys.executable, "typed_usage.py"], capture_output=True, text=True, cwd=HERE, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
