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


def test_the_scan_sees_a_devtools_import(tmp_path: Path) -> None:
    # Given a module that imports the emulator, the scan reports it (so the test above can fail)
    module = tmp_path / "m.py"
    module.write_text("from devtools.shopify_emulator import ShopifyEmulator\nimport tests.conftest\n")
    assert {"devtools.shopify_emulator", "tests.conftest"} <= _imported_modules(module)
