"""Deferring sympy's tensor module in the derive command's own process.

Owns one start-up saving and nothing else. sympy's ``Add.flatten`` runs
``from sympy.tensor.tensor import TensExpr, TensAdd`` on every call, only to ask whether
a term is a tensor. The first call imports ``sympy.tensor.tensor``, which imports
``sympy.combinatorics`` whole, whose ``polyhedron`` module builds the symmetry groups of
the five Platonic solids at import: about 30 ms here, more than the rest of derive's
engine imports, for a question whose answer is always "no" (derive never makes a tensor).

:func:`defer_tensor_module` puts a stand-in under that name. It holds two classes that
nothing is an instance of, so the stand-in answers Add's question rightly. The first
request for any other name runs the real module's code *into the stand-in* (the same
module object, so whoever holds it sees the real thing), and from then on it is the real
module: a tensor can only be made after that, from the real classes. Add reads the names
again on every call, so it sees the real classes from then on too.

Only the command line uses this (its process ends when the reports are out); a library
user's sympy is left alone.
"""

from __future__ import annotations

import importlib.util
import sys
import types

TENSOR_MODULE = "sympy.tensor.tensor"
#: The names Add.flatten reads, each a class that nothing is an instance of until the
#: real module is loaded.
_ANSWERED = ("TensExpr", "TensAdd")


class _DeferredModule(types.ModuleType):
    """A module whose real code runs on the first request for a name it does not hold."""

    def __getattr__(self, name: str):
        if name.startswith("__"):  # probes such as __path__ or __wrapped__: not a request
            raise AttributeError(name)
        load_deferred(self)
        return getattr(self, name)


def defer_tensor_module() -> bool:
    """Put the stand-in in place, if sympy has not loaded the real module yet.

    Returns whether it did. Call it after ``import sympy`` and before anything builds a
    sum.
    """
    if TENSOR_MODULE in sys.modules:
        return False
    package = sys.modules.get("sympy.tensor")
    spec = importlib.util.find_spec(TENSOR_MODULE) if package is not None else None
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return False
    module = _DeferredModule(TENSOR_MODULE)
    module.__spec__ = spec
    module.__loader__ = spec.loader
    module.__package__ = spec.parent
    for name in _ANSWERED:
        setattr(module, name, type(name, (), {"__module__": TENSOR_MODULE,
                                              "__doc__": "Stand-in: not yet loaded."}))
    sys.modules[TENSOR_MODULE] = module
    package.tensor = module  # as the import system would bind it
    return True


def is_deferred(module: types.ModuleType) -> bool:
    """Whether this is the stand-in, not yet loaded."""
    return type(module) is _DeferredModule


def load_deferred(module: types.ModuleType) -> None:
    """Run the real module's code into the stand-in, which is then the real module."""
    if not is_deferred(module):
        return
    spec = module.__spec__
    for name in _ANSWERED:  # the real definitions replace them; none may be seen meanwhile
        module.__dict__.pop(name, None)
    module.__class__ = types.ModuleType
    module.__file__ = spec.origin
    if spec.cached:
        module.__cached__ = spec.cached
    try:
        spec.loader.exec_module(module)
    except BaseException:
        # as a failed import does: the name is gone, and the next import tries again
        if sys.modules.get(TENSOR_MODULE) is module:
            del sys.modules[TENSOR_MODULE]
        raise
