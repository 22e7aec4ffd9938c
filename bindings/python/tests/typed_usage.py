"""Typed use of the API, checked by `mypy --strict` (test_typing.py); also run as a script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import composeguard
from composeguard import ComposeguardError, ConfigError, Diagnostic, Fix, Related, Report, Rule, Severity


def locations(report: Report) -> list[tuple[str, int, int]]:
    return [(d.file, d.start_line, d.start_column) for d in report.diagnostics]


def worst(report: Report) -> Severity | None:
    order: list[Severity] = ["error", "warning", "info"]
    for level in order:
        if report.summary[level]:
            return level
    return None


def describe(d: Diagnostic) -> str:
    steps: tuple[str | int, ...] = d.path
    related: tuple[Related, ...] = d.related
    fix: Fix | None = d.fix
    help_text: str | None = d.help
    edits = 0 if fix is None else len(fix.edits)
    return f"{d.code} {d.category} {d.severity} {steps} {len(related)} {edits} {help_text or ''} {d.end_offset - d.start_offset}"


def main() -> int:
    text = "services:\n  web:\n    image: nginx:latest\n"
    report: Report = composeguard.lint(text, path="compose.yaml", env={"A": "1"}, config={"ignore": ["style"]})
    report = composeguard.lint(text.encode())
    ok: bool = report.ok("warning") and report.valid
    counts: int = report.error_count + report.warning_count + report.info_count
    out: str = report.to_json() + report.to_sarif() + report.render("github") + str(report) + "".join(describe(d) for d in report.diagnostics)
    report = composeguard.lint(text, config=Path("composeguard.toml")) if Path("composeguard.toml").exists() else report
    waived = composeguard.lint(text, config={"waiver": [{"rule": "no-healthcheck", "service": "web", "reason": "demo"}], "fail-on": "warning"})
    kinds = [d.suppression.kind for d in waived.diagnostics if d.suppression is not None]
    rules: list[Rule] = composeguard.rules()
    docs: str = composeguard.explain(rules[0].name)
    sources: tuple[str, ...] = rules[0].sources
    model: dict[str, Any] = composeguard.loads(text)
    path = Path("compose.yaml")
    try:
        composeguard.lint_files(path, "other.yaml", env_files=[Path(".env")], profiles=["debug"], env={})
        composeguard.lint_files(path, project_directory=Path("."), config={"fail-on": "warning"})
        stacked: dict[str, Any] = composeguard.load(path, "compose.prod.yaml", project_directory=".", env_files=("a.env", Path("b.env")), profiles=("*",))
        services: dict[str, Any] = stacked.get("services", {})
        out += ",".join(services)
    except ConfigError:
        pass
    except ComposeguardError as e:
        out += str(e.__cause__)
    print(ok, counts, len(out), len(docs), sources, sorted(model), locations(report), worst(report), kinds, waived.ok())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
