"""Documentation that tests itself (as datasette does): every command and every long option is in the README."""
from pathlib import Path

import click

from ldkit.cli.main import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "ldkit"):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # as --help lists them: a lazy group imports each one here
        command = group.get_command(ctx, name)
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix} {name}")


def test_every_command_and_option_is_in_the_readme():
    missing = []
    for name, command in commands(cli):
        if f"`{name}" not in README and f"{name} " not in README:
            missing.append(name)
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in ("--help",) and opt not in README:
                    missing.append(f"{name} {opt}")
    assert missing == [], "not in the README: " + ", ".join(missing)
