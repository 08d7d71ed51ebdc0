"""The package's shape, read from its source with ``ast`` (nothing is imported): no import
cycle between derive's modules, no sympy under derive/reading, no module over 600 lines,
and no module that writes into ``sys.modules``.

Only module-level imports count: an import inside a function runs when the function is
called (a lazy import, the way derive defers sympy, rich and the renderers), so it cannot
make a cycle at import time. Imports under ``if TYPE_CHECKING:`` never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "derive"

MAX_LINES = 600


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _top_level_imports(tree: ast.Module):
    """The import statements that run when the module is imported: at its top level, in
    class bodies and in ``if``/``try``/``with`` blocks there, not in functions and not under
    ``if TYPE_CHECKING``."""
    todo = list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                todo += node.body
            todo += node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + node.orelse + node.finalbody
            for handler in node.handlers:
                todo += handler.body
        elif isinstance(node, (ast.With, ast.ClassDef)):
            todo += node.body


def _imported(name: str, path: Path) -> set[str]:
    """Every module the module ``name`` imports at module level (absolute names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in _top_level_imports(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")
            anchor = anchor[:len(anchor) - (node.level - 1)]
            base = ".".join(anchor + ([base] if base else []))
        out.add(base)
        for alias in node.names:  # ``from derive.app import cache``: the module cache
            if f"{base}.{alias.name}" in MODULES:
                out.add(f"{base}.{alias.name}")
    return out


IMPORTS = {name: _imported(name, path) for name, path in MODULES.items()}


def _inside(names: set[str]) -> set[str]:
    return {n for n in names if n in MODULES}


def _cycle() -> list[str] | None:
    """An import cycle among derive's modules, as the list of its modules, or None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for nxt in sorted(_inside(IMPORTS[name])):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[name] = 2
        return None

    for name in sorted(MODULES):
        if name not in state:
            found = visit(name)
            if found:
                return found
    return None


def test_the_walk_sees_the_package():
    assert {"derive.app.api", "derive.app.cache", "derive.report.model",
            "derive.reading.document"} <= set(MODULES)
    assert "derive.report.model" in IMPORTS["derive.app.cache"]
    assert "derive.app.cache" not in IMPORTS["derive.app.api"]  # lazy: inside a function


def test_no_import_cycle_inside_the_package():
    cycle = _cycle()
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cache_is_a_store_the_api_drives():
    assert not any(n.startswith("derive.app.api") for n in IMPORTS["derive.app.cache"])
    tree = ast.parse(MODULES["derive.app.cache"].read_text(encoding="utf-8"))
    lazy = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in lazy if m and m.startswith(("derive.app", "derive.engine"))}


def test_the_renderers_import_the_model_never_the_reverse():
    renderers = {n for n in MODULES if n.startswith("derive.report.render")}
    source = MODULES["derive.report.model"].read_text(encoding="utf-8")
    imports = [n for n in ast.walk(ast.parse(source))
               if isinstance(n, (ast.Import, ast.ImportFrom))]
    named = {getattr(n, "module", None) for n in imports} | {
        a.name for n in imports if isinstance(n, ast.Import) for a in n.names}
    # one import of the registry, inside _repr_mimebundle_; none of a renderer's module
    assert named & renderers == {"derive.report.render"}
    assert source.count("derive.report.render") == 2  # (the import, and the docstring)


def _reachable(start: set[str]) -> set[str]:
    seen, todo = set(), list(start)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += sorted(_inside(IMPORTS.get(name, set())))
    return seen


def test_nothing_under_reading_imports_sympy():
    reading = {n for n in MODULES if n.startswith("derive.reading")}
    assert reading
    for name in sorted(reading):
        closure = _reachable({name})
        heavy = {(m, i) for m in closure for i in IMPORTS.get(m, set())
                 if i == "sympy" or i.startswith(("sympy.", "mpmath"))}
        assert not heavy, f"{name} imports sympy at module level through {sorted(heavy)}"


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_no_module_is_over_600_lines():
    long = {name: _lines(path) for name, path in MODULES.items() if _lines(path) > MAX_LINES}
    assert not long, f"over {MAX_LINES} lines: {long}"


def _writes_sys_modules(tree: ast.AST) -> list[int]:
    def is_sys_modules(node: ast.AST) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "modules"
                and isinstance(node.value, ast.Name) and node.value.id == "sys")

    hits = []
    for node in ast.walk(tree):
        targets: list[ast.AST] = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
        for target in targets:
            if is_sys_modules(target) or (isinstance(target, ast.Subscript)
                                          and is_sys_modules(target.value)):
                hits.append(node.lineno)
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and is_sys_modules(node.func.value)
                and node.func.attr in ("update", "setdefault", "__setitem__", "pop",
                                       "popitem", "clear", "__delitem__")):
            hits.append(node.lineno)
    return hits


def test_no_module_assigns_into_sys_modules():
    found = {name: lines for name, path in MODULES.items()
             if (lines := _writes_sys_modules(ast.parse(path.read_text(encoding="utf-8"))))}
    assert not found, f"sys.modules written in {found}"


def test_the_check_for_sys_modules_sees_a_write():
    assert _writes_sys_modules(ast.parse("import sys\nsys.modules['x'] = 1"))
    assert _writes_sys_modules(ast.parse("def f():\n    import sys\n    del sys.modules['x']"))
    assert not _writes_sys_modules(ast.parse("import sys\nm = sys.modules.get('x')"))
