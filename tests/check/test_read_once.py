"""One check reads each of the user's files from disk once and parses it once."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from confdrift.cli import app
from confdrift.syntax import cache, memo, reader

runner = CliRunner()

CHILD_LOCAL = """\
MACHINE ??= "qemux86-64"
DISTRO ?= "poky"
# confdrift: ignore[CD103]
PACKAGE_CLASSES = "package_ipk"
BB_HASHSERVE = "auto"  # a comment BitBake rejects
include conf/shared.inc
"""
PARENT_LOCAL = 'MACHINE ??= "qemux86-64"\nDISTRO ?= "poky"\nPACKAGE_CLASSES = "package_rpm"\n'


def _build(root: Path, files: dict[str, str]) -> Path:
    conf = root / "conf"
    conf.mkdir(parents=True)
    for name, text in files.items():
        (conf / name).write_text(text, encoding="utf-8")
    return root


def _counting(monkeypatch: pytest.MonkeyPatch) -> tuple[Counter[str], Counter[str]]:
    """(reads, parses) per absolute file name, counted at the lowest level."""
    reads: Counter[str] = Counter()
    parses: Counter[str] = Counter()
    read_regular, parse_text = cache._read_regular, reader.read_text
    read_bytes, read_text = Path.read_bytes, Path.read_text

    def counted_read(name: str, limit: int) -> bytes:
        reads[os.path.abspath(name)] += 1
        return read_regular(name, limit)

    def counted_parse(text: str, filename: str, **options: Any) -> Any:
        parses[os.path.abspath(filename)] += 1
        return parse_text(text, filename, **options)

    def counted_bytes(self: Path) -> bytes:
        reads[str(self.absolute())] += 1
        return read_bytes(self)

    def counted_text(self: Path, *args: Any, **kwargs: Any) -> str:
        reads[str(self.absolute())] += 1
        return read_text(self, *args, **kwargs)

    monkeypatch.setattr(cache, "_read_regular", counted_read)
    monkeypatch.setattr(reader, "read_text", counted_parse)
    monkeypatch.setattr(Path, "read_bytes", counted_bytes)
    monkeypatch.setattr(Path, "read_text", counted_text)
    return reads, parses


def test_one_check_reads_and_parses_each_user_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = _build(tmp_path / "child", {
        "site.conf": 'SSTATE_DIR = "/srv/sstate"\n',
        "local.conf": CHILD_LOCAL,
        "shared.inc": 'EXTRA_IMAGE_FEATURES ?= "debug-tweaks"\n',
    })
    parent = _build(tmp_path / "parent", {
        "site.conf": 'SSTATE_DIR = "/srv/sstate"\n',
        "local.conf": PARENT_LOCAL,
    })
    monkeypatch.setenv("CONFDRIFT_NO_CACHE", "1")  # every parse is a real one
    memo.forget()
    reads, parses = _counting(monkeypatch)
    result = runner.invoke(app, ["check", str(child), "--parent", str(parent),
                                 "--release", "scarthgap", "-f", "json"])
    assert result.exit_code == 1, result.output
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert "CD002" in codes and "CD103" not in codes and "CD901" not in codes
    user_files = sorted(str(p) for side in (child, parent) for p in (side / "conf").iterdir())
    assert len(user_files) == 5
    assert {f: reads[f] for f in user_files} == dict.fromkeys(user_files, 1)
    assert {f: parses[f] for f in user_files} == dict.fromkeys(user_files, 1)
