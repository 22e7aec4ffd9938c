#!/usr/bin/env python3
"""Differential fuzzing of service attribute values against docker compose v2.40.3.

Generates small compose files (one service `a` with a few attributes, next to a fixed service `b`
and one network, volume, secret, config and model to refer to), with values drawn from a grammar
built from the spec's JSON Schema (../shared/reference/compose-spec.json: every service property,
its types and its nested objects) and from pools of edge values for the attributes compose parses
itself (ports, volumes, durations, sizes, extra_hosts, devices, ulimits, ...): right and wrong
types, short and long syntaxes, plain YAML scalars that resolve to other types, nulls.
Each case runs through docker compose (`config -q`) and composeguard (`check --format json`); a
case is a disagreement when one rejects it and the other does not (invalid = a spec error of
severity error, as scripts/oracle-compare.py counts it).

    scripts/oracle-fuzz-services.py [--seed N] [--count N] [--composeguard BIN] [--out FILE]
                                    [--keep DIR] [--config] [--show N] [--only KEY,...]

--out appends a JSON line per disagreement (file text and both messages); --keep writes each
disagreeing file there; --config also compares `config --format json` where both accept; --only
fuzzes the named attributes only. Stdlib only; one process; deterministic for a seed.
"""
import argparse
import json
import os
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = pathlib.Path(os.environ.get("COMPOSEGUARD_SHARED", ROOT.parent / "shared"))
if not (SHARED / "reference").is_dir():
    SHARED = pathlib.Path("/work/shared")
ORACLE = pathlib.Path(os.environ.get("COMPOSE_ORACLE_VENV", pathlib.Path.home() / ".cache/composeguard-oracle"))
ENV = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"}


class Raw(str):
    """A scalar written as it is (a plain YAML scalar, left to the YAML reader to resolve)."""


# ---------------------------------------------------------------------------------------------
# YAML writing

PLAIN_SAFE = re.compile(r"^[A-Za-z_/.][A-Za-z0-9_./@+-]*$")
PLAIN_RESOLVES = re.compile(
    r"^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N"
    r"|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


def scalar(v, rng):
    if v is None:
        return rng.choice(["null", "~", ""]) if rng.random() < 0.3 else "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        r = repr(v)
        return {"inf": ".inf", "-inf": "-.inf", "nan": ".nan"}.get(r, r)
    s = str(v)
    if PLAIN_SAFE.match(s) and not PLAIN_RESOLVES.match(s) and rng.random() < 0.6:
        return s
    if "'" not in s and "\n" not in s and rng.random() < 0.3 and all(31 < ord(c) < 127 for c in s):
        return "'" + s + "'"
    return json.dumps(s)


def key(k, rng):
    s = str(k)
    if isinstance(k, str) and PLAIN_SAFE.match(s) and not PLAIN_RESOLVES.match(s):
        return s
    return scalar(k, rng)


def flow(v, rng):
    if isinstance(v, dict):
        return "{" + ", ".join(f"{key(k, rng)}: {flow(x, rng)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x, rng) for x in v) + "]"
    s = scalar(v, rng)
    return s if s else "null"


def block(v, indent, rng):
    """Lines for a value under a key (the value starts on the next line) or a list item."""
    pad = " " * indent
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            out += keyed(pad + key(k, rng), x, indent, rng)
    else:
        for x in v:
            if isinstance(x, (dict, list)) and x and rng.random() < 0.8:
                sub = block(x, indent + 2, rng)
                out.append(pad + "- " + sub[0].lstrip())
                out += sub[1:]
            else:
                out.append(pad + "- " + flow(x, rng))
    return out


def keyed(head, v, indent, rng):
    if isinstance(v, (dict, list)) and v and rng.random() < 0.75:
        return [head + ":"] + block(v, indent + 2, rng)
    s = flow(v, rng)
    return [head + ":" + (" " + s if s else "")]


# ---------------------------------------------------------------------------------------------
# Value pools

INTS = [0, 1, -1, 2, 10, 100, 1000, -1000, 1001, -1001, 65535, 65536, 1.5, 2.0, -0.5, 9223372036854775807,
        9223372036854775808, 1e100, "1", "0", "-1", "1.5", "abc", "", " 10", "10 ", "1e3", "0x10", "1_000", "+5",
        Raw("1e3"), Raw("0x10"), Raw("0o17"), Raw("017"), Raw("1_000"), Raw("+5"), Raw(".5"), Raw("1."), Raw(".inf"),
        Raw("-.inf"), Raw(".nan"), True, False, None, "${X:-3}"]
BOOLS = [True, False, "true", "false", Raw("yes"), Raw("no"), Raw("on"), Raw("off"), Raw("True"), Raw("FALSE"),
         Raw("y"), "yes", "no", "True", "TRUE", "1", "0", 1, 0, "", "abc", None, 1.0, "${X:-true}"]
DURATIONS = ["10s", "1h30m", "-1s", "0", 0, 10, "10", "1.5s", " 10m", "10m ", "10 m", "1d", "infinity", "",
             "1us", "1µs", "1ns", "1ms", "10S", "+5s", ".5s", "5.s", "1e3s", "5m10", "1h-5m", Raw("10s"),
             1.5, -1, "1h", "1m1s1ms", "abc", "0s", "-0s", "2562048h", "9999999h", "1H", "10sec", "1.5", "1w",
             None, True, "${X:-5s}"]
SIZES = ["1.5GB", "1g", "512m", "512M", "512mb", "512MB", "512MiB", "512mi", "1e3", "0x10", "1_000", "-1", -1, 0, "0",
         1024, 1.5, "1.5", "", " 10m", "10m ", "10 m", "10kb", "10k", "10b", "10B", "10t", "10p", "10e", "abc",
         "9223372036854775807", "9223372036854775808", 9223372036854775808, "1k", Raw("1e3"), Raw("0x10"),
         "1.5.5m", "m", ".5g", "5.g", "+5m", "10 MB", True, None, 1e20, "-1m", "${X:-1g}"]
CPUS = [0.5, "0.5", "1.5", 1, -1, "-1", "abc", "", "1e3", 0, "0", "0.000001", "0.0000000001", "1_000", "0x10", 1e100,
        "1.5.", " 1", "1 ", Raw("1e3"), Raw(".5"), 1000, "1000", True, None, "${X:-1}"]
PORTS = ["80", "80:80", "8080-8081:80-81", "80-81:90-91/udp", "[::1]:80:80", "0.0.0.0:0:80", "65536", "65535:65535",
         "0:80", "80:0", "127.0.0.1:80:80/tcp", "80/sctp", "80/xyz", "80/", ":80", "80:", "1-3:4-5", "1-2:3-5",
         "1-3:4", "4-2:80", "80-79", "abc", "80:80:80:80", "::1:80:80", "[::1]::80", "127.0.0.1::80", "-1", "80-",
         " 80", "80 ", "1.5", "[fe80::1%eth0]:80:80", "localhost:80:80", "80/TCP", "80:80/udp/tcp", 80, 0, 65536,
         80.5, -1, "1e3", Raw("1e3"), "0x50", Raw("0x50"), Raw("0o17"), Raw("1_000"), Raw("22:22"), Raw("8080:80"),
         "1.2.3.4:80-81:80", "1.2.3.4:80", "[::1]:80", "::1:80", "999.1.1.1:80:80", "[::1]:8080-8081:80-81/udp",
         "80-80:80", "${X:-80}:80", "", "0", "65535", "1-65535", "80:80/", "/udp", "80:80:tcp", "a:80", "80:a",
         "080:80", "+80", "80/udp:80"]
PORT_NUMS = [80, "80", 0, "0", 65535, 65536, "65536", -1, "80-81", "80-81/udp", "abc", "", 1.5, "8080", "1e2",
             Raw("1e2"), None, "${X:-80}", "80:80", " 80"]
VOLUMES = ["/a:/b", "/a:/b:ro", "/a:/b:ro,z", "/a:/b:rw,Z", "/a:/b:z", "/a:/b:xyz", "v1:/b", "v1:/b:nocopy", "/b",
           "b", "./a:/b", "a:b:c:d", "C:\\a:/b", "C:\\a:C:\\b", "c:/a:/b", "/a::/b", ":/b", "/a:", "", ":",
           "/a:/b:", "~/a:/b", "/a:/b:cached", "/a:/b:delegated", "/a:/b:consistent", "/a:/b:ro,rw",
           "/a:/b:rshared", "/a:/b:shared,ro", "nov:/b", "\\\\server\\share:/b", "/a:/b:ro:z", "v1:b", "v 1:/b",
           "/a:/b:nocopy", "../a:/b", ".:/b", "/a:/b:RO", "/a:/b:ro,", "/a:/b:,ro", "/a:/b:rw,rw", "/a:/a",
           "v1:/b:ro,nocopy", "v1:/b:z", "/a:/b:rslave,Z", "//a:/b", "/a:.", "/a:C:\\b", "\\\\.\\pipe\\x:/b",
           "v1", "a:/b", "-v:/b", "v.1:/b", "/a:/b:private", "/a:/b:ro,private,z", "/a:/b:U", "/a:/b:ro,U"]
EXTRA_HOSTS = ["a:1.2.3.4", "a=1.2.3.4", "a:::1", "a=::1", "a:[::1]", "a=[::1]", "a", "a:", ":1.2.3.4",
               "a:host-gateway", "a b:1.2.3.4", "a:1.2.3.4:5", "a=1.2.3.4=5", "a=", "=1.2.3.4", "", "a:abc",
               "a:1.2.3.4 ", " a:1.2.3.4", "a.b-c:10.0.0.1", "a:1.2.3.4,5.6.7.8", "a=[::1]:80", "a:fe80::1%eth0"]
DEVICES = ["/dev/a", "/dev/a:/dev/b", "/dev/a:/dev/b:rwm", "/dev/a:/dev/b:x", "/dev/a:/dev/b:r", "a:b:c:d", "",
           "vendor.com/class=name", "vendor.com/class=all", "/dev/a:rwm", "/dev/a:", ":/dev/b", "/dev/a::",
           "/dev/a:/dev/b:mrw", "/dev/a:/dev/b:rr", "/dev/a:/dev/b:RW", "C:\\dev:/dev/b", "class/GUID", "a",
           "/dev/a:b"]
TMPFS = ["/a", "/a:size=100", "/a:rw,size=1g", "a", "", "/a:xyz", "/a:mode=1777", "/a:size=abc", "/a:", ":size=1",
         "/a:ro", "/a:size=-1", "/a:uid=1000,gid=1000", "/a:size=100,size=200", "/a:/b"]
ENV_ITEMS = ["A=1", "A", "A=", "=1", "A B=1", "", "A==1", "a.b=1", "A=1=2", " A=1", "A =1", "A= 1", "A=${X:-1}",
             "1A=2", "A-B=1", "A=\"1\"", "A"]
ENV_VALUES = [1, None, "x", True, False, 1.5, [], {}, ["a"], {"a": 1}, "", 0, -1, "${X:-1}", Raw("yes"), 1e100,
              9223372036854775808]
LABEL_ITEMS = ["a=1", "a", "a=", "=1", "a b=1", "", "com.x.y=z", "a==b", "a=1"]
CAPS = ["NET_ADMIN", "ALL", "xyz", "net_admin", "CAP_NET_ADMIN", "SYS_PTRACE", "", "all"]
NAMES = ["a", "a_b", "-a", "a b", "", "A", "a.b", "a-b", "_a", "1", "a/b", "a:b", "éa", "a" * 70]
IMAGES = ["x", "X", "x:tag", "x@sha256:" + "a" * 64, "x@sha256:abc", "", "x:", "x y", "localhost:5000/x",
          "x:tag:tag", "-x", "x/", "x//y", "x:TAG", "x@", "docker.io/library/x:1", ":tag", "x:-tag",
          "localhost:5000/x:1@sha256:" + "b" * 64, "x:" + "t" * 129, "UPPER/x"]
RESTART = ["no", Raw("no"), "always", "on-failure", "on-failure:3", "on-failure:x", "unless-stopped", "xyz",
           "on-failure:-1", "on-failure:", "always:3", "", "Always", "on-failure:1.5", "on-failure:0", "no:1"]
PULL_POLICY = ["always", "never", "build", "if_not_present", "missing", "refresh", "daily", "weekly", "every_12h",
               "every_1d2h", "every_", "every_x", "xyz", "Always", "", "every_1w", "every_10", "every_1h30m",
               "every_0s", "every_1d ", "monthly"]
STRINGS = ["x", "", " ", "abc def", "/a", "a=b", "1", "true", "a:b", "-", "${X:-y}", "$$x", "é", "a\nb", "null"]


def obj_gen(fields, rng, required=()):
    """A dict with some of fields (name -> generator or pool), always with the required ones."""
    out = {}
    names = list(fields)
    chosen = set(rng.sample(names, rng.randint(0, min(3, len(names))))) | set(required)
    for n in names:
        if n in chosen and rng.random() < (0.97 if n in required else 1):
            out[n] = pick(fields[n], rng)
    if rng.random() < 0.05:
        out["x-ext"] = pick(STRINGS, rng)
    if rng.random() < 0.04:
        out["unknown_key"] = 1
    return out


MUTATION_BYTES = ":-/,.=[]0123456789 abcdefhikmnorstuwxzAGKMBT_+%@!*~\\\t"


def mutate(s, rng):
    """The string with one to three small edits (insert, delete, replace, repeat a slice, cut)."""
    s = list(s)
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        at = rng.randint(0, len(s))
        if op < 0.35:
            s.insert(at, rng.choice(MUTATION_BYTES))
        elif op < 0.55 and s:
            del s[min(at, len(s) - 1)]
        elif op < 0.75 and s:
            s[min(at, len(s) - 1)] = rng.choice(MUTATION_BYTES)
        elif op < 0.9 and s:
            j = rng.randint(at, len(s))
            s[at:at] = s[at:j]
        else:
            s = s[:at]
    return "".join(s)


def pick(src, rng):
    if rng.random() < 0.03:
        return rng.choice(ODD)
    if callable(src):
        return src(rng)
    v = rng.choice(src)
    if MUTATE and isinstance(v, str) and not isinstance(v, Raw) and rng.random() < MUTATE:
        v = mutate(v, rng)
    if INTERPOLATE and rng.random() < INTERPOLATE and isinstance(v, (str, int, float, bool)) and "$" not in str(v):
        # the value as a variable's default: compose casts the text where the field is typed
        text = {True: "true", False: "false"}.get(v, str(v)) if isinstance(v, bool) else str(v)
        v = "${UNSET_VAR:-" + text.replace("}", "") + "}"
    return v


def some(src, rng, lo=0, hi=3):
    n = rng.randint(lo, hi)
    items = [pick(src, rng) for _ in range(n)]
    if items and rng.random() < 0.08:
        items.append(items[0])  # a duplicate (uniqueItems)
    return items


def list_or_dict(items, values):
    def gen(rng):
        if rng.random() < 0.5:
            return some(items, rng, 0, 3)
        keys = rng.sample(["A", "B", "a.b", "C_D", "", "1", "a b", "A=B", "x"], rng.randint(0, 3))
        return {k: pick(values, rng) for k in keys}
    return gen


def port_long(rng):
    return obj_gen({"target": PORT_NUMS, "published": PORT_NUMS, "host_ip": ["127.0.0.1", "::1", "x", "", "[::1]", "0.0.0.0"],
                    "protocol": ["tcp", "udp", "sctp", "xyz", "TCP", ""], "mode": ["host", "ingress", "xyz", ""],
                    "app_protocol": ["http", "", "x"], "name": ["web", "", "a b"]}, rng, required=("target",))


def volume_long(rng):
    t = rng.choice(["bind", "volume", "tmpfs", "npipe", "cluster", "image", "xyz", "", None, "BIND"])
    v = {"type": t}
    if rng.random() < 0.85:
        v["source"] = rng.choice(["/a", "./a", "v1", "nov", "", "a", "C:\\a", "x:1", "\\\\.\\pipe\\x", "~/a", None])
    if rng.random() < 0.9:
        v["target"] = rng.choice(["/b", "b", "", "C:\\b", "/b:/c", "./b", "/b/", None, "/"])
    extra = {"read_only": BOOLS, "consistency": ["cached", "xyz", ""],
             "bind": lambda r: obj_gen({"propagation": ["shared", "slave", "private", "rshared", "rslave", "rprivate", "xyz", ""],
                                        "create_host_path": BOOLS, "selinux": ["z", "Z", "x", ""], "recursive": ["enabled", "disabled", "writable", "readonly", "xyz"]}, r),
             "volume": lambda r: obj_gen({"nocopy": BOOLS, "subpath": ["a", "/a", "", "../a"], "labels": list_or_dict(LABEL_ITEMS, ENV_VALUES)}, r),
             "tmpfs": lambda r: obj_gen({"size": SIZES, "mode": [0o755, "1777", "0755", 1777, "abc", -1, 493, "0o755", Raw("0o755"), Raw("0755")]}, r),
             "image": lambda r: obj_gen({"subpath": ["a", "/a", ""]}, r)}
    v.update(obj_gen(extra, rng))
    return v


def ulimits(rng):
    out = {}
    for name in rng.sample(["nofile", "nproc", "core", "memlock", "xyz", "NOFILE", "rtprio", ""], rng.randint(0, 3)):
        r = rng.random()
        if r < 0.35:
            out[name] = pick(INTS, rng)
        else:
            out[name] = obj_gen({"soft": INTS, "hard": INTS}, rng, required=("soft", "hard") if r < 0.8 else ())
    return out


def healthcheck(rng):
    tests = [["CMD", "x"], ["CMD-SHELL", "x"], ["NONE"], "x", [], ["x"], ["CMD"], "", ["NONE", "x"], ["cmd", "x"],
             [1, 2], ["CMD-SHELL"], ["CMD", ""], "CMD x", None, ["CMD", None], ["CMD-SHELL", "a", "b"], {"a": 1}]
    return obj_gen({"test": tests, "disable": BOOLS, "interval": DURATIONS, "timeout": DURATIONS,
                    "start_period": DURATIONS, "start_interval": DURATIONS, "retries": INTS}, rng)


def resources(rng):
    def devs(r):
        return some(lambda r2: obj_gen({"capabilities": [["gpu"], [], "gpu", ["gpu", "gpu"], [1], None],
                                        "count": ["all", 1, "2", "x", -1, 0, 1.5, "ALL", "", None], "device_ids": [["0"], [], "0", [0]],
                                        "driver": ["nvidia", "", 1], "options": list_or_dict(LABEL_ITEMS, ENV_VALUES)}, r2), r, 0, 2)
    gres = lambda r: some(lambda r2: rng.choice([{"discrete_resource_spec": {"kind": "gpu", "value": pick(INTS, r2)}},
                                                {"named_resource_spec": {"kind": "gpu", "value": pick(STRINGS, r2)}},
                                                {"x": 1}, "gpu=1"]), r, 0, 2)
    lim = lambda r: obj_gen({"cpus": CPUS, "memory": SIZES, "pids": INTS}, r)
    res = lambda r: obj_gen({"cpus": CPUS, "memory": SIZES, "generic_resources": gres, "devices": devs}, r)
    return obj_gen({"limits": lim, "reservations": res}, rng)


def deploy(rng):
    upd = lambda r: obj_gen({"parallelism": INTS, "delay": DURATIONS, "failure_action": ["continue", "rollback", "pause", "xyz", ""],
                             "monitor": DURATIONS, "max_failure_ratio": [0.5, "0.5", "x", -1, 2, 1], "order": ["start-first", "stop-first", "xyz", ""]}, r)
    return obj_gen({
        "mode": ["replicated", "global", "replicated-job", "global-job", "xyz", "", "Global"], "replicas": INTS,
        "labels": list_or_dict(LABEL_ITEMS, ENV_VALUES), "update_config": upd, "rollback_config": upd,
        "resources": resources,
        "restart_policy": lambda r: obj_gen({"condition": ["none", "on-failure", "any", "xyz", "", "always"], "delay": DURATIONS,
                                             "max_attempts": INTS, "window": DURATIONS}, r),
        "placement": lambda r: obj_gen({"constraints": [["node.role==manager"], "x", [], [1]],
                                        "preferences": [[{"spread": "node.labels.zone"}], [{"x": 1}], ["x"], []],
                                        "max_replicas_per_node": INTS}, r),
        "endpoint_mode": ["vip", "dnsrr", "xyz", ""]}, rng)


def build(rng):
    if rng.random() < 0.2:
        return rng.choice([".", "", "./ctx", "https://github.com/x/y.git", "/abs", 1, None, ["."]])
    return obj_gen({
        "context": [".", "", "./ctx", "https://github.com/x/y.git#main", "nodir", None, 1],
        "dockerfile": ["Dockerfile", "", "/abs/Dockerfile", None],
        "dockerfile_inline": ["FROM x", "", 1],
        "args": list_or_dict(ENV_ITEMS, ENV_VALUES), "ssh": list_or_dict(["default", "a=/b", "", "=x"], ENV_VALUES),
        "cache_from": [["x"], "x", [1], []], "cache_to": [["type=local,dest=x"], "x"],
        "extra_hosts": lambda r: extra_hosts(r), "isolation": ["default", "xyz", ""],
        "labels": list_or_dict(LABEL_ITEMS, ENV_VALUES), "network": ["host", "none", "n1", "", "xyz"],
        "no_cache": BOOLS, "platforms": [["linux/amd64"], "linux/amd64", ["x"], [], ["linux/amd64", "linux/amd64"]],
        "privileged": BOOLS, "pull": BOOLS, "secrets": lambda r: secrets(r), "shm_size": SIZES, "tags": [["x:1"], "x", [""], ["x y"]],
        "target": ["t", "", 1], "ulimits": ulimits, "entitlements": [["network.host"], "x", []],
        "additional_contexts": list_or_dict(["a=./b", "a", "=b"], ["./b", "docker-image://x", "", 1, None]),
        "provenance": BOOLS + ["mode=max"], "sbom": BOOLS}, rng)


def extra_hosts(rng):
    if rng.random() < 0.6:
        return some(EXTRA_HOSTS, rng, 0, 3)
    vals = ["1.2.3.4", ["1.2.3.4", "::1"], None, 1, "", "::1", "[::1]", "host-gateway", "abc", [], ["x"]]
    return {k: pick(vals, rng) for k in rng.sample(["a", "b", "", "a b", "c.d"], rng.randint(0, 2))}


def secrets(rng):
    def long(r):
        return obj_gen({"source": ["s1", "c1", "nosuch", "", None], "target": ["x", "/run/x", "", "a/b", "../x"],
                        "uid": ["1", 1, "abc", "", -1], "gid": ["1", 1, "abc"],
                        "mode": [0o440, "0440", 440, -1, "abc", "0o440", Raw("0440"), Raw("0o440"), 0o7777 + 1, 1.5, "", "0x10"]}, r,
                       required=("source",))
    return some(lambda r: r.choice(["s1", "c1", "nosuch", "", 1, None]) if r.random() < 0.4 else long(r), rng, 0, 2)


def networks(rng):
    if rng.random() < 0.4:
        return some(["n1", "nosuch", "default", "", 1, None], rng, 0, 2)
    def cfg(r):
        if r.random() < 0.2:
            return None
        return obj_gen({"aliases": [["x"], "x", [], [1], ["a b"]], "ipv4_address": ["1.2.3.4", "x", "::1", "", "1.2.3.4/24", "999.1.1.1"],
                        "ipv6_address": ["::1", "x", "1.2.3.4", ""], "priority": INTS, "gw_priority": INTS,
                        "mac_address": ["02:42:ac:11:00:02", "x", ""], "link_local_ips": [["169.254.1.1"], "x", ["x"]],
                        "driver_opts": list_or_dict(LABEL_ITEMS, ENV_VALUES), "interface_name": ["eth0", "", 1]}, r)
    return {k: cfg(rng) for k in rng.sample(["n1", "nosuch", "default", ""], rng.randint(0, 2))}


def depends_on(rng):
    if rng.random() < 0.35:
        return some(["b", "nosuch", "a", "", 1, None], rng, 0, 2)
    if rng.random() < 0.05:
        return rng.choice(["b", 1, None])
    def cfg(r):
        if r.random() < 0.15:
            return r.choice([None, {}, "x", []])
        return obj_gen({"condition": ["service_started", "service_healthy", "service_completed_successfully", "xyz", ""],
                        "restart": BOOLS, "required": BOOLS}, r, required=("condition",))
    return {k: cfg(rng) for k in rng.sample(["b", "nosuch", "a", ""], rng.randint(0, 2))}


def env_file(rng):
    items = ["e.env", "missing.env", "", "/abs/missing.env", 1, None]
    if rng.random() < 0.3:
        return rng.choice(items)
    return some(lambda r: r.choice(items) if r.random() < 0.5 else obj_gen(
        {"path": ["e.env", "missing.env", "", None], "required": BOOLS, "format": ["raw", "xyz", ""]}, r, required=("path",)), rng, 0, 2)


def ports(rng):
    return some(lambda r: pick(PORTS, r) if r.random() < 0.75 else port_long(r), rng, 0, 3)


def volumes(rng):
    return some(lambda r: pick(VOLUMES, r) if r.random() < 0.7 else volume_long(r), rng, 0, 2)


def devices(rng):
    return some(lambda r: pick(DEVICES, r) if r.random() < 0.7 else obj_gen(
        {"source": ["/dev/a", "", "vendor.com/class=name", None], "target": ["/dev/b", "", "b"],
         "permissions": ["rwm", "x", "", "r"]}, r, required=("source",)), rng, 0, 2)


def gpus(rng):
    if rng.random() < 0.3:
        return rng.choice(["all", "x", 1, "", None, "ALL", -1])
    return some(lambda r: obj_gen({"driver": ["nvidia", "", 1], "count": ["all", 1, "2", "x", -1, 0, 1.5],
                                   "device_ids": [["0"], [], "0"], "capabilities": [["gpu"], [], "gpu"],
                                   "options": list_or_dict(LABEL_ITEMS, ENV_VALUES)}, r), rng, 0, 2)


def string_or_list(pool):
    return lambda rng: pick(pool, rng) if rng.random() < 0.4 else some(pool, rng, 0, 3)


def command(rng):
    return rng.choice(["x", ["x", 1], [], "", None, ["x", None], "echo 'unterminated", 'a "b', "a\\", "a 'b c' d",
                       ["a b"], "a\\ b", "${X:-y} z", '"', "x #y", 1, True, [["x"]], [{"a": 1}], "a\tb"])


def hooks(rng):
    return some(lambda r: obj_gen({"command": command, "user": ["1", "", 1], "privileged": BOOLS, "working_dir": ["/a", "a", ""],
                                   "environment": list_or_dict(ENV_ITEMS, ENV_VALUES)}, r, required=("command",)), rng, 0, 2)


def blkio(rng):
    dev = lambda rate: (lambda r: some(lambda r2: obj_gen({"path": ["/dev/sda", "", "x"], "rate": rate}, r2), r, 0, 2))
    return obj_gen({"weight": INTS, "weight_device": lambda r: some(lambda r2: obj_gen({"path": ["/dev/sda", ""], "weight": INTS}, r2), r, 0, 2),
                    "device_read_bps": dev(SIZES), "device_write_bps": dev(SIZES),
                    "device_read_iops": dev(INTS), "device_write_iops": dev(INTS)}, rng)


def develop(rng):
    w = lambda r: obj_gen({"path": [".", "", "./a", None, 1], "action": ["sync", "rebuild", "sync+restart", "restart", "sync+exec", "xyz", ""],
                           "target": ["/a", "", "a"], "ignore": [["x"], "x", []], "include": [["x"], "x"],
                           "exec": lambda r2: obj_gen({"command": command, "user": ["1"]}, r2), "initial_sync": BOOLS},
                          r, required=("path", "action"))
    return obj_gen({"watch": lambda r: some(w, r, 0, 2)}, rng)


def logging(rng):
    return obj_gen({"driver": ["json-file", "", "x", 1], "options": list_or_dict(LABEL_ITEMS, [1, None, "x", True, 1.5, []])}, rng)


FIELDS = {
    "annotations": list_or_dict(LABEL_ITEMS, ENV_VALUES), "attach": BOOLS, "build": build, "blkio_config": blkio,
    "cap_add": string_or_list(CAPS), "cap_drop": string_or_list(CAPS), "cgroup": ["host", "private", "xyz", ""],
    "cgroup_parent": STRINGS, "command": command, "configs": secrets, "container_name": NAMES, "cpu_count": INTS,
    "cpu_percent": INTS, "cpu_shares": INTS, "cpu_quota": INTS + DURATIONS, "cpu_period": INTS + DURATIONS,
    "cpu_rt_period": INTS + DURATIONS, "cpu_rt_runtime": INTS + DURATIONS, "cpus": CPUS, "cpuset": ["0-1", "0,1", "x", "", 0, 1],
    "credential_spec": lambda r: obj_gen({"file": ["x.json", ""], "registry": ["x"], "config": ["c1", "x"]}, r),
    "depends_on": depends_on, "device_cgroup_rules": string_or_list(["c 1:3 mr", "a *:* rwm", "x", "", "c 1:3"]),
    "devices": devices, "dns": string_or_list(["8.8.8.8", "x", "", "::1", 1]), "dns_opt": string_or_list(["ndots:2", "x", ""]),
    "dns_search": string_or_list(["example.com", "", "x y"]), "domainname": NAMES, "entrypoint": command,
    "env_file": env_file, "label_file": env_file, "environment": list_or_dict(ENV_ITEMS, ENV_VALUES),
    "expose": lambda r: some(["80", "80-81", "80/tcp", 80, "abc", "80:80", "-1", "65536", "0", "", 1.5, "80/xyz", "81-80", None], r, 0, 3),
    "extends": lambda r: r.choice(["b", "nosuch", "a", {"service": "b"}, {"service": "nosuch"}, {"file": "x.yml", "service": "b"}, {}, 1]),
    "external_links": string_or_list(["x", "x:y", "", "x:y:z"]), "extra_hosts": extra_hosts, "gpus": gpus,
    "group_add": lambda r: some(["a", 1, "", "1000", None, 1.5], r, 0, 2), "healthcheck": healthcheck,
    "hostname": NAMES, "image": IMAGES, "init": BOOLS, "ipc": ["host", "private", "shareable", "service:b", "container:x", "xyz", ""],
    "isolation": ["default", "process", "hyperv", "xyz", ""], "labels": list_or_dict(LABEL_ITEMS, ENV_VALUES),
    "links": lambda r: some(["b", "b:alias", "nosuch", "b:a:c", "", "a", ":b"], r, 0, 2), "logging": logging,
    "mac_address": ["02:42:ac:11:00:02", "x", "", "02:42:AC:11:00:02"], "mem_limit": SIZES, "mem_reservation": SIZES,
    "mem_swappiness": INTS, "memswap_limit": SIZES,
    "network_mode": ["host", "none", "bridge", "service:b", "service:nosuch", "service:a", "container:x", "xyz", "", "service:", "container:"],
    "models": lambda r: some(["m1", "nosuch", ""], r, 0, 2) if r.random() < 0.5 else {
        k: r.choice([None, {"endpoint_var": "E", "model_var": "M"}, {"x": 1}, {}]) for k in r.sample(["m1", "nosuch"], r.randint(0, 2))},
    "networks": networks, "oom_kill_disable": BOOLS, "oom_score_adj": INTS, "pid": ["host", "service:b", "xyz", "", "container:x"],
    "pids_limit": INTS, "platform": ["linux/amd64", "x", "", "linux", "linux/arm64/v8", "LINUX/AMD64"],
    "ports": ports, "post_start": hooks, "pre_stop": hooks, "privileged": BOOLS,
    "profiles": lambda r: some(["a", "a b", "-a", "_a", "", "A", "a.b", 1, "a-b", "1a"], r, 0, 2) if r.random() < 0.9 else "a",
    "pull_policy": PULL_POLICY, "pull_refresh_after": ["1h", "x", ""], "read_only": BOOLS, "restart": RESTART,
    "runtime": STRINGS, "scale": INTS, "security_opt": string_or_list(["no-new-privileges:true", "no-new-privileges", "label=disable", "x", "", "seccomp=unconfined"]),
    "shm_size": SIZES, "secrets": secrets, "sysctls": list_or_dict(["a=1", "a", "=1", "a=", "a.b=1", "", "net.core.somaxconn=1024"], ENV_VALUES),
    "stdin_open": BOOLS, "stop_grace_period": DURATIONS, "stop_signal": ["SIGTERM", 9, "x", "", "sigterm", "9"],
    "storage_opt": lambda r: {"size": pick(SIZES, r)} if r.random() < 0.7 else pick([[], "x", {"a": None}], r),
    "tmpfs": lambda r: pick(TMPFS, r) if r.random() < 0.3 else some(TMPFS, r, 0, 3), "tty": BOOLS, "ulimits": ulimits,
    "use_api_socket": BOOLS, "user": ["1000", "1000:1000", 1000, "a:b", "", Raw("1000:1000"), "root", ":", "a:", -1],
    "uts": ["host", "xyz", ""], "userns_mode": ["host", "xyz", ""],
    "volumes": volumes, "volumes_from": lambda r: some(["b", "b:ro", "b:rw", "b:x", "container:x", "container:x:ro", "nosuch", "service:b", "", "a"], r, 0, 2),
    "working_dir": ["/a", "a", "", "C:\\a", "./a"], "develop": develop, "deploy": deploy, "provider": lambda r: obj_gen(
        {"type": ["x", "", 1], "options": lambda r2: {"a": pick(["x", 1, None, ["a", "b"], True], r2)}}, r, required=("type",)),
    "x-ext": STRINGS, "oom": INTS,
}
# scalars a YAML reader may type unexpectedly: tags, timestamps, other bases, special floats
ODD = [Raw(x) for x in ["!!str 1", '!!int "10"', "!!float 1", '!!bool "true"', '!!null ""', "!!timestamp 2001-12-14",
                        "2001-12-14", "2001-12-14T21:59:43.10-05:00", "!!binary aGVsbG8=", "0b1010", "1:30", "+.5",
                        ".NaN", "!custom x", "!reset x", "!override 1", "!!str", "0.", "-0", "+0", "0o", "1__0",
                        "!!int 0x1F", "!!float .inf", "!!str true", "!!seq []", "!!map {}", "&a 1", "! 1", "!!int 1.5",
                        "!!int abc", "'' ", "- 1", "? a", "1e", "0x", "1_", "1.5e+3", "1e-3", "12e03"]]
MUTATE = 0.0
DISABLED = 0.0
INTERPOLATE = 0.0
WRONG = [1, 0, -1, 1.5, "", "x", True, False, None, [], ["x"], [1], {}, {"a": 1}, [{"a": 1}], Raw("yes"), "10m"] + ODD


def service_a(rng, only):
    keys = only or list(FIELDS)
    svc = {}
    if rng.random() < 0.9:
        svc["image"] = "x"
    for k in rng.sample(keys, min(len(keys), rng.choice([1, 1, 1, 2, 2, 3]))):
        svc[k] = pick(WRONG, rng) if rng.random() < 0.06 else pick(FIELDS[k], rng)
    if "image" not in svc and "build" not in svc and rng.random() < 0.5:
        svc["build"] = "."
    if "profiles" not in svc and rng.random() < DISABLED:
        svc["profiles"] = ["off"]  # a disabled service: compose still reads much of it
    return svc


def document(rng, only):
    svc = service_a(rng, only)
    lines = ["services:"] + keyed("  a", svc, 2, rng)[1:] if svc else ["services:", "  a: {}"]
    if not svc:
        lines = ["services:", "  a: {}"]
    else:
        lines = ["services:", "  a:"] + block(svc, 4, rng)
    lines += ["  b:", "    image: b",
              "networks:", "  n1: {}",
              "volumes:", "  v1: {}",
              "secrets:", "  s1:", "    file: ./s.txt",
              "configs:", "  c1:", "    file: ./s.txt",
              "models:", "  m1:", "    model: ai/x"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Running both

def oracle_binary():
    found = list(ORACLE.glob("lib/python3*/site-packages/compose/docker-compose"))
    if not found:
        sys.exit("docker compose not found: run ../shared/tools/compose-verdict once to install it")
    return str(found[0])


def run_oracle(oracle, folder, args=("config", "-q")):
    try:
        p = subprocess.run([oracle, "-f", "compose.yaml", "--project-directory", folder, *args], cwd=folder, env=ENV,
                           capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "timeout", "", ""
    err = "\n".join(l for l in p.stderr.decode("utf-8", "replace").splitlines() if "level=warning" not in l)
    return p.returncode, p.stdout.decode("utf-8", "replace"), err.strip()


def run_composeguard(cg, folder):
    try:
        p = subprocess.run([cg, "check", "--format", "json", "compose.yaml"], cwd=folder, env=ENV, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "timeout", ["timeout"]
    try:
        report = json.loads(p.stdout)
        spec = [d for f in report["files"] for d in f["diagnostics"]
                if d["category"] == "spec" and d["severity"] == "error" and not d.get("suppression")]
        return bool(spec), [f'{d["rule"]} {d.get("path", "")} {d["start"]["line"]}:{d["start"]["column"]}: {d["message"]}' for d in spec]
    except (ValueError, KeyError):
        return "crash", [p.stderr.decode("utf-8", "replace")[-600:]]


def make_folder():
    folder = tempfile.mkdtemp(prefix="cg-fuzz-")
    (pathlib.Path(folder) / "e.env").write_text("E=1\n")
    (pathlib.Path(folder) / "s.txt").write_text("secret\n")
    (pathlib.Path(folder) / "ctx").mkdir()
    (pathlib.Path(folder) / "Dockerfile").write_text("FROM x\n")
    return folder


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--composeguard", default=str(ROOT / "target/release/composeguard"))
    ap.add_argument("--out")
    ap.add_argument("--keep")
    ap.add_argument("--config", action="store_true")
    ap.add_argument("--show", type=int, default=40, help="print at most this many disagreements in full")
    ap.add_argument("--only")
    ap.add_argument("--mutate", type=float, default=0.3, help="the chance a string from a pool is mutated")
    ap.add_argument("--disabled", type=float, default=0.2, help="the chance service `a` is in a disabled profile")
    ap.add_argument("--interpolate", type=float, default=0.05, help="the chance a scalar is written as a variable's default")
    ap.add_argument("--print", action="store_true", help="print the generated files and run nothing")
    a = ap.parse_args()
    only = a.only.split(",") if a.only else None
    global MUTATE, DISABLED, INTERPOLATE
    MUTATE, DISABLED, INTERPOLATE = a.mutate, a.disabled, a.interpolate
    rng = random.Random(a.seed)
    if a.print:
        for i in range(a.count):
            print(f"# case {a.seed}:{i}\n{document(rng, only)}")
        return
    oracle = oracle_binary()
    folder = make_folder()
    compose = pathlib.Path(folder) / "compose.yaml"
    out = open(a.out, "a") if a.out else None
    if a.keep:
        os.makedirs(a.keep, exist_ok=True)
    start, found, config_diffs, shown, rejected = time.time(), 0, 0, 0, 0
    try:
        for i in range(a.count):
            text = document(rng, only)
            compose.write_text(text)
            rc, _, err = run_oracle(oracle, folder)
            cg_invalid, cg_msgs = run_composeguard(a.composeguard, folder)
            compose_invalid = rc != 0
            rejected += compose_invalid
            agree = cg_invalid == compose_invalid
            record = None
            if not agree:
                found += 1
                record = {"case": f"{a.seed}:{i}", "text": text, "compose_invalid": compose_invalid, "compose": err[-500:],
                          "composeguard_invalid": cg_invalid, "composeguard": cg_msgs[:4]}
            elif a.config and not compose_invalid:
                _, cj, _ = run_oracle(oracle, folder, ("config", "--format", "json"))
                p = subprocess.run([a.composeguard, "config", "--format", "json", "-f", "compose.yaml"], cwd=folder, env=ENV, capture_output=True)
                try:
                    x, y = json.loads(cj), json.loads(p.stdout)
                    x.get("services", {}).get("a", {}).pop("x-ext", None)
                    if x != y:
                        config_diffs += 1
                        record = {"case": f"{a.seed}:{i}", "text": text, "config": True,
                                  "compose": json.dumps(x.get("services", {}).get("a"))[:800],
                                  "composeguard": json.dumps(y.get("services", {}).get("a"))[:800]}
                except ValueError:
                    config_diffs += 1
                    record = {"case": f"{a.seed}:{i}", "text": text, "config": True, "compose": cj[-300:],
                              "composeguard": p.stderr.decode("utf-8", "replace")[-300:]}
            if record:
                if out:
                    out.write(json.dumps(record) + "\n")
                    out.flush()
                if a.keep:
                    pathlib.Path(a.keep, f"case-{a.seed}-{i}.yaml").write_text(text)
                if shown < a.show:
                    shown += 1
                    kind = "CONFIG" if record.get("config") else "VERDICT"
                    print(f"=== {kind} case {a.seed}:{i}  compose invalid={compose_invalid}  composeguard invalid={cg_invalid}")
                    print(text.split("  b:\n")[0].rstrip())
                    print("  compose:", (record["compose"] or "-")[-300:])
                    print("  composeguard:", record["composeguard"][:3] if isinstance(record["composeguard"], list) else record["composeguard"])
                sys.stdout.flush()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{a.count} cases (seed {a.seed}) in {time.time() - start:.0f}s, compose rejects {rejected}: {found} verdict disagreements"
          + (f", {config_diffs} config differences" if a.config else ""))


if __name__ == "__main__":
    main()
