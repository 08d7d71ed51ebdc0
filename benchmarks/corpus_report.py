"""How derive reads and judges the corpus of real derivations (tests/corpus): a scoreboard.

For every transcribed source, its displays are counted as read (derive read the display,
or refused it with a message naming the notation and how to write it) or not, and every
link with a stored expectation (found by hand and by tests/corpus/oracle_check.py, which
does not import derive) is compared with derive's verdict:

* expected "true": derive must prove it (proved, or conditional on a stated case);
* expected "false": derive must not prove it (refuted is the target);
* expected "needs: …": conditional, or refuted where derive cannot name the assumption.

A display counts as *read* when none of its equations is a reading error (a display skipped
as not checkable, with its reason, is read). The issue also counts a refusal whose message
says how to write the notation; such displays are counted apart ("refused, saying how"), by
whether the message says "write", "declare" or "define it", and never added to "read".

    python benchmarks/corpus_report.py            # the table, and the totals
    python benchmarks/corpus_report.py --links    # and every link that differs
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def expectations(path: Path) -> dict:
    return json.loads(path.with_suffix(".expect.json").read_text(encoding="utf-8"))


def agrees(expected: str, verdict: str | None) -> bool:
    if verdict is None:
        return False
    if expected == "true":
        return verdict == "proved"
    if expected == "false":
        return verdict in ("refuted",)
    if expected.startswith("needs"):
        return verdict in ("conditional", "refuted")
    return False


def score(path: Path) -> dict:
    from corpus_scoring import display_links, display_read, expected_link

    import derive

    want = expectations(path)
    report = derive.check(str(path), jobs=1, cache=False)
    by_index, by_display = display_links(report)
    displays = read = advised = 0
    links = good = false_proofs = 0
    rows = []
    for d in want["displays"]:
        displays += 1
        eqs = by_index.get(d["index"], [])
        read += display_read(eqs)
        errs = [q.error.message for q in eqs if q.kind == "error" and q.error is not None]
        if errs and all(("write " in m or "declare" in m or "define it" in m) for m in errs):
            advised += 1
        e = next((q for q in eqs if q.kind == "error"), eqs[0] if eqs else None)
        found = by_display.get(d["index"], {})
        for lk in d.get("links", []):
            links += 1
            hit = expected_link(lk, found)
            got = hit.verdict.value if hit is not None else None
            ok = agrees(lk["expected"], got)
            good += ok
            if got == "proved" and lk["expected"] != "true":
                false_proofs += 1
            if not ok:
                why = e.error.message if e is not None and e.error else ""
                rows.append((d["index"], lk["position"], lk["expected"], got, why[:90]))
    return {"displays": displays, "read": read, "advised": advised, "links": links, "agree": good,
            "false proofs": false_proofs, "rows": rows, "exit": report.exit_code}


def main(argv: list[str]) -> int:
    show = "--links" in argv
    total = {"displays": 0, "read": 0, "advised": 0, "links": 0, "agree": 0, "false proofs": 0}
    print(f"{'source':<44} {'read':>9} {'links as expected':>18} {'false proofs':>13}")
    for path in sorted(CORPUS.glob("*.md")):
        if path.name == "README.md":
            continue
        s = score(path)
        for k in total:
            total[k] += s[k]
        print(f"{path.stem:<44} {s['read']:>4}/{s['displays']:<4} "
              f"{s['agree']:>8}/{s['links']:<9} {s['false proofs']:>13}")
        if show:
            for row in s["rows"]:
                print("      ", *row)
    d, r = total["displays"], total["read"]
    n, g = total["links"], total["agree"]
    a = total["advised"]
    print(f"\ndisplays read: {r}/{d} ({100 * r / max(d, 1):.0f}%); refused, saying how to "
          f"write them: {a} (read or so refused: {100 * (r + a) / max(d, 1):.0f}%); links as "
          f"expected: {g}/{n} ({100 * g / max(n, 1):.0f}%); false proofs: "
          f"{total['false proofs']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
