"""Run workbooks with papermill in worker processes, into the digest's build folder; never the source file.

Each run gets a private copy of its workbook's folder (data files, sub-folders, images), runs there as in JupyterLab,
and writes nothing back. A failing notebook (cell error, dead kernel, timeout) keeps what ran, is flagged with the
cell as the learner numbers it, and does not stop the others. Successful runs are cached by what decides their
result — the code cells, the parameters, the kernel and the folder's files; a failure is retried on the next run.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ldkit.core import __version__
from ldkit.core.errors import FolderTooLarge
from ldkit.model.failure import FailureKind, RunFailure

EXECUTE_VERSION = 2
MAX_FOLDER = 200 * 1024 * 1024  # bytes of a workbook's folder copied for its run
SKIPPED_IN_COPY = (".ipynb_checkpoints", ".ldkit-cache", ".git", "__pycache__")
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
    root: Path | None = None  # the workspace: links in the folder that leave it are not followed


@dataclass
class Executed:
    key: str
    output: Path | None  # the executed copy
    failure: RunFailure | None
    cached: bool = False
    worker: str | None = None  # the Dask worker that ran it, with --scheduler


def folder_files(source: Path, root: Path | None) -> list[tuple[Path, Path]]:
    """(file, path relative to the workbook's folder) of what a run sees: the folder's files, links that stay
    inside the workspace followed, journals and caches left out. Raises FolderTooLarge past MAX_FOLDER."""
    folder = Path(source).parent
    limit_root = Path(root).resolve() if root is not None else folder.resolve()
    found: list[tuple[Path, Path]] = []
    total = 0
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_IN_COPY and _inside(here / d, limit_root))
        for name in sorted(filenames):
            path = here / name
            if name.endswith(".ldkit.jsonl") or not _inside(path, limit_root):
                continue
            try:
                size = path.stat().st_size
            except OSError:
                continue
            total += size
            if total > MAX_FOLDER:
                raise FolderTooLarge(f"its folder holds more than {MAX_FOLDER // 1_000_000} MB, the most a run "
                                     "copies; move large data elsewhere and read it by an absolute path",
                                     limit=MAX_FOLDER)
            found.append((path, path.relative_to(folder)))
    return found


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def execution_key(nb: dict[str, Any], parameters: dict[str, Any], kernel: str, timeout: float,
                  files: Sequence[tuple[Path, Path]] = ()) -> str:
    """What decides a run's result: code cells, parameters, kernel, timeout, and the content of the folder's
    files (so changing data.csv runs the notebook again)."""
    code = [c.get("source") for c in nb.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"
            and "injected-parameters" not in (c.get("metadata", {}).get("tags") or [])]
    digest = hashlib.sha256()
    for path, relative in files:
        if path.suffix == ".ipynb":
            continue  # notebooks are keyed by their code cells, above
        digest.update(str(relative).encode("utf-8") + b"\0")
        try:
            with open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        except OSError:
            digest.update(b"unreadable")
    blob = json.dumps({"code": code, "parameters": parameters, "kernel": kernel, "timeout": timeout,
                       "files": digest.hexdigest(), "ldkit": __version__, "v": EXECUTE_VERSION}, sort_keys=True,
                      ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def installed_kernels() -> set[str]:
    from jupyter_client.kernelspec import KernelSpecManager

    return set(KernelSpecManager().find_kernel_specs()) | {"python3"}


_local = threading.local()  # the kernels this thread started (a Dask worker may run several threads)


def _kernel_pids() -> list[int]:
    if not hasattr(_local, "pids"):
        _local.pids = []
    return _local.pids


def _kernel_manager_class() -> Any:
    from ldkit.render.jupyter import kernel_manager_class

    return kernel_manager_class(_kernel_pids().append)


def _worker_init(parent: int, from_main_thread: bool) -> None:
    """Each worker: dies with its parent (core.procs), forms save nothing, and kernels' own chatter on stderr stays
    out of the user's terminal."""
    from ldkit.core.fastimport import skip_slow_optional_imports
    from ldkit.core.procs import die_with_parent

    die_with_parent(parent, from_main_thread)

    skip_slow_optional_imports()
    os.environ[NO_SAVE_ENV] = "1"
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def run_one(job: ExecJob, build: Path) -> tuple[str, str | None, RunFailure | None]:
    """Worker side: copy the workbook's folder into build/<key>/work/, papermill the copy there (its folder the
    working directory), with a per-cell timeout and a whole-notebook limit. Nothing is written back."""
    import shutil

    folder = Path(build) / job.key
    work = folder / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    output = folder / "executed.ipynb"
    try:
        for path, relative in folder_files(job.source, job.root):
            (work / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, work / relative)
    except FolderTooLarge as exc:
        return job.key, None, RunFailure(FailureKind.NOT_RUN, f"not run: {exc}")
    except OSError as exc:
        return job.key, None, RunFailure(FailureKind.NOT_RUN, f"not run: its folder could not be copied "
                                                              f"({exc.strerror})")
    return (job.key, *run_in(work / Path(job.source).name, work, output, job))


def run_in(source: Path, work: Path, output: Path, job: ExecJob) -> tuple[str | None, RunFailure | None]:
    """papermill `source` (inside its folder copy `work`) into `output`: (the output's path or None, failure)."""
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    failure: RunFailure | None = None
    _kernel_pids().clear()
    expired = threading.Event()
    done = threading.Event()

    def watchdog(pids: list[int]) -> None:
        if not done.wait(job.notebook_limit):
            expired.set()
            for pid in list(pids):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)

    guard = threading.Thread(target=watchdog, args=(_kernel_pids(),), daemon=True)
    guard.start()
    try:
        _papermill_with_retry(papermill, source, output, job, work)
    except PapermillExecutionError as exc:
        failure = RunFailure(FailureKind.ERROR, f"failed at cell {exc.cell_index + 1}{_first_line(exc.source)}: "
                                                f"{exc.ename}: {str(exc.evalue)[:300]}", cell=exc.cell_index + 1)
    except Exception as exc:  # nbclient's timeout and dead-kernel errors, and anything a kernel can throw at us
        if expired.is_set():  # the watchdog killed the kernel: whatever nbclient then raised, it was the clock
            failure = RunFailure(FailureKind.TIMEOUT, f"timed out after {job.notebook_limit:g} s (whole notebook)")
        elif isinstance(exc, CellTimeoutError):
            failure = RunFailure(FailureKind.TIMEOUT, f"timed out after {job.timeout:g} s (one cell)")
        elif isinstance(exc, DeadKernelError):
            failure = RunFailure(FailureKind.DEAD, "kernel died")
        else:
            failure = RunFailure(FailureKind.ERROR, f"could not run: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        done.set()
    return (str(output) if output.exists() else None), failure


def _first_line(source: Any) -> str:
    text = "".join(source) if isinstance(source, list) else str(source or "")
    line = next((x.strip() for x in text.splitlines() if x.strip()), "")
    return f" (`{line[:60]}{'…' if len(line) > 60 else ''}`)" if line else ""


# What a kernel that lost the known race for its ports says, before any cell ran: the client's ZMQError, or the
# kernel dying as it binds (two kernels started at once in two processes may pick the same free port).
_PORT_RACE = ("Address already in use", "Kernel died before replying to kernel_info")


def _papermill_with_retry(papermill: Any, source: Path, output: Path, job: ExecJob, work: Path) -> None:
    """papermill, once more when the kernel lost the race for its ports. No cell has run then (papermill has only
    written the output's first copy, which the second run writes again), so running again repeats nothing."""
    for attempt in range(2):
        try:
            papermill.execute_notebook(
                str(source), str(output), parameters=job.parameters, kernel_name=job.kernel, cwd=str(work),
                progress_bar=False, request_save_on_cell_execute=False, execution_timeout=job.timeout,
                kernel_manager_class=_kernel_manager_class(), log_output=False)
            return
        except Exception as exc:
            if attempt == 0 and any(said in str(exc) for said in _PORT_RACE):
                time.sleep(0.5)
                continue
            raise


# Runs jobs somewhere else: (jobs, build folder, progress) -> each job's result by key.
Remote = Callable[[list[ExecJob], Path, Callable[[int], None] | None], dict[str, Executed]]


def execute_all(jobs: list[ExecJob], build: Path, workers: int, rebuild: bool = False,
                progress: Callable[[int], None] | None = None, remote: Remote | None = None) -> dict[str, Executed]:
    """Run what the build folder lacks; a finished run leaves executed.ipynb and result.json under its key.

    `remote` runs the jobs elsewhere (ldkit.digest.cluster); without it they run in a local process pool."""
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

    def finish(key: str, output: str | None, failure: RunFailure | None) -> None:
        folder = Path(build) / key
        folder.mkdir(parents=True, exist_ok=True)
        result = folder / "result.json"
        if failure is None:  # only a success is kept: a failure is tried again next time (the fix may be outside)
            result.write_text(json.dumps({"output": output, "failure": None, "finished": time.time()}))
        else:
            result.unlink(missing_ok=True)
        results[key] = Executed(key, Path(output) if output else None, failure)
        if progress:
            progress(1)

    if unique and remote is not None:
        results.update(remote(unique, build, progress))
    elif unique:
        from ldkit.core.procs import worker_args

        with ProcessPoolExecutor(max_workers=max(1, min(workers, len(unique))), initializer=_worker_init,
                                 initargs=worker_args()) as pool:
            futures = [pool.submit(run_one, job, build) for job in unique]
            for future in as_completed(futures):
                finish(*future.result())
    return results


def _cached(build: Path, key: str) -> Executed | None:
    try:
        data = json.loads((Path(build) / key / "result.json").read_text())
    except (OSError, ValueError):
        return None
    if data.get("failure"):
        return None
    output = Path(data["output"]) if data.get("output") else None
    if output is None or not output.exists():
        return None
    return Executed(key, output, None, cached=True, worker=data.get("worker"))
