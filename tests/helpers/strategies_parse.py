"""Hypothesis strategies producing BitBake configuration text, valid and invalid.

Lines are assembled from the constructs of spec §2-§3 (names with overrides and
``${}``, flags, every operator, quotes in every combination, comments, continuations,
keywords, functions) plus near-misses (odd characters, missing or extra quotes,
indentation, trailing comments), so both acceptance and statements get exercised.
"""

from __future__ import annotations

from hypothesis import strategies as st

NAME_CHARS = "AZaz09-_+.${}/~:"
ODD_CHARS = "@ [é#=\"'"
VALUE_CHARS = "ab #\"'\\=${}:@\t"
OPERATORS = [":=", "??=", "?=", "+=", "=+", "=.", ".=", "=", "==", "?", ""]
SPACES = ["", " ", "  ", "\t"]
KEYWORDS = ["include", "require", "include_all", "export", "unset", "addpylib", "addfragments",
            "inherit", "inherit_defer", "addtask", "deltask", "addhandler", "EXPORT_FUNCTIONS",
            "INCLUDE", "def", "python", "fakeroot"]
NEWLINES = ["\n", "\r\n", "\r"]


def _text(chars: str, max_size: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=chars, max_size=max_size)


names = st.one_of(
    st.sampled_from(["A", "B", "MACHINE", "A:append", "A:remove:o", "${X}_Y", "export", "+",
                     "A+", "exportC", "inherit", "include", "a.b-c/d~e",
                     "DISTRO_FEATURES:qemux86-64"]),
    _text(NAME_CHARS, 6),
    st.builds(lambda a, b: a + b, _text(NAME_CHARS, 3), _text(ODD_CHARS, 1)),
)

flags = st.one_of(
    st.just(""),
    st.sampled_from(["[doc]", "[f]", "[flag@.service]", "[a/b]", "[@f]", "[]", "[x y]"]),
    st.builds(lambda s: f"[{s}]", _text("az09-_+.@/", 4)),
)


@st.composite
def values(draw: st.DrawFn) -> str:
    opening = draw(st.sampled_from(['"', "'", "", '"']))
    closing = draw(st.sampled_from([opening, opening, '"', "'", ""]))
    body = draw(_text(VALUE_CHARS, 10))
    tail = draw(st.sampled_from(["", "", "  ", "  # note", ' # "q"', ";", " \\"]))
    return f"{opening}{body}{closing}{tail}"


@st.composite
def assignments(draw: st.DrawFn) -> str:
    export = draw(st.sampled_from(["", "", "export ", "export\t"]))
    lead = draw(st.sampled_from(["", "", "", " "]))
    name, flag = draw(names), draw(flags)
    left, right = draw(st.sampled_from(SPACES)), draw(st.sampled_from(SPACES))
    op = draw(st.sampled_from(OPERATORS))
    return f"{lead}{export}{name}{flag}{left}{op}{right}{draw(values())}"


@st.composite
def directives(draw: st.DrawFn) -> str:
    keyword = draw(st.sampled_from(KEYWORDS))
    words = draw(st.lists(st.one_of(names, _text("abc./${}#[]", 5)), max_size=5))
    space = draw(st.sampled_from([" ", "\t", "  ", ""]))
    return keyword + space + " ".join(words)


@st.composite
def blocks(draw: st.DrawFn) -> str:
    body = draw(st.lists(st.sampled_from(["    echo hi", "\tx = 1", "", "# c", "}", " }",
                                          "A = \"x\"", "    return 1 \\"]), max_size=4))
    header = draw(st.sampled_from(["do_x() {", "python do_y() {", "fakeroot do_z () {",
                                   "python () {", "def f(d):", "def g(a, b):  # c", "do_x() {x"]))
    closer = draw(st.sampled_from(["}", "}", "", " }"]))
    return "\n".join([header, *body, closer])


comments = st.one_of(
    st.sampled_from(["# comment", "#", "# a \\", "  # indented", "#\\", "# x\t\\  "]),
    st.builds(lambda s: "#" + s, _text(VALUE_CHARS, 8)),
)

other_lines = st.sampled_from(["", "   ", "\t", "\\", "\u00a0", "\ufeffA = \"x\"", "A \\"])

@st.composite
def good_assignments(draw: st.DrawFn) -> str:
    """Assignments BitBake accepts, so that whole generated files often pass too."""
    name = draw(st.sampled_from(["A", "B", "A:append", "${X}_Y", "a.b-c/d~e", "A+"]))
    flag = draw(st.sampled_from(["", "", "[doc]", "[f@x.service]"]))
    op = draw(st.sampled_from(OPERATORS[:8]))
    quote = draw(st.sampled_from(['"', "'"]))
    body = draw(_text(VALUE_CHARS.replace(quote, ""), 8))
    continued = draw(st.sampled_from(["", "", " \\\n  more"]))
    return f"{name}{flag} {op} {quote}{body}{continued}{quote}"


lines = st.one_of(good_assignments(), good_assignments(), good_assignments(), assignments(),
                  directives(), comments, other_lines, blocks())


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str]:
    """(text, file name): several lines joined with one newline style."""
    body = draw(st.lists(lines, min_size=1, max_size=6))
    newline = draw(st.sampled_from(NEWLINES))
    final = draw(st.sampled_from([newline, ""]))
    name = draw(st.sampled_from(["t.conf", "t.conf", "t.inc", "layer.conf"]))
    return newline.join("\n".join(body).split("\n")) + final, name
