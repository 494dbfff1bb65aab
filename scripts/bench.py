"""ldkit's benchmarks: each prints ldkit's time, the reference tool's time, and the ratio against the goal.

Timings are medians of several runs of the real commands as subprocesses, measured in the same run, so the ratio
holds on whatever machine runs it. Nothing here is asserted in the test suite.
"""
from __future__ import annotations

import argparse
import json
import os
import re
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
            raise SystemExit(f"bench: {' '.join(cmd)[:300]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
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
    from ldkit.core.weeks import parse_week
    from ldkit.core.workspace import find_workspace
    from ldkit.records.schema import make_record, outcome_data, plan_data
    from ldkit.records.workbook import save_record
    from ldkit.workbook.scaffold import create_workbook
    from ldkit.workbook.templates import get_template

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
    from ldkit.workbook.papers import _store, parse_arxiv_id, parse_atom

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


def make_corpus(ws_root: Path, count: int, week: str = "2026-W48") -> list[Path]:
    """`count` workbooks of ~95 KB: 30 cells (markdown, code, outputs) and 3 images each, by 40 people."""
    import base64
    import random

    sys.path.insert(0, str(ROOT))
    from ldkit.core.weeks import parse_week
    from ldkit.core.workspace import find_workspace
    from ldkit.records.schema import make_record, outcome_data, plan_data
    from ldkit.records.workbook import dump_notebook, save_record
    from ldkit.workbook.scaffold import create_workbook
    from ldkit.workbook.templates import get_template

    os.environ["LDKIT_HOME"] = str(ws_root)
    ws = find_workspace()
    template = get_template("blank", ws.templates)
    rng = random.Random(48)
    paths = []
    for i in range(count):
        made = create_workbook(ws, template, title=f"Study {i}", week=parse_week(week), author=f"person-{i % 40}")
        nb = json.loads(made.path.read_text())
        for c in range(26):
            if c % 2:
                nb["cells"].append({"cell_type": "markdown", "id": f"m{c}", "metadata": {},
                                    "source": f"## Step {c}\n\nSome notes with *emphasis* and `code`, "
                                              f"and a formula $a^2 + b^2 = c^2$. " * 6})
            else:
                outputs = [{"output_type": "stream", "name": "stdout", "text": f"epoch {c}: loss 0.{c}\n" * 12}]
                if c in (4, 12, 20):
                    png = base64.b64encode(rng.randbytes(19_000)).decode()
                    outputs.append({"output_type": "display_data", "metadata": {},
                                    "data": {"image/png": png, "text/plain": "<Figure>"}})
                nb["cells"].append({"cell_type": "code", "id": f"c{c}", "metadata": {}, "execution_count": c,
                                    "outputs": outputs,
                                    "source": f"for epoch in range({c}):\n    loss = train(model, data)\n"
                                              f"    print(f'epoch {{epoch}}: loss {{loss:.3f}}')"})
        made.path.write_text(dump_notebook(nb))
        save_record(made.path, make_record("plan", made.id, made.author,
                                           plan_data(f"goal {i}", "tutorial", None, 3, categories=("tutorial",))))
        save_record(made.path, make_record("outcome", made.id, made.author,
                                           outcome_data(f"Learned thing {i}. More words.", hours=3)))
        paths.append(made.path)
    del os.environ["LDKIT_HOME"]
    return paths


def _peak_rss(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float]:
    """Wall time and the peak of the summed RSS of a command and all its children, in MB."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    peak = 0
    parent = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            total = parent.memory_info().rss + sum(c.memory_info().rss for c in parent.children(recursive=True))
            peak = max(peak, total)
        except psutil.Error:
            pass
        time.sleep(0.05)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed: {proc.stderr.read().decode()[-2000:]}")
    return time.perf_counter() - start, peak / 1e6


def abab(mine: list[str], other: list[str], rounds: int, cwd: Path, env: dict, before_mine=None,
         before_other=None) -> tuple[float, float]:
    """Medians of `mine` and `other` measured alternately (A B A B), so both see the same machine load."""
    a, b = [], []
    for _ in range(max(1, rounds)):
        a.append(timed(mine, 1, cwd, env, before=before_mine))
        b.append(timed(other, 1, cwd, env, before=before_other))
    return statistics.median(a), statistics.median(b)


def page_against_lab(folder: Path, digest: list[str]) -> tuple[int, int]:
    """A 20-notebook week's page and nbconvert's default (lab) pages for the same notebooks, in bytes."""
    small = make_workspace(folder)
    paths = make_corpus(small, 20)
    subprocess.run(digest, cwd=small, env={**os.environ, "LDKIT_HOME": str(small)}, check=True, capture_output=True)
    page = (small / "digests" / "2026-W48" / "index.html").stat().st_size
    lab = folder.with_name(folder.name + "-lab")
    subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--output-dir", str(lab), *map(str, paths)],
                   check=True, capture_output=True)
    return page, sum(p.stat().st_size for p in lab.glob("*.html"))


def bench_digest(base: Path, runs: int) -> list[dict]:
    ws = make_workspace(base)
    paths = make_corpus(ws, 200)
    size = statistics.mean(p.stat().st_size for p in paths) / 1000
    print(f"  corpus: {len(paths)} notebooks, {size:.0f} KB each on average")
    env = {"LDKIT_HOME": str(ws)}
    digest = [str(BIN / "ldkit"), "digest", "--week", "2026-W48", "--quiet"]
    cache = ws / ".ldkit-cache"
    out = base / "nbconvert-out"
    nbconvert = [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--output-dir", str(out), *map(str, paths)]
    cold, reference = abab(digest + ["--rebuild"], nbconvert, max(2, runs // 2), ws, env,
                           before_mine=lambda: shutil.rmtree(cache, True))
    results = [report("cold digest of 200 vs jupyter nbconvert --to html", cold, reference, "<= 0.15x", 0.15)]
    subprocess.run(digest, cwd=ws, env={**os.environ, **env}, check=True, capture_output=True)
    warm = timed(digest, runs, ws, env)
    results.append(report("digest, nothing changed vs that nbconvert run", warm, reference, "<= 0.01x", 0.01))
    changed = paths[7]
    edits = iter(range(1_000_000))

    def touch_one() -> None:
        # new content every run: going back to earlier bytes would be a (correct) cache hit, not a change
        nb = json.loads(changed.read_text())
        nb["cells"][-1]["source"] = f"print('edit {next(edits)}')"
        changed.write_text(json.dumps(nb))

    one = timed(digest, runs, ws, env, before=touch_one)
    results.append(report("digest, one notebook changed vs that nbconvert run", one, reference, "<= 0.02x", 0.02))
    # size: a 20-notebook week against nbconvert's default (lab) pages for the same notebooks
    page, lab_total = page_against_lab(base / "small", digest)
    results.append(report("index.html size for 20 vs nbconvert lab pages", page / 1e6, lab_total / 1e6,
                          "<= 0.3x", 0.3, "MB"))
    return results


FORMULA = re.compile(r"\$\$(.+?)\$\$|(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$(?!\d)", re.S)


def real_corpus(base: Path) -> list[Path]:
    """Public notebooks nobody here wrote: LDKIT_BENCH_CORPUS (folders, ':'-separated), else the snapshots the
    search tool's `fetch` leaves under /work/.mirror (nothing is committed or downloaded by this script)."""
    folders = [Path(p) for p in os.environ.get("LDKIT_BENCH_CORPUS", "").split(":") if p]
    if not folders:
        mirror = Path("/work/.mirror")
        for name in ("jakevdp+PythonDataScienceHandbook", "fastai+numerical-linear-algebra"):
            repo = mirror / name / "repo"
            if repo.exists():
                target = base / "corpus" / name
                if not target.exists():
                    target.mkdir(parents=True)
                    _checkout(repo, target)
                folders.append(target)
    return sorted(p for folder in folders for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in str(p))


def _checkout(repo: Path, target: Path) -> None:
    """The snapshot's files into `target`, one blob at a time: a snapshot may lack its largest files."""
    listing = subprocess.run(["git", "-C", str(repo), "ls-tree", "-r", "HEAD"], capture_output=True, text=True,
                             check=True).stdout
    for line in listing.splitlines():
        meta, _, name = line.partition("\t")
        kind, sha = meta.split()[1:3]
        if kind != "blob" or not name.lower().endswith((".ipynb", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".csv")):
            continue
        blob = subprocess.run(["git", "-C", str(repo), "cat-file", "blob", sha], capture_output=True)
        if blob.returncode == 0:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(blob.stdout)


def bench_maths(base: Path, runs: int) -> list[dict]:
    """TeX -> MathML per formula on real notebooks' formulas, and a 300-formula notebook against the same without."""
    sys.path.insert(0, str(ROOT))
    from ldkit.render.fragment import render_notebook
    from ldkit.render.mathml import tex_to_mathml

    formulas = []
    corpus = real_corpus(base)
    for path in corpus:
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "markdown":
                source = "".join(cell.get("source", ""))
                formulas += [(m.group(1) or m.group(2), bool(m.group(1))) for m in FORMULA.finditer(source)]
    results = []
    if formulas:
        tex_to_mathml.cache_clear()
        start = time.perf_counter()
        converted = [tex_to_mathml(tex, display) for tex, display in formulas]
        per = (time.perf_counter() - start) / len(formulas) * 1000
        typeset = sum(1 for out in converted if out is not None)
        print(f"  {len(formulas)} formulas from {len(corpus)} real notebooks: {typeset} typeset, "
              f"{len(formulas) - typeset} shown as TeX")
        results.append(report("TeX -> MathML, mean per real formula", per, None, "<= 1 ms", 1, "ms"))
    else:
        print("  no real corpus here (fetch one, or set LDKIT_BENCH_CORPUS): per-formula figure skipped")
    rng = __import__("random").Random(300)
    pieces = [r"\frac{{a_{i}}}{{b_{j}}}", r"\sum_{{k=1}}^{{{i}}} x_k^{j}", r"\sqrt{{{i} + y_{j}}}",
              r"\alpha_{i} \beta^{j} \nabla_\theta L", r"\hat{{y}}_{i} = W_{j} x + b"]
    with_maths = "\n\n".join(f"Step {n}: the update is ${rng.choice(pieces).format(i=n, j=n % 7)}$ here, and we "
                              f"iterate." for n in range(300))
    without = re.sub(r"\$[^$]+\$", "the update", with_maths)

    def notebook(text: str) -> bytes:
        cells = [{"cell_type": "markdown", "id": f"m{n}", "metadata": {}, "source": chunk}
                 for n, chunk in enumerate(text.split("\n\n"))]
        return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}).encode()

    from ldkit.render import mathml

    raw_with, raw_without = notebook(with_maths), notebook(without)
    render_notebook(raw_without)  # warm the exporter
    figures = {}
    for label, store in (("never seen before", None), ("seen before (formula store)", base / "formulas.sqlite")):
        a, b = [], []
        for _ in range(max(3, runs)):
            if store is None:
                mathml.use_store(None)
            else:
                mathml.use_store(store)
                render_notebook(raw_with)  # the store holds them (as after the notebook's first render)
                mathml.flush_store()
            tex_to_mathml.cache_clear()  # a new worker process: nothing in memory
            start = time.perf_counter()
            render_notebook(raw_with)
            a.append(time.perf_counter() - start)
            start = time.perf_counter()
            render_notebook(raw_without)
            b.append(time.perf_counter() - start)
        figures[label] = (statistics.median(a), statistics.median(b))
    mathml.use_store(None)
    first = figures["never seen before"]
    print(f"  300 formulas never converted before: {first[0]:.3f} s vs {first[1]:.3f} s "
          f"({first[0] / first[1]:.2f}x; ~0.1 ms a formula in latex2mathml)")
    results.append(report("render: 300 formulas (store warm) vs none", *figures["seen before (formula store)"],
                          "<= 1.2x", 1.2))
    return results


def bench_real(base: Path, runs: int) -> dict | None:
    """The cold digest on real notebooks (copied into workbooks with their figures) vs nbconvert on the same."""
    sys.path.insert(0, str(ROOT))
    sources = real_corpus(base)
    if not sources:
        print("  no real corpus here (fetch one, or set LDKIT_BENCH_CORPUS): skipped")
        return None
    ws_root, paths = _real_workspace(base, sources)
    print(f"  real corpus: {len(paths)} notebooks, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB")
    env = {"LDKIT_HOME": str(ws_root)}
    digest = [str(BIN / "ldkit"), "digest", "--week", "2026-W48", "--quiet", "--rebuild"]
    nbconvert = [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--output-dir", str(base / "out"),
                 *map(str, paths)]
    cold, reference = abab(digest, nbconvert, max(1, runs // 3), ws_root, env,
                           before_mine=lambda: shutil.rmtree(ws_root / ".ldkit-cache", True))
    return report("cold digest of real notebooks vs nbconvert", cold, reference, "<= 0.15x", 0.15)


def bench_memory(base: Path, runs: int) -> dict:
    ws = make_workspace(base)
    make_corpus(ws, 1000)
    _, peak = _peak_rss([str(BIN / "ldkit"), "digest", "--week", "2026-W48", "--quiet"], ws, {"LDKIT_HOME": str(ws)})
    return report("peak memory of a 1,000-notebook digest", peak, None, "<= 400 MB", 400, "MB")


def bench_execute(base: Path, runs: int) -> dict:
    """`ldkit digest --execute` on 10 small notebooks against `papermill` on each, one after another."""
    ws = make_workspace(base)
    env = {"LDKIT_HOME": str(ws), "LDKIT_AUTHOR": "bench"}
    paths = _workbooks(ws, 10, "import math\nprint(sum(math.sqrt(k) for k in range({i} * 1000)))", env)
    digest = [str(BIN / "ldkit"), "digest", "--execute", "--rebuild", "--quiet"]
    mine = timed(digest, runs, ws, env)
    out = base / "papermill-out"
    out.mkdir()

    def papermill_each() -> None:
        for path in paths:
            subprocess.run([str(BIN / "papermill"), "--no-progress-bar", str(path), str(out / path.name)],
                           cwd=ws, check=True, capture_output=True)

    times = []
    for _ in range(max(1, runs // 2)):
        start = time.perf_counter()
        papermill_each()
        times.append(time.perf_counter() - start)
    return report("digest --execute of 10 vs papermill on each", mine, statistics.median(times), "<= 0.3x", 0.3)


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
                                       output_hook=lambda msg, seen=lines: seen.append(msg["content"].get("text", "")))
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


def make_team(ws_root: Path, weeks: int = 26, people: int = 20, big: int = 10) -> list[str]:
    """`weeks` weeks of `people` small workbooks (plan, outcome, a result) plus `big` synthetic notebooks each."""
    sys.path.insert(0, str(ROOT))
    from ldkit.core.weeks import parse_week
    from ldkit.core.workspace import find_workspace
    from ldkit.records.schema import make_record, outcome_data, plan_data
    from ldkit.records.workbook import save_record
    from ldkit.workbook.scaffold import create_workbook
    from ldkit.workbook.templates import get_template

    os.environ["LDKIT_HOME"] = str(ws_root)
    ws = find_workspace()
    template = get_template("blank", ws.templates)
    start = parse_week("2026-W10")
    names = []
    for w in range(weeks):
        week = start.shift(w)
        names.append(str(week))
        make_corpus(ws_root, big, str(week))
        os.environ["LDKIT_HOME"] = str(ws_root)
        for p in range(people):
            made = create_workbook(ws, template, title=f"Week {w} study {p}", week=week, author=f"member-{p}")
            save_record(made.path, make_record("plan", made.id, made.author, plan_data(
                f"Study topic {p} in week {w}", ("tutorial", "fundamentals", "paper-reimplementation")[p % 3],
                None, 3, categories=("tutorial", "fundamentals", "paper-reimplementation"))))
            save_record(made.path, make_record("outcome", made.id, made.author, outcome_data(
                f"Learned about gradient noise and topic {p}; week {w} went well.", hours=3)))
            save_record(made.path, make_record("result", made.id, made.author, {
                "name": "accuracy", "paper": 90.0, "mine": 89.5 + p % 3, "tolerance": 1}), into_notebook=False)
    del os.environ["LDKIT_HOME"]
    return names


def bench_site(base: Path, runs: int) -> list[dict]:
    """26 weeks x 20 people (+ 10 synthetic notebooks a week): the site against the weeks' cold digests."""
    ws = make_workspace(base)
    weeks = make_team(ws)
    env = {"LDKIT_HOME": str(ws)}
    cache = ws / ".ldkit-cache"
    ldkit = str(BIN / "ldkit")
    print(f"  team: {len(weeks)} weeks, {sum(1 for _ in (ws / 'workbooks').rglob('*.ipynb'))} workbooks")
    digests = 0.0
    for week in weeks:
        shutil.rmtree(cache, True)
        digests += timed([ldkit, "digest", "--week", week, "--quiet"], 1, ws, env)
    shutil.rmtree(cache, True)
    shutil.rmtree(ws / "site", True)
    first, peak = _peak_rss([ldkit, "site", "--quiet"], ws, env)
    results = [report("first site vs the 26 cold digests (sum)", first, digests, "<= 1.2x", 1.2),
               report("peak memory of the first site build", peak, None, "<= 400 MB", 400, "MB")]
    changed = next((ws / "workbooks" / weeks[12]).rglob("*.ipynb"))
    edits = iter(range(1_000_000))

    def touch_one() -> None:
        nb = json.loads(changed.read_text())
        nb["cells"][-1]["source"] = f"print('edit {next(edits)}')"
        changed.write_text(json.dumps(nb))

    one = timed([ldkit, "site", "--quiet"], runs, ws, env, before=touch_one)
    warm = timed([ldkit, "digest", "--week", weeks[12], "--quiet"], runs, ws, env)
    results.append(report("site after one workbook changed", one, None, "<= 1.5 s", 1.5))
    results.append(report("site after one change vs a warm digest of that week", one, warm, "<= 3x", 3))
    subprocess.run([ldkit, "search", "gradient"], cwd=ws, env={**os.environ, **env}, check=True,
                   capture_output=True)
    results.append(report("search on a warm index", timed([ldkit, "search", "gradient", "noise"], runs, ws, env),
                          None, "<= 0.2 s", 0.2))
    db = base / "team.db"
    results.append(report("export --sqlite", timed([ldkit, "export", "--sqlite", str(db)], runs, ws, env), None,
                          "<= 2 s", 2))
    return results


def bench_search(base: Path, runs: int, count: int = 4000) -> list[dict]:
    """The first search index build over `count` workbooks, against the same build deleting by path before each
    insert (what it did before: an unindexed FTS column, so each delete scans the table), in the same run."""
    import sqlite3

    sys.path.insert(0, str(ROOT))
    ws_root = make_workspace(base)
    from ldkit.core.weeks import parse_week
    from ldkit.core.workspace import find_workspace
    from ldkit.records.schema import make_record, outcome_data
    from ldkit.records.workbook import save_record
    from ldkit.site import search
    from ldkit.workbook.scaffold import create_workbook
    from ldkit.workbook.templates import get_template

    os.environ["LDKIT_HOME"] = str(ws_root)
    ws = find_workspace()
    made = create_workbook(ws, get_template("paper", ws.templates), title="Policy gradients",
                           week=parse_week("2026-W10"), author="member-0")
    save_record(made.path, make_record("outcome", made.id, made.author, outcome_data(
        "Learned about policy gradients and their variance.", hours=3)))
    raw = made.path.read_bytes()
    for n in range(1, count):
        target = ws.week_folder(parse_week("2026-W10").shift(n % 50)) / f"member-{n % 40}" / f"study-{n}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(raw)
    del os.environ["LDKIT_HOME"]

    class DeleteFirst(sqlite3.Connection):
        def execute(self, sql, *args):  # type: ignore[override]
            if sql.startswith("INSERT INTO docs"):
                super().execute("DELETE FROM docs WHERE path = ?", (args[0][0],))
            return super().execute(sql, *args)

    def build(factory: type) -> float:
        path = base / "search.sqlite"
        path.unlink(missing_ok=True)
        db = sqlite3.connect(path, factory=factory)
        search._create(db)
        start = time.perf_counter()
        search.refresh(ws, db)
        took = time.perf_counter() - start
        db.close()
        return took

    print(f"  search: {count} workbooks")
    mine = statistics.median(build(sqlite3.Connection) for _ in range(max(1, runs // 2)))
    old = build(DeleteFirst)
    return [report(f"first search index build ({count} workbooks) vs delete-by-path first", mine, old,
                   "<= 0.5x", 0.5)]


def _workbooks(ws: Path, count: int, code: str, env: dict) -> list[Path]:
    paths = []
    for i in range(count):
        made = subprocess.run([str(BIN / "ldkit"), "new", "blank", "--title", f"Run {i}", "--author", f"p{i % 4}",
                               "--json"], cwd=ws, env={**os.environ, **env}, capture_output=True, text=True,
                              check=True)
        path = Path(json.loads(made.stdout)["path"])
        nb = json.loads(path.read_text())
        nb["cells"].append({"cell_type": "code", "id": "work", "metadata": {}, "execution_count": None,
                            "outputs": [], "source": code.format(i=i)})
        path.write_text(json.dumps(nb))
        paths.append(path)
    return paths


def _dask_cluster(workers: int) -> tuple[str, list[subprocess.Popen]]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], **quiet)]
    procs += [subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1", "--resources", "kernel=1",
                                "--no-dashboard", "--host", "127.0.0.1"], **quiet) for _ in range(workers)]
    from distributed import Client

    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with Client(address, timeout=5) as client:
                if len(client.scheduler_info()["workers"]) >= workers:
                    return address, procs
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("bench: the dask cluster did not start")


def bench_cluster(base: Path, runs: int) -> list[dict]:
    """digest --execute on Dask: local:2 against the process pool; 3 workers against 1 on 12 sleeping notebooks."""
    imported = subprocess.run([sys.executable, "-X", "importtime", "-c", "import distributed"], capture_output=True,
                              text=True).stderr.strip().splitlines()[-1]
    print(f"  import distributed: {int(imported.split('|')[1]) / 1e6:.2f} s")
    ws = make_workspace(base / "small")
    env = {"LDKIT_HOME": str(ws), "LDKIT_AUTHOR": "bench"}
    _workbooks(ws, 10, "import math\nprint(sum(math.sqrt(k) for k in range({i} * 1000)))", env)
    digest = [str(BIN / "ldkit"), "digest", "--execute", "--rebuild", "--quiet"]
    dask_local, pool = abab(digest + ["--scheduler", "local:2"], digest + ["--jobs", "2"], max(2, runs // 2), ws, env)
    results = [report("10 workbooks: --scheduler local:2 vs the process pool", dask_local, pool, "<= 1.3x", 1.3)]
    sleepy = make_workspace(base / "sleepy")
    env = {"LDKIT_HOME": str(sleepy), "LDKIT_AUTHOR": "bench"}
    _workbooks(sleepy, 12, "import time\ntime.sleep(2)\nprint({i})", env)
    times = {}
    for workers in (1, 3):
        address, procs = _dask_cluster(workers)
        try:
            times[workers] = timed(digest + ["--scheduler", address], 1, sleepy, env)
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=30)
    results.append(report("12 sleeping workbooks: 3 workers vs 1", times[3], times[1], "<= 0.45x", 0.45))
    return results


def bench_bot(base: Path, runs: int) -> list[dict]:
    """`ldkit bot serve` as a process: 200 signed commands from 20 concurrent clients (each resent once, as Slack
    retries); acknowledgement p50 and p99 over the first deliveries, and the server's peak memory."""
    import threading

    import psutil

    sys.path.insert(0, str(ROOT))
    from tests.botkit import SLACK_SECRET, free_port, load_members, load_run

    ws = make_workspace(base)
    for slug, (name, chat, tz) in load_members(20).items():
        subprocess.run([str(BIN / "ldkit"), "team", "add", slug, "--name", name, "--chat", chat, "--tz", tz],
                       cwd=ws, check=True, capture_output=True)
    port = free_port()
    env = {**os.environ, "SLACK_SIGNING_SECRET": SLACK_SECRET, "SLACK_BOT_TOKEN": "xoxb-bench"}
    env.pop("LDKIT_HOME", None)
    server = subprocess.Popen([str(BIN / "ldkit"), "bot", "serve", "--port", str(port)], cwd=ws, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        process = psutil.Process(server.pid)
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], process.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        import httpx

        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/healthz")
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"bench: ldkit bot serve did not start: {server.stderr.read().decode()}") from None
                time.sleep(0.1)
        cpu_before = sum(psutil.Process(server.pid).cpu_times()[:2])
        started = time.perf_counter()
        times = sorted(load_run(url, clients=20, per_client=10, retries=1))
        wall = time.perf_counter() - started
        cpu = sum(psutil.Process(server.pid).cpu_times()[:2]) - cpu_before
    finally:
        stop.set()
        server.terminate()
        server.wait(timeout=30)
        sampler.join(5)
    p50 = statistics.median(times) * 1000
    p99 = times[min(len(times) - 1, int(round(0.99 * len(times))) - 1)] * 1000
    print(f"bot: the run took {wall:.2f} s; the server used {cpu:.2f} s of CPU, {cpu / 400 * 1000:.1f} ms a request "
          f"(200 commands + 200 resends); load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    return [report("bot: acknowledgement p50 (200 commands)", p50, None, "(reported)", float("inf"), "ms"),
            report("bot: acknowledgement p99 (200 commands)", p99, None, "p99 <= 300 ms", 300, "ms"),
            report("bot: server peak memory", peak[0] / 1e6, None, "<= 150 MB", 150, "MB")]


# ---- render goals of #20 on real corpora (scripts/bench --only render) ------------------------------------------

REAL_CORPORA = ("jakevdp+PythonDataScienceHandbook", "fastai+numerical-linear-algebra", "ageron+handson-ml2")
JB_VENV = ROOT / ".venv-bench-jb"


def real_corpora(base: Path) -> dict[str, list[Path]]:
    """Each real corpus's notebooks by name: every LDKIT_BENCH_CORPUS folder (':'-separated) is one, else each
    snapshot of REAL_CORPORA the search tool's `fetch` left under /work/.mirror, checked out under `base`."""
    folders = {Path(p).name: Path(p) for p in os.environ.get("LDKIT_BENCH_CORPUS", "").split(":") if p}
    if not folders:
        for name in REAL_CORPORA:
            repo = Path("/work/.mirror") / name / "repo"
            if repo.exists():
                target = base / "corpus" / name
                if not target.exists():
                    target.mkdir(parents=True)
                    _checkout(repo, target)
                folders[name.split("+")[-1]] = target
    return {name: sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in str(p))
            for name, folder in folders.items()}


def _real_workspace(base: Path, sources: list[Path], week: str = "2026-W48") -> tuple[Path, list[Path]]:
    """A workspace whose week holds `sources` as workbooks (with the folders beside them: figures, data)."""
    sys.path.insert(0, str(ROOT))
    from ldkit.core.weeks import parse_week
    from ldkit.core.workspace import find_workspace
    from ldkit.records.workbook import dump_notebook
    from ldkit.workbook.scaffold import create_workbook
    from ldkit.workbook.templates import get_template

    ws_root = make_workspace(base)
    os.environ["LDKIT_HOME"] = str(ws_root)
    try:
        ws = find_workspace()
        template = get_template("blank", ws.templates)
        paths = []
        for n, source in enumerate(sources):
            try:
                nb = json.loads(source.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if nb.get("nbformat") != 4:
                continue
            made = create_workbook(ws, template, title=f"{source.stem} {n}", week=parse_week(week),
                                   author=source.parent.name.lower()[:30] or "someone")
            identity = json.loads(made.path.read_text())["metadata"]["ldkit"]
            nb.setdefault("metadata", {})["ldkit"] = identity
            nb["metadata"].pop("widgets", None)  # some saved widget states make nbconvert itself fail (KeyError)
            made.path.write_text(dump_notebook(nb))
            for extra in source.parent.iterdir():  # figures and data beside the notebooks
                if extra.is_dir() and not (made.path.parent / extra.name).exists():
                    shutil.copytree(extra, made.path.parent / extra.name, symlinks=True)
            paths.append(made.path)
    finally:
        del os.environ["LDKIT_HOME"]
    return ws_root, paths


def _local_images(paths: list[Path]) -> set[Path]:
    """The local image files the notebooks' markdown references (a lab page needs them beside it)."""
    sys.path.insert(0, str(ROOT))
    from ldkit.render.media import referenced_files

    found = set()
    for path in paths:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for name in referenced_files(nb, path.parent):
            target = (path.parent / name).resolve()
            if target.is_file():
                found.add(target)
    return found


def jupyter_book() -> Path | None:
    """Jupyter Book 1's command from a bench-only venv (.venv-bench-jb, made on first use; never ldkit's deps)."""
    command = JB_VENV / "bin" / "jupyter-book"
    if not command.exists():
        print("  making .venv-bench-jb with jupyter-book<2 (first use only)")
        subprocess.run([sys.executable, "-m", "venv", str(JB_VENV)], check=True)
        done = subprocess.run([str(JB_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                               "--disable-pip-version-check", "jupyter-book<2"], capture_output=True, text=True)
        if done.returncode != 0 or not command.exists():
            print(f"  jupyter-book could not be installed (blocked):\n{done.stderr[-2000:]}")
            return None
    return command


def _book(folder: Path, paths: list[Path]) -> list[Path]:
    """A Jupyter Book of copies of `paths` (and the folders beside them), execution off; returns the copies."""
    folder.mkdir(parents=True)
    copies = []
    for n, path in enumerate(paths):
        copy = folder / f"nb{n:03d}.ipynb"
        shutil.copyfile(path, copy)
        copies.append(copy)
        for extra in path.parent.iterdir():
            if extra.is_dir() and not extra.name.startswith(".") and not (folder / extra.name).exists():
                shutil.copytree(extra, folder / extra.name, symlinks=True)
    (folder / "_config.yml").write_text("title: Learning Day\nauthor: bench\nexecute:\n  execute_notebooks: 'off'\n"
                                        "only_build_toc_files: true\n")
    chapters = "".join(f"  - file: {c.stem}\n" for c in copies[1:])
    (folder / "_toc.yml").write_text(f"format: jb-book\nroot: {copies[0].stem}\n"
                                     + (f"chapters:\n{chapters}" if chapters else ""))
    return copies


def _editor(paths: list[Path]):
    """A function that gives each of `paths` the same new last cell source each call (new bytes every run)."""
    edits = iter(range(1_000_000))

    def edit() -> None:
        n = next(edits)
        for path in paths:
            nb = json.loads(path.read_text())
            nb["cells"][-1]["source"] = f"print('edit {n}')"
            path.write_text(json.dumps(nb))
    return edit


def _once(cmd: list[str], cwd: Path, env: dict, before=None) -> float:
    """One run's wall time (abab's `timed` runs each command twice: a warm-up it throws away, then one)."""
    if before:
        before()
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)[:300]} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return took


def pairs(mine: list[str], other: list[str], rounds: int, cwd: Path, env: dict, before_mine=None,
          before_other=None) -> tuple[float, float]:
    """Medians of `mine` and `other` run alternately once each per round (A B A B): both see the same load."""
    a, b = [], []
    for _ in range(max(1, rounds)):
        a.append(_once(mine, cwd, env, before_mine))
        b.append(_once(other, cwd, env, before_other))
    print(f"    {len(a)} pairs: {' '.join(f'{x:.2f}/{y:.2f}' for x, y in zip(a, b, strict=True))}")
    return statistics.median(a), statistics.median(b)


# a user's install has its bytecode; a shell that says PYTHONDONTWRITEBYTECODE would make every ldkit process
# compile its modules again (~0.2 s), which nbconvert's installed packages never do
BYTECODE = {"PYTHONDONTWRITEBYTECODE": ""}


def bench_render(base: Path, runs: int) -> list[dict]:
    """#20's render goals, each real corpus in turn: the cold digest and one notebook changed against
    `jupyter nbconvert --to html`, the page's bytes against nbconvert's lab pages, a warm digest against a cold one,
    and `ldkit site` against `jupyter-book build` (Jupyter Book 1, execution off) cold and with one changed; then a
    synthetic week of 40 notebooks warm against cold. Paired alternating runs (abab), medians."""
    results: list[dict] = []
    rounds = max(1, runs)
    ldkit = str(BIN / "ldkit")
    book_cmd = jupyter_book()
    corpora = real_corpora(base)
    if not corpora:
        print("  no real corpus here (fetch one, or set LDKIT_BENCH_CORPUS): real-notebook figures skipped")
    for name, sources in corpora.items():
        here = base / name
        ws, paths = _real_workspace(here, sources)
        env = {"LDKIT_HOME": str(ws), **BYTECODE}
        cache = ws / ".ldkit-cache"
        print(f"  {name}: {len(paths)} notebooks, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB")
        digest = [ldkit, "digest", "--week", "2026-W48", "--quiet"]
        _once(digest, ws, env)  # unmeasured: bytecode written, files in the page cache, as for nbconvert
        lab = here / "lab"
        nbconvert = [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--output-dir", str(lab), *map(str, paths)]
        cold, reference = pairs(digest + ["--rebuild"], nbconvert, rounds, ws, env,
                               before_mine=lambda c=cache: shutil.rmtree(c, True))
        results.append(report(f"{name}: cold digest vs nbconvert --to html", cold, reference, "<= 0.12x", 0.12))
        page = (ws / "digests" / "2026-W48" / "index.html").stat().st_size
        lab_total = sum(p.stat().st_size for p in lab.glob("*.html"))
        results.append(report(f"{name}: page bytes vs nbconvert lab pages", page / 1e6, lab_total / 1e6,
                              "<= 0.25x", 0.25, "MB"))
        # the lab pages only link the notebooks' local figures, which ldkit's one-file page carries
        beside = _local_images(paths)
        results.append(report(f"{name}: page bytes vs lab pages + the {len(beside)} local figures they link",
                              page / 1e6, (lab_total + sum(f.stat().st_size for f in beside)) / 1e6,
                              "(reported)", float("inf"), "MB"))
        edit = _editor([paths[len(paths) // 2]])
        one, reference2 = pairs(digest, nbconvert, rounds, ws, env, before_mine=edit)
        results.append(report(f"{name}: one changed digest vs nbconvert", one, reference2, "<= 0.02x", 0.02))
        warm, cold2 = pairs(digest, digest + ["--rebuild"], rounds, ws, env,
                           before_other=lambda c=cache: shutil.rmtree(c, True))
        results.append(report(f"{name}: warm digest vs cold digest", warm, cold2, "(reported)", float("inf")))
        if book_cmd is None:
            continue
        book = here / "book"
        copies = _book(book, paths)
        site = [ldkit, "site", "--quiet"]
        jb = [str(book_cmd), "build", str(book)]

        def cold_site(c=cache, s=ws / "site") -> None:
            shutil.rmtree(c, True)
            shutil.rmtree(s, True)

        mine, other = pairs(site, jb, rounds, ws, env, before_mine=cold_site,
                           before_other=lambda b=book: shutil.rmtree(b / "_build", True))
        results.append(report(f"{name}: cold site vs jupyter-book build", mine, other, "<= 0.10x", 0.10))
        middle = len(paths) // 2
        edit_site, edit_book = _editor([paths[middle]]), _editor([copies[middle]])
        mine, other = pairs(site, jb, rounds, ws, env, before_mine=edit_site, before_other=edit_book)
        results.append(report(f"{name}: one changed site vs jupyter-book build", mine, other, "<= 0.05x", 0.05))
    # a synthetic week of 40 notebooks (~95 KB each): warm against cold; and the page of 20 against lab pages
    ws = make_workspace(base / "synthetic40")
    make_corpus(ws, 40)
    env = {"LDKIT_HOME": str(ws), **BYTECODE}
    digest = [ldkit, "digest", "--week", "2026-W48", "--quiet"]
    subprocess.run(digest, cwd=ws, env={**os.environ, **env}, check=True, capture_output=True)
    warm, cold = pairs(digest, digest + ["--rebuild"], max(3, rounds), ws, env,
                      before_other=lambda c=ws / ".ldkit-cache": shutil.rmtree(c, True))
    results.append(report("synthetic 40: warm digest vs cold digest", warm, cold, "<= 0.10x", 0.10))
    page, lab_total = page_against_lab(base / "synthetic20", digest)
    results.append(report("synthetic 20: page bytes vs nbconvert lab pages", page / 1e6, lab_total / 1e6,
                          "<= 0.25x", 0.25, "MB"))
    return results


BENCHES = {"help": bench_help, "new": bench_new, "status": bench_status, "form": bench_form,
           "paper": bench_paper, "digest": bench_digest, "maths": bench_maths, "real": bench_real,
           "render": bench_render, "site": bench_site,
           "search": bench_search,
           "memory": bench_memory, "execute": bench_execute, "cluster": bench_cluster, "bot": bench_bot}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", choices=sorted(BENCHES), help="run only these (repeatable)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command (median is reported)")
    parser.add_argument("--json", dest="json_out", help="also write the figures to this JSON file")
    parser.add_argument("--scale", type=int, action="append", metavar="N",
                        help="a company of N workbooks (N/52 people x 52 weeks, 40 teams): search, site, status, "
                             "stats, export, a 100,000-member roster, peak memory (repeatable; runs only these, "
                             "and the --only ones if given: scripts/bench --scale 52000 --only render)")
    args = parser.parse_args()
    results = []
    if args.scale:
        sys.path.insert(0, str(ROOT / "scripts"))
        from bench_scale import bench_scale

        print(f"ldkit bench --scale on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, one run each")
        for n in args.scale:
            with tempfile.TemporaryDirectory(prefix=f"ldkit-bench-scale-{n}-") as tmp:
                print(f"scale {n}:")
                results.extend(bench_scale(Path(tmp), n))
        if not args.only:  # --scale alone runs only the company; with --only NAME, those too, in the same run
            if args.json_out:
                Path(args.json_out).write_text(json.dumps(results, indent=2))
            return
    print(f"ldkit bench on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, median of {args.runs} runs")
    for name in args.only or list(BENCHES):
        with tempfile.TemporaryDirectory(prefix=f"ldkit-bench-{name}-") as tmp:
            outcome = BENCHES[name](Path(tmp), args.runs)
            results.extend(outcome if isinstance(outcome, list) else [outcome] if outcome else [])
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
