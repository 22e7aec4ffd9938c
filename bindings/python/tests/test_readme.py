"""Every Python example of the README's "Python" section (and of bindings/python/README.md) runs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT


def python_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", markdown, flags=re.S | re.M)


def section(markdown: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", markdown, flags=re.S | re.M)
    assert match, f"no section {heading!r}"
    return match.group(1)


README_BLOCKS = python_blocks(section((ROOT / "README.md").read_text(encoding="utf-8"), "Python"))
PACKAGE_BLOCKS = python_blocks((ROOT / "bindings" / "python" / "README.md").read_text(encoding="utf-8"))


def test_readme_has_python_examples() -> None:
    assert README_BLOCKS and PACKAGE_BLOCKS


@pytest.mark.parametrize("code", README_BLOCKS, ids=lambda c: c.splitlines()[0][:60])
def test_readme_example(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {"__name__": "__readme__"})


@pytest.mark.parametrize("code", PACKAGE_BLOCKS, ids=lambda c: c.splitlines()[0][:60])
def test_package_readme_example(code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(ROOT / "examples" / "compose.yaml", tmp_path / "compose.yaml")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "bindings/python/README.md", "exec"), {"__name__": "__readme__"})
