#!/usr/bin/env python3
"""Scaffolds a checklist rule: the rule file, its registry line, and bad/good fixtures.

    scripts/new-rule.py <category> <rule-name> <CODE> [--severity warning]

Example: scripts/new-rule.py security privileged CG201 --severity error
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CATEGORIES = ["correctness", "security", "reliability", "resources", "reproducibility", "style"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("category", choices=CATEGORIES)
    ap.add_argument("name", help="kebab-case rule name")
    ap.add_argument("code", help="CGnnn")
    ap.add_argument("--severity", default="warning", choices=["error", "warning", "info"])
    ap.add_argument("--off", action="store_true", help="off by default")
    a = ap.parse_args()
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", a.name):
        sys.exit("name must be kebab-case")
    if not re.fullmatch(r"CG\d{3}", a.code):
        sys.exit("code must be CGnnn")
    module = a.name.replace("-", "_")
    struct = "".join(p.capitalize() for p in a.name.split("-"))
    cat_dir = ROOT / "crates/composeguard/src/rules" / a.category
    rule_file = cat_dir / f"{module}.rs"
    if rule_file.exists():
        sys.exit(f"{rule_file} exists")
    rule_file.write_text(f'''use crate::rules::prelude::*;

declare_rule! {{
    /// ## What it does
    /// TODO: one sentence on what the rule reports.
    ///
    /// ## Why is this bad?
    /// TODO: the risk, in the user's terms.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    pub struct {struct} => {{
        name: "{a.name}",
        code: "{a.code}",
        category: {a.category.capitalize()},
        severity: {a.severity.capitalize()},
        fixable: false,
        default_enabled: {"false" if a.off else "true"},
        sources: ["TODO"],
    }}
}}

impl Rule for {struct} {{
    fn meta(&self) -> &'static RuleMeta {{
        &Self::META
    }}

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {{
        for (name, service) in cx.services() {{
            let _ = (name, service, &out);
        }}
    }}
}}
''')
    mod = cat_dir / "mod.rs"
    text = mod.read_text()
    text = re.sub(r"(//![^\n]*\n\n)", rf"\1mod {module};\n", text, count=1) if f"mod {module};" not in text else text
    text = text.replace("use crate::rule::Rule;", f"use crate::rule::Rule;\n\npub use {module}::{struct};", 1)
    def add(m):
        body = m.group(1)
        if "\n" in body:  # one rule a line, with a trailing comma
            return f"pub static RULES: &[&dyn Rule] = &[{body.rstrip()}\n    &{struct},\n];"
        sep = ", " if body.strip() else ""
        return f"pub static RULES: &[&dyn Rule] = &[{body}{sep}&{struct}];"
    text = re.sub(r"pub static RULES: &\[&dyn Rule\] = &\[(.*?)\];", add, text, flags=re.S)
    mod.write_text(text)
    fx = ROOT / "tests/fixtures" / a.name
    fx.mkdir(parents=True, exist_ok=True)
    (fx / "bad.yaml").write_text("# expect: 1\nservices:\n  web:\n    image: nginx:1.27\n")
    (fx / "good.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    print(f"created {rule_file.relative_to(ROOT)}, registered it in {mod.relative_to(ROOT)}, and tests/fixtures/{a.name}/")
    print("next: write the docs and the check, fill the fixtures, run `cargo test`, review snapshots with `cargo insta review`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
