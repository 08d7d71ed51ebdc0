"""The command line's stand-in for sympy.tensor.tensor (derive.deferred).

Each case runs in a fresh interpreter: the stand-in changes sys.modules, and this test
process may have loaded the real module already.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                       text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_sums_are_built_without_loading_the_tensor_module():
    out = _run("""
        import sys, sympy
        from derive.deferred import defer_tensor_module, is_deferred
        assert defer_tensor_module()
        x, y = sympy.symbols("x y")
        e = (x + 1) * (y + 2) + x**2 - y
        assert sympy.expand(e) == x*y + 2*x + y + 2 + x**2 - y
        assert sympy.Sum(sympy.exp(x), (x, 1, y)).doit() is not None
        print(is_deferred(sys.modules["sympy.tensor.tensor"]),
              "sympy.combinatorics" in sys.modules)
    """)
    assert out == "True False"


def test_the_first_real_request_loads_the_real_module_into_the_same_object():
    out = _run("""
        import sys, sympy
        from derive.deferred import defer_tensor_module, is_deferred
        defer_tensor_module()
        stand_in = sys.modules["sympy.tensor.tensor"]
        fake = stand_in.TensExpr
        sympy.Symbol("x") + 1
        from sympy.tensor.tensor import TensorIndexType, tensor_indices, TensorHead, TensExpr
        assert sys.modules["sympy.tensor.tensor"] is stand_in is sympy.tensor.tensor
        assert not is_deferred(stand_in) and type(stand_in) is type(sys)
        assert TensExpr is not fake and stand_in.TensExpr is TensExpr
        assert stand_in.__file__.endswith("tensor.py")
        L = TensorIndexType("L")
        i, j = tensor_indices("i j", L)
        A = TensorHead("A", [L])
        s = A(i) + A(i)  # Add.flatten now sees the real classes
        assert isinstance(s, TensExpr) and str(s) == "2*A(i)", s
        print("ok")
    """)
    assert out == "ok"


def test_a_from_import_that_mixes_answered_and_other_names_gets_the_real_ones():
    # sympy.tensor.toperators asks for Tensor first, then TensExpr and TensAdd from the
    # same module object: they must be the real classes, not the stand-in's
    out = _run("""
        import sys, sympy
        from derive.deferred import defer_tensor_module
        defer_tensor_module()
        fake = sys.modules["sympy.tensor.tensor"].TensAdd
        from sympy.tensor.tensor import Tensor, TensExpr, TensAdd
        import sympy.tensor.toperators as ops
        assert TensAdd is not fake and ops.TensAdd is TensAdd and ops.TensExpr is TensExpr
        from sympy.tensor.tensor import TensorIndexType, tensor_indices, TensorHead
        L = TensorIndexType("L"); i, j = tensor_indices("i j", L); A = TensorHead("A", [L])
        print(ops.PartialDerivative(A(i), A(j)))
    """)
    assert out == "PartialDerivative(A(i), A(j))"


def test_nothing_is_deferred_once_the_real_module_is_loaded():
    out = _run("""
        import sys, sympy, sympy.tensor.tensor as real
        from derive.deferred import defer_tensor_module
        print(defer_tensor_module(), sys.modules["sympy.tensor.tensor"] is real)
    """)
    assert out == "False True"


def test_a_failed_load_leaves_no_half_made_module_behind():
    out = _run("""
        import sys, sympy, importlib.util
        from derive.deferred import defer_tensor_module, load_deferred
        defer_tensor_module()
        stand_in = sys.modules["sympy.tensor.tensor"]
        class Broken:
            def exec_module(self, module):
                raise ImportError("broken on purpose")
        stand_in.__spec__ = importlib.util.spec_from_loader("sympy.tensor.tensor", Broken())
        try:
            load_deferred(stand_in)
        except ImportError as exc:
            print(exc, "sympy.tensor.tensor" in sys.modules)
    """)
    assert out == "broken on purpose False"


def test_dunder_probes_do_not_load_it():
    out = _run("""
        import sys, sympy
        from derive.deferred import defer_tensor_module, is_deferred
        defer_tensor_module()
        m = sys.modules["sympy.tensor.tensor"]
        print(hasattr(m, "__path__"), hasattr(m, "__wrapped__"), is_deferred(m))
    """)
    assert out == "False False True"


def test_only_the_command_line_defers_it():
    post = str(ROOT / "examples" / "softmax-cross-entropy.md")
    probe = ("import sys\n{call}\n"
             "m = sys.modules.get('sympy.tensor.tensor')\n"
             "print(type(m).__name__, 'sympy.combinatorics' in sys.modules)\n")
    cli = (f"from derive.app.cli import main\n"
           f"main(['check', {post!r}, '--format', 'json', '--no-cache', '-j', '1'])")
    assert _run(probe.format(call=cli)).splitlines()[-1] == "_DeferredModule False"
    library = f"import derive\nderive.check({post!r})"
    assert _run(probe.format(call=library)).splitlines()[-1] == "module True"
