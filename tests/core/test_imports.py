"""The shared kernel stays the ground floor: nothing in `kefu/core` imports a domain app."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "kefu" / "core"


def _imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def test_core_imports_no_other_kefu_app() -> None:
    outside = {
        f"{path.relative_to(CORE)}: {module}"
        for path in CORE.rglob("*.py")
        for module in _imported_modules(path)
        if module.startswith("kefu.") and not module.startswith("kefu.core")
    }
    assert outside == set()
