#!/usr/bin/env python3
"""Compares composeguard with docker compose v2.40.3 on a list of cases: the verdict (invalid =
a spec error) and, where both accept, `config --format json`.

    scripts/oracle-compare.py CASES OUT.jsonl [--composeguard BIN] [--jobs 2]
    scripts/oracle-compare.py --summary OUT.jsonl

A case is a line of CASES: a compose file's path (loaded as `docker compose -f FILE` from its
folder, as ../shared/tools/compose-verdict does), or a JSON object {"dir": FOLDER, "args":
[ARGS...]} (the same arguments given to both, run from FOLDER; `--project-directory .` is added
for compose's verdict unless the arguments have one or "nopd" is true; "env" is an object of
variables given to both processes). Both run with only PATH, an empty HOME and that "env". Each case's outcome is a JSON line of OUT; --summary prints the counts and
every disagreement. Needs the reference installed (../shared/tools/compose-verdict installs it).
"""
import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = pathlib.Path(__file__).resolve().parent.parent
ORACLE = pathlib.Path(os.environ.get("COMPOSE_ORACLE_VENV", pathlib.Path.home() / ".cache/composeguard-oracle"))
PATH = "/usr/local/bin:/usr/bin:/bin"


def oracle_binary():
    found = list(ORACLE.glob("lib/python3*/site-packages/compose/docker-compose"))
    if not found:
        sys.exit("docker compose not found: run ../shared/tools/compose-verdict once to install it")
    return str(found[0])


def run(cmd, cwd, home, timeout=20, env=None):
    start = time.time()
    try:
        p = subprocess.run(cmd, cwd=cwd, env={**(env or {}), "PATH": PATH, "HOME": home}, capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"), time.time() - start
    except subprocess.TimeoutExpired:
        return "timeout", "", "", time.time() - start


def diff(a, b, path=""):
    """The paths where two JSON values differ (a: compose's, b: composeguard's)."""
    if type(a) is not type(b):
        return [f"{path}: compose={json.dumps(a)[:150]} composeguard={json.dumps(b)[:150]}"]
    if isinstance(a, dict):
        out = []
        for k in list(a) + [k for k in b if k not in a]:
            if k not in b:
                out.append(f"{path}.{k}: only compose")
            elif k not in a:
                out.append(f"{path}.{k}: only composeguard")
            else:
                out += diff(a[k], b[k], f"{path}.{k}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: compose={json.dumps(a)[:200]} composeguard={json.dumps(b)[:200]}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: compose={json.dumps(a)[:150]} composeguard={json.dumps(b)[:150]}"]


def compare(line, oracle, cg):
    if line.startswith("{"):
        case = json.loads(line)
        folder, args, nopd, env = case["dir"], case["args"], case.get("nopd", False), case.get("env")
    else:
        folder, args, nopd, env = os.path.dirname(line), ["-f", os.path.basename(line)], False, None
    home = tempfile.mkdtemp(prefix="oracle-home")
    r = {"case": line}
    pd = [] if nopd or "--project-directory" in args else ["--project-directory", "."]
    rc, _, err, _ = run([oracle] + args + pd + ["config", "-q"], folder, home, env=env)
    r["compose_invalid"] = rc != 0
    r["compose_error"] = "\n".join(l for l in err.splitlines() if "level=warning" not in l)[-400:]
    _, out, err, took = run([cg, "check", "--format", "json"] + args, folder, home, env=env)
    r["composeguard_seconds"] = round(took, 2)
    try:
        report = json.loads(out)
        spec = [d for f in report["files"] for d in f["diagnostics"] if d["category"] == "spec" and d["severity"] == "error" and not d.get("suppression")]
        r["composeguard_invalid"] = bool(spec)
        r["composeguard_errors"] = [f'{d["rule"]}: {d["message"]}'[:300] for d in spec][:5]
    except (ValueError, KeyError):
        r["composeguard_invalid"] = "crash"
        r["composeguard_errors"] = [err[-500:]]
    r["verdict_agree"] = r["composeguard_invalid"] == r["compose_invalid"]
    if rc == 0 and r["composeguard_invalid"] is False:
        _, a, _, _ = run([oracle] + args + ["config", "--format", "json"], folder, home, env=env)
        _, b, _, _ = run([cg, "config", "--format", "json"] + args, folder, home, env=env)
        try:
            differences = diff(json.loads(a), json.loads(b))
            r["config_agree"] = not differences
            if differences:
                r["config_diff"] = differences[:10]
        except ValueError:
            r["config_agree"] = "unreadable output"
    shutil.rmtree(home, ignore_errors=True)
    return r


def summary(path):
    rs = [json.loads(l) for l in open(path)]
    print(f"{len(rs)} cases; compose rejects {sum(r['compose_invalid'] for r in rs)}")
    print(f"verdicts differ on {sum(not r['verdict_agree'] for r in rs)}")
    print(f"config compared on {sum('config_agree' in r for r in rs)}, differs on {sum(r.get('config_agree') not in (None, True) for r in rs)}")
    slow = [r for r in rs if not isinstance(r["composeguard_seconds"], float) or r["composeguard_seconds"] > 2]
    print(f"over 2 s: {len(slow)}")
    for r in rs:
        if not r["verdict_agree"]:
            print("VERDICT", r["case"], "| compose:", r["compose_invalid"], r["compose_error"][-200:], "| composeguard:", r["composeguard_invalid"], r["composeguard_errors"][:2])
        elif r.get("config_agree") not in (None, True):
            print("CONFIG", r["case"], r.get("config_diff", r["config_agree"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="?")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--composeguard", default=str(ROOT / "target/debug/composeguard"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--summary")
    a = ap.parse_args()
    if a.summary:
        summary(a.summary)
        return
    if not a.cases or not a.out:
        ap.error("CASES and OUT are required")
    oracle = oracle_binary()
    lines = [l.strip() for l in open(a.cases) if l.strip()]
    with open(a.out, "w") as out, ThreadPoolExecutor(a.jobs) as ex:
        for r in ex.map(lambda l: compare(l, oracle, a.composeguard), lines):
            out.write(json.dumps(r) + "\n")
            out.flush()
    summary(a.out)


if __name__ == "__main__":
    main()
