"""Dependencies point one way: core <- accounts <- inspections <- responses <- (reminders,
tracking, public), with no cycle between apps or between modules.

The graph is read from the source with `ast`, so an import inside a function counts as much as
one at the top of a module. `config/` is the composition root (settings, URLs, Celery): it may
import every app, and no app imports it. The only imports allowed inside functions are in an
app's `apps.py` (its `AppConfig.ready()` and the signal handlers it connects), where Django
requires them: models are not loaded when `apps.py` is imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Each app's layer: an app may import only apps in a lower layer (or its own). The three top
#: rooms share a layer; they may use one another as long as no cycle appears (checked below).
LAYERS = {
    "core": 0,
    "accounts": 1,
    "inspections": 2,
    "responses": 3,
    "reminders": 4,
    "tracking": 4,
    "public": 4,
}
COMPOSITION_ROOT = "config"
PACKAGES = [*LAYERS, COMPOSITION_ROOT]


def _modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


MODULES = _modules()


class Import:
    def __init__(self, module: str, target: str, line: int, in_function: str | None):
        self.module, self.target, self.line, self.in_function = module, target, line, in_function

    def __repr__(self) -> str:
        where = f" (inside {self.in_function})" if self.in_function else ""
        return f"{self.module}:{self.line} imports {self.target}{where}"


def _resolve(name: str) -> str | None:
    """The project module `name` refers to (a name imported from a module is that module)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports_of(module: str, path: Path) -> list[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def visit(node, function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                visit(child, child.name if function is None else function)
                continue
            names = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - child.level + 1]
                    stem = ".".join(base + ([child.module] if child.module else []))
                else:
                    stem = child.module
                names = [f"{stem}.{alias.name}" for alias in child.names]
            for name in names:
                target = _resolve(name)
                if target and target != module:
                    found.append(Import(module, target, child.lineno, function))
            visit(child, function)

    visit(ast.parse(path.read_text(), filename=str(path)), None)
    return found


IMPORTS = [imp for module, path in MODULES.items() for imp in _imports_of(module, path)]


def _app(module: str) -> str:
    return module.partition(".")[0]


def test_the_graph_sees_the_project():
    """Guards the test itself: it found the apps' modules and their imports."""
    assert {"responses.services", "inspections.models", "core.history"} <= set(MODULES)
    assert any(
        imp.module == "responses.models" and imp.target == "inspections.models" for imp in IMPORTS
    )


def upward_imports(imports: list[Import]) -> list[Import]:
    """Imports of a higher app, or of the composition root, from an app."""
    return [
        imp
        for imp in imports
        if _app(imp.module) in LAYERS
        and (
            _app(imp.target) == COMPOSITION_ROOT
            or (
                _app(imp.target) != _app(imp.module)
                and LAYERS[_app(imp.target)] > LAYERS[_app(imp.module)]
            )
        )
    ]


def sideways_both_ways(imports: list[Import]) -> list[tuple[str, str]]:
    """Pairs of apps that import each other."""
    edges = {(_app(imp.module), _app(imp.target)) for imp in imports}
    return sorted((a, b) for a, b in edges if a < b and (b, a) in edges and a in LAYERS)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def app_cycles(imports: list[Import]) -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for imp in imports:
        if _app(imp.module) != _app(imp.target):
            graph.setdefault(_app(imp.module), set()).add(_app(imp.target))
    return _cycles(graph)


def module_cycles(imports: list[Import]) -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for imp in imports:
        graph.setdefault(imp.module, set()).add(imp.target)
    return _cycles(graph)


def hidden_imports(imports: list[Import]) -> list[Import]:
    """Imports inside functions, outside an app's `apps.py`."""
    return [
        imp for imp in imports if imp.in_function is not None and not imp.module.endswith(".apps")
    ]


def test_no_app_imports_a_higher_app_or_the_composition_root():
    assert upward_imports(IMPORTS) == []


def test_no_sideways_import_between_apps_of_one_layer_except_downwards_in_order():
    """Apps of the top layer may use one another only one way round (no app cycle)."""
    assert sideways_both_ways(IMPORTS) == []


def test_no_cycle_between_apps():
    assert app_cycles(IMPORTS) == []


def test_no_cycle_between_modules():
    assert module_cycles(IMPORTS) == []


def test_imports_inside_functions_only_in_app_ready():
    """A function-level import hides a cycle or an upward dependency from readers; once there is
    neither, there is no need for one. An app's `apps.py` is the exception (see the module
    docstring)."""
    assert hidden_imports(IMPORTS) == []


def test_the_checks_catch_an_injected_violation_of_each_rule(tmp_path):
    """Each rule fails on the project's graph plus one bad import, so a check that quietly
    stopped checking would be seen here."""

    def injected(module: str, source: str) -> list[Import]:
        path = tmp_path / f"{module.replace('.', '_')}.py"
        path.write_text(source)
        return [*IMPORTS, *_imports_of(module, path)]

    # accounts.views using responses, at the top of the module: upward.
    upward = injected("accounts.views", "from responses.models import Response\n")
    assert [(i.module, i.target) for i in upward_imports(upward)] == [
        ("accounts.views", "responses.models")
    ]
    assert any({"accounts", "responses"} <= set(cycle) for cycle in app_cycles(upward))
    # public importing config: the composition root is above every app.
    assert upward_imports(injected("public.views", "import config.events\n"))
    # tracking.models importing tracking.services, which imports it: a module cycle.
    cyclic = injected("tracking.models", "from tracking.services import progress_update_add\n")
    assert any({"tracking.models", "tracking.services"} <= set(c) for c in module_cycles(cyclic))
    # two apps of the top layer importing each other.
    both = injected("tracking.selectors", "from public.models import PublishedResponse\n")
    both += _imports_of("public.selectors", _write(tmp_path, "from tracking import models\n"))
    assert ("public", "tracking") in sideways_both_ways(both)
    # an import inside a function, even of a lower app.
    hidden = injected("responses.views", "def f():\n    from core import dates\n")
    assert [(i.module, i.in_function) for i in hidden_imports(hidden)] == [("responses.views", "f")]


def _write(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "second.py"
    path.write_text(source)
    return path


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from responses.models import Response\n", "responses.models"),
        ("def f():\n    from responses import services\n", "responses.services"),
        ("import responses.workflow\n", "responses.workflow"),
    ],
)
def test_the_graph_counts_every_form_of_import(tmp_path, source, expected):
    """An upward import in any form (top level, inside a function, `import a.b`) is seen."""
    path = tmp_path / "probe.py"
    path.write_text(source)
    found = _imports_of("accounts.probe", path)
    assert [imp.target for imp in found] == [expected]
    assert LAYERS[_app(found[0].target)] > LAYERS["accounts"]
