#!/usr/bin/env python3
"""Differential test against docker compose: generates many small compose files (every property of
the spec's schema with values of every type, plus mutations of the corpus files), runs docker
compose v2.40.3 and composeguard on each, and prints the disagreements on validity.

    scripts/differential.py [--composeguard target/debug/composeguard] [--only schema|corpus] [--limit N]

Needs the reference installed (../shared/tools/compose-verdict installs it once). Disagreements
are written to target/differential/ as files to turn into fixtures.
"""
import argparse
import json
import os
import pathlib
import random
import subprocess
import sys
import tempfile

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ORACLE = pathlib.Path.home() / ".cache/composeguard-oracle/lib/python3.11/site-packages/compose/docker-compose"

VALUES = [
    1, 0, -1, 1.5, 70000, "str", "", True, False, "true", "yes", "abc def", None,
    [], ["a"], [1], [{"a": 1}], {}, {"a": 1}, {"a": {"b": 1}},
    "${X:-1}", "${X:-true}", "${X}", "1m", "512m", "1.5G", "0", "10", "-5", "80:80", "/a:/b",
    "2020-01-01",
]

# Required keys to give an object at a path so that only the value under test varies.
REQUIRED = {
    "depends_on.*": {"condition": "service_started"},
    "volumes[]": {"type": "volume", "target": "/x"},
    "ulimits.*": {"soft": 1, "hard": 2},
    "devices[]": {"source": "/dev/null"},
    "develop.watch[]": {"path": ".", "action": "rebuild"},
    "post_start[]": {"command": "true"},
    "pre_stop[]": {"command": "true"},
    "extends": {"service": "b"},
    "provider": {"type": "x"},
    "env_file[]": {"path": "e.env"},
    "deploy.resources.reservations.devices[]": {"capabilities": ["gpu"]},
}


def load_schema():
    return json.loads((SHARED / "reference/compose-spec.json").read_text())


def resolve(schema, node):
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        node = schema["definitions"][node["$ref"].split("/")[-1]]
        seen += 1
    return node


def object_variants(schema, node, depth=0):
    """Object schemas reachable from a node (through oneOf)."""
    node = resolve(schema, node)
    out = []
    if not isinstance(node, dict) or depth > 4:
        return out
    if "properties" in node:
        out.append(node)
    for alt in node.get("oneOf", []) + node.get("anyOf", []):
        out.extend(object_variants(schema, alt, depth + 1))
    return out


def walk_properties(schema, node, prefix, depth=0):
    """Yields (path segments, is_item) for every property under a node."""
    if depth > 5:
        return
    for obj in object_variants(schema, node):
        for name, sub in obj.get("properties", {}).items():
            yield prefix + [name]
            sub_r = resolve(schema, sub)
            yield from walk_properties(schema, sub_r, prefix + [name], depth + 1)
            # arrays of objects
            for alt in [sub_r] + sub_r.get("oneOf", []):
                alt = resolve(schema, alt)
                if isinstance(alt, dict) and alt.get("type") == "array" and isinstance(alt.get("items"), dict):
                    yield from walk_properties(schema, alt["items"], prefix + [name, "[]"], depth + 1)
            for pp in sub_r.get("patternProperties", {}).values():
                if pp:
                    yield from walk_properties(schema, pp, prefix + [name, "*"], depth + 1)


def build(path, value):
    """A compose document with `value` at `path` (relative to service `a`)."""
    doc = {"services": {"a": {"image": "x"}, "b": {"image": "x"}}}
    cur = doc["services"]["a"]
    key_path = []
    for i, seg in enumerate(path):
        last = i == len(path) - 1
        rel = ".".join(key_path)
        if seg == "[]":
            continue
        nxt = path[i + 1] if i + 1 < len(path) else None
        if last:
            cur[seg] = value
            break
        if nxt == "[]":
            item_key = (rel + "." if rel else "") + seg + "[]"
            item = dict(REQUIRED.get(item_key, {}))
            cur[seg] = [item]
            cur = item
            key_path.append(seg + "[]")
            # skip the "[]"
        elif nxt == "*":
            name = "b" if seg == "depends_on" else "k"
            inner_key = (rel + "." if rel else "") + seg + ".*"
            inner = dict(REQUIRED.get(inner_key, {}))
            cur[seg] = {name: inner}
            cur = inner
            key_path.append(seg + ".*")
        else:
            obj_key = (rel + "." if rel else "") + seg
            new = dict(REQUIRED.get(obj_key, {}))
            cur[seg] = new
            cur = new
            key_path.append(seg)
    # top-level resources a service may reference
    doc["networks"] = {"k": {}}
    doc["volumes"] = {"k": {}}
    return doc


def oracle(text):
    with tempfile.TemporaryDirectory() as d:
        p = pathlib.Path(d) / "compose.yaml"
        p.write_text(text)
        (pathlib.Path(d) / "e.env").write_text("A=1\n")
        r = subprocess.run(
            [str(ORACLE), "-f", "compose.yaml", "--project-directory", ".", "config", "-q"],
            cwd=d, env={"PATH": "/usr/bin:/bin", "HOME": d}, capture_output=True, text=True, timeout=60,
        )
        return r.returncode != 0, (r.stderr.strip().splitlines() or [""])[-1]


def ours(binary, text):
    with tempfile.TemporaryDirectory() as d:
        p = pathlib.Path(d) / "compose.yaml"
        p.write_text(text)
        (pathlib.Path(d) / "e.env").write_text("A=1\n")
        r = subprocess.run([binary, "check", "--format", "json", "compose.yaml"], cwd=d,
                           env={"PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60)
        if r.returncode not in (0, 1):
            return None, f"exit {r.returncode}: {r.stderr[-300:]}"
        rep = json.loads(r.stdout)
        spec = [d for f in rep["files"] for d in f["diagnostics"] if d["category"] == "spec" and d["severity"] == "error"]
        return bool(spec), "; ".join(f"{d['rule']}: {d['message']}" for d in spec[:3])


def dump(doc):
    return yaml.safe_dump(doc, sort_keys=False, default_flow_style=False)


def schema_cases(schema):
    seen = set()
    for path in walk_properties(schema, schema["definitions"]["service"], []):
        key = tuple(path)
        if key in seen:
            continue
        seen.add(key)
        for v in VALUES:
            yield f"services.a.{'.'.join(path)} = {v!r}", dump(build(path, v))
    # top-level sections
    for section in ["networks", "volumes", "secrets", "configs", "models"]:
        defn = schema["definitions"][section[:-1]]
        for prop in resolve(schema, defn).get("properties", {}):
            for v in VALUES:
                doc = {"services": {"a": {"image": "x"}}, section: {"k": {prop: v}}}
                if section in ("secrets",) and prop != "file":
                    doc[section]["k"].setdefault("file", "e.env")
                if section == "configs" and prop != "file":
                    doc[section]["k"].setdefault("file", "e.env")
                if section == "models" and prop != "model":
                    doc[section]["k"].setdefault("model", "m")
                yield f"{section}.k.{prop} = {v!r}", dump(doc)


def corpus_cases(rng, per_file):
    labels = (SHARED / "corpus/labels.tsv").read_text().splitlines()[1:]
    for line in labels:
        cols = line.split("\t")
        path, exit_code = cols[1], cols[3]
        if exit_code != "0" or "testdata" in path:
            continue
        try:
            doc = yaml.safe_load((SHARED / "corpus" / path).read_text())
        except Exception:
            continue
        services = doc.get("services") or {}
        for _ in range(per_file):
            if not services:
                break
            d = json.loads(json.dumps(doc, default=str))
            name = rng.choice(list(services))
            svc = d["services"][name]
            if not isinstance(svc, dict) or not svc:
                continue
            key = rng.choice(list(svc))
            op = rng.choice(["value", "rename", "drop"])
            if op == "value":
                svc[key] = rng.choice(VALUES)
                label = f"{path}: services.{name}.{key} = {svc[key]!r}"
            elif op == "rename":
                svc[key + "s"] = svc.pop(key)
                label = f"{path}: rename services.{name}.{key}"
            else:
                svc.pop(key)
                label = f"{path}: drop services.{name}.{key}"
            yield label, dump(d)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--composeguard", default=str(ROOT / "target/debug/composeguard"))
    ap.add_argument("--only", choices=["schema", "corpus"])
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if not ORACLE.exists():
        subprocess.run([str(SHARED / "tools/compose-verdict"), str(SHARED / "corpus/docker__awesome-compose/flask/compose.yaml")], capture_output=True)
    schema = load_schema()
    rng = random.Random(args.seed)
    cases = []
    if args.only in (None, "schema"):
        cases += list(schema_cases(schema))
    if args.only in (None, "corpus"):
        cases += list(corpus_cases(rng, 20))
    if args.limit:
        cases = cases[: args.limit]
    out = ROOT / "target/differential"
    out.mkdir(parents=True, exist_ok=True)
    agree = disagree = 0
    for i, (label, text) in enumerate(cases):
        want, why = oracle(text)
        got, ours_why = ours(args.composeguard, text)
        if got is None:
            disagree += 1
            print(f"CRASH {label}: {ours_why}")
            (out / f"case{i}.yaml").write_text(f"# {label}\n{text}")
            continue
        if want == got:
            agree += 1
            continue
        disagree += 1
        (out / f"case{i}.yaml").write_text(f"# {label}\n# compose: {why}\n# composeguard: {ours_why}\n{text}")
        print(f"{'FALSE-ERROR' if got else 'MISSED'} case{i} {label}\n    compose: {why}\n    ours: {ours_why}")
    print(f"{agree} agree, {disagree} disagree ({len(cases)} cases)")


if __name__ == "__main__":
    main()
