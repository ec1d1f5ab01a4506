"""Why BitBake refuses a logical line, said so a Yocto engineer can fix it.

The parser only knows *that* a line fails; this module looks at the failed line and
names the most likely mistake. It never decides acceptance, it only explains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from confdrift.syntax.dialect import Dialect

# A loose assignment: anything up to an operator, then the rest. Used only to explain.
_LOOSE_ASSIGN = re.compile(
    r"(?P<exp>export\s+)?(?P<name>[^\s=?+.:\[]*(?:[+.:][^\s=?+.:\[]+)*)(?P<flag>\[[^\]]*\])?"
    r"(?P<ws>\s*)(?P<op>:=|\?\?=|\?=|\+=|=\+|=\.|\.=|=)\s*(?P<rest>.*)"
)
_FLAG = re.compile(r"\[[a-zA-Z0-9\-_+.][a-zA-Z0-9\-_+.@/]*\]")
_NAME_CHARS = re.compile(r"[a-zA-Z0-9\-_+.${}/~:]*")
_RECIPE_ONLY = ("inherit", "inherit_defer", "addtask", "deltask", "addhandler", "EXPORT_FUNCTIONS")
_KEYWORDS = ("include", "require", "include_all", "export", "unset", "addpylib", "addfragments")
_FUNCTION = re.compile(r"(python|fakeroot|def\s)|[\w.\-+{}$:]*\s*\(\s*\)\s*\{$")


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """What is wrong with a line, and where (0-based offset into the logical line)."""

    message: str
    offset: int = 0
    #: A comment follows a quoted value: where the value's closing quote ends (for ``recover``).
    value_end: int | None = None


def unparsed(text: str, reader: str, dialect: Dialect, base_config: bool) -> Diagnosis:
    """Explain why ``text`` (a logical line BitBake's reader rejects) is rejected."""
    found = _indented(text) or _keyword(text, reader, dialect, base_config) or _assignment(text)
    hint = found or Diagnosis(
        "this line is neither an assignment (NAME = \"value\") nor a directive BitBake "
        "knows (include, require, export, unset, ...)"
    )
    message = f"{hint.message} (BitBake: unparsed line: {text!r})"
    return Diagnosis(message, hint.offset, hint.value_end)


def empty_name(text: str) -> Diagnosis:
    return Diagnosis(
        "the assignment has no variable name before the operator; write NAME = \"value\" "
        f"(BitBake: Empty variable name in assignment: {text!r})"
    )


def _indented(text: str) -> Diagnosis | None:
    if not text[0].isspace():
        return None
    stripped = text.lstrip()
    where = len(text) - len(stripped)
    if stripped.startswith("#"):
        return Diagnosis(
            "an indented comment is not a comment: BitBake only treats '#' in column 1 as "
            "one; remove the indentation", where)
    return Diagnosis(
        "statements must start in column 1; remove the leading whitespace "
        "(continue long values with a trailing '\\' instead)", 0)


def _keyword(text: str, reader: str, dialect: Dialect, base: bool) -> Diagnosis | None:
    word = text.split(None, 1)[0]
    if reader == "conf" and word == "inherit":
        return Diagnosis('inherit is not allowed in a .conf file; use INHERIT += "CLASS" '
                         "(or put it in a .bbclass/.inc)")
    if reader == "conf" and (word in _RECIPE_ONLY or _FUNCTION.match(text)):
        return Diagnosis(f"{word!r} lines and functions are recipe syntax, not allowed in a "
                         ".conf file; move this to a .bbclass or .inc file")
    if word in _KEYWORDS and " " not in text.strip() and "\t" not in text.strip():
        return Diagnosis(f"{word!r} needs an argument on the same line")
    return _directive(word, text, reader, dialect, base)


def _directive(word: str, text: str, reader: str, dialect: Dialect, base: bool) -> Diagnosis | None:
    version = dialect.version
    if word == "include_all" and not dialect.include_all:
        return Diagnosis(f"include_all needs BitBake 2.12 or later (parsing as {version})")
    if word == "addpylib":
        if not dialect.addpylib:
            return Diagnosis(f"addpylib needs BitBake 2.4 or later (parsing as {version})")
        if reader != "conf" or not base:
            return Diagnosis("addpylib is only allowed in bblayers.conf, a layer's "
                             "conf/layer.conf or conf/bitbake.conf; move it to layer.conf")
    if word == "addfragments":
        want = dialect.addfragments_args
        if not want:
            return Diagnosis(f"addfragments needs BitBake 2.12 or later (parsing as {version})")
        return Diagnosis(f"addfragments takes exactly {want} arguments in BitBake {version}")
    if word in ("export", "unset") and "=" not in text:
        return _bare(word, text, dialect)
    if word in ("addtask", "deltask"):
        return Diagnosis(f"{word} needs a task name (a '#' right after {word} starts none)")
    return None


def _bare(word: str, text: str, dialect: Dialect) -> Diagnosis:
    if ":" in text:
        return Diagnosis(f"'{word} NAME' does not accept ':' (overrides) in the name",
                         text.index(":"))
    if "#" in text:
        return Diagnosis(f"BitBake does not allow a comment after '{word} NAME'; move the "
                         "comment to its own line", text.index("#"))
    if word == "unset" and "[" in text:
        return Diagnosis(f"'unset NAME[flag]': the flag needs at least {dialect.unset_flag_min} "
                         "characters (letters, digits, - _ + . @) and nothing may follow")
    return Diagnosis(f"'{word}' takes exactly one variable name and nothing after it")


def _assignment(text: str) -> Diagnosis | None:
    m = _LOOSE_ASSIGN.match(text)
    if m is None:
        return None
    bad = _NAME_CHARS.match(m["name"])
    if bad is not None and bad.end() < len(m["name"]):
        char = m["name"][bad.end()]
        return Diagnosis(f"{char!r} is not allowed in a variable name (allowed: letters, "
                         "digits and - _ + . $ { } / ~ :)", m.start("name") + bad.end())
    if m["flag"] is not None and not _FLAG.fullmatch(m["flag"]):
        return Diagnosis(f"invalid flag name {m['flag']}: use letters, digits and - _ + . "
                         "(then also @ /)", m.start("flag"))
    return _value(m["rest"], m.start("rest"))


def _value(rest: str, at: int) -> Diagnosis:
    if not rest or rest[0] not in "\"'":
        return Diagnosis("the value must be quoted: NAME = \"value\" (BitBake has no unquoted "
                         "values)", at)
    quote = rest[0]
    close = rest.find(quote, 1)
    if close < 0:
        other = "'" if quote == '"' else '"'
        if rest.endswith(other):
            return Diagnosis(f"the value opens with {quote} but ends with {other}; use the same "
                             "quote on both sides", at)
        return Diagnosis(f"the value's closing {quote} is missing (a value must end the line "
                         "with its quote; continue long values with '\\')", at)
    after = rest[close + 1:]
    if after.strip().startswith("#"):
        hash_at = at + close + 1 + after.index("#")
        return Diagnosis(
            "BitBake does not allow a comment after a value; move the comment to its own line",
            hash_at, at + close + 1)
    if rest.count(quote) == 3 and rest.endswith(quote):
        return Diagnosis(f"exactly three {quote} quotes: BitBake rejects this on purpose and "
                         f"there are no escapes (\\{quote} does not help); use the other quote "
                         "character around the value", at)
    return Diagnosis(f"text after the closing {quote}: a value must end the line with its "
                     "quote", at + close + 1)

