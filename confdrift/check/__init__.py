"""Stage 5, check: one run of the rules over resolved builds, settled by the settings.

``engine`` resolves the parent once and each child, runs every rule and applies
``settings`` (defaults < configuration file < command line, merged in one place) and
``suppress`` (``# confdrift: ignore[...]`` comments); ``parallel`` spreads children over
processes; ``fix`` writes the findings' fixes back (``--fix``/``--diff``); ``exitcodes`` is
the whole exit-status contract.
"""
