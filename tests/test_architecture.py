"""The tree's shape, read statically (``ast``; none of our code is imported, so a broken or
slow module cannot hide a problem): no import circle, no module over 400 lines, and data
flowing one way, web → jobs → pipeline → stage packages → bottom modules.

Every import counts, the ones inside functions too: a lazy import defers a circle to the first
call, it does not remove it. Imports made from strings (``importlib.import_module``, the stage
registry's ``"module:function"`` references) are not seen. Each failure lists the files (and
lines) that break the rule.
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 400

#: Not our source: tools, data, caches. Tests import our code but nothing imports them, so
#: they cannot close a circle; they are left out of every check here.
_NOT_OURS = {".venv", "venv", "node_modules", "__pycache__", "instance", "shared", "tests"}
#: Outside the line limit: the benchmarks, the one-off scripts and the tests, not the studio itself.
_NO_LINE_LIMIT = {"bench", "scripts", "tests"}

#: Stage packages: each does one job and is called from above; none reaches up.
STAGE_PACKAGES = ("tiktok_videos", "tiktok_to_text", "summariser", "music_gen", "animate_text", "sounds",
                  "trend_lake", "uploads", "remix", "sound_service", "subtitles")
#: What a stage package never imports: the layers that call it.
ABOVE_STAGES = ("web", "jobs", "pipeline", "app", "make_celery")
#: Bottom modules import nothing of ours but each other.
BOTTOM_MODULES = ("utils", "errors", "settings", "ffmpeg_io", "licences")



# -- reading the tree ------------------------------------------------------------------------

def _our_files() -> list[Path]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if any(part.startswith(".") or part in _NOT_OURS for part in parts[:-1]):
            continue
        found.append(path)
    return found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in _our_files()}


def _ours(name: str) -> str | None:
    """The module of ours that importing ``name`` runs: itself, or the package it is an
    attribute of (``from sounds import DEMO_PROFILE`` runs ``sounds``); None when not ours."""
    modules = _modules()
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _imported(module: str, path: Path) -> list[tuple[str, int]]:
    """``(name, line)`` for every import in the file, relative ones resolved, ``from a import b``
    as ``a.b`` when ``b`` is a module of ours and ``a`` otherwise."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[:len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            for alias in node.names:
                child = f"{origin}.{alias.name}"
                names.append((child if child in _modules() else origin, node.lineno))
    return names


@cache
def _graph() -> dict[str, dict[str, int]]:
    """Module → {module of ours it imports: first line}. Importing ``a.b.c`` also runs ``a``
    and ``a.b``, so those count, except a module's own packages (always run before it)."""
    graph: dict[str, dict[str, int]] = {}
    for module, path in _modules().items():
        own = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)}
        edges = graph.setdefault(module, {})
        for name, line in _imported(module, path):
            target = _ours(name)
            if target is None:
                continue
            parts = target.split(".")
            for i in range(1, len(parts) + 1):
                step = ".".join(parts[:i])
                if step != module and step not in own and step in _modules():
                    edges.setdefault(step, line)
    return graph


def _where(module: str) -> str:
    return _modules()[module].relative_to(ROOT).as_posix()


def _circles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected parts of more than one node (Tarjan's, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                part = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    part.append(member)
                    if member == node:
                        break
                if len(part) > 1:
                    found.append(sorted(part))
    return found


def _top(module: str) -> str:
    return module.split(".")[0]


def _describe(circle: list[str], graph: dict[str, dict[str, str | int]]) -> str:
    lines = [" ↔ ".join(circle)]
    for a in circle:
        for b, where in sorted(graph[a].items()):
            if b in circle:
                lines.append(f"    {a} → {b}  ({where})")
    return "\n".join(lines)


# -- (a) no import circle --------------------------------------------------------------------

def test_no_import_circle_between_modules():
    graph = _graph()
    circles = _circles(graph)
    shown = {a: {b: f"{_where(a)}:{line}" for b, line in edges.items()} for a, edges in graph.items()}
    assert not circles, "import circles:\n" + "\n".join(_describe(c, shown) for c in circles)


def test_no_import_circle_between_top_level_modules_and_packages():
    top: dict[str, dict[str, str]] = {}
    for a, edges in _graph().items():
        for b, line in edges.items():
            if _top(a) != _top(b):
                top.setdefault(_top(a), {}).setdefault(_top(b), f"{_where(a)}:{line} imports {b}")
    circles = _circles(top)
    assert not circles, "circles between top-level parts:\n" + "\n".join(_describe(c, top) for c in circles)


def test_the_graph_sees_what_the_tree_holds():
    # A reader that resolved nothing would find no circle and no layering break: hold it to a
    # few edges that the tree's design makes certain.
    graph = _graph()

    def imports(upper: str, lower: str) -> bool:
        return any(b == lower or b.startswith(lower + ".")
                   for a, edges in graph.items() if _top(a) == upper for b in edges)

    assert imports("web", "jobs") and imports("jobs", "pipeline") and imports("app", "web")
    assert imports("sound_service", "sounds.similar")  # a lazy import, inside a function
    assert graph["sound_service.wire"].keys() >= {"sound_service.sources"}  # a relative import
    assert len(graph) > 50 and not any(_top(m) == "tests" for m in graph)


def test_the_circle_finder_finds_a_circle_and_only_the_circle():
    assert _circles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b": 1}, "b": {}}) == []


# -- (b) no module over 400 lines ------------------------------------------------------------

def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _long_modules() -> dict[str, int]:
    return {path.relative_to(ROOT).as_posix(): count for path in _our_files()
            if path.relative_to(ROOT).parts[0] not in _NO_LINE_LIMIT and (count := _lines(path)) > MAX_LINES}


def test_no_module_over_400_lines():
    long = _long_modules()
    assert not long, f"modules over {MAX_LINES} lines:\n" + "\n".join(
        f"    {name}: {count} lines" for name, count in sorted(long.items()))


# -- (c) layering ----------------------------------------------------------------------------

def _layering_breaks() -> dict[str, str]:
    """``"a -> b"`` → where, for each import that goes against the flow."""
    breaks: dict[str, str] = {}
    for a, edges in _graph().items():
        for b, line in edges.items():
            wrong = (
                (_top(a) in STAGE_PACKAGES and _top(b) in ABOVE_STAGES)
                # another stage's private module: a part of it that may change without notice
                or (_top(a) in STAGE_PACKAGES and _top(b) in STAGE_PACKAGES and _top(a) != _top(b)
                    and any(part.startswith("_") for part in b.split(".")[1:]))
                or (a in BOTTOM_MODULES and b not in BOTTOM_MODULES))
            if wrong:
                breaks[f"{a} -> {b}"] = f"{_where(a)}:{line}"
    return breaks


def test_the_layers_are_there():
    present = {_top(m) for m in _modules()}
    missing = [name for name in (*STAGE_PACKAGES, "web", "jobs", "pipeline", "app", "utils", "errors", "settings")
               if name not in present]
    assert not missing, f"renamed or gone (update this test's lists): {missing}"


def test_data_flows_one_way():
    breaks = _layering_breaks()
    assert not breaks, ("imports against web → jobs → pipeline → stage packages → bottom modules:\n"
                        + "\n".join(f"    {where}: {edge}" for edge, where in sorted(breaks.items())))
