"""Write the README's rules table from the rule registry.

Usage: ``python scripts/gen_rules_table.py`` rewrites the table between the
``<!-- rules:begin -->`` and ``<!-- rules:end -->`` markers of README.md;
``--check`` exits 1 when the README is out of date (tests/test_readme.py runs it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from confdrift.rules import all_rules

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN, END = "<!-- rules:begin -->", "<!-- rules:end -->"


def table() -> str:
    rows = ["| code | name | default severity | what it reports |", "|---|---|---|---|"]
    for r in all_rules():
        summary = r.summary.replace("|", "\\|")
        rows.append(f"| `{r.code}` | `{r.name}` | {r.severity.value} | {summary} |")
    return "\n".join(rows)


def updated(text: str) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + table() + "\n" + text[end:]


def main(argv: list[str]) -> int:
    text = README.read_text(encoding="utf-8")
    new = updated(text)
    if "--check" in argv:
        return 0 if new == text else 1
    README.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
