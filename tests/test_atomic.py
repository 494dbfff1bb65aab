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
