"""Frozen value classes, built cheaply: derive's stand-in for ``@dataclass(frozen=True)``.

Owns the one decorator that the report model, the syntax tree and the reader's values
are declared with. ``dataclasses`` compiles each generated method on its own, which
costs about 0.7 ms a class here: 43 classes made that two thirds of derive's import
time, paid on every cold run. :func:`frozen` compiles nothing: every method is a closure
over the class's fields (about 0.04 ms a class).

The classes stay dataclasses to the standard library: ``dataclasses.fields``,
``replace``, ``asdict`` and ``is_dataclass`` work on them, and they behave as
``@dataclass(frozen=True)`` does: ``__init__`` (fields with ``kw_only=True`` after a
``*``; a ``ClassVar`` is no field), ``__repr__``, ``__eq__`` and ``__hash__`` over the
fields with ``compare=True``, and assignment refused with ``FrozenInstanceError``. Where a
class needs anything else (or a Python lacks the private marker used below), the real
``dataclass`` builds it.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError
from operator import attrgetter
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
elif TYPE_CHECKING:  # the type checker's view on 3.10; nothing imports it at run time
    from typing_extensions import dataclass_transform
else:
    def dataclass_transform(**_: Any) -> Callable[[Any], Any]:
        return lambda decorator: decorator

_T = TypeVar("_T")

# the marker dataclasses.fields() looks for (stable from Python 3.7 to 3.13)
_FIELD = getattr(dataclasses, "_FIELD", None)
_PARAMS = SimpleNamespace(init=True, repr=True, eq=True, order=False, unsafe_hash=False,
                          frozen=True, match_args=True, kw_only=False, slots=False,
                          weakref_slot=False)
_METHODS = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, Field))
def frozen(cls: type[_T]) -> type[_T]:
    """``@dataclass(frozen=True)``, with its methods made as closures instead of compiled.

    Type checkers see it as that dataclass (``typing.dataclass_transform``): the fields make
    ``__init__``, assignment to one is an error.
    """
    try:
        return _build(cls)
    except _Unsupported:
        return dataclasses.dataclass(frozen=True)(cls)


class _Unsupported(Exception):
    pass


def _own_fields(cls: type) -> dict[str, Field[Any]]:
    out: dict[str, Field[Any]] = {}
    for name, kind in cls.__dict__.get("__annotations__", {}).items():
        if isinstance(kind, str) and (kind == "ClassVar" or kind.startswith(
                ("ClassVar[", "typing.ClassVar"))):
            continue  # a class attribute, not a field, as dataclass has it
        if not isinstance(kind, str) or "ClassVar" in kind or "InitVar" in kind:
            raise _Unsupported(name)
        value = cls.__dict__.get(name, MISSING)
        # Any: _field_type is the private slot dataclasses.fields() reads
        f: Any = value if isinstance(value, Field) else dataclasses.field(default=value)
        if isinstance(f.default, (list, dict, set)):
            raise _Unsupported(name)  # let dataclasses raise its error about mutable defaults
        f.name, f.type, f._field_type = name, kind, _FIELD
        if f.kw_only is MISSING:
            f.kw_only = False
        out[name] = f
    return out


def _build(cls: Any) -> Any:  # Any: the class gains the attributes dataclass gives it
    if _FIELD is None or hasattr(cls, "__post_init__") or "__slots__" in cls.__dict__ or any(
            m in cls.__dict__ for m in _METHODS if m != "__repr__"):
        raise _Unsupported(cls.__name__)  # hand-written methods: dataclass knows what to keep
    fields: dict[str, Field[Any]] = {}
    for base in reversed(cls.__mro__[1:]):
        inherited = base.__dict__.get("__dataclass_fields__")
        if inherited:
            fields.update(inherited)
    own = _own_fields(cls)
    fields.update(own)
    if not all(f.init for f in fields.values()) or not _ordered(fields):
        raise _Unsupported(cls.__name__)  # (a field without a default after one with one)
    # from here on the class is changed: nothing below falls back to dataclass
    for name, f in own.items():  # as dataclass leaves them: the default as class attribute
        if f.default is MISSING:
            if name in cls.__dict__:
                delattr(cls, name)
        else:
            setattr(cls, name, f.default)
    methods = _methods(cls, tuple(n for n, f in fields.items() if f.compare),
                       tuple(n for n, f in fields.items() if f.repr), frozenset(fields))
    methods["__init__"] = _init(cls, fields)
    if "__repr__" in cls.__dict__:  # a hand-written repr is kept, as dataclass keeps it
        del methods["__repr__"]
    for name, fn in methods.items():
        fn.__qualname__ = f"{cls.__qualname__}.{name}"
        fn.__module__ = cls.__module__
        setattr(cls, name, fn)
    cls.__dataclass_fields__ = fields
    cls.__dataclass_params__ = _PARAMS
    # mypy refuses any assignment to __match_args__, even on Any
    cls.__match_args__ = tuple(n for n, f in fields.items() if not f.kw_only)  # type: ignore[misc]
    return cls


def _methods(cls: Any, compared: tuple[str, ...], shown: tuple[str, ...],
             names: frozenset[str]) -> dict[str, Any]:
    """The methods every frozen class shares, specialised to its fields by closure."""
    key = attrgetter(*compared) if len(compared) > 1 else (
        (lambda self, g=attrgetter(compared[0]): (g(self),)) if compared else (lambda self: ()))

    def __eq__(self, other):
        if other.__class__ is self.__class__:
            return key(self) == key(other)
        return NotImplemented

    def __hash__(self):
        return hash(key(self))

    def __repr__(self):
        inside = ", ".join(f"{n}={getattr(self, n)!r}" for n in shown)
        return f"{self.__class__.__qualname__}({inside})"

    def __setattr__(self, name, value):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return {"__eq__": __eq__, "__hash__": __hash__, "__repr__": __repr__,
            "__setattr__": __setattr__, "__delattr__": __delattr__}


def _ordered(fields: dict[str, Field[Any]]) -> bool:
    seen_default = False
    for f in fields.values():
        if f.kw_only:
            continue
        has_default = f.default is not MISSING or f.default_factory is not MISSING
        if seen_default and not has_default:
            return False
        seen_default = seen_default or has_default
    return True


def _init(cls: type, fields: dict[str, Field[Any]]) -> Callable[..., None]:
    """``__init__(self, <positional fields>, *, <keyword-only fields>)``, as a closure.

    No source is compiled (derive never execs text): the arguments are bound by hand.
    That is about 1.8 µs a call against dataclass's 1.1 µs; a check of the post builds
    some 4000 nodes, so it costs 3 ms where compiling cost 30 ms at import.
    """
    positional = tuple(n for n, f in fields.items() if not f.kw_only)
    where = {n: k for k, n in enumerate(positional)}
    allowed = frozenset(fields)
    defaults = {n: f.default for n, f in fields.items() if f.default is not MISSING}
    factories = tuple((n, f.default_factory) for n, f in fields.items()
                      if f.default_factory is not MISSING)
    required = tuple(n for n, f in fields.items()
                     if f.default is MISSING and f.default_factory is MISSING)
    count = len(fields)
    title = cls.__qualname__

    def __init__(self, *args, **kwargs):
        n = len(args)
        if n > len(positional):
            raise TypeError(f"{title}.__init__() takes {len(positional) + 1} positional "
                            f"arguments but {n + 1} were given")
        values = self.__dict__
        values.update(defaults)
        if n:
            values.update(zip(positional, args))
        if kwargs:
            for key in kwargs:
                if key not in allowed:
                    raise TypeError(f"{title}.__init__() got an unexpected keyword argument "
                                    f"{key!r}")
                if where.get(key, n) < n:
                    raise TypeError(f"{title}.__init__() got multiple values for argument "
                                    f"{key!r}")
            values.update(kwargs)
        for key, make in factories:
            if key not in values:
                values[key] = make()
        if len(values) < count:
            missing = [key for key in required if key not in values]
            if missing:
                raise TypeError(f"{title}.__init__() missing required argument(s): "
                                + ", ".join(repr(m) for m in missing))

    return __init__
