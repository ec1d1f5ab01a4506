"""Stage 3, build: what a user names becomes one resolved build.

``inputs`` classifies what was named (a local.conf, a build directory, a kas file: ``kas``),
``layers`` reads layer directories, ``chain`` loads BitBake's base configuration (the full
chain when the layers are on disk, the user's files inside a release profile from
``releases`` otherwise; ``release_hint`` infers the release when nobody says), ``resolve``
reads the user's own files with recovery and returns a ``view.ResolvedBuild``, the type the
rules read; ``relocate`` maps findings on kas-generated files back to the YAML lines.
"""
