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
from typing import TYPE_CHECKING, Any

from ldkit.core.files import make_folder
from ldkit.core.layout import DIGEST_PAGE, relative
from ldkit.core.weeks import Week
from ldkit.core.workspace import NO_TEAM, WITHOUT_TEAM, Workspace
from ldkit.digest.build import DigestResult, build_digest, output_folder
from ldkit.model.company import CompanyWeek, company_week

if TYPE_CHECKING:
    from ldkit.chat.poster import Outcome


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
    pool = RenderPool.take(options.get("jobs") or os.cpu_count() or 1)  # one set of render workers for every team
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


def own_webhook(team: Any, asked: str, what: str) -> str:
    """The webhook of one team's `what` (its digest, its plan reminder), checked, or a refusal saying how to give it
    one: a message for one team goes to its own webhook, never to the URL given (`asked`: how the command line
    asked, e.g. "--team vision --post"). The one rule for `digest --team` and `remind --team`."""
    from ldkit.chat.poster import check_webhook
    from ldkit.core.errors import InputError

    hook = team_webhook(team)
    if hook is None:
        why = f"${team.webhook_env} is not set" if team.webhook_env else "it has no webhook_env"
        raise InputError(f"{asked}: the {what} of team {team.slug} goes to its own webhook, and {why}; "
                         "nothing was sent",
                         hint=f"set {team.webhook_env} to its webhook URL (a CI secret)" if team.webhook_env else
                         f"ldkit team add-team {team.slug} --webhook-env {team.slug.upper().replace('-', '_')}_WEBHOOK")
    check_webhook(hook, f"${team.webhook_env} (team {team.slug})")
    return hook


def webhook_of(team: Any) -> str:
    """How messages and retry notices name a team's webhook: by its variable, never the URL (a secret)."""
    return f"the webhook of team {team.slug} (${team.webhook_env})"


def post_team_digest(view: Workspace, week: Week, team: Any, done: DigestResult, chat: str | None,
                     repost: bool = False) -> Outcome:
    """One team's digest to its own webhook (the variable its `webhook_env` names) in its chat format (its
    `chat`, else `chat`), once per team and week: the one rule for `digest` of every team and `digest --team`.

    Returns what became of it, never raises for the post: a team without a webhook is `skipped`, a failure (a
    value that is not a URL, an unreachable server, a post that may have arrived) is the Outcome's error."""
    from ldkit.chat.poster import Outcome, attempt
    from ldkit.digest.post import post_digest

    hook = team_webhook(team)
    if hook is None:
        why = f"${team.webhook_env} is not set" if team.webhook_env else "it has no webhook_env"
        return Outcome(f"ldkit: warning: team {team.slug}: not posted, {why}", label=team.slug, skipped=True)
    variable = f"${team.webhook_env}"
    return attempt(team.slug, lambda: post_digest(
        view, week, done, hook, team.chat or chat, what=f"the digest of {week} for team {team.slug}",
        posted=f"posted the digest of {week} for team {team.slug} to {variable}", repost=repost,
        service=webhook_of(team), source=f"{variable} (team {team.slug})", again=f"--team {team.slug} --repost"))


def post_company(workspace: Workspace, week: Week, result: CompanyResult, url: str, chat: str | None,
                 repost: bool = False) -> list[Outcome]:
    """Each team's digest to its own webhook, then the company summary to `url`: once per team, week and kind.

    Every post is tried, whatever became of the others; returns what became of each, in that order (a team
    whose variable is unset is named and skipped). The caller says each and fails if one failed
    (ldkit.chat.poster.failures)."""
    from ldkit.chat.poster import attempt

    outcomes = [post_team_digest(view, week, team, done, chat, repost) for team, view, done in result.teams]
    return [*outcomes, attempt("the company summary", lambda: _post_summary(workspace, week, result, url, chat,
                                                                             repost))]


def _post_summary(workspace: Workspace, week: Week, result: CompanyResult, url: str, chat: str | None,
                  repost: bool) -> str:
    """The company summary to `url`, in the service's own format (team names escaped like all user text)."""
    from ldkit.chat import service
    from ldkit.chat.poster import AlreadyPosted, post_once
    from ldkit.digest.post import already_posted
    from ldkit.writers.company import markdown

    chat_service = service(chat or workspace.settings.chat)
    link = workspace.week_url(week) or relative(result.files["html"], workspace.root)
    make = getattr(chat_service, "company_payload", None)  # a service registered elsewhere may not have one
    payload = make(result.model, link) if make else chat_service.reminder_payload(markdown(result.model, link), [])
    again = "--repost, which posts every team's digest again too"
    try:
        post_once(workspace, str(week), "digest", payload, url, what=f"the company summary of {week}",
                  service="the company webhook (--post)", repost=repost, again=again)
    except AlreadyPosted as exc:
        return already_posted(exc, again)
    return f"posted the company summary of {week} to the company webhook (--post)"
