"""The architecture page's picture is the code's (methodology/architecture.md).

Read from the source with ``ast``, every import between the package's own modules, whether at the
top of a module or inside a function:

- the statistical engine imports none of the journey (reading an export, the plan, the record,
  the answers, the team's workbooks, fieldwork, the annexe) and none of the faces (the command
  line, the page), and the figures module only from a result's ``.plot()``;
- taken together, imports inside functions included, the imports form no circle: an import inside
  a function is never there to hide one (a ``.plot()`` calling the figures module aside);
- no module imports a name from the package root (``from sampling import X``), only from the
  module that defines it;
- every module of the package is placed in one of the layers, so that a new one is placed too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sampling"

ENGINE = {"framework", "evidence", "reports", "size", "selection", "uncertainty", "rules", "discretion",
          "across", "_rule_names", "_exact_size", "_exact_tables", "_policies", "_framework_files"}
JOURNEY = {"caselists", "plans", "record", "answers", "team", "fieldwork", "annexe", "journey"}
FACES = {"cli", "app", "plots", "__main__"}
SHARED = {"_errors", "_validation", "_version", "_files", "_text", "synthetic", "glossary"}


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in PACKAGE.rglob("*.py")}


def _unit(name: str) -> str:
    """The layer's unit: ``sampling.reports._loader`` is ``reports``."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports():
    """(importer, imported module, line, inside a function, names) for every import of our own."""
    found = []
    for name, path in MODULES.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inner = {id(node) for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
                 for node in ast.walk(fn)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if not target.startswith("sampling"):
                    continue
                for alias in node.names:
                    whole = f"{target}.{alias.name}"
                    found.append((name, whole if whole in MODULES else target, node.lineno, id(node) in inner,
                                  alias.name))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("sampling"):
                        found.append((name, alias.name, node.lineno, id(node) in inner, ""))
    return found


IMPORTS = _imports()


def test_every_module_has_a_layer():
    placed = ENGINE | JOURNEY | FACES | SHARED
    assert {_unit(m) for m in MODULES if m != "sampling"} <= placed


@pytest.mark.parametrize("layer", ["engine", "shared"])
def test_the_engine_imports_nothing_of_the_journey_or_the_faces(layer):
    units = ENGINE if layer == "engine" else SHARED - {"synthetic"}
    wrong = [f"{a}:{line} imports {b}" for a, b, line, inside, _ in IMPORTS
             if _unit(a) in units and (_unit(b) in JOURNEY or _unit(b) in FACES)
             and not (_unit(b) == "plots" and inside)]  # a result's .plot() may call the figures
    assert wrong == []


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every circle a depth-first search meets (empty when the graph has none)."""
    seen, path, found = set(), [], []

    def visit(node):
        if node in path:
            found.append(path[path.index(node):] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            visit(nxt)
        path.pop()

    for node in sorted(graph):
        visit(node)
    return found


def test_the_imports_form_no_circle():
    graph: dict[str, set[str]] = {}
    for a, b, _, inside, _ in IMPORTS:
        if _unit(b) == "plots" and inside and _unit(a) != "plots":
            continue  # a result's .plot(): the figures module is called, never imported at the top
        if _unit(a) != _unit(b) and _unit(a) and _unit(b):
            graph.setdefault(_unit(a), set()).add(_unit(b))
    assert _circles(graph) == []


def test_no_module_imports_a_name_from_the_package_root():
    wrong = [f"{a}:{line} imports {name} from the package root" for a, b, line, _, name in IMPORTS
             if b == "sampling" and a != "sampling"]
    assert wrong == []


def test_the_circle_search_finds_a_planted_circle():
    """So that the empty list above means something: framework -> size -> evidence -> framework."""
    planted = {"framework": {"size"}, "size": {"evidence"}, "evidence": {"framework"}, "rules": {"size"}}
    assert _circles(planted) == [["evidence", "framework", "size", "evidence"]]  # met from "evidence", first in order
    assert _circles({"framework": set(), "size": {"framework"}}) == []
