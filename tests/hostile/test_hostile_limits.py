"""Configurations built to exhaust time or memory end at once in a LimitError that names
the variable (or file) and how the run got there; the configured limits are the ones used.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers.environment import shared_missing

import confdrift
from confdrift import limits
from confdrift.errors import ExpansionError, LimitError
from confdrift.limits import Limits

#: Generous for a shared CI runner; the cases here finish in well under a second.
QUICK = 5.0


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFDRIFT_NO_CACHE", "1")


def _doubling(defined_base: bool) -> str:
    lines = ['L0 = "x"'] if defined_base else []
    lines += [f'L{i} = "${{L{i - 1}}}${{L{i - 1}}}"' for i in range(1, 41)]
    return "\n".join([*lines, 'Z := "${L40}"']) + "\n"


def _step_growth(steps: int) -> str:
    return 'A .= "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n' * steps


def _many_copies() -> str:
    big = "y" * 500_000
    copies = "".join(f'V{i} := "x${{B}}"\n' for i in range(2000))
    return f'B = "{big}"\n{copies}'


def _wide_reference() -> str:
    # One value referencing a big variable ten thousand times: must fail while substituting.
    return f'B = "{"y" * 500_000}"\nW := "{"${B}" * 10_000}"\n'


# (id, file text, words the message must hold, line of the statement)
HOSTILE = [
    ("doubling", _doubling(True), "max-value-size", 42),
    ("doubling-undefined-base", _doubling(False), "max-value-size", 41),
    ("step-growth", _step_growth(5_000), "max-total-size", None),
    ("many-copies", _many_copies(), "max-total-size", None),
    ("wide-reference", _wide_reference(), "max-value-size", 2),
    ("many-statements", 'A = "x"\n' * 120_000, "max-statements", 1),
]


def test_one_variable_assigned_many_times_loads_in_linear_time(tmp_path: Path) -> None:
    # Marking superseded history steps used to rescan every earlier step: 150,000
    # assignments of one variable took minutes.
    path = tmp_path / "local.conf"
    path.write_text('A = "x"\n' * 60_000 + 'A[doc] = "d"\n' * 20_000)
    start = time.monotonic()
    config = confdrift.load(path)
    assert config.get("A") == "x"
    assert sum(h.changed_final for h in config.history("A")) == 2  # the last "=", the flag
    assert time.monotonic() - start < 4 * QUICK


@pytest.mark.parametrize(("text", "words", "line"), [c[1:] for c in HOSTILE],
                         ids=[c[0] for c in HOSTILE])
def test_ends_at_once_with_a_limit_error(
    tmp_path: Path, text: str, words: str, line: int | None
) -> None:
    path = tmp_path / "local.conf"
    path.write_text(text)
    start = time.monotonic()
    with pytest.raises(LimitError) as caught:
        confdrift.load(path).get("Z")
    assert time.monotonic() - start < QUICK
    assert words in caught.value.message
    assert caught.value.filename == str(path)
    if line is not None:
        assert caught.value.line == line


def test_doubling_names_the_variable_and_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "local.conf"
    path.write_text(_doubling(True))
    with pytest.raises(LimitError) as caught:
        confdrift.load(path)
    chain = caught.value.chain
    assert chain[0] == "L40" and chain[-1] in caught.value.message
    assert [int(name[1:]) for name in chain] == list(range(40, 40 - len(chain), -1))


def test_depth_limit_is_the_configured_one_with_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "local.conf"
    path.write_text("".join(f'V{i} = "${{V{i + 1}}}"\n' for i in range(30)) + 'V30 = "end"\n')
    assert confdrift.load(path).get("V0") == "end"
    config = confdrift.load(path, limits=Limits(max_expansion_depth=10))
    with pytest.raises(LimitError, match="max-expansion-depth") as caught:
        config.get("V0")
    assert caught.value.chain == tuple(f"V{i}" for i in range(11))
    assert (caught.value.filename, caught.value.line) == (str(path), 1)


def test_include_depth_is_the_configured_one(tmp_path: Path) -> None:
    for i in range(8):
        (tmp_path / f"f{i}.conf").write_text(f"include f{i + 1}.conf\n")
    (tmp_path / "f8.conf").write_text('A = "deep"\n')
    assert confdrift.load(tmp_path / "f0.conf").get("A") == "deep"
    with pytest.raises(LimitError, match="max-include-depth") as caught:
        confdrift.load(tmp_path / "f0.conf", limits=Limits(max_include_depth=4))
    assert Path(caught.value.chain[0]).name == "f0.conf"


def test_value_size_is_the_configured_one(tmp_path: Path) -> None:
    path = tmp_path / "local.conf"
    path.write_text('A = "' + "x" * 200 + '"\nB := "${A}${A}"\n')
    assert len(confdrift.load(path).get("B") or "") == 400
    with pytest.raises(LimitError, match="max-value-size"):
        confdrift.load(path, limits=Limits(max_value_size=300))


def test_limits_set_around_a_call_are_restored_after_it() -> None:
    outer = limits.active()
    with limits.using(Limits(max_value_size=5)):
        assert limits.active().max_value_size == 5
    assert limits.active() == outer == Limits()


@pytest.mark.parametrize(
    ("text", "variable", "words"),
    [
        ('A = "${A}"\n', "A", "variable A references itself!"),
        ('A = "x ${B}"\nB = "${A}"\n', "A", "variable A references itself (through A -> B -> A)!"),
        ('A = "${B}"\nB = "${C}"\nC = "${B}"\n', "A", "variable B references itself"),
    ],
)
def test_recursive_references_end_with_bitbakes_kind_of_message(
    tmp_path: Path, text: str, variable: str, words: str
) -> None:
    path = tmp_path / "local.conf"
    path.write_text(text)
    with pytest.raises(ExpansionError) as caught:
        confdrift.load(path).get(variable)
    assert words in str(caught.value)
    assert caught.value.filename == str(path) and caught.value.line is not None


def test_real_builds_stay_far_under_the_default_limits() -> None:
    from confdrift.build.chain import load_build
    from confdrift.errors import ConfdriftError

    users = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "users"
    confs = sorted(users.glob("**/local.conf"))
    if not confs:
        shared_missing("the shared corpus is absent")
    loaded = 0
    for conf in confs:
        try:
            config = load_build(conf)
        except LimitError:
            raise
        except ConfdriftError:
            continue  # requires a file only its own tree has
        loaded += 1
        for name in config.names():
            try:
                config.get(name)
            except LimitError:
                raise
            except ExpansionError:
                continue  # fails as in BitBake (classes not read)
    assert loaded >= 10  # the others stop where BitBake stops (old syntax, missing requires)
