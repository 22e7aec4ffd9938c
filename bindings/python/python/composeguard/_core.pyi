"""Type stubs of the native module. Use the ``composeguard`` package: this module is private."""

from typing import Literal, final

__all__ = [
    "__version__",
    "Report",
    "Diagnostic",
    "Related",
    "Fix",
    "Edit",
    "Suppression",
    "Rule",
    "lint",
    "lint_files",
    "load_json",
    "loads_json",
    "rules",
    "explain",
    "main",
]

__version__: str

_Severity = Literal["error", "warning", "info"]
_Category = Literal["spec", "correctness", "security", "reliability", "resources", "reproducibility", "style"]

@final
class Related:
    """A secondary location: the anchor behind an alias, the first duplicate, the file that set a value."""

    @property
    def file(self) -> str: ...
    @property
    def start_line(self) -> int: ...
    @property
    def start_column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...
    @property
    def start_offset(self) -> int: ...
    @property
    def end_offset(self) -> int: ...
    @property
    def message(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Edit:
    """One text replacement of a fix."""

    @property
    def file(self) -> str: ...
    @property
    def start_line(self) -> int: ...
    @property
    def start_column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...
    @property
    def start_offset(self) -> int: ...
    @property
    def end_offset(self) -> int: ...
    @property
    def replacement(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Fix:
    """A fix: edits that resolve the finding."""

    @property
    def description(self) -> str: ...
    @property
    def edits(self) -> tuple[Edit, ...]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Suppression:
    """Why a finding does not count: an inline comment, the configuration or a baseline waives it."""

    @property
    def kind(self) -> str: ...
    @property
    def reason(self) -> str | None: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Diagnostic:
    """One finding. Lines and columns are 1-based, columns in code points; offsets are UTF-8 bytes."""

    @property
    def rule(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def category(self) -> _Category: ...
    @property
    def severity(self) -> _Severity: ...
    @property
    def message(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def path(self) -> tuple[str | int, ...]: ...
    @property
    def start_line(self) -> int: ...
    @property
    def start_column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...
    @property
    def start_offset(self) -> int: ...
    @property
    def end_offset(self) -> int: ...
    @property
    def help(self) -> str | None: ...
    @property
    def related(self) -> tuple[Related, ...]: ...
    @property
    def fix(self) -> Fix | None: ...
    @property
    def profiles(self) -> tuple[str, ...]: ...
    @property
    def suppression(self) -> Suppression | None: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Report:
    """The result of a run: the diagnostics and counts by severity. ``str()`` is the CLI's output."""

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]: ...
    @property
    def files(self) -> tuple[str, ...]: ...
    @property
    def error_count(self) -> int: ...
    @property
    def warning_count(self) -> int: ...
    @property
    def info_count(self) -> int: ...
    @property
    def summary(self) -> dict[_Severity, int]: ...
    @property
    def valid(self) -> bool:
        """Whether docker compose accepts the files (no ``spec`` error)."""
    def ok(self, fail_on: str | None = None) -> bool:
        """Whether nothing unsuppressed is at or above ``fail_on`` (``error``, ``warning`` or
        ``info``); without it, at the configuration's ``fail-on``, else ``error``."""
    def render(self, format: str = "human") -> str:
        """What ``composeguard check --format FORMAT`` prints (``human`` without colour, ``json``,
        ``sarif``, ``github``, ``junit``, ``gitlab``)."""
    def to_json(self) -> str:
        """What ``composeguard check --format json`` prints (columns in characters, as the CLI counts)."""
    def to_sarif(self) -> str:
        """What ``composeguard check --format sarif`` prints: a SARIF 2.1.0 log."""

@final
class Rule:
    """A rule and its metadata."""

    @property
    def name(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def category(self) -> _Category: ...
    @property
    def severity(self) -> _Severity: ...
    @property
    def fixable(self) -> bool: ...
    @property
    def default_enabled(self) -> bool: ...
    @property
    def sources(self) -> tuple[str, ...]: ...
    @property
    def summary(self) -> str: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

def lint(
    text: str | bytes,
    path: str,
    env: dict[str, str],
    config_json: str | None,
    config_path: str | None,
    select: list[str],
    ignore: list[str],
    profiles: list[str],
) -> Report:
    """Lints one text; nothing else is read."""
def lint_files(
    paths: list[str],
    project_directory: str | None,
    env_files: list[str],
    profiles: list[str],
    env: dict[str, str],
    config_json: str | None,
    config_path: str | None,
    select: list[str],
    ignore: list[str],
) -> Report:
    """Lints the files stacked into one project, as ``composeguard check -f A -f B``."""
def load_json(
    paths: list[str],
    project_directory: str | None,
    env_files: list[str],
    profiles: list[str],
    env: dict[str, str],
) -> str:
    """The files stacked into one project, as ``composeguard config --format json -f A -f B``
    prints it (compact)."""
def loads_json(text: str | bytes, path: str, env: dict[str, str]) -> str:
    """One text loaded as ``lint`` loads it, in ``composeguard config --format json``'s form."""
def rules() -> list[Rule]: ...
def explain(name: str) -> str: ...
def main(argv: list[str]) -> int: ...
