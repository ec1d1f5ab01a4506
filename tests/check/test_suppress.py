"""Suppression comments: where they apply, what they match, and CD901 for unused ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from confdrift.check.suppress import (
    Suppression,
    apply_suppressions,
    load_suppressions,
    parse_directives,
)
from confdrift.findings import Finding, Location, Severity
from confdrift.syntax.nodes import Comment

CONF = """\
# an ordinary comment
# confdrift: ignore[CD101]
PACKAGE_CLASSES = "package_rpm"
# confdrift: ignore[CD102, machine-drift]
# a second comment between
MACHINE = "qemuarm"
# confdrift: file-ignore[CD3]
# confdrift: ignore
DISTRO = "poky"
  # confdrift: ignore[CD104] (indented: not a BitBake comment)
BB_NUMBER_THREADS = "4"
# confdrift:ignore[ CD105 ]
SSTATE_DIR = "/x"
"""


def comments(text: str) -> tuple[Comment, ...]:
    return tuple(
        Comment(n, n, line) for n, line in enumerate(text.splitlines(), 1) if line.startswith("#")
    )


def test_directives_and_their_target_lines() -> None:
    found = parse_directives("local.conf", comments(CONF))
    assert found == (
        Suppression("local.conf", 2, 3, ("CD101",)),
        Suppression("local.conf", 4, 6, ("CD102", "machine-drift")),
        Suppression("local.conf", 7, 0, ("CD3",)),
        Suppression("local.conf", 8, 9, ()),
        Suppression("local.conf", 12, 13, ("CD105",)),
    )


def test_a_continued_comment_targets_the_line_after_its_end() -> None:
    found = parse_directives("f", (Comment(1, 2, "# confdrift: ignore[CD101] \\\n more"),))
    assert found[0].target == 3


def finding(code: str, line: int, rule: str = "some-rule", file: str = "local.conf") -> Finding:
    return Finding(code, rule, Severity.ERROR, "m", Location(file, line))


@pytest.mark.parametrize(
    ("finding_", "suppressed"),
    [
        (finding("CD101", 3), True),
        (finding("CD101", 6), False),  # wrong line
        (finding("CD102", 6), True),
        (finding("CD109", 6, rule="machine-drift"), True),  # by name
        (finding("CD301", 40), True),  # file-ignore by prefix
        (finding("CD201", 9), True),  # bare ignore
        (finding("CD105", 13), True),
        (finding("CD101", 3, file="other.conf"), False),
        (Finding("CD101", "r", Severity.ERROR, "m"), False),  # no location
    ],
)
def test_what_is_suppressed(finding_: Finding, suppressed: bool) -> None:
    sups = parse_directives("local.conf", comments(CONF))
    kept = apply_suppressions([finding_], sups)
    assert (finding_ not in kept) is suppressed


def test_unused_entries_become_cd901_at_the_comment() -> None:
    sups = parse_directives("local.conf", comments(CONF))
    kept = apply_suppressions([finding("CD102", 6)], sups)
    unused = [(f.code, f.rule, f.severity, f.location) for f in kept]
    assert unused == [
        ("CD901", "unused-suppression", Severity.WARNING, Location("local.conf", 2)),
        ("CD901", "unused-suppression", Severity.WARNING, Location("local.conf", 4)),
        ("CD901", "unused-suppression", Severity.WARNING, Location("local.conf", 7)),
        ("CD901", "unused-suppression", Severity.WARNING, Location("local.conf", 8)),
        ("CD901", "unused-suppression", Severity.WARNING, Location("local.conf", 12)),
    ]
    assert "machine-drift" in kept[1].message


def test_all_used_means_no_cd901() -> None:
    sups = parse_directives("local.conf", comments(CONF))
    findings = [
        finding("CD101", 3),
        finding("CD102", 6),
        finding("CD110", 6, rule="machine-drift"),
        finding("CD302", 1),
        finding("CD999", 9),
        finding("CD105", 13),
    ]
    assert apply_suppressions(findings, sups) == []


def test_cd901_itself_cannot_be_suppressed_by_a_bare_ignore() -> None:
    sups = (Suppression("local.conf", 2, 3, ()),)
    cd901 = Finding("CD901", "unused-suppression", Severity.WARNING, "m", Location("local.conf", 3))
    kept = apply_suppressions([cd901], sups)
    assert cd901 in kept


def test_load_suppressions_reads_files_and_matches_by_real_path(tmp_path: Path) -> None:
    conf = tmp_path / "conf" / "local.conf"
    conf.parent.mkdir()
    conf.write_text(CONF, encoding="utf-8")
    sups = load_suppressions([str(conf), str(conf), str(tmp_path / "missing.conf")])
    assert len(sups) == 5
    relative_spelling = str(tmp_path / "conf" / ".." / "conf" / "local.conf")
    assert apply_suppressions([finding("CD101", 3, file=relative_spelling)], sups[:1]) == []


def test_a_file_with_a_syntax_error_still_has_its_suppressions(tmp_path: Path) -> None:
    conf = tmp_path / "local.conf"
    conf.write_text(
        'A = "1" # trailing comments are an error\n# confdrift: ignore[CD101]\nB = "2"\n'
    )
    assert load_suppressions([str(conf)]) == (Suppression(str(conf), 2, 3, ("CD101",)),)


def test_an_unclosed_bracket_suppresses_nothing_and_is_reported() -> None:
    comments = (Comment(1, 1, "# confdrift: ignore[CD103"),)
    (found,) = parse_directives("local.conf", comments)
    assert found.entries == ("[CD103",)  # no rule has that code: nothing is hidden
