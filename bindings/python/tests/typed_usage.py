"""Typed use of the API, checked by `mypy --strict` (test_typing.py); also run as a script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import composeguard
from composeguard import Category, ComposeguardError, Config, ConfigError, Diagnostic, Edit, Fix, Related, Report, Rule, Severity, Suppression


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


def every_attribute(report: Report) -> list[object]:
    """Each public attribute of the report's classes, with its declared type."""
    out: list[object] = [report.files, report.render(), report.render(format="junit"), report.ok(fail_on=None), repr(report)]
    for d in report.diagnostics:
        category: Category = d.category
        ints: list[int] = [d.start_line, d.start_column, d.end_line, d.end_column, d.start_offset, d.end_offset, hash(d)]
        strs: list[str] = [d.rule, d.code, d.message, d.file, str(d), *d.profiles]
        out += [category, ints, strs, d == d]
        for r in d.related:
            out += [r.file, r.start_line, r.start_column, r.end_line, r.end_column, r.start_offset, r.end_offset, r.message]
        if d.fix is not None:
            for e in d.fix.edits:
                edit: Edit = e
                out += [edit.file, edit.start_line, edit.start_column, edit.end_line, edit.end_column, edit.start_offset, edit.end_offset, edit.replacement]
        suppression: Suppression | None = d.suppression
        if suppression is not None:
            reason: str | None = suppression.reason
            out += [suppression.kind, reason]
    for rule in composeguard.rules():
        out += [rule.code, rule.category, rule.severity, rule.fixable, rule.default_enabled, rule.summary, hash(rule)]
    return out


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
    config: Config = {"select": ["all"], "ignore": ["CG5"]}
    everything = every_attribute(composeguard.lint(text, path="a/compose.yaml", env={}, config=config, select=["security"], ignore=("style",), profiles=["*"]))
    version: str = composeguard.__version__
    model: dict[str, Any] = composeguard.loads(text, path="/srv/compose.yaml", env={"TAG": "1"})
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
    print(version, len(everything), ok, counts, len(out), len(docs), sources, sorted(model), locations(report), worst(report), kinds, waived.ok())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
