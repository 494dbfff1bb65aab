"""A company's digest of a week: each team's own digest (digests/<week>/<team>/) and the company page
(digests/<week>/index.html) with every team side by side; posting sends each team's message to its own webhook
(the environment variable its `webhook_env` names) and the company summary to the workspace's webhook.

Each team's digest is an ordinary digest of the workspace as that team sees it (`Workspace.for_team`): the same
rules (who is on the team, private, totals) and the same caches, so a notebook is rendered once for all pages.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ldkit.core.files import make_folder
from ldkit.core.layout import DIGEST_PAGE, relative
from ldkit.core.weeks import Week
from ldkit.core.workspace import NO_TEAM, WITHOUT_TEAM, Workspace
from ldkit.digest.build import DigestResult, build_digest, output_folder
from ldkit.model.company import CompanyWeek, company_week


@dataclass
class CompanyResult:
    folder: Path
    files: dict[str, Path]
    model: CompanyWeek
    teams: list[tuple[Any, Workspace, DigestResult]] = field(default_factory=list)  # (Team, its view, its digest)
    no_team: DigestResult | None = None  # the digest of those no team names (digests/<week>/_no-team/)

    @property
    def digests(self) -> list[DigestResult]:
        return [r for _, _, r in self.teams] + ([self.no_team] if self.no_team is not None else [])

    @property
    def notebooks(self) -> int:
        return sum(r.notebooks for r in self.digests)

    @property
    def warnings(self) -> list[str]:
        return [w for r in self.digests for w in r.warnings]


def build_company_digest(workspace: Workspace, week: Week, *, out: Path | None = None,
                         formats: tuple[str, ...] = ("html",), **options: Any) -> CompanyResult:
    """Every team's digest, then the company page; `options` are build_digest's."""
    from ldkit.render.fragment import RenderPool

    folder = output_folder(workspace, week, out)
    make_folder(folder)
    done = []
    pool = RenderPool(options.get("jobs") or os.cpu_count() or 1)  # one set of render workers for every team
    try:
        for team in workspace.settings.teams:
            view = workspace.for_team(team.slug)
            done.append((team, view, build_digest(view, week, out=folder / team.slug, formats=formats, pool=pool,
                                                  **options)))
        others = _without_team(workspace, week)
        # a page of their own, so nobody's day goes unseen (and the company's totals are everyone's)
        no_team = None if others is None else build_digest(others, week, out=folder / NO_TEAM, formats=formats,
                                                            pool=pool, **options)
    finally:
        pool.close()
    rows = [(t.slug, t.title, r.model, f"{t.slug}/{DIGEST_PAGE}") for t, _, r in done]
    if no_team is not None:
        rows.append((NO_TEAM, WITHOUT_TEAM, no_team.model, f"{NO_TEAM}/{DIGEST_PAGE}"))
    model = company_week(rows)
    from ldkit.writers.company import write

    files = write(model, folder, formats, workspace.cache / "digest" / "templates",
                  link=workspace.week_url(week))
    return CompanyResult(folder=folder, files=files, model=model, teams=done, no_team=no_team)


def _without_team(workspace: Workspace, week: Week) -> Workspace | None:
    """The company's members no team names, and the authors of the week the roster does not know, as one view
    (None when there are none): they count in the company's totals like everyone else."""
    from dataclasses import replace

    from ldkit.core.roster import Member

    folder = workspace.week_folder(week)
    authors = {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")} \
        if folder.is_dir() else set()
    view = workspace.without_team()
    unknown = authors - {m.slug for m in workspace.settings.team}
    if not view.settings.team and not unknown:
        return None
    roster = tuple(sorted((*view.settings.team, *(Member(a) for a in unknown))))
    return replace(view, settings=replace(view.settings, team=roster), members=frozenset(m.slug for m in roster))


def team_webhook(team: Any) -> str | None:
    """The team's webhook from the environment variable its `webhook_env` names (None when unset or empty)."""
    return (os.environ.get(team.webhook_env) or "").strip() or None if team.webhook_env else None


def post_company(workspace: Workspace, week: Week, result: CompanyResult, url: str, chat: str | None,
                 repost: bool = False) -> tuple[list[str], list[str], list[Any]]:
    """Each team's digest to its own webhook, the company summary to `url`: once per team, week and kind.

    Returns (what was done, warnings, errors). A team whose variable is unset is named and skipped; a failure of
    one team's post does not stop the others (the caller raises the first error once every team had its turn)."""
    from ldkit.chat import service
    from ldkit.chat.poster import AlreadyPosted, post_once
    from ldkit.core.errors import LdkitError
    from ldkit.digest.post import already_posted, post_digest

    said: list[str] = []
    warnings: list[str] = []
    failed: list[LdkitError] = []
    for team, view, done in result.teams:
        hook = team_webhook(team)
        if hook is None:
            warnings.append(f"team {team.slug}: not posted, "
                            + (f"${team.webhook_env} is not set" if team.webhook_env else "it has no webhook_env"))
            continue
        try:
            said.append(post_digest(view, week, done, hook, team.chat or chat, what=f"the digest of {week} for "
                                    f"{team.slug}", posted=f"posted {week} of {team.slug} to ${team.webhook_env}",
                                    repost=repost))
        except LdkitError as exc:
            failed.append(exc)
    from ldkit.writers.company import markdown

    text = markdown(result.model, workspace.week_url(week) or relative(result.files["html"], workspace.root))
    payload = service(chat or workspace.settings.chat).reminder_payload(text, [])
    try:
        post_once(workspace, str(week), "digest", payload, url, what=f"the company digest of {week}", repost=repost)
    except AlreadyPosted as exc:
        said.append(already_posted(exc))
    except LdkitError as exc:
        failed.append(exc)
    else:
        said.append(f"posted the company summary of {week} to the chat webhook")
    return said, warnings, failed
