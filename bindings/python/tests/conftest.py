"""Shared fixtures: the repository, the corpus, the Rust CLI to compare against."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
"""The repository root (tests run against the installed wheel, never this source tree)."""

CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_files() -> list[Path]:
    """The compose files of ../shared/corpus, as labels.tsv lists them."""
    labels = CORPUS / "labels.tsv"
    if not labels.is_file():
        return []
    lines = labels.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    at = header.index("path")
    return [CORPUS / line.split("\t")[at] for line in lines[1:] if line.strip()]


@pytest.fixture(scope="session")
def rust_cli() -> str:
    """The Rust `composeguard` binary: $COMPOSEGUARD_BIN (scripts/test-python.sh builds it)."""
    path = os.environ.get("COMPOSEGUARD_BIN", "")
    if not path or not os.access(path, os.X_OK):
        pytest.skip("COMPOSEGUARD_BIN is not set to the Rust binary (scripts/test-python.sh sets it)")
    return path


@pytest.fixture(scope="session")
def venv_cli() -> str:
    """The `composeguard` command the wheel installed next to this interpreter."""
    path = Path(sys.executable).parent / "composeguard"
    found = str(path) if path.exists() else shutil.which("composeguard")
    assert found, "the wheel did not install the composeguard command"
    return found
