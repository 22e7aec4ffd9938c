#!/usr/bin/env python3
"""Differential fuzzing of the loader against docker compose v2.40.3: generates small projects
from a grammar of loader features (interpolation, `.env` and `--env-file`, the process
environment, service `env_file`, `-f` stacking with every merge kind, `!reset`/`!override`,
anchors and `<<` merges, `extends`, `include`, profiles, project names), runs both through
scripts/oracle-compare.py and keeps every disagreement (verdict or `config --format json`).

    scripts/oracle-fuzz-loader.py [--seed N] [--count N] [--composeguard BIN] [--out DIR] [--yaml]
    scripts/oracle-fuzz-loader.py --minimize DIR [--composeguard BIN] [--yaml]

Each case is a folder `DIR/cases/<seed>-<i>/` with its files and `case.json` (the arguments and
environment); with --yaml, where the JSON agrees, `config`'s YAML text is compared too. A
disagreement is copied to `DIR/found/` with both outputs in `result.json`.
`--minimize` removes lines of a found case's files while the same disagreement stays, and
prints what is left. One process (the reference and composeguard run one after the other).
Stdlib only; needs the reference installed (../shared/tools/compose-verdict installs it).
"""
import argparse
import importlib.util
import json
import os
import pathlib
import random
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("oracle_compare", ROOT / "scripts/oracle-compare.py")
oracle_compare = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(oracle_compare)


# --- A small YAML writer with anchors, aliases, tags and merge keys ---------------------------

class M:
    """A mapping as a list of (key, value) pairs: keys may repeat, `<<` is a key like any other."""
    def __init__(self, *pairs):
        self.pairs = list(pairs)

    def add(self, k, v):
        self.pairs.append((k, v))
        return self


class Tag:
    def __init__(self, tag, node):
        self.tag, self.node = tag, node


class Anchor:
    def __init__(self, name, node):
        self.name, self.node = name, node


class Alias:
    def __init__(self, name):
        self.name = name


class Raw:
    """A scalar written as is (already quoted or deliberately odd)."""
    def __init__(self, text):
        self.text = text


PLAIN_BAD = set(":#{}[],&*!|>'\"%@`\n\t")


def scalar(v, rng):
    if v is None:
        return rng.choice(["null", "~", ""]) if rng else "null"
    if v is True or v is False:
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, Raw):
        return v.text
    s = str(v)
    style = rng.random() if rng else 0.0
    safe = s and not (set(s) & PLAIN_BAD) and s.strip() == s and s[0] not in "-?" \
        and s.lower() not in ("true", "false", "null", "~", "yes", "no", "on", "off") \
        and not looks_number(s)
    if safe and style < 0.6:
        return s
    if style < 0.8 and "\n" not in s and "\\" not in s:
        return "'" + s.replace("'", "''") + "'"
    return json.dumps(s)


def looks_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return s.startswith(("0x", "0o", "+", ".")) or s[:1].isdigit()


def emit(node, rng, indent=0):
    """Lines of `node` as block YAML, for a value placed after `key:` (first line is the rest of
    that line, possibly empty, then nested lines)."""
    pad = "  " * indent
    prefix = ""
    while isinstance(node, (Tag, Anchor)):
        prefix += (f"!{node.tag} " if isinstance(node, Tag) else f"&{node.name} ")
        node = node.node
    if isinstance(node, Alias):
        return [f"{prefix}*{node.name}"]
    if isinstance(node, dict):
        node = M(*node.items())
    if isinstance(node, M):
        if not node.pairs:
            return [prefix + "{}"]
        out = [prefix.rstrip()]
        for k, v in node.pairs:
            key = k.text if isinstance(k, Raw) else ("<<" if k == "<<" else scalar(k, None) if not isinstance(k, str) else key_text(k))
            sub = emit(v, rng, indent + 1)
            out.append(f"{pad}{key}:" + (" " + sub[0] if sub[0] else ""))
            out += sub[1:]
        return out
    if isinstance(node, list):
        if not node:
            return [prefix + "[]"]
        out = [prefix.rstrip()]
        for v in node:
            sub = emit(v, rng, indent + 1)
            first = sub[0]
            if isinstance(v, (M, dict)) and not prefix_of(v) and sub[1:]:
                # `- key: value` on the dash line
                out.append(f"{pad}- " + sub[1].lstrip())
                out += sub[2:]
            else:
                out.append(f"{pad}-" + (" " + first if first else ""))
                out += sub[1:]
        return out
    return [prefix + scalar(node, rng)]


def prefix_of(v):
    return isinstance(v, (Tag, Anchor))


def key_text(k):
    if k and not (set(k) & PLAIN_BAD) and k.strip() == k and k[0] not in "-?" and k.lower() not in ("true", "false", "null", "~", "y", "n", "yes", "no", "on", "off") and not k[:1].isdigit():
        return k
    return json.dumps(k)


def dump(node, rng):
    if isinstance(node, Raw):
        return node.text
    lines = emit(node, rng, 0)
    return "\n".join(l for l in lines[1:]) + "\n" if not lines[0] else "\n".join(lines) + "\n"


# --- The grammar -------------------------------------------------------------------------------

NAMES = ["A", "B", "TAG", "PORT", "V_1", "_U", "x", "EMPTY", "UNSET", "NUM", "BOOL", "N2", "COMPOSE_X"]
ODD_NAMES = ["A.B", "A-B", "1A", "Ä", "A B"]
VALUES = ["x", "", "8080", "true", "false", "a b", "1.5", "0", "10", "nginx", "alpine:3",
          "$$x", "a#b", " lead", "trail ", "80:80", "yes", "null", "-1", "a=b", "{x}", "'q'", '"d"']


class Gen:
    def __init__(self, rng):
        self.rng = rng

    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p):
        return self.rng.random() < p

    def name(self):
        return self.pick(NAMES)

    def expr(self, depth=0):
        """One `$` form."""
        r = self.rng
        n = self.name()
        d = self.pick(VALUES[:12]) if depth > 1 or self.chance(0.7) else self.expr(depth + 1)
        forms = [
            lambda: f"${n}", lambda: f"${{{n}}}", lambda: f"${{{n}:-{d}}}", lambda: f"${{{n}-{d}}}",
            lambda: f"${{{n}:+{d}}}", lambda: f"${{{n}+{d}}}", lambda: f"${{{n}:?{d or 'msg'}}}",
            lambda: f"${{{n}?{d}}}", lambda: "$$", lambda: f"$${n}", lambda: f"${{{n}:-}}",
            lambda: f"${{{n}:-{d}}}}}", lambda: f"${{{n}:-${{{self.name()}:-{self.pick(VALUES[:6])}}}}}",
            lambda: f"${n}.x", lambda: f"${{{n}}}${{{self.name()}}}", lambda: f"${{{n}:-a:b}}",
            lambda: f"${{{n}:-{{}}}}", lambda: f"${{{n}:-$$}}", lambda: f"${{{n}:-\\}}}}",
            lambda: f"${{{n}-${n}}}", lambda: f"${{{n}:+${{{self.name()}}}}}", lambda: f"${{{n}:-a}}b",
            lambda: f"${n}${n}", lambda: f"${{{n}:-'q'}}", lambda: f'${{{n}:-"dq"}}', lambda: f"${{{n}:- sp }}",
            lambda: f"${n}-", lambda: f"${n}_", lambda: f"$${{{n}}}",
        ]
        weights = [6, 8, 8, 4, 3, 2, 1, 1, 2, 2, 2, 1, 3, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
        odd = [
            lambda: "$", lambda: "${}", lambda: f"${{{n}", lambda: f"${{{n}:?}}", lambda: f"${{{n}?}}",
            lambda: f"${{{n}:={d}}}", lambda: f"${{#{n}}}", lambda: f"${{{n}//a/b}}", lambda: "$1",
            lambda: "${1}", lambda: f"$ {n}", lambda: f"${{ {n} }}", lambda: f"${{{self.pick(ODD_NAMES)}}}",
            lambda: f"${{{n}:-${{}}}}", lambda: f"${{{n}:-${{{n}}}", lambda: "${A:-}}", lambda: "$}",
            lambda: "${A:}", lambda: "${A:x}", lambda: "${:-x}", lambda: "${A?}", lambda: f"{d}$",
        ]
        if self.chance(0.08):
            return self.pick(odd)()
        return r.choices(forms, weights)[0]()

    def deep(self, depth=0):
        """A text built of nested `${...}` forms, literal runs and `$$`."""
        parts = []
        for _ in range(self.rng.randint(1, 3)):
            r = self.rng.random()
            n = self.name()
            if r < 0.25 or depth > 2:
                parts.append(self.pick(["a", "-", ":", "/", "x y", "{", "}", "$$", "$${A}", "'", '"', "\\", "#", "=", "é"]))
            elif r < 0.35:
                parts.append(f"${n}")
            else:
                op = self.pick([":-", "-", ":+", "+", ":?", "?", ""])
                inner = self.deep(depth + 1) if op and self.chance(0.6) else ""
                if op in (":?", "?") and self.chance(0.85):
                    op = self.pick([":-", "-"])
                parts.append(f"${{{n}{op}{inner}}}" if op else f"${{{n}}}")
        return "".join(parts)

    def text(self):
        """A string value, often with interpolation."""
        if self.chance(0.3):
            return self.pick(VALUES)
        parts = [self.expr()]
        if self.chance(0.3):
            parts.insert(0, self.pick(["pre-", "a", "/x/", "v"]))
        if self.chance(0.3):
            parts.append(self.pick(["-post", ":1", "/", "b"]))
        return "".join(parts)

    def maybe_raw(self, s):
        return s

    # .env files ---------------------------------------------------------------------------------

    def env_line(self, defined):
        odd = self.chance(0.04)
        n = self.pick(ODD_NAMES) if odd and self.chance(0.3) else self.name()
        v = self.pick(VALUES if odd else [v for v in VALUES if "'" not in v and '"' not in v])
        ref = self.pick(defined) if defined else "B"
        forms = [
            f"{n}={v}", f"{n}={v}", f"export {n}={v}", f'{n}="{v}"', f"{n}='{v}'", f"{n}=${{{ref}}}",
            f"{n}=${ref}", f"{n}=${{{ref}:-dflt}}", f'{n}="a ${{{ref}}} b"', f"{n}='a ${{{ref}}} b'",
            f"{n}=a # comment", f"{n}=a#b", f'{n}="a" # c', f"{n}='a'#c", f"# {n}=commented", "",
            f"{n}=", f"{n}", f"{n} = {v}", f"{n}: {v}", f'{n}="line\\nbreak"', f"{n}='line\\nbreak'",
            f'{n}="tab\\there"', f'{n}="q\\"uote"', f"{n}=\\$x",
            f"  {n}=indented", f"{n}=  spaced  ", f"{n}=a\\ b", f'{n}="multi\nline"', f"{n}=${{{ref}?err}}",
            f"{n}=$${ref}", f"export {n}", f"{n}=`bt`", f"{n}=a'b", f'{n}=a"b', f"{n}=${{{ref}:+set}}", f"{n}=a=b", f"{n}=\\x",
            f"{n}='a\\'b'", f"{n}=\t x", f"{n}=é", f"export\t{n}=x", f"{n}=a  # c",
            f"{n}=${{{ref}:-a b}}", f"{n}=\"${{{ref}:-}}\"", f"{n}=${{UNSET}}", f"{n}=$$", f"{n}=a$",
        ]
        if odd:
            forms = [f'{n}="unterminated', f"{n}='unterminated", f"{n}", f"{n} x=1", f"{n}=${{{ref}:?e}}",
                     f"{n}=${{{ref}", f"={v}", f'{n}="a"b', f"{n}=${{}}", f"{n}=\\", f'{n}="a\\', f"{n}=${{1}}"]
        return self.pick(forms), n

    def env_chars(self):
        """An env file of random characters among those its syntax gives a meaning."""
        alphabet = ["A", "B", "C", "=", "=", '"', "'", "\\", "$", "{", "}", "#", " ", "\t", "\n", "\n", ":", "x", "-", "?", "+", "`", "\r",
                    "n", "t", "\u00a0", "é", "_", "1", "export ", "\v"]
        lines = []
        for _ in range(self.rng.randint(1, 4)):
            head = self.pick(["A=", "B=", "C=", "export A=", "A: ", "B =", "C= "])
            lines.append(head + "".join(self.pick(alphabet) for _ in range(self.rng.randint(0, 8))))
        return "\n".join(lines) + self.pick(["", "\n"])

    def interp_chars(self):
        """A value of random characters among those interpolation gives a meaning."""
        alphabet = ["$", "$", "$", "{", "{", "}", "}", ":", "-", "+", "?", "A", "B", "_", "1", ".", "a", "\\", " ", "=", "/", "#", "%", "é"]
        return "".join(self.pick(alphabet) for _ in range(self.rng.randint(1, 10)))

    def env_file_text(self):
        lines, defined = [], []
        for _ in range(self.rng.randint(0, 8)):
            line, n = self.env_line(defined)
            lines.append(line)
            defined.append(n)
        eol = "\r\n" if self.chance(0.1) else "\n"
        text = eol.join(lines)
        if lines and self.chance(0.8):
            text += eol
        return text

    # services -----------------------------------------------------------------------------------

    def interp_scalar(self, kind):
        """A value for a field of some kind, interpolated or literal."""
        lit = {
            "int": [1, 2, 0, "3", "${NUM:-1}", "${NUM:-2}", "${UNSET:-1}", "${N2-3}"],
            "bool": [True, False, "true", "${BOOL:-true}", "${BOOL:-false}", "${UNSET:-true}", "False"],
            "port": ["80", "8080:80", "${PORT}:80", "${PORT:-81}:80", "127.0.0.1:${PORT:-82}:80", 80, "${UNSET}:80", "${PORT}"],
            "image": ["nginx", "alpine:${TAG:-3}", "alpine:${TAG:-3}", "${A:-busybox}", "busybox", "redis:${TAG:-7}", "redis${TAG:+:x}", "img$${X}", "${UNSET:-a}${TAG:-b}"],
        }[kind]
        return self.pick(lit)

    def environment(self):
        keys = self.rng.sample(NAMES, self.rng.randint(1, 3))
        if self.chance(0.5):
            m = M()
            for k in keys:
                m.add(k, self.pick([self.text(), None, 1, True, ""]))
            return m
        return [self.pick([f"{k}={self.text()}", k, f"{k}=", f"{k}"]) for k in keys]

    def labels(self):
        keys = self.rng.sample(["l.a", "l.b", "${A}", "com.x", "l.${B:-c}"], self.rng.randint(1, 2))
        if self.chance(0.5):
            return M(*[(k, self.text()) for k in keys])
        return [f"{k}={self.text()}" for k in keys]

    def service(self, names, with_image=True):
        s = M()
        if with_image or self.chance(0.1):
            s.add("image", self.interp_scalar("image") if self.chance(0.85) else self.text())
        opts = ["environment", "labels", "ports", "command", "dns", "volumes", "restart", "scale",
                "tty", "depends_on", "container_name", "entrypoint", "x-ext", "healthcheck", "expose",
                "working_dir", "env_file", "profiles", "networks", "read_only", "stop_grace_period", "typed",
                "long_ports", "anchored_list", "extra_hosts", "ulimits", "secrets", "tmpfs", "cap_add", "devices", "paths"]
        for o in self.rng.sample(opts, self.rng.randint(0, 4)):
            if o == "environment":
                s.add(o, self.environment())
            elif o == "labels":
                s.add(o, self.labels())
            elif o == "ports":
                s.add(o, [self.interp_scalar("port") for _ in range(self.rng.randint(1, 2))])
            elif o == "command":
                s.add(o, self.text() if self.chance(0.5) else [self.text(), "b"])
            elif o == "entrypoint":
                s.add(o, self.pick(["sh", ["sh", "-c"], "${A:-sh}"]))
            elif o == "dns":
                s.add(o, self.pick(["8.8.8.8", ["1.1.1.1", "${A:-8.8.4.4}"]]))
            elif o == "volumes":
                s.add(o, [self.pick(["./data:/data", "${A:-.}/x:/x", "vol:/v", "/abs:/abs:ro", "./d:/d:${B:-rw}", "~/h:/h"])])
            elif o == "restart":
                s.add(o, self.pick(["always", "${A:-no}", "on-failure:3", "unless-stopped"]))
            elif o == "scale":
                s.add(o, self.interp_scalar("int"))
            elif o == "tty":
                s.add(o, self.interp_scalar("bool"))
            elif o == "read_only":
                s.add(o, self.interp_scalar("bool"))
            elif o == "depends_on" and names:
                deps = self.rng.sample(names, min(len(names), self.rng.randint(1, 2)))
                if self.chance(0.5):
                    s.add(o, deps)
                else:
                    s.add(o, M(*[(d, M(("condition", self.pick(["service_started", "service_healthy"]))) if self.chance(0.7)
                                 else M(("condition", "service_started"), ("required", self.pick([False, True, "${BOOL:-false}"])))) for d in deps]))
            elif o == "container_name":
                s.add(o, self.text())
            elif o == "x-ext":
                s.add(o, M(("a", self.text())))
            elif o == "healthcheck":
                s.add(o, M(("test", self.pick([["CMD", "true"], "true", ["CMD-SHELL", "${A:-x}"]])),
                           ("interval", self.pick(["10s", "${A:-5s}", "1m30s"]))))
            elif o == "expose":
                s.add(o, [self.pick(["80", 81, "${PORT:-90}"])])
            elif o == "working_dir":
                s.add(o, self.pick(["/app", "${A:-/w}"]))
            elif o == "env_file":
                s.add(o, self.env_file_ref())
            elif o == "profiles":
                s.add(o, [self.pick(["p1", "p2", "${A:-p3}"])])
            elif o == "networks":
                s.add(o, self.pick([["default"], ["front"], M(("front", None)), M(("front", M(("aliases", ["al"]))))]))
            elif o == "typed":
                for _ in range(self.rng.randint(1, 3)):
                    key, vals = self.pick([
                        ("cpus", ["${NUM:-1}", "${UNSET:-0.5}", 1, "1.5", "${NUM:-x}"]),
                        ("mem_limit", ["${UNSET:-512m}", "1g", 1024, "${NUM:-1}"]),
                        ("pids_limit", ["${NUM:-10}", "${UNSET:-1}", -1]),
                        ("privileged", ["${BOOL:-false}", "${UNSET:-True}", "TRUE", "${UNSET:-yes}", "${UNSET:-0}"]),
                        ("stdin_open", ["${UNSET:-true}", "${BOOL:-FALSE}", False]),
                        ("init", ["${UNSET:-true}", "${UNSET:-on}"]),
                        ("oom_score_adj", ["${UNSET:--5}", "${UNSET:-+5}", "${UNSET:-0x10}"]),
                        ("shm_size", ["${UNSET:-64m}", 65536]),
                        ("cpu_shares", ["${UNSET:-512}", "${UNSET:-1e3}", "${UNSET:-010}"]),
                        ("mem_swappiness", ["${UNSET:-60}", "${UNSET:-1.0}"]),
                    ])
                    s.add(key, self.pick(vals))
            elif o == "paths":
                s.add("build", self.pick([".", "./ctx", "../up", M(("context", "ctx"), ("dockerfile", self.pick(["../Dockerfile", "sub/D", "/abs/D"]))),
                                          M(("context", "${UNSET:-.}"), ("additional_contexts", M(("x", "./other"))))]))
                s.add("volumes", [self.pick(["./a:/a", "../b:/b", "~/c:/c", "d:/d", "./e/../f:/f", "${UNSET:-./g}:/g"]),
                                  M(("type", "bind"), ("source", self.pick(["./h", "../i", "~"])), ("target", "/h"))])
            elif o == "long_ports":
                s.add("ports", [M(("target", self.pick([80, "${PORT:-80}", "${UNSET:-81}"])),
                                  ("published", self.pick(["8080", "${PORT:-8081}", 8082, "${UNSET:-8000-8001}"])),
                                  *([("protocol", self.pick(["tcp", "${UNSET:-udp}"]))] if self.chance(0.3) else []),
                                  *([("host_ip", "${UNSET:-127.0.0.1}")] if self.chance(0.3) else []))])
            elif o == "anchored_list":
                s.add("ports", Anchor("plist", ["${PORT:-80}:80", "81"]))
                s.add("expose", Alias("plist") if self.chance(0.5) else ["81"])
            elif o == "extra_hosts":
                s.add(o, self.pick([["a:1.2.3.4", "b=${UNSET:-1.1.1.1}"], M(("a", "1.2.3.4"), ("b", ["1.1.1.1", "::1"]))]))
            elif o == "ulimits":
                s.add(o, M(("nofile", self.pick(["${NUM:-1024}", M(("soft", "${UNSET:-1}"), ("hard", 2))]))))
            elif o == "secrets":
                s.add(o, self.pick([["s1"], [M(("source", "s1"), ("target", "${UNSET:-t}"))]]))
            elif o == "tmpfs":
                s.add(o, self.pick(["/t", ["/t:size=1m", "/u"]]))
            elif o == "cap_add":
                s.add(o, ["NET_ADMIN", "${UNSET:-SYS_TIME}", "NET_ADMIN"])
            elif o == "devices":
                s.add(o, self.pick([["/dev/a:/dev/b", "/dev/c:/dev/b"], [M(("source", "/dev/x"), ("target", "${UNSET:-/dev/y}"))]]))
            elif o == "stop_grace_period":
                s.add(o, self.pick(["10s", "${UNSET:-1s}", "1m"]))
        return s

    def env_file_ref(self):
        f = self.pick(["svc.env", "./svc.env", "svc.env", "sub/svc.env", "${UNSET:-svc}.env"] + (["missing.env"] if self.chance(0.2) else []))
        forms = [f, [f], [M(("path", f), ("required", self.pick([False, True])))],
                 [M(("path", f), ("format", "raw"))], [f, M(("path", "missing.env"), ("required", False))]]
        return self.pick(forms)

    def top(self, n_services=None, names=None, allow_name=True):
        d = M()
        if allow_name and self.chance(0.2):
            d.add("name", self.pick(["proj", "${A:-myproj}", "${UNSET:-p}", "a_b-c", "1abc"] + (["My App", "-x", "${UNSET}", "x.y", ""] if self.chance(0.2) else [])))
        names = names or self.rng.sample(["web", "db", "api", "worker"], n_services or self.rng.randint(1, 3))
        svcs = M()
        for i, n in enumerate(names):
            svcs.add(n, self.service(names[:i]))
        d.add("services", svcs)
        text = dump(d, None)
        if self.chance(0.2) or ("front" in text and self.chance(0.9)):
            d.add("networks", M(("front", self.pick([None, M(("driver", "bridge")), M(("name", "${A:-netname}"))]))))
        if self.chance(0.2) or ("vol:" in text and self.chance(0.9)):
            d.add("volumes", M(("vol", self.pick([None, M(("name", "${B:-vname}")), M(("external", True))]))))
        if "s1" in dump(d, None) or self.chance(0.05):
            d.add("secrets", M(("s1", self.pick([M(("file", "./s1.txt")), M(("environment", "${UNSET:-A}")), M(("external", True))]))))
        if self.chance(0.1):
            d.add("x-top", M(("k", self.text())))
        if self.chance(0.08):
            d.add("configs", M(("c1", M(("content", self.text())))))
        return d, names

    # overrides ------------------------------------------------------------------------------------

    def override_service(self, name):
        s = M()
        kinds = ["image", "environment", "labels", "ports", "command", "dns", "volumes", "reset", "override",
                 "null", "depends_on", "entrypoint", "expose", "healthcheck", "profiles", "ulimits", "build", "networks",
                 "extends", "typed", "reset_whole", "extra_hosts", "devices", "secrets", "cap_add"]
        for k in self.rng.sample(kinds, self.rng.randint(1, 3)):
            if k == "image":
                s.add("image", self.text())
            elif k == "environment":
                s.add("environment", self.environment())
            elif k == "labels":
                s.add("labels", self.labels())
            elif k == "ports":
                s.add("ports", [self.interp_scalar("port")])
            elif k == "command":
                s.add("command", self.pick(["echo hi", ["echo", "${A:-x}"], Tag("reset", None), Tag("override", ["a"])]))
            elif k == "dns":
                s.add("dns", self.pick(["9.9.9.9", ["1.1.1.1"]]))
            elif k == "volumes":
                s.add("volumes", [self.pick(["./data:/data:ro", "./other:/data", "vol:/v2", M(("type", "bind"), ("source", "./s"), ("target", "/data"))])])
            elif k == "reset":
                s.add(self.pick(["ports", "environment", "labels", "volumes", "dns", "depends_on", "command", "image"]), Tag("reset", self.pick([None, [], M()])))
            elif k == "override":
                key = self.pick(["ports", "environment", "labels", "volumes", "dns"])
                val = {"ports": ["9999:80"], "environment": M(("O", "1")), "labels": M(("o", "1")),
                       "volumes": ["./o:/o"], "dns": ["8.8.8.8"]}[key]
                s.add(key, Tag("override", val))
            elif k == "null":
                s.add(self.pick(["environment", "labels", "command", "ports"]), None)
            elif k == "depends_on":
                s.add("depends_on", self.pick([["db"], M(("db", M(("condition", "service_healthy")))), M(("web", M(("restart", True))))]))
            elif k == "entrypoint":
                s.add("entrypoint", self.pick([["sh"], "bash -c", Tag("reset", None)]))
            elif k == "expose":
                s.add("expose", ["80", "91"])
            elif k == "healthcheck":
                s.add("healthcheck", self.pick([M(("disable", True)), M(("interval", "2s")), M(("test", ["NONE"]))]))
            elif k == "profiles":
                s.add("profiles", self.pick([["p2"], [], Tag("reset", None)]))
            elif k == "ulimits":
                s.add("ulimits", M(("nofile", self.pick([1024, M(("soft", 1), ("hard", 2))]))))
            elif k == "build":
                s.add("build", self.pick([".", M(("context", "sub"), ("args", M(("A", "${A:-1}")))), M(("dockerfile", "D"))]))
            elif k == "networks":
                s.add("networks", self.pick([["front"], M(("default", M(("aliases", ["x"]))))]))
            elif k == "extends":
                s.add("extends", self.pick(["web", "db", M(("service", "api"))]))
            elif k == "typed":
                s.add(self.pick(["cpus", "mem_limit", "privileged", "scale"]), self.pick(["${NUM:-2}", "${UNSET:-true}", "2g", 3]))
            elif k == "reset_whole":
                s.add(self.pick(["healthcheck", "deploy", "build", "ulimits", "extra_hosts", "logging"]), Tag("reset", None))
            elif k == "extra_hosts":
                s.add("extra_hosts", self.pick([["a:5.6.7.8"], M(("c", "9.9.9.9")), ["a=1.2.3.4"]]))
            elif k == "devices":
                s.add("devices", ["/dev/z:/dev/b"])
            elif k == "secrets":
                s.add("secrets", [M(("source", "s1"), ("target", "t"))])
            elif k == "cap_add":
                s.add("cap_add", ["NET_ADMIN", "CHOWN"])
        if self.chance(0.05):
            return Tag("reset", None)
        return s

    # anchors ----------------------------------------------------------------------------------------

    def with_anchors(self, doc):
        """Rewrites `doc` to share pieces through anchors, aliases and `<<` merges."""
        svcs = dict(doc.pairs)["services"]
        base = M(("image", self.pick(["busybox", "${A:-nginx}"])), ("environment", M(("K", "1"), ("L", "${B:-2}"))))
        if self.chance(0.5):
            base.add("labels", ["a=1"])
        anchor = Anchor("base", base)
        doc.pairs.insert(0, ("x-base", anchor))
        if self.chance(0.4):
            doc.pairs.insert(1, ("x-more", Anchor("more", M(("restart", "always"), ("environment", M(("M", "3")))))))
            merged = self.pick([[Alias("base"), Alias("more")], [Alias("more"), Alias("base")], Alias("more")])
        else:
            merged = Alias("base")
        for _, s in svcs.pairs:
            if isinstance(s, M) and self.chance(0.7):
                s.pairs.insert(self.pick([0, len(s.pairs)]), ("<<", merged))
                if self.chance(0.3):
                    s.add("environment", self.pick([M(("K", "over")), ["K=list"], Alias("base") if False else M(("Z", None))]))
        if self.chance(0.2):
            # a merge inside an attribute's mapping, later keys and merges over earlier ones
            first = svcs.pairs[0][1]
            if isinstance(first, M):
                first.pairs = [(k, v) for k, v in first.pairs if k != "labels"]
                first.add("labels", Anchor("lab", M(("a", "1"), ("b", "${B:-2}"))))
                for _, s in svcs.pairs[1:]:
                    if isinstance(s, M):
                        s.pairs = [(k, v) for k, v in s.pairs if k != "labels"]
                        s.add("labels", self.pick([M(("<<", Alias("lab")), ("a", "over")), M(("a", "first"), ("<<", Alias("lab"))),
                                                   M(("<<", [Alias("lab"), M(("c", "3"))])), Tag("reset", Alias("lab")), Alias("lab")]))
        if self.chance(0.15):
            # a scalar anchor reused as a key's value and in a list
            first = svcs.pairs[0][1]
            if isinstance(first, M):
                first.add("working_dir", Anchor("wd", self.pick(["/app", "${A:-/w}"])))
                for _, s in svcs.pairs[1:]:
                    if isinstance(s, M):
                        s.add("command", ["echo", Alias("wd")])
        if self.chance(0.3):
            env = Anchor("env", M(("E", "${A:-e}")))
            first = svcs.pairs[0][1]
            if isinstance(first, M):
                first.pairs = [(k, v) for k, v in first.pairs if k != "environment"] + [("environment", env)]
                for _, s in svcs.pairs[1:]:
                    if isinstance(s, M):
                        s.pairs = [(k, v) for k, v in s.pairs if k != "environment"] + [("environment", self.pick([Alias("env"), M(("<<", Alias("env")), ("F", "f"))]))]
        return doc

    # extends ----------------------------------------------------------------------------------------

    def extends_case(self, files):
        """`compose.yaml` with services extending others, in the same file or in base files."""
        doc, names = self.top(n_services=self.rng.randint(1, 2), allow_name=False)
        svcs = dict(doc.pairs)["services"]
        base_name = self.pick(["base", "common"])
        svcs.add(base_name, self.service([], with_image=True))
        where = self.pick(["same", "other", "sub", "chain"])
        if where in ("other", "sub", "chain"):
            path = "base.yaml" if where == "other" else "sub/base.yaml"
            bs = M(("svc", self.service([], with_image=self.chance(0.9))))
            bs.pairs[0][1].add("volumes", [self.pick(["./rel:/rel", ".:/app", "../up:/up"])])
            if self.chance(0.4):
                bs.pairs[0][1].add("build", self.pick([".", M(("context", "ctx"))]))
            if where == "chain":
                bs.add("root", self.service([], with_image=True))
                bs.pairs[0][1].add("extends", self.pick(["root", M(("service", "root"))]))
                if self.chance(0.5):
                    files["sub/root.yaml"] = dump(M(("services", M(("r", self.service([], True))))), self.rng)
                    bs.pairs[0][1].pairs[-1] = ("extends", M(("file", "root.yaml"), ("service", "r")))
            files[path] = dump(M(("services", bs)), self.rng)
            if self.chance(0.3):
                files["sub/svc.env"] = self.env_file_text()
            target = M(("file", self.pick([path, "./" + path, "${A:-" + path + "}"])), ("service", "svc"))
        else:
            target = self.pick([base_name, M(("service", base_name))])
        for n, s in svcs.pairs:
            if n != base_name and self.chance(0.8):
                s.add("extends", target)
                if self.chance(0.15):
                    s.pairs = [(k, v) for k, v in s.pairs if k != "image"]
        return doc

    # include ----------------------------------------------------------------------------------------

    def include_case(self, files, doc):
        inc_doc = M(("services", M(("inc", self.service([], True)))))
        if self.chance(0.3):
            dict(inc_doc.pairs)["services"].add(self.pick(["web", "db", "api"]), self.service([], True))
        if self.chance(0.3):
            inc_doc.add("networks", M(("front", None)))
        path = self.pick(["inc.yaml", "sub/inc.yaml"])
        files[path] = dump(inc_doc, self.rng)
        if self.chance(0.4):
            files["sub/.env"] = self.env_file_text()
        if self.chance(0.3):
            files["inc.env"] = self.env_file_text()
        entry = self.pick([
            path, M(("path", path)), M(("path", [path])), M(("path", path), ("env_file", "inc.env")),
            M(("path", path), ("project_directory", self.pick([".", "sub", "other"]))),
            M(("path", path), ("env_file", ["inc.env", "missing.env"])), "${A:-" + path + "}",
        ])
        doc.pairs.insert(0, ("include", [entry]))
        return doc


def make_case(rng, folder):
    g = Gen(rng)
    files = {}
    args, env = [], {}
    features = rng.sample(["override", "anchors", "extends", "include", "dotenv", "envfileflag",
                           "procenv", "svcenv", "profiles", "pname", "dotenv", "probe", "probe", "multidoc", "envprobe"], rng.randint(1, 4))
    if a_only := os.environ.get("FUZZ_ONLY"):
        features = a_only.split(",")
    if "extends" in features:
        doc = g.extends_case(files)
        names = [n for n, _ in dict(doc.pairs)["services"].pairs]
    else:
        doc, names = g.top()
    if "probe" in features:
        labels = M(*[(f"p{i}", g.deep()) for i in range(rng.randint(3, 8))])
        env_keys = rng.sample(NAMES, 3)
        probe = M(("image", "probe"), ("labels", labels), ("environment", [k for k in env_keys] + [f"Q{i}={g.deep()}" for i in range(2)]))
        if rng.random() < 0.3:
            probe.add("env_file", ["svc.env"])
        dict(doc.pairs)["services"].add("probe", probe)
        if "procenv" not in features and rng.random() < 0.7:
            features.append("procenv")
        if ".env" not in files and rng.random() < 0.7:
            files[".env"] = g.env_file_text()
    if "charinterp" in features:
        labels = M(*[(f"c{i}", g.interp_chars()) for i in range(rng.randint(1, 3))])
        dict(doc.pairs)["services"].add("charinterp", M(("image", "probe"), ("labels", labels)))
        env.update({"A": g.pick(["", "x", "a b"]), "B": g.pick(["", "1"])} if rng.random() < 0.7 else {})
    if "charenv" in features:
        probe = M(("image", "probe"), ("labels", M(*[(f"l{n}", f"[${{{n}}}]") for n in "ABC"])),
                  ("env_file", [g.pick(["svc.env", M(("path", "svc.env"), ("format", "raw"))])]))
        dict(doc.pairs)["services"].add("charenv", probe)
        files[".env"] = g.env_chars()
        files["svc.env"] = g.env_chars()
    if "envprobe" in features:
        # every variable shown: `.env` through labels, an env file through `environment`
        probe = M(("image", "probe"), ("labels", M(*[(f"l{n}", f"[${{{n}}}]") for n in NAMES])),
                  ("env_file", [g.pick(["svc.env", M(("path", "svc.env"), ("format", "raw"))])]))
        dict(doc.pairs)["services"].add("envprobe", probe)
        files[".env"] = "".join(g.env_file_text() + "\n" for _ in range(2))
        files["svc.env"] = g.env_file_text()
    if "anchors" in features:
        doc = g.with_anchors(doc)
    if "include" in features:
        doc = g.include_case(files, doc)
    files["compose.yaml"] = dump(doc, rng)
    if "multidoc" in features:
        second = M(("services", M(*[(n, g.override_service(n)) for n in rng.sample(names, 1)])))
        files["compose.yaml"] += "---\n" + dump(second, rng)
    args += ["-f", "compose.yaml"]
    if "override" in features:
        for i in range(rng.randint(1, 2)):
            o = M(("services", M(*[(n, g.override_service(n)) for n in rng.sample(names, rng.randint(1, len(names)))])))
            if rng.random() < 0.2:
                o.pairs[0][1].add("extra", M(("image", "x")))
            if rng.random() < 0.15:
                o.add("name", g.pick(["over", "${A:-o}"]))
            if rng.random() < 0.15:
                o.add("networks", M(("front", M(("driver", "overlay")))))
            if "s1" in dump(o, None) and rng.random() < 0.8:
                o.add("secrets", M(("s1", M(("file", "./s1.txt")))))
            fname = rng.choice(["override.yaml", "sub/o.yaml"]) if i == 0 else "o2.yaml"
            files[fname] = dump(o, rng)
            args += ["-f", fname]
    if "dotenv" in features or rng.random() < 0.3:
        files[".env"] = g.env_file_text()
    if "envfileflag" in features:
        files["flag.env"] = g.env_file_text()
        args += ["--env-file", "flag.env"]
        if rng.random() < 0.2:
            files["flag2.env"] = g.env_file_text()
            args += ["--env-file", "flag2.env"]
    if "procenv" in features:
        for n in rng.sample(NAMES, rng.randint(1, 4)):
            env[n] = g.pick(VALUES) if rng.random() < 0.7 else g.deep()
    if ("svcenv" in features or any("env_file" in t for t in files.values())) and "svc.env" not in files:
        files["svc.env"] = g.env_file_text()
        files["sub/svc.env"] = g.env_file_text()
    if "profiles" in features:
        if rng.random() < 0.5:
            args += ["--profile", g.pick(["p1", "p2", "p3", "*"])]
        elif rng.random() < 0.5:
            env["COMPOSE_PROFILES"] = g.pick(["p1", "p1,p2", "", "p2 , p3", "*"])
        else:
            files[".env"] = files.get(".env", "") + f"COMPOSE_PROFILES={g.pick(['p1', 'p2', 'p1,p3'])}\n"
    if "pname" in features:
        r = rng.random()
        if r < 0.4:
            args += ["--project-name=" + g.pick(["proj", "a_b", "9z"] + (["My", "-x", "x.y", ""] if rng.random() < 0.3 else []))]
        elif r < 0.7:
            env["COMPOSE_PROJECT_NAME"] = g.pick(["envproj", "ok_1"] + (["Bad Name", ""] if rng.random() < 0.3 else []))
        else:
            files[".env"] = files.get(".env", "") + f"COMPOSE_PROJECT_NAME={g.pick(['dotproj', 'Bad', '${A:-x}'])}\n"
    nopd = False
    if rng.random() < 0.25:
        # the project in a folder below the one compose runs in
        files = {f"app/{k}": v for k, v in files.items()}
        args = [f"app/{a}" if prev == "-f" or prev == "--env-file" else a for prev, a in zip([None] + args, args)]
        nopd = True
        r = rng.random()
        if r < 0.3:
            args += ["--project-directory", rng.choice(["app", ".", "app/sub", "./app/"])]
        elif r < 0.5:
            listed = [a for prev, a in zip([None] + args, args) if prev == "-f"]
            args = [a for i, a in enumerate(args) if not (a == "-f" or (i and args[i - 1] == "-f"))]
            env["COMPOSE_FILE"] = ":".join(listed)
        if rng.random() < 0.3:
            files[".env"] = g.env_file_text()
        folder.joinpath("app/sub").mkdir(parents=True, exist_ok=True)
    if any(f.startswith("sub/") for f in files) or "sub" in files.get("compose.yaml", ""):
        (folder / "sub").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(text.encode())
    case = {"dir": str(folder), "args": args, "nopd": nopd}
    if env:
        case["env"] = env
    (folder / "case.json").write_text(json.dumps({"args": args, "env": env, "nopd": nopd}) + "\n")
    return case


def disagreement(r):
    if not r["verdict_agree"]:
        return "verdict"
    if r.get("config_agree") not in (None, True):
        return "config"
    if r.get("yaml_agree") is False:
        return "yaml"
    return None


def compare_yaml(case, r, oracle, cg):
    """Where both print the project, compares `config`'s YAML text too (into `r`)."""
    if r.get("config_agree") is not True:
        return
    home = "/nonexistent"
    env = case.get("env")
    _, a, _, _ = oracle_compare.run([oracle] + case["args"] + ["config"], case["dir"], home, env=env)
    _, b, _, _ = oracle_compare.run([cg, "config"] + case["args"], case["dir"], home, env=env)
    r["yaml_agree"] = a == b
    if a != b:
        al, bl = a.splitlines(), b.splitlines()
        first = next((i for i, (x, y) in enumerate(zip(al, bl)) if x != y), min(len(al), len(bl)))
        r["yaml_diff"] = {"line": first + 1, "compose": al[first:first + 3], "composeguard": bl[first:first + 3]}


def run_cases(cases, out_jsonl, cg):
    lines = "\n".join(json.dumps(c) for c in cases) + "\n"
    cases_file = out_jsonl.with_suffix(".cases")
    cases_file.write_text(lines)
    subprocess.run([sys.executable, str(ROOT / "scripts/oracle-compare.py"), str(cases_file), str(out_jsonl),
                    "--composeguard", cg, "--jobs", "1"], stdout=subprocess.DEVNULL, check=True)
    return [json.loads(l) for l in open(out_jsonl)]


def fuzz(a):
    out = pathlib.Path(a.out)
    (out / "found").mkdir(parents=True, exist_ok=True)
    (out / "cases").mkdir(parents=True, exist_ok=True)
    rng = random.Random(a.seed)
    cases = []
    for i in range(a.count):
        folder = out / "cases" / f"{a.seed}-{i}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        cases.append(make_case(rng, folder))
    results = run_cases(cases, out / f"run-{a.seed}.jsonl", a.composeguard)
    if a.yaml:
        oracle = oracle_compare.oracle_binary()
        for c, r in zip(cases, results):
            compare_yaml(c, r, oracle, a.composeguard)
    found = 0
    for c, r in zip(cases, results):
        kind = disagreement(r)
        if kind:
            found += 1
            dest = out / "found" / pathlib.Path(c["dir"]).name
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(c["dir"], dest)
            (dest / "result.json").write_text(json.dumps(r, indent=1) + "\n")
            print(kind.upper(), dest, r.get("config_diff", r.get("yaml_diff", [r.get("compose_error", "")[-150:], r.get("composeguard_errors")]))[:3])
    print(f"{len(results)} cases ({sum(not r['compose_invalid'] for r in results)} valid, "
          f"{sum('yaml_agree' in r for r in results)} YAML texts compared), {found} disagreements")


def minimize(a):
    """Deletes lines of the case's files while the same kind of disagreement stays."""
    folder = pathlib.Path(a.minimize)
    meta = json.loads((folder / "case.json").read_text())
    oracle = oracle_compare.oracle_binary()

    want_yaml = a.yaml

    def check():
        case = {"dir": str(folder), "args": meta["args"], "nopd": meta.get("nopd", False)}
        if meta.get("env"):
            case["env"] = meta["env"]
        r = oracle_compare.compare(json.dumps(case), oracle, a.composeguard)
        if want_yaml:
            compare_yaml(case, r, oracle, a.composeguard)
        return disagreement(r)

    want = check()
    if not want:
        sys.exit("no disagreement here")
    files = [p for p in folder.rglob("*") if p.is_file() and p.name not in ("case.json", "result.json")]
    changed = True
    while changed:
        changed = False
        for p in files:
            lines = p.read_bytes().split(b"\n")
            i = 0
            while i < len(lines):
                trial = lines[:i] + lines[i + 1:]
                p.write_bytes(b"\n".join(trial))
                if check() == want:
                    lines, changed = trial, True
                else:
                    p.write_bytes(b"\n".join(lines))
                    i += 1
    for p in files:
        print(f"--- {p.relative_to(folder)}\n{p.read_text(errors='replace')}")
    print("case:", json.dumps(meta))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--composeguard", default=str(ROOT / "target/release/composeguard"))
    ap.add_argument("--out", default="/tmp/fuzz-loader")
    ap.add_argument("--minimize")
    ap.add_argument("--yaml", action="store_true", help="compare `config`'s YAML text too where the JSON agrees")
    a = ap.parse_args()
    minimize(a) if a.minimize else fuzz(a)


if __name__ == "__main__":
    main()
