"""Carry-over and tracks (workbook/carry): last week's next steps reach this week's plan, and --track / --continue
tie the weeks of one course together."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ldkit.notebook.forms import PlanForm
from tests.conftest import snapshot
from tests.test_forms import open_form


def identity(path) -> dict:
    return json.loads(Path(path).read_text())["metadata"]["ldkit"]


@pytest.fixture
def last_week(run, new_workbook):
    path = new_workbook("tutorial", "RL course, week 1", "--week", "2026-W48", "--track", "RL course")
    run("log", "outcome", path, "--summary", "Bandits and MDPs.", "--next", "Continue with PPO next week")
    return path


def test_last_weeks_next_steps_are_offered_as_this_weeks_goal(ws, run, new_workbook, last_week):
    path = new_workbook("blank", "Something new", "--week", "2026-W49")
    carry = identity(path)["carry_over"]
    assert carry == {"from": identity(last_week)["id"], "week": "2026-W48",
                     "next_steps": "Continue with PPO next week"}
    assert "track" not in identity(path)  # carrying the next steps is not joining the track
    form = open_form(PlanForm, path)
    assert form.fields["Goal"].value == "Continue with PPO next week"
    assert "Last time (2026-W48)" in form.message.value
    run("log", "plan", path, "--goal", "Something else after all")
    assert open_form(PlanForm, path).fields["Goal"].value == "Something else after all"  # a saved plan wins


def test_track_and_continue_tie_the_weeks(ws, run, new_workbook, last_week):
    assert identity(last_week)["track"] == {"slug": "rl-course", "name": "RL course"}
    week2 = new_workbook("tutorial", "RL course, week 2", "--week", "2026-W49", "--continue", last_week)
    assert identity(week2)["track"] == {"slug": "rl-course", "name": "RL course"}
    assert identity(week2)["continues"] == identity(last_week)["id"]
    assert identity(week2)["carry_over"]["next_steps"] == "Continue with PPO next week"
    # a workbook that had no track starts one named after it
    solo = new_workbook("blank", "Rust lifetimes", "--week", "2026-W47")
    on = new_workbook("blank", "Rust lifetimes again", "--week", "2026-W48", "--continue", solo)
    assert identity(on)["track"] == {"slug": "rust-lifetimes", "name": "Rust lifetimes"}


def test_a_private_workbook_hands_nothing_on(ws, run, new_workbook):
    secret = new_workbook("blank", "Secret", "--week", "2026-W48")
    run("log", "outcome", secret, "--summary", "s", "--next", "secret next step", "--private")
    assert "carry_over" not in identity(new_workbook("blank", "After", "--week", "2026-W49"))


def test_continuing_a_private_workbook_is_refused_and_its_title_reaches_no_page(ws, run, new_workbook):
    secret = new_workbook("blank", "Eve ZEBRA-PRIVATE-4417", "--week", "2026-W48")
    run("log", "outcome", secret, "--summary", "s", "--next", "n", "--private")
    before = snapshot(ws.root)
    result = run("new", "blank", "--title", "Open week", "--week", "2026-W49", "--continue", secret, code=2)
    assert "that workbook is private, and a private workbook hands nothing on" in result.stderr
    assert "--continue … --track NAME" in result.stderr and "ZEBRA" not in result.stderr
    assert snapshot(ws.root) == before
    on = new_workbook("blank", "Open week", "--week", "2026-W49", "--continue", secret, "--track", "My own name")
    assert identity(on)["track"] == {"slug": "my-own-name", "name": "My own name"}
    assert identity(on)["continues"] == identity(secret)["id"] and "carry_over" not in identity(on)
    run("site")
    for page in (ws.root / "site").rglob("*"):
        if page.is_file():
            assert b"ZEBRA" not in page.read_bytes(), page


@pytest.mark.parametrize("args, message", [
    (["--track", "RL course", "--continue", "{last}"], "--track and --continue do not go together"),
    (["--continue", "{last}", "--week", "2026-W48"], "it is not from an earlier week than 2026-W48"),
    (["--continue", "{last}", "--author", "bob"], "that is alice's workbook, not bob's"),
    (["--continue", "nowhere.ipynb"], "does not exist"),
    (["--track", "   "], "--track needs a name"),
])
def test_bad_continuations_are_refused_and_nothing_is_written(ws, run, last_week, args, message):
    before = snapshot(ws.root)
    result = run("new", "blank", "--title", "x", "--week", "2026-W49",
                 *[a.replace("{last}", str(last_week)) for a in args], code=2)
    assert message in result.stderr
    assert snapshot(ws.root) == before


def test_the_plan_card_says_last_time(ws, run, new_workbook, last_week):
    from ldkit.notebook.cards import record_card

    path = new_workbook("blank", "Week two", "--week", "2026-W49")
    form = open_form(PlanForm, path)
    assert "**Last time (2026-W48):** Continue with PPO next week" in form.bundle()["text/markdown"]  # before saving
    card = record_card(form.save(), identity(path)["carry_over"])
    assert "- **Last time (2026-W48):** Continue with PPO next week\n- **Goal:** Continue with PPO next week" in card
    assert "Last time" not in open_form(PlanForm, last_week).bundle()["text/markdown"]  # nothing was handed to it
    hostile = record_card(form.save(), {"from": "x", "week": "<b>W</b>", "next_steps": "<script>alert(1)</script>"})
    assert "<script>" not in hostile and "<b>" not in hostile


def stats_tracks(run, since="2026-W47", until="2026-W50") -> dict:
    data = json.loads(run("stats", "--since", since, "--until", until, "--json").stdout)
    return {t["name"]: t for t in data["tracks"]}


@pytest.fixture
def diffusion(ws, run, new_workbook, clock):
    """A W47 workbook with no track, continued in W48: the track is named after it, and it is the track's first
    step (in the stats, on the site, and for `--continue` again) though its notebook is never rewritten."""
    clock.at("2026-12-11T10:00:00Z")  # W50: every week here has been held
    first = new_workbook("paper", "Diffusion models from scratch", "--week", "2026-W47", "--author", "ada")
    run("log", "outcome", first, "--summary", "Noise schedule works.", "--status", "partial", "--hours", "6",
        "--next", "DDIM sampling")
    notebook = first.read_bytes()
    second = new_workbook("paper", "DDIM sampler", "--week", "2026-W48", "--author", "ada", "--continue", first)
    run("log", "outcome", second, "--summary", "DDIM in 50 steps.", "--status", "done", "--hours", "7")
    assert first.read_bytes() == notebook  # the continued notebook is not rewritten
    assert "track" not in identity(first) and identity(second)["continues"] == identity(first)["id"]
    return first, second


def test_a_continued_workbook_without_a_track_is_the_tracks_first_step(ws, run, diffusion):
    track = stats_tracks(run)["Diffusion models from scratch"]
    assert (track["weeks"], track["workbooks"], track["hours"]) == (2, 2, 13)
    assert track["first"] == "2026-W47" and track["last"] == "2026-W48" and track["people"] == ["ada"]
    assert track["outcomes"] == {"done": 1, "partial": 1}
    text = run("stats", "--since", "2026-W47", "--until", "2026-W50").stdout
    line = next(line for line in text.splitlines() if line.startswith("Diffusion models from scratch"))
    assert line.split()[4:] == ["2", "1", "13", "done", "1,", "partial", "1"], line
    run("site", "--quiet")
    page = (ws.root / "site" / "tracks" / "diffusion-models-from-scratch" / "index.html").read_text()
    assert "2026-W47" in page and "2026-W48" in page and "Noise schedule works." in page
    assert "13 h" in (ws.root / "site" / "tracks" / "index.html").read_text()


def test_continuing_again_keeps_one_track_with_its_first_step_once(ws, run, new_workbook, diffusion):
    first, second = diffusion
    third = new_workbook("paper", "DDIM, eta", "--week", "2026-W49", "--author", "ada", "--continue", second)
    assert identity(third)["track"] == {"slug": "diffusion-models-from-scratch",
                                        "name": "Diffusion models from scratch"}
    run("log", "outcome", third, "--summary", "eta=0 is deterministic.", "--status", "done", "--hours", "2")
    branch = new_workbook("paper", "Score matching", "--week", "2026-W50", "--author", "ada", "--continue", first)
    assert identity(branch)["track"] == identity(third)["track"]  # the first step again: the same track
    track = stats_tracks(run)["Diffusion models from scratch"]
    assert (track["weeks"], track["workbooks"], track["hours"]) == (4, 4, 15)  # W47 counted once
    run("site", "--quiet")
    page = (ws.root / "site" / "tracks" / "diffusion-models-from-scratch" / "index.html").read_text()
    assert page.count("Noise schedule works.") == 1 and "2026-W50" in page
    # outside the weeks asked for, the first step is not counted
    later = stats_tracks(run, since="2026-W48")["Diffusion models from scratch"]
    assert (later["weeks"], later["hours"]) == (3, 9)


def test_a_private_continued_workbook_is_only_counted_in_the_track(ws, run, new_workbook, clock):
    clock.at("2026-12-11T10:00:00Z")
    secret = new_workbook("blank", "Eve ZEBRA-PRIVATE-4417", "--week", "2026-W47", "--author", "ada")
    run("log", "outcome", secret, "--summary", "s", "--hours", "3", "--status", "stuck", "--private")
    on = new_workbook("blank", "Open week", "--week", "2026-W48", "--author", "ada", "--continue", secret,
                      "--track", "My own name")
    run("log", "outcome", on, "--summary", "Open.", "--hours", "4")
    track = stats_tracks(run)["My own name"]
    assert (track["weeks"], track["workbooks"], track["private"], track["hours"]) == (2, 2, 1, 7)
    assert track["outcomes"] == {"done": 1, "private": 1}  # its status withheld
    run("site", "--quiet")
    for page in (ws.root / "site").rglob("*"):
        if page.is_file():
            assert b"ZEBRA" not in page.read_bytes(), page
    # a private workbook's `continues` joins nothing: made private, "Open week" tells nothing of what it continued
    run("log", "outcome", on, "--summary", "Closed.", "--hours", "4", "--private")
    assert "My own name" not in stats_tracks(run)
