"""The safe ${@...} evaluator: each supported idiom, BitBake's errors, and what it refuses."""

from __future__ import annotations

import pytest

from confdrift.datastore.pyexpr import (
    NotEvaluated,
    PyExprError,
    Unevaluable,
    UnterminatedString,
    evaluate,
)

VARS = {
    "F": "a b c",
    "MACHINE": "qemux86-64",
    "ONE": "1",
    "YES": "yes",
    "T": "t",
    "EMPTY": "",
    "N": "3",
    "PARALLEL_MAKE": "-j 8",
    "__import__": "shadowed",
}
FLAGS = {("F", "doc"): "the F variable"}
CALLS: list[tuple[str, bool]] = []


def getvar(name: str, expand: bool) -> str | None:
    CALLS.append((name, expand))
    return VARS.get(name)


def getflag(name: str, flag: str, expand: bool) -> str | None:
    return FLAGS.get((name, flag))


def run(code: str) -> str | NotEvaluated:
    return evaluate(code, getvar, getflag)


IDIOMS = [
    # literals, str() of every kind of value
    ("'abc'", "abc"),
    ("3", "3"),
    ("None", "None"),
    ("True", "True"),
    ("1.5", "1.5"),
    ("[1, 'a']", "[1, 'a']"),
    ("('a',)", "('a',)"),
    ("{'a': 1}['a']", "1"),
    ("  'padded'  ", "padded"),
    ("'x' * 3", "xxx"),
    ("'a' + 'b' + 'c'", "abc"),
    ("f'{MACHINE}-{1 + 1}'", "qemux86-64-2"),
    ("f'{F!r}'", "'a b c'"),
    # bb.utils.contains: all of checkvalues must be words of the variable
    ("bb.utils.contains('F', 'a', 'yes', 'no', d)", "yes"),
    ("bb.utils.contains('F', 'a c', 'yes', 'no', d)", "yes"),
    ("bb.utils.contains('F', 'a z', 'yes', 'no', d)", "no"),
    ("bb.utils.contains('F', ['a', 'b'], 'yes', 'no', d)", "yes"),
    ("bb.utils.contains('F', ('z',), 'yes', 'no', d)", "no"),
    ("bb.utils.contains('F', 'b', 1, 0, d)", "1"),
    ("bb.utils.contains('F', '', 'yes', 'no', d)", "yes"),
    ("bb.utils.contains('UNSET', '', 'yes', 'no', d)", "no"),
    ("bb.utils.contains('EMPTY', 'a', 'yes', 'no', d)", "no"),
    ("bb.utils.contains('F', 'a', truevalue='t', falsevalue='f', d=d)", "t"),
    ("bb.utils.contains('F', 'a', 'yes', '', d) + '-x'", "yes-x"),
    # contains_any: at least one
    ("bb.utils.contains_any('F', 'z c', 'yes', 'no', d)", "yes"),
    ("bb.utils.contains_any('F', 'y z', 'yes', 'no', d)", "no"),
    ("bb.utils.contains_any('F', '', 'yes', 'no', d)", "no"),
    ("bb.utils.contains_any('UNSET', 'a', 'yes', 'no', d)", "no"),
    # filter: sorted intersection, '' when the variable is unset
    ("bb.utils.filter('F', 'c a z', d)", "a c"),
    ("bb.utils.filter('F', ['b'], d)", "b"),
    ("bb.utils.filter('UNSET', 'a', d)", ""),
    # to_boolean
    ("bb.utils.to_boolean('Yes')", "True"),
    ("bb.utils.to_boolean('0')", "False"),
    ("bb.utils.to_boolean('')", "None"),
    ("bb.utils.to_boolean('', True)", "True"),
    ("bb.utils.to_boolean(d.getVar('UNSET'), default='dflt')", "dflt"),
    ("bb.utils.to_boolean(5)", "True"),
    # oe.utils
    ("oe.utils.conditional('ONE', '1', 'a', 'b', d)", "a"),
    ("oe.utils.conditional('ONE', 1, 'a', 'b', d)", "b"),
    ("oe.utils.conditional('UNSET', None, 'a', 'b', d)", "a"),
    ("oe.utils.vartrue('YES', 'on', 'off', d)", "on"),
    ("oe.utils.vartrue('T', 'on', 'off', d)", "on"),
    # PN/PV defaults: a .conf FILE gives (None, None, None), a recipe name its parts
    ("bb.parse.vars_from_file(d.getVar('FILE', False), d)[0] or 'defaultpkgname'",
     "defaultpkgname"),
    ("bb.parse.vars_from_file('/r/busybox_1.36.1.bb', d)[1]", "1.36.1"),
    ("bb.parse.vars_from_file('/r/busybox.bb', d)[1] or '1.0'", "1.0"),
    # oe.types.boolean treats None as false since oe-core 3048e9fa0d (2018)
    ("oe.utils.vartrue('UNSET', 'on', 'off', d)", "off"),
    ("oe.utils.ifelse(MACHINE == 'qemux86-64', 'q', 'r')", "q"),
    ("oe.utils.ifelse('')", "False"),
    # the datastore
    ("d.getVar('MACHINE')", "qemux86-64"),
    ("d.getVar('MACHINE', True)", "qemux86-64"),
    ("d.getVar('MACHINE', expand=False)", "qemux86-64"),
    ("d.getVar('UNSET')", "None"),
    ("d.getVarFlag('F', 'doc')", "the F variable"),
    ("d.getVarFlag('F', 'nope')", "None"),
    ("d.getVarFlag('F', '_content')", "a b c"),
    ("d.getVarFlag('F', '')", "None"),
    ("(d.getVar('UNSET') or 'fallback').upper()", "FALLBACK"),
    # bare names are BitBake variables
    ("MACHINE + '-x'", "qemux86-64-x"),
    ("__import__", "shadowed"),
    ("int(N) * 2", "6"),
    # string methods
    ("F.split()", "['a', 'b', 'c']"),
    ("F.split(' ', 1)", "['a', 'b c']"),
    ("F.split()[-1]", "c"),
    ("MACHINE.replace('-', '_')", "qemux86_64"),
    ("'  x '.strip() + '|' + ' x '.lstrip() + '|' + ' x '.rstrip()", "x|x | x"),
    ("MACHINE.startswith(('arm', 'qemu'))", "True"),
    ("MACHINE.endswith('32')", "False"),
    ("'-'.join(F.split())", "a-b-c"),
    ("' '.join(['x%s' % i for i in []]) if False else 'n'", "n"),
    ("MACHINE[:4]", "qemu"),
    ("MACHINE[::-1][0]", "4"),
    ("len(F.split())", "3"),
    # operators and conditionals
    ("'%s-%d' % ('a', 3)", "a-3"),
    ("'%(x)s' % {'x': 'y'}", "y"),
    ("'100%%' % ()", "100%"),
    ("'a' if ONE == '1' else 'b'", "a"),
    ("'a' if ONE != '1' else 'b'", "b"),
    ("'b' in F", "True"),
    ("'z' not in F.split()", "True"),
    ("1 < 2 <= 2 > 0", "True"),
    ("'abc' < 'abd'", "True"),
    ("d.getVar('UNSET') is None", "True"),
    ("ONE and 'second'", "second"),
    ("EMPTY or 'default'", "default"),
    ("not EMPTY", "True"),
    ("7 // 2 + 7 % 2 - 2 ** 3", "-4"),
    ("1 << 4 | 3 & 1 ^ 8", "25"),
    ("-~3", "4"),
    ("7 / 2", "3.5"),
    ("str(42) + repr('q') + str(bool(''))", "42'q'False"),
    ("int('ff', 16)", "255"),
]


@pytest.mark.parametrize(("code", "expected"), IDIOMS)
def test_supported_idioms_give_bitbakes_value(code: str, expected: str) -> None:
    assert run(code) == expected


ERRORS = [
    ("nope_name", "NameError", "name 'nope_name' is not defined"),
    ("UNSET + 'x'", "NameError", "name 'UNSET' is not defined"),
    ("1/0", "ZeroDivisionError", "division by zero"),
    ("MACHINE + 1", "TypeError", 'can only concatenate str (not "int") to str'),
    ("F[10]", "IndexError", "string index out of range"),
    ("{'a': 1}['b']", "KeyError", "'b'"),
    ("d.getVar('UNSET').split()", "AttributeError",
     "'NoneType' object has no attribute 'split'"),
    ("MACHINE.nosuchmethod()", "AttributeError", "'str' object has no attribute 'nosuchmethod'"),
    ("int('x')", "ValueError", "invalid literal for int() with base 10: 'x'"),
    ("bb.utils.to_boolean('maybe')", "ValueError", "Invalid value for to_boolean: maybe"),
    ("bb.utils.to_boolean(['x'])", "AttributeError", "'list' object has no attribute 'lower'"),
    ("oe.utils.vartrue('MACHINE', 'a', 'b', d)", "ValueError",
     "Invalid boolean value 'qemux86-64'"),
    ("bb.utils.contains('F', [5], 'a', 'b', d) + 1", "TypeError", "can only concatenate str"),
    ("bb.utils.contains('F', VARS_AS_NAME, 'a', 'b', d)", "NameError", "VARS_AS_NAME"),
    # BitBake's dependency scan of every call, run before evaluating (branches too)
    ("bb.utils.contains('F', 5, 'a', 'b', d)", "TypeError",
     "intern() argument must be str, not int"),
    ("bb.utils.contains_any('F', None, 'a', 'b', d)", "AttributeError",
     "'NoneType' object has no attribute 'split'"),
    ("d.getVar(var='F')", "IndexError", "list index out of range"),
    ("'x' if True else d.getVarFlag('F')", "IndexError", "list index out of range"),
    ("'x' if True else bb.utils.contains('F')", "IndexError", "list index out of range"),
    ("'x' if True else bb.build.exec_func()", "IndexError", "list index out of range"),
    ("'x' if True else oe.utils.conditional()", "IndexError", "list index out of range"),
    ("'x' if True else bb.utils.filter('F', 3, d)", "AttributeError",
     "'int' object has no attribute 'split'"),
    ("'x' if True else base_contains('F', 3)", "TypeError", "intern() argument must be str"),
    ("bb.utils.contains('F', 'a', 'b', d)", "TypeError", ""),
    ("MACHINE()", "TypeError", "'str' object is not callable"),
    ("1 < 'a'", "TypeError", "'<' not supported between instances of 'int' and 'str'"),
    ("'%d' % 'x'", "TypeError", "%d format"),  # the rest of the wording varies by Python
    ("foo = 5", "SyntaxError", ""),
    ("len(3)", "TypeError", "object of type 'int' has no len()"),
]


@pytest.mark.parametrize(("code", "kind", "detail"), ERRORS)
def test_bitbake_errors_are_raised_with_pythons_wording(code: str, kind: str, detail: str) -> None:
    with pytest.raises(PyExprError) as caught:
        run(code)
    assert caught.value.kind == kind
    assert detail in caught.value.detail


def test_an_unterminated_string_is_its_own_error_because_bitbake_keeps_the_text() -> None:
    # ${@'}'} is cut at the first '}', leaving code "'": BitBake leaves it unexpanded.
    with pytest.raises(UnterminatedString):
        run("'")


REFUSED = [
    ("os.path.basename('/x/y')", "calls os.path.basename()"),
    ("time.strftime('%Y')", "calls time.strftime()"),
    ("oe.utils.cpu_count()", "calls oe.utils.cpu_count()"),
    ("oe.tune.riscv_isa_to_tune('x', d)", "calls oe.tune.riscv_isa_to_tune()"),
    ("bb.parse.vars_from_file(d.getVar('FILE'), d).index(None)", "calls list.index"),
    ("d.setVar('A', '1')", "calls d.setVar()"),
    ("get_git_latest_tag(d)", "calls get_git_latest_tag()"),
    ("sys.executable", "uses sys.executable"),
    ("os.sep", "uses os.sep"),
    ("open('/etc/passwd')", "calls open()"),
    ("[x for x in F]", "comprehension"),
    ("lambda: 1", "lambda"),
    ("'{}'.format(1)", "calls str.format()"),
    ("F.split().append('x')", "calls list.append()"),
    ("'%5s' % 'x'", "% format"),
    ("f'{MACHINE:>9}'", "format specification"),
    ("str(d)", "datastore"),
    ("bb", "module bb"),
    ("bb.utils.contains", "without calling it"),
    ("bb.utils.contains('F', 'a', 'y', 'n', 'notd')", "datastore"),
    ("MACHINE is 'x'", "'is'"),
    ("{1, 2}", "set literal"),
    ("b'x'", "bytes literal"),
    ("(x := 1)", "assignment"),
    ("[*F]", "unpacking"),
    ("d.getVar('F', noweakdefault=True)", "noweakdefault"),
    ("d.getVar('F', parsing=True)", "parsing"),
    ("'x' if True else d.expand('${@1/0}')", "calls d.expand() on inline Python"),
]


@pytest.mark.parametrize(("code", "reason"), REFUSED)
def test_outside_the_subset_is_not_evaluated_with_a_reason(code: str, reason: str) -> None:
    result = run(code)
    assert isinstance(result, NotEvaluated)
    assert result.expression == code
    assert reason in result.reason


def test_getvarflag_without_a_flag_callback_is_not_evaluated() -> None:
    result = evaluate("d.getVarFlag('F', 'doc')", getvar)
    assert isinstance(result, NotEvaluated)


def test_an_unevaluable_variable_becomes_not_evaluated_naming_it() -> None:
    def failing(name: str, expand: bool) -> str | None:
        raise Unevaluable("its value uses ${@os.getcwd()}")

    result = evaluate("bb.utils.contains('DISTRO_FEATURES', 'x', 'a', 'b', d)", failing)
    assert isinstance(result, NotEvaluated)
    assert "DISTRO_FEATURES" in result.reason
    assert "os.getcwd" in result.reason


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("MACHINE", [("MACHINE", True)]),
        ("d.getVar('F', False)", [("F", False)]),
        ("d.getVar('F', expand=0)", [("F", False)]),
        ("bb.utils.contains('F', 'a', 1, 0, d)", [("F", True)]),
        ("'x' or MACHINE", []),  # short-circuit: Python never reads MACHINE
        ("len", []),  # builtins are never looked up in the datastore
    ],
)
def test_variables_are_read_as_bitbake_reads_them(
    code: str, expected: list[tuple[str, bool]]
) -> None:
    CALLS.clear()
    run(code)
    assert expected == CALLS
