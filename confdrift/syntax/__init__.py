"""Stage 1, syntax: a file's bytes become typed, immutable statements.

``lines`` joins BitBake's continuation lines, ``parse`` (the only lark user) reads them with
``grammar/bitbake_conf.lark``, ``statements`` builds the nodes of ``nodes``; ``diagnose``
words errors so that they say how to fix them, ``dialect`` holds each release's syntax as
data, and ``cache`` keeps parses on disk, keyed by content. Nothing here evaluates.
"""
