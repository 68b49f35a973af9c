"""The tree is the architecture: production packages never import the development stand-ins."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_PACKAGES = ("shopify_app", "videos")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_production_code_imports_nothing_from_devtools_or_tests() -> None:
    # Given every module of the production packages
    offenders = []
    for package in PRODUCTION_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            # When its imports are read
            for module in _imported_modules(path):
                # Then none reaches into the stand-ins or the test suite
                if module.split(".")[0] in {"devtools", "tests", "pytest"}:
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_video_work_knows_nothing_of_shopify_or_jobs() -> None:
    # Given the spec, the composer, the renderer, media and music
    paths = [ROOT / "videos" / "spec.py"]
    for package in ("composer", "render", "media", "music"):
        paths += sorted((ROOT / "videos" / package).rglob("*.py"))
    offenders = []
    for path in paths:
        # When their imports are read
        for module in _imported_modules(path):
            # Then none reaches the Shopify edge, the jobs or the API
            if module.split(".")[0] == "shopify_app" or module.startswith(("videos.jobs", "videos.api")):
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_scan_sees_a_devtools_import(tmp_path: Path) -> None:
    # Given a module that imports the emulator, the scan reports it (so the test above can fail)
    module = tmp_path / "m.py"
    module.write_text("from devtools.shopify_emulator import ShopifyEmulator\nimport tests.conftest\n")
    assert {"devtools.shopify_emulator", "tests.conftest"} <= _imported_modules(module)


# --- no import cycles ------------------------------------------------------------------------------
def _module_names(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    names: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            names[".".join(parts)] = path
    return names


def _import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Which of the packages' modules each module imports. Imports inside functions count too (a lazy import
    that only dodges a cycle hides it, it does not remove it); `if TYPE_CHECKING:` blocks do not.
    `from package import submodule` is an edge to the submodule."""
    names = _module_names(root, packages)

    def known(name: str) -> str | None:
        parts = name.split(".")
        while parts and ".".join(parts) not in names:
            parts.pop()
        return ".".join(parts) or None

    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        skipped = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(block.test) for stmt in block.body for n in ast.walk(stmt)}
        edges: set[str | None] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                edges.update(known(alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                    package = package[: len(package) - node.level + 1]
                    base = ".".join([*package, base] if base else package)
                subs = {f"{base}.{alias.name}" for alias in node.names} & names.keys()
                edges.update(subs)
                if len(subs) < len(node.names):
                    edges.add(known(base))
        graph[name] = {edge for edge in edges if edge and edge != name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path that ends where it starts) through each group of modules that import each other."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                found.append([*path[path.index(target):], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    return found


def test_no_module_imports_itself_back_through_others() -> None:
    # Given the import graph of the production packages
    graph = _import_graph(ROOT, PRODUCTION_PACKAGES)
    assert "videos.jobs.tasks" in graph and "shopify_app.admin_api.operations" in graph
    # When cycles are looked for, then there are none
    assert [" -> ".join(cycle) for cycle in _cycles(graph)] == []


def test_the_scan_sees_a_cycle_even_through_a_lazy_import(tmp_path: Path) -> None:
    # Given a package whose modules import each other, one of them inside a function
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("def f():\n    from pkg.a import thing\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n")
    # When its graph is scanned, then the cycle is reported (and a type-checking-only import is not an edge)
    graph = _import_graph(tmp_path, ("pkg",))
    assert _cycles(graph) == [["pkg.a", "pkg.b", "pkg.a"]]
    assert graph["pkg.c"] == set()
