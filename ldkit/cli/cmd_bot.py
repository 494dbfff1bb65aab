"""`ldkit bot serve|socket|manifest`: answer Learning Day in Slack, Mattermost or Teams."""
from __future__ import annotations

import click

from ldkit.cli.base import LdkitGroup, say


@click.group(cls=LdkitGroup)
def bot() -> None:
    """Take plans and outcomes in chat: the /learningday command.

    \b
    Secrets come from the environment only: SLACK_SIGNING_SECRET,
    SLACK_BOT_TOKEN, SLACK_APP_TOKEN, MATTERMOST_TOKEN, TEAMS_HMAC_SECRET
    (and MATTERMOST_URL for the Mattermost form). Needs the `bot` extra:
    pip install 'ldkit[bot]'.
    """


def _need_bot_extra() -> None:
    try:
        import slack_sdk  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        from ldkit.core.errors import InputError

        raise InputError(f"ldkit bot needs the bot extra ({exc.name} is not installed)",
                         hint="pip install 'ldkit[bot]'") from None


@bot.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="H", help="The address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535), metavar="P",
              help="The port to listen on.")
@click.option("--commit", is_flag=True,
              help="Commit each saved answer in the workspace's git repository and push it.")
@click.option("--public-url", metavar="URL", default=None,
              help="The bot's public base URL (the Mattermost form posts back there). Default: as requested.")
def bot_serve(host: str, port: int, commit: bool, public_url: str | None) -> None:
    """Answer /learningday over HTTP: Slack, Mattermost and Teams.

    \b
    Routes: POST /slack/commands, /slack/interactions,
    /mattermost/commands, /mattermost/actions, /teams/messages;
    GET /healthz. Put it behind HTTPS (a reverse proxy).

    \b
    Example:
      SLACK_SIGNING_SECRET=… SLACK_BOT_TOKEN=xoxb-… ldkit bot serve --port 8080
    """
    from ldkit.core.workspace import find_workspace

    _need_bot_extra()
    from ldkit.bot.server import serve
    from ldkit.bot.settings import Secrets

    workspace = find_workspace()
    secrets = Secrets.from_environment()
    services = secrets.services()
    say(f"ldkit bot: {workspace.root} on http://{host}:{port} for "
        + (", ".join(services) if services else "no service (set SLACK_SIGNING_SECRET, MATTERMOST_TOKEN or "
                                                 "TEAMS_HMAC_SECRET)") + (" — committing answers" if commit else ""),
        err=True)
    serve(workspace.root, host, port, commit=commit, secrets=secrets, public_url=public_url)


@bot.command("socket")
@click.option("--commit", is_flag=True, help="Commit each saved answer and push it.")
def bot_socket(commit: bool) -> None:
    """Answer /learningday in Slack over Socket Mode: no public URL needed.

    \b
    Needs SLACK_APP_TOKEN (xapp-…, with connections:write) and SLACK_BOT_TOKEN.
    Example:
      SLACK_APP_TOKEN=xapp-… SLACK_BOT_TOKEN=xoxb-… ldkit bot socket
    """
    from ldkit.core.workspace import find_workspace

    _need_bot_extra()
    from ldkit.bot.socket import run_socket_mode

    workspace = find_workspace()
    run_socket_mode(workspace.root, commit=commit)


@bot.command("manifest")
@click.option("--url", metavar="URL", default=None, help="The bot's public base URL, e.g. https://bot.example.org.")
@click.option("--socket", "socket_mode", is_flag=True, help="A manifest for Socket Mode (no URL).")
def bot_manifest(url: str | None, socket_mode: bool) -> None:
    """Print the Slack app manifest (YAML): paste it at api.slack.com/apps → Create New App.

    \b
    Examples:
      ldkit bot manifest --url https://bot.example.org > manifest.yml
      ldkit bot manifest --socket
    """
    from ldkit.bot.manifest import manifest_yaml

    click.echo(manifest_yaml(url, socket_mode), nl=False)
