"""--fix: in-place edits that keep every other byte, line endings, and are idempotent."""

from __future__ import annotations

import pytest

from confdrift.check.fix import HEADER, apply_fixes, fixable
from confdrift.errors import UsageError

PC = ("PACKAGE_CLASSES", 'PACKAGE_CLASSES = "package_ipk"')


@pytest.mark.parametrize(
    ("before", "fixes", "after"),
    [
        (
            '# keep me\nPACKAGE_CLASSES = "package_rpm"\nMACHINE = "x"\n',
            [PC],
            '# keep me\nPACKAGE_CLASSES = "package_ipk"\nMACHINE = "x"\n',
        ),
        (  # CRLF stays CRLF, also for appended lines
            'PACKAGE_CLASSES ?= "package_rpm"\r\nA = "1"\r\n',
            [PC, ("B", 'B = "2"')],
            f'PACKAGE_CLASSES = "package_ipk"\r\nA = "1"\r\n{HEADER}\r\nB = "2"\r\n',
        ),
        (  # a continued assignment is replaced whole
            'PACKAGE_CLASSES = "package_rpm \\\n  package_deb"\nX = "1"\n',
            [PC],
            'PACKAGE_CLASSES = "package_ipk"\nX = "1"\n',
        ),
        (  # the last plain assignment is the one that counts
            'PACKAGE_CLASSES = "a"\n# between\nPACKAGE_CLASSES = "b"\n',
            [PC],
            'PACKAGE_CLASSES = "a"\n# between\nPACKAGE_CLASSES = "package_ipk"\n',
        ),
        (  # += after it: editing in place would keep the append, so append a setter
            'PACKAGE_CLASSES = "a"\nPACKAGE_CLASSES += "b"\n',
            [PC],
            f'PACKAGE_CLASSES = "a"\nPACKAGE_CLASSES += "b"\n{HEADER}\n{PC[1]}\n',
        ),
        (  # no newline at the end of the file
            'A = "1"',
            [PC],
            f'A = "1"\n{HEADER}\n{PC[1]}\n',
        ),
        (  # last line replaced keeps having no newline
            'PACKAGE_CLASSES = "x"',
            [PC],
            PC[1],
        ),
        ("", [PC], f"{HEADER}\n{PC[1]}\n"),
        (  # a varflag is its own target
            'SRC_URI[sha256sum] = "old"\nSRC_URI = "x"\n',
            [("SRC_URI[sha256sum]", 'SRC_URI[sha256sum] = "new"')],
            'SRC_URI[sha256sum] = "new"\nSRC_URI = "x"\n',
        ),
        (  # an override-qualified name is a different variable
            'PACKAGE_CLASSES:qemuarm = "x"\n',
            [PC],
            f'PACKAGE_CLASSES:qemuarm = "x"\n{HEADER}\n{PC[1]}\n',
        ),
    ],
)
def test_apply_fixes(before: str, fixes: list[tuple[str, str]], after: str) -> None:
    assert apply_fixes(before, fixes) == after
    assert apply_fixes(after, fixes) == after  # a second run changes nothing


@pytest.mark.parametrize(
    ("variable", "line", "expected"),
    [
        ("A", 'A = "1"', True),
        ("A", 'export A = "1"', True),
        ("A", 'B = "1"', False),
        ("A", "add meta-foo to BBLAYERS", False),
        ("A", 'A = "1"\nB = "2"', False),
        ("A[f]", 'A[f] = "1"', True),
    ],
)
def test_fixable(variable: str, line: str, expected: bool) -> None:
    assert fixable(variable, line) is expected


def test_unfixable_line_is_refused() -> None:
    with pytest.raises(UsageError):
        apply_fixes('A = "1"\n', [("A", "make it match")])
