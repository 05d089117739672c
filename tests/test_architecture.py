"""The tree tells the architecture (docs/architecture.md), and this keeps it so: no import cycle among the hub's
modules (imports made only for type hints, or inside functions, count too), the routing and translation cores are
pure, storage knows nothing of the hub, and each layer of the hub imports only the layers below it."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
PACKAGES = ("hub", "routing", "storage", "translation")

# What each part of hub/ may import of the hub (besides hub.config, which every part may read).
LAYERS = {
    "hub.ocpi": (),
    "hub.operations": ("hub.ocpi",),
    "hub.platforms": ("hub.ocpi",),
    "hub.traffic": ("hub.ocpi", "hub.operations", "hub.platforms"),
    "hub.relay": ("hub.ocpi", "hub.operations", "hub.platforms", "hub.traffic"),
    "hub.assembly": ("hub.ocpi", "hub.operations", "hub.platforms", "hub.traffic", "hub.relay"),
    "hub.admin": ("hub.ocpi", "hub.operations", "hub.platforms", "hub.traffic", "hub.assembly"),
    "hub.app": ("hub.ocpi", "hub.operations", "hub.platforms", "hub.traffic", "hub.assembly", "hub.admin"),
}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = modules()


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, wherever the import stands (top level, function, TYPE_CHECKING block)."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                imported.add(candidate if candidate in MODULES else node.module)
    return imported


GRAPH = {name: {imported for imported in imports_of(path) if imported in MODULES} for name, path in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), and modules importing themselves."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(graph.get(node, ())):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"a"}}) == [["a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_pure_cores_are_pure():
    """routing and translation: no I/O, no clock; translation does not even know routing (nor routing it)."""
    allowed_third_party = {"msgspec"}
    for name, path in MODULES.items():
        core = name.split(".")[0]
        if core not in ("routing", "translation"):
            continue
        for imported in imports_of(path):
            top = imported.split(".")[0]
            assert top in sys.stdlib_module_names or top in allowed_third_party or top == core, (name, imported)
            assert top not in ("asyncio", "socket", "sqlite3", "time"), (
                f"{name} does I/O or reads the clock: {imported}"
            )


def test_storage_knows_nothing_of_the_hub():
    for name, path in MODULES.items():
        if name.startswith("storage"):
            assert not {i for i in imports_of(path) if i.split(".")[0] in ("hub", "routing")}, name


def _layer(name: str) -> str | None:
    return next((layer for layer in LAYERS if name == layer or name.startswith(layer + ".")), None)


def test_each_layer_imports_only_the_layers_below_it():
    for name, imported in GRAPH.items():
        layer = _layer(name)
        if layer is None:
            continue
        for target in imported:
            target_layer = _layer(target)
            if target_layer is None or target_layer == layer:
                continue
            assert target_layer in LAYERS[layer], f"{name} ({layer}) imports {target} ({target_layer})"
