"""Which workbook a person means on the command line: a path, or one of their workbooks of this week by its slug
(the file name, `maml-first-order`) or its title ("MAML, first-order") — the names `ldkit status` and `ldkit new`
print. A unique beginning of a slug is enough; anything else is an InputError listing the candidates.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ldkit.core.errors import InputError, LdkitError
from ldkit.core.text import slugify
from ldkit.core.workspace import Workspace
from ldkit.records.notebook import identity, read_notebook
from ldkit.records.scan import notebook_files


@dataclass(frozen=True)
class Candidate:
    path: Path
    slug: str
    title: str

    def line(self, root: Path) -> str:
        try:
            where = self.path.relative_to(root)
        except ValueError:
            where = self.path
        return f"{self.slug} ({self.title}) — {where}"


def week_candidates(workspace: Workspace, week: object, author: str) -> list[Candidate]:
    """The author's workbooks of `week`, with their slugs and titles."""
    found = []
    for path in notebook_files(workspace.week_folder(week) / author):
        try:
            title = str(identity(read_notebook(path), path).get("title") or path.stem)
        except LdkitError:
            title = path.stem  # a broken notebook is still named; logging to it says what is wrong
        found.append(Candidate(path, path.stem, title))
    return found


def looks_like_path(text: str) -> bool:
    return "/" in text or "\\" in text or text.lower().endswith(".ipynb")


def find_workbook(workspace: Workspace, text: str, week: object, author: str) -> Path:
    """A path as given (when it is a file or looks like a path), else the author's workbook of `week` whose slug or
    title is `text` (or whose slug begins with it, when only one does)."""
    given = Path(text)
    if given.is_file() or looks_like_path(text):
        return given
    candidates = week_candidates(workspace, week, author)
    wanted, folded = slugify(text), " ".join(text.split()).casefold()
    exact = [c for c in candidates if c.slug == text or (wanted and c.slug == wanted)
             or " ".join(c.title.split()).casefold() == folded]
    matches = exact or [c for c in candidates if wanted and c.slug.startswith(wanted)]
    if len(matches) == 1:
        return matches[0].path
    listed = "; ".join(c.line(workspace.root) for c in (matches or candidates))
    if matches:
        raise InputError(f"'{text}' names {len(matches)} of {author}'s workbooks of {week}: {listed}",
                         hint="give the whole slug, or the path")
    if not candidates:
        raise InputError(f"no workbook '{text}': {author} has no workbook in {week}",
                         hint="give the workbook's path, or start one with `ldkit new`")
    raise InputError(f"no workbook of {author} in {week} has the slug or title '{text}'; there are: {listed}",
                     hint="give a slug or title from that list (ldkit status shows them too), or the path")
