"""`digest --execute --scheduler`: a real `dask scheduler` and `dask worker` processes on 127.0.0.1."""
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import snapshot
from tests.test_execute import with_code

WEEK = "2026-W48"
pytestmark = pytest.mark.slow
pytest.importorskip("distributed", reason="pip install 'ldkit[cluster]'")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dask_bin() -> str:
    return shutil.which("dask") or str(Path(sys.executable).parent / "dask")


class Cluster:
    def __init__(self, tmp: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.log = tmp / "dask.log"
        out = open(self.log, "ab")  # noqa: SIM115 - the cluster's log, open while it runs
        self.tmp = tmp / "tmp"  # the cluster's TMPDIR: what a run leaves behind is found here
        self.tmp.mkdir()
        env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False", "TMPDIR": str(self.tmp)}
        self.scheduler = subprocess.Popen([dask_bin(), "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                           "--no-dashboard"], stdout=out, stderr=out, env=env)
        self.workers = [self.start_worker(out, env) for _ in range(workers)]
        self.wait_for(workers)

    def start_worker(self, out, env) -> subprocess.Popen:
        return subprocess.Popen([dask_bin(), "worker", self.address, "--nthreads", "1", "--nworkers", "1",
                                 "--resources", "kernel=1", "--no-dashboard", "--host", "127.0.0.1"],
                                stdout=out, stderr=out, env=env, start_new_session=True)

    def wait_for(self, count: int) -> None:
        from distributed import Client

        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with Client(self.address, timeout=5) as client:
                    if len(client.scheduler_info()["workers"]) >= count:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail(f"the dask cluster did not start:\n{self.log.read_text()[-3000:]}")

    def close(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc.poll() is None:
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGTERM) if proc in self.workers else proc.terminate()
        for proc in [*self.workers, self.scheduler]:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def cluster(tmp_path):
    started = Cluster(tmp_path)
    yield started
    started.close()


@pytest.fixture
def six(ws, new_workbook):
    """A week of six: reads data.csv beside it, writes files, raises, loops past the timeout, kills its kernel,
    is fine."""
    reads = with_code(new_workbook("blank", "Reads data", "--week", WEEK, "--author", "ada"),
                      "print('rows', len(open('data.csv').read().splitlines()))")
    (reads.parent / "data.csv").write_text("a\n1\n2\n")
    books = {
        "reads": reads,
        "writes": with_code(new_workbook("blank", "Writes", "--week", WEEK, "--author", "bob"),
                            "open('made.txt', 'w').write('x')\nprint('wrote')"),
        "raises": with_code(new_workbook("blank", "Raises", "--week", WEEK, "--author", "chen"),
                            "raise ValueError('bad shape')"),
        "loops": with_code(new_workbook("blank", "Loops", "--week", WEEK, "--author", "dana"),
                           "while True:\n    pass"),
        "dies": with_code(new_workbook("blank", "Dies", "--week", WEEK, "--author", "erin"),
                          "import os\nos._exit(1)"),
        "fine": with_code(new_workbook("blank", "Fine", "--week", WEEK, "--author", "finn"), "print(6 * 7)"),
    }
    return books


def outcomes(ws) -> dict[str, object]:
    data = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    return {p["author"]: (p["workbooks"][0]["failure"] or {}).get("message") for p in data["people"]}


def notes(ws) -> dict[str, list]:
    data = json.loads((ws.root / "digests" / WEEK / "digest.json").read_text())
    return {p["author"]: p["workbooks"][0]["notes"] for p in data["people"]}


def test_a_week_on_a_real_cluster_matches_the_local_pool(ws, run, six, cluster):
    before = snapshot(ws.root / "workbooks")
    args = ["digest", "--week", WEEK, "--execute", "--timeout", "8", "--quiet", "--format", "json", "--rebuild"]
    on_cluster = run(*args, "--scheduler", cluster.address)
    assert on_cluster.stdout.strip().endswith("3 ran, 3 failed, 0 not run")
    remote = outcomes(ws)
    html = (ws.root / "digests" / WEEK / "index.html").read_text()
    assert "rows 3" in html and "wrote" in html and "42" in html
    ran_on = {a: n for a, n in notes(ws).items()}
    assert all(any(x.startswith("ran on tcp://127.0.0.1:") for x in n) for n in ran_on.values())
    assert snapshot(ws.root / "workbooks") == before  # sources unchanged, byte for byte; files made stay remote
    local = run(*args)
    assert local.stdout.strip().endswith("3 ran, 3 failed, 0 not run")
    assert outcomes(ws) == remote  # the same results as the local pool
    assert remote["chen"].endswith("ValueError: bad shape") and remote["dana"] == "timed out after 8 s (one cell)"
    assert remote["erin"] == "kernel died" and remote["ada"] is None
    assert snapshot(ws.root / "workbooks") == before


def test_a_worker_killed_mid_run_is_rescheduled(ws, run, new_workbook, cluster):
    with_code(new_workbook("blank", "Slow", "--week", WEEK), "import time\ntime.sleep(6)\nprint('survived')")
    proc = subprocess.Popen([sys.executable, "-m", "ldkit", "digest", "--week", WEEK, "--execute", "--quiet",
                             "--scheduler", cluster.address, "--timeout", "60"], cwd=ws.root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    from distributed import Client

    victim = None
    deadline = time.time() + 40
    with Client(cluster.address, timeout=5) as client:
        while victim is None and time.time() < deadline:
            processing = client.processing()
            busy = [address for address, tasks in processing.items() if tasks]
            if busy:
                victim = busy[0]
            time.sleep(0.2)
        assert victim is not None, "the run never started"
        time.sleep(1.5)  # well into the run
        pids = client.run(os.getpid, workers=[victim])
    os.kill(pids[victim], signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.strip().endswith("1 ran, 0 failed, 0 not run")
    assert "survived" in (ws.root / "digests" / WEEK / "index.html").read_text()
    # the killed worker's run folder was in its dask scratch space, which its nanny purged: nothing is left
    assert not list(cluster.tmp.rglob("ldkit-run-*"))


def test_an_unreachable_scheduler_is_a_clear_error(ws, run, six):
    result = run("digest", "--week", WEEK, "--execute", "--quiet", "--scheduler", f"tcp://127.0.0.1:{free_port()}",
                 code=1)
    assert "cannot reach the Dask scheduler" in result.stderr and "Traceback" not in result.stderr


def test_scheduler_goes_with_execute_and_local_needs_a_count(ws, run, six):
    assert "--scheduler goes with --execute" in run("digest", "--scheduler", "local:2", code=2).stderr
    assert "local:N" in run("digest", "--execute", "--scheduler", "local:0", code=2).stderr


def test_without_a_scheduler_no_dask_is_imported(ws, new_workbook):

    with_code(new_workbook("blank", "Plain", "--week", WEEK), "print(1)")
    code = ("import sys, json\nfrom ldkit.cli.main import cli\n"
            "try:\n    cli(sys.argv[1:], standalone_mode=False)\nexcept SystemExit:\n    pass\n"
            "print('DASK' + json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed'))), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, "digest", "--week", WEEK, "--execute", "--quiet"],
                          cwd=ws.root, capture_output=True, text=True)
    line = [x for x in done.stderr.splitlines() if x.startswith("DASK")][-1]
    assert json.loads(line[4:]) == [], done.stderr


def test_ctrl_c_cancels_the_runs_and_leaves_the_previous_digest_whole(ws, run, new_workbook, cluster):
    with_code(new_workbook("blank", "Long", "--week", WEEK), "import time\ntime.sleep(30)")
    run("digest", "--week", WEEK, "--quiet")  # the previous digest (without --execute)
    page = ws.root / "digests" / WEEK / "index.html"
    before = page.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "ldkit", "digest", "--week", WEEK, "--execute", "--quiet",
                             "--scheduler", cluster.address], cwd=ws.root, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    from distributed import Client

    with Client(cluster.address, timeout=5) as client:
        deadline = time.time() + 40
        while time.time() < deadline and not any(client.processing().values()):
            time.sleep(0.2)
        assert any(client.processing().values()), "the run never started"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130 and "interrupted" in err
        deadline = time.time() + 20
        while time.time() < deadline and any(client.processing().values()):
            time.sleep(0.2)
        assert not any(client.processing().values())  # cancelled, not left running on the cluster
    assert page.read_bytes() == before


def test_a_ctrl_c_swallowed_on_its_way_still_stops_the_wait():
    """Ctrl-C sets a flag as well as raising: a KeyboardInterrupt a library swallows (raised in its callback or
    finalizer, it is only printed) cannot make the digest wait for every run and exit 0."""
    import threading

    from ldkit.digest import cluster as module

    flag = threading.Event()
    previous = module._catch_ctrl_c(flag)
    try:
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert flag.is_set()

    class Waiting:  # runs still out, none finished
        def is_empty(self) -> bool:
            return False

        def has_ready(self) -> bool:
            return False

    class Distributed:
        @staticmethod
        def as_completed(futures):
            return Waiting()

    with pytest.raises(KeyboardInterrupt):
        next(module._as_completed(Distributed, [], flag))
