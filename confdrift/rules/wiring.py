"""CD3xx: cache wiring — can the child reach the parent's sstate and hash-equivalence data?

Drift does not matter if the child never reaches the parent's cache. These rules read the
child's resolved values (and the parent's, or the parent's service addresses from the
configuration, where known). Evidence: ``research/sstate-knowledge.md`` §4.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from confdrift.findings import Finding, Fix, FixStep, Severity
from confdrift.rules.base import RuleContext, assignment
from confdrift.rules.mirrors import (
    Address,
    MirrorPair,
    is_http_url,
    is_network_url,
    mirror_pairs,
    parse_address,
    same_place,
    url_base,
    url_params,
    url_prefix,
)
from confdrift.rules.registry import rule

if TYPE_CHECKING:
    from confdrift.build.view import ResolvedBuild

E, W = Severity.ERROR, Severity.WARNING
EQUIV = "OEEquivHash"
#: Signature handlers BitBake and OE define (BitBake falls back to ``noop`` for others).
KNOWN_HANDLERS = frozenset({"noop", "basic", "basichash", "TestEquivHash", "OEBasicHash",
                            "OEEquivHash", "OEBasic"})
SSTATE_CDN_FRAGMENT = "core/yocto/sstate-mirror-cdn"
_OWN_MIRRORS = assignment("INHERIT", "own-mirrors", "+=")


def _on(value: str | None) -> bool:
    return (value or "").strip() == "1"


def _parent_hashserv(ctx: RuleContext) -> str | None:
    """The parent's hash server as far as it is known: configuration first, then its upstream."""
    configured = ctx.setting("parent_hashserv")
    if configured:
        return str(configured)
    return ctx.parent.get("BB_HASHSERVE_UPSTREAM") if ctx.parent else None


def _uses_equivhash(view: ResolvedBuild) -> bool:
    return view.get("BB_SIGNATURE_HANDLER") == EQUIV


def _child_hash_route(child: ResolvedBuild) -> str | None:
    """The server the child pulls equivalences from: an upstream, or a direct server."""
    serve = child.get("BB_HASHSERVE") or ""
    if serve == "auto":
        return child.get("BB_HASHSERVE_UPSTREAM") or None
    return serve or None


@rule("CD301", "hashserv-upstream-missing", E,
      "The parent uses hash equivalence but the child cannot see the parent's hash database")
def upstream_missing(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks that a child of a parent using hash equivalence (`BB_SIGNATURE_HANDLER =
    "OEEquivHash"`, the poky default) has a route to the parent's hash server:
    `BB_HASHSERVE = "auto"` with `BB_HASHSERVE_UPSTREAM`, or `BB_HASHSERVE` pointing at it.

    ## Why it matters
    The parent's sstate objects are named by *unihash*, which only its hash database knows.
    A child without that database computes the same task hashes and still misses: in the
    story behind confdrift the child restored 60% of its tasks without the hash server and
    93% with it.

    ## How to fix
    `BB_HASHSERVE_UPSTREAM = "parent-host:8686"` (with `BB_HASHSERVE = "auto"`).
    """
    known = _parent_hashserv(ctx)
    parent_equiv = ctx.parent is not None and _uses_equivhash(ctx.parent)
    if not (known or parent_equiv) or _child_hash_route(ctx.child):
        return
    target = known or "PARENT-HOST:8686"
    yield upstream_missing.finding(ctx,
               "the child has no route to the parent's hash-equivalence server, so the "
               "parent's sstate objects (named by unihash) are mostly invisible to it",
               variable="BB_HASHSERVE_UPSTREAM", with_parent=True, scope="wiring",
               fix=assignment("BB_HASHSERVE_UPSTREAM", target))


@rule("CD302", "hashserv-upstream-ignored", E,
      "BB_HASHSERVE_UPSTREAM is set but BB_HASHSERVE is not exactly \"auto\"")
def upstream_ignored(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Flags `BB_HASHSERVE_UPSTREAM` when `BB_HASHSERVE` is anything but exactly `auto`.

    ## Why it matters
    BitBake reads `BB_HASHSERVE_UPSTREAM` only while starting the private server that
    `BB_HASHSERVE = "auto"` asks for; with any other value the upstream is silently unused.

    ## How to fix
    `BB_HASHSERVE = "auto"`.
    """
    child = ctx.child
    if child.get("BB_HASHSERVE_UPSTREAM") and child.get("BB_HASHSERVE") != "auto":
        yield upstream_ignored.finding(ctx,
                   f"BB_HASHSERVE is {child.get('BB_HASHSERVE')!r}, not \"auto\": BitBake "
                   "ignores BB_HASHSERVE_UPSTREAM", variable="BB_HASHSERVE",
                   scope="wiring", fix=assignment("BB_HASHSERVE", "auto"))


@rule("CD303", "unknown-signature-handler", E,
      "BB_SIGNATURE_HANDLER names a handler BitBake does not know")
def unknown_handler(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks `BB_SIGNATURE_HANDLER` against the handlers BitBake and OE define
    (`OEBasicHash`, `OEEquivHash`, `basichash`, `basic`, `noop`).

    ## Why it matters
    An unknown name is only an error message: BitBake falls back to `noop`, under which no
    sstate object is ever valid.

    ## How to fix
    `BB_SIGNATURE_HANDLER = "OEEquivHash"`.
    """
    handler = ctx.child.get("BB_SIGNATURE_HANDLER")
    if handler is not None and handler not in KNOWN_HANDLERS:
        yield unknown_handler.finding(ctx,
                   f"BB_SIGNATURE_HANDLER {handler!r} is not a signature handler; BitBake "
                   "falls back to 'noop' and reuses nothing",
                   variable="BB_SIGNATURE_HANDLER", scope="wiring",
                   fix=assignment("BB_SIGNATURE_HANDLER", EQUIV))


@rule("CD304", "hashserv-needs-equivhash", E,
      "A hash server is configured but the signature handler does not use one")
def needs_equivhash(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Flags `BB_HASHSERVE_UPSTREAM` (or a `BB_HASHSERVE` address) together with a signature
    handler other than `OEEquivHash`.

    ## Why it matters
    Only `OEEquivHash` talks to a hash server; with `OEBasicHash` the upstream is never
    asked and the parent's unihash mappings are invisible.

    ## How to fix
    `BB_SIGNATURE_HANDLER = "OEEquivHash"`.
    """
    child = ctx.child
    handler = child.get("BB_SIGNATURE_HANDLER")
    wants_server = bool(child.get("BB_HASHSERVE_UPSTREAM"))
    if wants_server and handler in KNOWN_HANDLERS and handler != EQUIV:
        yield needs_equivhash.finding(ctx,
                   f"BB_HASHSERVE_UPSTREAM is set but BB_SIGNATURE_HANDLER is {handler!r}: "
                   "only OEEquivHash uses a hash server",
                   variable="BB_SIGNATURE_HANDLER", scope="wiring",
                   fix=assignment("BB_SIGNATURE_HANDLER", EQUIV))


@rule("CD305", "equivhash-without-hashserve", E,
      "OEEquivHash without BB_HASHSERVE: BitBake refuses to start")
def equivhash_without_server(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Flags `BB_SIGNATURE_HANDLER = "OEEquivHash"` when `BB_HASHSERVE` is unset or empty.

    ## Why it matters
    OE stops with "OEEquivHash requires BB_HASHSERVE to be set" (oe-core's
    `meta/lib/oe/sstatesig.py`); oe-core without poky set no `BB_HASHSERVE` before wrynose.

    ## How to fix
    `BB_HASHSERVE = "auto"`.
    """
    child = ctx.child
    if _uses_equivhash(child) and not child.get("BB_HASHSERVE"):
        yield equivhash_without_server.finding(ctx,
                   "BB_SIGNATURE_HANDLER is OEEquivHash but BB_HASHSERVE is not set: "
                   "BitBake stops with 'OEEquivHash requires BB_HASHSERVE to be set'",
                   variable="BB_HASHSERVE", scope="wiring",
                   fix=assignment("BB_HASHSERVE", "auto"))


@rule("CD306", "hashserv-address-invalid", E,
      "A hash-server address BitBake's client cannot parse")
def address_invalid(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Parses `BB_HASHSERVE_UPSTREAM` (and `BB_HASHSERVE` when it is not `auto`) the way
    BitBake's client does: `host:port`, `[ipv6]:port`, `unix:///path`, `ws://host:port/path`,
    `wss://host/path` (websockets from scarthgap on).

    ## Why it matters
    `http://host:8686`, a missing port or a stray space make the client fail; BitBake only
    warns for an unusable upstream and builds without the parent's equivalences.

    ## How to fix
    Write the address as `host:port`, e.g. `BB_HASHSERVE_UPSTREAM = "hashserv.example.com:8686"`.
    """
    for name in ("BB_HASHSERVE_UPSTREAM", "BB_HASHSERVE"):
        value = ctx.child.get(name)
        if value is None or (name == "BB_HASHSERVE" and value in ("auto", "")):
            continue
        problem = _address_problem(value, ctx.child.release)
        if problem:
            yield address_invalid.finding(ctx,
                       f"{name} {value!r} {problem}", variable=name, scope="wiring")


def _address_problem(value: str, release: str | None) -> str | None:
    parsed = parse_address(value)
    if isinstance(parsed, str):
        return parsed
    if not isinstance(parsed, Address) or parsed.scheme not in ("ws", "wss"):
        return None
    from confdrift.syntax import releases  # the release table, for a websocket address

    record = releases.by_name(release)
    if record is not None and not record.hashserv_websockets:
        return (f"uses websockets, which {record.name}'s BitBake ({record.bitbake_version}) "
                "cannot connect to")
    return None


@rule("CD307", "sstate-mirror-malformed", E,
      "An SSTATE_MIRRORS entry that BitBake drops or that misses every object")
def sstate_mirror_malformed(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks `SSTATE_MIRRORS` as BitBake reads it: whitespace-separated pairs of a regex
    (matched against `file://` sstate URLs) and a URL ending in `PATH`.

    ## Why it matters
    An odd word count drops the unpaired item (one warning, no mirror); a URL without `PATH`
    is asked for bare object names instead of the `ab/cd/` layout and silently misses
    everything; a `;downloadfilename=` without `PATH` stores every fetched object under
    one name, where sstate does not look.

    ## How to fix
    `SSTATE_MIRRORS ?= "file://.* http://host/sstate-cache/PATH;downloadfilename=PATH"`.
    """
    value = ctx.child.get("SSTATE_MIRRORS")
    pairs, leftover = mirror_pairs(value)
    if leftover is not None:
        yield sstate_mirror_malformed.finding(ctx,
                   f"SSTATE_MIRRORS has an unpaired item {leftover!r}: BitBake drops it "
                   "(a mirror needs 'REGEX URL')", variable="SSTATE_MIRRORS",
                   scope="wiring")
    for pair in pairs:
        stored_as = url_params(pair.url).get("downloadfilename")
        if "PATH" not in url_base(pair.url):
            yield sstate_mirror_malformed.finding(ctx,
                       f"SSTATE_MIRRORS URL {pair.url!r} has no PATH: BitBake asks it for bare "
                       "object names and misses every object",
                       variable="SSTATE_MIRRORS", scope="wiring",
                       fix=assignment("SSTATE_MIRRORS", _mirror_line(pair)))
        elif stored_as is not None and "PATH" not in stored_as:
            yield sstate_mirror_malformed.finding(ctx,
                       f"SSTATE_MIRRORS URL {pair.url!r} has downloadfilename={stored_as}: "
                       "BitBake stores every fetched object under that one name, not where "
                       "sstate looks for it", variable="SSTATE_MIRRORS",
                       scope="wiring", fix=assignment("SSTATE_MIRRORS", _mirror_line(pair)))
        elif not pair.pattern.startswith(("file://", ".*", "^file://")):
            yield sstate_mirror_malformed.finding(ctx,
                       f"SSTATE_MIRRORS pattern {pair.pattern!r} does not match sstate's "
                       "file:// URLs (write 'file://.*')", variable="SSTATE_MIRRORS",
                       scope="wiring", severity=W)


def _mirror_line(pair: MirrorPair) -> str:
    """The documented form of an sstate mirror pair: ``PATH`` in the URL, and for HTTP(S)
    ``;downloadfilename=PATH`` (other parameters kept)."""
    base = url_base(pair.url)
    if base.endswith("PATH"):
        base = base[: -len("PATH")]
    params = [p for p in pair.url.split(";")[1:] if not p.startswith("downloadfilename=")]
    if is_http_url(pair.url):
        params.append("downloadfilename=PATH")
    return " ".join((pair.pattern, ";".join([base.rstrip("/") + "/PATH", *params])))


@rule("CD308", "sstate-unreachable", E,
      "The child has no route to the parent's sstate cache")
def sstate_unreachable(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks that the child reaches the parent's sstate: the same `SSTATE_DIR`, or an
    `SSTATE_MIRRORS` entry — pointing at `parent-sstate` when the configuration names it.

    ## Why it matters
    Without a route nothing is restored, however well the configurations match.

    ## How to fix
    `SSTATE_MIRRORS ?= "file://.* http://parent/sstate-cache/PATH;downloadfilename=PATH"`.
    """
    child, served = ctx.child, ctx.setting("parent_sstate")
    urls = [p.url for p in mirror_pairs(child.get("SSTATE_MIRRORS"))[0]]
    if served:
        if any(same_place(url, str(served)) for url in urls) or \
                _same_dir(child.get("SSTATE_DIR"), served):
            return
        message = f"no SSTATE_MIRRORS entry points at the parent's sstate ({served})"
        target = str(served)
    else:
        same_dir = ctx.parent and child.get("SSTATE_DIR") == ctx.parent.get("SSTATE_DIR")
        if urls or same_dir or ctx.parent is None:
            return
        message = (f"the child's SSTATE_DIR ({child.get('SSTATE_DIR') or 'unset'}) is not the "
                   f"parent's ({ctx.parent.get('SSTATE_DIR') or 'unset'}) and it has no "
                   "SSTATE_MIRRORS entry")
        target = "http://PARENT-HOST/sstate-cache"
    yield sstate_unreachable.finding(ctx, message, variable="SSTATE_MIRRORS",
               with_parent=True, scope="wiring",
               fix=assignment("SSTATE_MIRRORS", _mirror_line(MirrorPair("file://.*",
                                                                        _as_url(target)))))


def _as_url(location: str) -> str:
    """A configured location as a URL: a directory becomes a ``file://`` URL."""
    return location if "://" in location else "file://" + location


def _same_dir(sstate_dir: str | None, served: object) -> bool:
    text = str(served)
    path = text[len("file://"):] if text.startswith("file://") else text
    return bool(sstate_dir) and (sstate_dir or "").rstrip("/") == path.rstrip("/")


@rule("CD309", "hashserv-upstream-mismatch", E,
      "The child's hash-equivalence upstream is not the parent's server", needs_parent=False)
def upstream_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Where the parent's hash server is known (`parent-hashserv` in confdrift's configuration,
    or the parent's own `BB_HASHSERVE_UPSTREAM`), checks that the child points at it.

    ## Why it matters
    Another server holds other equivalences: the child misses the parent's objects.

    ## How to fix
    Set `BB_HASHSERVE_UPSTREAM` to the parent's server address.
    """
    known, route = _parent_hashserv(ctx), _child_hash_route(ctx.child)
    if known and route and route != known:
        yield upstream_mismatch.finding(ctx,
                   f"the child pulls hash equivalences from {route!r}, the parent's server is "
                   f"{known!r}", variable="BB_HASHSERVE_UPSTREAM", with_parent=True,
                   scope="wiring", fix=assignment("BB_HASHSERVE_UPSTREAM", known))


@rule("CD310", "source-mirror-inert", W,
      "SOURCE_MIRROR_URL does nothing without INHERIT += \"own-mirrors\"")
def source_mirror_inert(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Flags `SOURCE_MIRROR_URL` when `own-mirrors` is not inherited.

    ## Why it matters
    Only `own-mirrors.bbclass` reads `SOURCE_MIRROR_URL`; without it the child fetches every
    source from upstream while looking wired to the parent's downloads.

    ## How to fix
    `INHERIT += "own-mirrors"`.
    """
    child = ctx.child
    inherits = set(child.words("INHERIT")) | set(child.words("INHERIT_DISTRO"))
    if child.get("SOURCE_MIRROR_URL") and "own-mirrors" not in inherits:
        yield source_mirror_inert.finding(ctx,
                   "SOURCE_MIRROR_URL is set but own-mirrors is not inherited, so nothing "
                   "reads it", variable="SOURCE_MIRROR_URL", scope="wiring",
                   fix=_OWN_MIRRORS)


@rule("CD311", "source-mirror-not-url", E,
      "SOURCE_MIRROR_URL must be one URL, not a regex/URL pair")
def source_mirror_not_url(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks that `SOURCE_MIRROR_URL` is a single URL of a flat download directory.

    ## Why it matters
    `own-mirrors` splices the value into `PREMIRRORS` after its own regexes: a
    `file://.* http://…` pair shifts every following pair, and `PATH` makes BitBake ask for
    `gnu/m4/…` paths that a flat `DL_DIR` does not have.

    ## How to fix
    `SOURCE_MIRROR_URL = "http://parent/downloads/"`.
    """
    value = ctx.child.get("SOURCE_MIRROR_URL")
    words = (value or "").replace("\\n", " ").split()
    if len(words) > 1:
        url = next((w for w in words if "://" in w and not w.startswith("file://.*")), words[-1])
        yield source_mirror_not_url.finding(ctx,
                   f"SOURCE_MIRROR_URL holds {len(words)} words; own-mirrors needs one URL",
                   variable="SOURCE_MIRROR_URL", scope="wiring",
                   fix=assignment("SOURCE_MIRROR_URL", _flat(url)))
    elif words and "PATH" in words[0]:
        yield source_mirror_not_url.finding(ctx,
                   "SOURCE_MIRROR_URL contains PATH: a parent's DL_DIR is flat, so BitBake "
                   "asks for paths it does not have", variable="SOURCE_MIRROR_URL",
                   scope="wiring", fix=assignment("SOURCE_MIRROR_URL", _flat(words[0])),
                   severity=W)


def _flat(url: str) -> str:
    return url_prefix(url) + "/"


@rule("CD312", "network-cuts-off-mirror", E,
      "BB_NO_NETWORK disables the child's HTTP sstate mirror")
def network_cut_off(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Flags `BB_NO_NETWORK = "1"` with a network `SSTATE_MIRRORS` entry and without
    `SSTATE_MIRROR_ALLOW_NETWORK = "1"`.

    ## Why it matters
    sstate.bbclass skips network mirrors when the network is off: nothing is restored.

    ## How to fix
    `SSTATE_MIRROR_ALLOW_NETWORK = "1"`.
    """
    child = ctx.child
    pairs, _ = mirror_pairs(child.get("SSTATE_MIRRORS"))
    networked = [p for p in pairs if is_network_url(p.url)]
    if networked and _on(child.get("BB_NO_NETWORK")) and \
            not _on(child.get("SSTATE_MIRROR_ALLOW_NETWORK")):
        yield network_cut_off.finding(ctx,
                   "BB_NO_NETWORK = \"1\" disables the HTTP sstate mirror "
                   f"{networked[0].url!r}", variable="BB_NO_NETWORK", scope="wiring",
                   fix=assignment("SSTATE_MIRROR_ALLOW_NETWORK", "1"))


@rule("CD313", "premirror-only-without-mirror", W,
      "BB_FETCH_PREMIRRORONLY without any premirror: every fetch fails")
def premirror_only(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Flags `BB_FETCH_PREMIRRORONLY = "1"` when neither `PREMIRRORS` nor an inherited
    `own-mirrors` with `SOURCE_MIRROR_URL` gives a mirror.

    ## Why it matters
    With premirror-only fetching BitBake turns the network off after the premirrors: a
    source missing there fails the build.

    ## How to fix
    Point `SOURCE_MIRROR_URL` at the parent's downloads and `INHERIT += "own-mirrors"`.
    """
    child = ctx.child
    own = "own-mirrors" in child.words("INHERIT") and child.get("SOURCE_MIRROR_URL")
    if _on(child.get("BB_FETCH_PREMIRRORONLY")) and not (child.get("PREMIRRORS") or own):
        yield premirror_only.finding(ctx,
                   "BB_FETCH_PREMIRRORONLY is on but no premirror is configured",
                   variable="BB_FETCH_PREMIRRORONLY", scope="wiring")


@rule("CD314", "mirror-list-malformed", W,
      "PREMIRRORS or MIRRORS has an unpaired item")
def mirrors_malformed(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Checks that `PREMIRRORS` and `MIRRORS` are whitespace-separated `REGEX URL` pairs.

    ## Why it matters
    BitBake drops an unpaired last item with one warning, and every item after a missing
    one is paired with the wrong partner.

    ## How to fix
    Write one `REGEX URL` pair per line, separated by `\\n`.
    """
    for name in ("PREMIRRORS", "MIRRORS"):
        _, leftover = mirror_pairs(ctx.child.get(name))
        if leftover is not None:
            yield mirrors_malformed.finding(ctx,
                       f"{name} has an unpaired item {leftover!r}, which BitBake drops",
                       variable=name, scope="wiring")


@rule("CD315", "fragment-overrides-wiring", W,
      "An enabled fragment assigns the hash-server upstream after local.conf")
def fragment_overrides(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Flags the `core/yocto/sstate-mirror-cdn` fragment in `OE_FRAGMENTS` when the child's
    own files also set `BB_HASHSERVE_UPSTREAM` or `SSTATE_MIRRORS`.

    ## Why it matters
    Fragments are applied after `local.conf` and this one assigns with `=`: the child's own
    upstream is silently replaced by the Yocto Project's public server.

    ## How to fix
    Remove the fragment (`bitbake-config-build disable-fragment core/yocto/sstate-mirror-cdn`).
    """
    fragments = ctx.child.words("OE_FRAGMENTS")
    if SSTATE_CDN_FRAGMENT not in fragments:
        return
    for name in ("BB_HASHSERVE_UPSTREAM", "SSTATE_MIRRORS"):
        if _user_sets(ctx.child, name):
            yield fragment_overrides.finding(ctx,
                       f"the fragment {SSTATE_CDN_FRAGMENT} assigns {name} after local.conf, "
                       "replacing the child's own value", variable=name,
                       scope="wiring")


def _user_sets(view: ResolvedBuild, name: str) -> bool:
    return any(s.name is not None and s.name.split(":")[0] == name and s.flag is None
               for parsed in view.files for s in parsed.statements)


@rule("CD316", "hashequiv-method-mismatch", E,
      "Child and parent compute output hashes differently", needs_parent=True)
def hashequiv_method(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Compares `SSTATE_HASHEQUIV_METHOD`, `HASHEQUIV_HASH_VERSION` and
    `HASHEQUIV_EXTRA_SIGDATA` when the child uses the parent's hash server.

    ## Why it matters
    The method is part of every hash-server key and the version and extra data are part of
    every output hash: with a difference no equivalence is ever shared.

    ## How to fix
    Set the variable to the parent's value.
    """
    parent = ctx.parent
    if parent is None or not _child_hash_route(ctx.child):
        return
    for name in ("SSTATE_HASHEQUIV_METHOD", "HASHEQUIV_HASH_VERSION", "HASHEQUIV_EXTRA_SIGDATA"):
        mine, theirs = ctx.child.get(name), parent.get(name)
        if mine != theirs and theirs is not None:
            yield hashequiv_method.finding(ctx,
                       f"{name} differs from the parent's, so no hash equivalence is shared",
                       variable=name, with_parent=True, scope="wiring",
                       fix=assignment(name, theirs))


@rule("CD319", "sstate-mirror-no-downloadfilename", Severity.INFO,
      "An HTTP(S) SSTATE_MIRRORS URL without ;downloadfilename=PATH, the documented form")
def sstate_mirror_no_downloadfilename(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Flags an HTTP(S) `SSTATE_MIRRORS` URL that has `PATH` but not `;downloadfilename=PATH`,
    the form every release's `local.conf.sample` and the `SSTATE_MIRRORS` reference show.

    ## Why it matters
    `downloadfilename` tells BitBake's HTTP fetcher where to store what it fetched: under
    the object's `ab/cd/` path inside `SSTATE_DIR`, where sstate looks for it, instead of
    under its bare file name. sstate.bbclass has put `;downloadfilename=` on its own lookup
    URLs since 2016 (oe-core 55d25ed6b3) and BitBake's mirror code keeps the original URL's
    parameters, so on the releases confdrift knows the object still lands in the right
    place: the line works, it is just not the documented form. Hence only info; a
    `downloadfilename` without `PATH` is CD307.

    ## How to fix
    `SSTATE_MIRRORS ?= "file://.* http://host/sstate-cache/PATH;downloadfilename=PATH"`.
    """
    for pair in mirror_pairs(ctx.child.get("SSTATE_MIRRORS"))[0]:
        if is_http_url(pair.url) and "PATH" in url_base(pair.url) and \
                "downloadfilename" not in url_params(pair.url):
            yield sstate_mirror_no_downloadfilename.finding(ctx,
                       f"SSTATE_MIRRORS URL {pair.url!r} has no ;downloadfilename=PATH; "
                       "BitBake still stores fetched objects under their ab/cd/ path (sstate's "
                       "own URL carries downloadfilename), but the documented form names it",
                       variable="SSTATE_MIRRORS", scope="wiring",
                       fix=assignment("SSTATE_MIRRORS", _mirror_line(pair)))


@rule("CD320", "download-mirror-mismatch", W,
      "The child does not fetch sources from the parent's downloads (parent-downloads)")
def download_mirror_mismatch(ctx: RuleContext) -> Iterator[Finding]:
    """
    ## What it does
    Where confdrift's configuration names the parent's downloads (`parent-downloads`),
    checks that the child fetches sources from there: `SOURCE_MIRROR_URL` (read by
    `own-mirrors`), a `PREMIRRORS` entry, or the same `DL_DIR`.

    ## Why it matters
    Every task whose sstate object is missed, and every `do_fetch`, needs the sources.
    Without the parent's downloads the child fetches them from upstream or from another
    mirror: slower, at the mercy of upstream servers, and with `BB_NO_NETWORK` or
    `BB_FETCH_PREMIRRORONLY` a failed build.

    ## How to fix
    `SOURCE_MIRROR_URL = "http://parent/downloads/"` with `INHERIT += "own-mirrors"`.
    """
    served = ctx.setting("parent_downloads")
    if not served:
        return
    served, child = str(served), ctx.child
    source = child.get("SOURCE_MIRROR_URL")
    # A regex/URL pair in SOURCE_MIRROR_URL is CD311's; its URL still says where it points.
    urls = [w for w in (source or "").replace("\\n", " ").split()
            if "://" in w and not w.startswith("file://.*")]
    routes = urls + [pair.url for pair in mirror_pairs(child.get("PREMIRRORS"))[0]]
    if any(same_place(url, served) for url in routes) or _same_dir(child.get("DL_DIR"), served):
        return
    steps: list[FixStep] = [assignment("SOURCE_MIRROR_URL", _flat(_as_url(served)))]
    if source:
        shown = urls[0] if urls else source
        message = (f"SOURCE_MIRROR_URL points at {url_prefix(shown)!r}, not at the parent's "
                   f"downloads ({served})")
    else:
        message = ("neither SOURCE_MIRROR_URL nor any PREMIRRORS entry points at the parent's "
                   f"downloads ({served}): sources are fetched from upstream")
        inherits = set(child.words("INHERIT")) | set(child.words("INHERIT_DISTRO"))
        if "own-mirrors" not in inherits:
            steps.append(_OWN_MIRRORS)
    yield download_mirror_mismatch.finding(ctx, message, variable="SOURCE_MIRROR_URL",
                                           scope="wiring", fix=Fix(tuple(steps)))
