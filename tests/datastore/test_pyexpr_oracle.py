"""The evaluator against BitBake's own evaluation (the real ``bb`` library runs the code).

Only expressions the real BitBake can run without oe-core are compared: the idiom and
error tables of test_pyexpr.py, and every corpus expression that uses only ``bb.utils``,
``d.getVar`` and plain Python, under several datastores built from its own words.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import random
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers.environment import require_bitbake, shared_missing
from hypothesis import given, settings
from hypothesis import strategies as st
from test_pyexpr import ERRORS, FLAGS, IDIOMS, VARS

from confdrift.datastore.pyexpr import NotEvaluated, PyExprError, evaluate

CORPUS = Path(__file__).resolve().parents[2] / "../shared/corpus"
PYTHON_CODE = r"\$\{@(?:\{.*?\}|.)+?\}"  # BitBake's cut: first '}' outside a {...} pair


#: BitBake's evaluation globals as a fresh process has them. Other tests in the same run make
#: BitBake add to those globals (OE_IMPORTS, addpylib, the python functions of .inc files);
#: comparing against them would make the result depend on the order tests run in.
_PRISTINE = ("__builtins__", "bb", "os", "time")


def bb_evaluate(bb: Any, code: str, values: dict[str, str]) -> str | tuple[str, str]:
    """BitBake's text for ${@code}, or (exception type, message) when it fails."""
    context = bb.utils._context
    for name in [n for n in context if n not in _PRISTINE]:
        del context[name]
    d = bb.data.init()
    for name, value in values.items():
        d.setVar(name, value)
    for (name, flag), value in FLAGS.items():
        d.setVarFlag(name, flag, value)
    try:
        return str(d.expand("${@" + code + "}"))
    except bb.data_smart.ExpansionError as exc:
        return (type(exc.exception).__name__, str(exc.exception))


def ours(code: str, values: dict[str, str]) -> str | tuple[str, str] | NotEvaluated:
    def getflag(name: str, flag: str, expand: bool) -> str | None:
        return FLAGS.get((name, flag))

    try:
        return evaluate(code, lambda name, expand: values.get(name), getflag)
    except PyExprError as exc:
        return (exc.kind, exc.detail)


def uses_oe(code: str) -> bool:
    return "oe." in code


@pytest.mark.parametrize(("code", "expected"), [c for c in IDIOMS if not uses_oe(c[0])])
def test_idioms_match_bitbake(bb: Any, code: str, expected: str) -> None:
    assert bb_evaluate(bb, code, VARS) == expected


@pytest.mark.parametrize(("code", "kind", "detail"), [c for c in ERRORS if not uses_oe(c[0])])
def test_errors_match_bitbake(bb: Any, code: str, kind: str, detail: str) -> None:
    result = bb_evaluate(bb, code, VARS)
    assert isinstance(result, tuple)
    assert result[0] == kind
    assert detail in result[1]


# --- corpus differential -------------------------------------------------------------


def corpus_expressions() -> list[str]:
    import re

    if not CORPUS.is_dir():
        return []
    found: set[str] = set()
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix in (".conf", ".inc", ".sample") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            found.update(m.group()[3:-1] for m in re.finditer(PYTHON_CODE, text))
    return sorted(found)


def plain_bitbake_only(code: str) -> bool:
    """No oe-core, no nested ${VAR} (BitBake would expand those first), valid Python."""
    if "${" in code or uses_oe(code):
        return False
    try:
        ast.parse(code.strip(), mode="eval")
    except SyntaxError:
        return False
    return True


def variables_read(code: str) -> list[str]:
    names: list[str] = []

    def record(name: str, expand: bool) -> str | None:
        names.append(name)
        return "x"

    with contextlib.suppress(PyExprError):
        evaluate(code, record)
    return sorted(set(names))


def datastores(code: str) -> Iterator[dict[str, str]]:
    """Variable values made of the expression's own words, so conditions go both ways."""
    words = sorted({w for node in ast.walk(ast.parse(code.strip(), mode="eval"))
                    if isinstance(node, ast.Constant) and isinstance(node.value, str)
                    for w in node.value.split()}) or ["x"]
    names = variables_read(code)
    rng = random.Random(code)
    yield dict.fromkeys(names, " ".join(words))
    yield {}
    for _ in range(4):
        yield {n: " ".join(rng.sample(words, rng.randint(0, len(words)))) for n in names}


def test_corpus_expressions_match_bitbake(bb: Any) -> None:
    codes = [c for c in corpus_expressions() if plain_bitbake_only(c)]
    if not codes:
        shared_missing("shared corpus not available")
    compared = 0
    for code in codes:
        for values in datastores(code):
            mine = ours(code, values)
            if isinstance(mine, NotEvaluated):
                continue
            assert mine == bb_evaluate(bb, code, values), (code, values)
            compared += 1
    assert compared > 100  # most bb.utils.contains expressions are evaluated


# --- library calls with arbitrary arguments, against bb -------------------------------

WORDS = st.sampled_from(["a", "b", "c", "1", "yes", "no", "True", "t", ""])
word_lists = st.lists(WORDS, max_size=3)
arguments = st.one_of(
    word_lists.map(lambda ws: repr(" ".join(ws))),
    word_lists.map(repr),
    word_lists.map(lambda ws: repr(tuple(ws))),
    st.sampled_from(["None", "0", "1", "True", "A", "d.getVar('U')", "[1]", "''"]),
)
variable_names = st.sampled_from(["'A'", "'B'", "'U'", "'A' + 'B'", "B"])
calls = st.one_of(
    st.tuples(st.sampled_from(["contains", "contains_any"]), variable_names, arguments,
              arguments, arguments).map(
        lambda t: f"bb.utils.{t[0]}({t[1]}, {t[2]}, {t[3]}, {t[4]}, d)"),
    st.tuples(variable_names, arguments).map(lambda t: f"bb.utils.filter({t[0]}, {t[1]}, d)"),
    st.tuples(arguments, arguments).map(lambda t: f"bb.utils.to_boolean({t[0]}, {t[1]})"),
    arguments.map(lambda a: f"bb.utils.to_boolean({a})"),
    st.tuples(variable_names, arguments).map(lambda t: f"d.getVar({t[0]}, {t[1]})"),
)
datastore_values = st.fixed_dictionaries(
    {"A": word_lists.map(" ".join), "B": st.sampled_from(["A", "a", "", "1"])}
)


@settings(max_examples=200, deadline=None)
@given(code=calls, values=datastore_values)
def test_library_calls_match_bitbake(code: str, values: dict[str, str]) -> None:
    for name in ("hashserv", "hashserv.client"):
        sys.modules.setdefault(name, types.ModuleType(name))
    bb = require_bitbake()
    for module in ("bb.data", "bb.data_smart", "bb.parse"):
        importlib.import_module(module)
    mine = ours(code, values)
    if isinstance(mine, NotEvaluated):
        return
    assert mine == bb_evaluate(bb, code, values), code
