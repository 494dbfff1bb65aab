"""Commands that do not need nbformat, nbconvert, papermill or jsonschema must not import them (~1 s each)."""
import json
import subprocess
import sys

import pytest

HEAVY = ["nbformat", "nbconvert", "papermill", "jsonschema", "ipywidgets", "requests"]

PROBE = """
import sys, json
from ldkit.cli.main import cli
try:
    cli(sys.argv[1:], standalone_mode=False)
except SystemExit:
    pass
print("MODULES" + json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy})), file=sys.stderr)
"""


def loaded(args, cwd, env=None):
    code = PROBE.replace("{heavy}", repr(set(HEAVY)))
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, env=env)
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES")][-1]
    return json.loads(line[len("MODULES"):]), done


@pytest.mark.parametrize("args", [["--help"], ["new", "paper", "--title", "Fast"], ["status"], ["templates"],
                                  ["expenses"], ["expenses", "--format", "json"], ["bot", "--help"],
                                  ["bot", "manifest", "--socket"]])
def test_light_commands_import_nothing_heavy(ws, args):
    modules, done = loaded(args, ws.root)
    assert modules == [], done.stderr


def test_log_and_show_import_nothing_heavy(ws, new_workbook):
    path = new_workbook()
    for args in (["log", "plan", str(path), "--goal", "g"], ["show", str(path)]):
        modules, done = loaded(args, ws.root)
        assert modules == [], done.stderr


def test_search_export_and_an_unchanged_site_import_nothing_heavy(ws, new_workbook, run):
    path = new_workbook()
    run("log", "outcome", path, "--summary", "Some words to find.")
    run("site", "--quiet")  # renders once (in workers); the unchanged rebuild below renders nothing
    for args in (["search", "words"], ["export", "--sqlite", str(ws.root / "x.db")], ["site", "--quiet"],
                 ["stats"], ["digest", "--quiet"]):
        modules, done = loaded(args, ws.root)
        assert modules == [], (args, done.stderr)


COMMANDS_PROBE = """
import sys, json
from ldkit.cli.entry import main
sys.argv = ["ldkit", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print("MODULES" + json.dumps(sorted(m for m in sys.modules if m.startswith("ldkit.cli.cmd_"))), file=sys.stderr)
"""


@pytest.mark.parametrize(("args", "expected"), [
    (["search", "words"], ["ldkit.cli.cmd_search"]),
    (["status"], ["ldkit.cli.cmd_status"]),
    (["log", "--help"], ["ldkit.cli.cmd_log"]),
])
def test_a_command_imports_its_own_module_and_no_other_command(ws, new_workbook, args, expected):
    """The group is lazy (cli.base.LazyGroup): twenty command modules were ~20 ms of every command's start."""
    new_workbook()
    done = subprocess.run([sys.executable, "-c", COMMANDS_PROBE, *args], cwd=ws.root, capture_output=True, text=True)
    line = [x for x in done.stderr.splitlines() if x.startswith("MODULES")][-1]
    assert json.loads(line[len("MODULES"):]) == expected, done.stderr


def test_the_help_still_lists_every_command_and_a_typo_is_refused(ws):
    from ldkit.cli.main import COMMANDS

    done = subprocess.run([sys.executable, "-m", "ldkit", "--help"], cwd=ws.root, capture_output=True, text=True)
    assert done.returncode == 0
    listed = {line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines() if line.strip()}
    assert listed == set(COMMANDS)
    typo = subprocess.run([sys.executable, "-m", "ldkit", "serch", "x"], cwd=ws.root, capture_output=True, text=True)
    assert typo.returncode == 2 and "No such command 'serch'" in typo.stderr, typo.stderr
    import click

    if hasattr(click.exceptions, "NoSuchCommand"):  # click 8.4 on suggests, from every command, loaded or not
        assert "Did you mean 'search'?" in typo.stderr
