"""Values that stand for Python objects confdrift does not hand out (``d``, modules, ...)."""

from __future__ import annotations

from collections.abc import Callable

from confdrift.datastore.pyexpr.errors import Refused

# Plain slotted classes: five frozen dataclasses cost ~2 ms of every start, and stand-ins
# are only ever told apart by isinstance (never compared, hashed or shown).


class Datastore:
    """The ``d`` object."""

    __slots__ = ()


class Module:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Foreign:
    """Something real Python would look up (``os.path.exists``) that confdrift will not."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Function:
    __slots__ = ("impl", "name")

    def __init__(self, name: str, impl: Callable[..., object]) -> None:
        self.name = name
        self.impl = impl


class Method:
    """A string method looked up on a string value, not yet called."""

    __slots__ = ("name", "target")

    def __init__(self, target: str, name: str) -> None:
        self.target = target
        self.name = name


DATA = (str, int, float, type(None), list, tuple, dict)
NOT_EVALUATED = "which confdrift does not evaluate"


def describe(value: object) -> str:
    """Why a stand-in value cannot be used as data."""
    if isinstance(value, Foreign):
        return f"uses {value.name}, {NOT_EVALUATED}"
    if isinstance(value, Datastore):
        return "uses the datastore d as a value, which confdrift does not model"
    if isinstance(value, Module):
        return f"uses the module {value.name} as a value, which confdrift does not model"
    if isinstance(value, Function):
        return f"uses the function {value.name} without calling it"
    if isinstance(value, Method):
        return f"uses the method str.{value.name} without calling it"
    return f"produces a {type(value).__name__}, which confdrift does not model"


def data(value: object) -> object:
    """``value`` itself when it is plain data; a refusal otherwise."""
    if isinstance(value, DATA):
        return value
    raise Refused(describe(value))
