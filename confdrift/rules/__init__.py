"""The rules: every rule confdrift has, registered by the explicit imports below.

A rule is one documented unit with a stable code (``CD`` + three digits, never reused)
and a kebab-case name. Codes are grouped by hundreds:

- ``CD0xx`` input: what BitBake would refuse to read;
- ``CD1xx`` signature drift between child and parent;
- ``CD2xx`` layer drift;
- ``CD3xx`` cache wiring (can the child reach the parent's sstate and hash server?);
- ``CD9xx`` confdrift itself (unused suppressions, values it could not evaluate).

A rule states a fact with a default severity; configuration decides how much it matters.
It is declared once, with ``@rule(...)`` (``confdrift.rules.registry``), and its entry makes
its findings.
"""

from __future__ import annotations

from confdrift.rules.registry import CheckFn, Rule, register, rule

__all__ = ["CheckFn", "Rule", "all_rules", "lookup", "register", "rule"]


def all_rules() -> tuple[Rule, ...]:
    """Every rule, ordered by code."""
    _load_rule_modules()
    from confdrift.rules.registry import registered

    return registered()


def lookup(code_or_name: str) -> Rule | None:
    """The rule with this code (``CD101``) or name (``package-classes-drift``)."""
    key = code_or_name.strip()
    for candidate in all_rules():
        if key.upper() == candidate.code or key.lower() == candidate.name:
            return candidate
    return None


def _load_rule_modules() -> None:
    # The explicit list of rule modules: adding a module means adding it here. Imported on
    # first use, not with the package, so that a command which runs no rule never loads them.
    import confdrift.rules.input
    import confdrift.rules.layers
    import confdrift.rules.meta
    import confdrift.rules.probes
    import confdrift.rules.signature
    import confdrift.rules.wiring  # noqa: F401
