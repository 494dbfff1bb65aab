"""A real JupyterLab on 127.0.0.1 and Debian's headless chromium driven by Playwright."""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    """Headless chromium; a missing browser fails the test with the reason, never a silent skip."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test does: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: pip install -e '.[test]' (scripts/test does)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Lab:
    def __init__(self, root: Path, port: int, token: str, proc: subprocess.Popen, log: Path) -> None:
        self.root, self.port, self.token, self.proc, self.log = root, port, token, proc, log

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{path}?token={self.token}"


@pytest.fixture
def jupyter_lab(tmp_path: Path):
    """Start `jupyter lab` serving a workspace folder; yields a function taking that folder."""
    started: list[Lab] = []

    def start(root: Path) -> Lab:
        port, token = free_port(), secrets.token_hex(16)
        home = tmp_path / "jupyter-home"
        settings = home / "settings"
        env = {**os.environ,
               "JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
               "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
               "IPYTHONDIR": str(home / "ipython")}
        write_setting(settings, "notebook-extension", "tracker", {"windowingMode": "none"})
        write_setting(settings, "apputils-extension", "notification", {"fetchNews": "false",
                                                                       "checkForUpdates": False})
        log = tmp_path / "jupyter-lab.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
             f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={root}", "--LabApp.news_url=None", "--LabApp.expose_app_in_browser=True"],
            env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115 - the server's log
        lab = Lab(root, port, token, proc, log)
        started.append(lab)
        deadline = time.time() + 60
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited early:\n{log.read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                return lab
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"jupyter lab did not answer within 60 s:\n{log.read_text()[-3000:]}")

    yield start
    for lab in started:
        lab.proc.terminate()
        try:
            lab.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            lab.proc.kill()


def write_setting(settings: Path, extension: str, plugin: str, values: dict) -> None:
    folder = settings / "@jupyterlab" / extension
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values))


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def keep_log(lab: Lab, artifacts: Path, name: str) -> None:
    shutil.copy(lab.log, artifacts / f"{name}-jupyter-lab.log")


def pytest_collection_modifyitems(items):
    """Every test here drives a real browser (and some a real JupyterLab): slow, so skippable locally."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.slow)
