"""Which release a build without readable layers is, from the hints its inputs give.

Used only when neither ``--release`` nor the layers' own ``layer.conf`` tell: the layer
paths a ``bblayers.conf`` names (``/srv/poky-scarthgap/meta``), and the branches, tags and
refspecs of a kas project's repositories. A hint counts only when exactly one release is
named; "master" is never read from a path, where the word means too many things (its
record's ``named_in_paths``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import NamedTuple

from confdrift.build.inputs import BuildInput
from confdrift.syntax import releases as table


@functools.cache  # compiled on first use, not at import
def _tokens() -> re.Pattern[str]:
    return re.compile(r"[/\\\-_.:+@ ]+")


class Hint(NamedTuple):
    release: str
    #: What gave it away, for the user: "the layer paths in bblayers.conf (poky-scarthgap)".
    reason: str


def infer(inp: BuildInput, layer_paths: Iterable[str]) -> Hint | None:
    """The one release the inputs name, or ``None`` when they name none or several."""
    return _from_kas(inp) or _from_paths(layer_paths)


def _from_kas(inp: BuildInput) -> Hint | None:
    if inp.kas is None:
        return None
    refs = {ref for repo in inp.kas.repos for ref in (repo.branch, repo.tag, repo.refspec) if ref}
    found = _named(refs, in_paths=False)
    if len(found) != 1:
        return None
    release = found.pop()
    return Hint(release, f"the kas repositories' branches ({release})")


def _from_paths(paths: Iterable[str]) -> Hint | None:
    paths = list(paths)
    found = _named(paths, in_paths=True)
    if len(found) != 1:
        return None
    release = found.pop()
    example = next(p for p in paths if release in _tokens().split(p))
    return Hint(release, f"the layer paths of bblayers.conf ({example})")


def _named(texts: Iterable[str], *, in_paths: bool) -> set[str]:
    known = {r.name for r in table.RELEASES if r.named_in_paths or not in_paths}
    return {token for text in texts for token in _tokens().split(text) if token in known}
