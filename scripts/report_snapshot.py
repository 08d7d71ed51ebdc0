"""Write every shipped and test document's report (timings stripped) as one JSON file, or
compare two such files: the check that a refactoring changed no verdict, residual or word.

    python scripts/report_snapshot.py write before.json
    python scripts/report_snapshot.py write after.json
    python scripts/report_snapshot.py compare before.json after.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GLOBS = ("derive/library/*.md", "examples/*.md", "tests/data/notations/*.md",
         "tests/data/soundness/*.md", "tests/corpus/*.md", "tests/corpus/injected/*.md")


def documents() -> list[Path]:
    out = sorted(p for g in GLOBS for p in ROOT.glob(g) if p.name != "README.md")
    return out


def snapshot() -> dict[str, object]:
    import derive
    from derive.app.cache import without_seconds

    out: dict[str, object] = {"builtin:softmax-cross-entropy": json.loads(without_seconds(
        derive.check("softmax-cross-entropy", jobs=1, cache=False)).to_json())}
    for path in documents():
        for jobs in (1, 2):
            report = derive.check(str(path), jobs=jobs, cache=False)
            out[f"{path.relative_to(ROOT)} -j {jobs}"] = json.loads(
                without_seconds(report).to_json())
    return out


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "write":
        Path(argv[1]).write_text(json.dumps(snapshot(), sort_keys=True, indent=1))
        return 0
    if len(argv) == 3 and argv[0] == "compare":
        a, b = (json.loads(Path(p).read_text()) for p in argv[1:])
        differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        print(f"{len(a)} reports; {len(differ)} differ")
        for k in differ:
            print("  ", k)
        return 1 if differ else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
