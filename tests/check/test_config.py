"""Settings: discovery, defaults < file < command line, validation, selection and severity."""

from __future__ import annotations

from pathlib import Path

import pytest

from confdrift.check.settings import (
    Limits,
    PerPath,
    Settings,
    apply_settings,
    find_config,
    is_selected,
    load_settings,
    path_matches,
)
from confdrift.errors import UsageError
from confdrift.findings import Finding, Location, Severity


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(cwd=tmp_path)
    assert settings == Settings(root=str(tmp_path.resolve()))
    assert settings.fail_on is Severity.ERROR
    assert settings.limits == Limits()


def test_pyproject_table_found_upward_and_paths_relative_to_it(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[tool.confdrift]\nparent = "../parent/conf/local.conf"\nlayers = ["meta-a"]\n'
        'fail-on = "warning"\nparent-sstate = "https://sstate.example/x"\n'
        'parent-downloads = "dl"\n',
    )
    deep = tmp_path / "build" / "conf"
    deep.mkdir(parents=True)
    settings = load_settings(cwd=deep)
    assert settings.parent == str(tmp_path.resolve() / "../parent/conf/local.conf")
    assert settings.layers == (str(tmp_path.resolve() / "meta-a"),)
    assert settings.fail_on is Severity.WARNING
    assert settings.parent_sstate == "https://sstate.example/x"
    assert settings.parent_downloads == str(tmp_path.resolve() / "dl")
    assert settings.config_file == str(tmp_path.resolve() / "pyproject.toml")


def test_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    write(tmp_path / ".confdrift.toml", 'release = "scarthgap"\n')
    write(tmp_path / "sub" / "pyproject.toml", "[tool.black]\nline-length = 1\n")
    found = find_config((tmp_path / "sub").resolve())
    assert found is not None
    assert found[0].name == ".confdrift.toml"


def test_dot_confdrift_wins_over_pyproject_in_the_same_directory(tmp_path: Path) -> None:
    write(tmp_path / ".confdrift.toml", 'release = "kirkstone"\n')
    write(tmp_path / "pyproject.toml", '[tool.confdrift]\nrelease = "scarthgap"\n')
    assert load_settings(cwd=tmp_path).release == "kirkstone"


def test_command_line_wins_over_file_and_none_means_not_given(tmp_path: Path) -> None:
    write(tmp_path / ".confdrift.toml", 'release = "kirkstone"\nfail-on = "info"\n')
    settings = load_settings({"release": "scarthgap", "fail_on": None}, cwd=tmp_path)
    assert settings.release == "scarthgap"
    assert settings.fail_on is Severity.INFO


def test_explicit_config_file(tmp_path: Path) -> None:
    config = write(tmp_path / "elsewhere.toml", 'select = ["CD1"]\n')
    assert load_settings(cwd=tmp_path, config=config).select == ("CD1",)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('parnet = "x"\n', "unknown configuration key 'parnet'"),
        ("[limits]\nmax-depth = 3\n", "unknown configuration key 'limits.max-depth'"),
        ('[[per-path]]\npath = "*"\nignor = []\n', "unknown configuration key 'per-path.ignor'"),
        ("[[per-path]]\nignore = []\n", "'path'"),
        ('fail-on = "fatal"\n', "fail-on: expected one of error, warning, info"),
        ("parent = 3\n", "parent: expected a string"),
        ('select = ["XY1"]\n', "unknown rule code or name 'XY1'"),
        ('[severity]\nCD101 = "loud"\n', "severity: expected one of"),
        ("[limits]\nmax-file-size = -1\n", "positive integer"),
        ("[limits]\nmax-file-size = true\n", "positive integer"),
        ("not toml [", "cannot read configuration"),
    ],
)
def test_bad_configuration_names_key_and_file(tmp_path: Path, text: str, fragment: str) -> None:
    config = write(tmp_path / ".confdrift.toml", text)
    with pytest.raises(UsageError) as caught:
        load_settings(cwd=tmp_path)
    assert fragment in str(caught.value)
    assert caught.value.filename == str(config.resolve())


def test_missing_explicit_config_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        load_settings(cwd=tmp_path, config=tmp_path / "nope.toml")


def test_full_table_converts(tmp_path: Path) -> None:
    write(
        tmp_path / ".confdrift.toml",
        'select = "cd1"\nignore = ["CD104", "CD2"]\nparent-hashserv = "ws://h:8686"\n'
        '[severity]\nCD101 = "warning"\nCD9 = "info"\n'
        '[[per-path]]\npath = "**/site.conf"\nignore = ["CD103"]\n'
        "[limits]\nmax-include-depth = 7\n",
    )
    s = load_settings(cwd=tmp_path)
    assert (s.select, s.ignore) == (("CD1",), ("CD104", "CD2"))
    assert dict(s.severity) == {"CD101": Severity.WARNING, "CD9": Severity.INFO}
    assert s.per_path == (PerPath("**/site.conf", (), ("CD103",)),)
    assert s.limits == Limits(max_include_depth=7)
    assert s.parent_hashserv == "ws://h:8686"


@pytest.mark.parametrize(
    ("code", "select", "ignore", "expected"),
    [
        ("CD101", (), (), True),
        ("CD101", (), ("CD1",), False),
        ("CD101", ("CD1",), (), True),
        ("CD201", ("CD1",), (), False),
        ("CD101", ("CD101",), ("CD1",), True),  # the longer prefix wins
        ("CD102", ("CD101",), ("CD1",), False),
        ("CD101", ("CD1",), ("CD101",), False),
        ("CD101", ("CD1",), ("CD1",), False),  # a tie means ignored
        ("CD101", ("CD",), ("CD10",), False),
        ("CD111", ("CD",), ("CD10",), True),
    ],
)
def test_selection_longer_prefix_wins(
    code: str, select: tuple[str, ...], ignore: tuple[str, ...], expected: bool
) -> None:
    assert is_selected(code, select, ignore) is expected


def at(code: str, file: str = "conf/local.conf", severity: Severity = Severity.ERROR) -> Finding:
    return Finding(code, "r", severity, "m", Location(file, 1))


def test_apply_settings_filters_and_overrides_severity(tmp_path: Path) -> None:
    settings = Settings(
        ignore=("CD3",),
        severity={"CD1": Severity.WARNING, "CD101": Severity.INFO},
        per_path=(PerPath("site.conf", ignore=("CD102",)),),
        root=str(tmp_path),
    )
    findings = [at("CD101"), at("CD102"), at("CD102", "conf/site.conf"), at("CD301"), at("CD201")]
    kept = apply_settings(findings, settings)
    assert [(f.code, f.location.file if f.location else "", f.severity) for f in kept] == [
        ("CD101", "conf/local.conf", Severity.INFO),
        ("CD102", "conf/local.conf", Severity.WARNING),
        ("CD201", "conf/local.conf", Severity.ERROR),
    ]


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("conf/site.conf", "site.conf", True),
        ("build/conf/site.conf", "**/site.conf", True),
        ("site.conf", "**/site.conf", True),
        ("conf/local.conf", "**/site.conf", False),
        ("build-a/conf/local.conf", "build-*/conf/*.conf", True),
        ("other/conf/local.conf", "build-*/conf/*.conf", False),
    ],
)
def test_path_matches(tmp_path: Path, path: str, pattern: str, expected: bool) -> None:
    assert path_matches(str(tmp_path / path), pattern, tmp_path) is expected


def test_rule_names_are_accepted_where_codes_are(tmp_path: Path) -> None:
    write(tmp_path / ".confdrift.toml", 'ignore = ["unused-suppression"]\n')
    assert load_settings(cwd=tmp_path).ignore == ("CD901",)


@pytest.mark.parametrize("entry", ["CD999", "CD4", "no-such-rule"])
def test_a_code_that_names_no_rule_is_an_error(entry: str) -> None:
    from confdrift.check.settings import normalize_code

    with pytest.raises(UsageError, match="unknown rule code or name"):
        normalize_code(entry)
