"""CD3xx, with ``--probe`` only: the services the child is wired to answer.

BitBake only *warns* when the hash-equivalence upstream does not answer and builds on
without the parent's equivalences; an sstate mirror that does not answer just misses.
These rules turn both into errors before the build. They are the only rules that use the
network, and only when asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from confdrift.findings import Finding, Severity
from confdrift.rules.mirrors import mirror_pairs
from confdrift.rules.registry import rule

if TYPE_CHECKING:
    from confdrift.rules.base import RuleContext

E = Severity.ERROR


@rule("CD317", "hashserv-unreachable", E,
      "--probe: the hash-equivalence server the child is wired to does not answer")
def hashserv_unreachable(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    With `--probe`, connects to `BB_HASHSERVE_UPSTREAM` (or a `BB_HASHSERVE` address).

    ## Why it matters
    BitBake only warns ("Unable to connect to hash equivalence server") and builds without
    the parent's equivalences: the child silently rebuilds what it could have reused.

    ## How to fix
    Start the parent's `bitbake-hashserv` (e.g. `bitbake-hashserv -r -b :8686`), open the
    port, or correct the address.
    """
    if not ctx.setting("probe"):
        return
    child = ctx.child
    serve = child.get("BB_HASHSERVE") or ""
    name = "BB_HASHSERVE_UPSTREAM" if serve == "auto" else "BB_HASHSERVE"
    address = child.get(name)
    if not address or address == "auto":
        return
    from confdrift.rules import probe  # the network modules load only with --probe

    problem = probe.hash_server(address)
    if problem:
        yield hashserv_unreachable.finding(ctx,
                   f"{name}: {problem}; BitBake would only warn and build without the "
                   "parent's hash equivalences", variable=name, scope="wiring")


@rule("CD318", "sstate-mirror-unreachable", E,
      "--probe: an sstate mirror the child is wired to does not answer")
def sstate_mirror_unreachable(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    With `--probe`, sends an HTTP request to each `SSTATE_MIRRORS` URL's object directory
    (or checks that a `file://` mirror directory exists).

    ## Why it matters
    A mirror that does not answer is not an error for BitBake: every object is simply
    missed and rebuilt.

    ## How to fix
    Start the server that publishes the parent's `SSTATE_DIR`, or correct the URL.
    """
    if not ctx.setting("probe"):
        return
    from confdrift.rules import probe

    for pair in mirror_pairs(ctx.child.get("SSTATE_MIRRORS"))[0]:
        problem = probe.sstate_mirror(pair.url)
        if problem:
            yield sstate_mirror_unreachable.finding(ctx,
                       f"SSTATE_MIRRORS: {problem}", variable="SSTATE_MIRRORS",
                       scope="wiring")
