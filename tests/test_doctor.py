"""`ldkit doctor`, and `ldkit new` in a folder that is not the author's to write (a shared hub)."""

from pathlib import Path

from tests.conftest import snapshot


def test_doctor_on_a_fresh_workspace_skips_what_does_not_apply(ws, run):
    result = run("doctor")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok       settings") and "ready for a learning day" in result.stdout
    for name in ("roster", "chat", "ci"):
        assert any(line.startswith("skipped") and f" {name} " in line for line in lines), name


def test_doctor_checks_a_full_setup_and_never_prints_the_webhook(ws, run, new_workbook, monkeypatch):
    run("team", "add", "ada", "--tz", "Europe/Berlin")
    run("ci", "github")
    secret = "https://hooks.example.org/services/T000/B000/SECRET-TOKEN"
    monkeypatch.setenv("LEARNING_DAY_WEBHOOK", secret)
    new_workbook("blank", "A week", "--week", "2026-W48", "--author", "ada")
    result = run("doctor")
    assert secret not in result.stdout + result.stderr and "SECRET" not in result.stdout
    assert all(line.split()[0] == "ok" for line in result.stdout.splitlines()[:7]), result.stdout


def test_doctor_fails_on_what_is_wrong(ws, run, monkeypatch):
    run("ci", "gitlab")
    ci = ws.root / ".gitlab-ci.yml"
    ci.write_text(ci.read_text().replace("ldkit-ci-version: 0.1.0", "ldkit-ci-version: 0.0.1"))
    (ws.templates / "broken.ipynb").write_text("{not json")
    monkeypatch.setenv("LEARNING_DAY_WEBHOOK", "not a url")
    result = run("doctor", code=1)
    out = result.stdout
    assert "fail     ci         .gitlab-ci.yml was written for ldkit 0.0.1" in out
    assert "fail     templates  broken: broken (not a notebook" in out
    assert "fail     chat" in out and "not a url" not in out
    assert "3 check(s) failed: templates, chat, ci" in out


def test_new_refuses_a_folder_that_is_not_the_authors_to_write(ws, run, new_workbook, read_only):
    first = new_workbook("blank", "Mine", "--week", "2026-W48", "--author", "ada")
    read_only(first.parent)
    before = snapshot(ws.root)
    result = run("new", "blank", "--title", "Another", "--week", "2026-W48", "--author", "ada", code=1)
    assert "cannot start a workbook in" in result.stderr and "nothing was written" in result.stderr
    assert "everyone writes their own folder" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(ws.root) == before


def _lines(result):
    return {line.split()[1]: line for line in result.stdout.splitlines() if line[:1].isalpha() and
            line.split()[0] in ("ok", "fail", "warn", "skipped")}


def test_doctor_reports_every_bad_setting_and_still_runs_every_check(ws, run):
    config = ws.root / "ldkit.toml"
    before = config.read_text()
    config.write_text(before.replace('learning_day = "thursday"', 'learning_day = "funday"')
                      .replace('chat = "slack"', 'chat = "irc"')
                      + '\n[team]\nada = { tz = "Nowhere/Land" }\nbob = { tz = "Europe/Berlin" }\n')
    result = run("doctor", code=1)
    fails = [line for line in result.stdout.splitlines() if line.startswith("fail     settings")]
    assert len(fails) == 3 and any("funday" in f for f in fails) and any("irc" in f for f in fails) \
        and any("Nowhere/Land" in f for f in fails)
    lines = _lines(result)
    for name in ("roster", "templates", "kernel", "chat", "ci", "site", "workbooks", "site_url", "authors"):
        assert name in lines, name  # each check ran, after the settings failed
    assert "1 member," in lines["roster"]  # bob, whose entry is good, is still read
    assert "ready" not in result.stdout and "Traceback" not in result.stdout + result.stderr
    assert "1 check(s) failed: settings" in result.stdout


def test_doctor_reads_a_company_roster_whose_members_name_their_teams(ws, run):
    """Each member is checked with the workspace's [teams]: a valid company is no failure, and a member naming a
    team that does not exist is named (its teammates are still read)."""
    run("team", "add-team", "robotics", "--name", "Robotics")
    run("team", "add", "ada", "--team", "robotics", "--tz", "Europe/Berlin")
    run("team", "add", "bob", "--team", "robotics")
    result = run("doctor")
    lines = _lines(result)
    assert lines["settings"].startswith("ok") and "2 members" in lines["roster"], result.stdout
    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text() + 'cy = { team = "vision" }\n')
    result = run("doctor", code=1)
    fails = [line for line in result.stdout.splitlines() if line.startswith("fail     settings")]
    assert len(fails) == 1 and "'cy' names team 'vision'" in fails[0], result.stdout
    assert "2 members" in _lines(result)["roster"]


def test_doctor_compares_the_ci_file_with_what_ldkit_ci_writes_now(ws, run):
    run("ci", "github", "--install", "ldkit @ git+https://git.example.org/ldkit@v0.1.0")
    assert _lines(run("doctor"))["ci"].startswith("ok")  # another --install is not a difference
    config = ws.root / "ldkit.toml"
    config.write_text(config.read_text().replace('learning_day = "thursday"', 'learning_day = "tuesday"'))
    result = run("doctor", code=1)
    line = _lines(result)["ci"]
    assert line.startswith("fail") and "is not what `ldkit ci github` writes now" in line
    assert "15 * * * 3,4,5" in line and "15 * * * 1,2,3" in line and "--force" in line
    run("ci", "github", "--force")
    assert _lines(run("doctor"))["ci"].startswith("ok")


def test_doctor_fails_when_workbooks_is_a_file(ws, run):
    import shutil

    shutil.rmtree(ws.root / "workbooks", ignore_errors=True)
    (ws.root / "workbooks").write_text("not a folder\n")
    result = run("doctor", code=1)
    assert _lines(result)["workbooks"].startswith("fail") and "is a file" in _lines(result)["workbooks"]
    assert "ready" not in result.stdout and (ws.root / "workbooks").read_text() == "not a folder\n"


def test_doctor_warns_about_an_unset_site_url_and_authors_not_on_the_roster(ws, run, new_workbook):
    path = new_workbook("blank", "Guest's week", "--week", "2026-W48", "--author", "guest")
    lurker = path.parent.parent / "lurker"  # a folder holding only a hidden notebook has no author's workbook
    lurker.mkdir()
    (lurker / ".draft.ipynb").write_bytes(path.read_bytes())
    run("team", "add", "ada")
    result = run("doctor")
    lines = _lines(result)
    assert lines["site_url"].startswith("warn") and "local path" in lines["site_url"]
    assert lines["site"].endswith("builds: 1 week, 1 notebook")  # in the right number
    assert lines["authors"].startswith("warn") and "guest (1 week, last 2026-W48)" in lines["authors"]
    assert "lurker" not in lines["authors"] and "ldkit team add" in lines["authors"]
    assert "ready for a learning day (2 warnings: site_url, authors)" in result.stdout
    config = ws.root / "ldkit.toml"
    text = config.read_text()
    config.write_text('site_url = "https://team.example.org/ld/"\n' + text)
    assert _lines(run("doctor"))["site_url"].startswith("ok")
def test_doctor_takes_a_site_that_nothing_changed_since_as_it_stands(ws, run, new_workbook, monkeypatch):
    """A company's year is ~2,000 pages to write again: a site/ whose inputs are as its build found them answers the
    check itself, with what that build could not read; a change, and the check builds again (into a folder of its
    own, site/ untouched)."""
    from ldkit.site import build

    first = new_workbook("blank", "A week", "--week", "2026-W48", "--author", "ada")
    broken = first.parent / "broken.ipynb"
    broken.write_text("{ not json")
    assert "broken.ipynb" in run("site").stderr
    again = run("site")
    assert "broken.ipynb" in again.stderr  # a site that stands names what it could not read, every time
    built: list[Path] = []
    real = build.build_site
    monkeypatch.setattr(build, "build_site", lambda w, out=None, *a, **kw: (
        out is not None and out != ws.root / "site" and built.append(out)) or real(w, out, *a, **kw))
    site_before = snapshot(ws.root / "site")
    line = _lines(run("doctor", code=1))["site"]
    assert built == [] and line.startswith("fail")
    assert "builds: 1 week, 1 notebook (site/ is up to date); 1 file(s) need attention" in line
    broken.unlink()
    line = _lines(run("doctor"))["site"]
    assert len(built) == 1 and line.endswith("builds: 1 week, 1 notebook")  # into a folder of its own
    assert snapshot(ws.root / "site") == site_before
    run("site")
    assert _lines(run("doctor"))["site"].endswith("builds: 1 week, 1 notebook (site/ is up to date)")
    assert len(built) == 1


def test_doctor_checks_the_bot_secrets_without_printing_them(ws, run, monkeypatch):
    for name in ("SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "MATTERMOST_TOKEN", "TEAMS_HMAC_SECRET"):
        monkeypatch.delenv(name, raising=False)
    line = [x for x in run("doctor").stdout.splitlines() if " bot " in x][0]
    assert line.startswith("skipped")
    run("team", "add", "ada", "--chat", "U0ADA")
    run("team", "add", "bob")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "signing-SECRET-value")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-SECRET-token")
    result = run("doctor")
    line = [x for x in result.stdout.splitlines() if " bot " in x][0]
    assert line.startswith("ok") and "SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN" in line and "no chat id for bob" in line
    assert "SECRET" not in result.stdout.replace("_SECRET", "") + result.stderr
    monkeypatch.setenv("SLACK_BOT_TOKEN", "SECRET-not-a-bot-token")
    monkeypatch.setenv("TEAMS_HMAC_SECRET", "not base64!")
    result = run("doctor", code=1)
    line = [x for x in result.stdout.splitlines() if " bot " in x][0]
    assert line.startswith("fail") and "not a bot token" in line and "not the base64 security token" in line
    assert "SECRET-not" not in result.stdout + result.stderr and "not base64!" not in result.stdout
