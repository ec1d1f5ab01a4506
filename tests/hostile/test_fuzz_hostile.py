"""Fuzzing with mutated real configuration files: every case ends, within seconds, in a value
or one of confdrift's own errors, through parse_file, load, the engine and the CLI.

The normal suite runs a modest number of examples. Longer runs, by hand:

    CONFDRIFT_FUZZ_EXAMPLES=2000 pytest tests/hostile/test_fuzz_hostile.py -p no:cacheprovider
    # coverage-guided, with atheris (pip install atheris) and seeds copied to a scratch dir:
    mkdir -p /tmp/seeds && cp ../shared/corpus/users/*/*.conf /tmp/seeds/
    python tests/hostile/test_fuzz_hostile.py /tmp/seeds -max_total_time=3600
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from types import FrameType

import pytest
from helpers.environment import shared_missing
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import confdrift
from confdrift.check import engine
from confdrift.cli import app
from confdrift.errors import ConfdriftError
from confdrift.syntax.parse import parse_file

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
EXAMPLES = int(os.environ.get("CONFDRIFT_FUZZ_EXAMPLES", "50"))
#: Seconds one example may take: far above the worst case seen, far below "a hang".
PER_EXAMPLE = 10
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
runner = CliRunner()

TOKENS: list[bytes] = [
    b'"', b"'", b"\\", b"\\\n", b"${", b"${@", b"{", b"}", b":", b":append", b":remove",
    b"_append", b"#", b"\t", b"\r", b"\r\n", b"\x00", b"\xff", b"\xc3", b"\xe2\x82", b"\n",
    b" = ", b" := ", b" ??= ", b"[", b"]", b"export ", b"unset ",
    b"\ninclude missing.conf\n", b"\ninclude local.conf\n", b"\nrequire local.conf\n",
    b"\ninclude /dev/zero\n", b"\nrequire /dev/zero\n", b"\ninclude /\n",
    b"\ninclude ../../../../../../etc/passwd\n", b"\nrequire ../outside.conf\n",
    b"\ninclude ${@'x' * 10**9}.conf\n", b'\nL = "${L}${L}"\n',
    b"\nX := \"${@__import__('os').system('touch pwned')}\"\n",
    b'\nOVERRIDES = "${OVERRIDES}:x"\n', b'\nA = "${@[1] * 10**9}"\n',
]


@cache
def _sources() -> tuple[bytes, ...]:
    files = sorted((CORPUS / "users").glob("**/*.conf"))[::3][:40]
    return tuple(p.read_bytes()[:20_000] for p in files)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    sources = _sources()
    if not sources:
        shared_missing("the shared corpus is absent")
    data = bytearray(draw(st.sampled_from(sources)))
    for _ in range(draw(st.integers(1, 6))):
        _mutate(draw, data)
    return bytes(data)


def _mutate(draw: st.DrawFn, data: bytearray) -> None:
    at = draw(st.integers(0, len(data)))
    kind = draw(st.sampled_from(["insert", "insert", "delete", "duplicate", "truncate", "huge"]))
    if kind == "insert":
        data[at:at] = draw(st.sampled_from(TOKENS))
    elif kind == "delete":
        del data[at:at + draw(st.integers(1, 8))]
    elif kind == "duplicate":
        start = data.rfind(b"\n", 0, at) + 1
        end = data.find(b"\n", at)
        line = bytes(data[start:end if end >= 0 else len(data)])
        data[start:start] = (line + b"\n") * draw(st.integers(1, 50))
    elif kind == "truncate":
        del data[at:]
    else:
        size = draw(st.sampled_from([1_000, 100_000, 1_100_000]))
        data[at:at] = b'\nHUGE = "' + b"x \\\n" * (size // 4) + b'"\n'


class Hang(Exception):
    """The example ran past its time: the thing this test exists to catch."""


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def expired(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def tree(data: bytes) -> Iterator[Path]:
    """``data`` as ``build/conf/local.conf`` of a fresh tree, with a file outside it."""
    with tempfile.TemporaryDirectory() as root:
        conf = Path(root) / "build" / "conf"
        conf.mkdir(parents=True)
        (Path(root) / "build" / "outside.conf").write_text('OUTSIDE = "1"\n')
        (conf / "local.conf").write_bytes(data)
        yield conf / "local.conf"


def _read_everything(path: Path) -> None:
    config = confdrift.load(path)
    for name in config.names():
        try:
            config.get(name)
        except ConfdriftError:
            continue  # one variable's failure (a cycle, a limit) is a value's outcome
        config.is_evaluated(name)


@pytest.fixture(autouse=True)
def _isolated_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFDRIFT_NO_CACHE", "1")


@FUZZ
@given(mutated())
def test_parse_file_ends_in_a_result_or_our_error(data: bytes) -> None:
    with tree(data) as path, time_limit(PER_EXAMPLE):
        for recover in (False, True):
            try:
                parse_file(path, recover=recover)
            except ConfdriftError as exc:
                assert exc.filename == str(path)


@FUZZ
@given(mutated())
def test_load_ends_in_values_or_our_error(data: bytes) -> None:
    with tree(data) as path, time_limit(PER_EXAMPLE):
        try:
            _read_everything(path)
        except ConfdriftError as exc:
            assert exc.filename is not None
        assert not (path.parent / "pwned").exists()


# A whole build per example (release profile and rules): fewer examples keep the file quick.
@settings(FUZZ, max_examples=max(EXAMPLES // 4, 5))
@given(mutated(), st.booleans())
def test_engine_check_ends_in_findings_or_our_error(data: bytes, as_parent: bool) -> None:
    clean = _sources()[0]
    with tree(data) as hostile, tree(clean) as other, time_limit(PER_EXAMPLE):
        child, parent = (other, hostile) if as_parent else (hostile, other)
        try:
            engine.check_builds([str(child)], str(parent), None)
        except ConfdriftError as exc:
            assert exc.filename is not None


@settings(FUZZ, max_examples=max(EXAMPLES // 6, 5))
@given(mutated())
def test_cli_check_exits_0_1_or_2_without_a_traceback(data: bytes) -> None:
    with tree(data) as path, time_limit(PER_EXAMPLE):
        result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.stderr.startswith("confdrift: error: ")


def _atheris_main() -> None:
    """libFuzzer through atheris: load() on arbitrary bytes; any non-confdrift error or a
    run past ``PER_EXAMPLE`` seconds is a crash it reports (with the input that caused it)."""
    import importlib
    import sys

    atheris = importlib.import_module("atheris")  # optional: only this entry point needs it
    os.environ["CONFDRIFT_NO_CACHE"] = "1"

    def one(data: bytes) -> None:
        with tree(data) as path, time_limit(PER_EXAMPLE), suppress(ConfdriftError):
            _read_everything(path)

    atheris.Setup(sys.argv, one)
    atheris.instrument_all()  # coverage feedback from confdrift (and everything loaded)
    atheris.Fuzz()


if __name__ == "__main__":
    _atheris_main()
