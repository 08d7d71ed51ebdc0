"""Front matter and sidecar declarations: a small, data-only YAML subset.

derive reads declarations (indices, functions, families, constants, assumptions)
from a document's front matter under a ``derive:`` key, or from a sidecar file.
This is a parser of its own for the subset people write there: nested block
mappings, block lists (``- item``), flow lists (``[a, b]``), and plain, single- or
double-quoted scalars. Nothing is ever evaluated: every value is a string, a list
or a mapping.
"""

from __future__ import annotations

from dataclasses import field

from derive.records import frozen


class FrontMatterError(Exception):
    def __init__(self, message: str, line: int, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line  # 1-based, relative to the start of the front matter text
        self.column = column


@frozen
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
    lines = []
    for n, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        lead = raw[: len(raw) - len(raw.lstrip())]
        if "\t" in lead:
            raise FrontMatterError("tabs are not allowed for indentation", n)
        lines.append((n, len(lead), raw.strip()))
    if not lines:
        return {}
    value, end = _block(lines, 0, lines[0][1])
    if end < len(lines):
        n, indent, _ = lines[end]
        raise FrontMatterError("bad indentation", n, indent + 1)
    if not isinstance(value, dict):
        raise FrontMatterError("front matter must be a mapping of keys", lines[0][0])
    return value


def _block(lines, i: int, indent: int):
    """Parse the block starting at line i with the given indentation: a list or a mapping."""
    n, ind, body = lines[i]
    if body == "-" or body.startswith("- "):
        out: list = []
        while i < len(lines) and lines[i][1] == indent and (
                lines[i][2] == "-" or lines[i][2].startswith("- ")):
            n, _, body = lines[i]
            item = body[1:].strip()
            i += 1
            if item:
                if _looks_like_key(item):
                    raise FrontMatterError("mappings inside lists are not supported", n)
                out.append(_value(item, n))
            elif i < len(lines) and lines[i][1] > indent:
                value, i = _block(lines, i, lines[i][1])
                out.append(value)
            else:
                out.append("")
        return out, i
    mapping: dict = {}
    while i < len(lines) and lines[i][1] == indent:
        n, _, body = lines[i]
        if body.startswith("- "):
            raise FrontMatterError("a list item where a key was expected", n, indent + 1)
        key, sep, rest = body.partition(":")
        if not sep or not key.strip() or (rest and not rest.startswith(" ")):
            raise FrontMatterError(f"expected 'key: value', found {body[:30]!r}", n, indent + 1)
        key = _scalar(key, n)
        if key in mapping:
            raise FrontMatterError(f"duplicate key {key!r}", n, indent + 1)
        i += 1
        if rest.strip():
            mapping[key] = _value(rest, n)
        elif i < len(lines) and (lines[i][1] > indent or (
                lines[i][1] == indent and lines[i][2].startswith("-"))):
            mapping[key], i = _block(lines, i, lines[i][1])
        else:
            mapping[key] = None
    return mapping, i


def _looks_like_key(item: str) -> bool:
    if item[:1] in ("'", '"', "["):
        return False
    key, sep, rest = item.partition(":")
    return bool(sep) and (not rest or rest.startswith(" ")) and " " not in key.strip()


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
