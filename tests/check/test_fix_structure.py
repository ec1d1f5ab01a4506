"""A finding's fix is structured data: each kind prints as reports always showed it, and
--fix writes only the assignments."""

from __future__ import annotations

import pytest

from confdrift.check.fix import apply_assignments
from confdrift.findings import Assign, Finding, Fix, FixStep, LayerChange, Remove, Severity
from confdrift.rules import all_rules


@pytest.mark.parametrize(
    ("step", "text"),
    [
        (Assign("PACKAGE_CLASSES", "package_rpm"), 'PACKAGE_CLASSES = "package_rpm"'),
        (Assign("A", 'say "hi"'), "A = 'say \"hi\"'"),
        (Assign("A", "it's \"x\""), 'A = "it\'s "x""'),
        (Assign("A", 'a"b', quote='"'), 'A = "a"b"'),
        (Assign("INHERIT", "own-mirrors", "+="), 'INHERIT += "own-mirrors"'),
        (Assign("SRC_URI", "x", "?=", flag="sha256sum", exported=True),
         'export SRC_URI[sha256sum] ?= "x"'),
        (Remove("MACHINE"),
         "# remove MACHINE from the child's configuration (the parent leaves it unset)"),
        (Remove("A:pn-b", Assign("A:pn-b", "1", quote='"')),
         '# remove from the child: A:pn-b = "1"'),
        (LayerChange("add", "/l/meta-x"), "bitbake-layers add-layer /l/meta-x"),
        (LayerChange("remove", "/l/meta-x"), "bitbake-layers remove-layer /l/meta-x"),
        (LayerChange("checkout", "/l/meta", "abc"), "git -C /l/meta checkout abc"),
    ],
)
def test_each_step_prints_as_reports_show_it(step: FixStep, text: str) -> None:
    assert str(step) == text


def test_a_fix_prints_one_line_per_step_and_only_assignments_are_written() -> None:
    both = Fix.of(Assign("A", "1"), Assign("INHERIT", "own-mirrors", "+="))
    assert str(both) == 'A = "1"\nINHERIT += "own-mirrors"'
    assert both.assignments == both.steps
    assert Fix.of(Assign("A", "1"), Remove("B")).assignments is None
    assert apply_assignments('A = "0"\n', [Assign("A", "1")]) == 'A = "1"\n'


def test_the_finding_prints_its_remedy() -> None:
    found = Finding("CD101", "r", Severity.ERROR, "m", remedy=Fix.of(Assign("A", "1")))
    assert found.fix == 'A = "1"'
    assert Finding("CD101", "r", Severity.ERROR, "m").fix is None


def test_every_rule_makes_findings_with_its_own_code_and_name() -> None:
    for rule in all_rules():
        found = rule.finding_at(None, "m")
        assert (found.code, found.rule, found.severity) == (rule.code, rule.name, rule.severity)
