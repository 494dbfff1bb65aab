"""`digest --execute --scheduler`: run the week's workbooks on a Dask distributed cluster.

Each task carries what a run needs — the notebook's bytes, its folder's files as a tar archive, the parameters and
limits — and runs papermill in a fresh kernel on the worker, in a private folder; it returns the executed notebook's
bytes, the failure if any, and the worker's address. Rendering and the rest of the digest stay on this machine.
Workers that advertise a `kernel` resource (`dask worker --resources kernel=1`) run one kernel at a time each.
Dask reschedules a task whose worker died; Ctrl-C cancels what was submitted. Imported only with --scheduler.
"""
from __future__ import annotations

import io
import signal
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ldkit.core.errors import InputError, LdkitError
from ldkit.digest.execute import ExecJob, Executed, folder_files, run_in
from ldkit.digest.scheduler import check_scheduler, local_workers

CONNECT_TIMEOUT = 15
POLL = 0.1  # seconds between looks for finished runs (and for Ctrl-C)


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise InputError("--scheduler needs Dask distributed, which is not installed",
                         hint="pip install 'ldkit[cluster]' (on this machine and on the workers)") from None
    return distributed


def connect(address: str) -> tuple[Any, Any]:
    """(client, local cluster or None): `local:N` starts N workers here; anything else is a scheduler address."""
    address = check_scheduler(address)
    distributed = _distributed()
    workers = local_workers(address)
    if workers is not None:
        import logging

        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           host="127.0.0.1", dashboard_address=None, resources={"kernel": 1},
                                           silence_logs=logging.ERROR)
        client = distributed.Client(cluster)
        client.run(_quiet_stderr)  # these workers are ours: their kernels' chatter stays off the user's terminal
        return client, cluster
    try:
        return distributed.Client(address, timeout=CONNECT_TIMEOUT), None
    except (OSError, TimeoutError) as exc:
        raise LdkitError(f"cannot reach the Dask scheduler at {address} ({type(exc).__name__})",
                         hint="check the address (tcp://host:8786) and that the scheduler runs") from None


def _quiet_stderr() -> None:
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def pack(job: ExecJob) -> dict[str, Any]:
    """What a worker needs for one run, as plain data."""
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:gz") as tar:
        for path, relative in folder_files(job.source, job.root):
            tar.add(path, arcname=str(relative), recursive=False)
    return {"key": job.key, "name": Path(job.source).name, "archive": archive.getvalue(),
            "parameters": job.parameters, "kernel": job.kernel, "timeout": job.timeout,
            "notebook_limit": job.notebook_limit}


def run_packed(task: dict[str, Any]) -> dict[str, Any]:
    """Worker side: unpack into a private folder, run, return the executed bytes (never a path: it is remote)."""
    import os

    from ldkit.core.fastimport import skip_slow_optional_imports
    from ldkit.digest.execute import NO_SAVE_ENV

    skip_slow_optional_imports()
    os.environ[NO_SAVE_ENV] = "1"  # forms and results in a digest run save nothing
    scratch = None
    try:
        from distributed import get_worker

        worker = get_worker().address
        # inside the worker's own scratch space, which dask purges when it finds a dead worker's folder: a worker
        # killed mid-run (SIGKILL, a lost node) cannot clean up after itself, so its run must not litter /tmp
        scratch = get_worker().local_directory
    except (ImportError, ValueError, AttributeError):
        worker = "local"
    with tempfile.TemporaryDirectory(prefix="ldkit-run-", dir=scratch) as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        with tarfile.open(fileobj=io.BytesIO(task["archive"]), mode="r:gz") as tar:
            tar.extractall(work, filter="data")  # no links out, no absolute paths, no devices
        job = ExecJob(work / task["name"], "", task["parameters"], task["kernel"], task["key"], task["timeout"],
                      task["notebook_limit"])
        output = Path(tmp) / "executed.ipynb"
        done, failure = run_in(work / task["name"], work, output, job)
        executed = output.read_bytes() if done else None
    return {"key": task["key"], "executed": executed, "failure": failure, "worker": worker}


def _catch_ctrl_c(interrupted: threading.Event) -> Any:
    """Ctrl-C while runs are out on the cluster sets `interrupted` as well as raising KeyboardInterrupt: the
    exception can be swallowed on its way (raised inside a library's callback or finalizer, it is only printed),
    the flag cannot, and `_as_completed` looks at it. Returns the handler to put back (None off the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def on_ctrl_c(signum: int, frame: Any) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    return signal.signal(signal.SIGINT, on_ctrl_c)


def _as_completed(distributed: Any, futures: list[Any], interrupted: threading.Event) -> Iterator[Any]:
    """The futures as they finish, checking for Ctrl-C between waits of at most POLL seconds."""
    waiting = distributed.as_completed(futures)
    while not waiting.is_empty():
        if interrupted.is_set():
            raise KeyboardInterrupt
        if not waiting.has_ready():
            time.sleep(POLL)
            continue
        yield from waiting.next_batch(block=False)
    if interrupted.is_set():
        raise KeyboardInterrupt


def execute_on_cluster(jobs: list[ExecJob], build: Path, address: str,
                       progress: Callable[[int], None] | None = None) -> dict[str, Executed]:
    """Submit every run; write each executed notebook into the build folder as it comes back."""
    client, cluster = connect(address)
    results: dict[str, Executed] = {}
    futures: list[Any] = []
    interrupted = threading.Event()
    previous = _catch_ctrl_c(interrupted)
    try:
        distributed = _distributed()
        workers = client.scheduler_info().get("workers", {})
        # one kernel at a time per worker where workers say how many they take; otherwise Dask's own threads
        resources = {"kernel": 1} if any("kernel" in (w.get("resources") or {}) for w in workers.values()) else None
        unique = list({job.key: job for job in jobs}.values())
        futures = [client.submit(run_packed, pack(job), key=f"ldkit-run-{job.key}", pure=False,
                                 resources=resources) for job in unique]
        for future in _as_completed(distributed, futures, interrupted):
            answer = future.result()
            folder = Path(build) / answer["key"]
            folder.mkdir(parents=True, exist_ok=True)
            output = None
            if answer["executed"] is not None:
                output = folder / "executed.ipynb"
                output.write_bytes(answer["executed"])
            failure = answer["failure"]
            result = folder / "result.json"
            if failure is None:
                import json

                result.write_text(json.dumps({"output": str(output), "failure": None, "finished": time.time(),
                                              "worker": answer["worker"]}))
            else:
                result.unlink(missing_ok=True)
            results[answer["key"]] = Executed(answer["key"], output, failure, worker=answer["worker"])
            if progress:
                progress(1)
    except KeyboardInterrupt:
        client.cancel(futures)
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        client.close()
        if cluster is not None:
            cluster.close()
    return results
