"""Stage 2, datastore: statements become values exactly as BitBake's datastore holds them.

``evaluate`` runs statements in file order (``includes`` and ``fragments`` find the files
they pull in), ``varstore`` holds each variable's record (``records``) with its override
variants (``overrides``) and expands values (``expand``; inline Python goes to the safe
evaluator ``pyexpr``, which never runs code: ``parse`` and ``scanner`` check the tree as
BitBake compiles and scans it, ``walker`` walks it with ``names``, ``calls``, ``operators``
and ``literals``, and ``library`` holds the known functions); ``history`` records every
step for provenance, ``keys`` renames ``${}`` keys, and ``resolved`` is what a load
returns (``ResolvedConfig``).
"""
