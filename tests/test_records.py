"""derive.records.frozen behaves as @dataclass(frozen=True) does, for what derive uses."""

from __future__ import annotations

import dataclasses
import pickle
from dataclasses import FrozenInstanceError, dataclass, field
from typing import ClassVar

import pytest

from derive.records import frozen


def pair(decorate):
    """The same little hierarchy, built by one decorator or the other."""

    @decorate
    class Base:
        pos: int = field(default=0, compare=False, kw_only=True)

    @decorate
    class Leaf(Base):
        name: str
        sub: tuple = ()
        notes: dict = field(default_factory=dict, compare=False)

    @decorate
    class Other(Base):
        name: str
        sub: tuple = ()

    return Base, Leaf, Other


OURS = pair(frozen)
THEIRS = pair(dataclass(frozen=True))


def test_the_classes_are_built_by_frozen_not_by_dataclasses():
    _, leaf, _ = OURS
    assert leaf.__init__.__code__.co_filename.endswith("records.py")


@pytest.mark.parametrize("classes", [OURS, THEIRS], ids=["frozen", "dataclass"])
def test_same_behaviour(classes):
    base, leaf, other = classes
    a = leaf("x", (1,), pos=3)
    assert a == leaf("x", (1,), pos=99)  # pos is not compared
    assert hash(a) == hash(leaf("x", (1,)))
    assert a != leaf("y", (1,))
    assert a != other("x", (1,))  # another class is never equal
    assert leaf("x").notes == {} and leaf("x").notes is not leaf("x").notes
    assert repr(a) == f"{leaf.__qualname__}(pos=3, name='x', sub=(1,), notes={{}})"
    assert [f.name for f in dataclasses.fields(a)] == ["pos", "name", "sub", "notes"]
    assert dataclasses.replace(a, name="z") == leaf("z", (1,))
    assert dataclasses.replace(a, name="z").pos == 3
    assert dataclasses.asdict(a) == {"pos": 3, "name": "x", "sub": (1,), "notes": {}}
    assert dataclasses.is_dataclass(a)
    with pytest.raises(FrozenInstanceError):
        a.name = "w"
    with pytest.raises(FrozenInstanceError):
        del a.name
    with pytest.raises(TypeError):
        leaf("x", (), {}, 5)  # pos is keyword-only
    with pytest.raises(TypeError):
        leaf()  # name has no default
    assert leaf.__match_args__ == ("name", "sub", "notes")
    assert base() == base(pos=1)


def test_an_undecorated_subclass_may_add_attributes_as_with_dataclass():
    _, leaf, _ = OURS

    class Plain(leaf):
        pass

    p = Plain("x")
    p.extra = 1
    assert p.extra == 1
    with pytest.raises(FrozenInstanceError):
        p.name = "y"


@pytest.mark.parametrize("decorate", [frozen, dataclass(frozen=True)], ids=["frozen", "dataclass"])
def test_a_class_variable_is_no_field(decorate):
    @decorate
    class Ruled:
        name: str
        needs: ClassVar[tuple[type, ...]] = (int,)

    class Sub(Ruled):
        needs = (str,)

    assert [f.name for f in dataclasses.fields(Ruled)] == ["name"]
    assert Ruled("a").needs == (int,) and Sub("b").needs == (str,)
    assert Ruled("a") == Ruled("a") and repr(Ruled("a")).endswith("Ruled(name='a')")
    with pytest.raises(TypeError):
        Ruled("a", (str,))
    if decorate is frozen:
        assert Ruled.__init__.__code__.co_filename.endswith("records.py")


def test_a_hand_written_repr_is_kept():
    @frozen
    class Shown:
        a: int

        def __repr__(self) -> str:
            return "<shown>"

    assert repr(Shown(1)) == "<shown>"
    assert Shown(1) == Shown(1)


def test_what_it_does_not_support_is_left_to_dataclass():
    @frozen
    class WithPost:
        a: int

        def __post_init__(self):
            object.__setattr__(self, "a", self.a * 2)

    assert WithPost(2).a == 4

    with pytest.raises(ValueError):  # dataclass's own error for a mutable default
        @frozen
        class Mutable:
            a: list = []


def test_a_field_named_like_the_generated_locals_is_safe():
    @frozen
    class Odd:
        d: int = 0
        self_: int = 1

    assert Odd(5, 6) == Odd(d=5, self_=6)
    assert Odd(5).d == 5


def test_derive_values_pickle_and_compare_as_before():
    # -j N sends reports between processes by pickle
    from derive.reading.syntax import Case, Sym
    from derive.report.model import Link, Verdict

    node = Sym("y", (Sym("k"),), Case("k", "i"), True, pos=4)
    assert pickle.loads(pickle.dumps(node)) == node
    assert pickle.loads(pickle.dumps(node)).pos == 4
    assert node == Sym("y", (Sym("k"),), Case("k", "i"), True)  # positions never compare
    link = Link(1, "a", "b", Verdict.PROVED, "symbolic", "algebra")
    assert pickle.loads(pickle.dumps(link)) == link
    assert dataclasses.replace(link, seconds=1.5).seconds == 1.5
