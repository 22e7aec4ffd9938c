"""Structure checks of the distribution files, run by scripts/test-dist.sh.

    python scripts/check-dist.py action COMPOSEGUARD_BIN   # action.yml
    python scripts/check-dist.py hooks COMPOSEGUARD_BIN    # .pre-commit-hooks.yaml
    python scripts/check-dist.py readme COMPOSEGUARD_BIN   # the examples of README's "Install"

Prints what is wrong and exits 1, or exits 0. Needs PyYAML.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
FORMATS = {"github", "sarif", "human", "json", "junit", "gitlab"}
# pre-commit's languages (pre_commit/all_languages.py)
HOOK_LANGUAGES = {
    "conda", "coursier", "dart", "docker", "docker_image", "dotnet", "fail", "golang", "haskell",
    "julia", "lua", "node", "perl", "pygrep", "python", "r", "ruby", "rust", "swift", "script",
    "system", "unsupported", "unsupported_script",
}
# keys pre-commit accepts in a hook manifest (pre_commit/clientlib.py, MANIFEST_HOOK_DICT)
HOOK_KEYS = {
    "id", "name", "entry", "language", "alias", "files", "exclude", "types", "types_or",
    "exclude_types", "additional_dependencies", "args", "always_run", "fail_fast",
    "pass_filenames", "description", "language_version", "log_file", "minimum_pre_commit_version",
    "require_serial", "stages", "verbose",
}


def subcommand_exists(binary: str, entry: str) -> str | None:
    """None when `entry` is `composeguard SUBCOMMAND …` and the binary knows the subcommand."""
    words = entry.split()
    if len(words) < 2 or words[0] != "composeguard":
        return f"entry `{entry}` is not `composeguard <subcommand>`"
    run = subprocess.run([binary, words[1], "--help"], capture_output=True, text=True, check=False)
    if run.returncode != 0:
        return f"`composeguard {words[1]} --help` exits {run.returncode}: {run.stderr.strip()}"
    return None


def check_action(binary: str) -> list[str]:
    errors: list[str] = []
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    for key in ("name", "description", "inputs", "outputs", "runs"):
        if key not in action:
            errors.append(f"action.yml lacks `{key}`")
    inputs = action.get("inputs", {})
    for name, spec in inputs.items():
        if not spec.get("description"):
            errors.append(f"input `{name}` has no description")
        if "default" in spec and not isinstance(spec["default"], str):
            errors.append(f"input `{name}`: its default is not a string")
    if inputs.get("format", {}).get("default") not in FORMATS:
        errors.append("the default `format` is not a composeguard format")
    runs = action.get("runs", {})
    if runs.get("using") != "composite":
        errors.append("runs.using is not `composite`")
    steps = runs.get("steps", [])
    ids = {step.get("id") for step in steps}
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}", text))
    for name in sorted(used - set(inputs)):
        errors.append(f"`inputs.{name}` is used but not declared")
    for name in sorted(set(inputs) - used):
        errors.append(f"input `{name}` is declared but never used")
    for step in steps:
        if "run" in step:
            if "shell" not in step:
                errors.append(f"step `{step.get('name')}` runs a script without `shell`")
            if "${{" in step["run"]:
                errors.append(f"step `{step.get('name')}` pastes an expression into its script (pass it through env)")
            for script in re.findall(r"\$GITHUB_ACTION_PATH/([^\"' ]+)", step["run"]):
                if not (ROOT / script).is_file():
                    errors.append(f"step `{step.get('name')}` runs {script}, which does not exist")
    for name, spec in action.get("outputs", {}).items():
        match = re.fullmatch(r"\$\{\{\s*steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)\s*\}\}", str(spec.get("value", "")))
        if not match or match.group(1) not in ids:
            errors.append(f"output `{name}` does not name a step's output")
        if not spec.get("description"):
            errors.append(f"output `{name}` has no description")
    problem = subcommand_exists(binary, "composeguard check")
    if problem:
        errors.append(problem)
    return errors


def check_hooks(binary: str) -> list[str]:
    errors: list[str] = []
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    if not isinstance(hooks, list) or not hooks:
        return [".pre-commit-hooks.yaml is not a list of hooks"]
    seen: set[str] = set()
    for hook in hooks:
        hook_id = hook.get("id", "?")
        for key in ("id", "name", "entry", "language"):
            if key not in hook:
                errors.append(f"hook `{hook_id}` lacks `{key}`")
        for key in set(hook) - HOOK_KEYS:
            errors.append(f"hook `{hook_id}`: unknown key `{key}`")
        if hook_id in seen:
            errors.append(f"hook id `{hook_id}` appears twice")
        seen.add(hook_id)
        if hook.get("language") not in HOOK_LANGUAGES:
            errors.append(f"hook `{hook_id}`: unknown language `{hook.get('language')}`")
        problem = subcommand_exists(binary, hook.get("entry", ""))
        if problem:
            errors.append(f"hook `{hook_id}`: {problem}")
        pattern = re.compile(hook.get("files", ""))
        # pre-commit matches `files` with re.search on paths relative to the repository root
        for path in ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml", "deploy/compose.yaml", "a/b/docker-compose.yml"):
            if not pattern.search(path):
                errors.append(f"hook `{hook_id}`: files does not match {path}")
        for path in ("compose.override.yaml", "docker-compose.override.yml", "compose.prod.yaml", "mycompose.yaml", "compose.yaml.bak", "compose.json"):
            if pattern.search(path):
                errors.append(f"hook `{hook_id}`: files matches {path}, which is not a whole project")
    if "composeguard" not in seen:
        errors.append("no hook with the id `composeguard`")
    if not any(hook.get("language") == "python" for hook in hooks):
        errors.append("no hook for the Python package")
    if (ROOT / "pyproject.toml").is_file() is False:
        errors.append("the python hook needs a pyproject.toml at the repository root (pre-commit runs `pip install .` there)")
    return errors


def install_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("\n## Install\n")
    end = readme.index("\n## ", start + 1)
    return readme[start:end]


def check_readme(binary: str) -> list[str]:
    """The pre-commit configurations and workflows of README's Install section use hooks, inputs
    and outputs that exist."""
    errors: list[str] = []
    section = install_section()
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    inputs, outputs = set(action["inputs"]), set(action["outputs"])
    seen = {"config": 0, "hook": 0, "workflow": 0}
    for block in blocks:
        data = yaml.safe_load(block if not block.startswith(" ") else "\n".join(l[6:] for l in block.splitlines()))
        if isinstance(data, dict) and "repos" in data:
            seen["config"] += 1
            for repo in data["repos"]:
                if repo.get("repo") != "https://github.com/composeguard/composeguard":
                    errors.append(f"README: pre-commit repo {repo.get('repo')}")
                for hook in repo["hooks"]:
                    if hook["id"] not in hooks:
                        errors.append(f"README: pre-commit hook `{hook['id']}` does not exist")
        elif isinstance(data, list):
            seen["hook"] += 1
            for hook in data:
                if hook.get("id") not in hooks:
                    errors.append(f"README: pre-commit hook `{hook.get('id')}` does not exist")
                for key in set(hook) - HOOK_KEYS:
                    errors.append(f"README: hook key `{key}`")
                pattern = re.compile(hook.get("files", ""))
                if "args" in hook and hook.get("id") in hooks:
                    entry = hooks[hook["id"]]["entry"].split() + hook["args"]
                    files = [a for a in hook["args"] if not a.startswith("-")]
                    if any(not pattern.search(f) for f in files):
                        errors.append(f"README: the hook's files pattern misses one of {files}")
                    help_run = subprocess.run([binary, *entry[1:], "--help"], capture_output=True, text=True, check=False)
                    if help_run.returncode != 0:
                        errors.append(f"README: `{' '.join(entry)}` is not a valid command line: {help_run.stderr.strip()}")
        elif isinstance(data, dict) and "jobs" in data:
            seen["workflow"] += 1
            for job_name, job in data["jobs"].items():
                ours = {}
                for step in job["steps"]:
                    uses = step.get("uses", "")
                    if uses.startswith("composeguard/composeguard@"):
                        ours[step.get("id")] = step
                        for key, value in (step.get("with") or {}).items():
                            if key not in inputs:
                                errors.append(f"README: job `{job_name}` gives the action an unknown input `{key}`")
                            if key == "format" and value not in FORMATS:
                                errors.append(f"README: job `{job_name}`: format `{value}`")
                for step_id, output in re.findall(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)", yaml.safe_dump(job)):
                    if step_id not in ours:
                        errors.append(f"README: job `{job_name}` reads outputs of a step `{step_id}` that is not the action")
                    elif output not in outputs:
                        errors.append(f"README: job `{job_name}` reads an output `{output}` the action does not have")
                if not ours:
                    errors.append(f"README: job `{job_name}` does not use the action")
    for kind, count in seen.items():
        if count == 0:
            errors.append(f"README: Install has no {kind} example")
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", section, re.MULTILINE))
    for name in sorted(inputs - documented):
        errors.append(f"README: the action's input `{name}` is not in the table")
    for name in sorted(set(hooks) - documented):
        errors.append(f"README: the hook `{name}` is not in the table")
    return errors


def main() -> int:
    what, binary = sys.argv[1], sys.argv[2]
    errors = {"action": check_action, "hooks": check_hooks, "readme": check_readme}[what](binary)
    for error in errors:
        print(f"{what}: {error}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
