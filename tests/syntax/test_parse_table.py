"""Table tests for the parser: each construct, each error, each release difference.

Fixture files under fixtures/parse/ are named by what they prove; when BitBake's bb
library is importable, every fixture is also checked against BitBake's own reader.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import oracle

from confdrift.errors import ParseError
from confdrift.syntax.nodes import Kind, Span
from confdrift.syntax.parse import base_config_for, parse_file, parse_text, reader_for

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "parse"
VALID = sorted(p for p in (FIXTURES / "valid").rglob("*.*") if p.is_file())
INVALID = sorted(p for p in (FIXTURES / "invalid").rglob("*.*") if p.is_file())


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFDRIFT_NO_CACHE", "1")


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(FIXTURES)) for p in paths]


def _assigns(text: str, name: str = "t.conf", **kw: object) -> list[tuple[object, ...]]:
    parsed = parse_text(text, name, **kw)  # type: ignore[arg-type]
    return [(s.name, s.flag, s.op, s.value, s.exported) for s in parsed.statements]


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_fixture_is_read_as_bitbake_reads_it(path: Path) -> None:
    parsed = parse_file(path)
    assert parsed.statements
    if oracle.bb_available():
        expected = oracle.read(path, base_config=base_config_for(str(path)))
        assert expected.accepted
        assert oracle.rows_of(parsed) == expected.rows


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_invalid_fixture_is_rejected_as_bitbake_rejects_it(path: Path) -> None:
    with pytest.raises(ParseError):
        parse_file(path)
    if oracle.bb_available():
        assert not oracle.read(path, base_config=base_config_for(str(path))).accepted


# (fixture, line, words the message must contain)
ERRORS = [
    ("trailing-comment.conf", 2, "comment after a value"),
    ("indented-comment.conf", 1, "indented comment"),
    ("indented-statement.conf", 1, "column 1"),
    ("confusing-multiline-comment.conf", 1, "next line is not a comment"),
    ("comment-continued-into-blank-line.conf", 1, "next line is not a comment"),
    ("comment-backslash-at-end-of-file.conf", 2, "next line is not a comment"),
    ("inherit-in-conf.conf", 1, 'INHERIT += "CLASS"'),
    ("python-function-in-conf.conf", 1, "recipe syntax"),
    ("shell-function-in-conf.conf", 1, "recipe syntax"),
    ("empty-variable-name.conf", 1, "no variable name"),
    ("empty-name-with-plus-equals.conf", 1, "no variable name"),
    ("export-alone-as-name.conf", 1, "no variable name"),
    ("three-double-quotes.conf", 1, "three"),
    ("three-single-quotes.conf", 1, "three"),
    ("backslash-does-not-escape-quote.conf", 1, "no escapes"),
    ("unquoted-value.conf", 1, "must be quoted"),
    ("unterminated-quote.conf", 1, "closing \" is missing"),
    ("mismatched-quotes.conf", 1, "same quote"),
    ("text-after-closing-quote.conf", 1, "text after the closing"),
    ("at-sign-in-name.conf", 1, "'@' is not allowed"),
    ("space-in-name.conf", 1, "unparsed line"),
    ("space-before-flag.conf", 1, "unparsed line"),
    ("flag-starting-with-at.conf", 1, "invalid flag name"),
    ("unset-one-character-flag.conf", 1, "at least 2 characters"),
    ("unset-override.conf", 1, "does not accept ':'"),
    ("unset-with-comment.conf", 1, "comment after 'unset NAME'"),
    ("export-override.conf", 1, "does not accept ':'"),
    ("include-without-argument.conf", 1, "needs an argument"),
    ("keyword-in-upper-case.conf", 1, "unparsed line"),
    ("addpylib-outside-base-config.conf", 1, "layer.conf"),
    ("addfragments-three-arguments.conf", 1, "exactly 4 arguments"),
    ("continuation-at-end-of-file.conf", 1, "text after the closing"),
    ("lone-backslash-at-end-of-file.conf", 2, "joins into nothing"),
    ("utf8-bom.conf", 1, "'\\ufeff' is not allowed"),
    ("comment-inside-continuation.inc", 2, "comment line sits inside"),
    ("unclosed-function.inc", 1, "never closed"),
    ("continuation-at-end-of-file.inc", 1, "ends inside"),
    ("addpylib-in-inc.inc", 1, "layer.conf"),
]


def test_every_invalid_fixture_has_an_expected_message() -> None:
    assert sorted(name for name, _, _ in ERRORS) == sorted(p.name for p in INVALID)


@pytest.mark.parametrize(("name", "line", "words"), ERRORS, ids=[e[0] for e in ERRORS])
def test_error_says_what_is_wrong_and_where(name: str, line: int, words: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_file(FIXTURES / "invalid" / name)
    assert caught.value.line == line
    assert words in caught.value.message
    assert caught.value.filename == str(FIXTURES / "invalid" / name)


# (source, expected (name, flag, op, value, exported) per statement) — spec §14 cases.
VALUES = [
    ('A = "x" # say "hi"', [("A", None, "=", 'x" # say "hi', False)]),
    ("A = 'single \"q\"'", [("A", None, "=", 'single "q"', False)]),
    ('A = "it\'s"', [("A", None, "=", "it's", False)]),
    ('A = "say "hi" now"', [("A", None, "=", 'say "hi" now', False)]),
    ('A = "a" "b"', [("A", None, "=", 'a" "b', False)]),
    ('A = "a\\nb"', [("A", None, "=", "a\\nb", False)]),
    ('A = "a \\\n    b"', [("A", None, "=", "a     b", False)]),
    ('A = "a \\    \nb"', [("A", None, "=", "a b", False)]),
    ('A = "a \\\n# c \\\nb"', [("A", None, "=", "a # c b", False)]),
    ('A = "a\\\\\nb"', [("A", None, "=", "a\\b", False)]),
    ('A+="a"\nA+ = "b"\n+ = "c"', [("A", None, "+=", "a", False), ("A+", None, "=", "b", False),
                                   ("+", None, "=", "c", False)]),
    ('export A = "a"\nexportC = "c"', [("A", None, "=", "a", True),
                                       ("exportC", None, "=", "c", False)]),
    ('A[flag@.service] = "1"\nA[a/b] ??= "2"', [("A", "flag@.service", "=", "1", False),
                                                ("A", "a/b", "??=", "2", False)]),
    ('${X}_Y = "3"', [("${X}_Y", None, "=", "3", False)]),
    ('A = "x"\r\nB = "y"\r\n', [("A", None, "=", "x", False), ("B", None, "=", "y", False)]),
    ('A = "x"\rB = "y"', [("A", None, "=", "x", False), ("B", None, "=", "y", False)]),
    ('A\t=\t"x"', [("A", None, "=", "x", False)]),
    ('A = "a\u00a0b"\n\u00a0\nB = "\u2028"', [("A", None, "=", "a\u00a0b", False),
                                               ("B", None, "=", "\u2028", False)]),
]


@pytest.mark.parametrize(("text", "expected"), VALUES, ids=[v[0][:30] for v in VALUES])
def test_assignment_values(text: str, expected: list[tuple[object, ...]]) -> None:
    assert _assigns(text) == expected


# Release differences (spec §11): (source, version, expected assignments or None = error).
DIALECTS = [
    ('+= "d"', "2.10", [("+", None, "=", "d", False)]),
    ('+= "d"', "2.12", None),
    ('export = "x"', "2.0", [("export", None, "=", "x", False)]),
    ('export += "x"', "2.8", [("+", None, "=", "x", True)]),
    ('= "x"', "2.0", None),
    (' += "x"', "2.0", None),
    ('A[flag@.service] = "1"', "2.0", None),
    ('A[flag@.service] = "1"', "2.8", [("A", "flag@.service", "=", "1", False)]),
    ('A[a/b] = "2"', "2.10", None),
    ('A[a/b] = "2"', "2.12", [("A", "a/b", "=", "2", False)]),
]


@pytest.mark.parametrize(("text", "version", "expected"), DIALECTS,
                         ids=[f"{d[1]}:{d[0]}" for d in DIALECTS])
def test_release_dialects(text: str, version: str,
                          expected: list[tuple[object, ...]] | None) -> None:
    if expected is None:
        with pytest.raises(ParseError):
            parse_text(text, "t.conf", version=version)
    else:
        assert _assigns(text, version=version) == expected


DIRECTIVES = [
    ("include_all conf/x.conf", "2.10", None),
    ("include_all conf/x.conf", "2.12", Kind.INCLUDE_ALL),
    ("addfragments p V M", "2.12", Kind.ADDFRAGMENTS),
    ("addfragments p V M", "2.16", None),
    ("addfragments p V M B", "2.10", None),
    ("addfragments p V M B", "2.16", Kind.ADDFRAGMENTS),
    ("unset A[f]", "2.0", Kind.UNSET),
    ("unset A[f]", "2.8", None),
    ("unset A[x@y]", "2.0", None),
]


@pytest.mark.parametrize(("text", "version", "kind"), DIRECTIVES,
                         ids=[f"{d[1]}:{d[0]}" for d in DIRECTIVES])
def test_directive_dialects(text: str, version: str, kind: Kind | None) -> None:
    if kind is None:
        with pytest.raises(ParseError):
            parse_text(text, "t.conf", version=version)
    else:
        assert parse_text(text, "t.conf", version=version).statements[0].kind is kind


def test_addfragments_under_2_12_glues_the_first_two_of_four_words() -> None:
    (stmt,) = parse_text("addfragments a b c d", "t.conf", version="2.12").statements
    assert stmt.args == ("a b", "c", "d")


@pytest.mark.parametrize(("version", "filename", "allowed"), [
    ("2.0", "layer.conf", False), ("2.8", "layer.conf", True), ("2.19", "bblayers.conf", True),
    ("2.19", "bitbake.conf", True), ("2.19", "local.conf", False), ("2.19", "x.inc", False),
])
def test_addpylib_only_in_base_configuration(version: str, filename: str, allowed: bool) -> None:
    text = "addpylib ${LAYERDIR}/lib oe"
    if allowed:
        (stmt,) = parse_text(text, filename, version=version).statements
        assert (stmt.kind, stmt.args) == (Kind.ADDPYLIB, ("${LAYERDIR}/lib", "oe"))
    else:
        with pytest.raises(ParseError):
            parse_text(text, filename, version=version)


def test_unknown_version_is_a_usage_error() -> None:
    from confdrift.errors import UsageError

    with pytest.raises(UsageError):
        parse_text('A = "x"', version="1.0")


@pytest.mark.parametrize(("name", "reader", "base"), [
    ("local.conf", "conf", False), ("local.conf.sample", "conf", False), ("x.inc", "recipe", False),
    ("x.bbclass", "recipe", False), ("conf/layer.conf", "conf", True),
    ("bblayers.conf", "conf", True), ("bitbake.conf", "conf", True), ("site.conf", "conf", False),
])
def test_reader_and_base_config_follow_the_file_name(name: str, reader: str, base: bool) -> None:
    assert (reader_for(name), base_config_for(name)) == (reader, base)


def test_spans_point_at_physical_lines_and_columns() -> None:
    parsed = parse_text('# c\nA = "a \\\n  b"\nexport B\n', "t.conf")
    first, second = parsed.statements
    assert first.span == Span(2, 1, 3, 4)
    assert first.value_span == Span(2, 6, 3, 3)
    assert first.text == 'A = "a   b"'
    assert second.span == Span(4, 1, 4, 8)
    assert [(c.line, c.text) for c in parsed.comments] == [(1, "# c")]


def test_empty_value_has_an_empty_value_span() -> None:
    (stmt,) = parse_text('A = ""').statements
    assert stmt.value_span == Span(1, 6, 1, 5)


def test_error_column_points_at_the_comment() -> None:
    with pytest.raises(ParseError) as caught:
        parse_text('A = "x"  # note', "t.conf")
    assert (caught.value.line, caught.value.column) == (1, 10)


@pytest.mark.parametrize(("version", "warned"), [("2.19", True), ("2.16", True), ("2.12", False)])
def test_whitespace_warning_since_2_16(version: str, warned: bool) -> None:
    parsed = parse_text('A="x"\nB = "y"', "t.conf", version=version)
    assert [w.line for w in parsed.warnings] == ([1] if warned else [])


def test_operator_combination_warning() -> None:
    parsed = parse_text('A:append += "x"\nA:append = "y"\nB:remove ?= "z"', "t.conf")
    assert [(w.line, "not a recommended" in w.message) for w in parsed.warnings] == [(1, True)]


def test_recover_keeps_going_and_keeps_commented_assignments() -> None:
    text = 'A = "x"  # note\n  B = "y"\nC = "z"\ninherit foo\nD = "w"\n'
    parsed = parse_text(text, "t.conf", recover=True)
    assert [(s.name, s.value, s.recovered) for s in parsed.statements] == [
        ("A", "x", True), ("C", "z", False), ("D", "w", False)]
    assert [e.line for e in parsed.errors] == [1, 2, 4]


def test_recover_records_line_layer_errors_too() -> None:
    parsed = parse_text('# c \\\nB = "y"\n', "t.conf", recover=True)
    assert [e.line for e in parsed.errors] == [1]
    assert [s.name for s in parsed.statements] == ["B"]


def test_without_recover_the_first_error_is_raised() -> None:
    with pytest.raises(ParseError) as caught:
        parse_text('A = "x"\nB = y\nC = z\n', "t.conf")
    assert caught.value.line == 2


def test_recipe_blocks_are_statements() -> None:
    text = (FIXTURES / "valid" / "recipe-functions.inc").read_text()
    parsed = parse_text(text, "x.inc")
    kinds = [(s.kind, s.name, s.args) for s in parsed.statements]
    assert kinds == [
        (Kind.FUNCTION, "do_foo", ()), (Kind.FUNCTION, "do_bar", ("python",)),
        (Kind.FUNCTION, "do_baz", ("fakeroot",)), (Kind.FUNCTION, "__anonymous", ("python",)),
        (Kind.PYTHON_DEF, "helper", ()), (Kind.ASSIGN, "B", ())]
    assert parsed.statements[0].value == "    echo hi\n"
    assert parsed.statements[4].value == 'def helper(d):\n    return "x"\n'
    assert parsed.statements[0].span == Span(1, 1, 3, 1)


def test_recipe_keywords_take_precedence_in_inc_files_only() -> None:
    (inc,) = parse_text('inherit = "x"', "x.inc").statements
    (conf,) = parse_text('inherit = "x"', "x.conf").statements
    assert (inc.kind, inc.args) == (Kind.INHERIT, ("=", '"x"'))
    assert (conf.kind, conf.name) == (Kind.ASSIGN, "inherit")


def test_include_arguments_are_unquoted_words_without_comments() -> None:
    (stmt,) = parse_text("include a.conf # note").statements
    assert (stmt.kind, stmt.args, stmt.value) == (Kind.INCLUDE, ("a.conf", "#", "note"),
                                                  "a.conf # note")


# Corner cases of line joining, whitespace and quoting, checked against BitBake itself.
EDGE_CASES = [
    ('\\\nx\n', 't.conf'),
    ('A = "x\\\\\n\n"\n', 't.conf'),
    ('A = "x\\\\\\\\', 't.conf'),
    ('A = "x\\\\\\\\\nB\n"', 't.conf'),
    ('\\\nx\n', 't.inc'),
    ('def f(d):\n    a = 1 \\\n\n    return a\nB = "x"\n', 't.inc'),
    ('do_x() {\n  echo \\\n}\n', 't.inc'),
    ('A\xa0=\xa0"x"\n', 't.conf'),
    ('A\x1c=\x1c"x"\x1c\n', 't.conf'),
    ('A = "a\x85b"\n', 't.conf'),
    ('A = "a\u2028b"\n', 't.conf'),
    ('A = "x"\x0c\n', 't.conf'),
    ('export\xa0A\n', 't.conf'),
    ('include\xa0a.conf\n', 't.conf'),
    ('unset\tA[ab]\n', 't.conf'),
    ('A = "x"\n\x1c\nB = "y"\n', 't.conf'),
    ('# c \\\n#d \\\n# e\n', 't.conf'),
    ('# c \\\n', 't.inc'),
    ('#c\\\n#d\nA = "x"\n', 't.inc'),
    ('A = "a\\\n#c"\n', 't.inc'),
    ('python() {\n}\n', 't.inc'),
    ('python do_x () {\n}\n', 't.inc'),
    ('pythonfoo() {\n}\n', 't.inc'),
    ('fakeroot python do_x() {\n}\n', 't.inc'),
    ('def f(d): return 1\n', 't.inc'),
    ('def f(d)\n', 't.inc'),
    ('def  f(d):\n\tpass\n', 't.inc'),
    ('do_x() {\n', 't.inc'),
    ('do_x() {', 't.inc'),
    ('A() {}\n', 't.inc'),
    ('${X}() {\n}\n', 't.inc'),
    ('a:b() {\n}\n', 't.inc'),
    ('export A:x = "1"\n', 't.conf'),
    ('A[a.b-c+d_e] := "1"\n', 't.conf'),
    ('addtask do_x # c\n', 't.inc'),
    ('EXPORT_FUNCTIONS do_a do_b\n', 't.inc'),
    ('addhandler h1 h2\n', 't.inc'),
    ('inherit_defer ${A}\n', 't.inc'),
    ('addpylib a b c\n', 'layer.conf'),
    ('addpylib ab\n', 'layer.conf'),
    ('addfragments a b c d e\n', 't.conf'),
    ('A = """"\n', 't.conf'),
    ("A = ''''\n", 't.conf'),
    ('A = "\'"\'"\n', 't.conf'),
    ('A = "\n', 't.conf'),
    ('A = """\n', 't.conf'),
    ('A = \'"\'\n', 't.conf'),
    ('A = "x"y"z"\n', 't.conf'),
    ('A ="a"b"c"\n', 't.conf'),
    ('export  export  = "x"\n', 't.conf'),
    ('A:=:"x"\n', 't.conf'),
    ('A::="x"\n', 't.conf'),
    ('A?=="x"\n', 't.conf'),
    ('A =="x"\n', 't.conf'),
    ('A.=."x"\n', 't.conf'),
    ('A[f]["g"] = "x"\n', 't.conf'),
    ('A[f] [g] = "x"\n', 't.conf'),
    ('\ufeff# c\n', 't.conf'),
]


@pytest.mark.parametrize(("text", "name"), EDGE_CASES, ids=[repr(c[0])[:40] for c in EDGE_CASES])
def test_corner_cases_match_bitbake(text: str, name: str) -> None:
    oracle.require_bb()
    expected = oracle.read_text(text, name, base_config=base_config_for(name))
    try:
        rows = oracle.rows_of(parse_text(text, name))
    except ParseError:
        assert not expected.accepted
        return
    assert expected.accepted
    assert rows == expected.rows
