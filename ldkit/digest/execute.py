"""Run workbooks with papermill in worker processes, into the digest's build folder; never the source file.

A failing notebook (cell error, dead kernel, timeout) keeps what ran, is flagged, and does not stop the others.
Executions are cached by what decides their result: the code cells, the parameters and the kernel.
"""
from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ldkit import __version__

EXECUTE_VERSION = 1
NO_SAVE_ENV = "LDKIT_DIGEST_RUN"  # forms and results in a digest run show, but save nothing


@dataclass
class ExecJob:
    source: Path
    workbook_id: str
    parameters: dict[str, Any]
    kernel: str
    key: str
    timeout: float
    notebook_limit: float


@dataclass
class Executed:
    key: str
    output: Path | None  # the executed copy
    failure: dict[str, Any] | None  # {"kind", "message", "cell"}
    cached: bool = False


def execution_key(nb: dict[str, Any], parameters: dict[str, Any], kernel: str, timeout: float) -> str:
    code = [c.get("source") for c in nb.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"
            and "injected-parameters" not in (c.get("metadata", {}).get("tags") or [])]
    blob = json.dumps({"code": code, "parameters": parameters, "kernel": kernel, "timeout": timeout,
                       "ldkit": __version__, "v": EXECUTE_VERSION}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def installed_kernels() -> set[str]:
    from jupyter_client.kernelspec import KernelSpecManager

    return set(KernelSpecManager().find_kernel_specs()) | {"python3"}


_kernel_pids: list[int] = []


def _kernel_manager_class() -> Any:
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import Float

    class QuickShutdownKernelManager(AsyncKernelManager):
        """The default shutdown can wait ~3.4 s after the last cell; 1 s is plenty for a notebook run."""

        shutdown_wait_time = Float(1.0).tag(config=True)

        async def _async_post_start_kernel(self, **kw: Any) -> None:
            await super()._async_post_start_kernel(**kw)
            pid = getattr(getattr(self, "provisioner", None), "pid", None)
            if pid:
                _kernel_pids.append(pid)

    return QuickShutdownKernelManager


def _worker_init() -> None:
    """Each worker: forms save nothing, and kernels' own chatter on stderr stays out of the user's terminal."""
    from ldkit.imports import skip_slow_optional_imports

    skip_slow_optional_imports()
    os.environ[NO_SAVE_ENV] = "1"
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def run_one(job: ExecJob, build: Path) -> tuple[str, str | None, dict[str, Any] | None]:
    """Worker side: papermill the source into build/<key>/, with a per-cell timeout and a whole-notebook limit."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    folder = Path(build) / job.key
    folder.mkdir(parents=True, exist_ok=True)
    output = folder / "executed.ipynb"
    failure: dict[str, Any] | None = None
    _kernel_pids.clear()
    expired = threading.Event()

    def watchdog() -> None:
        if not done.wait(job.notebook_limit):
            expired.set()
            for pid in list(_kernel_pids):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass

    done = threading.Event()
    guard = threading.Thread(target=watchdog, daemon=True)
    guard.start()
    try:
        papermill.execute_notebook(
            str(job.source), str(output), parameters=job.parameters, kernel_name=job.kernel, cwd=str(folder),
            progress_bar=False, request_save_on_cell_execute=False, execution_timeout=job.timeout,
            kernel_manager_class=_kernel_manager_class(), log_output=False)
    except PapermillExecutionError as exc:
        failure = {"kind": "error", "cell": exc.exec_count or exc.cell_index,
                   "message": f"failed at cell {exc.exec_count or exc.cell_index}: {exc.ename}: "
                              f"{str(exc.evalue)[:300]}"}
    except Exception as exc:  # nbclient's timeout and dead-kernel errors, and anything a kernel can throw at us
        name = type(exc).__name__
        if expired.is_set():
            failure = {"kind": "timeout", "message": f"timed out after {job.notebook_limit:g} s (whole notebook)"}
        elif "Timeout" in name:
            failure = {"kind": "timeout", "message": f"timed out after {job.timeout:g} s (one cell)"}
        elif "DeadKernel" in name:
            failure = {"kind": "dead", "message": "kernel died"}
        else:
            failure = {"kind": "error", "message": f"could not run: {name}: {str(exc)[:300]}"}
    finally:
        done.set()
    if not output.exists():
        return job.key, None, failure
    return job.key, str(output), failure


def execute_all(jobs: list[ExecJob], build: Path, workers: int, rebuild: bool = False,
                progress: Callable[[int], None] | None = None) -> dict[str, Executed]:
    """Run what the build folder lacks; a finished run leaves executed.ipynb and result.json under its key."""
    results: dict[str, Executed] = {}
    todo = []
    for job in jobs:
        cached = _cached(build, job.key) if not rebuild else None
        if cached is not None:
            results[job.key] = cached
            if progress:
                progress(1)
        else:
            todo.append(job)
    unique = list({j.key: j for j in todo}.values())

    def finish(key: str, output: str | None, failure: dict[str, Any] | None) -> None:
        folder = Path(build) / key
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "result.json").write_text(json.dumps({"output": output, "failure": failure,
                                                        "finished": time.time()}))
        results[key] = Executed(key, Path(output) if output else None, failure)
        if progress:
            progress(1)

    if unique:
        with ProcessPoolExecutor(max_workers=max(1, min(workers, len(unique))), initializer=_worker_init) as pool:
            futures = [pool.submit(run_one, job, build) for job in unique]
            for future in as_completed(futures):
                finish(*future.result())
    return results


def _cached(build: Path, key: str) -> Executed | None:
    try:
        data = json.loads((Path(build) / key / "result.json").read_text())
    except (OSError, ValueError):
        return None
    output = Path(data["output"]) if data.get("output") else None
    if output is not None and not output.exists():
        return None
    return Executed(key, output, data.get("failure"), cached=True)
