"""Generated files: confdrift accepts exactly what BitBake's reader accepts, and reads
the same statements in the same order."""

from __future__ import annotations

from helpers import oracle
from helpers.strategies_parse import assignments, documents
from hypothesis import HealthCheck, given, settings

from confdrift.errors import ParseError
from confdrift.syntax.parse import base_config_for, parse_text

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _compare(text: str, name: str) -> None:
    expected = oracle.read_text(text, name, base_config=base_config_for(name))
    try:
        parsed = parse_text(text, name)
    except ParseError as err:
        assert not expected.accepted, f"confdrift rejects what BitBake accepts: {err}"
        return
    assert expected.accepted, f"confdrift accepts what BitBake rejects: {expected.rejection}"
    assert oracle.rows_of(parsed) == expected.rows


@SETTINGS
@given(documents())
def test_generated_files_read_as_bitbake_reads_them(doc: tuple[str, str]) -> None:
    oracle.require_bb()
    _compare(*doc)


@SETTINGS
@given(assignments())
def test_generated_assignment_lines_read_as_bitbake_reads_them(line: str) -> None:
    oracle.require_bb()
    _compare(line + "\n", "t.conf")


@settings(max_examples=100, deadline=None)
@given(documents())
def test_recover_never_raises_and_keeps_every_good_line(doc: tuple[str, str]) -> None:
    text, name = doc
    recovered = parse_text(text, name, recover=True)
    try:
        strict = parse_text(text, name)
    except ParseError:
        assert recovered.errors
        return
    assert recovered.statements == strict.statements
    assert not recovered.errors
