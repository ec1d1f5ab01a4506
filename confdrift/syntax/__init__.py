"""Stage 1, syntax: a file's bytes become typed, immutable statements.

``parse`` is the entry (through ``cache``); on a cache miss ``reader`` (the only lark user)
reads the lines that ``lines`` joins with ``grammar/bitbake_conf.lark``, and ``statements``
builds the nodes of ``nodes``; ``diagnose`` words errors so that they say how to fix them,
``dialect`` says what a release's syntax allows, ``releases`` holds every release as one
record (its dialect, core names and cooker differences, read by the stages above too), and
``cache`` keeps parses on disk, keyed by content. Nothing here evaluates.
"""
