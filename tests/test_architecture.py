"""The package's one-way flow holds: no stage imports a stage above it, and no circle.

The contract is ``[tool.importlinter]`` in pyproject.toml; this runs it the way CI does.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_layers_contract_is_kept() -> None:
    script = "from importlinter.cli import lint_imports_command; lint_imports_command()"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def _runtime_imports(path: Path, module: str, modules: set[str]) -> set[str]:
    """The confdrift modules ``module`` imports when it runs (TYPE_CHECKING blocks left out)."""
    import ast

    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    base = ".".join([*parts[:len(parts) - child.level + 1], base]).rstrip(".")
                # ``from pkg import mod`` needs mod; ``from mod import name`` needs mod.
                found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules
                             else base for alias in child.names)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {name for name in found if name.startswith("confdrift")}


def test_no_module_imports_itself_through_others() -> None:
    """No circle between modules either, inside a stage (function-level imports count)."""
    modules = {}
    for path in (ROOT / "confdrift").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        modules[name] = path
    graph = {name: _runtime_imports(path, name, set(modules)) & set(modules) - {name}
             for name, path in modules.items()}
    cycles = []
    state: dict[str, int] = {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt):], nxt]))
            elif nxt not in state:
                walk(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert cycles == []
