"""bot.worktree: answers share the work tree; git's rebase (`--commit`) holds it alone, and no answer reads a
tree that git is rewriting."""
from __future__ import annotations

import datetime as dt
import threading
import time

from ldkit.bot.worktree import WORK_TREE, SharedLock


def _in_thread(target) -> tuple[threading.Thread, list]:
    done: list = []
    thread = threading.Thread(target=lambda: done.append(target()), daemon=True)
    thread.start()
    return thread, done


def test_many_share_it_and_one_alone_waits_for_them_and_goes_first():
    lock = SharedLock()
    order: list[str] = []
    with lock.shared(), lock.shared():  # two holders at once
        alone, _ = _in_thread(lambda: _hold(lock.exclusive(), order, "git"))
        time.sleep(0.2)
        assert order == []  # git waits for the answers that hold it
        late, _ = _in_thread(lambda: _hold(lock.shared(), order, "late answer"))
        time.sleep(0.2)
        assert order == []
    alone.join(5)
    late.join(5)
    assert order == ["git", "late answer"]  # one waiting to hold it alone goes before those that came after


def _hold(context, order: list[str], name: str) -> None:
    with context:
        order.append(name)
        time.sleep(0.05)


def test_an_answer_waits_while_git_rewrites_the_work_tree(roster):
    from ldkit.bot.answers import answer
    from ldkit.bot.words import parse_words
    from ldkit.core.workspace import find_workspace

    ws = find_workspace()
    ada = next(m for m in ws.settings.team if m.slug == "ada")
    day = dt.datetime(2026, 12, 3, 10, tzinfo=dt.timezone.utc)
    with WORK_TREE.exclusive():
        thread, said = _in_thread(lambda: answer(ws, ada, parse_words("plan Read the paper"), str, day))
        time.sleep(0.3)
        assert said == [] and not list(ws.workbooks.rglob("*.ipynb"))  # nothing read or written yet
    thread.join(10)
    assert said[0].saved == "plan" and len(list(ws.workbooks.rglob("*.ipynb"))) == 1
