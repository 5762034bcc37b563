"""The job package's modules import one another in one direction: no circle (issue 19 removed
broker ↔ service; notify and recover belong to the runner), and no module reaches up into web."""
from __future__ import annotations

import ast
from pathlib import Path

import jobs

PACKAGE = Path(jobs.__file__).parent


def _imports(path: Path) -> set[str]:
    """The sibling modules ``path`` imports, at module level or inside a function (a lazy import is
    still an edge: it only moves when the circle closes)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("jobs."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and node.level == 0):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            assert not any(name == "web" or name.startswith("web.") for name in names), (path.name, names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {path.stem: path for path in PACKAGE.glob("*.py") if path.stem != "__init__"}
    return {name: _imports(path) & modules.keys() for name, path in modules.items()}


def test_no_module_of_jobs_imports_itself_back_through_others():
    graph = _graph()
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for child in sorted(graph[name]):
            assert state.get(child) != "open", "import circle: " + " → ".join(trail + [name, child])
            if child not in state:
                visit(child, trail + [name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_the_runner_notifies_and_the_broker_never_reaches_the_service():
    graph = _graph()
    assert "service" not in graph["broker"] and "service" not in graph["runner"]
    assert "notify" in {node.name for node in ast.walk(ast.parse((PACKAGE / "runner.py").read_text()))
                        if isinstance(node, ast.FunctionDef)}
