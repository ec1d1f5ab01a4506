#!/usr/bin/env python3
"""Count the inline Python ``${@...}`` in a corpus and how much of it confdrift evaluates.

Usage: python scripts/count_inline_python.py [CORPUS_DIR]
(default: ../shared/corpus next to the repository).

Every BitBake file (``*.conf``, ``*.inc``, ``*.sample*``) is read; continued lines are
joined as BitBake joins them, and each ``${@...}`` is cut where BitBake cuts it: at the
first ``}`` that is not inside a ``{...}`` pair on the same logical line.  A nested
``${VAR}`` is replaced by the placeholder first, as BitBake expands it before the code.
Every variable named like one (capitals, digits, ``_``) reads as the placeholder ``1``:
a valid boolean and integer, so what is counted is whether the *shape* of the code is
evaluated, not what a build would give.  Lower-case names read as unset, so a call like
``get_spl_binary(d)`` stays what it is in a build: a function from a class.

Each expression is: evaluated (a value), a BitBake error (BitBake itself would fail with
these values), or not evaluated (with confdrift's reason).  Prints totals, then every
not-evaluated expression as ``file:line: code -- reason``.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from confdrift.datastore.pyexpr import NotEvaluated, PyExprError, evaluate

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "../shared/corpus"
PLACEHOLDER = "1"
PYTHON_CODE = re.compile(r"\$\{@(?:\{.*?\}|.)+?\}")
VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
VARIABLE_REF = re.compile(r"\$\{[a-zA-Z0-9\-_+./~:]+\}")


@dataclass(frozen=True)
class Occurrence:
    file: str
    line: int
    code: str


def bitbake_files(corpus: Path) -> Iterator[Path]:
    for path in sorted(corpus.rglob("*")):
        name = path.name
        if path.is_file() and (name.endswith((".conf", ".inc")) or ".sample" in name):
            yield path


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) of each line after joining backslash continuations."""
    start, parts = 1, list[str]()
    for number, line in enumerate(text.splitlines(), start=1):
        if not parts:
            start = number
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        yield start, "".join(parts)
        parts = []
    if parts:
        yield start, "".join(parts)


def occurrences(corpus: Path) -> Iterator[Occurrence]:
    for path in bitbake_files(corpus):
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in logical_lines(text):
            for code in python_codes(line):
                yield Occurrence(str(path.relative_to(corpus)), number, code)


def python_codes(text: str) -> Iterator[str]:
    """Each ${@...} code, then the ones inside it (BitBake evaluates those in a later pass)."""
    for match in PYTHON_CODE.finditer(text):
        code = match.group()[3:-1]
        yield code
        yield from python_codes(code)


def placeholder(name: str, expand: bool) -> str | None:
    return PLACEHOLDER if VARIABLE_NAME.fullmatch(name) else None


def classify(code: str) -> str | NotEvaluated:
    """'evaluated', 'bitbake error ...', or the NotEvaluated."""
    expanded = VARIABLE_REF.sub(PLACEHOLDER, code)
    try:
        result = evaluate(expanded, placeholder, lambda name, flag, expand: PLACEHOLDER)
    except PyExprError:
        return "bitbake error with placeholder values"
    return result if isinstance(result, NotEvaluated) else "evaluated"


def main(argv: list[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else DEFAULT_CORPUS
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    totals: Counter[str] = Counter()
    refused: list[tuple[Occurrence, NotEvaluated]] = []
    for occurrence in occurrences(corpus):
        verdict = classify(occurrence.code)
        if isinstance(verdict, NotEvaluated):
            refused.append((occurrence, verdict))
            verdict = "not evaluated"
        totals[verdict] += 1
    print(f"{sum(totals.values())} ${{@...}} expressions in {corpus}")
    for verdict in ("evaluated", "bitbake error with placeholder values", "not evaluated"):
        print(f"  {verdict}: {totals[verdict]}")
    print(f"  distinct not evaluated: {len({o.code for o, _ in refused})}")
    for occurrence, result in refused:
        print(f"{occurrence.file}:{occurrence.line}: {occurrence.code.strip()} -- {result.reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
