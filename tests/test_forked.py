"""core.forked: work shared out to forked processes gives what one process gives, in order; a worker that fails
has its share done here; none is left behind. (Kills, Ctrl-C and refused forks: tests/test_treestamp.py.)"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import psutil
import pytest

from ldkit.core import forked


@dataclass
class Numbers:
    week: int
    people: set[str] = field(default_factory=set)


@pytest.fixture
def alone(monkeypatch):
    monkeypatch.setattr(forked, "other_threads", lambda: False)


def _children() -> set[int]:
    return {child.pid for child in psutil.Process().children(recursive=True)}


def test_each_item_comes_back_in_order_whatever_the_processes(alone):
    def work(i):
        return Numbers(i, {f"p{i}", str(os.getpid())})

    before = _children()
    here = [Numbers(i, {f"p{i}"}) for i in range(7)]
    for processes in (1, 2, 3, 16):
        got = forked.shared_map(work, 7, processes)
        assert [(n.week, {p for p in n.people if not p.isdigit()}) for n in got] == [(n.week, n.people)
                                                                                    for n in here]
    pids = {p for n in forked.shared_map(work, 7, 3) for p in n.people if p.isdigit()}
    assert len(pids) == 3 and str(os.getpid()) in pids  # this process and two workers
    assert forked.shared_map(work, 0, 4) == []
    assert _children() == before


def test_a_worker_that_fails_has_its_share_done_here(alone):
    parent = os.getpid()

    def work(i):
        if os.getpid() != parent and i == 3:
            raise OSError("a fault in the worker")
        return i * i

    before = _children()
    assert forked.shared_map(work, 8, 2) == [i * i for i in range(8)]
    assert _children() == before


def test_no_fork_while_another_thread_runs(monkeypatch):
    monkeypatch.setattr(forked, "other_threads", lambda: True)
    monkeypatch.setattr(forked, "_fork_worker", lambda work, share: pytest.fail("forked"))
    assert forked.shared_map(lambda i: i + 1, 5, 4) == [1, 2, 3, 4, 5]
