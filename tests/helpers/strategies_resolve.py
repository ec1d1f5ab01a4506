"""Hypothesis strategies: small configuration programs that use every resolver feature.

A program is a main file plus an optional ``inc.conf`` it may include. Statements mix
every operator, flags (with weak defaults), ``export``, ``unset``, ``:append``/``:prepend``/
``:remove`` with and without conditions, override variants (``A:a``, ``A:a:b``,
``A:a:append``), OVERRIDES itself, and values with references and simple inline Python.
"""

from __future__ import annotations

from hypothesis import strategies as st

NAMES = ("A", "B", "C")
OVERRIDE_WORDS = ("a", "b", "c")
OPERATORS = ("=", "?=", "??=", ":=", "+=", "=+", ".=", "=.")
WORDS = (
    "x",
    "y",
    "a b",
    " z",
    "",
    "${A}",
    "${B}",
    "${C}",
    "${UNSET}",
    "x ${B} y",
    "${@'p'}",
    "${@os.getcwd()}",
    "${@d.getVar('B') or 'n'}",
    "${@'q' if d.getVar('C') else 'r'}",
)

values = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)


@st.composite
def _target(draw: st.DrawFn) -> str:
    """A variable name with an optional override part and/or deferred operation."""
    base = draw(st.sampled_from(NAMES))
    variant = draw(st.sampled_from(["", ":a", ":b", ":a:b"]))
    operation = draw(st.sampled_from(["", "", ":append", ":prepend", ":remove"]))
    condition = draw(st.sampled_from(["", ":a", ":b"])) if operation else ""
    return base + variant + operation + condition


@st.composite
def assignment(draw: st.DrawFn) -> str:
    name = draw(_target())
    op = draw(st.sampled_from(OPERATORS))
    if ":append" in name or ":prepend" in name or ":remove" in name:
        op = draw(st.sampled_from(["=", "=", ":=", "+=", ".=", "??=", "?="]))
    return f'{name} {op} "{draw(values)}"'


@st.composite
def flag_statement(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(NAMES))
    flag = draw(st.sampled_from(["doc", "vardeps"]))
    if draw(st.booleans()):
        return f"unset {name}[{flag}]"
    op = draw(st.sampled_from(("=", "?=", "??=", "+=", ".=")))
    return f'{name}[{flag}] {op} "{draw(values)}"'


overrides_line = st.lists(st.sampled_from((*OVERRIDE_WORDS, "${B}")), max_size=3).map(
    lambda words: f'OVERRIDES = "{":".join(words)}"'
)
override_edits = st.sampled_from(
    ['OVERRIDES:append = ":c"', 'OVERRIDES .= ":a"', "unset OVERRIDES", 'OVERRIDES:b = "b:c"']
)
simple = st.one_of(
    st.sampled_from(NAMES).map(lambda n: f"unset {n}"),
    st.sampled_from(NAMES).map(lambda n: f"export {n}"),
    st.sampled_from(NAMES).map(lambda n: f'export {n} = "e"'),
)
statement = st.one_of(
    assignment(),
    assignment(),
    assignment(),
    flag_statement(),
    overrides_line,
    override_edits,
    simple,
)
include_statement = st.sampled_from(
    ["include inc.conf", "require inc.conf", "include none.conf", "include_all inc.conf"]
)


@st.composite
def program(draw: st.DrawFn) -> dict[str, str]:
    """``{"t.conf": text, "inc.conf": text}``."""
    main = draw(st.lists(st.one_of(statement, statement, include_statement), max_size=10))
    inc = draw(st.lists(statement, max_size=4))
    return {"t.conf": "\n".join(main) + "\n", "inc.conf": "\n".join(inc) + "\n"}
