"""Fast, raw reading of workbooks: identity and records straight from the JSON, without nbformat.

nbformat validates every file through jsonschema (~1 s to import); `status` and the digest read hundreds of
workbooks and need only `metadata.ldkit` and the record outputs.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ldkit.core.errors import ConflictError, NotebookError
from ldkit.records.check import NOTEBOOK_FIX, Found
from ldkit.records.schema import SchemaProblem, compile_schema

MIME = "application/vnd.ldkit.record+json"


def read_notebook(path: Path) -> dict[str, Any]:
    """The notebook's JSON, or a NotebookError naming the problem and the fix."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise NotebookError(f"no such notebook: {path}",
                            hint="check the path (ldkit status lists this week's)") from None
    except IsADirectoryError:
        raise NotebookError(f"{path} is a folder, not a notebook") from None
    except OSError as exc:
        raise NotebookError(f"cannot read {path}: {exc.strerror}") from None
    return parse_notebook(raw, path)


def parse_notebook(raw: bytes, path: Path) -> dict[str, Any]:
    if not raw.strip():
        raise NotebookError(f"{path} is empty, not a notebook", hint="restore it from git or its backup")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(f"{path} is not UTF-8 text (byte {exc.start}), so not a notebook") from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        if conflict_sides(text) is not None:
            raise ConflictError(conflict_message(path)) from None
        raise NotebookError(f"{path} is not a notebook: invalid JSON at line {exc.lineno}, column {exc.colno} "
                            f"({exc.msg})", hint="if it was cut short, restore it from git or its backup") from None
    if not isinstance(nb, dict):
        raise NotebookError(f"{path} is not a notebook: its JSON is a {type(nb).__name__}, not an object")
    major = nb.get("nbformat")
    if major != 4:
        if isinstance(major, int) and major < 4:
            raise NotebookError(f"{path} is nbformat {major}; ldkit reads nbformat 4",
                                hint=f"convert it: jupyter nbconvert --to notebook --nbformat 4 {path}")
        raise NotebookError(f"{path} is not a notebook: no nbformat 4 version field")
    if not isinstance(nb.get("cells"), list) or not isinstance(nb.get("metadata", {}), dict):
        raise NotebookError(f"{path} is not a notebook: 'cells' or 'metadata' has the wrong shape")
    return nb


_MARKERS = re.compile(r"^(<{7}|\|{7}|={7}|>{7})(?: |$)")


def conflict_message(path: Path) -> str:
    return (f"{path} has git conflict markers (from a merge); resolve it with `git checkout --theirs {path}` or "
            f"`git checkout --ours {path}`, or edit it, then commit")


def conflict_sides(text: str) -> tuple[str, str] | None:
    """(ours, theirs) of a text with git conflict markers (`<<<<<<<`, `|||||||` base, `=======`, `>>>>>>>`), each the
    whole file as that side has it; None when the text has no complete conflict."""
    ours: list[str] = []
    theirs: list[str] = []
    state = "both"
    seen = False
    for line in text.splitlines(keepends=True):
        marker = _MARKERS.match(line)
        kind = marker.group(1)[0] if marker else ""
        if kind == "<" and state == "both":
            state, seen = "ours", True
        elif kind == "|" and state == "ours":
            state = "base"
        elif kind == "=" and state in ("ours", "base"):
            state = "theirs"
        elif kind == ">" and state == "theirs":
            state = "both"
        elif state == "both":
            ours.append(line)
            theirs.append(line)
        elif state == "ours":
            ours.append(line)
        elif state == "theirs":
            theirs.append(line)
    return ("".join(ours), "".join(theirs)) if seen and state == "both" else None


IDENTITY_VERSION = 1
IDENTITY_SCHEMA = Path(__file__).with_name("identity.schema.json")
_identity_validator: Any = None


def identity(nb: dict[str, Any], path: Path) -> dict[str, Any]:
    """`metadata.ldkit` without its records, checked against identity.schema.json; a NotebookError otherwise."""
    global _identity_validator
    meta = nb.get("metadata", {}).get("ldkit")
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        raise NotebookError(f"{path} is not an ldkit workbook (it has no metadata.ldkit identity)",
                            hint="start a workbook with `ldkit new TEMPLATE`")
    if _identity_validator is None:
        _identity_validator = compile_schema(IDENTITY_SCHEMA)
    try:
        _identity_validator(meta)
    except SchemaProblem as exc:
        raise NotebookError(f"{path}: its identity (metadata.ldkit) is not valid: {exc}",
                            hint="restore the notebook's metadata from git, or start it again with `ldkit new`"
                            ) from None
    return upgrade_identity({k: v for k, v in meta.items() if k != "records"})


def copy_id(workbook_id: str, shown_path: str) -> str:
    """The id of a notebook copied by hand (it carries the id of the one it was copied from): one of its own, made
    from that id and its path (as the workspace shows it), the same wherever it is asked: the export's row, the
    chat form's choice. The first of the workbooks with an id keeps it."""
    import uuid

    return str(uuid.uuid5(uuid.UUID(int=0), f"{workbook_id}/{shown_path}"))


# version n -> the step that turns an identity of version n into n + 1 (none yet: v1 is the first)
IDENTITY_UPGRADES: dict[int, Any] = {}


def upgrade_identity(ident: dict[str, Any]) -> dict[str, Any]:
    """Old identities are upgraded in turn; a newer one is read as it is (its known fields mean what they did)."""
    version = ident.get("schema", IDENTITY_VERSION)
    while isinstance(version, int) and version < IDENTITY_VERSION and version in IDENTITY_UPGRADES:
        ident = IDENTITY_UPGRADES[version](ident)
        version = ident.get("schema", version + 1)
    return ident


def metadata_records(nb: dict[str, Any]) -> list[Any]:
    records = nb.get("metadata", {}).get("ldkit", {}).get("records", [])
    return records if isinstance(records, list) else []


def found_records(nb: dict[str, Any], path: Path) -> list[Found]:
    """Every record stored in the notebook, with where it sits (for a warning that names the place)."""
    name = Path(path).name
    found = [Found(value, f"{name}: metadata.ldkit.records[{n}]", NOTEBOOK_FIX)
             for n, value in enumerate(metadata_records(nb))]
    for number, cell in enumerate(nb.get("cells", []), start=1):
        for value in cell_records(cell):
            found.append(Found(value, f"{name}: the output of cell {number}",
                               "run that cell again, or clear its output"))
    return found


def cell_records(cell: Any) -> Iterator[Any]:
    if not isinstance(cell, dict) or cell.get("cell_type") != "code":
        return
    for output in cell.get("outputs") or []:
        data = output.get("data") if isinstance(output, dict) else None
        if isinstance(data, dict) and MIME in data:
            payload = data[MIME]
            if isinstance(payload, str):  # some writers store JSON MIME data as text
                try:
                    payload = json.loads(payload)
                except ValueError:
                    yield payload  # checked, and named, like any other bad record
                    continue
            if isinstance(payload, dict) and isinstance(payload.get("records"), list):
                yield from payload["records"]
            else:
                yield payload
