"""Reading a whole document: Markdown text → a sequence of read equations.

Owns the order-dependent part of reading: front matter declarations, the document-wide
prepass (sizes, indices), and walking the equations in order so that each one is
read in the scope of the definitions before it (a later definition replaces an
earlier one from there on). Parse and inference failures become located errors;
the other equations are still read. No sympy here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import field, replace

from derive.reading.builtins import (
    PRIMITIVES,
    builtin_definitions,
    builtin_note,
    define_builtins,
)
from derive.reading.cases import side_condition, side_range, with_range_beside
from derive.reading.conditions import INEQUALITY, name_fact
from derive.reading.entry_parameters import name_values, values_named
from derive.reading.frontmatter import Declarations
from derive.reading.gathering import (
    blank_front_matter,
    declared_words,
    function_names,
    gather_declarations,
)
from derive.reading.layout import (
    DEFINES,
    author_labels,
    begins_with_equals,
    continuation,
    moved,
)
from derive.reading.linalg import lower_chains, uses_vectors
from derive.reading.macros import collect as collect_macros
from derive.reading.macros import definitions_only, words_in_force
from derive.reading.macros import in_force as macros_in_force
from derive.reading.markdown import RawEquation, find_equations
from derive.reading.markdown import source_error as _error
from derive.reading.naming import (
    CONSTANTS,
    applied_only,
    claimed_before_note,
    defined_name,
    definitions_first,
    differentiated_alone,
    dot_product_note,
    env_fields,
    free_names,
    function_head,
    functions_defined_later,
    name_uses,
    names_in,
    no_name_or_product,
    no_self_reference,
    unknown_function_notes,
    unknown_functions,
    used_before_definition,
    values_written,
    written_bare,
)
from derive.reading.parser import ParseError, parse_chain, parse_expression
from derive.reading.relations import (
    INTEGRAL,
    Part,
    Split,
    elided_chains,
    integral_free_chains,
    not_checked_note,
    split_display,
)
from derive.reading.restate import same_definition
from derive.reading.scope import (
    Definition,
    Env,
    ReadError,
    Reading,
    collect_families,
    collect_sizes_and_indices,
    definition_head,
    resolve,
    written_ranges,
)
from derive.reading.sets import in_force as sets_in_force
from derive.reading.sets import scan as scan_sets
from derive.reading.syntax import Apply, Case, Node, Num, Sym, name_text, to_latex, to_text
from derive.reading.uncheckable import (
    ELIDED_NOTE,
    INTEGRAL_NOTE,
    elided,
    label_notes,
    not_checkable,
    plain_equals,
)
from derive.reading.unread import failed_definition, head_of, heads_of
from derive.records import frozen
from derive.report.model import SourceError


@frozen
class ReadEquation:
    index: int  # the display's place among the document's displays
    line: int
    latex: str
    kind: str  # definition | claim | error | skipped (not checkable, with its reason)
    offset: int = 0  # file offset of the equation text (for locating later errors)
    sides: tuple[Node, ...] = ()  # as written
    side_latex: tuple[str, ...] = ()
    reading: Reading | None = None  # resolved sides, ranges, cases
    definition: Definition | None = None
    env: Env | None = None
    notes: tuple[str, ...] = ()
    error: SourceError | None = None
    # link rules given by a built-in derivation, position -> rule name
    rules: dict[int, str] = field(default_factory=dict)
    row: int = 0  # its row when the display holds several equations (aligned rows), else 0
    names: tuple[str, ...] = ()  # the author's labels: \label{…}, :eqlabel:


@frozen
class Document:
    source: str
    text: str
    equations: tuple[ReadEquation, ...]
    declarations: Declarations
    # parsed declared assumptions: ((lhs, rhs), the LaTeX, its line)
    assumptions: tuple[tuple[tuple[Node, Node], str, int], ...] = ()
    errors: tuple[SourceError, ...] = ()
    title: str = ""
    env: Env | None = None
    sidecar: tuple[str, str] | None = None  # (path, text) of a declarations file, if any
    conditions: tuple[str, ...] = ()  # declared inequalities (b \neq 0, x > 0), as LaTeX
    folders: tuple[tuple[str, str], ...] = ()  # book-wide derive.yaml files, outermost first


@frozen
class _Parsed:
    """A display (or one part of it) as the chain reader left it."""

    raw: RawEquation
    chain: list[tuple[Node, str, int]] | None  # the sides, (tree, latex, offset), when read
    error: SourceError | None = None
    notes: tuple[str, ...] = ()
    skipped: str = ""  # why the display is not checked (a relation other than '=', …)
    text: str | None = None  # the part's text when the display was cut into parts
    may_define: bool = True  # False for a part after a separator, or before an arrow
    premise: bool = False  # f(x, y) = … before an arrow: defines f anew, as an example does
    in_list: bool = False  # one equation of a list display (a, \quad b)
    head_fails: bool = False  # D = \int … = a = b: D stays undetermined (only a = b is read)
    continued: bool = False  # the next display goes on from its last side ('= …')


def _broken_continuation(before: _Parsed) -> str:
    """The note on a display that begins with '=' after one that was not read."""
    why = (f"the display before it (line {before.error.line}) could not be read"
           if before.error is not None else "the display before it is not checked")
    return (f"not checked: the link from the side before its first '=' ({why}); "
            "the links after it are checked")


def _parse_range(text: str) -> tuple[Node, Node]:
    inner = text.strip()
    if not (inner.startswith("[") and inner.endswith("]")) or "," not in inner:
        raise ValueError(f"a range must look like [1, K], not {text!r}")
    lo, hi = inner[1:-1].split(",", 1)
    return parse_expression(lo.strip()), parse_expression(hi.strip())


def read_document(text: str, source: str = "<string>",
                  sidecar: tuple[str, str] | None = None,
                  folders: tuple[tuple[str, str], ...] = ()) -> Document:
    """Read every display equation of a Markdown text, in order.

    ``sidecar`` is (path, YAML text) of a declarations file beside the document; its
    declarations are merged with the front matter's (the front matter wins on conflicts).
    A transcription (a built-in post) gives in ``derive.builtin`` each equation's line in
    the original, which the equations then carry, and the rule each link is meant to use.
    The document's own macros (``\\newcommand``) are read where they are used, and so are
    the words it declares as functions (``Softmax(x)`` written as bare letters).
    """
    table = collect_macros(text) if "command" in text or "\\def" in text or \
        "DeclareMathOperator" in text else {}
    errors, decl, body_line = gather_declarations(text, source, sidecar, folders)
    with macros_in_force(table), words_in_force(declared_words(decl)), \
            sets_in_force(scan_sets(text)):
        return _read_document(text, source, sidecar, folders, bool(table),
                              (errors, decl, body_line))


def _read_document(text: str, source: str, sidecar: tuple[str, str] | None,
                   folders: tuple[tuple[str, str], ...], has_macros: bool,
                   gathered: tuple) -> Document:
    errors, decl, body_line = gathered
    raws = find_equations(blank_front_matter(text, body_line))
    parsed: list[_Parsed] = []
    previous_last = None  # the last side of the display read before: '= …' continues it
    side_cases: dict[int, Case] = {}  # display offset -> the case written beside it
    # display offset -> the range written beside it: (letter, first, last, offset)
    side_ranges: dict[int, tuple[str, str, str, int]] = {}
    opens = [begins_with_equals(r.text) for r in raws[1:]] + [False]
    whole: dict[int, str] = {}  # each display's rows together (a row's E may be another's Σ)
    for r in raws:
        whole[r.display] = whole.get(r.display, "") + r.text
    for raw, next_continues in zip(raws, opens):
        if has_macros and definitions_only(raw.text):
            parsed.append(_Parsed(raw, None, None, skipped=(
                "not checked: it defines macros (\\newcommand), which are read where they "
                "are used")))
            continue
        if raw.delimiter.startswith("error:"):  # math the Markdown reader could not reach
            parsed.append(_Parsed(raw, None, _error(source, text, raw.offset, raw.delimiter[6:])))
            continue
        if raw.delimiter.startswith("unclosed:"):
            opener = raw.delimiter[len("unclosed:"):]
            parsed.append(_Parsed(raw, None, _error(source, text, raw.offset - len(opener),
                                                    f"display math opened with {opener} is "
                                                    "never closed")))
            continue
        try:
            src, continues = continuation(plain_equals(raw.text), next_continues)
            src, stated = side_condition(src)
            src, beside_range = side_range(src)
            split = split_display(src)
        except ParseError as exc:
            previous_last = None
            parsed.append(_Parsed(raw, None, _error(source, text, raw.offset + exc.pos,
                                                    exc.message)))
            continue
        if stated is not None:
            side_cases[raw.offset] = stated
        if beside_range is not None:
            side_ranges[raw.offset] = beside_range
        integral_notes: tuple[str, ...] = ()
        # an argmax, a limit, an E_{x ∼ p} over x never summed over a set: never misread
        reason = not_checkable(raw.text, whole.get(raw.display, ""))
        if reason:
            previous_last = None
            parsed.append(_Parsed(raw, None, None, skipped=reason))
            continue
        gap = ELIDED_NOTE if elided(src) else INTEGRAL_NOTE if INTEGRAL.search(src) else ""
        if gap:  # an integral, rows elided (\vdots): reported, never misread or joined
            previous_last, continues = None, continues if gap == INTEGRAL_NOTE else 0
            runs = [] if split.cut else (integral_free_chains if gap == INTEGRAL_NOTE else
                                         elided_chains)(src)
            if not runs:
                parsed.append(_Parsed(raw, None, None, skipped=gap))
                continue
            integral_notes = (gap.replace("not checked:", "links not checked:"),)
            split = Split(tuple(Part(r, True) for r in runs), (("∫" if gap == INTEGRAL_NOTE else
                                                                "⋮", 0),))
        pieces = [part.text for part in split.parts if part.has_equals] if split.cut else [src]
        if split.cut and not pieces:
            previous_last = None
            parsed.append(_Parsed(raw, None, None, skipped=not_checked_note(split)))
            continue
        unlisted = [" ".join(part.text.split()) for part in split.parts
                    if split.is_list and not part.has_equals]
        cut_notes = label_notes(raw.text) + (integral_notes or (
            (not_checked_note(split),) if split.cut and not split.is_list else
            (f"not checked: {', '.join(unlisted)} (no '=')",) if unlisted else ()))
        for k, piece in enumerate(pieces):
            try:
                chain = parse_chain(piece)
                if len(chain) < 2 and not raw.text.strip():
                    raise ParseError("empty equation", 0)
                broken: tuple[str, ...] = ()  # the note when the side before was not read
                if continues and k == 0 and previous_last is None:
                    if not parsed or not (parsed[-1].error or parsed[-1].skipped):
                        raise ParseError("this display begins with '=', but no display "
                                         "before it ends in a side to continue from",
                                         continues - 1)
                    # the side it goes on from was not read: its own links are still read
                    # and checked; the link from that side is not, and the report says so
                    # a lone side (= x) is kept: the next display may continue from it
                    broken = (_broken_continuation(parsed[-1]),)
                elif continues and k == 0 and previous_last is not None:
                    before, latex, where, base = previous_last
                    parsed[-1] = replace(parsed[-1], continued=True)
                    # its nodes keep their place in the display they were written in
                    chain = [(moved(before, base - raw.offset), latex, where - raw.offset),
                             *chain]
                premise = k == 0 and split.cut and split.parts[0].has_equals and \
                    not split.first_may_define and not split.is_list and \
                    function_head(chain[0][0])
                defines = not split.cut or split.is_list or premise or (
                    k == 0 and split.first_may_define and split.parts[0].has_equals)
                parsed.append(_Parsed(raw, chain, None, (cut_notes if k == 0 else ()) + broken +
                                      dot_product_note(chain),
                                      text=piece if split.cut else None,
                                      may_define=defines and not broken,
                                      premise=premise,
                                      head_fails=bool(integral_notes) and k == 0,
                                      in_list=split.is_list))
                last_tree, last_latex, last_off = chain[-1]
                previous_last = (last_tree, last_latex, raw.offset + last_off, raw.offset)
            except ParseError as exc:
                previous_last = None
                parsed.append(_Parsed(raw, None, _error(source, text, raw.offset + exc.pos,
                                                        exc.message),
                                      text=piece if split.cut else None,
                                      in_list=split.is_list))
            except RecursionError:
                previous_last = None
                parsed.append(_Parsed(raw, None, _error(source, text, raw.offset,
                                                        "nesting too deep"),
                                      text=piece if split.cut else None,
                                      in_list=split.is_list))

    named = values_named(entry.chain[0][0] for entry in parsed if entry.chain and
                         entry.may_define)
    if named:  # J(θ_0, θ_1) = …: the value it names, wherever it is written again
        parsed = [replace(entry, chain=[(name_values(t, named), latex, off)
                                        for t, latex, off in entry.chain])
                  if entry.chain else entry for entry in parsed]
    lowered, vector_ranges = lower_chains(
        [entry.chain for entry in parsed], decl.shapes, decl.layout,
        frozenset(decl.constants) | frozenset(decl.indices) | frozenset(decl.functions),
        [entry.raw.part for entry in parsed])
    for k, (vector_chain, vector_notes, problem) in enumerate(lowered):  # in index form
        entry = parsed[k]
        if problem is not None:
            where = entry.raw.offset + (problem.pos or 0)
            parsed[k] = replace(entry, chain=None, error=_error(source, text, where,
                                                                problem.message))
        elif vector_chain is not entry.chain:
            parsed[k] = replace(entry, chain=vector_chain, notes=entry.notes + vector_notes)
    chains = [[t for t, _, _ in entry.chain] for entry in parsed if entry.chain]
    trees = [t for chain in chains for t in chain]
    sizes, indices = collect_sizes_and_indices(trees)
    declared_ranges = dict(vector_ranges)
    indices |= set(vector_ranges)
    sizes |= {r[1].name for r in vector_ranges.values() if isinstance(r[1], Sym)}
    for letter, rng in decl.indices.items():
        try:
            lo, hi = _parse_range(rng)
        except (ValueError, ParseError) as exc:
            errors.append(SourceError(f"derive.indices.{letter}: {exc}", 1, 1, "", source))
            continue
        declared_ranges[letter] = (lo, hi)
        indices.add(letter)
        if isinstance(hi, Sym) and not hi.sub:
            sizes.add(hi.name)
    indices -= sizes
    for c in decl.constants:
        indices.discard(c)
    families_written, letters_written = written_ranges(trees)
    families = collect_families(trees)
    heads = {entry.chain[0][0] for entry in parsed if entry.chain}
    only_applied, uses = applied_only(trees), name_uses(chains)
    taken = families | sizes | indices | set(decl.constants)
    unknown = unknown_functions(only_applied, heads, taken)
    later = functions_defined_later(only_applied, heads, taken)
    builtins = dict(builtin_definitions(trees, {defined_name(h) or "" for h in heads
                                                if not (isinstance(h, Apply) and h.primes)}))
    unknown, later = unknown - set(builtins) - PRIMITIVES.keys(), later - PRIMITIVES.keys()
    for letter, _, last, _ in side_ranges.values():  # "for i = 1, …, C": C is a size
        indices.add(letter)
        if last.isalpha():
            sizes.add(last)
            indices.discard(last)
    declared = frozenset(n for f in decl.functions for n in function_names(f))
    unknown -= declared  # a declared function is no "not defined" function for the notes
    env = Env(sizes=frozenset(sizes), indices=frozenset(indices),
              written_ranges=families_written, letter_ranges=letters_written,
              families=frozenset(families), declared_ranges=declared_ranges,
              functions=declared | unknown | later | (only_applied & PRIMITIVES.keys()),
              constants=frozenset(decl.constants), applied_only=only_applied,
              differentiated=differentiated_alone(trees), bare=written_bare(trees),
              **env_fields(uses))

    assumptions: list[tuple[tuple[Node, Node], str, int]] = []
    conditions = []
    positive: set[str] = set()
    nonzero: set[str] = set()
    for latex, line in decl.assumptions:
        if INEQUALITY.match(latex):  # "b \neq 0", "x > 0": facts about names
            conditions.append(latex)
            fact = name_fact(latex)
            if fact is not None:
                (positive if fact[1] == ">" else nonzero).add(fact[0])
            continue
        try:
            assumed = parse_chain(latex)
            if len(assumed) != 2:
                raise ParseError("an assumption must be one equation a = b", 0)
            if any(uses_vectors(t, frozenset(decl.shapes)) for t, _, _ in assumed):
                raise ParseError("an assumption is read in index form: write its entries "
                                 "(\\sum_k t_k = 1 for \\mathbf{1}^\\top \\mathbf{t} = 1)", 0)
            assumptions.append(((assumed[0][0], assumed[1][0]), latex, line))
        except ParseError as exc:
            errors.append(SourceError(f"assumption {latex!r}: {exc.message}", line, 1,
                                      _line(text, line), source))

    env = replace(env, positive=frozenset(positive), nonzero=frozenset(nonzero))
    if decl.lines and len(decl.lines) != len(parsed):
        errors.append(SourceError(f"derive.builtin.lines: {len(decl.lines)} line number(s) "
                                  f"for {len(parsed)} equation(s)", 1, 1, "", source))
    out: list[ReadEquation] = []
    per_display = Counter(entry.raw.display for entry in parsed)
    sections: dict[str, int] = {}  # name -> the section its definition in force was read in
    claimed: dict[str, tuple[int, int]] = {}  # a name in a claim -> (its line, section)
    rows_seen: Counter[int] = Counter()
    rows = []
    for seq, entry in enumerate(parsed, start=1):
        n = entry.raw.display or seq
        rows_seen[n] += 1
        rows.append(rows_seen[n] if per_display[n] > 1 else 0)
    document_ranges, document_written = env.declared_ranges, env.written_ranges
    for seq in _reading_order(parsed):
        if env.declared_ranges is not document_ranges:  # a range beside the last equation
            env = replace(env, declared_ranges=document_ranges, written_ranges=document_written)
        entry = parsed[seq - 1]
        raw, err = entry.raw, entry.error
        line = decl.lines[seq - 1] if seq <= len(decl.lines) else raw.line
        latex = (entry.text if entry.text is not None else raw.text).strip()
        rules = decl.rules.get(seq, {})
        n = raw.display or seq
        row = rows[seq - 1]
        if entry.skipped:
            out.append(ReadEquation(n, line, latex, "skipped", raw.offset,
                                    notes=(entry.skipped,), row=row))
            # D = \int …: later uses of D are unknown, with this line, never a free variable
            # (every part's: \mathbf{i}_j = […], \hspace{1em} \mathbf{p}_j = […])
            for part_head, part_text in heads_of(raw.text):
                env = failed_definition(env, part_head, line, part_text)
            continue
        if entry.head_fails:
            env = failed_definition(env, head_of(raw.text), line)
        sides_read = entry.chain
        if err is not None or sides_read is None:  # (one of the two is None, never both)
            out.append(ReadEquation(n, line, latex, "error", raw.offset, error=err, row=row))
            # the part's own left side: p = σ(z), \quad z = w^T x + b leaves z undetermined
            env = failed_definition(env, head_of(entry.text or raw.text), line)
            continue
        sides = tuple(t for t, _, _ in sides_read)
        piece_notes = entry.notes + unknown_function_notes(sides, unknown) + \
            used_before_definition(sides, later, env.definitions) + \
            builtin_note(sides, {**builtins, **PRIMITIVES})
        side_latex = tuple(s for _, s, _ in sides_read)
        beside = (side_cases[raw.offset],) if raw.offset in side_cases else ()
        if raw.offset in side_ranges:  # a range written beside: for this equation only
            env, said = with_range_beside(env, sides, *side_ranges[raw.offset][:3])
            piece_notes += (said,)
        offsets = [raw.offset + o for _, _, o in sides_read]
        try:
            env = define_builtins(env, sides, builtins)
            unlinked = tuple(note for note in entry.notes
                             if note.startswith("not checked: the link"))
            if len(sides) < 2 and not entry.continued and unlinked:  # = x, after an unread one
                out.append(ReadEquation(n, line, latex, "skipped", raw.offset,
                                        notes=unlinked, row=row))
                continue
            if len(sides) < 2 and not entry.continued:  # $$\log P(X \mid θ).$$ alone
                out.append(ReadEquation(n, line, latex, "skipped", raw.offset, row=row, notes=(
                    "not checked: an expression with no '=' states nothing to check",)))
                continue
            if len(sides) < 2:  # a lone side: the display after it goes on from it with '='
                out.append(ReadEquation(n, line, latex, "claim", raw.offset, sides, side_latex,
                                        resolve(list(sides), env, beside), None, env,
                                        piece_notes + (() if unlinked else (
                                            "its links are checked with the display that "
                                            "goes on from it ('= …')",)),
                                        rules=rules, row=row))
                continue
            head = definition_head(sides[0], env)
            head = None if head is not None and head[0] in PRIMITIVES else head  # max(a, b)
            no_name_or_product(sides[0], env)
            if head is not None and head[0] in CONSTANTS and head[1] != "family":
                raise ReadError(f"{name_text(head[0])} is a constant: it cannot be defined",
                                sides[0].pos)
            is_def = entry.may_define and head is not None and (
                head[0] not in env.definitions or len(sides) == 2)
            after_claim = is_def and head is not None and head[0] in claimed and \
                head[0] not in env.definitions and not _explicit(latex) and \
                not entry.premise and claimed[head[0]][1] == raw.section  # p̂_n after f(p̂_n)
            is_def = is_def and not after_claim
            if is_def and not rules.get(1, "").startswith("def") and rules:
                is_def = False
            new_section = head is not None and raw.section > sections.get(head[0], raw.section)
            if is_def and head is not None and head[0] in env.definitions and \
                    not _explicit(latex) and not entry.premise and \
                    not new_section and \
                    not same_definition(env.definitions[head[0]], sides[1], head[2], env):
                # a restatement of a defined name is a claim about it, checked against the
                # definition in force (only := or the same body up to renaming redefines)
                is_def = False
            if is_def and head is not None and beside:
                raise ReadError(  # y_k = 1 \quad k = i: a value for one case only
                    f"a definition with a case beside it ({beside[0].left} "
                    f"{'=' if beside[0].equal else '≠'} {beside[0].right}) would be read for "
                    f"every index: write both cases (\\begin{{cases}}) in the definition",
                    beside[0].pos)
            if is_def and head is not None:
                name, kind, params = head
                try:
                    no_self_reference(name, kind, sides[1])
                except ReadError:
                    if ":=" not in latex:
                        raise
                    # θ_i := θ_i − α ∂J/∂θ_i: an update (a new value), not an equation
                    out.append(ReadEquation(n, line, latex, "skipped", raw.offset, notes=(
                        f"not checked: an update rule ({name_text(name)} := … "
                        f"{name_text(name)} …) gives {name_text(name)} a new value; it is "
                        "not an equation",), row=row))
                    continue
                notes: tuple[str, ...] = piece_notes
                old = env.definitions.get(name)
                if old is not None:
                    fresh = " in a new section" if new_section else ""
                    notes = piece_notes + (
                        f"{_show(name, kind, params)} is redefined here{fresh} (line {line}); "
                        f"it replaces the definition of equation {old.label} (line "
                        f"{old.line}) from here on",)
                body_reading = resolve([sides[1]], env, params=params)
                # the body's scope: with the sizes its sums were given (Σ_k e^{o_k}: |o|)
                env = body_reading.env
                notes = notes + body_reading.notes
                d = Definition(name, kind, params, body_reading.sides[0], n, line, sides[0], env,
                               {k: v for k, v in body_reading.ranges.items() if k not in params},
                               free=free_names(body_reading.sides[0], env, params), row=row)
                reading: Reading | None = None
                if len(sides) > 2:
                    reading = resolve(list(sides[1:]), env, beside, params=params)
                    notes = notes + tuple(n for n in reading.notes if n not in notes)
                env = env.define(d)
                sections[name] = raw.section
                out.append(ReadEquation(n, line, latex, "definition", raw.offset, sides,
                                        side_latex, reading, d, env, notes, rules=rules,
                                        row=row))
                continue
            reading = resolve(list(sides), env, beside)
            if after_claim and head is not None:
                piece_notes += (claimed_before_note(head[0], claimed[head[0]][0]),)
            claimed = {**claimed,
                       **{name: (line, raw.section) for name in values_written(sides)}}
            out.append(ReadEquation(n, line, latex, "claim", raw.offset, sides, side_latex,
                                    reading, None, env, piece_notes + reading.notes,
                                    rules=rules, row=row))
        except ReadError as exc:
            pos = exc.pos
            # locate errors inside a side: positions are offsets within the equation text
            off = raw.offset + pos if pos else offsets[0]
            out.append(ReadEquation(n, line, latex, "error", raw.offset,
                                    error=_error(source, text, off, exc.message), row=row))
            env = failed_definition(env, sides[0] if len(sides) >= 2 else None, line)
    out.sort(key=lambda eq: (eq.index, eq.row))  # read definitions first; report as written
    out = author_labels(out, raws, text)
    return Document(source, text, tuple(out), decl, tuple(assumptions), tuple(errors),
                    decl.title, env, sidecar, tuple(conditions), folders)


def _reading_order(parsed: list[_Parsed]) -> list[int]:
    """1-based places of ``parsed`` in the order to read them: as written, except that the
    equations of one list display are read definitions first (naming.definitions_first)."""
    out: list[int] = []
    k = 0
    while k < len(parsed):
        group = [k]
        while parsed[k].in_list and group[-1] + 1 < len(parsed) and \
                parsed[group[-1] + 1].in_list and parsed[group[-1] + 1].raw is parsed[k].raw:
            group.append(group[-1] + 1)
        parts = []
        for j in group:
            chain = parsed[j].chain
            head = defined_name(chain[0][0]) if chain else defined_name(
                head_of(parsed[j].text or parsed[j].raw.text))
            used = frozenset(n for t, _, _ in (chain or [])[1:] for n in names_in(t))
            parts.append((head, used))
        out.extend(group[p] + 1 for p in definitions_first(parts))
        k = group[-1] + 1
    return out


def _explicit(latex: str) -> bool:
    """Was the equation written as a definition, a := b (or a \\stackrel{def}{=} b, …)?"""
    latex = DEFINES.sub(":=", latex)
    return re.match(r"^[^=]*:\s*=", latex) is not None


def _show(name: str, kind: str, params) -> str:
    base = name_text(name)
    if kind == "family":
        return f"{base}_{''.join(params)}"
    if kind == "function":
        return f"{base}({', '.join(params)})"
    return base


def _line(text: str, n: int) -> str:
    lines = text.split("\n")
    return lines[n - 1] if 0 < n <= len(lines) else ""


__all__ = ["Document", "ReadEquation", "read_document", "to_latex", "to_text", "Num", "replace"]
