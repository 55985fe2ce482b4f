"""Architecture contracts: no Qt below the UI, layers import downward, no import circles, one progress rule."""
import itertools
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    """lint-imports (contracts in pyproject.toml) passes: no Qt below the UI, layers import downward."""
    exe = Path(sys.executable).parent / "lint-imports"
    r = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_no_executescript_outside_the_store():
    """executescript() commits first, so only the store may ever call it."""
    for p in (ROOT / "app").rglob("*.py"):
        if "store" not in p.parts:
            assert "executescript(" not in p.read_text(encoding="utf-8"), p


# -- import circles ------------------------------------------------------------------------------
def _import_graph(package: str):
    """grimp's graph of every import in `package`: module level, inside functions and under TYPE_CHECKING."""
    import grimp
    return grimp.build_graph(package, cache_dir=None)


def _edges(graph, package: str) -> dict[str, list[str]]:
    mods = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    return {m: sorted(x for x in graph.find_modules_directly_imported_by(m) if x in mods) for m in mods}


def import_circles(graph, package: str) -> list[list[str]]:
    """Every group of modules of `package` that import each other (strongly connected, sorted)."""
    edges = _edges(graph, package)
    mods = sorted(edges)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in mods:  # Tarjan's strongly connected components, iteratively
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = len(index)
                stack.append(v)
                on_stack.add(v)
            if i < len(edges[v]):
                work.append((v, i + 1))
                w = edges[v][i]
                if w not in index:
                    work.append((w, 0))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                group = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    group.append(w)
                    if w == v:
                        break
                if len(group) > 1 or v in edges[v]:
                    groups.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return sorted(groups)


def import_cycles(graph, package: str) -> list[list[str]]:
    """One cycle (a -> b -> ... -> a) for every circle, the shortest through its first module."""
    edges = _edges(graph, package)
    cycles = []
    for group in import_circles(graph, package):  # name each group by its shortest cycle through its first module
        start, inside = group[0], set(group)
        paths = {start: [start]}
        queue = [start]
        cycle = None
        while queue and cycle is None:
            v = queue.pop(0)
            for w in edges[v]:
                if w == start:
                    cycle = paths[v] + [start]
                    break
                if w in inside and w not in paths:
                    paths[w] = paths[v] + [w]
                    queue.append(w)
        cycles.append(cycle or group)
    return cycles


def describe_cycle(graph, cycle: list[str]) -> str:
    steps = []
    for a, b in itertools.pairwise(cycle):
        d = graph.get_import_details(importer=a, imported=b)
        where = f" (line {d[0]['line_number']}: {d[0]['line_contents'].strip()})" if d else ""
        steps.append(f"{a} -> {b}{where}")
    return "\n  ".join(steps)


def test_no_import_cycles_among_app_modules():
    """No group of app modules imports each other, counting imports inside functions and under TYPE_CHECKING."""
    graph = _import_graph("app")
    circles = import_circles(graph, "app")
    cycles = import_cycles(graph, "app")
    assert not circles, "import circles:\n" + "\n".join(
        f"  among {', '.join(group)}:\n  {describe_cycle(graph, cycle)}"
        for group, cycle in zip(circles, cycles, strict=False))


def test_the_cycle_check_sees_imports_inside_functions(tmp_path, monkeypatch):
    """A circle closed only by an import inside a function (or under TYPE_CHECKING) is found and named."""
    pkg = tmp_path / "circlepkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "b.py").write_text("def later():\n    from . import c\n")
    (pkg / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n")
    (pkg / "d.py").write_text("from . import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    graph = _import_graph("circlepkg")
    cycles = import_cycles(graph, "circlepkg")
    assert cycles == [["circlepkg.a", "circlepkg.b", "circlepkg.c", "circlepkg.a"]]
    assert import_circles(graph, "circlepkg") == [["circlepkg.a", "circlepkg.b", "circlepkg.c"]]
    assert "line 2: from . import c" in describe_cycle(graph, cycles[0])


def _app_sources():
    import ast
    for p in sorted((ROOT / "app").rglob("*.py")):
        yield p, ast.parse(p.read_text(encoding="utf-8"), filename=str(p))


def test_no_app_module_is_imported_by_name_at_run_time():
    """importlib.import_module / __import__ hide an import from the graph above: app code uses plain imports."""
    import ast
    found = []
    for p, tree in _app_sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if name in ("import_module", "__import__", "find_spec"):
                    found.append(f"{p.relative_to(ROOT)}:{node.lineno}")
    assert not found, found


def test_no_import_of_our_own_modules_hides_its_errors():
    """`try: from .x import Y except ImportError` turns a broken module into a silently missing feature."""
    import ast
    found = []
    for p, tree in _app_sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Try):
                continue
            caught = {ast.unparse(h.type) for h in node.handlers if h.type is not None}
            if not any("ImportError" in c or "ModuleNotFoundError" in c for c in caught):
                continue
            for stmt in node.body:
                for sub in ast.walk(stmt):
                    ours = ((isinstance(sub, ast.ImportFrom)
                             and (sub.level > 0 or (sub.module or "").startswith("app")))
                            or (isinstance(sub, ast.Import) and any(a.name.startswith("app") for a in sub.names)))
                    if ours:
                        found.append(f"{p.relative_to(ROOT)}:{sub.lineno}")
    assert not found, found


def test_window_and_report_share_one_progress_rule():
    """The target tab and the report take progress from app.core.progress; nobody else computes it."""
    import ast
    graph = _import_graph("app")
    for user in ("app.ui.item_tabs.target", "app.reports.data"):
        assert graph.direct_import_exists(importer=user, imported="app.core.progress"), user
    own = [f"{p.relative_to(ROOT)}:{n.lineno}" for p, tree in _app_sources() if p.name != "progress.py"
           for n in ast.walk(tree)
           if isinstance(n, ast.FunctionDef) and n.name in ("progress_percent", "progress_fraction")]
    assert not own, own
