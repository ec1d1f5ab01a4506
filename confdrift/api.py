"""The public entry point: ``confdrift.load`` reads files or a whole build.

It is the one place that chooses between the datastore (plain files, as ``bb.parse.handle``
reads them) and the build loader (a build directory, a kas file, or any path with a
release or layers, loaded as BitBake loads its base configuration). Nothing inside the
package imports it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence

from confdrift.datastore.resolved import ResolvedConfig
from confdrift.errors import InputError
from confdrift.limits import Limits

PathLike = str | os.PathLike[str]


def load(
    paths: PathLike | Sequence[PathLike],
    bbpath: Iterable[PathLike] | None = None,
    overrides: Mapping[str, str] | None = None,
    *,
    limits: Limits | None = None,
    release: str | None = None,
    layers: Sequence[PathLike] | None = None,
) -> ResolvedConfig:
    """Evaluate ``paths`` in order into one datastore, as ``bb.parse.handle`` would.

    A whole build instead — a build directory, a kas file, or any path when ``release`` or
    ``layers`` is given — is loaded as bitbake loads its base configuration (see
    confdrift.build.chain.load_build): the full chain when its layers exist, the
    release profile otherwise.

    ``bbpath`` becomes the ``BBPATH`` variable (default: the first file's directory);
    ``overrides`` are set first, like variables taken from the environment. Raises
    :class:`~confdrift.errors.ParseError` (or a subclass) for anything BitBake rejects,
    :class:`~confdrift.errors.ExpansionError` for a failing ``:=`` or include path, and
    :class:`~confdrift.errors.LimitError` when a safety limit is hit (``limits``; default:
    the limits in force, see :mod:`confdrift.limits`).
    """
    build = _whole_build(paths, release, layers)
    if build is not None:
        from confdrift.build.chain import load_build

        return load_build(build, release=release, layers=layers, limits=limits)
    from confdrift.datastore import resolved

    return resolved.load_files(paths, bbpath, overrides, limits=limits)


def _whole_build(
    paths: PathLike | Sequence[PathLike], release: str | None, layers: object
) -> str | None:
    """The one path to load as a whole build, or None for plain files."""
    named = [os.fspath(paths)] if isinstance(paths, (str, os.PathLike)) else \
        [os.fspath(p) for p in paths]
    whole = release is not None or layers is not None or any(
        os.path.isdir(p) or p.endswith((".yml", ".yaml", ".json")) for p in named)
    if not whole:
        return None
    if len(named) != 1:
        raise InputError("a build (directory, kas file, or a file with --release/--layers) "
                         "is loaded on its own; name one")
    return named[0]
