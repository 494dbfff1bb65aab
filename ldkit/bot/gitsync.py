"""`--commit`: each saved answer committed in the workspace's git repository and pushed, so CI builds the site
from chat answers too.

Commits run one at a time on their own thread, after the answer was sent. A rejected push (someone pushed first)
is fetched, rebased (with no answer reading the work tree meanwhile: bot.worktree) and pushed again, up to three
times; journals merge by union (`.gitattributes`), and each person's folder is theirs, so a rebase does not
conflict. A failure is said on stderr; the answer stays saved either way.
"""
from __future__ import annotations

import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ldkit.bot.answers import Answer
from ldkit.bot.worktree import WORK_TREE
from ldkit.core.errors import InputError

PUSH_TRIES = 3


class Committer:
    def __init__(self, root: Path, push: bool = True) -> None:
        self.root = Path(root)
        self.push = push
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ldkit-bot-git")
        self.pending: list[Future] = []

    def check(self) -> None:
        """Refuse to start with --commit outside a git work tree, rather than fail on every answer."""
        inside = self._git("rev-parse", "--is-inside-work-tree")
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            raise InputError(f"--commit needs the workspace to be a git clone; {self.root} is not one",
                             hint="clone the team's repository and run the bot there, or leave out --commit")

    def saved(self, answer: Answer, slug: str) -> None:
        self.pending = [f for f in self.pending if not f.done()]
        self.pending.append(self.pool.submit(self.commit, list(answer.changed), f"{slug}: {answer.saved} from chat"))

    def flush(self) -> None:
        for future in list(self.pending):
            future.result()

    def _git(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, text=True)

    def commit(self, paths: list[Path], message: str) -> bool:
        relative = [str(Path(p).resolve().relative_to(self.root.resolve())) for p in paths if Path(p).exists()]
        if not relative:
            return False
        added = self._git("add", "--", *relative)
        if added.returncode == 0 and self._git("diff", "--cached", "--quiet", "--", *relative).returncode == 0:
            # an answer saved while the previous commit ran is already in it (a journal is one file): nothing to do
            return self._push() if self.push else True
        done = self._git("commit", "-m", f"Learning Day: {message}", "--", *relative)
        if added.returncode != 0 or done.returncode != 0:
            print(f"ldkit bot: could not commit {message}: {(added.stderr or done.stderr or done.stdout).strip()}",
                  file=sys.stderr)
            return False
        if not self.push:
            return True
        return self._push()

    def _push(self) -> bool:
        for _ in range(PUSH_TRIES):
            pushed = self._git("push", "--quiet")
            if pushed.returncode == 0:
                return True
            fetched = self._git("fetch", "--quiet")  # over the network: answers go on meanwhile
            if fetched.returncode != 0:
                print(f"ldkit bot: could not fetch from the remote: {fetched.stderr.strip()}", file=sys.stderr)
                return False
            # the rebase checks the remote's commit out and replays ours: no answer reads or writes the work tree
            # meanwhile (a new workbook would seem gone); --autostash keeps one saved while this commit was pushed
            with WORK_TREE.exclusive():
                rebased = self._git("rebase", "--autostash", "--quiet", "@{upstream}")
                if rebased.returncode != 0:
                    self._git("rebase", "--abort")
            if rebased.returncode != 0:
                print(f"ldkit bot: could not rebase onto the remote: {rebased.stderr.strip()}", file=sys.stderr)
                return False
        print(f"ldkit bot: the push was rejected {PUSH_TRIES} times; the commit stays local and the next answer "
              "pushes it", file=sys.stderr)
        return False
