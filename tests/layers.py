#!/usr/bin/env python3
"""Layering rules of the source tree, for tests/test_layers.sh.

    layers.py TOP CHECK

prints one violation per line and exits 1 when there is any, else 0.
CHECK is one of:

  cycles-engine, cycles-tui   no #include "..." cycle among the files of
                              engine/ (tui/); a .c and the header of the
                              same name in the same folder are one node
  engine-no-ui                no engine/ file includes curses, ncurses,
                              readline, or a widgets/ or tui/ header
  widgets-no-engine           widgets/ includes no engine header but
                              engine/base/textsafe.h
  engine-declared             every function an engine/**/*.c defines
                              without `static` is declared in the header
                              of the same name (x.c <-> x.h)
  defined-engine, defined-widgets, defined-tui
                              every function a header of engine/
                              (widgets/, tui/) declares is defined in the
                              .c of the same name

Includes are resolved against TOP (the build uses -I$(srcdir)), then
against the including file's folder.
"""
import os
import re
import sys

UI_SYSTEM = re.compile(r"^(n?curses(w)?(/.*)?|ncursesw/.*|term|panel|menu|form|"
                       r"readline/.*|history)\.h$|^(ncursesw|readline)/")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
TEXTSAFE = "engine/base/textsafe.h"


def sources(top, room):
    out = []
    for dirpath, dirnames, files in os.walk(os.path.join(top, room)):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                out.append(os.path.relpath(os.path.join(dirpath, f), top))
    return out


def read(top, rel):
    with open(os.path.join(top, rel), encoding="utf-8", errors="replace") as f:
        return f.read()


def strip_comments(text, literals=True):
    """Comments blanked (newlines kept), and string and character literals
    too unless literals is False (an #include's file name is one)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif literals and c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else text[i:j])
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def includes(top, rel):
    """(kind, name, resolved path or None) of each #include of rel."""
    text = strip_comments(read(top, rel), literals=False)
    res = []
    for m in INCLUDE.finditer(text):
        kind, name = m.group(1), m.group(2)
        path = None
        if kind == '"':
            for base in (top, os.path.join(top, os.path.dirname(rel))):
                p = os.path.normpath(os.path.join(base, name))
                if os.path.isfile(p):
                    path = os.path.relpath(p, top)
                    break
        res.append((kind, name, path))
    return res


def node(rel):
    """A .c and the header of the same name are one node."""
    return os.path.splitext(rel)[0]


def find_cycles(edges):
    """Every strongly connected component of more than one node, each as
    one cycle through it (Tarjan, then a path inside the component)."""
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(set(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    cycles = []
    for comp in comps:
        start = min(comp)
        # shortest way back to start inside the component (BFS)
        prev, frontier, seen = {}, [start], {start}
        found = None
        while frontier and not found:
            nxt = []
            for v in frontier:
                for w in sorted(edges.get(v, ())):
                    if w not in comp:
                        continue
                    if w == start:
                        found = v
                        break
                    if w not in seen:
                        seen.add(w)
                        prev[w] = v
                        nxt.append(w)
                if found:
                    break
            frontier = nxt
        path = [found]
        while path[-1] != start:
            path.append(prev[path[-1]])
        path.reverse()
        cycles.append(path + [start])
    return cycles


def check_cycles(top, room):
    files = sources(top, room)
    edges, why = {}, {}
    for rel in files:
        a = node(rel)
        edges.setdefault(a, set())
        for kind, name, path in includes(top, rel):
            if not path or not path.startswith(room + "/"):
                continue
            b = node(path)
            if b != a:
                edges[a].add(b)
                why.setdefault((a, b), f"{rel} includes {path}")
    return [
        "include cycle: " + " -> ".join(c) + "  (" +
        "; ".join(why[(c[i], c[i + 1])] for i in range(len(c) - 1)) + ")"
        for c in find_cycles(edges)
    ]


def check_engine_no_ui(top):
    bad = []
    for rel in sources(top, "engine"):
        for kind, name, path in includes(top, rel):
            target = path or name
            if kind == "<" and UI_SYSTEM.search(name):
                bad.append(f"{rel} includes <{name}>")
            elif kind == '"' and (target.startswith(("widgets/", "tui/")) or
                                  UI_SYSTEM.search(name)):
                bad.append(f'{rel} includes "{name}"')
    return bad


def check_widgets_no_engine(top):
    bad = []
    for rel in sources(top, "widgets"):
        for kind, name, path in includes(top, rel):
            target = path or name
            if kind == '"' and target.startswith("engine/") and target != TEXTSAFE:
                bad.append(f'{rel} includes "{name}"')
    return bad


def top_level_functions(text):
    """(name, is_static, line) of every function defined at file scope."""
    text = strip_comments(text)
    text = re.sub(r"^[ \t]*#.*(\\\n.*)*$", lambda m: re.sub(r"[^\n]", " ", m.group(0)),
                  text, flags=re.M)
    out, depth, start = [], 0, 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "{":
            if depth == 0:
                head = text[start:i].strip()
                fn = function_head(head)
                if fn:
                    seg = text[start:i]
                    line = text.count("\n", 0, start + len(seg) - len(seg.lstrip())) + 1
                    out.append((fn, re.search(r"\bstatic\b", head) is not None, line))
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                start = i + 1
        elif c == ";" and depth == 0:
            start = i + 1
        i += 1
    return out


def function_head(head):
    """The function name when head (the text before a file-scope '{') is a
    function definition's declarator, else None."""
    if not head.endswith(")") or "=" in head.split("(")[0]:
        return None
    if re.match(r"^(typedef|struct|union|enum)\b", head) and "(" not in head:
        return None
    # the parameter list is the last balanced (...) group
    depth, j = 0, len(head) - 1
    while j >= 0:
        if head[j] == ")":
            depth += 1
        elif head[j] == "(":
            depth -= 1
            if depth == 0:
                break
        j -= 1
    m = re.search(r"([A-Za-z_]\w*)\s*$", head[:j])
    if not m or m.group(1) in ("if", "while", "for", "switch", "return", "sizeof",
                               "__attribute__"):
        return None
    return m.group(1)


def declared_functions(text):
    """(name, line) of every function prototype at file scope."""
    text = strip_comments(text)
    text = re.sub(r"^[ \t]*#.*(\\\n.*)*$", lambda m: re.sub(r"[^\n]", " ", m.group(0)),
                  text, flags=re.M)
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                start = i + 1
        elif c == ";" and depth == 0:
            seg = text[start:i]
            head = re.sub(r"\s*__attribute__\s*\(\(.*?\)\)\s*$", "", seg.strip(), flags=re.S)
            if not re.match(r"(typedef|extern\s+const|static)\b", head):
                name = function_head(head)
                # a type before the name: not a macro call like SAFER_COMMAND(x)
                if name and re.search(r"\w[\w\s\*]*[\s\*]" + name + r"\s*\(", head):
                    line = text.count("\n", 0, start + len(seg) - len(seg.lstrip())) + 1
                    out.append((name, line))
            start = i + 1
    return out


def check_headers_defined(top, room):
    """Every function a header declares is defined in the .c of the same
    name (where else it is defined, when it is)."""
    defined = {}
    for rel in sources(top, room):
        if rel.endswith(".c"):
            for name, is_static, line in top_level_functions(read(top, rel)):
                if not is_static:
                    defined.setdefault(name, rel)
    bad = []
    for rel in sources(top, room):
        if not rel.endswith(".h"):
            continue
        own = rel[:-2] + ".c"
        for name, line in declared_functions(read(top, rel)):
            at = defined.get(name)
            if at == own:
                continue
            # commands.h declares the entry points of the cmd_*.c files,
            # one file per subcommand (its documented convention).
            if (rel == "tui/cli/commands.h" and name.startswith("cmd_") and at
                    and os.path.basename(at).startswith("cmd_")):
                continue
            if at:
                bad.append(f"{rel}:{line}: {name} is defined in {at}, not {own}")
            elif not os.path.isfile(os.path.join(top, own)):
                bad.append(f"{rel}:{line}: {name} is declared, but there is no {own}")
            else:
                bad.append(f"{rel}:{line}: {name} is not defined in {own}")
    return bad


def check_engine_declared(top):
    bad = []
    for rel in sources(top, "engine"):
        if not rel.endswith(".c"):
            continue
        hdr = rel[:-2] + ".h"
        decl = ""
        if os.path.isfile(os.path.join(top, hdr)):
            decl = strip_comments(read(top, hdr))
        for name, is_static, line in top_level_functions(read(top, rel)):
            if is_static:
                continue
            if not re.search(r"\b" + re.escape(name) + r"\s*\(", decl):
                where = hdr if decl else f"{hdr} (no such header)"
                bad.append(f"{rel}:{line}: {name} is not declared in {where}")
    return bad


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    top, check = argv[1], argv[2]
    checks = {
        "cycles-engine": lambda: check_cycles(top, "engine"),
        "cycles-tui": lambda: check_cycles(top, "tui"),
        "engine-no-ui": lambda: check_engine_no_ui(top),
        "widgets-no-engine": lambda: check_widgets_no_engine(top),
        "engine-declared": lambda: check_engine_declared(top),
        "defined-engine": lambda: check_headers_defined(top, "engine"),
        "defined-widgets": lambda: check_headers_defined(top, "widgets"),
        "defined-tui": lambda: check_headers_defined(top, "tui"),
    }
    if check not in checks:
        sys.stderr.write(f"layers.py: unknown check {check}\n")
        return 2
    bad = checks[check]()
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
