"""The bot's ASGI app (Starlette, served by uvicorn): one route per service endpoint, each checked, answered once.

Every POST goes the same way: refuse a body over 64 kB (413) or a bad signature (401) before anything is read
as data; claim the delivery (a retry gets the first answer back and saves nothing); do the work in a thread and
answer within the budget (2 s, inside Slack's 3 s); work that takes longer is answered with an acknowledgement
and its result is sent to the request's `response_url` when done.
"""
from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from ldkit.bot import mattermost, slack, teams
from ldkit.bot.answers import Answer, answer, form_context, member_of, not_on_roster, save_form
from ldkit.bot.dedupe import Deliveries, delivery_key
from ldkit.bot.settings import MAX_BODY, Secrets
from ldkit.bot.words import help_text, parse_words
from ldkit.core.errors import LdkitError
from ldkit.core.net import post_json
from ldkit.core.workspace import Workspace, find_workspace, long_running
from ldkit.records.schema import make_record, plan_data, validate_current

BUDGET = 2.0  # seconds a request may take before it is acknowledged and finished in the background
NOTHING = object()  # a handler's "answer with an empty 200"


class _TooLarge(Exception):
    """A body over the limit: answered 413 where it is caught."""


class Bot:
    """The bot for one workspace: its secrets, its deliveries, its worker threads and what to do after a save."""

    def __init__(self, root: Path, secrets: Secrets, *, clock: Any = None, budget: float = BUDGET,
                 on_saved: Callable[[Answer, str], None] | None = None, public_url: str | None = None,
                 workers: int = 4) -> None:
        long_running()  # a server: a large roster's read leaves the collector as it was (core.workspace)
        self.root = Path(root)
        self.secrets = secrets
        self.clock = clock
        self.budget = budget
        self.on_saved = on_saved
        self.public_url = public_url
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ldkit-bot")
        self.deliveries = Deliveries(self.workspace().cache / "bot" / "deliveries.sqlite")
        self._web: Any = None
        self._web_lock = threading.Lock()

    def workspace(self) -> Workspace:
        """Read afresh for every request, so a roster edited by `ldkit team add` counts at once."""
        return find_workspace(self.root)

    def web(self) -> Any:
        with self._web_lock:
            if self._web is None:
                self._web = slack.web_client(self.secrets.slack_bot_token, self.secrets.slack_api_url)
            return self._web

    def _saved(self, result: Answer, slug: str) -> None:
        if result.saved and self.on_saved is not None:
            self.on_saved(result, slug)

    # ------------------------------------------------------------ Slack

    def slack_command(self, fields: dict[str, str]) -> Any:
        ws = self.workspace()
        user = fields.get("user_id", "")
        member = member_of(ws, [user])
        if member is None:
            return slack.ephemeral(not_on_roster(user, slack.escape).text)
        words = parse_words(fields.get("text", ""))
        if words.verb == "form":
            return self._slack_open(ws, member, fields.get("trigger_id", ""), None) or NOTHING
        result = answer(ws, member, words, slack.escape)
        self._saved(result, member.slug)
        return slack.ephemeral(result.text)

    def _slack_open(self, ws: Workspace, member: Any, trigger: str, kind: str | None) -> dict[str, Any] | None:
        from slack_sdk.errors import SlackApiError, SlackClientError

        context = form_context(ws, member, kind)
        try:
            self.web().views_open(trigger_id=trigger, view=slack.modal(context))
        except (SlackApiError, SlackClientError, OSError) as exc:
            error = exc.response.get("error", "") if isinstance(exc, SlackApiError) else type(exc).__name__
            return slack.ephemeral(f"Could not open the form ({slack.escape(str(error))}); the words work too:\n"
                                   + help_text())
        return None

    def slack_interaction(self, fields: dict[str, str]) -> Any:
        try:
            payload = json.loads(fields.get("payload") or "{}")
        except ValueError:
            return NOTHING
        return self.slack_payload(payload) if isinstance(payload, dict) else NOTHING

    def slack_payload(self, payload: dict[str, Any]) -> Any:
        """An interaction (the form's submission, the reminder's button), over HTTP or Socket Mode."""
        ws = self.workspace()
        user = str((payload.get("user") or {}).get("id", ""))
        member = member_of(ws, [user])
        if payload.get("type") == "block_actions":
            for action in payload.get("actions") or []:
                if action.get("action_id") == slack.OPEN_ACTION and member is not None:
                    kind = action.get("value") if action.get("value") in ("plan", "outcome") else None
                    self._slack_open(ws, member, str(payload.get("trigger_id", "")), kind)
            return NOTHING
        if payload.get("type") != "view_submission" or (payload.get("view") or {}).get("callback_id") != slack.CALLBACK:
            return NOTHING
        user, form = slack.submitted(payload)
        if member is None:
            return {"response_action": "errors",
                    "errors": {"goal" if form.kind == "plan" else "summary": not_on_roster(user, str).text[:300]}}
        try:
            result = save_form(ws, member, form, slack.escape)
        except LdkitError as exc:
            context = form_context(ws, member, form.kind)
            return slack.form_errors(context, getattr(exc, "field", None), exc.one_line())
        self._saved(result, member.slug)
        self.pool.submit(self._slack_tell, user, result.text)
        return NOTHING

    def _slack_tell(self, user: str, text: str) -> None:
        try:
            self.web().chat_postMessage(channel=user, text=text)
        except Exception as exc:  # the save stands; only the confirmation is lost
            print(f"ldkit bot: could not confirm to {user} in Slack ({type(exc).__name__})", file=sys.stderr)

    # ------------------------------------------------------------ Mattermost

    def mattermost_command(self, fields: dict[str, str], base_url: str) -> Any:
        ws = self.workspace()
        user = fields.get("user_id", "")
        member = member_of(ws, [user, fields.get("user_name", "")])
        if member is None:
            return mattermost.ephemeral(not_on_roster(fields.get("user_name") or user, mattermost.escape).text)
        words = parse_words(fields.get("text", ""))
        if words.verb == "form":
            return self._mattermost_open(ws, member, fields, base_url)
        result = answer(ws, member, words, mattermost.escape)
        self._saved(result, member.slug)
        return mattermost.ephemeral(result.text)

    def _mattermost_open(self, ws: Workspace, member: Any, fields: dict[str, str], base_url: str) -> Any:
        if not self.secrets.mattermost_url:
            return mattermost.ephemeral("The form needs MATTERMOST_URL set where the bot runs; the words work too:\n"
                                        + help_text())
        context = form_context(ws, member)
        state = mattermost.signed_state(self.secrets.mattermost_token, context["kind"], context["week"],
                                        member.slug, fields.get("user_id", ""))
        body = {"trigger_id": fields.get("trigger_id", ""),
                "url": (self.public_url or base_url).rstrip("/") + "/mattermost/actions",
                "dialog": mattermost.dialog(context, state)}
        try:
            post_json(self.secrets.mattermost_url + "/api/v4/actions/dialogs/open", body, service="Mattermost")
        except LdkitError as exc:
            return mattermost.ephemeral(f"Could not open the form ({mattermost.escape(exc.one_line())}); "
                                        "the words work too:\n" + help_text())
        return NOTHING

    def mattermost_action(self, payload: dict[str, Any], state: dict[str, Any]) -> Any:
        if payload.get("cancelled"):
            return {}
        ws = self.workspace()
        member = next((m for m in ws.settings.team if m.slug == state.get("slug")), None)
        if member is None:
            return {"errors": {"goal": "you are no longer on the roster; nothing was saved"}}
        form = mattermost.submitted(payload, state)
        try:
            result = save_form(ws, member, form, mattermost.escape)
        except LdkitError as exc:
            return mattermost.form_errors(form_context(ws, member, form.kind), getattr(exc, "field", None),
                                          exc.one_line())
        self._saved(result, member.slug)
        return {}

    # ------------------------------------------------------------ Teams

    def teams_message(self, payload: dict[str, Any]) -> Any:
        ws = self.workspace()
        ids = teams.user_ids(payload)
        member = member_of(ws, ids)
        if member is None:
            return teams.reply(not_on_roster(next((i for i in ids if i), "?"), teams.escape).text)
        words = parse_words(teams.words_text(payload))
        if words.verb == "form":
            return teams.reply(help_text())
        result = answer(ws, member, words, teams.escape)
        self._saved(result, member.slug)
        return teams.reply(result.text)

    # ------------------------------------------------------------ one way for every request

    async def serve(self, request: Request, service: str, check: Callable[[bytes, Mapping[str, str]], Any],
                    handle: Callable[[Any], Any], late: Callable[[Any, Any], None] | None = None) -> Response:
        try:
            body = await read_limited(request)
        except _TooLarge:
            return PlainTextResponse("request body over 64 kB; nothing was read\n", status_code=413)
        headers = {k.lower(): v for k, v in request.headers.items()}
        parsed = check(body, headers)
        if parsed is None:
            return PlainTextResponse("not signed by the chat service (or too old); nothing was saved\n",
                                     status_code=401)
        key = delivery_key(service, body)
        loop = asyncio.get_running_loop()
        if not await loop.run_in_executor(None, self.deliveries.claim, key):
            earlier = await loop.run_in_executor(None, self.deliveries.answer_of, key)
            return _respond(json.loads(earlier) if earlier else {"response_type": "ephemeral", "type": "message",
                                                                 "text": "Already received; still saving."})
        future: Future = self.pool.submit(self._handle, handle, parsed, key)
        try:
            result = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), self.budget)
        except asyncio.TimeoutError:
            if late is not None:
                future.add_done_callback(lambda done: late(parsed, done.result()))
            return _respond({"response_type": "ephemeral", "type": "message",
                             "text": "Got it; saving. The answer follows in a moment."})
        return _respond(result)

    def _handle(self, handle: Callable[[Any], Any], parsed: Any, key: str) -> Any:
        try:
            result = handle(parsed)
        except Exception as exc:  # a bug must still answer, and never with a traceback
            print(f"ldkit bot: {type(exc).__name__}: {exc}", file=sys.stderr)
            result = {"response_type": "ephemeral", "type": "message",
                      "text": "Something went wrong on the bot; `/learningday status` shows what was saved."}
        stored = None if result is NOTHING else result
        self.deliveries.answered(key, json.dumps(stored))
        return result

    def close(self) -> None:
        self.pool.shutdown(wait=True)


def _respond(result: Any) -> Response:
    if result is NOTHING or result is None:
        return Response(status_code=200)
    return JSONResponse(result)


async def read_limited(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _reply_later(fields: dict[str, str], result: Any) -> None:
    """The answer of slow work, to the response_url Slack and Mattermost gave with the command."""
    url = fields.get("response_url", "")
    if result is NOTHING or not url.startswith(("https://", "http://")):
        return
    try:
        post_json(url, result, service="the chat service")
    except LdkitError as exc:
        print(f"ldkit bot: could not send a late answer: {exc.one_line()}", file=sys.stderr)


def create_app(bot: Bot) -> Starlette:
    s = bot.secrets

    def slack_check(body: bytes, headers: Mapping[str, str]) -> Any:
        return slack.form_body(body) if slack.verify(s.slack_signing_secret, body, headers, bot.clock) else None

    def mm_command_check(body: bytes, headers: Mapping[str, str]) -> Any:
        fields = slack.form_body(body)
        return fields if mattermost.verify(s.mattermost_token, headers, fields) else None

    def mm_action_check(body: bytes, headers: Mapping[str, str]) -> Any:
        try:
            payload = json.loads(body)
        except ValueError:
            return None
        if not isinstance(payload, dict):
            return None
        state = mattermost.check_state(s.mattermost_token, str(payload.get("state") or ""))
        if state is None or state.get("user") != payload.get("user_id"):
            return None
        return payload, state

    def teams_check(body: bytes, headers: Mapping[str, str]) -> Any:
        if not teams.verify(s.teams_hmac_secret, body, headers):
            return None
        try:
            payload = json.loads(body)
        except ValueError:
            return None
        return payload if isinstance(payload, dict) else None

    async def slack_commands(request: Request) -> Response:
        return await bot.serve(request, "slack", slack_check, bot.slack_command, _reply_later)

    async def slack_interactions(request: Request) -> Response:
        return await bot.serve(request, "slack", slack_check, bot.slack_interaction)

    async def mattermost_commands(request: Request) -> Response:
        base = str(request.base_url)
        return await bot.serve(request, "mattermost", mm_command_check,
                               lambda fields: bot.mattermost_command(fields, base), _reply_later)

    async def mattermost_actions(request: Request) -> Response:
        return await bot.serve(request, "mattermost", mm_action_check, lambda p: bot.mattermost_action(*p))

    async def teams_messages(request: Request) -> Response:
        return await bot.serve(request, "teams", teams_check, bot.teams_message)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"ok": True, "services": s.services()})

    routes: list[BaseRoute] = [
        Route("/slack/commands", slack_commands, methods=["POST"]),
        Route("/slack/interactions", slack_interactions, methods=["POST"]),
        Route("/mattermost/commands", mattermost_commands, methods=["POST"]),
        Route("/mattermost/actions", mattermost_actions, methods=["POST"]),
        Route("/teams/messages", teams_messages, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    prefix = service_prefix()
    if prefix:
        from starlette.routing import Mount

        routes = [Mount(prefix, routes=routes)]
    return Starlette(routes=routes, lifespan=_lifespan(bot))


def warm_up() -> None:
    """Pay the one-time costs (imports, compiling the record schema) before the first request, not in it: the
    first commands of a learning day arrive together."""
    import slack_sdk.signature  # noqa: F401
    import slack_sdk.web  # noqa: F401

    validate_current(make_record("plan", "00000000-0000-4000-8000-000000000000", "warm-up", plan_data("warm up")))


def service_prefix() -> str:
    """Under JupyterHub the proxy keeps the service's prefix (/services/NAME/) in the path: serve below it."""
    import os

    return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "").rstrip("/")


def _lifespan(bot: Bot) -> Any:
    import contextlib

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> Any:
        warm_up()
        yield
        bot.close()

    return lifespan
