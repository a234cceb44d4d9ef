"""The house has no back-stairs: every module imports only from its own layer or below, and nothing in a cycle.

The imports of every module under ``src/dimtag`` are read from its source
(``ast``: module level, inside functions, and under ``TYPE_CHECKING``
alike; importing a submodule's parent package implicitly is not counted).
The layers are declared in :data:`LAYERS`; a new module must be added there.
Known violations are listed in :data:`ALLOWED` with the reason, and each
entry must still be needed, so the list cannot go stale.

``python tests/test_layering.py`` prints the import graph by layer.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TextIO

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "dimtag"

#: The layers, bottom up. A module belongs to the layer of the longest name in this table that is
#: the module or a package holding it. ``dimtag`` itself, the package facade that re-exports the
#: public API, sits on top with the command line.
LAYERS: dict[str, int] = {
    # 0: no dimtag imports but each other: errors, fixed sets, the text's vocabulary, small helpers
    "dimtag.errors": 0,
    "dimtag._atomic": 0,
    "dimtag._escape": 0,
    "dimtag._trigger": 0,
    "dimtag.dimensions": 0,
    "dimtag.roles": 0,
    "dimtag.vocabulary": 0,
    "dimtag.outline": 0,
    "dimtag.params": 0,
    "dimtag._version": 0,
    "dimtag.glyphs": 0,
    "dimtag.folders": 0,
    # 1: words and features, and the linear model over them
    "dimtag.features": 1,
    "dimtag.lexicon": 1,
    "dimtag.framework": 1,  # a model's labels, their names and heading words (over the lexicon)
    "dimtag.linear_model": 1,
    # 2: the decision, and the model on disk
    "dimtag.decision": 2,
    "dimtag.model_file": 2,
    # An estimator's fit and its export to numpy: scikit-learn is imported inside the functions that need it.
    "dimtag.export": 2,
    "dimtag.fitting": 2,
    # 3: the tagger, and reading a document's text and structure
    "dimtag.tagger": 3,
    "dimtag.cleaning": 3,
    "dimtag.segmentation": 3,
    "dimtag.reading": 3,
    # 4: whole documents
    "dimtag.document": 4,
    # 5: the learning and reporting wings
    "dimtag.reporting": 5,
    "dimtag.learn": 5,
    # 6: the command line, the service wings and the package facade
    "dimtag.cli": 6,
    "dimtag.serve": 6,
    "dimtag.spark": 6,
    "dimtag": 6,
}
#: The core: what ``pip install dimtag`` needs, which never imports a wing at module level.
CORE_TOP = 4

#: The command line's package, one job a module, in layers of its own, bottom up: what every verb
#: shares, the --jobs pool, the verbs, and on top the dispatcher and the package's faces. A new
#: module of the package must be added here.
CLI = "dimtag.cli"
CLI_LAYERS: dict[str, int] = {
    # 0: how a run ends, signals, the two text streams, the argument tree
    "dimtag.cli.exits": 0,
    "dimtag.cli.signals": 0,
    "dimtag.cli.console": 0,
    "dimtag.cli.parser": 0,
    # 1: what a run reads and where it writes
    "dimtag.cli.inputs": 1,
    "dimtag.cli.output": 1,
    # 2: the --jobs pool
    "dimtag.cli.workers": 2,
    # 3: the verbs, which never import each other
    "dimtag.cli.tagging": 3,
    "dimtag.cli.reporting": 3,
    "dimtag.cli.labeling": 3,
    "dimtag.cli.learning": 3,
    "dimtag.cli.serving": 3,
    # 4: main(), which dispatches to the verbs through a table
    "dimtag.cli.running": 4,
    # 5: the faces: ``from dimtag.cli import main``, ``python -m dimtag.cli``
    "dimtag.cli": 5,
    "dimtag.cli.__main__": 5,
}
CLI_VERBS = 3
CLI_DISPATCHER = "dimtag.cli.running"


@dataclass(frozen=True)
class Import:
    """One import of a dimtag module by another."""

    source: str
    target: str
    names: tuple[str, ...]  # the names taken from the target (empty for ``import x``)
    lazy: bool  # inside a function: run on call, not at import
    line: int


#: Known violations, each with the rule it breaks and why it stays for now.
#: Keys are (importer, imported, rule); rules: "upward" (an import from a higher layer, allowed only
#: inside a function), "cycle" (an import that closes a cycle), "private" (a private name taken from
#: another module).
ALLOWED: dict[tuple[str, str, str], str] = {}


#: Imports that the layers allow but the modules' jobs do not, with the reason.
FORBIDDEN: dict[tuple[str, str], str] = {
    ("dimtag.cleaning", "dimtag.lexicon"): "cleaning reads text, not the domain's words: it takes them from the vocabulary",
    ("dimtag.reading", "dimtag.segmentation"): "the reader writes the outline the segmenter reads: the type lives below both",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _resolve(source: str, is_package: bool, level: int, target: str | None) -> str:
    """The absolute name of a (relative) import in module ``source``."""
    if level == 0:
        return target or ""
    base = source.split(".")
    base = base[: len(base) - level + (1 if is_package else 0)]
    return ".".join([*base, target] if target else base)


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[Import]:
    """The dimtag modules a module imports, with the names it takes from each."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    lazy_lines = {
        n.lineno
        for f in ast.walk(tree)
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
        for n in ast.walk(f)
        if isinstance(n, (ast.Import, ast.ImportFrom))
    }
    is_package = path.name == "__init__.py"
    for node in ast.walk(tree):
        lazy = node.lineno in lazy_lines if isinstance(node, (ast.Import, ast.ImportFrom)) else False
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield Import(name, alias.name, (), lazy, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node.level, node.module)
            if base.split(".")[0] != PACKAGE:
                continue
            taken: dict[str, list[str]] = {}
            for alias in node.names:
                # ``from . import cv`` imports the module dimtag.learn.cv; ``from .x import y`` takes y from x.
                sub = f"{base}.{alias.name}"
                target, names = (sub, []) if sub in known else (base, [alias.name])
                taken.setdefault(target, []).extend(names)
            for target, names in taken.items():
                yield Import(name, target, tuple(names), lazy, node.lineno)


def layer_of(name: str) -> int | None:
    parts = name.split(".")
    for n in range(len(parts), 0, -1):
        layer = LAYERS.get(".".join(parts[:n]))
        if layer is not None:
            return layer
    return None


@lru_cache(maxsize=1)  # the sources do not change during a run; each test reads the same graph
def graph() -> tuple[Import, ...]:
    found = modules()
    known = set(found)
    return tuple(i for name, path in found.items() for i in imports_of(name, path, known) if i.target != name)


def cycles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    succ: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        succ.setdefault(a, []).append(b)
        succ.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return found


def _upward(i: Import) -> bool:
    a, b = layer_of(i.source), layer_of(i.target)
    return a is not None and b is not None and b > a


def _private(i: Import) -> list[str]:
    return [n for n in i.names if n.startswith("_") and not n.startswith("__")]


def _allowed(i: Import, rule: str) -> bool:
    return (i.source, i.target, rule) in ALLOWED


def _edges(imports: list[Import], without_allowed_cycles: bool) -> set[tuple[str, str]]:
    return {(i.source, i.target) for i in imports if not (without_allowed_cycles and _allowed(i, "cycle"))}


def _in_cli(name: str) -> bool:
    return name == CLI or name.startswith(f"{CLI}.")


def _cli_imports(imports: list[Import]) -> list[Import]:
    """The imports of one module of the command line's package by another."""
    return [i for i in imports if _in_cli(i.source) and _in_cli(i.target)]


def _cli_upward(i: Import) -> bool:
    return CLI_LAYERS[i.target] > CLI_LAYERS[i.source]


def _verb_crossings(imports: list[Import], verbs: set[str]) -> list[Import]:
    """A verb module importing another verb module."""
    return [i for i in imports if i.source in verbs and i.target in verbs]


def _verb_modules() -> set[str]:
    """Where the verbs' commands live, as the dispatch table names them."""
    from dimtag.cli.running import COMMANDS

    return {command.__module__ for command in COMMANDS.values()}


# -- the tests -----------------------------------------------------------------


def test_every_module_has_a_layer() -> None:
    assert [m for m in modules() if layer_of(m) is None] == []


def test_no_module_imports_from_a_higher_layer() -> None:
    upward = [i for i in graph() if _upward(i) and not _allowed(i, "upward")]
    assert upward == [], "\n".join(
        f"{i.source} (layer {layer_of(i.source)}) imports {i.target} (layer {layer_of(i.target)}), line {i.line}"
        for i in upward
    )


def test_allowed_upward_imports_are_lazy() -> None:
    # An allowed upward import runs on call only, never when the module is imported.
    eager = [i for i in graph() if _upward(i) and _allowed(i, "upward") and not i.lazy]
    assert eager == []


def test_the_core_never_imports_a_wing_at_module_level() -> None:
    core = [i for i in graph() if (layer_of(i.source) or 0) <= CORE_TOP and not i.lazy]
    assert [i for i in core if (layer_of(i.target) or 0) > CORE_TOP] == []


def test_no_forbidden_imports() -> None:
    found = [(i.source, i.target) for i in graph() if (i.source, i.target) in FORBIDDEN]
    assert found == [], [FORBIDDEN[f] for f in found]


def test_no_import_cycles() -> None:
    assert cycles(_edges(graph(), without_allowed_cycles=True)) == []


def test_no_private_names_cross_modules() -> None:
    leaks = [(i.source, i.target, _private(i)) for i in graph() if _private(i) and not _allowed(i, "private")]
    assert leaks == []


def test_every_cli_module_has_a_cli_layer() -> None:
    assert sorted(m for m in modules() if _in_cli(m)) == sorted(CLI_LAYERS)


def test_the_cli_modules_import_each_other_in_no_cycle() -> None:
    # No allowance here: ALLOWED's cycles do not count for the command line.
    assert cycles({(i.source, i.target) for i in _cli_imports(graph())}) == []


def test_no_cli_module_imports_from_a_higher_cli_layer() -> None:
    upward = [f"{i.source} imports {i.target}, line {i.line}" for i in _cli_imports(graph()) if _cli_upward(i)]
    assert upward == []


def test_the_verbs_are_the_dispatch_table_s_and_never_import_each_other() -> None:
    verbs = _verb_modules()
    assert verbs == {m for m, layer in CLI_LAYERS.items() if layer == CLI_VERBS}
    crossings = [f"{i.source} imports {i.target}, line {i.line}" for i in _verb_crossings(graph(), verbs)]
    assert crossings == []
    # Only the dispatcher reaches a verb: a shared module that did would sit above it.
    assert sorted({i.source for i in graph() if i.target in verbs}) == [CLI_DISPATCHER]


def test_every_allowed_violation_is_still_needed() -> None:
    imports = graph()
    in_cycles = {m for component in cycles(_edges(imports, without_allowed_cycles=False)) for m in component}
    breaks = {
        "upward": lambda i: _upward(i),
        "private": lambda i: bool(_private(i)),
        "cycle": lambda i: i.source in in_cycles and i.target in in_cycles,
    }
    stale = [
        key
        for key in ALLOWED
        if not any(i.source == key[0] and i.target == key[1] and breaks[key[2]](i) for i in imports)
    ]
    assert stale == [], "these violations are gone: remove them from ALLOWED"


def test_the_checker_sees_what_it_must() -> None:
    # The reading of imports itself: relative levels, submodules taken by name, lazy imports, and an
    # upward import and a cycle are found in a small made-up graph.
    assert _resolve("dimtag.reporting.copying", False, 2, "vocabulary") == "dimtag.vocabulary"
    assert _resolve("dimtag.learn", True, 1, None) == "dimtag.learn"
    edges = {i.target for i in graph() if i.source == "dimtag.learn.curation"}
    assert "dimtag.learn.cv" in edges and "dimtag.tagger" in edges  # ``from . import cv``, ``from ..tagger import``
    fit = [i for i in graph() if i.source == "dimtag.tagger" and i.target == "dimtag.fitting"]
    assert fit and all(i.lazy for i in fit)  # ``from .fitting import fit_model`` inside Tagger.fit
    assert cycles({("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")}) == [["a", "b", "c"]]
    assert _upward(Import("dimtag.vocabulary", "dimtag.document", (), False, 1))
    # The command line's own rules see a verb importing a verb, lazily too, and an upward import.
    crossing = Import("dimtag.cli.tagging", "dimtag.cli.learning", ("cmd_train",), True, 1)
    shared = Import("dimtag.cli.tagging", "dimtag.cli.output", ("open_output",), False, 2)
    assert _verb_crossings([crossing, shared], {"dimtag.cli.tagging", "dimtag.cli.learning"}) == [crossing]
    assert _cli_upward(Import("dimtag.cli.output", "dimtag.cli.tagging", (), False, 1)) and not _cli_upward(shared)
    assert _cli_imports([crossing, Import("dimtag.cli.output", "dimtag.document", (), False, 1)]) == [crossing]


# -- the graph, printed ----------------------------------------------------------


def print_graph(out: TextIO = sys.stdout) -> None:
    """Print every module by layer with what it imports (``*`` lazy, ``!`` an allowed violation)."""
    imports = graph()
    by_source: dict[str, list[Import]] = {}
    for i in imports:
        by_source.setdefault(i.source, []).append(i)
    for layer in sorted(set(LAYERS.values())):
        print(f"layer {layer}", file=out)
        for name in sorted(m for m in modules() if layer_of(m) == layer):
            targets = []
            for i in sorted(by_source.get(name, []), key=lambda i: i.target):
                mark = "*" if i.lazy else ""
                mark += "!" if any(_allowed(i, rule) for rule in ("upward", "private", "cycle")) else ""
                short = i.target.removeprefix(f"{PACKAGE}.")
                targets.append(f"{short}({layer_of(i.target)}){mark}")
            print(f"  {name.removeprefix(f'{PACKAGE}.') or PACKAGE}: {', '.join(dict.fromkeys(targets)) or '-'}", file=out)
    upward = [i for i in imports if _upward(i)]
    print(f"upward imports: {len(upward)} ({', '.join(f'{i.source} -> {i.target}' for i in upward) or 'none'})", file=out)
    print(f"cycles without the allowed edges: {cycles(_edges(imports, True)) or 'none'}", file=out)
    print(f"cycles with them: {cycles(_edges(imports, False)) or 'none'}", file=out)
    inside = _cli_imports(imports)
    print(f"cli: verbs {', '.join(sorted(_verb_modules()))}; cycles among its modules: "
          f"{cycles({(i.source, i.target) for i in inside}) or 'none'}; "
          f"upward inside it: {[f'{i.source} -> {i.target}' for i in inside if _cli_upward(i)] or 'none'}", file=out)


if __name__ == "__main__":
    print_graph()
