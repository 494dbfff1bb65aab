"""`ldkit doctor`, and `ldkit new` in a folder that is not the author's to write (a shared hub)."""

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
    new_workbook("blank", "A week", "--week", "2026-W48")
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
