"""`ldkit digest`: the week's shareable page (and chat text)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ldkit.cli.base import say
from ldkit.cli.options import chat_choice, format_choice, team_option, week_option
from ldkit.cli.types import SCHEDULER
from ldkit.core.text import plural


@click.command()
@week_option
@click.option("--execute", is_flag=True,
              help="Run each workbook (papermill, its stored parameters) into the build folder first.")
@click.option("--timeout", type=click.FloatRange(min=1), default=600, show_default=True, metavar="S",
              help="With --execute: the longest one cell may run.")
@click.option("--notebook-timeout", type=click.FloatRange(min=1), default=3600, show_default=True, metavar="S",
              help="With --execute: the longest one whole notebook may run.")
@click.option("--scheduler", type=SCHEDULER, metavar="ADDRESS", default=None,
              help="With --execute: run on a Dask cluster (tcp://host:8786), or local:N for N workers here. "
                   "Default: the `scheduler` setting, else DASK_SCHEDULER_ADDRESS, else local processes.")
@click.option("--strict", is_flag=True, help="Exit 1 when a notebook failed to run or render.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for rendering. Default: the number of CPUs.")
@click.option("--rebuild", is_flag=True, help="Ignore every cache and render everything again.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=None, metavar="DIR",
              help="Write the digest here instead of digests/<week>/.")
@click.option("--format", "formats", type=format_choice(), multiple=True,
              help="Also write digest.md (chat-ready) or digest.json; index.html is always written. Repeatable.")
@click.option("--post", "webhook", metavar="WEBHOOK_URL", default=None,
              help="Post the week to a chat webhook (Slack, Mattermost or Teams; see --chat): once per week, whatever "
                   "--out says; the URL is never printed. For a company: each team's digest to its own webhook "
                   "and the company summary to WEBHOOK_URL; with --team, that team's digest only, to its own "
                   "webhook (WEBHOOK_URL is not used for it).")
@click.option("--repost", is_flag=True,
              help="With --post: post a week that was posted before (without it, a week already posted is noted "
                   "and nothing is sent; exit 0). With --team: that team's digest only.")
@click.option("--chat", "chat", type=chat_choice(), default=None,
              help="With --post: the service the webhook belongs to. Default: the workspace's `chat` setting.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@team_option
def digest(week: str | None, execute: bool, timeout: float, notebook_timeout: float, scheduler: str | None,
           strict: bool,
           jobs: int | None, rebuild: bool, out: Path | None, formats: tuple[str, ...], webhook: str | None,
           repost: bool, chat: str | None, quiet: bool, team: str | None) -> None:
    """Build the week's digest: one self-contained, script-free HTML page.

    \b
    It shows the week's numbers, a card per person (plan beside outcome,
    results), who planned but has no outcome yet, who has no workbook,
    the self-study expenses, and every notebook (collapsed). Private plans
    and outcomes are left out. Unreadable files are named, not fatal.
    Renders are cached by content: an unchanged notebook is not rendered again.

    \b
    With --execute each workbook runs first (papermill, its stored
    parameters, the python3 kernel unless the workspace names another) in
    worker processes, inside the digest's build folder: the source file is
    never modified. A notebook that fails is shown up to the failure and
    flagged on its card with the cell as JupyterLab numbers it; the others
    are unaffected. Each run sees a private copy of its workbook's folder
    (data files, images), so relative paths work as in JupyterLab. Successful
    runs are cached by their code, parameters, kernel and folder's files; a
    failed one runs again next time, so --retry-failed is never needed.

    \b
    Examples:
      ldkit digest                         # this week -> digests/<week>/index.html
      ldkit digest --week last --format md # plus digest.md to paste in chat
      ldkit digest --execute --jobs 2 --timeout 120 --strict
      ldkit digest --execute --scheduler tcp://dask.example.org:8786
      ldkit digest --week last --post "$SLACK_WEBHOOK"

    \b
    For a company ([teams] in ldkit.toml) each team gets its own digest in
    digests/<week>/<team>/ and digests/<week>/index.html shows every team
    side by side; --post sends each team's digest to the webhook in the
    variable its webhook_env names (in the team's chat format), and the
    company summary to WEBHOOK_URL. Every post is tried and said, one line
    each (posted, failed and why, may have been posted); exit 1 if one
    failed, 2 if one needs fixing first (a variable that is not a webhook
    URL, a post that may have arrived: check the channel).
    --team SLUG builds one team's digest only; with --post it goes to that
    team's own webhook, never to WEBHOOK_URL (the company summary's, which
    only a run of every team posts), and --repost reposts that team only.
      ldkit digest --week held --post "$LEARNING_DAY_WEBHOOK"
      ldkit digest --team robotics --format md
      ldkit digest --week held --team vision --post "$LEARNING_DAY_WEBHOOK" --repost
    """
    from ldkit.core.fastimport import skip_slow_optional_imports

    skip_slow_optional_imports()
    from ldkit.cli.base import progress_enabled, reading_workspace, recording
    from ldkit.core.errors import InputError

    if repost and not webhook:
        raise InputError("--repost goes with --post WEBHOOK_URL")
    if webhook:
        from ldkit.chat.poster import check_webhook

        check_webhook(webhook)
    if scheduler and not execute:
        raise InputError("--scheduler goes with --execute", hint="ldkit digest --execute --scheduler local:2")
    workspace = reading_workspace(team)
    the_week = workspace.read_week(week)
    if team and out is None:
        out = workspace.digest_folder(the_week) / team
    if team and webhook:
        _team_webhook(workspace, team)  # refused before the build, not after it
    unchanged = None
    if not (execute or webhook):  # the same inputs would make the same files: say what they said
        from ldkit.digest.unchanged import Unchanged

        unchanged = Unchanged(workspace, the_week, out if out is not None else workspace.digest_folder(the_week),
                              tuple(formats), team, strict)
        said = None if rebuild else unchanged.said()  # --rebuild builds, and what it made stands for the next run
        if said is not None:
            for err, line in said.lines:
                say(line, err=err)
            if said.exit_code:
                click.get_current_context().exit(said.exit_code)
            return
    if execute and not scheduler:
        from ldkit.digest.scheduler import default_scheduler

        scheduler = default_scheduler(workspace.settings.scheduler)
    options: dict[str, Any] = dict(jobs=jobs, rebuild=rebuild, show_progress=progress_enabled() and not quiet,
                                   execute=execute, timeout=timeout, notebook_timeout=notebook_timeout,
                                   scheduler=scheduler)
    with recording() as heard:
        if workspace.settings.teams and not team:
            built = _company(workspace, the_week, out, tuple(formats), webhook, chat, repost, strict, **options)
        else:
            built = _one(workspace, the_week, out, tuple(formats), webhook, chat, repost, strict, team, **options)
    if unchanged is not None:
        from ldkit.digest.unchanged import Said

        unchanged.keep(Said(heard, built.exit_code), built.written, built.referenced)
    if built.exit_code:
        click.get_current_context().exit(built.exit_code)


@dataclass
class _Built:
    """What a digest command wrote and read beyond workbooks/, and how it exits (ldkit.digest.unchanged)."""

    exit_code: int
    written: list[Path] = field(default_factory=list)
    referenced: list[str] = field(default_factory=list)


def _one(workspace: Any, the_week: Any, out: Path | None, formats: tuple[str, ...], webhook: str | None,
         chat: str | None, repost: bool, strict: bool, team: str | None, **options: Any) -> _Built:
    """One digest: the workspace's, or one team's with --team; with a webhook, its post."""
    from ldkit.cli.base import warn
    from ldkit.digest.build import build_digest, summary_line

    result = build_digest(workspace, the_week, out=out, formats=formats or ("html",), **options)
    for problem in result.model.problems:
        warn(f"{problem['path']}: {problem['error']} (named in the digest; the rest was built)")
    for message in result.warnings:
        warn(message)
    if result.render_errors:
        warn(f"{plural(result.render_errors, 'notebook')} could not be rendered; their cards say why")
    for kind in ("md", "json"):
        if kind in result.files:
            say(f"wrote {result.files[kind]}")
    say(summary_line(result, workspace))
    if options.get("execute"):
        for _, wb in result.model.workbooks():
            if wb.failure:
                warn(f"{wb.path}: {wb.failure.message}")
        say(f"{result.executed} ran, {result.failed} failed, {result.not_run} not run")
    if webhook and team:
        _post_team(workspace, the_week, team, result, webhook, chat, repost)
    elif webhook:
        from ldkit.digest.post import post_digest

        say(post_digest(workspace, the_week, result, webhook, chat, what=f"the digest of {the_week}",
                        posted=f"posted {the_week} to the chat webhook", repost=repost))
    return _Built(1 if strict and (result.failed or result.render_errors) else 0, list(result.files.values()),
                  result.referenced)


def _company(workspace: Any, week: Any, out: Path | None, formats: tuple[str, ...], webhook: str | None,
             chat: str | None, repost: bool, strict: bool, **options: Any) -> _Built:
    """Every team's digest and the company page; with a webhook, each team's post and the company summary."""
    from ldkit.cli.base import warn
    from ldkit.core.layout import relative
    from ldkit.digest.company import build_company_digest, post_company

    result = build_company_digest(workspace, week, out=out, formats=formats or ("html",), **options)
    for message in result.warnings:
        warn(message)
    for slug, done in [(team.slug, done) for team, _, done in result.teams] + [("no team", result.no_team)]:
        for problem in done.model.problems if done is not None else ():
            warn(f"{problem['path']}: {problem['error']} (named in {slug}'s digest; the rest was built)")
    say(f"{result.model.sentence()} → {relative(result.files['html'], workspace.root)}")
    for t in result.model.teams:
        say(f"  {t.slug:<16} {t.people} of {t.members} took part, {t.hours:g} h → "
            f"{relative(result.folder / t.link, workspace.root)}")
    if webhook:
        from ldkit.chat.poster import failures

        outcomes = post_company(workspace, week, result, webhook, chat, repost)
        for outcome in outcomes:  # one line each: posted, already posted, not posted (why), failed, maybe
            say(outcome.line, err=outcome.to_stderr)
        failed = failures(outcomes)
        if failed is not None:
            raise failed
    return _Built(1 if strict and any(d.failed or d.render_errors for d in result.digests) else 0,
                  [*result.files.values(), *(f for d in result.digests for f in d.files.values())],
                  sorted({name for d in result.digests for name in d.referenced}))


def _team_webhook(workspace: Any, team: str) -> str:
    """The webhook of `--team SLUG` (its `webhook_env` variable), or a refusal saying how to give it one."""
    from ldkit.digest.company import own_webhook

    return own_webhook(workspace.team_info(team), f"--team {team} --post", "digest")


def _post_team(workspace: Any, week: Any, team: str, result: Any, webhook: str, chat: str | None,
               repost: bool) -> None:
    """`--team SLUG --post`: the team's digest to its own webhook, in its chat format, as a company run posts it
    (the same marker: a later company run says "already posted"); WEBHOOK_URL is the company summary's."""
    from ldkit.digest.company import post_team_digest

    info = workspace.team_info(team)
    if webhook != _team_webhook(workspace, team):
        say(f"ldkit: note: --team {team} posts to the team's own webhook (${info.webhook_env}), not to the URL "
            "given (that one is for the company summary, which only a run of every team posts)")
    outcome = post_team_digest(workspace, week, info, result, chat, repost)
    if outcome.error is not None:
        raise outcome.error
    say(outcome.line)
