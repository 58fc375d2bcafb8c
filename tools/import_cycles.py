"""Fail when any two of our modules import each other, directly or through a longer circle.

import-linter's contracts (pyproject.toml, `lint-imports`) check the layers between apps and the circles
between the siblings inside one package; a circle that runs through modules of several packages is
found here. Every import counts, also one inside a function (the usual way a circle is hidden), except
those made only for the type checker (`if TYPE_CHECKING:`), which load nothing at run time — the same
graph `lint-imports` reads, with the same root packages.

Run by `make lint`: `python tools/import_cycles.py`. Prints each circle as a path of imports, with the
line that makes each step, and exits 1 if there is one.
"""

import sys
import tomllib
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def root_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return list(config["root_packages"])


def strongly_connected(graph: grimp.ImportGraph) -> Iterator[list[str]]:
    """The groups of modules each of which reaches every other of its group (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, imported = work[-1]
            step = next(imported, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph.find_modules_directly_imported_by(step)))))
                elif step in on_stack:
                    low[module] = min(low[module], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    yield sorted(group)


def circle_through(graph: grimp.ImportGraph, group: list[str]) -> list[str]:
    """One circle inside `group`, from its first module back to it: the shortest way round."""
    first, members = group[0], set(group)
    paths = [
        graph.find_shortest_chain(importer=imported, imported=first) or ()
        for imported in graph.find_modules_directly_imported_by(first)
        if imported in members
    ]
    shortest = min((path for path in paths if path), key=len)
    return [first, *shortest]


def step_lines(graph: grimp.ImportGraph, importer: str, imported: str) -> str:
    details = graph.get_import_details(importer=importer, imported=imported)
    return ", ".join(f"l.{detail['line_number']}" for detail in details) or "?"


def main() -> int:
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(*root_packages(), cache_dir=None, exclude_type_checking_imports=True)
    circles = [circle_through(graph, group) for group in strongly_connected(graph)]
    for circle in circles:
        print(f"Import circle ({len(circle) - 1} modules):")
        for importer, imported in pairwise(circle):
            print(f"  {importer} -> {imported} ({step_lines(graph, importer, imported)})")
    if circles:
        print(f"{len(circles)} import circle(s) between our modules.")
        return 1
    print("No import circle between our modules.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
