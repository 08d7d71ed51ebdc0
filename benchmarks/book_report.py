"""How derive reads and judges the book corpus (tests/books, issue #19): a scoreboard.

Each chapter (or section) of an open textbook is kept verbatim under tests/books/<book>/,
with an expectation for each display found without derive (by hand and by
tests/books/oracle_check.py, which does not import derive). For each chapter this prints:

* displays: read (no row of the display is a reading error and not all of it was skipped),
  skipped with a reason (derive says it is not checkable: a relation other than '=',
  prose), errors (derive refused a row: unknown macro, notation it does not read yet);
* checkable links as expected: derive proves a link expected true, does not prove a link
  expected false (refuted is the target), and gives conditional or refuted for one that
  needs an assumption (the same rule as benchmarks/corpus_report.py);
* false proofs: links derive proves that are expected false or needing an assumption;
* real errors refuted: of the links that are false in the book itself, how many derive
  refutes;
* seconds: the time derive takes on the chapter (one process, no cache).

    python benchmarks/book_report.py                    # the table and the totals
    python benchmarks/book_report.py --links            # and every link that differs
    python benchmarks/book_report.py --json             # the counts as JSON
    python benchmarks/book_report.py --write-baseline   # store the counts for tests/test_books.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOKS = ROOT / "tests" / "books"
BASELINE = BOOKS / "baseline.json"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

COUNTS = ("displays", "read", "skipped", "errors", "links", "agree", "false proofs",
          "real errors", "real errors refuted")


def chapters() -> list[Path]:
    return sorted(p for p in BOOKS.glob("*/*.md"))


def name(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def display_state(rows: list) -> str:
    """'errors' if derive refused a row, 'skipped' if it skipped every row, else 'read'."""
    if not rows or any(eq.kind == "error" for eq in rows):
        return "errors"
    if all(eq.kind == "skipped" for eq in rows):
        return "skipped"
    return "read"


def score(path: Path) -> dict:
    from corpus_report import agrees
    from corpus_scoring import display_links

    import derive

    want = json.loads(path.with_suffix(".expect.json").read_text(encoding="utf-8"))
    start = time.perf_counter()
    report = derive.check(str(path), jobs=1, cache=False)
    seconds = time.perf_counter() - start
    by_index, by_display = display_links(report)
    out = dict.fromkeys(COUNTS, 0)
    rows, internal = [], []
    for d in want["displays"]:
        out["displays"] += 1
        eqs = by_index.get(d["index"], [])
        out[display_state(eqs)] += 1
        got_links = by_display.get(d["index"], {})
        internal += [(d["index"], p) for p, lk in got_links.items() if lk.method == "internal"]
        for lk in d["links"]:
            out["links"] += 1
            link = got_links.get(lk["position"])
            got = link.verdict.value if link is not None else None
            ok = agrees(lk["expected"], got)
            out["agree"] += ok
            if got == "proved" and lk["expected"] != "true":
                out["false proofs"] += 1
            if lk["expected"] == "false":
                out["real errors"] += 1
                out["real errors refuted"] += got == "refuted"
            if not ok:
                err = next((q.error.message for q in eqs if q.kind == "error" and q.error), "")
                rows.append((d["index"], lk["position"], lk["expected"][:40], got, err[:70]))
    out.update(seconds=round(seconds, 2), rows=rows, internal=internal)
    return out


def main(argv: list[str]) -> int:
    scores = {name(p): score(p) for p in chapters()}
    if "--write-baseline" in argv:
        base = {k: {c: s[c] for c in COUNTS} for k, s in scores.items()}
        BASELINE.write_text(json.dumps(base, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {BASELINE.relative_to(ROOT)}")
    if "--json" in argv:
        print(json.dumps({k: {c: s[c] for c in (*COUNTS, "seconds")} for k, s in scores.items()},
                         indent=1))
        return 0
    total = dict.fromkeys((*COUNTS, "seconds"), 0)
    print(f"{'chapter':<42} {'read':>5} {'skip':>5} {'err':>5} {'links as expected':>18} "
          f"{'false proofs':>13} {'errors refuted':>15} {'seconds':>8}")
    for k, s in scores.items():
        for c in total:
            total[c] += s[c]
        print(f"{k:<42} {s['read']:>5} {s['skipped']:>5} {s['errors']:>5} "
              f"{s['agree']:>8}/{s['links']:<9} {s['false proofs']:>13} "
              f"{s['real errors refuted']:>7}/{s['real errors']:<7} {s['seconds']:>8.2f}")
        if "--links" in argv:
            for row in s["rows"]:
                print("      ", *row)
        for at in s["internal"]:
            print("       internal error at link", at)
    d, n = total["displays"], total["links"]
    print(f"\n{len(scores)} chapters, {d} displays: {total['read']} read, {total['skipped']} "
          f"skipped with a reason, {total['errors']} with errors; links as expected: "
          f"{total['agree']}/{n} ({100 * total['agree'] / max(n, 1):.0f}%); false proofs: "
          f"{total['false proofs']}; real errors refuted: {total['real errors refuted']}/"
          f"{total['real errors']}; {total['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
