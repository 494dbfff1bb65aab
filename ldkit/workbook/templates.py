"""The template catalog: the workspace's templates/ folder over the built-in ones, and their parameters."""
from __future__ import annotations

import ast
import difflib
import io
import json
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.core.errors import NotPlainAssignments, TemplateError  # noqa: F401 - re-exported
from ldkit.core.layout import builtin_templates_dir
from ldkit.records.parameters import RESERVED  # noqa: F401 - the one list, re-exported for templates' readers

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "builtin_templates"


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str
    help: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "type": self.type, "default": self.default, "help": self.help}


@dataclass
class Template:
    name: str
    path: Path
    source: str  # "workspace" or "built-in"
    description: str = ""
    display_name: str = ""
    category: str | None = None
    parameters: list[Parameter] = field(default_factory=list)
    problem: str | None = None
    notebook: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "display_name": self.display_name, "description": self.description,
                "category": self.category, "source": self.source, "path": str(self.path),
                "parameters": [p.as_dict() for p in self.parameters], "problem": self.problem}


def builtin_dir() -> Path:
    return builtin_templates_dir()  # the path rule is ldkit.core.layout's


def catalog(workspace_templates: Path | None = None) -> dict[str, Template]:
    """Every template by name; the workspace's copy of a name wins over the built-in one."""
    found: dict[str, Template] = {}
    for source, folder in (("built-in", builtin_dir()), ("workspace", workspace_templates)):
        if folder is None or not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.ipynb")):
            found[path.stem] = load_template(path, source)
    return dict(sorted(found.items()))


def get_template(name: str, workspace_templates: Path | None = None) -> Template:
    """The template called `name`, the workspace's copy first, as the catalog has it. Only its file is read (the
    whole catalog was most of a workbook's start: every template's parameters parsed); the catalog is read to
    refuse a name it does not have."""
    template = _named(name, workspace_templates)
    templates = catalog(workspace_templates) if template is None else {}
    template = template or templates.get(name)
    if template is None:
        close = difflib.get_close_matches(name, list(templates), n=1)
        hint = (f"did you mean '{close[0]}'? " if close else "") + "available: " + ", ".join(templates)
        raise TemplateError(f"unknown template '{name}'", hint=hint + " (ldkit templates lists them)")
    if template.problem:
        raise TemplateError(f"template '{name}' ({template.path}) cannot be used: {template.problem}")
    return template


def _named(name: str, workspace_templates: Path | None) -> Template | None:
    """The one template file of that name (the catalog's `path.stem`), or None: a name that is no plain file name
    (a path, a dot, a NUL) is never looked up, only refused by the catalog."""
    if not name or name.startswith(".") or "/" in name or "\\" in name or "\0" in name:
        return None
    for source, folder in (("workspace", workspace_templates), ("built-in", builtin_dir())):
        if folder is None:
            continue
        path = folder / f"{name}.ipynb"
        if path.is_file() and folder.is_dir():
            return load_template(path, source)
    return None


def load_template(path: Path, source: str) -> Template:
    """Read one template; a broken one is returned with `problem` set, so the catalog can report it by name."""
    template = Template(name=path.stem, path=path, source=source)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        template.problem = f"not a notebook ({type(exc).__name__}: {exc})"
        return template
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        template.problem = "not an nbformat 4 notebook"
        return template
    meta = nb.get("metadata", {}).get("ldkit_template", {})
    meta = meta if isinstance(meta, dict) else {}
    template.display_name = str(meta.get("name") or path.stem)
    template.description = str(meta.get("description") or "")
    template.category = meta.get("category") if isinstance(meta.get("category"), str) else None
    index = parameters_cell_index(nb)
    if index is None:
        template.problem = "it has no cell tagged 'parameters' (add the tag to the cell that sets the defaults)"
        return template
    try:
        template.parameters = read_parameters(cell_source(nb["cells"][index]))
    except SyntaxError as exc:
        template.problem = f"its parameters cell is not valid Python (line {exc.lineno}: {exc.msg})"
        return template
    except NotPlainAssignments as exc:
        template.problem = (f"its parameters cell must hold only plain assignments such as `topic = \"\"`; "
                            f"line {exc.line} is `{exc.text[:60]}`")
        return template
    template.notebook = nb
    return template


def cell_source(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def cell_tags(cell: dict[str, Any]) -> list[str]:
    tags = cell.get("metadata", {}).get("tags", [])
    return tags if isinstance(tags, list) else []


def parameters_cell_index(nb: dict[str, Any]) -> int | None:
    for index, cell in enumerate(nb.get("cells", [])):
        if isinstance(cell, dict) and cell.get("cell_type") == "code" and "parameters" in cell_tags(cell):
            return index
    return None




def read_parameters(source: str) -> list[Parameter]:
    """Names, types, defaults and trailing-comment help of the assignments, as papermill's inspection reads them."""
    tree = ast.parse(source)
    lines = source.splitlines()
    params: list[Parameter] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value, annotation = node.targets[0].id, node.value, None
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value, annotation = node.target.id, node.value, node.annotation
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring-like note
        else:
            line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
            raise NotPlainAssignments(node.lineno, line.strip())
        default = ast.get_source_segment(source, value) or ""
        if annotation is not None:
            kind = ast.get_source_segment(source, annotation) or "None"
        else:
            try:
                kind = type(ast.literal_eval(value)).__name__
            except ValueError:
                kind = "None"
        comment = _trailing_comment(lines[node.end_lineno - 1]) if node.end_lineno else ""
        params.append(Parameter(name=name, type=kind, default=default, help=comment))
    return params


def _trailing_comment(line: str) -> str:
    try:
        for token in tokenize.generate_tokens(io.StringIO(line).readline):
            if token.type == tokenize.COMMENT:
                return token.string.lstrip("#").strip()
    except (tokenize.TokenError, SyntaxError):
        pass
    return ""
