"""Properties: on code built only from our own literals and operators, the evaluator agrees
with Python's ``eval`` exactly; on any text at all, it never fails in an unexpected way.

``eval`` here only ever sees code this test generated (no names but A, B, C and three
builtins), so running it is safe; it is the reference for Python's own semantics.
"""

from __future__ import annotations

import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from confdrift.datastore.pyexpr import NotEvaluated, PyExprError, evaluate

NAMES = {"A": "a b", "B": "1", "C": ""}
SAFE_BUILTINS = {"len": len, "str": str, "int": int}

leaves = st.one_of(
    st.integers(-3, 12).map(repr),
    st.text(alphabet="ab 1-", max_size=4).map(repr),
    st.sampled_from(["True", "False", "None", "A", "B", "C", "d.getVar('A')"]),
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.sampled_from(["+", "-", "*", "//", "%", "==", "!=", "<", "<=", "in",
                              "not in", "and", "or", "&", "|", "^"])
    return st.one_of(
        st.tuples(children, binary, children).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(children, st.integers(0, 3)).map(lambda t: f"({t[0]} ** {t[1]})"),
        st.tuples(st.sampled_from(["not ", "-", "~"]), children).map(lambda t: f"({t[0]}{t[1]})"),
        st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(children, min_size=1, max_size=3).map(lambda i: "(" + ", ".join(i) + ",)"),
        st.tuples(children, st.integers(-3, 3)).map(lambda t: f"{t[0]}[{t[1]}]"),
        st.tuples(children, st.integers(-3, 3)).map(lambda t: f"{t[0]}[{t[1]}:]"),
        st.tuples(st.sampled_from(["len", "str", "int"]), children).map(
            lambda t: f"{t[0]}({t[1]})"),
        st.tuples(children, st.sampled_from(
            ["split()", "strip()", "upper()", "replace('a', 'bb')", "startswith('a')",
             "split('1')", "lstrip('a')", "endswith(('b', ''))"])).map(
            lambda t: f"({t[0]}).{t[1]}"),
        st.tuples(children, children).map(lambda t: f"'-'.join({t[0]}) + {t[1]}"),
        st.tuples(children, children).map(lambda t: f"f'{{{t[0]}}}-{{{t[1]}!r}}'"),
        st.tuples(children, children).map(lambda t: f"'%s.%r' % ({t[0]}, {t[1]})"),
    )


expressions = st.recursive(leaves, _combine, max_leaves=10)


class _D:
    """The datastore the reference eval sees: only getVar, over NAMES."""

    def getVar(self, name: str, expand: bool = True) -> str | None:  # BitBake's method name
        return NAMES.get(name)


def python_says(code: str) -> str | tuple[str, str]:
    namespace: dict[str, object] = {"__builtins__": SAFE_BUILTINS, "d": _D(), **NAMES}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return str(eval(code, namespace))
    except Exception as exc:  # the reference's failure, whatever it is, is the expectation
        return (type(exc).__name__, str(exc))


def confdrift_says(code: str) -> str | tuple[str, str] | NotEvaluated:
    try:
        return evaluate(code, lambda name, expand: NAMES.get(name))
    except PyExprError as exc:
        return (exc.kind, exc.detail)


@settings(max_examples=200, deadline=None)
@given(expressions)
def test_generated_expressions_match_python(code: str) -> None:
    mine = confdrift_says(code)
    if isinstance(mine, NotEvaluated):
        # Only the size limits may refuse generated code; Python is not asked then.
        assert "too large" in mine.reason, mine
        return
    expected = python_says(code)
    if isinstance(expected, tuple) and expected[0] == "SyntaxError":
        expected = ("SyntaxError", mine[1] if isinstance(mine, tuple) else "")  # wording varies
    assert mine == expected, code


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="()[]{}'\"+-*/%.,:;=<>!@#$ \\\nabdxyAB019_", max_size=40))
def test_any_text_gives_a_value_a_refusal_or_a_bitbake_error(code: str) -> None:
    try:
        result = evaluate(code, lambda name, expand: NAMES.get(name))
    except PyExprError:
        return
    assert isinstance(result, (str, NotEvaluated))


TOKENS = [
    "d", ".getVar(", ".getVarFlag(", "bb", ".utils", ".contains(", ".filter(", "oe",
    ".utils.vartrue(", "os", ".path", ".join(", "'A'", "'a b'", "'%s'", "'%(a)s'", "A", "B",
    "x", "(", ")", "[", "]", "{", "}", ",", ":", "*", "**", "+", "%", "-", " if ", " else ",
    " and ", " or ", " not ", " in ", "==", "<", "1", "0", "9", "1e308", "None", ".split(",
    ".replace(", ".__class__", "len(", "str(", "int(", "f'{", "}'", "!r", "::", "lambda",
    ":=", " for ", "'x'*", "10**9",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=14).map("".join))
def test_token_soup_gives_a_value_a_refusal_or_a_bitbake_error(code: str) -> None:
    try:
        result = evaluate(code, lambda name, expand: NAMES.get(name), lambda n, f, e: None)
    except PyExprError:
        return
    assert isinstance(result, (str, NotEvaluated))
