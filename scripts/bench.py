"""ldkit's benchmarks: each prints ldkit's time, the reference tool's time, and the ratio against the goal.

Timings are medians of several runs of the real commands as subprocesses, measured in the same run, so the ratio
holds on whatever machine runs it. Nothing here is asserted in the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def timed(cmd: list[str], runs: int, cwd: Path, env: dict | None = None, before=None) -> float:
    """Median wall time of `cmd` over `runs` runs (after one warm-up run)."""
    times = []
    for i in range(runs + 1):
        if before:
            before()
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"bench: {' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
        if i:
            times.append(elapsed)
    return statistics.median(times)


def report(name: str, mine: float, other: float | None, goal: str, limit: float, unit: str = "s") -> dict:
    if other is None:
        met = mine <= limit
        print(f"{name:<44} ldkit {mine:8.3f} {unit}   goal {goal:<24} {'MET' if met else 'NOT MET'}")
        return {"name": name, "ldkit": mine, "goal": goal, "met": met}
    ratio = mine / other
    met = ratio <= limit
    print(f"{name:<44} ldkit {mine:8.3f} {unit}  reference {other:8.3f} {unit}  ratio {ratio:5.3f}  "
          f"goal {goal:<12} {'MET' if met else 'NOT MET'}")
    return {"name": name, "ldkit": mine, "reference": other, "ratio": ratio, "goal": goal, "met": met}


def make_workspace(base: Path) -> Path:
    ws = base / "ws"
    subprocess.run([str(BIN / "ldkit"), "init", str(ws)], check=True, capture_output=True)
    return ws


def bench_help(base: Path, runs: int) -> dict:
    mine = timed([str(BIN / "ldkit"), "--help"], runs, base)
    other = timed([str(BIN / "papermill"), "--help"], runs, base)
    return report("ldkit --help vs papermill --help", mine, other, "<= 0.15x", 0.15)


def bench_new(base: Path, runs: int) -> dict:
    ws = make_workspace(base)
    env = {"LDKIT_HOME": str(ws), "LDKIT_AUTHOR": "bench"}
    target = ws / "workbooks"

    def clean() -> None:
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()

    mine = timed([str(BIN / "ldkit"), "new", "paper", "--title", "X"], runs, ws, env, before=clean)
    out = base / "prepared.ipynb"
    other = timed([str(BIN / "papermill"), "--prepare-only", str(ws / "templates" / "paper.ipynb"), str(out),
                   "-p", "title", "X", "-p", "author", "bench"], runs, ws, env)
    return report("ldkit new paper vs papermill --prepare-only", mine, other, "<= 0.25x", 0.25)


def bench_status(base: Path, runs: int, count: int = 2000) -> dict:
    sys.path.insert(0, str(ROOT))
    from ldkit.records.schema import make_record, outcome_data, plan_data
    from ldkit.records.workbook import save_record
    from ldkit.scaffold import create_workbook
    from ldkit.templates import get_template
    from ldkit.weeks import parse_week
    from ldkit.workspace import find_workspace

    ws_root = make_workspace(base)
    os.environ["LDKIT_HOME"] = str(ws_root)
    ws = find_workspace()
    week = parse_week("this")
    templates = [get_template(n, ws.templates) for n in ("paper", "tutorial", "reading", "blank")]
    for i in range(count):
        made = create_workbook(ws, templates[i % 4], title=f"Workbook {i}", week=week, author=f"person-{i % 150}")
        if i % 3:
            save_record(made.path, make_record("plan", made.id, made.author,
                                               plan_data(f"goal {i}", "tutorial", None, 3, categories=("tutorial",))))
        if i % 2:
            save_record(made.path, make_record("outcome", made.id, made.author, outcome_data(f"summary {i}")))
    del os.environ["LDKIT_HOME"]
    mine = timed([str(BIN / "ldkit"), "status", "--json"], runs, ws_root, {"LDKIT_HOME": str(ws_root)})
    return report(f"ldkit status over {count:,} workbooks", mine, None, "<= 1 s", 1.0)


def bench_paper(base: Path, runs: int) -> dict:
    """`ldkit new paper --arxiv ID` with a warm cache against `ldkit new paper` without an id."""
    sys.path.insert(0, str(ROOT))
    from ldkit.papers import _store, parse_arxiv_id, parse_atom

    ws = make_workspace(base)
    cache = base / "cache"
    env = {"LDKIT_HOME": str(ws), "LDKIT_AUTHOR": "bench", "LDKIT_CACHE_DIR": str(cache),
           "LDKIT_ARXIV_API": "http://127.0.0.1:9/unreachable"}  # a cache miss would fail loudly, not go online
    os.environ["LDKIT_CACHE_DIR"] = str(cache)
    ref = parse_arxiv_id("1803.02999")
    _store(ref, parse_atom((ROOT / "tests" / "fixtures" / "arxiv-1803.02999.xml").read_bytes(), ref))
    del os.environ["LDKIT_CACHE_DIR"]
    target = ws / "workbooks"

    def clean() -> None:
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()

    mine = timed([str(BIN / "ldkit"), "new", "paper", "--arxiv", "1803.02999"], runs, ws, env, before=clean)
    other = timed([str(BIN / "ldkit"), "new", "paper"], runs, ws, env, before=clean)
    return report("ldkit new paper --arxiv (warm) vs without id", mine, other, "<= 1.2x", 1.2)


FORM_PROBE = """
import time, json
t = time.perf_counter()
import ldkit
form = ldkit.plan(notebook={path!r})
shown = time.perf_counter() - t
saves = []
for n in range(20):
    form.set(goal=f"goal {{n}}")
    t = time.perf_counter()
    assert form.save() is not None, form.message.value
    saves.append(time.perf_counter() - t)
import sys
heavy = sorted(m for m in ("nbformat", "nbconvert", "papermill", "jsonschema") if m in sys.modules)
print("BENCH" + json.dumps({{"shown": shown, "save": sorted(saves)[len(saves) // 2], "heavy": heavy}}))
"""


def bench_form(base: Path, runs: int) -> list[dict]:
    """`import ldkit` + the plan form in a fresh kernel each run, and the median of 20 saves."""
    from jupyter_client.manager import start_new_kernel

    ws = make_workspace(base)
    made = subprocess.run([str(BIN / "ldkit"), "new", "blank", "--title", "Bench", "--json"], cwd=ws,
                          env={**os.environ, "LDKIT_HOME": str(ws), "LDKIT_AUTHOR": "bench"},
                          capture_output=True, text=True, check=True)
    path = json.loads(made.stdout)["path"]
    shown, saves = [], []
    for _ in range(runs):
        manager, client = start_new_kernel(kernel_name="python3", cwd=str(Path(path).parent))
        lines: list[str] = []
        try:
            client.execute_interactive(FORM_PROBE.format(path=path), timeout=120,
                                       output_hook=lambda msg: lines.append(msg["content"].get("text", "")))
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
        found = [x for x in "".join(lines).splitlines() if x.startswith("BENCH")]
        if not found:
            raise SystemExit(f"bench: the form probe printed nothing: {''.join(lines)[-2000:]}")
        result = json.loads(found[0][5:])
        if result["heavy"]:
            print(f"  note: the form path imported {result['heavy']}")
        shown.append(result["shown"])
        saves.append(result["save"])
    return [report("import ldkit + plan form in a kernel", statistics.median(shown), None, "<= 0.3 s", 0.3),
            report("a form save (median of 20)", statistics.median(saves) * 1000, None, "<= 50 ms", 50, "ms")]


BENCHES = {"help": bench_help, "new": bench_new, "status": bench_status, "form": bench_form,
           "paper": bench_paper}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", choices=sorted(BENCHES), help="run only these (repeatable)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (median is reported)")
    parser.add_argument("--json", dest="json_out", help="also write the figures to this JSON file")
    args = parser.parse_args()
    results = []
    print(f"ldkit bench on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, median of {args.runs} runs")
    for name in args.only or list(BENCHES):
        with tempfile.TemporaryDirectory(prefix=f"ldkit-bench-{name}-") as tmp:
            outcome = BENCHES[name](Path(tmp), args.runs)
            results.extend(outcome if isinstance(outcome, list) else [outcome])
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
