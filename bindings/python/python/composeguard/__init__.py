"""composeguard: a Docker Compose validator and production linter.

The engine is Rust (``composeguard._core``); this module is its typed facade::

    import composeguard

    report = composeguard.lint(text)
    for d in report.diagnostics:
        print(d.file, d.start_line, d.start_column, d.rule, d.message)

Invalid compose input never raises: it gives diagnostics. Exceptions are for misuse only: an
unknown rule name, a bad ``config``, a file the caller named that cannot be read.

Lines and columns are 1-based, columns counted in code points (``text[column - 1]`` on the line
is the character); ``start_offset``/``end_offset`` are UTF-8 byte offsets, as in the JSON report.
The GIL is released while linting, and every function may be called from several threads.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Union

from composeguard import _core
from composeguard._core import (
    Diagnostic,
    Edit,
    Fix,
    Related,
    Report,
    Rule,
    Suppression,
    __version__,
)

if TYPE_CHECKING:
    from typing_extensions import TypeAlias

__all__ = [
    "Category",
    "ComposeguardError",
    "Config",
    "ConfigError",
    "Diagnostic",
    "Edit",
    "Fix",
    "Related",
    "Report",
    "Rule",
    "Severity",
    "Suppression",
    "__version__",
    "explain",
    "lint",
    "lint_files",
    "load",
    "loads",
    "rules",
]

Severity = Literal["error", "warning", "info"]
"""How serious a finding is."""

Category = Literal["spec", "correctness", "security", "reliability", "resources", "reproducibility", "style"]
"""What kind of problem a rule finds (``spec``: what ``docker compose config`` rejects)."""

StrPath: TypeAlias = Union[str, "os.PathLike[str]"]


class ComposeguardError(Exception):
    """Misuse of the API: an unknown rule, a file the caller named that cannot be read (the
    ``OSError`` is the ``__cause__``), a bad env file."""


class ConfigError(ComposeguardError, ValueError):
    """A ``config`` mapping or a ``fail_on`` level that composeguard does not understand."""


Config = Union[Mapping[str, Any], str, "os.PathLike[str]"]
"""A configuration: the table of a ``composeguard.toml`` as a mapping (``{"select": [...],
"ignore": [...], "severity": {...}, "fail-on": "warning", "waiver": [{...}]}``), or the path of a
``composeguard.toml`` or ``pyproject.toml`` (its ``[tool.composeguard]``)."""


def lint(
    text: str | bytes,
    *,
    path: str = "compose.yaml",
    env: Mapping[str, str] | None = None,
    config: Config | None = None,
) -> Report:
    """Validates and lints one compose file given as text.

    ``path`` names the file in diagnostics; nothing is read from disk (no ``.env``, no
    ``env_file``, no configuration file unless ``config`` names one). ``env`` holds the variables
    for interpolation (none by default, so the result does not depend on the process environment).
    ``bytes`` that are not UTF-8 give a diagnostic at the first invalid byte, as the CLI reports
    such a file. Raises ``ConfigError`` for a configuration composeguard does not understand.
    """
    return _core.lint(text, path, _strings(env, "env"), *_config(config))


def lint_files(
    *paths: StrPath,
    project_directory: StrPath | None = None,
    env_files: Iterable[StrPath] = (),
    profiles: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    config: Config | None = None,
) -> Report:
    """Validates and lints compose files from disk, as ``composeguard check -f A -f B`` does.

    The variables for interpolation are ``env`` (the process environment by default, as for the
    CLI), then ``.env`` in the project folder, or the ``env_files`` instead of ``.env``.
    ``profiles`` activates profiles (``"*"`` for all). Without ``config``, the configuration is
    found from each file's folder upwards (``composeguard.toml``, or ``pyproject.toml`` with
    ``[tool.composeguard]``), as the CLI finds it. Raises ``ComposeguardError`` when a path cannot
    be read, ``ConfigError`` for a configuration composeguard does not understand.
    """
    return _core.lint_files(*_files(paths, project_directory, env_files, profiles, env), *_config(config))


def load(
    *paths: StrPath,
    project_directory: StrPath | None = None,
    env_files: Iterable[StrPath] = (),
    profiles: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The resolved project of compose files from disk as plain dicts and lists (what
    ``composeguard config --format json`` prints).

    Loading does not validate: parts that cannot be read are left out. ``lint_files`` with the
    same arguments says what is wrong.
    """
    result: dict[str, Any] = json.loads(_core.load_json(*_files(paths, project_directory, env_files, profiles, env)))
    return result


def loads(text: str | bytes, *, path: str = "compose.yaml", env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The resolved model of compose text as plain dicts and lists (nothing is read from disk).

    Loading does not validate: parts that cannot be read are left out. ``lint`` says what is wrong.
    """
    result: dict[str, Any] = json.loads(_core.loads_json(text, path, _strings(env, "env")))
    return result


def rules() -> list[Rule]:
    """Every rule: the spec checks, then the checklist rules, in code order."""
    return _core.rules()


def explain(name: str) -> str:
    """A rule's documentation (markdown), by name (``privileged``) or code (``CG301``).

    Raises ``ComposeguardError`` for a name no rule has.
    """
    return _core.explain(name)


def _strings(mapping: Mapping[str, str] | None, what: str) -> dict[str, str]:
    if mapping is None:
        return {}
    if not isinstance(mapping, Mapping):
        raise TypeError(f"{what} must be a mapping of str to str, not {type(mapping).__name__}")
    return dict(mapping)


def _names(items: Iterable[str], what: str) -> list[str]:
    if isinstance(items, str):
        raise TypeError(f"{what} must be an iterable of str, not a single str (write [{items!r}])")
    return list(items)


def _config(config: Config | None) -> tuple[str | None, str | None]:
    """The configuration as (the table as JSON, a file path) for the native module."""
    if config is None:
        return None, None
    if isinstance(config, (str, os.PathLike)):
        return None, os.fsdecode(config)
    if not isinstance(config, Mapping):
        raise ConfigError(f"config must be a mapping or the path of a configuration file, not {type(config).__name__}")
    try:
        return json.dumps(dict(config)), None
    except (TypeError, ValueError) as e:
        raise ConfigError(f"config: {e}") from None


def _files(
    paths: tuple[StrPath, ...],
    project_directory: StrPath | None,
    env_files: Iterable[StrPath],
    profiles: Iterable[str],
    env: Mapping[str, str] | None,
) -> tuple[list[str], str | None, list[str], list[str], dict[str, str]]:
    if not paths:
        raise TypeError("at least one path is needed")
    if isinstance(env_files, (str, os.PathLike)):
        raise TypeError("env_files must be an iterable of paths, not a single path")
    return (
        [os.fsdecode(p) for p in paths],
        None if project_directory is None else os.fsdecode(project_directory),
        [os.fsdecode(p) for p in env_files],
        _names(profiles, "profiles"),
        dict(os.environ) if env is None else _strings(env, "env"),
    )
