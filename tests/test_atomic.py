import os
import signal
import subprocess
import sys
import textwrap

import pytest

from ldkit.core.errors import WriteError
from ldkit.core.files import atomic_write


def test_replaces_whole_file(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("old")
    atomic_write(path, "new")
    assert path.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]  # no temp file left behind


def test_read_only_folder_is_a_clear_error(tmp_path, read_only):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "f.txt").write_text("kept")
    read_only(folder)
    with pytest.raises(WriteError, match="cannot write .*f.txt"):
        atomic_write(folder / "f.txt", "x")
    assert (folder / "f.txt").read_text() == "kept"


HANG_IN_FSYNC = textwrap.dedent("""
    import os, sys, time
    from ldkit.core import files as atomic
    real = os.fsync
    def slow(fd):
        print("writing", flush=True)
        time.sleep(60)
    atomic.os.fsync = slow
    atomic.atomic_write(sys.argv[1], b"N" * 5_000_000)
""")


def test_process_killed_mid_write_leaves_previous_file_whole(tmp_path):
    path = tmp_path / "book.ipynb"
    original = b'{"cells": [], "nbformat": 4}' * 1000
    path.write_bytes(original)
    proc = subprocess.Popen([sys.executable, "-c", HANG_IN_FSYNC, str(path)], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert path.read_bytes() == original


def test_atomic_path_replaces_whole_or_not_at_all(tmp_path):
    from ldkit.core.files import atomic_path

    target = tmp_path / "chart.svg"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        assert tmp.suffix == ".svg" and tmp.parent == tmp_path  # tools that go by the suffix still can
        tmp.write_text("half")
        raise RuntimeError("killed midway")
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["chart.svg"]
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new" and sorted(p.name for p in tmp_path.iterdir()) == ["chart.svg"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only")
def test_the_lock_excludes_other_processes_and_a_forked_child_does_not_hold_it(tmp_path):
    import fcntl

    from ldkit.core.files import locked

    path = tmp_path / "x.lock"
    with locked(path) as handle:
        pid = os.fork()
        if pid == 0:  # the child: a flock would be shared with it through the inherited file; lockf is not
            try:
                fcntl.lockf(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                os._exit(0)
            except OSError:
                os._exit(1)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 1
    pid = os.fork()
    if pid == 0:  # once released, another process takes it at once
        with open(path, "a+b") as other:
            try:
                fcntl.lockf(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                os._exit(0)
            except OSError:
                os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
