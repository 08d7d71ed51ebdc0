#!/usr/bin/env python
r"""Per-link checking time on the corpus, as ratios against the import floor (issue #17, "Speed").

What it measures
----------------
Every ``tests/corpus/*.md`` (not README.md) and ``tests/corpus/injected/*.md`` is checked
in this one warm process with derive's Python API, as a library user would::

    import derive
    derive.check(path, jobs=1, cache=False)

and the time of every link is read from the report: ``Link.seconds`` is set by
``derive.engine.check`` around the whole check of the link (grounding its sides, the rules,
the symbolic and numeric deciders, the veto), inside the per-link time limit. Nothing in
derive is changed; the script only wraps ``derive.engine.check._check_chain`` at runtime to
time the check of a whole chain (first side against last), which runs under the same limit
but is not part of any link's time.

* Warm: one pass over all files is run first and not counted (sympy's and derive's
  first-use costs: imports, the rule index, numpy). Before every file's check sympy's
  cache is cleared (not counted), so that a repeat does not find the results of the
  previous pass and every file is checked as the first document after the warm-up would be.
* ``--repeat N`` passes are then counted; a link's time is the median over them.
* Reported over all links: the median, the 90th percentile and the slowest link (file,
  equation label, link position), in ms and as a ratio to the floor, and the slowest link
  (and the slowest chain check) as a fraction of derive's default time limit per link
  (``timeout = 20`` s, as derive/app/config.py documents it: read here from the command
  line's DEFAULTS in derive/app/cli.py and the defaults of ``derive.check`` and
  ``check_text`` in derive/app/api.py, which must agree). The target: no link reaches it.

The floor
---------
Fresh interpreters, run in turns (as benchmarks/bench.py runs them), ``--floor-runs``
rounds (5), half before the corpus passes and half after, so that a change of the shared
machine's speed during the run shows in both; the median of each is used:

* ``strict floor``: bench.py's ``FLOOR_FROZEN`` (imported from it, not copied):
  ``import sympy, rich.console`` with the garbage collector paused during the import and
  frozen after it, and the exit by ``os._exit`` -- the start-up any sympy tool pays when it
  handles the collector and the exit as derive's command line does. The ratios are against
  this floor.
* ``import sympy``: ``python -c "import sympy"``, shown beside it (and its ratios in the
  JSON), as is bench.py's plain ``FLOOR`` (``import sympy, rich.console``).

A ratio is (time of a link, in this warm process) / (time of the floor, a fresh process):
how many imports of sympy a link costs.

How to run it
-------------
    python benchmarks/corpus_speed.py                 # 3 counted passes, the table
    python benchmarks/corpus_speed.py --repeat 5      # 5 counted passes
    python benchmarks/corpus_speed.py --json          # the same figures as JSON
    python benchmarks/corpus_speed.py --links 10      # and the 10 slowest links
    python benchmarks/corpus_speed.py --only tonkic-sigmoid --repeat 1 --floor-runs 1

``--only SLUG`` (repeatable, or comma-separated) keeps ``tests/corpus/SLUG.md`` and
``tests/corpus/injected/SLUG.md``; ``--only injected/SLUG`` keeps only the latter.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench  # noqa: E402 - the floors' definitions, and how bench.py runs them

IMPORT_SYMPY = [sys.executable, "-c", "import sympy"]
FLOORS = {"strict floor": bench.FLOOR_FROZEN, "import sympy": IMPORT_SYMPY,
          "bench floor": bench.FLOOR}
PRIMARY = "strict floor"


def corpus_files(only: list[str] | None = None) -> list[Path]:
    files = sorted(p for p in CORPUS.glob("*.md") if p.name != "README.md")
    files += sorted((CORPUS / "injected").glob("*.md"))
    if only:
        keep = []
        for p in files:
            rel = p.relative_to(CORPUS).with_suffix("").as_posix()  # "slug" or "injected/slug"
            if rel in only or p.stem in only:
                keep.append(p)
        files = keep
        if not files:
            raise SystemExit(f"--only {','.join(only)}: no corpus file of that name")
    return files


def default_timeout() -> float:
    """derive's default time limit per link, as its command line and its API have it."""
    import inspect

    from derive.app import api, cli

    limits = {float(cli.DEFAULTS["timeout"])}
    for fn in (api.check, api.check_text):
        limits.add(float(inspect.signature(fn).parameters["timeout"].default))
    if len(limits) != 1:
        raise SystemExit(f"derive's defaults disagree on the time limit: {sorted(limits)}")
    return limits.pop()


def measure_floors(rounds: int) -> dict[str, list[float]]:
    if rounds <= 0:
        return {n: [] for n in FLOORS}
    return bench.alternate(FLOORS, rounds, bench.environment())


def rel(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


class ChainTimer:
    """Wraps derive.engine.check._check_chain in this process only, to time chain checks."""

    def __init__(self) -> None:
        from derive.engine import check as checker

        self.module = checker
        self.original = checker._check_chain
        self.times: list[float] = []

    def __enter__(self) -> ChainTimer:
        original, times = self.original, self.times

        def timed_chain(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                times.append(time.perf_counter() - t0)

        self.module._check_chain = timed_chain
        return self

    def __exit__(self, *exc) -> None:
        self.module._check_chain = self.original


def one_pass(files: list[Path]) -> tuple[dict, dict, dict]:
    """Check every file once: {(file, eq, pos): seconds}, {(file, eq): chain seconds}, and
    each file's totals."""
    from sympy.core.cache import clear_cache

    import derive
    from derive.report.model import equation_label

    links: dict[tuple[str, str, int], float] = {}
    verdicts: dict[tuple[str, str, int], str] = {}
    methods: dict[tuple[str, str, int], str] = {}
    chains: dict[tuple[str, str], float] = {}
    totals: dict[str, float] = {}
    for path in files:
        clear_cache()
        with ChainTimer() as chain_timer:
            t0 = time.perf_counter()
            report = derive.check(str(path), jobs=1, cache=False)
            totals[rel(path)] = time.perf_counter() - t0
        chain_labels = []
        for eq in report.equations:
            label = equation_label(eq.index, eq.row)
            for lk in eq.links:
                links[rel(path), label, lk.position] = lk.seconds
                verdicts[rel(path), label, lk.position] = lk.verdict.value
                methods[rel(path), label, lk.position] = lk.method
            if len(eq.links) >= 2 and eq.chain is not None and eq.chain.method != "transitivity":
                chain_labels.append(label)
        # chains are checked in the order of their equations; transitivity needs no check
        if len(chain_labels) == len(chain_timer.times):
            for label, sec in zip(chain_labels, chain_timer.times, strict=True):
                chains[rel(path), label] = sec
        else:  # e.g. a chain check that failed before it was recorded: keep the times
            for i, sec in enumerate(chain_timer.times):
                chains[rel(path), f"?{i + 1}"] = sec
    return {"links": links, "verdicts": verdicts, "methods": methods}, chains, totals


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile, linear between closest ranks (numpy's default)."""
    xs = sorted(values)
    if not xs:
        return math.nan
    k = (len(xs) - 1) * q / 100
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def load() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                         text=True, cwd=ROOT)
    if out.returncode != 0:  # e.g. run from a `git archive` copy
        return "?"
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "derive"],
                           capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return out.stdout.strip() + ("+dirty(derive/)" if dirty else "")


def run(args) -> dict:
    files = corpus_files(args.only)
    limit = default_timeout()
    load_before = load()
    first = max(0, (args.floor_runs + 1) // 2)
    floor_times = measure_floors(first)

    import derive  # noqa: F401 - the import is not counted

    t0 = time.perf_counter()
    one_pass(files)  # the warm-up pass: not counted
    warmup = time.perf_counter() - t0
    passes = [one_pass(files) for _ in range(args.repeat)]

    for name, times in measure_floors(args.floor_runs - first).items():
        floor_times[name] += times
    floors = {n: statistics.median(t) if t else None for n, t in floor_times.items()}

    keys = list(passes[0][0]["links"])
    per_link = {k: statistics.median(p[0]["links"][k] for p in passes) for k in keys}
    verdicts = passes[0][0]["verdicts"]
    chain_keys = list(passes[0][1])
    per_chain = {k: statistics.median(p[1][k] for p in passes if k in p[1])
                 for k in chain_keys}
    per_file = {f: statistics.median(p[2][f] for p in passes) for f in passes[0][2]}
    values = list(per_link.values())
    slowest = max(per_link, key=per_link.get) if per_link else None
    slowest_chain = max(per_chain, key=per_chain.get) if per_chain else None
    max_any_pass = max((max(p[0]["links"].values(), default=0.0) for p in passes),
                       default=0.0)

    def ratios(sec: float) -> dict[str, float | None]:
        return {n: (sec / f if f else None) for n, f in floors.items()}

    def figure(sec: float) -> dict:
        return {"ms": sec * 1e3, "ratio": ratios(sec)[PRIMARY], "ratios": ratios(sec)}

    result = {
        "schema": "derive-corpus-speed/1",
        "commit": commit(),
        "machine": bench.machine(),
        "load_before": load_before,
        "load_after": load(),
        "repeat": args.repeat,
        "files": len(files),
        "links": len(per_link),
        "chains_checked": len(per_chain),
        "warmup_seconds": warmup,
        "floor_runs": args.floor_runs,
        "floors_ms": {n: (f * 1e3 if f is not None else None) for n, f in floors.items()},
        "floor": PRIMARY,
        "default_timeout_s": limit,
        "median": figure(statistics.median(values)) if values else None,
        "p90": figure(percentile(values, 90)) if values else None,
        "slowest": None,
        "slowest_chain": None,
        "slowest_in_any_pass_ms": max_any_pass * 1e3,
        "links_at_limit": sum(1 for p in passes for v in p[0]["links"].values() if v >= limit),
        "timeouts": sum(1 for p in passes for m in p[0]["methods"].values() if m == "timeout"),
        "total_link_seconds": sum(values),
        "total_check_seconds": sum(per_file.values()),
        "per_file_seconds": per_file,
        "slowest_links": [],
    }
    if slowest is not None:
        f, label, pos = slowest
        result["slowest"] = {"file": f, "equation": label, "position": pos,
                             "verdict": verdicts[slowest], **figure(per_link[slowest]),
                             "of_limit": per_link[slowest] / limit}
    if slowest_chain is not None:
        f, label = slowest_chain
        result["slowest_chain"] = {"file": f, "equation": label,
                                   **figure(per_chain[slowest_chain]),
                                   "of_limit": per_chain[slowest_chain] / limit}
    ranked = sorted(per_link, key=per_link.get, reverse=True)[:max(args.links, 0)]
    result["slowest_links"] = [
        {"file": k[0], "equation": k[1], "position": k[2], "verdict": verdicts[k],
         **figure(per_link[k])} for k in ranked]
    return result


def show(r: dict) -> None:
    def ratio(x: float | None) -> str:
        return f"{x:.3f}×" if x is not None else "-"

    print(f"machine: {r['machine']}")
    print(f"commit {r['commit']}; load before: {r['load_before']}")
    print(f"{r['files']} files, {r['links']} links, {r['chains_checked']} chain checks; "
          f"{r['repeat']} counted pass(es) after a warm-up pass of {r['warmup_seconds']:.2f} s; "
          f"a link's time is its median over the passes")
    fl = r["floors_ms"]
    print("floors (fresh interpreters, median of "
          f"{r['floor_runs']}): strict {fl['strict floor'] or 0:.0f} ms, "
          f"import sympy {fl['import sympy'] or 0:.0f} ms, "
          f"bench.py's plain floor {fl['bench floor'] or 0:.0f} ms")
    print()
    rows = [("measurement", "ms", "/ strict floor", "/ import sympy", "")]
    for key, name in (("median", "median per link"), ("p90", "90th percentile")):
        if r[key]:
            rows.append((name, f"{r[key]['ms']:.1f}", ratio(r[key]["ratio"]),
                         ratio(r[key]["ratios"]["import sympy"]), ""))
    s = r["slowest"]
    if s:
        rows.append(("slowest link", f"{s['ms']:.1f}", ratio(s["ratio"]),
                     ratio(s["ratios"]["import sympy"]),
                     f"{s['file']} eq {s['equation']} link {s['position']} ({s['verdict']})"))
        rows.append(("slowest link / default limit", f"{r['default_timeout_s']:g} s",
                     f"{s['of_limit']:.4f}", "", "target: < 1 (no link reaches the limit)"))
    c = r["slowest_chain"]
    if c:
        rows.append(("slowest chain check (for reference)", f"{c['ms']:.1f}", ratio(c["ratio"]),
                     ratio(c["ratios"]["import sympy"]),
                     f"{c['file']} eq {c['equation']}; {c['of_limit']:.4f} of the limit"))
    w = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print(f"{row[0]:<{w[0]}}  {row[1]:>{w[1]}}  {row[2]:>{w[2]}}  {row[3]:>{w[3]}}  {row[4]}")
    print()
    print(f"slowest link in any single pass: {r['slowest_in_any_pass_ms']:.1f} ms; links at or "
          f"past the limit: {r['links_at_limit']}; timed-out verdicts: {r['timeouts']}")
    print(f"all links: {r['total_link_seconds']:.2f} s of {r['total_check_seconds']:.2f} s "
          "checking (the rest: reading, chains, setting up equations)")
    if r["slowest_links"]:
        print("\nslowest links:")
        for k in r["slowest_links"]:
            print(f"  {k['ms']:8.1f} ms  {ratio(k['ratio']):>8}  {k['file']} eq {k['equation']} "
                  f"link {k['position']} ({k['verdict']})")
    print(f"\nload after: {r['load_after']}")
    ok = s is None or s["of_limit"] < 1
    print(f"target (no link reaches the default limit): {'PASS' if ok else 'FAIL'}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeat", type=int, default=3, help="counted passes over the corpus (3)")
    p.add_argument("--floor-runs", type=int, default=5,
                   help="rounds of the fresh-interpreter floors (5; 0 for none)")
    p.add_argument("--only", action="append", default=None, metavar="SLUG",
                   help="only this corpus file (repeatable, or comma-separated)")
    p.add_argument("--links", type=int, default=0, metavar="N",
                   help="also list the N slowest links")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.only:
        args.only = [s.strip() for o in args.only for s in o.split(",") if s.strip()]
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        show(result)
    return 0 if result["slowest"] is None or result["slowest"]["of_limit"] < 1 else 1


if __name__ == "__main__":
    raise SystemExit(main())
