"""The layer rule: which package of ldkit may import which, and no circle between modules or packages.

Every import counts, also one inside a function: a lazy import is still an arrow a reader must follow.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "ldkit"

# The one statement of the rule. Arrows point down: a package may import only the ones listed for it (and itself).
# "ldkit" is the package's own __init__/__main__ (the notebook API and `python -m ldkit`).
LOWER = {
    "core": set(),
    "records": {"core"},
    "ledger": {"records", "core"},
    "render": {"records", "core"},
    "model": {"ledger", "render", "records", "core"},
    "writers": {"model", "render", "records", "core"},
    "chat": {"model", "render", "records", "core"},
    "workbook": {"records", "core"},
    "digest": {"writers", "chat", "model", "render", "ledger", "records", "core"},
    "site": {"digest", "writers", "chat", "model", "render", "ledger", "records", "core"},
    "notebook": {"digest", "ledger", "workbook", "records", "core"},
    "team": {"site", "digest", "chat", "writers", "model", "ledger", "workbook", "records", "core"},
    "bot": {"team", "workbook", "ledger", "chat", "records", "core"},
    "cli": {"bot", "team", "notebook", "workbook", "site", "digest", "chat", "writers", "model", "render", "ledger",
            "records", "core"},
    "ldkit": {"notebook", "cli", "core"},
}
TOP_LEVEL_LIMIT = 6


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(ROOT.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The ldkit modules `name` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {target for target in found if target in known and target != name}


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (ROOT / parts[1]).is_dir()) else "ldkit"


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def circle(edges: dict[str, set[str]]) -> list[str] | None:
    """One circle in a directed graph, as the list of its nodes, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(edges):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_every_package_is_in_the_table():
    packages = {package_of(name) for name in modules()}
    assert packages == set(LOWER), "add the new package to LOWER with the packages it may import"


def test_imports_point_down_only():
    wrong = sorted(f"{source} -> {target}" for source, targets in graph().items() for target in targets
                   if package_of(target) != package_of(source)
                   and package_of(target) not in LOWER[package_of(source)])
    assert wrong == []


def test_no_circle_between_modules():
    assert circle(graph()) is None


def test_no_circle_between_packages():
    edges: dict[str, set[str]] = {}
    for source, targets in graph().items():
        for target in targets:
            if package_of(source) != package_of(target):
                edges.setdefault(package_of(source), set()).add(package_of(target))
    assert circle(edges) is None


def test_the_table_itself_has_no_circle():
    assert circle({package: set(lower) for package, lower in LOWER.items()}) is None


def test_few_modules_at_the_top():
    top = [path.name for path in ROOT.glob("*.py")]
    assert len(top) <= TOP_LEVEL_LIMIT, top


def test_the_checker_sees_a_lazy_upward_import_and_a_circle(tmp_path):
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from ldkit.cli.main import cli\n")
    assert imports_of("ldkit.core.m", source, {"ldkit.cli.main"}) == {"ldkit.cli.main"}
    assert circle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_every_error_is_one_of_the_family_in_core_errors():
    import inspect

    import ldkit.core.errors as errors

    outside = []
    for name, path in modules().items():
        if name == "ldkit.core.errors":
            continue
        for node in ast.parse(path.read_text()).body:  # module level: a stand-in inside a function is not ours
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_") and any(
                    getattr(base, "id", getattr(base, "attr", "")).endswith(("Error", "Exception"))
                    for base in node.bases):
                outside.append(f"{name}.{node.name}")
    assert outside == []  # private control-flow exceptions (_Expired) may stay where they are raised and caught
    family = [cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, Exception)]
    assert all(issubclass(cls, errors.LdkitError) for cls in family)


def test_every_package_ships():
    """pyproject.toml lists the packages by hand: a new one left out would be missing from the wheel."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    listed = set(tomllib.loads((ROOT.parent / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {module_name(path) for path in ROOT.rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
