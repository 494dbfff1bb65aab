"""`ldkit bot`: answer Learning Day in chat (Slack, Mattermost, Teams) with the same records as `ldkit log`.

One module per concern: `settings` (secrets from the environment), `words` (the `/learningday` words),
`answers` (saving through ldkit's own paths), `fields` (the plan and outcome forms), `dedupe` (a delivery saved
once), `slack`, `mattermost`, `teams` (each service's checks and messages), `app` (the ASGI routes), `server`
(uvicorn), `socket` (Slack Socket Mode), `manifest`, `dm` (reminders in direct messages), `gitsync` (`--commit`)
and `check` (what `ldkit doctor` says of the bot). Nothing here is imported by the rest of ldkit
except through the CLI, and nothing heavy is imported before it is needed.
"""
