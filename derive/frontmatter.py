"""Front matter and sidecar declarations: a small, data-only YAML subset.

derive reads declarations (indices, functions, families, constants, assumptions)
from a document's front matter under a ``derive:`` key, or from a sidecar file.
This is a parser of its own for the subset people write there: nested block
mappings, block lists (``- item``), flow lists (``[a, b]``), and plain, single- or
double-quoted scalars. Nothing is ever evaluated: every value is a string, a list
or a mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class FrontMatterError(Exception):
    def __init__(self, message: str, line: int, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line  # 1-based, relative to the start of the front matter text
        self.column = column


@dataclass(frozen=True)
class Declarations:
    """What a document declares about its own notation. All values are LaTeX strings."""

    indices: dict[str, str] = field(default_factory=dict)  # letter -> "[1, K]"
    functions: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    constants: tuple[str, ...] = ()
    assumptions: tuple[tuple[str, int], ...] = ()  # (LaTeX, source line)
    title: str = ""
    expect: tuple[str, ...] = ()


def _scalar(text: str, line: int) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        body = text[1:-1]
        out, k = [], 0
        while k < len(body):
            ch = body[k]
            if ch == "\\" and k + 1 < len(body):
                nxt = body[k + 1]
                out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(nxt, "\\" + nxt))
                k += 2
                continue
            out.append(ch)
            k += 1
        return "".join(out)
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if text[:1] in ("'", '"'):
        raise FrontMatterError("unterminated quoted string", line)
    if " #" in text:
        text = text.split(" #", 1)[0].rstrip()
    return text


def _flow_list(text: str, line: int) -> list[str]:
    inner = text.strip()[1:-1]
    items, cur, quote = [], [], None
    for ch in inner:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
            cur.append(ch)
        elif ch == ",":
            items.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if quote:
        raise FrontMatterError("unterminated quoted string in a list", line)
    if "".join(cur).strip():
        items.append("".join(cur))
    return [_scalar(i, line) for i in items if i.strip()]


def _value(text: str, line: int):
    t = text.strip()
    if t.startswith("[") and t.endswith("]"):
        return _flow_list(t, line)
    if t.startswith("{") or t.startswith("[") or t.startswith("&") or t.startswith("!"):
        raise FrontMatterError(f"unsupported YAML value {t[:20]!r}", line)
    return _scalar(t, line)


def parse_yaml(text: str) -> dict:
    """Parse the YAML subset into nested dicts/lists of strings."""
    lines = text.split("\n")
    root: dict = {}
    # stack of (indent, container, pending_key_container) frames
    stack: list[tuple[int, object]] = [(-1, root)]
    last_key: list[tuple[int, dict, str]] = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise FrontMatterError("tabs are not allowed for indentation", n)
        indent = len(raw) - len(raw.lstrip())
        body = raw.strip()
        while stack and indent <= stack[-1][0]:
            stack.pop()
        if not stack:
            raise FrontMatterError("bad indentation", n, indent + 1)
        parent = stack[-1][1]
        if body.startswith("- ") or body == "-":
            item = body[1:].strip()
            if isinstance(parent, dict):
                # a list under the most recent key with no value
                owner = next((k for k in reversed(last_key) if k[0] < indent), None)
                if owner is None or owner[1].get(owner[2]) not in (None, []):
                    raise FrontMatterError("a list item without a key", n, indent + 1)
                lst: list = []
                owner[1][owner[2]] = lst
                stack.append((indent - 1, lst))
                parent = lst
            if not isinstance(parent, list):
                raise FrontMatterError("a list item inside a mapping", n, indent + 1)
            parent.append(_value(item, n) if item else "")
            continue
        key, sep, rest = body.partition(":")
        if not sep or not key.strip() or (rest and not rest.startswith(" ")):
            raise FrontMatterError(f"expected 'key: value', found {body[:30]!r}", n, indent + 1)
        if not isinstance(parent, dict):
            raise FrontMatterError("a key inside a list", n, indent + 1)
        key = _scalar(key, n)
        if rest.strip():
            parent[key] = _value(rest, n)
        else:
            child: dict = {}
            parent[key] = None
            last_key.append((indent, parent, key))
            # decide dict-vs-list lazily: push a dict; a following "- " replaces it
            parent[key] = child
            stack.append((indent, child))
            last_key[-1] = (indent, parent, key)
            parent[key] = None
            stack[-1] = (indent, _Pending(parent, key))
    return _resolve(root)


class _Pending(dict):
    """A key whose value (mapping or list) is decided by its first child line."""

    def __init__(self, owner: dict, key: str):
        super().__init__()
        self.owner, self.key = owner, key

    def __setitem__(self, k, v):
        if self.owner.get(self.key) is None:
            self.owner[self.key] = {}
        self.owner[self.key][k] = v
        super().__setitem__(k, v)


def _resolve(obj):
    if isinstance(obj, dict):
        return {k: _resolve(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_resolve(v) for v in obj]
    return obj


def split_front_matter(text: str) -> tuple[str | None, int]:
    """Return (front matter text or None, the line number where the body starts)."""
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return None, 1
    lines = text.split("\n")
    for n in range(1, len(lines)):
        if lines[n].rstrip() in ("---", "..."):
            return "\n".join(lines[1:n]), n + 2
    return None, 1


def declarations(data: dict, line_of: dict[str, int] | None = None) -> Declarations:
    """Turn parsed front matter into Declarations, validating the ``derive:`` block."""
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    expect = data.get("expect") or []
    block = data.get("derive") or {}
    if not isinstance(block, dict):
        raise FrontMatterError("'derive:' must hold a mapping", 1)
    allowed = {"indices", "functions", "families", "constants", "assumptions"}
    for key in block:
        if key not in allowed:
            raise FrontMatterError(
                f"unknown key 'derive.{key}' (expected one of: {', '.join(sorted(allowed))})", 1)

    def names(key: str) -> tuple[str, ...]:
        v = block.get(key) or []
        if isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise FrontMatterError(f"'derive.{key}' must be a list of names", 1)
        return tuple(x.strip() for x in v)

    indices = block.get("indices") or {}
    if not isinstance(indices, dict):
        raise FrontMatterError("'derive.indices' must map each index to a range like [1, K]", 1)
    assumptions = names("assumptions")
    at = (line_of or {}).get("assumptions", 1)
    return Declarations(
        indices={k: v if isinstance(v, str) else "[" + ", ".join(v) + "]"
                 for k, v in indices.items()},
        functions=names("functions"), families=names("families"),
        constants=names("constants"),
        assumptions=tuple((a, at) for a in assumptions), title=title or "",
        expect=tuple(expect) if isinstance(expect, list) else (),
    )
