"""composeguard: a Docker Compose validator and production linter.

The engine is Rust (``composeguard._core``); this module is its typed facade::

    import composeguard

    report = composeguard.lint(text)
    for d in report.diagnostics:
        print(d.file, d.start_line, d.start_column, d.rule, d.message)

    # files stacked into one project, as `composeguard check -f compose.yaml -f compose.prod.yaml`
    report = composeguard.lint_files("compose.yaml", "compose.prod.yaml", profiles=["debug"])
    # the resolved project, as `composeguard config --format json -f … -f …` prints it
    model = composeguard.load("compose.yaml", "compose.prod.yaml")

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
    """Misuse of the API: an unknown rule, a file the caller named that cannot be read (a compose
    file, an env file or a configuration file; the ``OSError`` is the ``__cause__``), a path that
    is not UTF-8 text."""


class ConfigError(ComposeguardError, ValueError):
    """A ``config`` mapping or file, a ``fail_on`` level, a ``render`` format or a
    ``select``/``ignore`` entry that composeguard does not understand."""


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
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    profiles: Iterable[str] = (),
) -> Report:
    """Validates and lints one compose file given as text.

    ``path`` names the file in diagnostics; nothing is read from disk (no ``.env``, no
    ``env_file``, no configuration file unless ``config`` names one). ``env`` holds the variables
    for interpolation (none by default, so the result does not depend on the process environment).
    ``bytes`` that are not UTF-8 give a diagnostic at the first invalid byte, as the CLI reports
    such a file. ``select`` and ``ignore`` take rule names, codes, code prefixes (``"CG2"``),
    categories or ``"all"``, as ``composeguard check --select/--ignore``: rules to run besides
    the defaults, rules not to run (where both name a rule, the more precise entry wins,
    ``ignore`` on a tie); they add to the configuration's. Raises ``ConfigError`` for a
    configuration composeguard does not understand, a ``select``/``ignore`` entry that names
    no rule, or an ``ignore`` entry that names only spec errors (what compose rejects always
    counts; ``"all"`` leaves those on), ``ComposeguardError`` when ``config`` names a file that
    cannot be read (the ``OSError`` is the ``__cause__``). ``profiles`` are the active profiles, as ``--profile`` (``"*"`` for all, as
    ``--all-profiles``); without them, ``COMPOSE_PROFILES`` in ``env`` decides, as for the CLI.
    With no profile chosen at all, the rules check every service (a finding about a service
    behind profiles lists them), as the CLI does.
    """
    return _core.lint(
        text, _utf8(path, "path"), _strings(env, "env"), *_config(config), _names(select, "select"), _names(ignore, "ignore"), _names(profiles, "profiles")
    )


def lint_files(
    *paths: StrPath,
    project_directory: StrPath | None = None,
    env_files: Iterable[StrPath] = (),
    profiles: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    config: Config | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> Report:
    """Validates and lints compose files from disk, stacked into one project as
    ``composeguard check -f A -f B`` (and ``docker compose -f A -f B``) stacks them: later files
    override earlier ones, and a finding about a value an override set points into that file,
    with a ``related`` location at the value it replaced.

    Relative paths are relative to the current folder. ``project_directory`` is the folder
    relative paths in the files are resolved from and ``.env`` is read in (default: the first
    file's folder). The variables for interpolation are ``env`` (the process environment by
    default, as for the CLI), then ``.env`` in the project folder, or the ``env_files`` instead of
    ``.env`` (later files see earlier ones; ``env`` wins over all of them). ``profiles`` activates
    profiles (default: ``COMPOSE_PROFILES``; ``"*"`` for all, and then each finding about a
    service lists its profiles). Without ``config``, the configuration is found from the first
    file's folder upwards (``composeguard.toml``, or ``pyproject.toml`` with
    ``[tool.composeguard]``), as the CLI finds it, and ``Report.ok()`` answers at its
    ``fail-on``. ``select`` and ``ignore`` are as for :func:`lint`. For several independent
    projects, call this once for each.

    Raises ``ComposeguardError`` when a path, env file or configuration file is not a file that
    can be read (the ``OSError`` is the ``__cause__``) or a path is not UTF-8 text, ``ConfigError`` for a configuration composeguard does not
    understand or a ``select``/``ignore`` entry that names no rule.
    """
    return _core.lint_files(
        *_files(paths, project_directory, env_files, profiles, env), *_config(config), _names(select, "select"), _names(ignore, "ignore")
    )


def load(
    *paths: StrPath,
    project_directory: StrPath | None = None,
    env_files: Iterable[StrPath] = (),
    profiles: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The resolved project of compose files from disk as plain dicts and lists: what
    ``composeguard config --format json -f A -f B`` prints (and ``docker compose config --format
    json``), the files stacked and the arguments meant as for ``lint_files``.

    Only the active services are in it (services without ``profiles``, and those of the active
    ``profiles``). Loading does not validate: where ``composeguard config`` refuses a project,
    this gives what could be read and leaves out what could not; ``lint_files`` with the same
    arguments says what is wrong. Raises ``ComposeguardError`` when a path or env file is not a
    file that can be read (the ``OSError`` is the ``__cause__``) or a path is not UTF-8 text.
    """
    result: dict[str, Any] = json.loads(_core.load_json(*_files(paths, project_directory, env_files, profiles, env)))
    return result


def loads(text: str | bytes, *, path: str = "compose.yaml", env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The resolved project of one compose text as plain dicts and lists, in the form
    ``composeguard config --format json`` prints, with the text loaded as ``lint`` loads it.

    Nothing is read from disk and the process environment is not used: the variables are
    ``env`` only; no ``.env``; an ``extends`` of another file and ``include`` are not resolved
    (``lint`` notes that they were not checked); ``env_file`` and ``label_file`` add nothing to
    ``environment`` and ``labels``. ``path`` stands for where the text would be: relative paths
    (a build context, a bind mount) are resolved against its folder, and without ``name:`` the
    project is named after that folder. A relative ``path`` such as the default leaves them
    relative and the name empty; pass an absolute one, or use ``load`` for a file on disk, to get
    what ``composeguard config`` prints. Only services without ``profiles`` are active.

    Loading does not validate: parts that cannot be read are left out. ``lint`` says what is wrong.
    """
    result: dict[str, Any] = json.loads(_core.loads_json(text, _utf8(path, "path"), _strings(env, "env")))
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


def _utf8(path: str, what: str) -> str:
    """``path``, when it is UTF-8 text; a name that is not (decoded with ``surrogateescape``, as
    ``os.fsdecode`` and ``pathlib`` decode it) is a ``ComposeguardError``, as the CLI refuses it."""
    if isinstance(path, str):
        try:
            path.encode("utf-8")
        except UnicodeEncodeError:
            raise ComposeguardError(f"cannot use {path!r} ({what}): the path is not UTF-8 text, which composeguard needs") from None
    return path


def _names(items: Iterable[str], what: str) -> list[str]:
    if isinstance(items, str):
        raise TypeError(f"{what} must be an iterable of str, not a single str (write [{items!r}])")
    return list(items)


def _config(config: Config | None) -> tuple[str | None, str | None]:
    """The configuration as (the table as JSON, a file path) for the native module."""
    if config is None:
        return None, None
    if isinstance(config, (str, os.PathLike)):
        return None, _utf8(os.fsdecode(config), "config")
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
        [_utf8(os.fsdecode(p), "path") for p in paths],
        None if project_directory is None else _utf8(os.fsdecode(project_directory), "project_directory"),
        [_utf8(os.fsdecode(p), "env_files") for p in env_files],
        _names(profiles, "profiles"),
        dict(os.environ) if env is None else _strings(env, "env"),
    )
