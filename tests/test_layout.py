"""The house's layout holds: no import cycle anywhere in casework/, the kernel imports
nothing of the domain, and only the composite pages know every module."""
import ast
from pathlib import Path

import casework

ROOT = Path(casework.__file__).parent
DOMAIN = ("auth", "admin", "reference", "cases", "meetings", "agreements", "reports")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in ROOT.rglob("*.py")}


def imports_of(name: str, path: Path, known: set) -> set:
    """Every casework module ``name`` imports, at its top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                start = ".".join(base + ([node.module] if node.module else []))
            else:
                start = node.module or ""
            targets = [f"{start}.{alias.name}" if f"{start}.{alias.name}" in known else start
                       for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("casework"):
                found.add(target)
    return found


def graph() -> dict[str, set]:
    found = modules()
    known = set(found)
    return {name: imports_of(name, path, known) for name, path in found.items()}


def cycles(edges: dict[str, set]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return result


def package_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_module_imports_one_that_imports_it_back():
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_domain_modules_depend_on_each_other_one_way_only():
    """cases and agreements, cases and meetings…: never both ways, even through others."""
    packages = {}
    for module, targets in graph().items():
        source = package_of(module)
        if source.split(".")[-1] in DOMAIN:
            packages.setdefault(source, set()).update(
                package_of(t) for t in targets
                if package_of(t).split(".")[-1] in DOMAIN and package_of(t) != source)
    assert cycles(packages) == []


def test_the_kernel_imports_nothing_of_the_domain():
    for module, targets in graph().items():
        if module.startswith("casework.core"):
            assert all(t.startswith("casework.core") for t in targets), (module, targets)


def test_only_the_app_factory_knows_the_composite_pages():
    for module, targets in graph().items():
        if "casework.casefile" in targets:
            assert module == "casework", module


def test_no_private_name_is_imported_across_modules():
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (
                    node.module or "").startswith("casework")):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, (name, node.module, private)
